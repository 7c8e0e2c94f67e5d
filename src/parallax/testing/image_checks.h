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

// 8-bit colour noise blurred at 1.5, 6 and 20 pixels and summed: blobs of
// every size, detail everywhere (for block matching and features).
cv::Mat MultiScaleTexture(cv::Size size, int seed);

// A rectified pair with known disparities: a textured `square` (left-view
// pixels) at `square_disparity` over a textured wall at `wall_disparity`.
// Left pixel x sees the right view at x - d. Textures: NoiseTexture with
// `sigma`.
struct BuiltStereoPair {
  cv::Mat left, right;
};
BuiltStereoPair WallAndSquarePair(cv::Size size, cv::Rect square,
                                  int wall_disparity, int square_disparity,
                                  double sigma);

}  // namespace parallax::testing
