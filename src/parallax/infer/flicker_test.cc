#include "parallax/infer/flicker.h"

#include <gtest/gtest.h>

namespace parallax {
namespace {

cv::Mat Gray(std::initializer_list<uchar> values, int rows) {
  return cv::Mat(std::vector<uchar>(values), true).reshape(1, rows).clone();
}
cv::Mat Disp(std::initializer_list<float> values, int rows) {
  return cv::Mat(std::vector<float>(values), true).reshape(1, rows).clone();
}

TEST(FlickerMeterTest, MatchesHandComputedValues) {
  FlickerOptions options;
  options.blur_sigma = 0.0;
  options.detect_scene_cuts = false;
  FlickerMeter meter(options);
  meter.Add(Gray({10, 10, 10, 10, 10, 10}, 2), Disp({1, 2, 3, 4, 5, 6}, 2));
  EXPECT_EQ(meter.pairs(), 0);
  EXPECT_EQ(meter.mean_abs_change(), 0.0);
  // |dI| = 0 1 10 / 0 0 3: four static pixels (dI < 2).
  // |dd| there: 1 0 / 0 2 -> 3; mean |d| of the pair: 1.5 2 / 4 6 -> 13.5.
  meter.Add(Gray({10, 11, 20, 10, 10, 13}, 2), Disp({2, 2, 0, 4, 7, 100}, 2));
  EXPECT_EQ(meter.pairs(), 1);
  EXPECT_EQ(meter.static_pixels(), 4);
  EXPECT_DOUBLE_EQ(meter.mean_abs_change(), 0.75);
  EXPECT_DOUBLE_EQ(meter.relative_change(), 3.0 / 13.5);
  // Same image: all six static. |dd| = 4 0 0 / 0 0 0 (signed disparity
  // counts by magnitude); mean |d| = 2 2 0 / 4 7 100 -> 115.
  meter.Add(Gray({10, 11, 20, 10, 10, 13}, 2), Disp({-2, 2, 0, 4, 7, 100}, 2));
  EXPECT_EQ(meter.pairs(), 2);
  EXPECT_EQ(meter.static_pixels(), 10);
  EXPECT_DOUBLE_EQ(meter.mean_abs_change(), 0.7);
  EXPECT_DOUBLE_EQ(meter.relative_change(), 7.0 / 128.5);
  meter.Reset();
  EXPECT_EQ(meter.pairs(), 0);
  EXPECT_EQ(meter.relative_change(), 0.0);
}

TEST(FlickerMeterTest, SkipsSceneCutsAndResamplesTheFrame) {
  cv::Mat a(96, 128, CV_8UC3), b(96, 128, CV_8UC3, cv::Scalar(230, 20, 90));
  cv::randu(a, 0, 120);
  const cv::Mat disp_a(48, 64, CV_32FC1, cv::Scalar(10));
  const cv::Mat disp_b(48, 64, CV_32FC1, cv::Scalar(11));
  FlickerMeter meter;
  meter.Add(a, disp_a);
  meter.Add(a, disp_b);  // static frame, disparity +1 everywhere
  EXPECT_EQ(meter.pairs(), 1);
  EXPECT_EQ(meter.static_pixels(), 48 * 64);
  EXPECT_NEAR(meter.mean_abs_change(), 1.0, 1e-9);
  EXPECT_NEAR(meter.relative_change(), 1.0 / 10.5, 1e-9);
  meter.Add(b, disp_a);  // a cut: not counted
  EXPECT_EQ(meter.pairs(), 1);
  EXPECT_EQ(meter.scene_cuts(), 1);
  EXPECT_NEAR(meter.mean_abs_change(), 1.0, 1e-9);
}

TEST(FlickerMeterTest, RejectsBadInput) {
  FlickerMeter meter;
  EXPECT_THROW(meter.Add(cv::Mat(), cv::Mat(4, 4, CV_32FC1)), std::exception);
  EXPECT_THROW(meter.Add(cv::Mat(4, 4, CV_8UC1), cv::Mat(4, 4, CV_8UC1)),
               std::exception);
  FlickerOptions bad;
  bad.static_threshold = 0.0;
  EXPECT_THROW(FlickerMeter{bad}, std::exception);
}

}  // namespace
}  // namespace parallax
