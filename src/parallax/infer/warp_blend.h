// The per-pixel core of flow-based temporal stabilisation, fused into one
// pass over the output (internal to infer/).
#pragma once

#include <opencv2/core.hpp>

namespace parallax {

// out(x) = c(x) + w(x) * (previous(x + f(x)) - c(x)), c = scale * current +
// shift, with previous/current CV_32FC1 of one size and the flow f (CV_32FC2,
// in its own pixels) and weight w (CV_32FC1) given at a lower resolution and
// upsampled bilinearly on the fly; previous is sampled bilinearly, clamped
// at the border (callers zero w where the flow leaves the frame).
cv::Mat WarpBlend(const cv::Mat& previous, const cv::Mat& current,
                  const cv::Mat& flow_small, const cv::Mat& weight_small,
                  double scale, double shift);

}  // namespace parallax
