#include "parallax/eval/alignment.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "parallax/eval/metrics.h"
#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {
namespace {

// numpy.median: the mean of the two middle values for an even count.
double Median(std::vector<double> values) {
  THROW_CHECK(!values.empty());
  const size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + mid, values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const double lower = *std::max_element(values.begin(), values.begin() + mid);
  return 0.5 * (lower + upper);
}

// Depth of each disparity; disparities <= 0 lie at or beyond infinity.
std::vector<double> Depths(const std::vector<float>& disparities) {
  std::vector<double> depths;
  depths.reserve(disparities.size());
  for (float d : disparities) {
    depths.push_back(d > 0 ? 1.0 / d : std::numeric_limits<double>::infinity());
  }
  return depths;
}

ScaleShift FitMedian(const std::vector<float>& pred,
                     const std::vector<float>& gt) {
  const double pred_median = Median(Depths(pred));
  const double gt_median = Median(Depths(gt));
  if (!std::isfinite(pred_median)) {
    ThrowError(
        "--align median needs positive predicted disparities on most "
        "pixels, but half of them are <= 0; use --align scale-shift");
  }
  return {pred_median / gt_median, 0};
}

ScaleShift FitLeastSquares(const std::vector<float>& pred,
                           const std::vector<float>& gt) {
  // Centred two-pass sums: a constant prediction gives a variance of exactly
  // 0 rather than a rounding residue that would blow up the scale.
  const double n = static_cast<double>(pred.size());
  double mean_p = 0, mean_g = 0;
  for (size_t i = 0; i < pred.size(); ++i) {
    mean_p += pred[i];
    mean_g += gt[i];
  }
  mean_p /= n;
  mean_g /= n;
  double var_p = 0, cov = 0;
  for (size_t i = 0; i < pred.size(); ++i) {
    const double dp = pred[i] - mean_p;
    var_p += dp * dp;
    cov += dp * (gt[i] - mean_g);
  }
  if (var_p == 0) return {0, mean_g};
  const double scale = cov / var_p;
  return {scale, mean_g - scale * mean_p};
}

}  // namespace

Alignment ParseAlignment(std::string_view text) {
  const std::string lower = ToLower(text);
  if (lower == "none") return Alignment::kNone;
  if (lower == "median") return Alignment::kMedian;
  if (lower == "scale-shift") return Alignment::kScaleShift;
  ThrowError("--align must be none, median or scale-shift, got '{}'", text);
}

std::string ToString(Alignment alignment) {
  switch (alignment) {
    case Alignment::kNone:
      return "none";
    case Alignment::kMedian:
      return "median";
    case Alignment::kScaleShift:
      return "scale-shift";
  }
  return "?";
}

ScaleShift FitAlignment(Alignment alignment, const cv::Mat& pred_disparity,
                        const cv::Mat& gt_disparity, const cv::Mat& valid) {
  THROW_CHECK(pred_disparity.size() == gt_disparity.size());
  if (alignment == Alignment::kNone) return {};
  const std::vector<float> pred = ValidValues(pred_disparity, valid);
  const std::vector<float> gt = ValidValues(gt_disparity, valid);
  THROW_CHECK_MSG(!pred.empty(), "no valid pixels to align on");
  return alignment == Alignment::kMedian ? FitMedian(pred, gt)
                                         : FitLeastSquares(pred, gt);
}

cv::Mat ApplyAlignment(const cv::Mat& pred_disparity, ScaleShift alignment,
                       double floor) {
  THROW_CHECK_EQ(pred_disparity.type(), CV_32FC1);
  cv::Mat aligned(pred_disparity.size(), CV_32FC1);
  const float low = static_cast<float>(floor);
  for (int y = 0; y < aligned.rows; ++y) {
    const float* in = pred_disparity.ptr<float>(y);
    float* out = aligned.ptr<float>(y);
    for (int x = 0; x < aligned.cols; ++x) {
      const double d = alignment.scale * in[x] + alignment.shift;
      out[x] = std::max(static_cast<float>(d), low);
    }
  }
  return aligned;
}

}  // namespace parallax
