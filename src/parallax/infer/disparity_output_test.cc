#include "parallax/infer/disparity_output.h"

#include <cmath>

#include <gtest/gtest.h>

#include "parallax/util/check.h"

namespace parallax {
namespace {

cv::Mat Ramp(int width, int height, float low, float high) {
  cv::Mat disparity(height, width, CV_32FC1);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      disparity.at<float>(y, x) = low + (high - low) * x / (width - 1);
    }
  }
  return disparity;
}

TEST(DisparityOutputTest, RobustRangeIgnoresAFewOutliers) {
  cv::Mat disparity = Ramp(200, 100, 10, 20);
  disparity.at<float>(0, 0) = -1000;
  disparity.at<float>(5, 5) = 1e6;
  const DisparityRange range = RobustRange(disparity);
  EXPECT_NEAR(range.low, 10.0, 0.1);
  EXPECT_NEAR(range.high, 20.0, 0.1);
}

TEST(DisparityOutputTest, ConstantMapGetsANonEmptyRange) {
  const DisparityRange range =
      RobustRange(cv::Mat(10, 10, CV_32FC1, cv::Scalar(5)));
  EXPECT_GT(range.high, range.low);
}

TEST(DisparityOutputTest, Normalized16MapsRangeToFullScaleNearIsWhite) {
  const cv::Mat disparity = Ramp(101, 2, 0, 100);
  const cv::Mat out = EncodeNormalized16(disparity, {0, 100}, false);
  ASSERT_EQ(out.type(), CV_16UC1);
  EXPECT_EQ(out.at<uint16_t>(0, 0), 0);
  EXPECT_EQ(out.at<uint16_t>(0, 100), 65535);
  EXPECT_NEAR(out.at<uint16_t>(0, 50), 32768, 1);
  const cv::Mat inverted = EncodeNormalized16(disparity, {0, 100}, true);
  EXPECT_EQ(inverted.at<uint16_t>(0, 0), 65535);
  EXPECT_EQ(inverted.at<uint16_t>(0, 100), 0);
}

TEST(DisparityOutputTest, OutOfRangeValuesClamp) {
  const cv::Mat disparity = Ramp(11, 1, -50, 150);
  const cv::Mat out =
      EncodePreview(disparity, {0, 100}, false, Colormap::kGray);
  ASSERT_EQ(out.type(), CV_8UC1);
  EXPECT_EQ(out.at<uint8_t>(0, 0), 0);
  EXPECT_EQ(out.at<uint8_t>(0, 10), 255);
}

TEST(DisparityOutputTest, ColourMapsGiveColourPreviews) {
  const cv::Mat disparity = Ramp(64, 4, 0, 1);
  for (Colormap map : {Colormap::kTurbo, Colormap::kInferno}) {
    const cv::Mat out = EncodePreview(disparity, {0, 1}, false, map);
    ASSERT_EQ(out.type(), CV_8UC3);
    EXPECT_NE(out.at<cv::Vec3b>(0, 0), out.at<cv::Vec3b>(0, 63));
  }
  EXPECT_EQ(ParseColormap("TURBO"), Colormap::kTurbo);
  EXPECT_THROW(ParseColormap("jet2"), Error);
}

TEST(DisparityOutputTest, InvertedFloatMapIsReciprocalWithFloor) {
  cv::Mat disparity = Ramp(5, 1, 0, 100);  // 0 25 50 75 100
  const cv::Mat depth = EncodeFloatMap(disparity, true);
  EXPECT_FLOAT_EQ(depth.at<float>(0, 4), 0.01f);
  EXPECT_FLOAT_EQ(depth.at<float>(0, 2), 0.02f);
  // 0 is floored at 1% of the largest disparity: 1 / 1.
  EXPECT_FLOAT_EQ(depth.at<float>(0, 0), 1.0f);
  // Without --invert the values pass through untouched.
  EXPECT_EQ(cv::norm(EncodeFloatMap(disparity, false), disparity, cv::NORM_INF),
            0.0);
  EXPECT_THROW(EncodeFloatMap(Ramp(5, 1, -3, 3), true), Error);
}

TEST(DisparityOutputTest, RangeTrackerSmoothsAndResetsAtCuts) {
  RangeTracker tracker(0.5);
  const DisparityRange first = tracker.Update(Ramp(50, 2, 0, 10), false);
  EXPECT_NEAR(first.high, 10, 0.1);
  const DisparityRange second = tracker.Update(Ramp(50, 2, 0, 20), false);
  EXPECT_NEAR(second.high, 15, 0.2);  // halfway
  const DisparityRange cut = tracker.Update(Ramp(50, 2, 0, 40), true);
  EXPECT_NEAR(cut.high, 40, 0.3);  // reset
}

}  // namespace
}  // namespace parallax
