#include "parallax/infer/edge_aware_upsample.h"

#include <cmath>
#include <limits>
#include <map>
#include <random>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "parallax/testing/testing.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

constexpr float kNear = 40.f, kFar = 10.f;
constexpr UpsampleMethod kEdgeAware[] = {UpsampleMethod::kGuided,
                                         UpsampleMethod::kJointBilateral};
constexpr UpsampleMethod kAll[] = {UpsampleMethod::kBilinear,
                                   UpsampleMethod::kGuided,
                                   UpsampleMethod::kJointBilateral};

UpsampleOptions With(UpsampleMethod method) {
  UpsampleOptions options;
  options.method = method;
  return options;
}

// A guide with an edge where `mask` changes: two base colours, each with a
// periodic pattern plus per-pixel noise, so neither side is flat.
cv::Mat TexturedGuide(const cv::Mat& mask, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> noise(-10, 10);
  cv::Mat guide(mask.size(), CV_8UC3);
  for (int y = 0; y < mask.rows; ++y) {
    for (int x = 0; x < mask.cols; ++x) {
      const bool inside = mask.at<uchar>(y, x) != 0;
      const double pattern = 12.0 * std::sin(x / 3.1 + y / 5.3);
      const cv::Vec3i base =
          inside ? cv::Vec3i(170, 150, 200) : cv::Vec3i(80, 100, 60);
      cv::Vec3b& px = guide.at<cv::Vec3b>(y, x);
      for (int c = 0; c < 3; ++c) {
        px[c] = cv::saturate_cast<uchar>(base[c] + pattern + noise(rng));
      }
    }
  }
  return guide;
}

cv::Mat DisparityFromMask(const cv::Mat& mask) {
  cv::Mat disp(mask.size(), CV_32FC1, cv::Scalar(kFar));
  disp.setTo(kNear, mask);
  return disp;
}

cv::Mat Downsample(const cv::Mat& disp, int factor) {
  cv::Mat low;
  cv::resize(disp, low, cv::Size(disp.cols / factor, disp.rows / factor), 0, 0,
             cv::INTER_AREA);
  return low;
}

// Pixels whose value lies strictly inside the middle of the step.
int TransitionPixels(const cv::Mat& disp, const cv::Mat& roi_mask = {}) {
  cv::Mat band = (disp > 15.f) & (disp < 35.f);
  if (!roi_mask.empty()) band &= roi_mask;
  return cv::countNonZero(band);
}

// Largest |out - truth| over pixels farther than `margin` from the edge.
double FlatError(const cv::Mat& out, const cv::Mat& truth, const cv::Mat& mask,
                 int margin) {
  cv::Mat edges;
  cv::morphologyEx(mask, edges, cv::MORPH_GRADIENT, cv::Mat::ones(3, 3, CV_8U));
  cv::Mat near_edge;
  cv::dilate(edges, near_edge,
             cv::Mat::ones(2 * margin + 1, 2 * margin + 1, CV_8U));
  cv::Mat diff = cv::abs(out - truth);
  double max_err = 0.0;
  cv::minMaxLoc(diff, nullptr, &max_err, nullptr, nullptr, near_edge == 0);
  return max_err;
}

TEST(EdgeAwareUpsampleTest, VerticalStepStaysSharp) {
  // Edge at x = 242, between network pixels (242 / 4 = 60.5), so the
  // network-resolution map has a column of mixed values as a real one would.
  const cv::Size size(480, 272);
  cv::Mat mask(size, CV_8U, cv::Scalar(0));
  mask.colRange(242, size.width).setTo(255);
  const cv::Mat truth = DisparityFromMask(mask);
  const cv::Mat guide = TexturedGuide(mask, 1);
  const cv::Mat low = Downsample(truth, 4);

  std::map<UpsampleMethod, double> band;
  for (UpsampleMethod method : kAll) {
    SCOPED_TRACE(UpsampleMethodName(method));
    const cv::Mat out = UpsampleDisparity(low, guide, With(method));
    ASSERT_EQ(out.size(), size);
    ASSERT_EQ(out.type(), CV_32FC1);
    band[method] = double(TransitionPixels(out)) / size.height;
    int worst_row = 0;
    for (int y = 0; y < size.height; ++y) {
      worst_row = std::max(worst_row, TransitionPixels(out.row(y)));
    }
    if (method != UpsampleMethod::kBilinear) {
      EXPECT_LE(worst_row, 2);
      // The jump is at the image edge, not merely narrow somewhere nearby.
      EXPECT_NEAR(out.at<float>(100, 240), kFar, 3.0);
      EXPECT_NEAR(out.at<float>(100, 243), kNear, 3.0);
    }
    EXPECT_LT(FlatError(out, truth, mask, 24), 1e-3);
  }
  EXPECT_GE(band[UpsampleMethod::kBilinear], 4.0);
  for (UpsampleMethod method : kEdgeAware) {
    EXPECT_LE(band[method], 1.0) << UpsampleMethodName(method);
    EXPECT_LE(band[method] * 4, band[UpsampleMethod::kBilinear]);
  }
}

// Band pixels per unit of edge length, for a disc and a diagonal half-plane.
TEST(EdgeAwareUpsampleTest, CurvedAndDiagonalEdgesStaySharp) {
  const cv::Size size(480, 272);
  cv::Mat disc(size, CV_8U, cv::Scalar(0));
  const double radius = 90.3;
  cv::circle(disc, cv::Point(241, 137), int(radius), cv::Scalar(255),
             cv::FILLED, cv::LINE_8);
  cv::Mat diagonal(size, CV_8U, cv::Scalar(0));
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      if (x > 0.6 * y + 130) diagonal.at<uchar>(y, x) = 255;
    }
  }
  const double diagonal_length = size.height * std::sqrt(1 + 0.6 * 0.6);
  struct Case {
    const char* name;
    cv::Mat mask;
    double edge_length;
  } cases[] = {{"disc", disc, 2 * M_PI * radius},
               {"diagonal", diagonal, diagonal_length}};
  for (const Case& c : cases) {
    const cv::Mat truth = DisparityFromMask(c.mask);
    const cv::Mat guide = TexturedGuide(c.mask, 2);
    const cv::Mat low = Downsample(truth, 4);
    std::map<UpsampleMethod, double> width;
    for (UpsampleMethod method : kAll) {
      SCOPED_TRACE(std::string(c.name) + " " +
                   std::string(UpsampleMethodName(method)));
      const cv::Mat out = UpsampleDisparity(low, guide, With(method));
      width[method] = TransitionPixels(out) / c.edge_length;
      EXPECT_LT(FlatError(out, truth, c.mask, 24), 1e-3);
    }
    SCOPED_TRACE(c.name);
    EXPECT_GE(width[UpsampleMethod::kBilinear], 3.0);
    for (UpsampleMethod method : kEdgeAware) {
      EXPECT_LE(width[method], 1.5) << UpsampleMethodName(method);
      EXPECT_LE(width[method] * 3, width[UpsampleMethod::kBilinear]);
    }
  }
}

TEST(EdgeAwareUpsampleTest, NonIntegerAnisotropicFactorAndGrayGuide) {
  const cv::Size size(301, 200);
  cv::Mat mask(size, CV_8U, cv::Scalar(0));
  mask.colRange(131, size.width).setTo(255);
  const cv::Mat truth = DisparityFromMask(mask);
  cv::Mat guide = TexturedGuide(mask, 3), gray;
  cv::cvtColor(guide, gray, cv::COLOR_BGR2GRAY);
  cv::Mat low;
  cv::resize(truth, low, cv::Size(97, 61), 0, 0, cv::INTER_AREA);
  for (const cv::Mat& g : {guide, gray}) {
    for (UpsampleMethod method : kEdgeAware) {
      SCOPED_TRACE(std::string(UpsampleMethodName(method)) +
                   (g.channels() == 1 ? " gray" : " bgr"));
      const cv::Mat out = UpsampleDisparity(low, g, With(method));
      ASSERT_EQ(out.size(), size);
      EXPECT_LE(double(TransitionPixels(out)) / size.height, 1.0);
      EXPECT_LT(FlatError(out, truth, mask, 24), 1e-3);
    }
  }
}

TEST(EdgeAwareUpsampleTest, PreservesValueRange) {
  // Smooth random disparity under an unrelated, strongly textured guide: the
  // guided filter's linear model would copy the texture beyond the input's
  // range without the clamps.
  cv::RNG rng(7);
  cv::Mat low(72, 128, CV_32FC1);
  rng.fill(low, cv::RNG::UNIFORM, -5.0, 25.0);
  cv::GaussianBlur(low, low, cv::Size(0, 0), 1.5);
  cv::Mat guide(288, 512, CV_8UC3);
  rng.fill(guide, cv::RNG::UNIFORM, 0, 256);
  double lo = 0, hi = 0;
  cv::minMaxLoc(low, &lo, &hi);
  for (UpsampleMethod method : kAll) {
    for (bool local : {true, false}) {
      UpsampleOptions options = With(method);
      options.clamp_to_local_range = local;
      options.guided_eps = 1e-6;
      const cv::Mat out = UpsampleDisparity(low, guide, options);
      double out_lo = 0, out_hi = 0;
      cv::minMaxLoc(out, &out_lo, &out_hi);
      EXPECT_GE(out_lo, lo - 1e-5) << UpsampleMethodName(method);
      EXPECT_LE(out_hi, hi + 1e-5) << UpsampleMethodName(method);
    }
  }
}

TEST(EdgeAwareUpsampleTest, SameSizeIsNearlyIdentity) {
  cv::RNG rng(11);
  cv::Mat disp(96, 160, CV_32FC1);
  rng.fill(disp, cv::RNG::UNIFORM, 0.0, 30.0);
  cv::GaussianBlur(disp, disp, cv::Size(0, 0), 3.0);
  cv::Mat guide(disp.size(), CV_8UC3);
  rng.fill(guide, cv::RNG::UNIFORM, 60, 200);
  const cv::Mat bilinear =
      UpsampleDisparity(disp, guide, With(UpsampleMethod::kBilinear));
  EXPECT_EQ(cv::norm(bilinear, disp, cv::NORM_INF), 0.0);
  for (UpsampleMethod method : kEdgeAware) {
    const cv::Mat out = UpsampleDisparity(disp, guide, With(method));
    // Smooth input, unrelated guide: only slight smoothing is allowed.
    EXPECT_LT(cv::norm(out, disp, cv::NORM_L1) / disp.total(), 0.1)
        << UpsampleMethodName(method);
  }
}

TEST(EdgeAwareUpsampleTest, ConstantInputStaysConstant) {
  const cv::Mat low(18, 32, CV_32FC1, cv::Scalar(-3.25));
  cv::Mat guide(72, 128, CV_8UC3);
  cv::randu(guide, 0, 256);
  for (UpsampleMethod method : kAll) {
    const cv::Mat out = UpsampleDisparity(low, guide, With(method));
    EXPECT_EQ(cv::norm(out - (-3.25), cv::NORM_INF), 0.0);
    // Degenerate sizes: a single network pixel, a single row.
    const cv::Mat one =
        UpsampleDisparity(cv::Mat(1, 1, CV_32FC1, 5.0), guide, With(method));
    EXPECT_EQ(cv::norm(one - 5.0, cv::NORM_INF), 0.0);
    const cv::Mat row = UpsampleDisparity(cv::Mat(1, 32, CV_32FC1, 2.0),
                                          guide.row(0), With(method));
    EXPECT_EQ(row.size(), cv::Size(128, 1));
    EXPECT_EQ(cv::norm(row - 2.0, cv::NORM_INF), 0.0);
  }
}

TEST(EdgeAwareUpsampleTest, RejectsBadInput) {
  cv::Mat low(18, 32, CV_32FC1, cv::Scalar(1.0));
  const cv::Mat guide(72, 128, CV_8UC3, cv::Scalar::all(100));
  low.at<float>(3, 4) = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(UpsampleDisparity(low, guide), std::exception);
  low.at<float>(3, 4) = std::numeric_limits<float>::infinity();
  EXPECT_THROW(UpsampleDisparity(low, guide), std::exception);
  EXPECT_THROW(UpsampleDisparity(cv::Mat(18, 32, CV_8UC1), guide),
               std::exception);
  EXPECT_THROW(UpsampleDisparity(cv::Mat(18, 32, CV_32FC1, 1.0),
                                 cv::Mat(72, 128, CV_32FC3)),
               std::exception);
  EXPECT_THROW(UpsampleDisparity(cv::Mat(), guide), std::exception);
  UpsampleOptions bad;
  bad.guided_eps = 0.0;
  EXPECT_FALSE(bad.Check());
  EXPECT_THROW(UpsampleDisparity(cv::Mat(18, 32, CV_32FC1, 1.0), guide, bad),
               std::exception);
}

TEST(EdgeAwareUpsampleTest, ParsesMethodNames) {
  EXPECT_EQ(ParseUpsampleMethod("Guided"), UpsampleMethod::kGuided);
  EXPECT_EQ(ParseUpsampleMethod("bilinear"), UpsampleMethod::kBilinear);
  EXPECT_EQ(ParseUpsampleMethod("jbu"), UpsampleMethod::kJointBilateral);
  EXPECT_EQ(
      ParseUpsampleMethod(UpsampleMethodName(UpsampleMethod::kJointBilateral)),
      UpsampleMethod::kJointBilateral);
  EXPECT_THROW(ParseUpsampleMethod("bicubic"), Error);
}

// Real scenes: Middlebury ground truth downsampled by 4 (as if predicted at
// network size), upsampled again and compared with the full-size truth.
TEST(EdgeAwareUpsampleTest, BeatsBilinearOnMiddleburyGroundTruth) {
  const auto stereo = testing::SharedStereoDir();
  if (!stereo) GTEST_SKIP() << "shared stereo data not found";
  for (const char* scene : {"teddy", "cones"}) {
    const auto dir = *stereo / "eval" / "middlebury-2001-2003" / scene;
    const cv::Mat image = cv::imread((dir / "imL.png").string());
    const cv::Mat gt8 =
        cv::imread((dir / "groundtruth.png").string(), cv::IMREAD_GRAYSCALE);
    const cv::Mat disc =
        cv::imread((dir / "disc.png").string(), cv::IMREAD_GRAYSCALE);
    ASSERT_FALSE(image.empty() || gt8.empty() || disc.empty()) << dir;
    cv::Mat gt;
    gt8.convertTo(gt, CV_32F, 1.0 / 4.0);  // scale 4 for teddy and cones
    // Fill unknown (0) pixels from the left, as the background they usually
    // are, so the downsampled input carries no fake zeros.
    for (int y = 0; y < gt.rows; ++y) {
      float last = 0.f;
      for (int x = 0; x < gt.cols; ++x) {
        float& d = gt.at<float>(y, x);
        if (d > 0.f)
          last = d;
        else
          d = last;
      }
    }
    const cv::Mat valid = (gt8 > 0) & (disc == 255);
    const cv::Mat low = Downsample(gt, 4);
    std::map<UpsampleMethod, double> bad;
    for (UpsampleMethod method : kAll) {
      const cv::Mat out = UpsampleDisparity(low, image, With(method));
      const cv::Mat wrong = (cv::abs(out - gt) > 1.0) & valid;
      bad[method] = double(cv::countNonZero(wrong)) / cv::countNonZero(valid);
      std::printf("%s %-16s bad>1px near discontinuities: %.1f%%\n", scene,
                  UpsampleMethodName(method).data(), 100 * bad[method]);
    }
    for (UpsampleMethod method : kEdgeAware) {
      EXPECT_LT(bad[method], 0.85 * bad[UpsampleMethod::kBilinear])
          << scene << " " << UpsampleMethodName(method);
    }
  }
}

}  // namespace
}  // namespace parallax
