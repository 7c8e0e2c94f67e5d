#include "parallax/testing/image_checks.h"

#include <opencv2/imgproc.hpp>

namespace parallax::testing {

double Sharpness(const cv::Mat& image, const cv::Rect& area) {
  cv::Mat gray, laplacian;
  cv::cvtColor(image(area), gray, cv::COLOR_BGR2GRAY);
  cv::Laplacian(gray, laplacian, CV_64F);
  cv::Scalar mean, stddev;
  cv::meanStdDev(laplacian, mean, stddev);
  return stddev[0] * stddev[0];
}

cv::Mat NoiseTexture(cv::Size size, int seed, double sigma) {
  cv::Mat texture(size, CV_8UC3);
  cv::RNG rng(seed);
  rng.fill(texture, cv::RNG::UNIFORM, 0, 255);
  cv::GaussianBlur(texture, texture, {0, 0}, sigma);
  return texture;
}

}  // namespace parallax::testing
