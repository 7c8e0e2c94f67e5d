// Small stereo scenes with known disparity, written as image files, for the
// training tests.
#pragma once

#include <cmath>
#include <filesystem>
#include <random>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace parallax::testing {

// A random colour texture with detail at every scale (blurred noise at
// several widths), so that the photometric loss has a signal at each of the
// four output scales. Values in [0, 255].
inline cv::Mat RandomTexture(cv::Size size, uint64_t seed, double blur = 1.0) {
  cv::Mat sum = cv::Mat::zeros(size, CV_32FC3);
  cv::RNG rng(seed);
  for (double sigma : {blur, 3 * blur, 9 * blur}) {
    cv::Mat noise(size, CV_32FC3);
    rng.fill(noise, cv::RNG::UNIFORM, 0, 1);
    cv::GaussianBlur(noise, noise, cv::Size(0, 0), sigma);
    cv::normalize(noise, noise, 0, 1, cv::NORM_MINMAX);
    sum += noise;
  }
  cv::normalize(sum, sum, 0, 255, cv::NORM_MINMAX);
  return sum;
}

// A square floating in front of a background plane. Left-view disparities
// in pixels: `square_disparity` inside the square, `background_disparity`
// elsewhere; with a converging rig the background is negative. The right
// view is rendered with occlusion: where the square and the background
// compete for a right pixel, the square (larger disparity) wins.
struct TwoPlaneScene {
  cv::Mat left, right;  // CV_8UC3
  cv::Mat square_mask;  // CV_8U, 255 inside the square (left view)
};

inline TwoPlaneScene MakeTwoPlaneScene(cv::Size size, double square_disparity,
                                       double background_disparity,
                                       uint64_t seed) {
  const int margin = 64;
  const cv::Mat background =
      RandomTexture({size.width + 2 * margin, size.height}, seed);
  const cv::Mat square_texture =
      RandomTexture({size.width + 2 * margin, size.height}, seed + 1, 1.5);
  const cv::Rect square(size.width * 3 / 10, size.height / 4,
                        size.width * 2 / 5, size.height / 2);
  TwoPlaneScene scene;
  scene.left.create(size, CV_8UC3);
  scene.right.create(size, CV_8UC3);
  scene.square_mask = cv::Mat::zeros(size, CV_8U);
  scene.square_mask(square).setTo(255);
  auto sample = [&](const cv::Mat& texture, double x, int y) {
    // Linear interpolation along x in the padded texture.
    const double u = x + margin;
    const int x0 = static_cast<int>(std::floor(u));
    const double t = u - x0;
    const cv::Vec3f a = texture.at<cv::Vec3f>(y, x0);
    const cv::Vec3f b = texture.at<cv::Vec3f>(y, x0 + 1);
    const cv::Vec3f v = a * (1 - t) + b * t;
    return cv::Vec3b(cv::saturate_cast<uchar>(v[0]),
                     cv::saturate_cast<uchar>(v[1]),
                     cv::saturate_cast<uchar>(v[2]));
  };
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      const bool in_square = square.contains({x, y});
      scene.left.at<cv::Vec3b>(y, x) =
          in_square ? sample(square_texture, x, y) : sample(background, x, y);
      // Right pixel x shows the left point x + d: the square if that point
      // lies on it, else the background.
      const double on_square = x + square_disparity;
      const bool square_visible =
          y >= square.y && y < square.y + square.height &&
          on_square >= square.x && on_square < square.x + square.width;
      scene.right.at<cv::Vec3b>(y, x) =
          square_visible ? sample(square_texture, on_square, y)
                         : sample(background, x + background_disparity, y);
    }
  }
  return scene;
}

// Writes `count` two-plane pairs as <dir>/left/NNN.png + <dir>/right/NNN.png.
inline void WriteTwoPlaneDataset(const std::filesystem::path& dir, int count,
                                 cv::Size size, double square_disparity,
                                 double background_disparity) {
  std::filesystem::create_directories(dir / "left");
  std::filesystem::create_directories(dir / "right");
  for (int i = 0; i < count; ++i) {
    const TwoPlaneScene scene = MakeTwoPlaneScene(
        size, square_disparity, background_disparity, 100 + i);
    const std::string name = cv::format("%03d.png", i);
    cv::imwrite((dir / "left" / name).string(), scene.left);
    cv::imwrite((dir / "right" / name).string(), scene.right);
  }
}

}  // namespace parallax::testing
