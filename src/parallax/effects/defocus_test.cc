// Refocusing against scenes whose depth is known: a sharp textured square
// in front of a textured background, point lights, step and ramp edges.
#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "parallax/effects/aperture.h"
#include "parallax/effects/focus.h"
#include "parallax/effects/graded_blur.h"
#include "parallax/effects/lens_blur.h"
#include "parallax/effects/linear_light.h"
#include "parallax/testing/image_checks.h"
#include "parallax/testing/testing.h"

namespace parallax {
namespace {

constexpr float kFront = 20, kBack = 5;
const cv::Rect kSquare(70, 50, 80, 70);

struct Scene {
  cv::Mat image, disparity;
};

// Fine random texture on both layers: every blur shows in the Laplacian.
Scene MakeScene() {
  Scene scene;
  const cv::Size size(220, 170);
  cv::RNG rng(7);
  scene.image.create(size, CV_8UC3);
  rng.fill(scene.image, cv::RNG::UNIFORM, 30, 225);
  cv::Mat front(size, CV_8UC3);
  rng.fill(front, cv::RNG::UNIFORM, 30, 225);
  front(kSquare).copyTo(scene.image(kSquare));
  scene.disparity = cv::Mat(size, CV_32F, cv::Scalar(kBack));
  scene.disparity(kSquare).setTo(kFront);
  return scene;
}

using testing::Sharpness;

const cv::Rect kFrontInside(kSquare.x + 12, kSquare.y + 12, kSquare.width - 24,
                            kSquare.height - 24);
const cv::Rect kBackArea(10, 10, 50, 150);  // left of the square

LensBlurOptions Lens(double max_blur) {
  LensBlurOptions options;
  options.blur.max_blur = max_blur;
  return options;
}

TEST(LensBlurTest, FocusOnTheForegroundKeepsItSharpAndBlursTheBack) {
  const Scene scene = MakeScene();
  const cv::Mat out = LensBlur(scene.image, scene.disparity, kFront, Lens(8));
  ASSERT_EQ(out.size(), scene.image.size());
  ASSERT_EQ(out.type(), CV_8UC3);
  EXPECT_GE(Sharpness(out, kFrontInside),
            0.9 * Sharpness(scene.image, kFrontInside));
  EXPECT_LT(Sharpness(out, kBackArea), 0.1 * Sharpness(scene.image, kBackArea));
}

TEST(LensBlurTest, FocusOnTheBackgroundDoesTheOpposite) {
  const Scene scene = MakeScene();
  const cv::Mat out = LensBlur(scene.image, scene.disparity, kBack, Lens(8));
  EXPECT_GE(Sharpness(out, kBackArea), 0.9 * Sharpness(scene.image, kBackArea));
  EXPECT_LT(Sharpness(out, kFrontInside),
            0.1 * Sharpness(scene.image, kFrontInside));
}

TEST(LensBlurTest, InFocusForegroundEdgeHasNoHalo) {
  const Scene scene = MakeScene();
  const cv::Mat out = LensBlur(scene.image, scene.disparity, kFront, Lens(10));
  // The ring of foreground pixels within 2 px of its edge.
  cv::Mat ring(scene.image.size(), CV_8U, cv::Scalar(0));
  ring(kSquare).setTo(255);
  const cv::Rect inner(kSquare.x + 2, kSquare.y + 2, kSquare.width - 4,
                       kSquare.height - 4);
  ring(inner).setTo(0);
  const auto worst_in_ring = [&](const cv::Mat& image) {
    cv::Mat diff, gray;
    cv::absdiff(image, scene.image, diff);
    cv::transform(diff, gray, cv::Matx13f(1, 1, 1));  // summed over channels
    double worst = 0;
    cv::minMaxLoc(gray, nullptr, &worst, nullptr, nullptr, ring);
    return worst;
  };
  EXPECT_LE(worst_in_ring(out), 3.0);
}

TEST(LensBlurTest, BlurredForegroundSpreadsOverTheSharpBackground) {
  const Scene scene = MakeScene();
  const cv::Mat out = LensBlur(scene.image, scene.disparity, kBack, Lens(10));
  // Just outside the square the background is in focus, yet the blurred
  // square's light reaches over it; 20 px away it does not.
  const cv::Rect beside(kSquare.x - 4, kSquare.y + 20, 3, 30);
  const cv::Rect far_away(kSquare.x - 30, kSquare.y + 20, 3, 30);
  cv::Mat diff;
  cv::absdiff(out, scene.image, diff);
  EXPECT_GT(cv::mean(diff(beside))[0], 8.0);
  EXPECT_LT(cv::mean(diff(far_away))[0], 1.0);
}

TEST(BlurModelTest, RadiusGrowsMonotonicallyWithDepthDistance) {
  cv::Mat ramp(1, 200, CV_32F);
  for (int x = 0; x < ramp.cols; ++x) ramp.at<float>(0, x) = 0.1f * x;
  for (const BlurModel& model :
       {BlurModel{.max_blur = 15},
        BlurModel{.max_blur = 15, .depth_of_field = 0.1},
        BlurModel{.f_number = 1.8, .focal_length_mm = 85},
        BlurModel{.max_blur = 15, .near_scale = 0.5, .far_scale = 2}}) {
    const float focus = 7.0f;
    const cv::Mat radius = SignedBlurRadius(ramp, focus, model);
    // Nearer than the focus blurs with positive radius, farther negative.
    for (int x = 0; x < ramp.cols; ++x) {
      const float d = ramp.at<float>(0, x), r = radius.at<float>(0, x);
      if (d >= focus) {
        EXPECT_GE(r, 0.0f);
      } else {
        EXPECT_LE(r, 0.0f);
      }
    }
    float previous_near = 0, previous_far = 0;
    // |r| never decreases moving away from the focus, either way.
    const int f = 70;
    for (int x = f + 1; x < ramp.cols; ++x) {
      EXPECT_GE(radius.at<float>(0, x), previous_near);
      previous_near = radius.at<float>(0, x);
    }
    for (int x = f - 1; x >= 0; --x) {
      EXPECT_LE(radius.at<float>(0, x), previous_far);
      previous_far = radius.at<float>(0, x);
    }
    EXPECT_GT(previous_near, 0.0f);
    EXPECT_LT(previous_far, 0.0f);
  }
  // max-blur: the farthest pixel from the focus gets exactly max_blur.
  const cv::Mat radius = SignedBlurRadius(ramp, 7.0f, {.max_blur = 15});
  EXPECT_NEAR(radius.at<float>(0, 199), 15.0, 1e-3);
  // Thin lens: 85 mm f/1.8 at 2 m, 36 mm sensor: a background at infinity
  // (d -> 0) blurs with diameter f^2 / (N (z - f)) = 2.09 mm = 11.6 px of
  // a 200 px wide frame: radius 5.8 px at d = 0.
  const cv::Mat lens =
      SignedBlurRadius(ramp, 7.0f, {.f_number = 1.8, .focal_length_mm = 85});
  EXPECT_NEAR(lens.at<float>(0, 0), -0.5 * 85.0 * 85 / (1.8 * 1915) / 36 * 200,
              0.01);
}

// One white pixel on black, everything at disparity 0 with the focus at 10:
// a uniform blur of radius 12, the spot the aperture's shape.
cv::Mat PointLight(const ApertureShape& shape) {
  cv::Mat image(81, 81, CV_8UC3, cv::Scalar::all(0));
  image.at<cv::Vec3b>(40, 40) = cv::Vec3b(255, 255, 255);
  const cv::Mat disparity(image.size(), CV_32F, cv::Scalar(0));
  LensBlurOptions options = Lens(12);
  options.aperture = shape;
  options.shape_detail = 12;  // full-resolution kernel: exact shapes
  cv::Mat out = LensBlur(image, disparity, 10.0f, options);
  cv::Mat gray;
  cv::cvtColor(out, gray, cv::COLOR_BGR2GRAY);
  return gray > 1;
}

// Extent of the spot from its centre along a direction.
int Extent(const cv::Mat& spot, int dx, int dy) {
  int n = 0;
  while (spot.at<uchar>(40 + (n + 1) * dy, 40 + (n + 1) * dx)) ++n;
  return n;
}

TEST(LensBlurTest, PointLightBecomesADiscOfTheExpectedDiameter) {
  const cv::Mat disc = PointLight({});
  // Diameter 2 r + 1 = 25 px (the spot's own pixel included).
  EXPECT_NEAR(Extent(disc, 1, 0) + Extent(disc, -1, 0) + 1, 25, 1);
  EXPECT_NEAR(Extent(disc, 0, 1) + Extent(disc, 0, -1) + 1, 25, 1);
  EXPECT_NEAR(cv::countNonZero(disc), CV_PI * 12.5 * 12.5, 40);
}

// Layers blurred at 1/s resolution (s = 3 and 5: radius 12 and 20 with the
// default shape detail) are cropped back to their tiles: the disc of a
// point light stays on it, also next to tile edges. Its centre moves at
// most to the centre of its s x s block of the global grid (s / 2); a crop
// off by one small pixel would move it by s.
TEST(LensBlurTest, DiscsBlurredAtLowerResolutionStayCentred) {
  for (const double radius : {12.0, 20.0}) {
    const double s = std::floor(radius / 4);
    for (const cv::Point light : {cv::Point(60, 60), cv::Point(127, 129),
                                  cv::Point(130, 190), cv::Point(200, 70)}) {
      cv::Mat image(260, 260, CV_8UC3, cv::Scalar::all(0));
      image.at<cv::Vec3b>(light) = cv::Vec3b(255, 255, 255);
      const cv::Mat disparity(image.size(), CV_32F, cv::Scalar(0));
      const cv::Mat out = LensBlur(image, disparity, 10.0f, Lens(radius));
      cv::Mat gray;
      cv::cvtColor(out, gray, cv::COLOR_BGR2GRAY);
      const cv::Moments m = cv::moments(gray);
      ASSERT_GT(m.m00, 0);
      EXPECT_NEAR(m.m10 / m.m00, light.x, s / 2) << radius << " " << light;
      EXPECT_NEAR(m.m01 / m.m00, light.y, s / 2) << radius << " " << light;
    }
  }
}

TEST(LensBlurTest, PolygonApertureGivesItsNumberOfBlades) {
  // A hexagon with a vertex up: vertex to vertex vertically (2 r), flat to
  // flat horizontally (2 r cos 30 deg = 20.8 px).
  const cv::Mat hexagon = PointLight({.blades = 6});
  const double tall = Extent(hexagon, 0, 1) + Extent(hexagon, 0, -1) + 1;
  const double wide = Extent(hexagon, 1, 0) + Extent(hexagon, -1, 0) + 1;
  EXPECT_NEAR(tall / wide, 25.0 / 21.8, 0.06);
  EXPECT_NEAR(cv::countNonZero(hexagon), 1.5 * std::sqrt(3.0) * 12.5 * 12.5,
              40);
  // A pentagon with a vertex up: a vertex above, a flat side below.
  const cv::Mat pentagon = PointLight({.blades = 5});
  EXPECT_GT(Extent(pentagon, 0, -1), Extent(pentagon, 0, 1) + 1);
  // Rotated by 180 degrees it is upside down.
  const cv::Mat flipped = PointLight({.blades = 5, .rotation = 180});
  EXPECT_LT(Extent(flipped, 0, -1), Extent(flipped, 0, 1) - 1);
}

TEST(LensBlurTest, HighlightsMakeBrighterDiscs) {
  cv::Mat image(61, 61, CV_8UC3, cv::Scalar::all(20));
  image(cv::Rect(29, 29, 3, 3)).setTo(cv::Scalar::all(255));
  const cv::Mat disparity(image.size(), CV_32F, cv::Scalar(0));
  LensBlurOptions plain = Lens(8), boosted = Lens(8);
  boosted.highlights = 1;
  const cv::Mat a = LensBlur(image, disparity, 10.0f, plain);
  const cv::Mat b = LensBlur(image, disparity, 10.0f, boosted);
  EXPECT_GT(b.at<cv::Vec3b>(30, 34)[1], a.at<cv::Vec3b>(30, 34)[1] + 10);
  // Far from the light, the boost changes nothing.
  EXPECT_EQ(b.at<cv::Vec3b>(5, 5), a.at<cv::Vec3b>(5, 5));
}

TEST(LensBlurTest, FlatBrightAreaKeepsItsBrightnessWithHighlights) {
  // A bright wall receding through the focus: blurred or not, flat stays
  // flat (the boost weighs bright points, it does not brighten areas).
  cv::Mat image(90, 120, CV_8UC3, cv::Scalar::all(235));
  cv::Mat disparity(image.size(), CV_32F);
  for (int x = 0; x < image.cols; ++x) disparity.col(x).setTo(0.25 * x);
  LensBlurOptions options = Lens(10);
  options.highlights = 1;
  const cv::Mat out = LensBlur(image, disparity, 15.0f, options);
  EXPECT_LE(cv::norm(out, image, cv::NORM_INF), 2.0);
}

TEST(LensBlurTest, WithoutHighlightsTheCoverageComesFromTheWeights) {
  // Highlights off blurs each layer's weights once and takes them as its
  // coverage; a boost too small to change any weight goes the other way
  // (weights and coverage blurred apart). Both must give the same 16 bits.
  cv::Mat image(150, 200, CV_16UC3);
  cv::randu(image, 0, 65535);
  cv::GaussianBlur(image, image, {0, 0}, 2);
  cv::Mat disparity(image.size(), CV_32F);
  for (int y = 0; y < image.rows; ++y) {
    for (int x = 0; x < image.cols; ++x) {
      disparity.at<float>(y, x) =
          2.0f + 0.15f * x + ((x / 40 + y / 40) % 2 ? 6.0f : 0.0f);
    }
  }
  LensBlurOptions plain = Lens(30);
  LensBlurOptions tiny = plain;
  tiny.highlights = 1e-30;  // 1 + 8e-30 * s^2 is 1 in float
  const cv::Mat a = LensBlur(image, disparity, 20.0f, plain);
  const cv::Mat b = LensBlur(image, disparity, 20.0f, tiny);
  EXPECT_EQ(cv::norm(a, b, cv::NORM_INF), 0);
  EXPECT_GT(cv::norm(a, image, cv::NORM_INF), 1000);  // it did blur
}

TEST(LensBlurTest, LargeDiscsHaveNoTileSeams) {
  // A light whose disc edge crosses a tile boundary (x = 256), blurred by
  // 44 px; its layer is downsampled by 11, which does not divide the
  // 128-pixel tiles. Each tile gathers from far enough and on one grid, so
  // where the two meet the disc steps no more than one pixel either side.
  cv::Mat image(257, 513, CV_8UC3, cv::Scalar::all(0));
  image(cv::Rect(196, 120, 17, 17)).setTo(cv::Scalar::all(255));
  const cv::Mat disparity(image.size(), CV_32F, cv::Scalar(0));
  const cv::Mat out = LensBlur(image, disparity, 10.0f, Lens(44));
  cv::Mat gray;
  cv::cvtColor(out, gray, cv::COLOR_BGR2GRAY);
  gray.convertTo(gray, CV_32F);
  double worst = 0;
  for (int y = 80; y < 180; ++y) {
    const auto step = [&](int x) {
      return std::abs(gray.at<float>(y, x) - gray.at<float>(y, x - 1));
    };
    worst = std::max<double>(worst, step(256) - std::max(step(255), step(257)));
  }
  EXPECT_LE(worst, 1.0);
}

TEST(RefocuserTest, PreviewResolutionKeepsTheFocusSharp) {
  const Scene scene = MakeScene();
  Refocuser preview(scene.image, scene.disparity,
                    {.max_working_pixels = 0.25 * scene.image.total()});
  const cv::Mat out = preview.Render(preview.FocusAt({100, 80}), Lens(8));
  EXPECT_EQ(out.size(), scene.image.size());
  EXPECT_GE(Sharpness(out, kFrontInside),
            0.9 * Sharpness(scene.image, kFrontInside));
  EXPECT_LT(Sharpness(out, kBackArea), 0.1 * Sharpness(scene.image, kBackArea));
  // Rendering again with another focus reuses the preparation.
  const cv::Mat back = preview.Render(preview.FocusAt({20, 20}), Lens(8));
  EXPECT_GE(Sharpness(back, kBackArea),
            0.8 * Sharpness(scene.image, kBackArea));
}

TEST(FocusTest, AClickOnAnEdgeTakesTheClickedSide) {
  const Scene scene = MakeScene();
  // One pixel inside and one outside the square's left edge.
  EXPECT_EQ(FocusDisparityAt(scene.disparity, {kSquare.x, 80}), kFront);
  EXPECT_EQ(FocusDisparityAt(scene.disparity, {kSquare.x - 1, 80}), kBack);
  // A network's soft edge: a 9-pixel ramp between the two.
  cv::Mat soft;
  cv::blur(scene.disparity, soft, cv::Size(9, 1));
  EXPECT_NEAR(FocusDisparityAt(soft, {kSquare.x + 2, 80}), kFront, 1.0);
  EXPECT_NEAR(FocusDisparityAt(soft, {kSquare.x - 3, 80}), kBack, 1.0);
  // A plain surface: its own value.
  EXPECT_EQ(FocusDisparityAt(scene.disparity, {100, 80}), kFront);
}

TEST(FocusTest, BadInputIsAClearError) {
  const Scene scene = MakeScene();
  EXPECT_NE(testing::ErrorOf([&] {
              FocusDisparityAt(scene.disparity, {220, 10});
            }).find("outside the 220x170 image"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([&] {
              Refocuser(scene.image, cv::Mat(10, 10, CV_32F, 1.0f));
            }).find("depth map is 10x10 but the image 220x170"),
            std::string::npos);
  cv::Mat nan = scene.disparity.clone();
  nan.at<float>(3, 3) = std::numeric_limits<float>::quiet_NaN();
  EXPECT_NE(testing::ErrorOf([&] { Refocuser(scene.image, nan); }).find("NaN"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([&] {
              LensBlurOptions options;
              options.aperture.blades = 2;
              LensBlur(scene.image, scene.disparity, kFront, options);
            }).find("--blades"),
            std::string::npos);
}

TEST(GradedBlurTest, EveryMethodKeepsTheFocusAndBlursTheRest) {
  const Scene scene = MakeScene();
  const cv::Mat radius = cv::abs(
      SignedBlurRadius(scene.disparity, kFront, BlurModel{.max_blur = 6}));
  for (const GradedMethod method :
       {GradedMethod::kGaussian, GradedMethod::kAverage, GradedMethod::kMedian,
        GradedMethod::kBilateral}) {
    const cv::Mat out =
        GradedBlur(scene.image, radius, 6, {.method = method, .levels = 6});
    EXPECT_GE(Sharpness(out, kFrontInside),
              0.9 * Sharpness(scene.image, kFrontInside))
        << static_cast<int>(method);
    // Bilateral filtering keeps strong texture by design: it blurs less.
    const double cut = method == GradedMethod::kBilateral ? 0.7 : 0.5;
    EXPECT_LT(Sharpness(out, kBackArea),
              cut * Sharpness(scene.image, kBackArea))
        << static_cast<int>(method);
  }
  EXPECT_NE(testing::ErrorOf([] { ParseGradedMethod("box"); }).find("median"),
            std::string::npos);
}

TEST(LinearLightTest, EightBitCodesRoundTrip) {
  cv::Mat codes(1, 256, CV_8UC3);
  for (int i = 0; i < 256; ++i) codes.at<cv::Vec3b>(0, i) = cv::Vec3b(i, i, i);
  EXPECT_EQ(
      cv::norm(LinearToSrgb(SrgbToLinear(codes), CV_8U), codes, cv::NORM_INF),
      0.0);
  // Mid-grey code 188 is about half the light of white.
  EXPECT_NEAR(SrgbToLinear(codes).at<cv::Vec3f>(0, 188)[0], 0.5, 0.01);
}

}  // namespace
}  // namespace parallax
