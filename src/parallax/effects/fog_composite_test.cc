// Depth fog and depth compositing on maps whose values are set by hand.
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "parallax/effects/composite.h"
#include "parallax/effects/fog.h"
#include "parallax/effects/linear_light.h"
#include "parallax/testing/testing.h"

namespace parallax {
namespace {

const float kInf = std::numeric_limits<float>::infinity();

// One row of depths: the near plane, a rising ramp, then infinity.
cv::Mat DepthRow() {
  cv::Mat depth(1, 102, CV_32F);
  for (int x = 0; x < 101; ++x) depth.at<float>(0, x) = 2.0f + 0.5f * x;
  depth.at<float>(0, 101) = kInf;
  return depth;
}

TEST(FogTest, ZeroAtTheNearPlaneMonotoneAndFullAtInfinity) {
  for (const auto mode :
       {FogOptions::Mode::kLinear, FogOptions::Mode::kExponential}) {
    FogOptions options;
    options.mode = mode;
    options.near = 2;
    options.far = 40;
    options.density = 0.05;
    const cv::Mat amount = FogAmount(DepthRow(), options);
    EXPECT_EQ(amount.at<float>(0, 0), 0.0f);
    for (int x = 1; x < amount.cols; ++x) {
      EXPECT_GE(amount.at<float>(0, x), amount.at<float>(0, x - 1)) << x;
    }
    EXPECT_EQ(amount.at<float>(0, 101), 1.0f);
    EXPECT_GT(amount.at<float>(0, 50), 0.1f);
    EXPECT_LT(amount.at<float>(0, 50), 0.99f);
  }
  // Linear fog is complete at --far (z = 40 at x = 76).
  FogOptions linear{.mode = FogOptions::Mode::kLinear, .near = 2, .far = 40};
  EXPECT_NEAR(FogAmount(DepthRow(), linear).at<float>(0, 76), 1.0f, 1e-6);
}

TEST(FogTest, ImageTurnsToTheFogColourAtInfinity) {
  cv::Mat image(2, 102, CV_8UC3, cv::Scalar(200, 40, 90));
  cv::Mat depth;
  cv::repeat(DepthRow(), 2, 1, depth);
  FogOptions options;
  options.near = 2;
  options.color = cv::Scalar(0.2, 0.6, 1.0);
  const cv::Mat out = ApplyFog(image, depth, options);
  EXPECT_EQ(out.at<cv::Vec3b>(0, 0), cv::Vec3b(200, 40, 90));  // no fog
  const cv::Vec3b fogged = out.at<cv::Vec3b>(1, 101);
  EXPECT_NEAR(fogged[0], 51, 1);
  EXPECT_NEAR(fogged[1], 153, 1);
  EXPECT_NEAR(fogged[2], 255, 1);
}

TEST(FogTest, HeightFalloffThinsTheFogUpwards) {
  const cv::Mat depth(50, 4, CV_32F, cv::Scalar(30));
  FogOptions options{.near = 1, .density = 0.1, .height_falloff = 3};
  const cv::Mat amount = FogAmount(depth, options);
  EXPECT_LT(amount.at<float>(0, 0), 0.2f * amount.at<float>(49, 0));
  EXPECT_NEAR(amount.at<float>(49, 0), 1 - std::exp(-0.1 * 29), 1e-5);
}

TEST(FogTest, DisparityBecomesDepthWithInfinityAtZero) {
  cv::Mat disparity(1, 4, CV_32F);
  disparity.at<float>(0, 0) = 10;
  disparity.at<float>(0, 1) = 5;
  disparity.at<float>(0, 2) = 1;
  disparity.at<float>(0, 3) = 0;
  const cv::Mat depth = FogDepthFromDisparity(disparity);
  EXPECT_NEAR(depth.at<float>(0, 1) / depth.at<float>(0, 0), 2.0, 1e-5);
  EXPECT_NEAR(depth.at<float>(0, 2) / depth.at<float>(0, 0), 10.0, 1e-4);
  EXPECT_TRUE(std::isinf(depth.at<float>(0, 3)));
  cv::Mat nan = disparity.clone();
  nan.at<float>(0, 0) = std::numeric_limits<float>::quiet_NaN();
  EXPECT_NE(
      testing::ErrorOf([&] { FogDepthFromDisparity(nan); }).find("finite"),
      std::string::npos);
}

TEST(FogTest, BadOptionsAreErrors) {
  EXPECT_NE(testing::ErrorOf([] {
              FogOptions{.mode = FogOptions::Mode::kLinear, .near = 5, .far = 2}
                  .Check();
            }).find("--far"),
            std::string::npos);
  cv::Mat image(4, 4, CV_8UC3, cv::Scalar::all(0));
  EXPECT_NE(testing::ErrorOf([&] {
              ApplyFog(image, cv::Mat(3, 3, CV_32F, 1.0f), {});
            }).find("3x3 but the image 4x4"),
            std::string::npos);
}

struct Layers {
  cv::Mat fg, bg, fg_disparity, bg_disparity;
};

Layers MakeLayers() {
  Layers l;
  l.fg = cv::Mat(20, 40, CV_8UC3, cv::Scalar(0, 0, 255));  // red
  l.bg = cv::Mat(20, 40, CV_8UC3, cv::Scalar(255, 0, 0));  // blue
  l.fg_disparity = cv::Mat(20, 40, CV_32F, cv::Scalar(10));
  l.bg_disparity = cv::Mat(20, 40, CV_32F, cv::Scalar(4));
  // The left half of the background is nearer than the foreground.
  l.bg_disparity(cv::Rect(0, 0, 20, 20)).setTo(15);
  return l;
}

TEST(CompositeTest, TheNearerLayerWinsPerPixel) {
  const Layers l = MakeLayers();
  const cv::Mat out = DepthComposite(l.fg, l.fg_disparity, {}, l.bg,
                                     l.bg_disparity, {.feather = 0});
  EXPECT_EQ(out.at<cv::Vec3b>(10, 30), cv::Vec3b(0, 0, 255));  // fg nearer
  EXPECT_EQ(out.at<cv::Vec3b>(10, 5), cv::Vec3b(255, 0, 0));   // bg nearer
}

TEST(CompositeTest, OffsetMovesTheForegroundBehindOrInFront) {
  const Layers l = MakeLayers();
  const cv::Mat behind =
      DepthComposite(l.fg, l.fg_disparity, {}, l.bg, l.bg_disparity,
                     {.fg_offset = -7, .feather = 0});
  EXPECT_EQ(behind.at<cv::Vec3b>(10, 30), cv::Vec3b(255, 0, 0));
  const cv::Mat front =
      DepthComposite(l.fg, l.fg_disparity, {}, l.bg, l.bg_disparity,
                     {.fg_offset = 6, .feather = 0});
  EXPECT_EQ(front.at<cv::Vec3b>(10, 5), cv::Vec3b(0, 0, 255));
}

TEST(CompositeTest, AlphaIsRespectedInLinearLight) {
  const Layers l = MakeLayers();
  cv::Mat alpha(20, 40, CV_32F, cv::Scalar(0.5));
  alpha(cv::Rect(30, 0, 10, 20)).setTo(0);
  const cv::Mat out = DepthComposite(l.fg, l.fg_disparity, alpha, l.bg,
                                     l.bg_disparity, {.feather = 0});
  // Half red over blue: both at half light, sRGB code 188.
  EXPECT_EQ(out.at<cv::Vec3b>(10, 25), cv::Vec3b(188, 0, 188));
  EXPECT_EQ(out.at<cv::Vec3b>(10, 35), cv::Vec3b(255, 0, 0));  // alpha 0
}

TEST(CompositeTest, SoftTestAndFeatherBlendNearTies) {
  const Layers l = MakeLayers();
  cv::Mat bg_disparity(20, 40, CV_32F, cv::Scalar(10));  // a tie everywhere
  const cv::Mat weight = CompositeWeight(l.fg_disparity, bg_disparity, {},
                                         {.softness = 2, .feather = 0});
  EXPECT_NEAR(weight.at<float>(5, 5), 0.5f, 1e-6);
  const cv::Mat feathered =
      CompositeWeight(l.fg_disparity, l.bg_disparity, {}, {.feather = 2});
  const float edge = feathered.at<float>(10, 20);
  EXPECT_GT(edge, 0.2f);
  EXPECT_LT(edge, 0.8f);
  EXPECT_NEAR(feathered.at<float>(10, 35), 1.0f, 1e-4);
}

TEST(CompositeTest, MismatchedLayersAreErrors) {
  const Layers l = MakeLayers();
  EXPECT_NE(testing::ErrorOf([&] {
              DepthComposite(l.fg, l.fg_disparity, {}, cv::Mat(5, 5, CV_8UC3),
                             l.bg_disparity, {});
            }).find("background 5x5"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([&] {
              DepthComposite(l.fg, cv::Mat(3, 3, CV_32F, 1.0f), {}, l.bg,
                             l.bg_disparity, {});
            }).find("3x3"),
            std::string::npos);
}

}  // namespace
}  // namespace parallax
