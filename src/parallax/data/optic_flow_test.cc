#include "parallax/data/optic_flow.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "parallax/util/check.h"

namespace parallax {
namespace {

// Blurred noise: texture at every scale the pyramids look at.
cv::Mat Texture(cv::Size size) {
  cv::Mat image(size, CV_8UC3);
  cv::RNG rng(9);
  rng.fill(image, cv::RNG::UNIFORM, 0, 255);
  cv::GaussianBlur(image, image, cv::Size(0, 0), 2.0);
  cv::normalize(image, image, 0, 255, cv::NORM_MINMAX);
  return image;
}

// `image` moved by (dx, dy): shifted(x + dx, y + dy) = image(x, y).
cv::Mat Shift(const cv::Mat& image, double dx, double dy) {
  const cv::Mat transform = (cv::Mat_<double>(2, 3) << 1, 0, dx, 0, 1, dy);
  cv::Mat shifted;
  cv::warpAffine(image, shifted, transform, image.size(), cv::INTER_LINEAR,
                 cv::BORDER_REFLECT);
  return shifted;
}

TEST(OpticFlow, RecoversAKnownShiftWithBothMethods) {
  const cv::Mat from = Texture({160, 120});
  const cv::Mat to = Shift(from, 3, -2);
  for (const FlowMethod method : {FlowMethod::kDis, FlowMethod::kFarneback}) {
    const cv::Mat flow = ComputeOpticFlow(from, to, method);
    ASSERT_EQ(flow.type(), CV_32FC2);
    ASSERT_EQ(flow.size(), from.size());
    // Away from the borders, where the shifted image is reflected.
    const cv::Scalar mean = cv::mean(flow(cv::Rect(16, 16, 128, 88)));
    EXPECT_NEAR(mean[0], 3.0, 0.3) << int(method);
    EXPECT_NEAR(mean[1], -2.0, 0.3) << int(method);
  }
}

TEST(OpticFlow, AcceptsGrayImages) {
  cv::Mat gray;
  cv::cvtColor(Texture({96, 64}), gray, cv::COLOR_BGR2GRAY);
  const cv::Mat flow = ComputeOpticFlow(gray, Shift(gray, -2, 0));
  EXPECT_NEAR(cv::mean(flow(cv::Rect(16, 16, 64, 32)))[0], -2.0, 0.3);
  EXPECT_THROW(ComputeOpticFlow(gray, Texture({96, 65})), std::logic_error);
}

TEST(OpticFlow, NormalisationGivesMeanAbsoluteComponentOne) {
  cv::Mat flow(20, 30, CV_32FC2);
  cv::RNG rng(4);
  rng.fill(flow, cv::RNG::UNIFORM, -7.0, 3.0);
  cv::Mat before = flow.clone();
  NormalizeFlowMagnitude(flow);
  const cv::Scalar sum = cv::sum(cv::abs(flow));
  EXPECT_NEAR((sum[0] + sum[1]) / (2.0 * flow.total()), 1.0, 1e-5);
  // A pure scaling: directions are kept.
  const cv::Vec2f a = before.at<cv::Vec2f>(3, 4), b = flow.at<cv::Vec2f>(3, 4);
  EXPECT_NEAR(a[0] * b[1], a[1] * b[0], 1e-4);
  EXPECT_GT(a[0] * b[0], 0);

  cv::Mat zero(4, 4, CV_32FC2, cv::Scalar::all(0));
  NormalizeFlowMagnitude(zero);
  EXPECT_EQ(cv::countNonZero(zero.reshape(1)), 0);
  cv::Mat noise(4, 4, CV_32FC2, cv::Scalar(1e-5, -1e-5));
  NormalizeFlowMagnitude(noise);
  EXPECT_EQ(cv::countNonZero(noise.reshape(1)), 0);
}

TEST(OpticFlow, ParsesMethodNames) {
  EXPECT_EQ(ParseFlowMethod("dis"), FlowMethod::kDis);
  EXPECT_EQ(ParseFlowMethod("Farneback"), FlowMethod::kFarneback);
  EXPECT_THROW(ParseFlowMethod("lucas-kanade"), Error);
}

}  // namespace
}  // namespace parallax
