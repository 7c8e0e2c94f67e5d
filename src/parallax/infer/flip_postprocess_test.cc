#include "parallax/infer/flip_postprocess.h"

#include <gtest/gtest.h>

namespace parallax {
namespace {

TEST(FlipPostProcessTest, WeightsFollowTheFormula) {
  // width 201: u = x / 200, so x = 10 is u = 0.05 and x = 20 is u = 0.1.
  const cv::Mat l = FlipBlendWeights(201);
  ASSERT_EQ(l.size(), cv::Size(201, 1));
  EXPECT_FLOAT_EQ(l.at<float>(0), 1.f);
  EXPECT_FLOAT_EQ(l.at<float>(10), 1.f);
  EXPECT_NEAR(l.at<float>(15), 0.5f, 1e-6);  // 1 - 20 * (0.075 - 0.05)
  EXPECT_NEAR(l.at<float>(12), 0.8f, 1e-6);  // 1 - 20 * (0.06 - 0.05)
  EXPECT_FLOAT_EQ(l.at<float>(20), 0.f);
  EXPECT_FLOAT_EQ(l.at<float>(100), 0.f);
  EXPECT_FLOAT_EQ(l.at<float>(200), 0.f);
  EXPECT_FLOAT_EQ(FlipBlendWeights(1).at<float>(0), 1.f);
}

TEST(FlipPostProcessTest, HandComputedPixels) {
  // disp = A everywhere; disp_flipped = B + x in the flipped frame, which is
  // B + (W - 1 - x) once flipped back.
  const int w = 201;
  const float a = 10.f, b = 30.f;
  const cv::Mat disp(3, w, CV_32FC1, cv::Scalar(a));
  cv::Mat disp_flipped(3, w, CV_32FC1);
  for (int y = 0; y < 3; ++y) {
    for (int x = 0; x < w; ++x) disp_flipped.at<float>(y, x) = b + x;
  }
  const cv::Mat out = FlipPostProcess(disp, disp_flipped);
  ASSERT_EQ(out.size(), disp.size());
  const auto back = [&](int x) { return b + float(w - 1 - x); };
  // Column 0: only the flipped-back prediction (l = 1, r = 0).
  EXPECT_FLOAT_EQ(out.at<float>(1, 0), back(0));
  // Column W-1: only the plain prediction (l = 0, r = 1).
  EXPECT_FLOAT_EQ(out.at<float>(1, w - 1), a);
  // Centre: the mean.
  EXPECT_FLOAT_EQ(out.at<float>(1, 100), 0.5f * (a + back(100)));
  // u = 0.075: l = 0.5, r = 0 -> 0.5 f + 0.5 (a + f) / 2.
  EXPECT_FLOAT_EQ(out.at<float>(1, 15), 0.75f * back(15) + 0.25f * a);
  // u = 0.925 (mirror of 0.075): r = 0.5, l = 0.
  EXPECT_FLOAT_EQ(out.at<float>(1, 185), 0.75f * a + 0.25f * back(185));
}

TEST(FlipPostProcessTest, SymmetricSceneGivesSymmetricResult) {
  // A left-right symmetric scene: the flipped image is the image, so the
  // network returns the same map for both. That map carries a disocclusion
  // ramp on its left border, as a left-view network predicts.
  const int w = 160, h = 40;
  cv::Mat disp(h, w, CV_32FC1);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const float scene = 20.f + 0.1f * std::abs(x - (w - 1) / 2.f) + 0.2f * y;
      const float ramp = x < 12 ? 8.f * (12 - x) / 12.f : 0.f;
      disp.at<float>(y, x) = scene + ramp;
    }
  }
  const cv::Mat out = FlipPostProcess(disp, disp);
  cv::Mat mirrored;
  cv::flip(out, mirrored, 1);
  EXPECT_LT(cv::norm(out, mirrored, cv::NORM_INF), 1e-5);
  // The ramp is gone: the left border now holds the clean right border.
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < 8; ++x) {
      const float scene = 20.f + 0.1f * std::abs(x - (w - 1) / 2.f) + 0.2f * y;
      EXPECT_NEAR(out.at<float>(y, x), scene, 1e-4) << x << "," << y;
    }
  }
}

TEST(FlipPostProcessTest, RejectsMismatchedInput) {
  const cv::Mat disp(4, 8, CV_32FC1, cv::Scalar(1));
  EXPECT_THROW(FlipPostProcess(disp, cv::Mat(4, 9, CV_32FC1)), std::exception);
  EXPECT_THROW(FlipPostProcess(disp, cv::Mat(4, 8, CV_64FC1)), std::exception);
  EXPECT_THROW(FlipPostProcess(cv::Mat(), cv::Mat()), std::exception);
}

}  // namespace
}  // namespace parallax
