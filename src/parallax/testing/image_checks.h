// Image measurements shared by the tests of blur and refocusing.
#pragma once

#include <opencv2/core.hpp>

namespace parallax::testing {

// Variance of the Laplacian of `area` (gray): the usual sharpness measure;
// blur lowers it.
double Sharpness(const cv::Mat& image, const cv::Rect& area);

}  // namespace parallax::testing
