// The Deep3D selection layer against views built by hand: one-hot plane
// choices reproduce an exactly rendered right view, soft choices blend
// sub-pixel shifts, and the stereo renderer maps plane disparities like the
// disparity map.
#include "parallax/stereo/plane_synthesis.h"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "parallax/stereo/stereo_render.h"
#include "parallax/testing/testing.h"

namespace parallax {
namespace {

constexpr int kPlanes = 13;  // disparities 0..12 px

struct TwoPlaneScene {
  cv::Mat left, right;
  cv::Mat right_disparity;  // CV_32S, on the right view's grid
};

// A textured square 10 px in front of a background at 3 px.
TwoPlaneScene MakeScene() {
  const cv::Size size(120, 80);
  cv::Mat back(size, CV_8UC3), front(size, CV_8UC3);
  cv::RNG rng(5);
  rng.fill(back, cv::RNG::UNIFORM, 0, 255);
  rng.fill(front, cv::RNG::UNIFORM, 0, 255);
  cv::GaussianBlur(back, back, {0, 0}, 1.5);
  cv::GaussianBlur(front, front, {0, 0}, 1.5);
  const cv::Rect square(50, 20, 30, 40);
  TwoPlaneScene scene;
  scene.left.create(size, CV_8UC3);
  scene.right.create(size, CV_8UC3);
  scene.right_disparity.create(size, CV_32S);
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      scene.left.at<cv::Vec3b>(y, x) = square.contains({x, y})
                                           ? front.at<cv::Vec3b>(y, x)
                                           : back.at<cv::Vec3b>(y, x);
    }
  }
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      const bool front_seen = square.contains({x + 10, y});
      const int d = front_seen ? 10 : 3;
      scene.right_disparity.at<int>(y, x) = d;
      scene.right.at<cv::Vec3b>(y, x) =
          scene.left.at<cv::Vec3b>(y, std::min(x + d, size.width - 1));
    }
  }
  // Right-view pixels of background that the square hides in the left view
  // (the disocclusion) repeat what the left image holds there, as any
  // sampling of it must.
  return scene;
}

std::vector<cv::Mat> OneHot(const cv::Mat& disparity) {
  std::vector<cv::Mat> maps(kPlanes);
  for (int k = 0; k < kPlanes; ++k) {
    maps[k] = cv::Mat(disparity.size(), CV_32F, cv::Scalar(0));
    maps[k].setTo(1.0f, disparity == k);
  }
  return maps;
}

std::vector<float> PlaneShifts() {
  std::vector<float> shifts(kPlanes);
  for (int k = 0; k < kPlanes; ++k) shifts[k] = static_cast<float>(k);
  return shifts;
}

TEST(PlaneSynthesisTest, OneHotPlanesReproduceTheRightView) {
  const TwoPlaneScene scene = MakeScene();
  const cv::Mat view = SynthesizeViewFromPlanes(
      scene.left, OneHot(scene.right_disparity), PlaneShifts());
  EXPECT_EQ(cv::norm(view, scene.right, cv::NORM_INF), 0.0);
}

TEST(PlaneSynthesisTest, SoftChoicesBlendTheShiftedImages) {
  // A horizontal ramp: half of plane 2 and half of plane 3 samples x + 2.5.
  cv::Mat ramp(4, 64, CV_8UC3);
  for (int x = 0; x < ramp.cols; ++x) {
    ramp.col(x).setTo(cv::Scalar::all(4 * x));
  }
  std::vector<cv::Mat> maps(kPlanes, cv::Mat(4, 64, CV_32F, cv::Scalar(0)));
  for (cv::Mat& m : maps) m = m.clone();
  maps[2].setTo(0.5f);
  maps[3].setTo(0.5f);
  const cv::Mat view = SynthesizeViewFromPlanes(ramp, maps, PlaneShifts());
  for (int x = 0; x + 4 < ramp.cols; ++x) {
    EXPECT_NEAR(view.at<cv::Vec3b>(1, x)[1], 4 * (x + 2.5), 0.51) << x;
  }
  // A fractional shift on its own interpolates the same way.
  std::vector<float> shifts = PlaneShifts();
  shifts[2] = 2.5f;
  maps[2].setTo(1.0f);
  maps[3].setTo(0.0f);
  const cv::Mat fractional = SynthesizeViewFromPlanes(ramp, maps, shifts);
  EXPECT_LE(cv::norm(fractional, view, cv::NORM_INF), 1.0);
}

TEST(PlaneSynthesisTest, LowResolutionChoicesAreResampled) {
  const TwoPlaneScene scene = MakeScene();
  // Everything on plane 3, given at a quarter of the resolution and with
  // mass 2 (renormalised).
  std::vector<cv::Mat> maps(kPlanes);
  for (int k = 0; k < kPlanes; ++k) {
    maps[k] = cv::Mat(20, 30, CV_32F, cv::Scalar(k == 3 ? 2.0f : 0.0f));
  }
  const cv::Mat view =
      SynthesizeViewFromPlanes(scene.left, maps, PlaneShifts());
  cv::Mat expected(scene.left.size(), CV_8UC3);
  for (int y = 0; y < expected.rows; ++y) {
    for (int x = 0; x < expected.cols; ++x) {
      expected.at<cv::Vec3b>(y, x) =
          scene.left.at<cv::Vec3b>(y, std::min(x + 3, expected.cols - 1));
    }
  }
  EXPECT_EQ(cv::norm(view, expected, cv::NORM_INF), 0.0);
}

TEST(PlaneSynthesisTest, PixelsWithoutMassKeepTheInput) {
  const TwoPlaneScene scene = MakeScene();
  std::vector<cv::Mat> maps(kPlanes, cv::Mat());
  for (cv::Mat& m : maps) m = cv::Mat(scene.left.size(), CV_32F, 0.0f);
  const cv::Mat view =
      SynthesizeViewFromPlanes(scene.left, maps, PlaneShifts());
  EXPECT_EQ(cv::norm(view, scene.left, cv::NORM_INF), 0.0);
}

TEST(PlaneSynthesisTest, MismatchedInputsAreErrors) {
  const TwoPlaneScene scene = MakeScene();
  std::vector<cv::Mat> maps = OneHot(scene.right_disparity);
  EXPECT_NE(testing::ErrorOf([&] {
              SynthesizeViewFromPlanes(scene.left, maps, {1.0f, 2.0f});
            }).find("13 probability maps for 2 plane shifts"),
            std::string::npos);
  maps[4] = cv::Mat(10, 10, CV_32F, 0.0f);
  EXPECT_NE(testing::ErrorOf([&] {
              SynthesizeViewFromPlanes(scene.left, maps, PlaneShifts());
            }).find("differ in size"),
            std::string::npos);
}

TEST(PlaneSynthesisTest, StereoRendererUsesThePlanesInPixels) {
  const TwoPlaneScene scene = MakeScene();
  PlaneDistributions planes;
  planes.disparities = PlaneShifts();
  planes.right = OneHot(scene.right_disparity);
  StereoRenderOptions options;
  options.renderer = ViewRenderer::kDeep3d;
  options.unit = DisparityUnit::kPixels;
  options.layout = StereoLayout::kRightOnly;
  const cv::Mat disparity(scene.left.size(), CV_32F, cv::Scalar(3));
  const StereoViews views =
      RenderStereoViews(scene.left, disparity, {0, 12}, options, &planes);
  EXPECT_EQ(cv::norm(views.left, scene.left, cv::NORM_INF), 0.0);
  EXPECT_EQ(cv::norm(views.right, scene.right, cv::NORM_INF), 0.0);
  EXPECT_EQ(cv::countNonZero(views.holes), 0);

  // Both eyes need the left-view planes too; without them it is an error
  // that says what to use.
  options.layout = StereoLayout::kSideBySide;
  options.synthetic = SyntheticView::kBoth;
  const NeededPlaneViews needed = PlaneViewsFor(options);
  EXPECT_TRUE(needed.right && needed.left);
  EXPECT_NE(
      testing::ErrorOf([&] {
        RenderStereoViews(scene.left, disparity, {0, 12}, options, &planes);
      }).find("--head deep3d"),
      std::string::npos);
  EXPECT_NE(testing::ErrorOf([&] {
              RenderStereoViews(scene.left, disparity, {0, 12}, options);
            }).find("--head deep3d"),
            std::string::npos);
  options.renderer = ViewRenderer::kForward;
  EXPECT_FALSE(PlaneViewsFor(options).right || PlaneViewsFor(options).left);
}

TEST(PlaneSynthesisTest, HalfParallaxViewsReadThePlanesWhereTheyWere) {
  // The network's one-hot choices are for the full-disparity right view;
  // the half-parallax right eye of --synthetic-view both moves the square
  // by 5 px (to x = 45..75) and must show it there, edges included.
  const TwoPlaneScene scene = MakeScene();
  PlaneDistributions planes;
  planes.disparities = PlaneShifts();
  planes.right = OneHot(scene.right_disparity);
  planes.left = planes.right;  // not looked at here
  StereoRenderOptions options;
  options.renderer = ViewRenderer::kDeep3d;
  options.unit = DisparityUnit::kPixels;
  options.layout = StereoLayout::kSideBySide;
  options.synthetic = SyntheticView::kBoth;
  const cv::Mat disparity(scene.left.size(), CV_32F, cv::Scalar(3));
  const StereoViews views =
      RenderStereoViews(scene.left, disparity, {0, 12}, options, &planes);
  for (int y = 25; y < 55; ++y) {
    for (int x = 46; x < 74; ++x) {
      ASSERT_EQ(views.right.at<cv::Vec3b>(y, x),
                scene.left.at<cv::Vec3b>(y, x + 5))
          << x << "," << y;
    }
  }
}

TEST(PlaneSynthesisTest, RelativePlanesAreMappedLikeTheDisparityMap) {
  // Every pixel on the nearest plane (disparity 12 of range 0..12) at 10 %
  // divergence, screen in the middle: the right view samples x + 6 on a
  // 120-pixel frame (half of 10 % of 120 = 6 px in front of the screen).
  const TwoPlaneScene scene = MakeScene();
  PlaneDistributions planes;
  planes.disparities = PlaneShifts();
  for (int k = 0; k < kPlanes; ++k) {
    planes.right.push_back(
        cv::Mat(scene.left.size(), CV_32F, cv::Scalar(k == 12 ? 1 : 0)));
  }
  StereoRenderOptions options;
  options.renderer = ViewRenderer::kDeep3d;
  options.layout = StereoLayout::kRightOnly;
  options.parallax.divergence_percent = 10;
  options.parallax.convergence = 0.5;
  const cv::Mat disparity(scene.left.size(), CV_32F, cv::Scalar(6));
  const StereoViews views =
      RenderStereoViews(scene.left, disparity, {0, 12}, options, &planes);
  for (int x = 0; x + 6 < scene.left.cols; ++x) {
    EXPECT_EQ(views.right.at<cv::Vec3b>(30, x),
              scene.left.at<cv::Vec3b>(30, x + 6))
        << x;
  }
}

TEST(PlaneSynthesisTest, RendererNames) {
  EXPECT_EQ(ParseViewRenderer("deep3d"), ViewRenderer::kDeep3d);
  EXPECT_EQ(ParseViewRenderer("Forward"), ViewRenderer::kForward);
  EXPECT_NE(testing::ErrorOf([] {
              ParseViewRenderer("magic");
            }).find("use forward or deep3d"),
            std::string::npos);
}

}  // namespace
}  // namespace parallax
