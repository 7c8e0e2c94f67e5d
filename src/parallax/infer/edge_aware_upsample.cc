#include "parallax/infer/edge_aware_upsample.h"

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "parallax/infer/fast_guided_filter.h"
#include "parallax/infer/joint_bilateral_upsample.h"
#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {

UpsampleMethod ParseUpsampleMethod(std::string_view name) {
  const std::string lower = ToLower(name);
  if (lower == "bilinear") return UpsampleMethod::kBilinear;
  if (lower == "guided") return UpsampleMethod::kGuided;
  if (lower == "joint-bilateral" || lower == "jbu") {
    return UpsampleMethod::kJointBilateral;
  }
  ThrowError(
      "unknown upsampling method '{}' (expected bilinear, guided or "
      "joint-bilateral)",
      name);
}

cv::Mat ResizeAlignCorners(const cv::Mat& map, cv::Size size) {
  THROW_CHECK(map.type() == CV_32FC1 && !map.empty());
  THROW_CHECK(size.width > 0 && size.height > 0);
  // Source coordinate of output index i: i * (n_in - 1) / (n_out - 1).
  auto taps = [](int n_in, int n_out, std::vector<int>* index,
                 std::vector<float>* weight) {
    const double step =
        n_out > 1 ? static_cast<double>(n_in - 1) / (n_out - 1) : 0.0;
    for (int i = 0; i < n_out; ++i) {
      const double x = i * step;
      const int x0 = std::min(static_cast<int>(x), n_in - 1);
      index->push_back(x0);
      weight->push_back(static_cast<float>(x - x0));
    }
  };
  std::vector<int> xi, yi;
  std::vector<float> xw, yw;
  taps(map.cols, size.width, &xi, &xw);
  taps(map.rows, size.height, &yi, &yw);
  cv::Mat out(size, CV_32FC1);
  for (int y = 0; y < size.height; ++y) {
    const float* r0 = map.ptr<float>(yi[y]);
    const float* r1 = map.ptr<float>(std::min(yi[y] + 1, map.rows - 1));
    const float wy = yw[y];
    float* o = out.ptr<float>(y);
    for (int x = 0; x < size.width; ++x) {
      const int x0 = xi[x], x1 = std::min(x0 + 1, map.cols - 1);
      const float wx = xw[x];
      const float top = r0[x0] + wx * (r0[x1] - r0[x0]);
      const float bottom = r1[x0] + wx * (r1[x1] - r1[x0]);
      o[x] = top + wy * (bottom - top);
    }
  }
  return out;
}

std::string_view UpsampleMethodName(UpsampleMethod method) {
  switch (method) {
    case UpsampleMethod::kBilinear:
      return "bilinear";
    case UpsampleMethod::kGuided:
      return "guided";
    case UpsampleMethod::kJointBilateral:
      return "joint-bilateral";
  }
  return "?";
}

bool UpsampleOptions::Check() const {
  return guided_radius >= 1 && guided_radius <= 16 && guided_eps > 0.0 &&
         joint_sigma_spatial > 0.0 && joint_sigma_color > 0.0;
}

cv::Mat UpsampleDisparity(const cv::Mat& disp_low, const cv::Mat& guide,
                          const UpsampleOptions& options) {
  THROW_CHECK(options.Check());
  THROW_CHECK_MSG(disp_low.type() == CV_32FC1 && !disp_low.empty(),
                  "disparity must be a non-empty CV_32FC1, got {} {}x{}",
                  cv::typeToString(disp_low.type()), disp_low.cols,
                  disp_low.rows);
  THROW_CHECK_MSG(
      (guide.type() == CV_8UC3 || guide.type() == CV_8UC1) && !guide.empty(),
      "guide must be a non-empty CV_8UC3 or CV_8UC1, got {} {}x{}",
      cv::typeToString(guide.type()), guide.cols, guide.rows);
  // The sum is finite iff every value is (cheaper than cv::checkRange).
  THROW_CHECK_MSG(std::isfinite(cv::sum(disp_low)[0]),
                  "disparity has NaN or Inf values");

  double lo = 0.0, hi = 0.0;
  cv::minMaxLoc(disp_low, &lo, &hi);
  // A guide smaller than the map (downsampling) is the factor-1 case of a
  // map first reduced to the guide's size.
  cv::Mat disp = disp_low;
  if (disp.cols > guide.cols || disp.rows > guide.rows) {
    cv::resize(disp_low, disp,
               cv::Size(std::min(disp.cols, guide.cols),
                        std::min(disp.rows, guide.rows)),
               0, 0, cv::INTER_AREA);
  }
  cv::Mat out;
  switch (options.method) {
    case UpsampleMethod::kBilinear:
      if (options.align_corners) {
        out = ResizeAlignCorners(disp, guide.size());
      } else {
        cv::resize(disp, out, guide.size(), 0, 0, cv::INTER_LINEAR);
      }
      break;
    case UpsampleMethod::kJointBilateral:
      out = JointBilateralUpsample(disp, guide, options.joint_sigma_spatial,
                                   options.joint_sigma_color);
      // A convex combination; this only removes float rounding.
      cv::min(cv::max(out, lo), hi, out);
      break;
    case UpsampleMethod::kGuided: {
      cv::Mat lo_low, hi_low;
      if (options.clamp_to_local_range) {
        const cv::Mat kernel = cv::Mat::ones(3, 3, CV_8U);
        cv::erode(disp, lo_low, kernel, cv::Point(-1, -1), 1,
                  cv::BORDER_REPLICATE);
        cv::dilate(disp, hi_low, kernel, cv::Point(-1, -1), 1,
                   cv::BORDER_REPLICATE);
      } else {  // lo, hi: the global range, so the output stays inside it
        lo_low = cv::Mat(disp.size(), CV_32FC1, cv::Scalar(lo));
        hi_low = cv::Mat(disp.size(), CV_32FC1, cv::Scalar(hi));
      }
      out = FastGuidedUpsample(disp, guide, options.guided_radius,
                               options.guided_eps, lo_low, hi_low);
      break;
    }
  }
  return out;
}

}  // namespace parallax
