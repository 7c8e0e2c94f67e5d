// Error metrics between a predicted and a ground-truth map, over the pixels
// where `valid` is non-zero. Free functions on cv::Mat (OpenCV style): maps
// are CV_32FC1 of one size, `valid` is CV_8UC1 of that size with at least one
// non-zero pixel. Passing anything else is a bug (THROW_CHECK).
//
// Depth metrics follow Eigen et al. (NIPS 2014) as used by Monodepth; the
// disparity metrics are KITTI 2015's D1 and Middlebury's bad-N.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

namespace parallax {

struct DepthMetrics {
  double abs_rel = 0;   // mean |p - g| / g
  double sq_rel = 0;    // mean (p - g)^2 / g
  double rmse = 0;      // sqrt(mean (p - g)^2)
  double rmse_log = 0;  // sqrt(mean (ln p - ln g)^2)
  double delta1 = 0;    // fraction of pixels with max(p/g, g/p) < 1.25
  double delta2 = 0;    // ... < 1.25^2
  double delta3 = 0;    // ... < 1.25^3
};

// Depths must be > 0 on valid pixels.
DepthMetrics ComputeDepthMetrics(const cv::Mat& pred_depth,
                                 const cv::Mat& gt_depth, const cv::Mat& valid);

// KITTI 2015 D1-all: percentage of pixels whose disparity error exceeds both
// 3 px and 5 % of the ground truth.
double D1AllPercent(const cv::Mat& pred_disparity, const cv::Mat& gt_disparity,
                    const cv::Mat& valid);

// Middlebury bad-N: percentage of pixels whose disparity error exceeds
// `threshold_px`.
double BadPixelPercent(const cv::Mat& pred_disparity,
                       const cv::Mat& gt_disparity, const cv::Mat& valid,
                       double threshold_px);

// Spearman's rank correlation: Pearson's correlation of the ranks, ties
// sharing their average rank. 0 when either side is constant (no ordering
// to agree with), so a flat prediction scores 0, not NaN.
double SpearmanCorrelation(const cv::Mat& a, const cv::Mat& b,
                           const cv::Mat& valid);

// The values of `map` on valid pixels, in row-major order.
std::vector<float> ValidValues(const cv::Mat& map, const cv::Mat& valid);

}  // namespace parallax
