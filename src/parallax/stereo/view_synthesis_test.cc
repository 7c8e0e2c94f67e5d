#include "parallax/stereo/view_synthesis.h"

#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/imgproc.hpp>

#include "parallax/testing/testing.h"

namespace parallax {
namespace {

using testing::ErrorOf;

cv::Mat Noise(cv::Size size, uint64_t seed, double sigma = 1.5) {
  cv::Mat noise(size, CV_8UC3);
  cv::RNG rng(seed);
  rng.fill(noise, cv::RNG::UNIFORM, 0, 256);
  cv::GaussianBlur(noise, noise, {0, 0}, sigma);
  cv::normalize(noise, noise, 0, 255, cv::NORM_MINMAX);
  return noise;
}

double Psnr(const cv::Mat& a, const cv::Mat& b, const cv::Mat& mask) {
  cv::Mat diff;
  cv::absdiff(a, b, diff);
  diff.convertTo(diff, CV_32F);
  diff = diff.mul(diff);
  const double mse = cv::mean(diff, mask)[0] / 3 + cv::mean(diff, mask)[1] / 3 +
                     cv::mean(diff, mask)[2] / 3;
  return mse == 0 ? 99.0 : 10 * std::log10(255.0 * 255.0 / mse);
}

// A textured square at disparity kFront over a textured background at
// kBack, rendered exactly in both views (textures fixed to the left view's
// coordinates, so right pixel x shows layer(x + d)).
constexpr int kFront = 12, kBack = 4;
struct TwoPlanes {
  cv::Mat left, right, disparity;  // disparity of the left view
  cv::Rect square;                 // in the left view
  cv::Mat back_texture, front_texture;
};

TwoPlanes MakeTwoPlanes(cv::Size size = {160, 96}) {
  TwoPlanes scene;
  scene.back_texture = Noise(size, 1, 3.0);
  // A red-dominant foreground, easy to tell from the gray-ish background.
  scene.front_texture = Noise(size, 2);
  scene.front_texture.forEach<cv::Vec3b>([](cv::Vec3b& p, const int*) {
    p = {uint8_t(p[0] / 4), uint8_t(p[1] / 4), uint8_t(160 + p[2] / 3)};
  });
  scene.square = {60, 24, 40, 48};
  scene.left.create(size, CV_8UC3);
  scene.right.create(size, CV_8UC3);
  scene.disparity.create(size, CV_32F);
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      const bool front = scene.square.contains({x, y});
      scene.left.at<cv::Vec3b>(y, x) =
          front ? scene.front_texture.at<cv::Vec3b>(y, x)
                : scene.back_texture.at<cv::Vec3b>(y, x);
      scene.disparity.at<float>(y, x) = front ? kFront : kBack;
      const int xf = x + kFront, xb = std::min(x + kBack, size.width - 1);
      scene.right.at<cv::Vec3b>(y, x) =
          scene.square.contains({xf, y})
              ? scene.front_texture.at<cv::Vec3b>(y, xf)
              : scene.back_texture.at<cv::Vec3b>(y, xb);
    }
  }
  return scene;
}

TEST(SynthesizeView, ZeroDisparityGivesTheSameImage) {
  const cv::Mat image = Noise({64, 40}, 3);
  const SynthesizedView view =
      SynthesizeView(image, cv::Mat(image.size(), CV_32F, 0.0f), 1.0f);
  EXPECT_EQ(cv::norm(view.image, image, cv::NORM_INF), 0);
  EXPECT_EQ(cv::countNonZero(view.holes), 0);
}

TEST(SynthesizeView, ConstantShiftMovesEveryPixel) {
  const cv::Mat image = Noise({64, 40}, 4);
  const cv::Mat disparity(image.size(), CV_32F, 5.0f);
  const SynthesizedView view = SynthesizeView(image, disparity, 1.0f);
  // Right view of a left image: x_right = x_left - 5.
  const cv::Rect inside(0, 0, 64 - 5, 40);
  EXPECT_EQ(cv::norm(view.image(inside), image(inside + cv::Point(5, 0)),
                     cv::NORM_INF),
            0);
  // The last 5 columns saw nothing: holes, filled.
  EXPECT_EQ(cv::countNonZero(view.holes), 5 * 40);
  EXPECT_EQ(cv::countNonZero(view.holes(inside)), 0);
  // The opposite direction moves pixels right.
  const SynthesizedView left = SynthesizeView(image, disparity, -1.0f);
  EXPECT_EQ(cv::norm(left.image(inside + cv::Point(5, 0)), image(inside),
                     cv::NORM_INF),
            0);
}

TEST(SynthesizeView, SubPixelShiftInterpolates) {
  const cv::Mat image = Noise({64, 40}, 5, 3.0);
  const SynthesizedView view =
      SynthesizeView(image, cv::Mat(image.size(), CV_32F, 2.5f), 1.0f);
  const cv::Mat reference = NaiveBackwardWarp(
      image, cv::Mat(image.size(), CV_32F, 2.5f), 1.0f);  // exact here
  const cv::Rect inside(0, 0, 60, 40);
  EXPECT_LE(cv::norm(view.image(inside), reference(inside), cv::NORM_INF), 1);
}

TEST(SynthesizeView, TwoPlanesHaveTheRightParallaxAndAFilledDisocclusion) {
  const TwoPlanes scene = MakeTwoPlanes();
  const SynthesizedView view =
      SynthesizeView(scene.left, scene.disparity, 1.0f);
  // Visible pixels match the exact render.
  cv::Mat visible = view.holes == 0;
  EXPECT_GT(Psnr(view.image, scene.right, visible), 40.0);
  // The square moved left by its disparity, more than the background:
  // the disparity carried to the right view shows it there.
  const cv::Rect moved = scene.square - cv::Point(kFront, 0);
  EXPECT_EQ(cv::countNonZero(view.disparity(moved) != float(kFront)), 0);
  // Uncovered: the strip right of the moved square, kFront - kBack wide.
  const cv::Rect strip(moved.br().x, moved.y, kFront - kBack, moved.height);
  EXPECT_EQ(cv::countNonZero(view.holes(strip)), strip.area());
  // (and the background's own kBack columns at the right border)
  EXPECT_EQ(cv::countNonZero(view.holes),
            strip.area() + kBack * scene.left.rows);
  // Filled from the background: its disparity, and no foreground colour
  // stretched into it (the foreground is strongly red, the background not).
  EXPECT_EQ(cv::countNonZero(view.disparity(strip) != float(kBack)), 0);
  const cv::Scalar fill = cv::mean(view.image(strip));
  const cv::Scalar front = cv::mean(scene.front_texture(scene.square));
  EXPECT_LT(fill[2] - fill[1], 40) << "red leaked into the hole";
  EXPECT_GT(front[2] - front[1], 100);
  // And it beats the naive backward warp there, which repeats the square.
  const cv::Mat naive = NaiveBackwardWarp(scene.left, scene.disparity, 1.0f);
  const cv::Mat strip_mask = cv::Mat::zeros(scene.left.size(), CV_8U);
  strip_mask(strip).setTo(255);
  EXPECT_GT(Psnr(view.image, scene.right, strip_mask),
            Psnr(naive, scene.right, strip_mask) + 1);
  // Over the whole image by far: the naive warp also loses the square's
  // left part, where it reads background.
  const cv::Mat all(scene.left.size(), CV_8U, cv::Scalar(255));
  EXPECT_GT(Psnr(view.image, scene.right, all),
            Psnr(naive, scene.right, all) + 5)
      << Psnr(view.image, scene.right, all) << " "
      << Psnr(naive, scene.right, all);
}

TEST(SynthesizeView, NearerSurfaceWins) {
  // Two pixel columns land on the same target: the nearer one must show.
  cv::Mat image(1, 8, CV_8UC1, cv::Scalar(0));
  image.at<uint8_t>(0, 6) = 200;  // near, disparity 3: lands at 3
  image.at<uint8_t>(0, 3) = 50;   // far, disparity 0: stays at 3
  cv::Mat disparity(1, 8, CV_32F, 0.0f);
  disparity.at<float>(0, 6) = 3;
  const SynthesizedView view = SynthesizeView(image, disparity, 1.0f);
  EXPECT_EQ(view.image.at<uint8_t>(0, 3), 200);
}

TEST(SynthesizeView, NearerSurfaceWinsWhenItArrivesFirst) {
  // The other order of the test above: the nearer splat is written first
  // and the farther one, arriving later, must not be mixed in.
  cv::Mat image(1, 8, CV_8UC1, cv::Scalar(0));
  image.at<uint8_t>(0, 0) = 200;  // near, disparity 3: lands at 0 + 3
  image.at<uint8_t>(0, 3) = 50;   // far, disparity 0: stays at 3
  cv::Mat disparity(1, 8, CV_32F, 0.0f);
  disparity.at<float>(0, 0) = 3;
  const SynthesizedView view = SynthesizeView(image, disparity, -1.0f);
  EXPECT_EQ(view.image.at<uint8_t>(0, 3), 200);
  EXPECT_FLOAT_EQ(view.disparity.at<float>(0, 3), 3.0f);
}

// One row of black background at disparity `background(x)` and a bright
// (90) pixel at `bright_x` with disparity `bright_d`, isolated by its jump;
// the right view (scale 1) with a depth tolerance that blends everything.
SynthesizedView BlendedRow(int width, float (*background)(int), int bright_x,
                           float bright_d, float edge_threshold = 1.0f) {
  cv::Mat image(1, width, CV_32FC1, cv::Scalar(0));
  image.at<float>(0, bright_x) = 90;
  cv::Mat disparity(1, width, CV_32F);
  for (int x = 0; x < width; ++x) disparity.at<float>(0, x) = background(x);
  disparity.at<float>(0, bright_x) = bright_d;
  ViewSynthesisOptions options;
  options.depth_tolerance = 100;
  options.edge_threshold = edge_threshold;
  options.fill_holes = false;
  return SynthesizeView(image, disparity, 1.0f, options);
}

float Flat(int) { return 2.0f; }
float Fold(int x) { return 2.0f * x - 20.0f; }  // targets 20 - x: reversed

TEST(SynthesizeView, EachSourcePixelCountsOnceOnWholePixelShifts) {
  // The background shifts by exactly 2, so every background pixel is the
  // end of one span and the start of the next at the same target pixel.
  // The bright pixel lands on one of them too: that target must be the
  // plain mean of two surfaces (45), not the background counted twice
  // (30). Rows are prepared four spans at a time and the rest one by one,
  // so the shared end is put in each part.
  {
    // Shared end of span 6 (in the vectorised part), target 5.
    const SynthesizedView view = BlendedRow(24, Flat, 15, 10.0f);
    EXPECT_FLOAT_EQ(view.image.at<float>(0, 5), 45.0f);
    EXPECT_FLOAT_EQ(view.disparity.at<float>(0, 5), 6.0f);
    EXPECT_FLOAT_EQ(view.image.at<float>(0, 4), 0.0f);
    EXPECT_FLOAT_EQ(view.disparity.at<float>(0, 4), 2.0f);
  }
  // Span 20 (in the scalar tail of a 24-wide row), target 19.
  EXPECT_FLOAT_EQ(BlendedRow(24, Flat, 3, -16.0f).image.at<float>(0, 19),
                  45.0f);
  // A row too narrow to be vectorised: span 2, target 1.
  EXPECT_FLOAT_EQ(BlendedRow(5, Flat, 0, -1.0f).image.at<float>(0, 1), 45.0f);
}

TEST(SynthesizeView, EachSourcePixelCountsOnceOnReversedSpans) {
  // Disparity rising 2 per pixel with an edge threshold of 3: the spans
  // are joined but run backwards (a fold), each ending on the pixel where
  // the next begins. Span 9 ends on target 10; in a 40-wide row it is
  // prepared with vectors, in a 12-wide one by the scalar tail.
  EXPECT_FLOAT_EQ(BlendedRow(40, Fold, 30, 20.0f, 3.0f).image.at<float>(0, 10),
                  45.0f);
  EXPECT_FLOAT_EQ(BlendedRow(12, Fold, 0, -10.0f, 3.0f).image.at<float>(0, 10),
                  45.0f);
}

TEST(SynthesizeView, UnfilledHolesAreZero) {
  // Without filling, a disocclusion keeps zero colour and disparity.
  TwoPlanes scene = MakeTwoPlanes();
  ViewSynthesisOptions options;
  options.fill_holes = false;
  const SynthesizedView view =
      SynthesizeView(scene.left, scene.disparity, 1.0f, options);
  ASSERT_GT(cv::countNonZero(view.holes), 100);
  EXPECT_EQ(cv::norm(view.image, cv::NORM_INF, view.holes), 0.0);
  EXPECT_EQ(cv::norm(view.disparity, cv::NORM_INF, view.holes), 0.0);
  EXPECT_GE(cv::norm(view.disparity, cv::NORM_INF, ~view.holes), kBack);
}

TEST(SynthesizeView, BadOptionsAreAClearError) {
  const cv::Mat image(4, 4, CV_8UC1, cv::Scalar(0));
  const cv::Mat disparity(4, 4, CV_32F, 0.0f);
  ViewSynthesisOptions options;
  options.depth_tolerance = -1;
  EXPECT_NE(ErrorOf([&] {
              SynthesizeView(image, disparity, 1, options);
            }).find("depth tolerance"),
            std::string::npos);
  options = {};
  options.edge_threshold = NAN;
  EXPECT_NE(ErrorOf([&] {
              SynthesizeView(image, disparity, 1, options);
            }).find("edge threshold"),
            std::string::npos);
}

TEST(SharpenDepthEdges, TurnsARampIntoAStep) {
  cv::Mat ramp(1, 12, CV_32F);
  for (int x = 0; x < 12; ++x) {
    ramp.at<float>(0, x) = x < 4 ? 2.0f : x >= 8 ? 10.0f : 2.0f + 2 * (x - 3);
  }
  const cv::Mat sharp = SharpenDepthEdges(ramp, 3, 1.0f);
  for (int x = 0; x < 12; ++x) {
    const float v = sharp.at<float>(0, x);
    EXPECT_TRUE(v == 2.0f || v == 10.0f) << x << ": " << v;
  }
  EXPECT_EQ(sharp.at<float>(0, 0), 2.0f);
  EXPECT_EQ(sharp.at<float>(0, 11), 10.0f);
  // Flat regions are untouched.
  const cv::Mat flat(4, 4, CV_32F, 3.0f);
  EXPECT_EQ(cv::norm(SharpenDepthEdges(flat, 2, 1.0f), flat, cv::NORM_INF), 0);
}

TEST(SharpenDepthEdges, SnapsToTheRowWindowsExtremes) {
  // The definition: each pixel's smallest and largest disparity within the
  // radius along its row (ends repeated), as erode and dilate give them,
  // and the snap to the nearer one where they differ by the step or more.
  cv::RNG rng(9);
  for (const int width : {1, 3, 7, 9, 64, 131}) {
    for (const int radius : {1, 3, 8}) {
      cv::Mat disparity(5, width, CV_32F);
      rng.fill(disparity, cv::RNG::UNIFORM, 0, 30);
      const cv::Mat window = cv::getStructuringElement(
          cv::MORPH_RECT, cv::Size(2 * radius + 1, 1));
      cv::Mat low, high;
      cv::erode(disparity, low, window, {-1, -1}, 1, cv::BORDER_REPLICATE);
      cv::dilate(disparity, high, window, {-1, -1}, 1, cv::BORDER_REPLICATE);
      const cv::Mat sharp = SharpenDepthEdges(disparity, radius, 4.0f);
      for (int y = 0; y < disparity.rows; ++y) {
        for (int x = 0; x < width; ++x) {
          const float v = disparity.at<float>(y, x);
          const float lo = low.at<float>(y, x), hi = high.at<float>(y, x);
          const float expected = hi - lo < 4.0f ? v : v - lo < hi - v ? lo : hi;
          ASSERT_EQ(sharp.at<float>(y, x), expected)
              << width << " wide, radius " << radius << ", at " << x;
        }
      }
    }
  }
}

TEST(SynthesizeView, BadInputIsAClearError) {
  const cv::Mat image(8, 8, CV_8UC3, cv::Scalar::all(0));
  EXPECT_NE(ErrorOf([&] {
              SynthesizeView(image, cv::Mat(8, 9, CV_32F, 0.0f), 1);
            }).find("disparity is 9x8"),
            std::string::npos);
  cv::Mat nan(8, 8, CV_32F, 0.0f);
  nan.at<float>(2, 2) = NAN;
  EXPECT_NE(ErrorOf([&] { SynthesizeView(image, nan, 1); }).find("NaN"),
            std::string::npos);
  // Rows are checked four values at a time and then one by one: a bad value
  // in the last, odd position, and infinities, are found too.
  const cv::Mat narrow(3, 7, CV_8UC3, cv::Scalar::all(0));
  for (const float bad : {NAN, INFINITY, -INFINITY}) {
    cv::Mat disparity(3, 7, CV_32F, 0.0f);
    disparity.at<float>(1, 6) = bad;
    EXPECT_NE(
        ErrorOf([&] { SynthesizeView(narrow, disparity, 1); }).find("NaN"),
        std::string::npos)
        << bad;
    disparity.at<float>(1, 6) = 0;
    disparity.at<float>(2, 1) = bad;
    EXPECT_NE(
        ErrorOf([&] { SynthesizeView(narrow, disparity, 1); }).find("NaN"),
        std::string::npos)
        << bad;
  }
}

}  // namespace
}  // namespace parallax
