// Predictions to score: what they are, where `--pred DIR` keeps them, and
// turning one into disparity in ground-truth pixels.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

#include "parallax/eval/eval_scene.h"

namespace parallax {

enum class PredictionKind {
  kDisparity,  // larger = nearer
  kDepth,      // inverted before scoring (disparity = 1 / depth)
};
// "disparity", "depth"; throws parallax::Error naming --pred-kind.
PredictionKind ParsePredictionKind(std::string_view text);
std::string ToString(PredictionKind kind);

struct Prediction {
  // Implicit on purpose: a predictor returning a disparity map in pixels
  // (a network, a baseline) can return the cv::Mat itself.
  Prediction(cv::Mat values,  // NOLINT(google-explicit-constructor)
             PredictionKind kind = PredictionKind::kDisparity,
             bool relative = false, std::string source = "")
      : values(std::move(values)),
        kind(kind),
        relative(relative),
        source(std::move(source)) {}

  cv::Mat values;  // one channel, any size and depth
  PredictionKind kind = PredictionKind::kDisparity;
  // Units unknown (normalised 8/16-bit images): meaningful only after
  // alignment to the ground truth.
  bool relative = false;
  std::string source;  // the file or model, for messages
};

// One prediction per scene: `--pred DIR`, a baseline, or a network.
using PredictFn = std::function<Prediction(const EvalScene&)>;

// The files looked for, in order, for a scene whose left image is
// REL/DIR/STEM.EXT below the ground-truth root: PRED/REL/DIR/STEM_disp.EXT,
// PRED/NAME.EXT, PRED/NAME_disp.EXT, PRED/STEM_disp.EXT, each with EXT =
// pfm, npy, exr, png. With `name_is_unique` (`stem_is_unique`) false the
// scene name (the left image's stem) is ambiguous and its forms are not
// tried.
std::vector<std::filesystem::path> PredictionCandidates(
    const EvalScene& scene, const std::filesystem::path& pred_root,
    bool name_is_unique = true, bool stem_is_unique = true);

// The prediction file of every scene (same order). Throws one
// parallax::Error listing every scene without one and what was tried.
std::vector<std::filesystem::path> FindPredictionFiles(
    const std::vector<EvalScene>& scenes,
    const std::filesystem::path& pred_root);

// Reads a prediction file: float maps (PFM, NPY, EXR) in their own units,
// 8/16-bit images (PNG, integer NPY) as relative values, or, with
// `integer_scale` > 0, as value / integer_scale (KITTI's uint16 PNG: 256).
Prediction ReadPrediction(const std::filesystem::path& path,
                          PredictionKind kind, double integer_scale = 0);

// A PredictFn over `--pred DIR`: finds every scene's file up front (so all
// missing ones are reported at once) and reads it when asked.
PredictFn MakeFilePredictor(const std::vector<EvalScene>& scenes,
                            const std::filesystem::path& pred_root,
                            PredictionKind kind, double integer_scale = 0);

// The prediction as CV_32FC1 disparity of `size`. A map of another size is
// resized bilinearly and, being disparity, scaled by the width ratio (depth
// is resized and then inverted: its units do not depend on the image size).
// Another aspect ratio (beyond 2 %) is an error rather than a stretch.
// Throws parallax::Error naming the source for NaN/inf values (a NaN
// prediction is a bug, not a pixel to skip) and for depths <= 0.
cv::Mat PredictionToDisparity(const Prediction& prediction, cv::Size size,
                              bool* resized = nullptr);

}  // namespace parallax
