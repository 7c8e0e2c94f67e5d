#include "parallax/eval/evaluate.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "parallax/util/check.h"

namespace parallax {
namespace {

// 1/disparity on valid pixels (1 elsewhere: never read, but positive).
cv::Mat ToDepth(const cv::Mat& disparity, const cv::Mat& valid,
                double max_depth) {
  cv::Mat depth(disparity.size(), CV_32FC1, cv::Scalar(1));
  for (int y = 0; y < depth.rows; ++y) {
    const float* d = disparity.ptr<float>(y);
    const uint8_t* v = valid.ptr<uint8_t>(y);
    float* out = depth.ptr<float>(y);
    for (int x = 0; x < depth.cols; ++x) {
      if (!v[x]) continue;
      double z = 1.0 / d[x];
      if (max_depth > 0) z = std::min(z, max_depth);
      out[x] = static_cast<float>(z);
    }
  }
  return depth;
}

std::string JoinNames(const std::vector<std::string>& names) {
  constexpr size_t kMaxNames = 10;
  std::string joined;
  for (size_t i = 0; i < names.size() && i < kMaxNames; ++i) {
    joined += (i ? ", " : "") + names[i];
  }
  if (names.size() > kMaxNames) {
    joined += fmt::format(" and {} more", names.size() - kMaxNames);
  }
  return joined;
}

}  // namespace

void EvalOptions::Check() const {
  if (!(min_disp_fraction > 0 && min_disp_fraction <= 1)) {
    ThrowError("--min-disp-fraction must be in (0, 1], got {}",
               min_disp_fraction);
  }
  if (!(max_depth >= 0) || !std::isfinite(max_depth)) {
    ThrowError("--max-depth must be >= 0 (0 = no cap), got {}", max_depth);
  }
  for (double threshold : bad_thresholds) {
    if (!(threshold > 0) || !std::isfinite(threshold)) {
      ThrowError("--bad thresholds must be > 0 pixels, got {}", threshold);
    }
  }
  edges.Check();
}

ScoredPrediction ScorePrediction(const cv::Mat& pred_disparity,
                                 const GroundTruth& gt,
                                 const EvalOptions& options) {
  THROW_CHECK_EQ(pred_disparity.type(), CV_32FC1);
  THROW_CHECK(pred_disparity.size() == gt.disparity.size());
  cv::Mat valid = gt.valid.clone();
  if (options.max_depth > 0) {
    // Depth <= max_depth <=> disparity >= 1 / max_depth.
    cv::Mat near = gt.disparity >= 1.0 / options.max_depth;
    cv::bitwise_and(valid, near, valid);
  }
  ScoredPrediction scored;
  scored.valid_pixels = cv::countNonZero(valid);
  if (scored.valid_pixels == 0) {
    ThrowError("no pixel has ground truth inside the mask{}",
               options.max_depth > 0 ? " and within --max-depth" : "");
  }
  scored.alignment =
      FitAlignment(options.alignment, pred_disparity, gt.disparity, valid);
  double min_gt = 0;
  cv::minMaxLoc(gt.disparity, &min_gt, nullptr, nullptr, nullptr, valid);
  scored.floor = options.min_disp_fraction * min_gt;
  const cv::Mat aligned =
      ApplyAlignment(pred_disparity, scored.alignment, scored.floor);

  SceneScores& s = scored.scores;
  s.depth = ComputeDepthMetrics(ToDepth(aligned, valid, options.max_depth),
                                ToDepth(gt.disparity, valid, 0), valid);
  s.d1_all = D1AllPercent(aligned, gt.disparity, valid);
  for (double threshold : options.bad_thresholds) {
    s.bad.push_back(BadPixelPercent(aligned, gt.disparity, valid, threshold));
  }
  s.spearman = SpearmanCorrelation(pred_disparity, gt.disparity, valid);
  // Edges lie on the occluded side of boundaries, which non-occlusion masks
  // leave out: they are sought wherever the truth is known.
  const EdgeScores edges =
      ComputeEdgeScores(aligned, gt.disparity, gt.disparity > 0, options.edges);
  s.edge_accuracy = edges.accuracy;
  s.edge_completeness = edges.completeness;
  return scored;
}

SceneScores MeanScores(const std::vector<SceneScores>& scores) {
  SceneScores mean;
  if (scores.empty()) return mean;
  mean.bad.assign(scores.front().bad.size(), 0.0);
  for (const SceneScores& s : scores) {
    THROW_CHECK_EQ(s.bad.size(), mean.bad.size());
    mean.depth.abs_rel += s.depth.abs_rel;
    mean.depth.sq_rel += s.depth.sq_rel;
    mean.depth.rmse += s.depth.rmse;
    mean.depth.rmse_log += s.depth.rmse_log;
    mean.depth.delta1 += s.depth.delta1;
    mean.depth.delta2 += s.depth.delta2;
    mean.depth.delta3 += s.depth.delta3;
    mean.d1_all += s.d1_all;
    for (size_t i = 0; i < s.bad.size(); ++i) mean.bad[i] += s.bad[i];
    mean.spearman += s.spearman;
  }
  const double n = static_cast<double>(scores.size());
  for (double* v :
       {&mean.depth.abs_rel, &mean.depth.sq_rel, &mean.depth.rmse,
        &mean.depth.rmse_log, &mean.depth.delta1, &mean.depth.delta2,
        &mean.depth.delta3, &mean.d1_all, &mean.spearman}) {
    *v /= n;
  }
  for (double& v : mean.bad) v /= n;
  // Scenes without depth edges have none to score.
  for (auto field :
       {&SceneScores::edge_accuracy, &SceneScores::edge_completeness}) {
    double sum = 0;
    int count = 0;
    for (const SceneScores& s : scores) {
      if (std::isfinite(s.*field)) {
        sum += s.*field;
        ++count;
      }
    }
    mean.*field =
        count > 0 ? sum / count : std::numeric_limits<double>::quiet_NaN();
  }
  return mean;
}

EvalReport Evaluate(
    const std::vector<EvalScene>& scenes, const PredictFn& predict,
    const EvalOptions& options,
    const std::function<void(int64_t done, int64_t total)>& progress) {
  options.Check();
  THROW_CHECK(predict != nullptr);
  EvalReport report;
  std::vector<std::string> resized, relative, unmasked;
  std::vector<SceneScores> scores;
  for (const EvalScene& scene : scenes) {
    SceneResult result;
    result.scene = scene;
    try {
      const GroundTruth gt = LoadGroundTruth(scene);
      const Prediction prediction = predict(scene);
      result.prediction = prediction.source;
      const cv::Mat disparity = PredictionToDisparity(
          prediction, gt.disparity.size(), &result.resized);
      result.result = ScorePrediction(disparity, gt, options);
      if (prediction.relative) relative.push_back(scene.name);
    } catch (const Cancelled&) {
      throw;
    } catch (const Error& e) {
      ThrowError("scene '{}': {}", scene.name, e.what());
    }
    if (result.resized) resized.push_back(scene.name);
    if (scene.region_fallback) unmasked.push_back(scene.name);
    scores.push_back(result.result.scores);
    report.scenes.push_back(std::move(result));
    if (progress)
      progress(static_cast<int64_t>(report.scenes.size()),
               static_cast<int64_t>(scenes.size()));
  }
  report.mean = MeanScores(scores);
  if (!resized.empty()) {
    report.notes.push_back(fmt::format(
        "{} of {} predictions had another size than their ground truth and "
        "were resized (bilinear; disparities scaled by the width ratio): {}",
        resized.size(), scenes.size(), JoinNames(resized)));
  }
  if (!relative.empty() && options.alignment == Alignment::kNone) {
    report.notes.push_back(fmt::format(
        "{} predictions are in unknown units (normalised images or "
        "baselines) but --align none scores them as pixels of disparity: {}",
        relative.size(), JoinNames(relative)));
  }
  if (!unmasked.empty()) {
    report.notes.push_back(fmt::format(
        "{} scenes have no non-occlusion mask and are scored on every pixel "
        "with ground truth: {}",
        unmasked.size(), JoinNames(unmasked)));
  }
  return report;
}

}  // namespace parallax
