// Predictions that need no model, so a model card can cite what "no
// information" and "a naive prior" score: a constant disparity, and a
// disparity that grows down the image (ground planes come nearer towards the
// bottom of most photos).
#pragma once

#include <string>
#include <string_view>

#include <opencv2/core.hpp>

#include "parallax/eval/prediction.h"

namespace parallax {

enum class Baseline {
  kConstant,          // disparity 1 everywhere
  kVerticalGradient,  // disparity = row index, 0 at the top row
};
// "constant", "vertical-gradient"; throws parallax::Error naming --baseline.
Baseline ParseBaseline(std::string_view text);
std::string ToString(Baseline baseline);

// CV_32FC1 disparity of `size`.
cv::Mat BaselineDisparity(Baseline baseline, cv::Size size);

// A PredictFn giving the baseline at the size of each scene's left image.
PredictFn MakeBaselinePredictor(Baseline baseline);

}  // namespace parallax
