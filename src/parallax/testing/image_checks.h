// Image measurements and test patterns shared by the tests.
#pragma once

#include <opencv2/core.hpp>

namespace parallax::testing {

// Variance of the Laplacian of `area` (gray): the usual sharpness measure;
// blur lowers it.
double Sharpness(const cv::Mat& image, const cv::Rect& area);

// 8-bit colour noise (uniform 0..254 per channel) blurred by a Gaussian of
// `sigma` pixels: texture that matching and networks can lock on to.
cv::Mat NoiseTexture(cv::Size size, int seed, double sigma);

}  // namespace parallax::testing
