#include "parallax/eval/edge_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "parallax/eval/metrics.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

// Gradients are handed to Canny as 16-bit integers in these units of the
// median disparity per pixel: fine enough for any threshold worth setting,
// and a range of 32 medians per pixel, far beyond any real jump.
constexpr double kGradientUnits = 1000.0;

// Mean of `distance` (clamped at `limit`) over the non-zero pixels of `at`.
double MeanClampedDistance(const cv::Mat& distance, const cv::Mat& at,
                           double limit) {
  cv::Mat clamped = cv::min(distance, limit);
  return cv::mean(clamped, at)[0];
}

// Distance of every pixel to the nearest non-zero pixel of `edges`.
cv::Mat DistanceToEdges(const cv::Mat& edges) {
  cv::Mat distance;
  cv::distanceTransform(edges == 0, distance, cv::DIST_L2,
                        cv::DIST_MASK_PRECISE, CV_32F);
  return distance;
}

}  // namespace

void EdgeOptions::Check() const {
  if (!(low > 0) || !(high >= low) || !std::isfinite(high)) {
    ThrowError("edge thresholds must satisfy 0 < low <= high (got {}, {})", low,
               high);
  }
  if (!(max_distance > 0) || !std::isfinite(max_distance)) {
    ThrowError("edge max_distance must be positive (got {})", max_distance);
  }
  if (unknown_margin < 0) {
    ThrowError("edge unknown_margin must be >= 0 (got {})", unknown_margin);
  }
}

cv::Mat DepthEdges(const cv::Mat& disparity, const cv::Mat& region,
                   double scale, const EdgeOptions& options) {
  THROW_CHECK_EQ(disparity.type(), CV_32FC1);
  THROW_CHECK_EQ(region.type(), CV_8UC1);
  THROW_CHECK(region.size() == disparity.size());
  THROW_CHECK_GT(scale, 0.0);
  // Sobel / 8 is the central difference, smoothed across the edge.
  const double units = kGradientUnits / (8.0 * scale);
  cv::Mat gx, gy;
  cv::Sobel(disparity, gx, CV_32F, 1, 0, 3, units);
  cv::Sobel(disparity, gy, CV_32F, 0, 1, 3, units);
  cv::Mat dx, dy;
  gx.convertTo(dx, CV_16S);
  gy.convertTo(dy, CV_16S);
  // Outside the region there is no gradient, so that no edge starts there
  // and grows in by hysteresis.
  const cv::Mat outside = region == 0;
  dx.setTo(0, outside);
  dy.setTo(0, outside);
  cv::Mat edges;
  cv::Canny(dx, dy, edges, options.low * kGradientUnits,
            options.high * kGradientUnits, /*L2gradient=*/true);
  return edges;
}

EdgeScores ComputeEdgeScores(const cv::Mat& pred_disparity,
                             const cv::Mat& gt_disparity,
                             const cv::Mat& gt_known,
                             const EdgeOptions& options) {
  options.Check();
  THROW_CHECK_EQ(pred_disparity.type(), CV_32FC1);
  THROW_CHECK_EQ(gt_disparity.type(), CV_32FC1);
  THROW_CHECK_EQ(gt_known.type(), CV_8UC1);
  THROW_CHECK(pred_disparity.size() == gt_disparity.size() &&
              gt_known.size() == gt_disparity.size());
  // Away from unknown truth, which jumps to 0 and is no depth edge. The
  // image border is not unknown: erosion's default border leaves it be.
  cv::Mat region = gt_known != 0;
  if (options.unknown_margin > 0) {
    const int size = 2 * options.unknown_margin + 1;
    cv::erode(region, region,
              cv::getStructuringElement(cv::MORPH_RECT, {size, size}));
  }
  // One scale for both maps, the truth's (the prediction is aligned to it).
  std::vector<float> known = ValidValues(gt_disparity, region);
  double scale = 0;
  if (!known.empty()) {
    auto middle = known.begin() + known.size() / 2;
    std::nth_element(known.begin(), middle, known.end());
    scale = *middle;
  }
  EdgeScores scores;
  if (!(scale > 0)) {  // no known truth, or a scene at infinity: no edges
    scores.accuracy = scores.completeness =
        std::numeric_limits<double>::quiet_NaN();
    return scores;
  }
  const cv::Mat true_edges = DepthEdges(gt_disparity, region, scale, options);
  const cv::Mat predicted_edges =
      DepthEdges(pred_disparity, region, scale, options);
  scores.true_edges = cv::countNonZero(true_edges);
  scores.predicted_edges = cv::countNonZero(predicted_edges);
  if (scores.true_edges == 0) {
    scores.accuracy = scores.completeness =
        std::numeric_limits<double>::quiet_NaN();
    return scores;
  }
  const double limit = options.max_distance;
  if (scores.predicted_edges == 0) {
    scores.accuracy = scores.completeness = limit;
    return scores;
  }
  scores.accuracy =
      MeanClampedDistance(DistanceToEdges(true_edges), predicted_edges, limit);
  scores.completeness =
      MeanClampedDistance(DistanceToEdges(predicted_edges), true_edges, limit);
  return scores;
}

}  // namespace parallax
