#include "parallax/infer/area_shrink.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "parallax/infer/predictor.h"
#include "parallax/testing/testing.h"

namespace parallax {
namespace {

using testing::ErrorOf;

cv::Mat Random(cv::Size size, int type, uint64_t seed) {
  cv::Mat image(size, type);
  cv::RNG rng(seed);
  rng.fill(image, cv::RNG::UNIFORM, 0,
           CV_MAT_DEPTH(type) == CV_8U ? 256 : 65536);
  return image;
}

// OpenCV's area resize of the float image: the reference.
double MaxDifference(const cv::Mat& image, cv::Size size) {
  cv::Mat expected;
  cv::resize(ToRgbFloat(image), expected, size, 0, 0, cv::INTER_AREA);
  const cv::Mat shrunk = ShrinkToRgbFloat(image, size);
  EXPECT_EQ(shrunk.type(), CV_32FC3);
  EXPECT_EQ(shrunk.size(), size);
  return cv::norm(shrunk, expected, cv::NORM_INF);
}

TEST(ShrinkToRgbFloat, MatchesOpenCvAreaResizeAtNonIntegerRatios) {
  // 1080p to the default network size, and odd ratios both ways.
  EXPECT_LT(MaxDifference(Random({1920, 1080}, CV_8UC3, 1), {448, 252}), 1e-5);
  EXPECT_LT(MaxDifference(Random({333, 201}, CV_8UC3, 2), {100, 77}), 1e-5);
  EXPECT_LT(MaxDifference(Random({97, 61}, CV_8UC3, 3), {96, 13}), 1e-5);
}

TEST(ShrinkToRgbFloat, MatchesAtIntegerRatiosAndTheSameSize) {
  EXPECT_LT(MaxDifference(Random({256, 128}, CV_8UC3, 4), {64, 32}), 1e-5);
  EXPECT_LT(MaxDifference(Random({64, 40}, CV_8UC3, 5), {64, 40}), 1e-6);
}

TEST(ShrinkToRgbFloat, GrayBgraAndSixteenBit) {
  EXPECT_LT(MaxDifference(Random({300, 170}, CV_8UC1, 6), {128, 72}), 1e-5);
  EXPECT_LT(MaxDifference(Random({300, 170}, CV_8UC4, 7), {128, 72}), 1e-5);
  EXPECT_LT(MaxDifference(Random({300, 170}, CV_16UC3, 8), {128, 72}), 1e-5);
}

TEST(ShrinkToRgbFloat, ChannelsComeOutAsRgb) {
  cv::Mat bgr(20, 20, CV_8UC3, cv::Scalar(255, 0, 51));  // blue, no green, red
  const cv::Vec3f rgb = ShrinkToRgbFloat(bgr, {5, 5}).at<cv::Vec3f>(2, 2);
  EXPECT_FLOAT_EQ(rgb[0], 0.2f);
  EXPECT_FLOAT_EQ(rgb[1], 0.0f);
  EXPECT_FLOAT_EQ(rgb[2], 1.0f);
}

TEST(ShrinkToRgbFloat, BadInputIsAClearError) {
  EXPECT_NE(ErrorOf([] {
              ShrinkToRgbFloat(cv::Mat(), {1, 1});
            }).find("empty"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] {
              ShrinkToRgbFloat(cv::Mat(10, 10, CV_8UC3), {20, 5});
            }).find("not within"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] {
              ShrinkToRgbFloat(cv::Mat(10, 10, CV_32FC3), {5, 5});
            }).find("8- or 16-bit"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] {
              ShrinkToRgbFloat(cv::Mat(10, 10, CV_8UC2), {5, 5});
            }).find("channels"),
            std::string::npos);
}

}  // namespace
}  // namespace parallax
