#include "parallax/data/stereo_hints.h"

#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/imgproc.hpp>

#include "parallax/testing/testing.h"

namespace parallax {
namespace {

using testing::ErrorOf;

// A two-plane scene with known disparity: a textured background at
// `kBack` px and a textured square at `kFront` px in front of it.
constexpr float kBack = 8, kFront = 24;

cv::Mat Texture(cv::Size size, uint64_t seed) {
  cv::Mat noise(size, CV_8UC1);
  cv::RNG rng(seed);
  rng.fill(noise, cv::RNG::UNIFORM, 0, 256);
  cv::GaussianBlur(noise, noise, {3, 3}, 0.8);
  return noise;
}

struct Scene {
  cv::Mat left, right, gt_left, gt_right;
  cv::Rect square;  // in the left view
};

// Views rendered from the two layers by their left-view coordinates: left
// pixel x shows layer(x); right pixel x shows the nearest layer whose left
// coordinate x + d covers it.
Scene TwoPlanes(cv::Size size) {
  const cv::Mat back = Texture(size, 1), front = Texture(size, 2);
  Scene scene;
  scene.square = {size.width * 2 / 5, size.height / 4, size.width / 4,
                  size.height / 2};
  scene.left.create(size, CV_8UC1);
  scene.right.create(size, CV_8UC1);
  scene.gt_left.create(size, CV_32F);
  scene.gt_right.create(size, CV_32F);
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      const bool in_front = scene.square.contains({x, y});
      scene.left.at<uint8_t>(y, x) =
          in_front ? front.at<uint8_t>(y, x) : back.at<uint8_t>(y, x);
      scene.gt_left.at<float>(y, x) = in_front ? kFront : kBack;
      const int xf = x + int(kFront), xb = x + int(kBack);
      if (scene.square.contains({xf, y})) {
        scene.right.at<uint8_t>(y, x) = front.at<uint8_t>(y, xf);
        scene.gt_right.at<float>(y, x) = kFront;
      } else {
        scene.right.at<uint8_t>(y, x) =
            back.at<uint8_t>(y, std::min(xb, size.width - 1));
        scene.gt_right.at<float>(y, x) = kBack;
      }
    }
  }
  return scene;
}

struct Score {
  double valid_fraction = 0;    // of the pixels scored
  double correct_fraction = 0;  // of the valid ones, within 1 px
};

Score ScoreHints(const cv::Mat& hints, const cv::Mat& gt, const cv::Rect& roi,
                 double tolerance = 1.0) {
  int total = 0, valid = 0, correct = 0;
  for (int y = roi.y; y < roi.br().y; ++y) {
    for (int x = roi.x; x < roi.br().x; ++x) {
      ++total;
      const float h = hints.at<float>(y, x);
      if (std::isnan(h)) continue;
      ++valid;
      correct += std::abs(h - gt.at<float>(y, x)) <= tolerance;
    }
  }
  return {double(valid) / total, valid ? double(correct) / valid : 0.0};
}

TEST(StereoHintsTest, RecoversBothPlanesInBothViews) {
  const Scene scene = TwoPlanes({320, 160});
  const StereoHints hints = ComputeStereoHints(scene.left, scene.right);
  ASSERT_EQ(hints.left.size(), scene.left.size());
  ASSERT_EQ(hints.left.type(), CV_32F);
  // Away from the borders the search range cannot cover (80 px at this
  // width) and from the occlusion boundaries.
  const cv::Rect inner(96, 8, 320 - 192, 144);
  const Score left = ScoreHints(hints.left, scene.gt_left, inner);
  EXPECT_GT(left.valid_fraction, 0.7);
  EXPECT_GT(left.correct_fraction, 0.97);
  const Score right = ScoreHints(hints.right, scene.gt_right, inner);
  EXPECT_GT(right.valid_fraction, 0.7);
  EXPECT_GT(right.correct_fraction, 0.97);
  // The foreground square itself, in the left view.
  const cv::Rect square = scene.square;
  const Score front = ScoreHints(
      hints.left, scene.gt_left,
      {square.x + 3, square.y + 3, square.width - 6, square.height - 6});
  EXPECT_GT(front.valid_fraction, 0.8);
  EXPECT_GT(front.correct_fraction, 0.97);
}

TEST(StereoHintsTest, RejectsTheOccludedStrip) {
  const Scene scene = TwoPlanes({320, 160});
  const StereoHints hints = ComputeStereoHints(scene.left, scene.right);
  // Left-view background just left of the square is hidden in the right
  // view (kFront - kBack px wide): no hint may claim a wrong value there.
  const int width = int(kFront - kBack);
  const cv::Rect occluded(scene.square.x - width + 2, scene.square.y + 4,
                          width - 4, scene.square.height - 8);
  const Score score = ScoreHints(hints.left, scene.gt_left, occluded, 1.5);
  EXPECT_GT(
      1 - score.valid_fraction + score.valid_fraction * score.correct_fraction,
      0.9)
      << "valid " << score.valid_fraction << " correct "
      << score.correct_fraction;
}

TEST(StereoHintsTest, ScalesDisparityBackToTheInputWidth) {
  // Matched at half width, reported in pixels of the full-size views.
  const Scene scene = TwoPlanes({640, 160});
  StereoHintOptions options;
  options.max_width = 320;
  options.max_disparity_fraction = 0.2;
  const StereoHints hints =
      ComputeStereoHints(scene.left, scene.right, options);
  ASSERT_EQ(hints.left.size(), scene.left.size());
  const Score score =
      ScoreHints(hints.left, scene.gt_left, {160, 10, 640 - 320, 140}, 2.0);
  EXPECT_GT(score.valid_fraction, 0.6);
  EXPECT_GT(score.correct_fraction, 0.95);
}

TEST(StereoHintsTest, BadInputIsAClearError) {
  const cv::Mat a(64, 128, CV_8UC1, cv::Scalar(0));
  const cv::Mat b(64, 120, CV_8UC1, cv::Scalar(0));
  EXPECT_NE(ErrorOf([&] { ComputeStereoHints(a, b); }).find("different sizes"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] { ComputeStereoHints(cv::Mat(), a); }).find("empty"),
            std::string::npos);
  cv::Mat f(64, 128, CV_32F, cv::Scalar(0));
  EXPECT_NE(ErrorOf([&] { ComputeStereoHints(f, f); }).find("8-bit"),
            std::string::npos);
}

}  // namespace
}  // namespace parallax
