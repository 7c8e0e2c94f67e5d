#include "parallax/stereo/hole_softening.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace parallax {
namespace {

constexpr float kTolerance = 1.5f;

// A textured background (disparity 4) with a nearer red block (disparity
// 20) and a hole strip between them, as a forward warp leaves them.
struct View {
  cv::Mat image, disparity, holes;
};

// `hole_disparity`: what the hole pixels carry (a fill gives them the
// background's; 20 makes them count only because they are holes).
View MakeView(int type, cv::Rect hole, cv::Rect front,
              float hole_disparity = 4) {
  View view;
  const cv::Size size(160, 128);
  cv::Mat texture(size, CV_32FC3);
  cv::RNG rng(3);
  rng.fill(texture, cv::RNG::UNIFORM, 40, 200);
  cv::GaussianBlur(texture, texture, {0, 0}, 1.0);
  // The background has no red; the foreground only red.
  std::vector<cv::Mat> planes;
  cv::split(texture, planes);
  planes[2] = 0.0f;
  cv::merge(planes, texture);
  texture(front) = cv::Scalar(0, 0, 250);
  texture.convertTo(view.image, type);
  view.disparity = cv::Mat(size, CV_32F, cv::Scalar(4));
  view.disparity(front) = 20.0f;
  view.disparity(hole) = hole_disparity;
  view.holes = cv::Mat::zeros(size, CV_8U);
  view.holes(hole) = 255;
  return view;
}

// The definition: a 13x13 Gaussian (sigma 3) average over the pixels that
// are holes or within the tolerance of their 7x7 window's smallest
// disparity, the whole image at once.
cv::Mat Reference(const View& view) {
  cv::Mat local_min;
  cv::erode(view.disparity, local_min, cv::Mat::ones(7, 7, CV_8U));
  cv::Mat weight = (view.disparity <= local_min + kTolerance) | view.holes;
  weight.convertTo(weight, CV_32F, 1.0 / 255);
  cv::Mat colour;
  view.image.convertTo(colour, CV_32F);
  std::vector<cv::Mat> planes;
  cv::split(colour, planes);
  cv::Mat total;
  cv::GaussianBlur(weight, total, {13, 13}, 3.0, 3.0, cv::BORDER_REFLECT_101);
  for (cv::Mat& plane : planes) {
    cv::GaussianBlur(plane.mul(weight), plane, {13, 13}, 3.0, 3.0,
                     cv::BORDER_REFLECT_101);
    plane /= cv::max(total, 1e-6);
  }
  cv::merge(planes, colour);
  return colour;
}

double MaxDifferenceInHoles(const cv::Mat& a, const cv::Mat& b,
                            const cv::Mat& holes) {
  cv::Mat fa, fb;
  a.convertTo(fa, CV_32F);
  b.convertTo(fb, CV_32F);
  return cv::norm(fa, fb, cv::NORM_INF, holes);
}

// The foreground's colour (red) anywhere in the holes.
double MaxRedInHoles(const View& view) {
  std::vector<cv::Mat> planes;
  cv::split(view.image, planes);
  double red = 0;
  cv::minMaxLoc(planes[2], nullptr, &red, nullptr, nullptr, view.holes);
  return red;
}

TEST(SoftenHoles, HolesGetTheNormalisedAverageAndNothingElseChanges) {
  // A strip inside one tile, beside a foreground post 3 pixels wide: all of
  // it is within the window's reach of the background behind it. The hole
  // pixels' disparity would leave them out: they count as holes.
  View view = MakeView(CV_32FC3, {70, 20, 6, 30}, {76, 10, 3, 50}, 20.0f);
  const cv::Mat before = view.image.clone();
  const cv::Mat expected = Reference(view);
  SoftenHoles(view.image, view.disparity, view.holes, kTolerance);
  EXPECT_LT(MaxDifferenceInHoles(view.image, expected, view.holes), 1e-3);
  EXPECT_EQ(cv::norm(view.image, before, cv::NORM_INF, ~view.holes), 0.0);
  // The post's red does not bleed into the hole beside it.
  EXPECT_EQ(MaxRedInHoles(view), 0.0);
}

TEST(SoftenHoles, BackgroundIsJudgedOnTheWholeView) {
  // The foreground block ends 6 pixels right of the hole, where the
  // blur's reach ends; the background behind it starts just outside. Its
  // last pixels are foreground only because the window sees past the
  // reach: judged on the reach alone they would pass as background and
  // their red would bleed into the hole.
  View view = MakeView(CV_32FC3, {70, 20, 6, 30}, {76, 10, 6, 50});
  const cv::Mat expected = Reference(view);
  SoftenHoles(view.image, view.disparity, view.holes, kTolerance);
  EXPECT_LT(MaxDifferenceInHoles(view.image, expected, view.holes), 1e-3);
  EXPECT_EQ(MaxRedInHoles(view), 0.0);
}

TEST(SoftenHoles, EightBitRoundsTheAverage) {
  View view = MakeView(CV_8UC3, {70, 20, 6, 30}, {76, 10, 30, 50});
  const cv::Mat expected = Reference(view);
  SoftenHoles(view.image, view.disparity, view.holes, kTolerance);
  EXPECT_LE(MaxDifferenceInHoles(view.image, expected, view.holes), 0.5 + 1e-3);
}

TEST(SoftenHoles, ImageBordersMirror) {
  // A hole in the corner: the average mirrors the image at its borders.
  View view = MakeView(CV_32FC3, {0, 0, 5, 9}, {5, 0, 20, 20});
  const cv::Mat expected = Reference(view);
  SoftenHoles(view.image, view.disparity, view.holes, kTolerance);
  EXPECT_LT(MaxDifferenceInHoles(view.image, expected, view.holes), 1e-3);
}

TEST(SoftenHoles, LaterTilesReadTheSoftenedHolesOfEarlierOnes) {
  // A strip across the border between the first and second tile row
  // (y = 64): the upper part is softened first, from the holes as they
  // were; the lower part then reads the softened upper part.
  View view = MakeView(CV_32FC3, {70, 40, 6, 50}, {76, 10, 30, 100});
  View expected_view = view;
  expected_view.image = view.image.clone();
  const cv::Rect upper(0, 0, view.image.cols, 64);
  cv::Mat upper_holes = cv::Mat::zeros(view.holes.size(), CV_8U);
  view.holes(upper).copyTo(upper_holes(upper));
  Reference(expected_view).copyTo(expected_view.image, upper_holes);
  const cv::Mat lower_holes = view.holes & ~upper_holes;
  Reference(expected_view).copyTo(expected_view.image, lower_holes);

  SoftenHoles(view.image, view.disparity, view.holes, kTolerance);
  EXPECT_LT(MaxDifferenceInHoles(view.image, expected_view.image, view.holes),
            1e-3);
  // Not the same as softening both parts from the unsoftened image.
  EXPECT_GT(MaxDifferenceInHoles(view.image,
                                 Reference(MakeView(CV_32FC3, {70, 40, 6, 50},
                                                    {76, 10, 30, 100})),
                                 lower_holes),
            1e-3);
}

TEST(SoftenHoles, OneChannelImages) {
  View view = MakeView(CV_32FC3, {70, 20, 6, 30}, {76, 10, 30, 50});
  cv::cvtColor(view.image, view.image, cv::COLOR_BGR2GRAY);
  const cv::Mat expected = Reference(view);
  SoftenHoles(view.image, view.disparity, view.holes, kTolerance);
  EXPECT_LT(MaxDifferenceInHoles(view.image, expected, view.holes), 1e-3);
}

}  // namespace
}  // namespace parallax
