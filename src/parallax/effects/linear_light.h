// sRGB <-> linear light. Blur, fog and compositing mix light, so they work
// on linear values: averaging sRGB codes darkens bright bokeh and fog.
#pragma once

#include <opencv2/core.hpp>

namespace parallax {

// Gray, gray + alpha, BGR or BGRA as BGR of the same depth (alpha
// dropped); other channel counts are an error.
cv::Mat ToBgr(const cv::Mat& image);

// 8-bit or 16-bit BGR (or gray) sRGB -> CV_32FC3 linear light in [0, 1].
cv::Mat SrgbToLinear(const cv::Mat& image);

// CV_32FC3 linear light -> sRGB of `depth` (CV_8U or CV_16U), clamped.
cv::Mat LinearToSrgb(const cv::Mat& linear, int depth);

}  // namespace parallax
