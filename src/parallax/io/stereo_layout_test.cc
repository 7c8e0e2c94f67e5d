#include "parallax/io/stereo_layout.h"

#include <gtest/gtest.h>

#include "parallax/util/check.h"

namespace parallax {
namespace {

// Each pixel holds its own column and row, so the views show their origin.
cv::Mat Coordinates(int rows, int cols) {
  cv::Mat image(rows, cols, CV_16UC2);
  for (int y = 0; y < rows; ++y) {
    for (int x = 0; x < cols; ++x)
      image.at<cv::Vec2w>(y, x) = {ushort(x), ushort(y)};
  }
  return image;
}

TEST(StereoLayout, ParsesNames) {
  EXPECT_EQ(ParsePackedLayout("sbs"), PackedLayout::kSideBySide);
  EXPECT_EQ(ParsePackedLayout("TB"), PackedLayout::kTopBottom);
  EXPECT_THROW(ParsePackedLayout("lr"), Error);
}

TEST(StereoLayout, SideBySideLeftViewIsTheLeftHalf) {
  const cv::Mat packed = Coordinates(3, 8);
  const auto [left, right] =
      SplitPackedStereo(packed, PackedLayout::kSideBySide);
  EXPECT_EQ(left.size(), cv::Size(4, 3));
  EXPECT_EQ(right.size(), cv::Size(4, 3));
  EXPECT_EQ(left.at<cv::Vec2w>(2, 3), cv::Vec2w(3, 2));
  EXPECT_EQ(right.at<cv::Vec2w>(2, 0), cv::Vec2w(4, 2));
  // Views, not copies.
  EXPECT_EQ(left.data, packed.data);
  EXPECT_EQ(right.data, packed.ptr(0, 4));
}

TEST(StereoLayout, TopBottomLeftViewIsTheTopHalf) {
  const cv::Mat packed = Coordinates(6, 5);
  const auto [left, right] =
      SplitPackedStereo(packed, PackedLayout::kTopBottom);
  EXPECT_EQ(left.size(), cv::Size(5, 3));
  EXPECT_EQ(right.at<cv::Vec2w>(0, 4), cv::Vec2w(4, 3));
  EXPECT_EQ(right.data, packed.ptr(3, 0));
}

TEST(StereoLayout, OddPackedSideThrows) {
  EXPECT_THROW(SplitPackedStereo(Coordinates(4, 7), PackedLayout::kSideBySide),
               Error);
  EXPECT_THROW(SplitPackedStereo(Coordinates(5, 4), PackedLayout::kTopBottom),
               Error);
  EXPECT_NO_THROW(
      SplitPackedStereo(Coordinates(5, 4), PackedLayout::kSideBySide));
}

}  // namespace
}  // namespace parallax
