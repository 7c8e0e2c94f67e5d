#include "parallax/stereo/stereo_frame.h"

#include <gtest/gtest.h>

#include "parallax/testing/testing.h"

namespace parallax {
namespace {

using testing::ErrorOf;

// Views of one flat colour each, so every half of a frame names its eye.
const cv::Vec3b kLeftColor{10, 20, 200}, kRightColor{220, 120, 30};
cv::Mat Flat(cv::Size size, cv::Vec3b color) {
  return cv::Mat(size, CV_8UC3, cv::Scalar(color[0], color[1], color[2]));
}

bool AllColor(const cv::Mat& region, cv::Vec3b color) {
  return cv::norm(region, Flat(region.size(), color), cv::NORM_INF) == 0;
}

TEST(ComposeStereo, EveryLayoutHasItsSizeAndEyeOrder) {
  const cv::Size view(33, 21);  // odd sides: halves round down
  const cv::Mat left = Flat(view, kLeftColor), right = Flat(view, kRightColor);
  struct Case {
    StereoLayout layout;
    cv::Size size;
    cv::Rect first, second;  // where the first/second eye lies
    bool left_first = true;
  };
  const Case cases[] = {
      {StereoLayout::kSideBySide, {66, 21}, {0, 0, 33, 21}, {33, 0, 33, 21}},
      {StereoLayout::kHalfSideBySide,
       {32, 21},
       {0, 0, 16, 21},
       {16, 0, 16, 21}},
      {StereoLayout::kTopBottom, {33, 42}, {0, 0, 33, 21}, {0, 21, 33, 21}},
      {StereoLayout::kHalfTopBottom, {33, 20}, {0, 0, 33, 10}, {0, 10, 33, 10}},
      {StereoLayout::kCrossEyed,
       {66, 21},
       {0, 0, 33, 21},
       {33, 0, 33, 21},
       false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(StereoLayoutName(c.layout));
    const cv::Mat frame = ComposeStereo(left, right, c.layout);
    ASSERT_EQ(frame.size(), c.size);
    EXPECT_EQ(ComposedSize(view, c.layout), c.size);
    EXPECT_TRUE(
        AllColor(frame(c.first), c.left_first ? kLeftColor : kRightColor));
    EXPECT_TRUE(
        AllColor(frame(c.second), c.left_first ? kRightColor : kLeftColor));
  }
  EXPECT_TRUE(AllColor(ComposeStereo(left, right, StereoLayout::kRightOnly),
                       kRightColor));
  EXPECT_TRUE(AllColor(ComposeStereo(left, right, StereoLayout::kLeftOnly),
                       kLeftColor));
  EXPECT_EQ(ComposedSize(view, StereoLayout::kAnaglyph), view);
}

TEST(ComposeStereo, NamesRoundTrip) {
  for (const char* name : {"sbs", "hsbs", "tb", "htb", "anaglyph", "cross",
                           "lr", "right", "left"}) {
    EXPECT_EQ(StereoLayoutName(ParseStereoLayout(name)), name);
  }
  EXPECT_EQ(ParseStereoLayout("SBS"), StereoLayout::kSideBySide);
  EXPECT_NE(ErrorOf([] { ParseStereoLayout("sideways"); }).find("hsbs"),
            std::string::npos);
  EXPECT_EQ(ParseAnaglyphMethod("half-color"), AnaglyphMethod::kHalfColor);
  EXPECT_NE(ErrorOf([] { ParseAnaglyphMethod("pink"); }).find("dubois"),
            std::string::npos);
}

TEST(MakeAnaglyph, MatchesHandComputedPixels) {
  // Left white, right mid gray (BGR 128 = linear 0.2158).
  const cv::Mat left = Flat({2, 2}, {255, 255, 255});
  const cv::Mat right = Flat({2, 2}, {128, 128, 128});
  const auto pixel = [&](AnaglyphMethod method) {
    return MakeAnaglyph(left, right, method).at<cv::Vec3b>(1, 1);
  };
  // Dubois in linear light:
  //   R = 0.456 + 0.500 + 0.176 - 0.2158 * (0.043 + 0.088 + 0.002) > 1 -> 255
  //   G = -(0.040 + 0.038 + 0.016) + 0.2158 * (0.378 + 0.734 - 0.018)
  //     = 0.1421 -> sRGB 0.4127 -> 105
  //   B = -(0.015 + 0.021 + 0.005) + 0.2158 * (-0.072 - 0.113 + 1.226)
  //     = 0.1837 -> sRGB 0.4654 -> 119
  EXPECT_EQ(pixel(AnaglyphMethod::kDubois), cv::Vec3b(119, 105, 255));
  // Colour: red of the left, green and blue of the right.
  EXPECT_EQ(pixel(AnaglyphMethod::kColor), cv::Vec3b(128, 128, 255));
  EXPECT_EQ(pixel(AnaglyphMethod::kHalfColor), cv::Vec3b(128, 128, 255));
  EXPECT_EQ(pixel(AnaglyphMethod::kGray), cv::Vec3b(128, 128, 255));
  // Luma: a pure green left view (BGR 0,255,0) gives red 0.587 * 255 = 150.
  const cv::Mat green = Flat({1, 1}, {0, 255, 0});
  const cv::Mat blue = Flat({1, 1}, {255, 0, 0});
  EXPECT_EQ(
      MakeAnaglyph(green, blue, AnaglyphMethod::kHalfColor).at<cv::Vec3b>(0, 0),
      cv::Vec3b(255, 0, 150));
  // Gray: the right view's luma 0.114 * 255 = 29 in green and blue.
  EXPECT_EQ(
      MakeAnaglyph(green, blue, AnaglyphMethod::kGray).at<cv::Vec3b>(0, 0),
      cv::Vec3b(29, 29, 150));
  EXPECT_EQ(
      MakeAnaglyph(green, blue, AnaglyphMethod::kColor).at<cv::Vec3b>(0, 0),
      cv::Vec3b(255, 0, 0));
}

TEST(ComposeStereo, BadViewsAreClearErrors) {
  const cv::Mat a = Flat({4, 4}, kLeftColor), b = Flat({5, 4}, kRightColor);
  EXPECT_NE(ErrorOf([&] {
              ComposeStereo(a, b, StereoLayout::kSideBySide);
            }).find("different sizes"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] {
              ComposeStereo(cv::Mat(4, 4, CV_8UC1), cv::Mat(4, 4, CV_8UC1),
                            StereoLayout::kSideBySide);
            }).find("8-bit colour"),
            std::string::npos);
}

}  // namespace
}  // namespace parallax
