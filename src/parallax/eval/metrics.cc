#include "parallax/eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

#include "parallax/util/check.h"

namespace parallax {
namespace {

void CheckInputs(const cv::Mat& pred, const cv::Mat& gt, const cv::Mat& valid) {
  THROW_CHECK_EQ(pred.type(), CV_32FC1);
  THROW_CHECK_EQ(gt.type(), CV_32FC1);
  THROW_CHECK_EQ(valid.type(), CV_8UC1);
  THROW_CHECK(pred.size() == gt.size());
  THROW_CHECK(valid.size() == gt.size());
}

// Calls `f(pred, gt)` for every valid pixel; returns how many there were.
template <typename F>
int64_t ForEachValid(const cv::Mat& pred, const cv::Mat& gt,
                     const cv::Mat& valid, F&& f) {
  CheckInputs(pred, gt, valid);
  int64_t count = 0;
  for (int y = 0; y < gt.rows; ++y) {
    const float* p = pred.ptr<float>(y);
    const float* g = gt.ptr<float>(y);
    const uint8_t* v = valid.ptr<uint8_t>(y);
    for (int x = 0; x < gt.cols; ++x) {
      if (!v[x]) continue;
      f(static_cast<double>(p[x]), static_cast<double>(g[x]));
      ++count;
    }
  }
  THROW_CHECK_MSG(count > 0, "no valid pixels to score");
  return count;
}

// 1-based ranks, ties sharing the average of the ranks they span. Sorting
// (value, index) pairs in place is ~2x faster than an index sort whose
// comparisons jump around memory.
std::vector<double> AverageRanks(const std::vector<float>& values) {
  std::vector<std::pair<float, uint32_t>> sorted(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    sorted[i] = {values[i], static_cast<uint32_t>(i)};
  }
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> ranks(values.size());
  size_t begin = 0;
  while (begin < sorted.size()) {
    size_t end = begin + 1;
    while (end < sorted.size() && sorted[end].first == sorted[begin].first) {
      ++end;
    }
    // Ranks begin+1 .. end share their mean.
    const double rank = 0.5 * static_cast<double>(begin + 1 + end);
    for (size_t i = begin; i < end; ++i) ranks[sorted[i].second] = rank;
    begin = end;
  }
  return ranks;
}

}  // namespace

DepthMetrics ComputeDepthMetrics(const cv::Mat& pred_depth,
                                 const cv::Mat& gt_depth,
                                 const cv::Mat& valid) {
  double abs_rel = 0, sq_rel = 0, sq = 0, sq_log = 0;
  int64_t d1 = 0, d2 = 0, d3 = 0;
  const int64_t count =
      ForEachValid(pred_depth, gt_depth, valid, [&](double p, double g) {
        THROW_CHECK_MSG(p > 0 && g > 0, "depths must be positive: {} {}", p, g);
        const double diff = p - g;
        abs_rel += std::abs(diff) / g;
        sq_rel += diff * diff / g;
        sq += diff * diff;
        const double log_diff = std::log(p) - std::log(g);
        sq_log += log_diff * log_diff;
        const double ratio = std::max(p / g, g / p);
        d1 += ratio < 1.25;
        d2 += ratio < 1.25 * 1.25;
        d3 += ratio < 1.25 * 1.25 * 1.25;
      });
  const double n = static_cast<double>(count);
  DepthMetrics m;
  m.abs_rel = abs_rel / n;
  m.sq_rel = sq_rel / n;
  m.rmse = std::sqrt(sq / n);
  m.rmse_log = std::sqrt(sq_log / n);
  m.delta1 = static_cast<double>(d1) / n;
  m.delta2 = static_cast<double>(d2) / n;
  m.delta3 = static_cast<double>(d3) / n;
  return m;
}

double D1AllPercent(const cv::Mat& pred_disparity, const cv::Mat& gt_disparity,
                    const cv::Mat& valid) {
  int64_t bad = 0;
  const int64_t count = ForEachValid(
      pred_disparity, gt_disparity, valid, [&](double p, double g) {
        const double error = std::abs(p - g);
        bad += error > 3.0 && error > 0.05 * std::abs(g);
      });
  return 100.0 * static_cast<double>(bad) / static_cast<double>(count);
}

double BadPixelPercent(const cv::Mat& pred_disparity,
                       const cv::Mat& gt_disparity, const cv::Mat& valid,
                       double threshold_px) {
  int64_t bad = 0;
  const int64_t count = ForEachValid(
      pred_disparity, gt_disparity, valid,
      [&](double p, double g) { bad += std::abs(p - g) > threshold_px; });
  return 100.0 * static_cast<double>(bad) / static_cast<double>(count);
}

double SpearmanCorrelation(const cv::Mat& a, const cv::Mat& b,
                           const cv::Mat& valid) {
  CheckInputs(a, b, valid);
  const std::vector<double> rank_a = AverageRanks(ValidValues(a, valid));
  const std::vector<double> rank_b = AverageRanks(ValidValues(b, valid));
  THROW_CHECK_MSG(!rank_a.empty(), "no valid pixels to score");
  // Both rank vectors have the same mean, (n + 1) / 2.
  const double mean = 0.5 * static_cast<double>(rank_a.size() + 1);
  double cov = 0, var_a = 0, var_b = 0;
  for (size_t i = 0; i < rank_a.size(); ++i) {
    const double da = rank_a[i] - mean;
    const double db = rank_b[i] - mean;
    cov += da * db;
    var_a += da * da;
    var_b += db * db;
  }
  // Constant input: every rank equals the mean, so the variance is exactly 0.
  if (var_a == 0 || var_b == 0) return 0;
  return cov / std::sqrt(var_a * var_b);
}

std::vector<float> ValidValues(const cv::Mat& map, const cv::Mat& valid) {
  THROW_CHECK_EQ(map.type(), CV_32FC1);
  THROW_CHECK_EQ(valid.type(), CV_8UC1);
  THROW_CHECK(map.size() == valid.size());
  std::vector<float> values;
  values.reserve(static_cast<size_t>(cv::countNonZero(valid)));
  for (int y = 0; y < map.rows; ++y) {
    const float* m = map.ptr<float>(y);
    const uint8_t* v = valid.ptr<uint8_t>(y);
    for (int x = 0; x < map.cols; ++x) {
      if (v[x]) values.push_back(m[x]);
    }
  }
  return values;
}

}  // namespace parallax
