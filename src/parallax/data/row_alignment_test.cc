// Row alignment against a pair built with known disparities (a textured
// square at 20 px over a wall at 8 px), whose right view is then turned,
// scaled and shifted by a known similarity, as a consumer 3D camera does.
#include "parallax/data/row_alignment.h"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <numbers>

#include "parallax/testing/image_checks.h"
#include "parallax/testing/testing.h"

namespace parallax {
namespace {

constexpr int kWidth = 360, kHeight = 240, kWall = 8, kSquare = 20;

testing::BuiltStereoPair BuildPair() {
  return testing::WallAndSquarePair({kWidth, kHeight}, {130, 70, 100, 100},
                                    kWall, kSquare, 1.5);
}

// The similarity that turns by `degrees` and scales by `scale` about the
// image centre, then shifts by (dx, dy).
cv::Matx23d Similarity(double degrees, double scale, double dx, double dy) {
  const cv::Point2f centre((kWidth - 1) / 2.0f, (kHeight - 1) / 2.0f);
  cv::Matx23d m = cv::getRotationMatrix2D(centre, degrees, scale);
  m(0, 2) += dx;
  m(1, 2) += dy;
  return m;
}

cv::Mat Warp(const cv::Mat& image, const cv::Matx23d& m) {
  cv::Mat out;
  cv::warpAffine(image, out, cv::Mat(m), image.size(), cv::INTER_CUBIC,
                 cv::BORDER_REFLECT);
  return out;
}

cv::Matx22d Linear(const cv::Matx23d& m) {
  return {m(0, 0), m(0, 1), m(1, 0), m(1, 1)};
}

// PSNR of two 8-bit images over `area`.
double Psnr(const cv::Mat& a, const cv::Mat& b, const cv::Rect& area) {
  return cv::PSNR(a(area), b(area));
}

TEST(RowAlignmentTest, UndoesAKnownTurnScaleAndShiftOfTheRightView) {
  const testing::BuiltStereoPair pair = BuildPair();
  // 0.6 degrees, 0.4 % larger, 3.5 px down, 40 px left.
  const cv::Matx23d camera = Similarity(0.6, 1.004, -40, 3.5);
  const cv::Mat right = Warp(pair.right, camera);
  const RowAlignment a = EstimateRowAlignment(pair.left, right);

  EXPECT_GT(a.inliers, 100);
  EXPECT_GT(a.vertical_error_before_px, 1.0);
  EXPECT_LT(a.vertical_error_after_px, 0.15);
  // The fitted turn and scale are the camera's, inverted.
  cv::Matx23d inverse;
  cv::invertAffineTransform(camera, inverse);
  const cv::Matx22d error = Linear(a.right_to_left) - Linear(inverse);
  EXPECT_LT(cv::norm(error, cv::NORM_INF), 5e-4);
  EXPECT_NEAR(a.rotation_deg, 0.6, 0.02);  // undoes the counter-clockwise 0.6
  EXPECT_NEAR(a.scale, 1 / 1.004, 5e-4);
  // The wall, the farthest surface, is put at disparity 0, so the square
  // sits at 20 - 8.
  EXPECT_NEAR(a.disparity_low_px, 0, 0.3);
  EXPECT_NEAR(a.disparity_high_px, kSquare - kWall, 0.5);

  // The aligned right view shows the wall where the left one does: a strip
  // of wall left of the square matches pixel for pixel.
  const AlignedPair aligned = ApplyRowAlignment(pair.left, right, a);
  ASSERT_EQ(aligned.left.size(), a.crop.size());
  ASSERT_EQ(aligned.right.size(), a.crop.size());
  EXPECT_GT(a.crop.width, kWidth - 60);
  EXPECT_GT(a.crop.height, kHeight - 16);
  // Wall in both views: left of the square, which the aligned right view
  // shows 12 px further left.
  const cv::Rect strip(56, 12, 56, kHeight - 24);  // left-view pixels
  ASSERT_EQ(strip & a.crop, strip);
  EXPECT_GT(Psnr(aligned.left, aligned.right, strip - a.crop.tl()), 40);
  EXPECT_LT(Psnr(pair.left, right, strip), 25);
}

TEST(RowAlignmentTest, KeepModeKeepsTheCamerasHorizontalOffset) {
  const testing::BuiltStereoPair pair = BuildPair();
  const cv::Mat right = Warp(pair.right, Similarity(-0.3, 1.0, -40, -2));
  RowAlignmentOptions options;
  options.horizontal = HorizontalShift::kKeep;
  const RowAlignment a = EstimateRowAlignment(pair.left, right, options);
  EXPECT_LT(a.vertical_error_after_px, 0.15);
  // Moving the right view 40 px left adds 40 px to every disparity.
  EXPECT_NEAR(a.disparity_low_px, kWall + 40, 0.5);
  EXPECT_NEAR(a.disparity_high_px, kSquare + 40, 0.5);
}

TEST(RowAlignmentTest, AnAlignedPairIsLeftAsItIs) {
  const testing::BuiltStereoPair pair = BuildPair();
  const RowAlignment a = EstimateRowAlignment(pair.left, pair.right);
  EXPECT_LT(std::abs(a.rotation_deg), 0.01);
  EXPECT_NEAR(a.scale, 1.0, 2e-4);
  EXPECT_NEAR(a.right_to_left(1, 2), 0.0, 0.1);
  EXPECT_LT(a.vertical_error_before_px, 0.15);
  // The only change is the shift that puts the wall at 0.
  EXPECT_NEAR(a.right_to_left(0, 2), kWall, 0.3);
}

TEST(RowAlignmentTest, IsDeterministic) {
  const testing::BuiltStereoPair pair = BuildPair();
  const cv::Mat right = Warp(pair.right, Similarity(0.4, 1.0, -20, 2));
  const RowAlignment a = EstimateRowAlignment(pair.left, right);
  const RowAlignment b = EstimateRowAlignment(pair.left, right);
  EXPECT_EQ(cv::norm(a.right_to_left, b.right_to_left, cv::NORM_INF), 0.0);
  EXPECT_EQ(a.crop, b.crop);
  EXPECT_EQ(a.inliers, b.inliers);
}

TEST(RowAlignmentTest, RefusesViewsThatAreNotOnePair) {
  const testing::BuiltStereoPair pair = BuildPair();
  const cv::Mat flat(kHeight, kWidth, CV_8UC3, cv::Scalar(90, 100, 110));
  EXPECT_NE(testing::ErrorOf([&] {
              EstimateRowAlignment(flat, flat);
            }).find("feature matches"),
            std::string::npos);
  const cv::Mat other = testing::NoiseTexture({kWidth, kHeight}, 7, 1.5);
  EXPECT_NE(testing::ErrorOf([&] {
              EstimateRowAlignment(pair.left, other);
            }).find("row alignment"),
            std::string::npos);
  cv::Mat smaller;
  cv::resize(pair.right, smaller, {kWidth / 2, kHeight / 2});
  EXPECT_NE(testing::ErrorOf([&] {
              EstimateRowAlignment(pair.left, smaller);
            }).find("differ in size"),
            std::string::npos);
}

}  // namespace
}  // namespace parallax
