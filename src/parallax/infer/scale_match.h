// Robust fit of a global scale and shift between two disparity maps, used to
// take out a monocular network's per-frame scale drift.
#pragma once

#include <opencv2/core.hpp>

namespace parallax {

struct ScaleShift {
  double scale = 1.0;
  double shift = 0.0;
  bool valid = false;  // false: too few pixels; scale 1, shift 0
};

// Fits target ~ scale * source + shift over the pixels where mask != 0
// (all CV_32FC1 / CV_8UC1 of one size): least squares, then a refit on the
// pixels whose residual is within 3 robust sigmas (1.4826 * median absolute
// residual), so moving objects and flow failures do not pull the fit. Where
// the source is flat only the shift is fitted. Only every `stride`-th row
// and column is used (a global fit needs few samples). Invalid below
// `min_pixels` samples.
ScaleShift FitScaleShift(const cv::Mat& source, const cv::Mat& target,
                         const cv::Mat& mask, int min_pixels, int stride = 1);

}  // namespace parallax
