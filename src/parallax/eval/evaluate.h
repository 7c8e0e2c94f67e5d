// Scoring predictions against ground truth, scene by scene.
//
// Per scene: the prediction becomes disparity at the ground-truth size, is
// aligned to the ground truth over the valid pixels (EvalOptions::alignment),
// and aligned disparities below min_disp_fraction of the scene's smallest
// valid ground-truth disparity are raised to that floor, so every depth is
// finite. Depth is 1/disparity, in units of 1/pixel (no calibration is
// needed, and every metric but SqRel and RMSE is unit-free). Disparity
// metrics (D1-all, bad-N) are taken on the aligned disparity, Spearman on
// the prediction before alignment (ranks do not depend on it). The report's
// mean is the mean of the per-scene scores, not of all pixels pooled, so a
// large scene does not outweigh the others.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "parallax/eval/alignment.h"
#include "parallax/eval/edge_metrics.h"
#include "parallax/eval/eval_scene.h"
#include "parallax/eval/ground_truth.h"
#include "parallax/eval/metrics.h"
#include "parallax/eval/prediction.h"

namespace parallax {

struct EvalOptions {
  // How each prediction is fitted to its ground truth.
  Alignment alignment = Alignment::kScaleShift;
  // Floor on aligned disparity, as a fraction of the scene's smallest valid
  // ground-truth disparity; in (0, 1].
  double min_disp_fraction = 0.05;
  // Largest depth scored, in units of 1/disparity-in-pixels (0 = no cap):
  // as Eigen's 80 m cap on KITTI, ground-truth pixels farther away are left
  // out and predicted depths are clamped to it. 0.01 keeps disparities
  // >= 100 px.
  double max_depth = 0;
  // Middlebury bad-N thresholds, pixels of disparity.
  std::vector<double> bad_thresholds = {1, 2, 4};
  // How depth edges are found and scored.
  EdgeOptions edges;

  void Check() const;  // throws parallax::Error naming the flag
};

struct SceneScores {
  DepthMetrics depth;
  double d1_all = 0;        // percent
  std::vector<double> bad;  // percent, one per EvalOptions::bad_thresholds
  double spearman = 0;      // in [-1, 1]
  // Depth-boundary errors, pixels (edge_metrics.h); NaN for a scene whose
  // truth has no depth edge, and such scenes are left out of a mean.
  double edge_accuracy = 0;
  double edge_completeness = 0;
};

// The scores of one prediction and how they came about.
struct ScoredPrediction {
  SceneScores scores;
  ScaleShift alignment;      // applied to the predicted disparity
  double floor = 0;          // lowest aligned disparity allowed
  int64_t valid_pixels = 0;  // pixels scored
};

// `pred_disparity`: CV_32FC1 of the ground truth's size. Throws
// parallax::Error when no pixel is left to score.
ScoredPrediction ScorePrediction(const cv::Mat& pred_disparity,
                                 const GroundTruth& gt,
                                 const EvalOptions& options);

struct SceneResult {
  EvalScene scene;
  std::string prediction;  // where it came from (file, baseline, model)
  bool resized = false;    // the prediction had another size
  ScoredPrediction result;
};

struct EvalReport {
  std::vector<SceneResult> scenes;
  SceneScores mean;  // per-scene scores averaged
  // What a reader of the numbers should know: resized predictions, relative
  // predictions scored without alignment, scenes without a non-occlusion
  // mask.
  std::vector<std::string> notes;
};

SceneScores MeanScores(const std::vector<SceneScores>& scores);

// Scores every scene with `predict`. `progress(done, total)` is called after
// each scene and may throw parallax::Cancelled to stop. Errors of a scene are
// rethrown naming it.
EvalReport Evaluate(
    const std::vector<EvalScene>& scenes, const PredictFn& predict,
    const EvalOptions& options,
    const std::function<void(int64_t done, int64_t total)>& progress = {});

}  // namespace parallax
