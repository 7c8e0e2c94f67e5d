#include "parallax/stereo/parallax_map.h"

#include <gtest/gtest.h>

#include "parallax/testing/testing.h"

namespace parallax {
namespace {

// A horizontal ramp: disparity 0 (far) at the left edge to 1 (near).
cv::Mat Ramp(int width = 101, int height = 9) {
  cv::Mat ramp(height, width, CV_32F);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      ramp.at<float>(y, x) = float(x) / (width - 1);
    }
  }
  return ramp;
}

double Min(const cv::Mat& m) {
  double lo, hi;
  cv::minMaxLoc(m, &lo, &hi);
  return lo;
}
double Max(const cv::Mat& m) {
  double lo, hi;
  cv::minMaxLoc(m, &lo, &hi);
  return hi;
}

TEST(ParallaxFromRelative, DivergenceSetsTheLargestParallax) {
  ParallaxOptions options;
  options.divergence_percent = 4;  // 4% of 101 px
  const cv::Mat p = ParallaxFromRelative(Ramp(), {0, 1}, options);
  EXPECT_NEAR(Max(p) - Min(p), 4.04, 1e-4);
  // Default convergence 0.5: the middle of the range is on the screen.
  EXPECT_NEAR(p.at<float>(0, 50), 0.0, 1e-5);
  EXPECT_GT(p.at<float>(0, 100), 0);  // near: in front of the screen
  EXPECT_LT(p.at<float>(0, 0), 0);    // far: behind it
}

TEST(ParallaxFromRelative, ConvergencePlacesTheScreenPlane) {
  ParallaxOptions options;
  options.convergence = 0;  // screen at the nearest point
  cv::Mat p = ParallaxFromRelative(Ramp(), {0, 1}, options);
  EXPECT_NEAR(Max(p), 0.0, 1e-5);
  options.convergence = 1;  // screen at the farthest point
  p = ParallaxFromRelative(Ramp(), {0, 1}, options);
  EXPECT_NEAR(Min(p), 0.0, 1e-5);
  // Auto: the centre's median (x = 50 on this ramp) sits on the screen.
  options.convergence.reset();
  p = ParallaxFromRelative(Ramp(), {0, 1}, options);
  EXPECT_NEAR(p.at<float>(0, 50), 0.0, 1e-5);
}

TEST(ParallaxFromRelative, ForegroundScaleIsMonotoneAndFavoursNearDepth) {
  ParallaxOptions options;
  options.convergence = 1;
  options.foreground_scale = 1;  // n^2
  const cv::Mat p = ParallaxFromRelative(Ramp(), {0, 1}, options);
  for (int x = 1; x < 101; ++x) {
    EXPECT_GE(p.at<float>(0, x), p.at<float>(0, x - 1));
  }
  // More of the parallax range is spent on the near half.
  const float near_half = p.at<float>(0, 100) - p.at<float>(0, 50);
  const float far_half = p.at<float>(0, 50) - p.at<float>(0, 0);
  EXPECT_GT(near_half, 2 * far_half);
}

TEST(ParallaxFromRelative, RangeClampsOutliers) {
  ParallaxOptions options;
  options.convergence = 1;
  cv::Mat d = Ramp();
  d.at<float>(0, 0) = -100;  // a stray far value
  const cv::Mat p = ParallaxFromRelative(d, {0, 1}, options);
  EXPECT_GE(Min(p), 0.0);
}

TEST(ParallaxOptions, BadValuesAreNamed) {
  ParallaxOptions options;
  options.convergence = 1.5;
  EXPECT_NE(testing::ErrorOf([&] { options.Check(); }).find("--convergence"),
            std::string::npos);
  options = {};
  options.divergence_percent = -1;
  EXPECT_NE(testing::ErrorOf([&] { options.Check(); }).find("--divergence"),
            std::string::npos);
}

}  // namespace
}  // namespace parallax
