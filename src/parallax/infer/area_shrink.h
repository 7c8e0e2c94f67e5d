// Shrinking a frame to network size by area averaging, straight from its
// 8- or 16-bit pixels to float RGB: the first step of every prediction.
//
// The same averages as cv::resize with INTER_AREA on the float image, up to
// float rounding where OpenCV drops no slivers of overlap (it drops those
// under 1e-3 of a pixel without renormalising; this keeps all above 1e-6,
// so on outputs over about 1000 pixels wide it can differ by up to 1e-3,
// being the more exact), in about a third of the time of that conversion and
// resize for 1080p to network size, a non-integer ratio
// (area_shrink_benchmark): the rows are averaged first, whole rows at a
// time, so that the costly pass runs on vectors and the per-column pass
// only on the few rows left.
#pragma once

#include <opencv2/core.hpp>

namespace parallax {

// `image`: 8- or 16-bit, 1 (gray), 3 (BGR) or 4 (BGRA) channels. `size` no
// larger than the image in either direction. Returns CV_32FC3 RGB in [0, 1]
// (gray repeated, alpha dropped). Throws parallax::Error otherwise.
cv::Mat ShrinkToRgbFloat(const cv::Mat& image, cv::Size size);

}  // namespace parallax
