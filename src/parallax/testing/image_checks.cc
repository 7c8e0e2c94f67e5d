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

cv::Mat MultiScaleTexture(cv::Size size, int seed) {
  cv::RNG rng(static_cast<uint64_t>(seed));
  cv::Mat sum(size, CV_32FC3, cv::Scalar::all(0));
  for (const double sigma : {1.5, 6.0, 20.0}) {
    cv::Mat noise(size, CV_32FC3);
    rng.fill(noise, cv::RNG::NORMAL, 0, 1);
    cv::GaussianBlur(noise, noise, {0, 0}, sigma);
    cv::normalize(noise, noise, -60, 60, cv::NORM_MINMAX);
    sum += noise;
  }
  cv::Mat out;
  sum.convertTo(out, CV_8UC3, 1, 128);
  return out;
}

BuiltStereoPair WallAndSquarePair(cv::Size size, cv::Rect square,
                                  int wall_disparity, int square_disparity,
                                  double sigma) {
  const cv::Mat wall = NoiseTexture({size.width + 64, size.height}, 1, sigma);
  const cv::Mat texture = NoiseTexture(square.size(), 2, sigma);
  BuiltStereoPair pair;
  pair.left = wall(cv::Rect({0, 0}, size)).clone();
  pair.right = wall(cv::Rect({wall_disparity, 0}, size)).clone();
  texture.copyTo(pair.left(square));
  texture.copyTo(pair.right(square - cv::Point(square_disparity, 0)));
  return pair;
}

}  // namespace parallax::testing
