#include "parallax/infer/scale_match.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "parallax/util/check.h"

namespace parallax {
namespace {

struct Sums {
  double n = 0, x = 0, y = 0, xx = 0, xy = 0;
  void Add(double a, double b) {
    n += 1;
    x += a;
    y += b;
    xx += a * a;
    xy += a * b;
  }
  ScaleShift Solve() const {
    ScaleShift fit;
    const double mean_x = x / n, mean_y = y / n;
    const double var_x = xx / n - mean_x * mean_x;
    const double cov = xy / n - mean_x * mean_y;
    // A (near) flat source carries no scale information.
    if (var_x > 1e-8 * (mean_x * mean_x + 1.0)) fit.scale = cov / var_x;
    fit.shift = mean_y - fit.scale * mean_x;
    fit.valid = true;
    return fit;
  }
};

}  // namespace

ScaleShift FitScaleShift(const cv::Mat& source, const cv::Mat& target,
                         const cv::Mat& mask, int min_pixels, int stride) {
  THROW_CHECK_GE(stride, 1);
  THROW_CHECK(source.type() == CV_32FC1 && target.type() == CV_32FC1 &&
              mask.type() == CV_8UC1);
  THROW_CHECK(source.size() == target.size() && mask.size() == source.size());
  std::vector<float> xs, ys;
  xs.reserve(source.total() / (stride * stride) + 1);
  ys.reserve(source.total() / (stride * stride) + 1);
  Sums sums;
  for (int r = 0; r < source.rows; r += stride) {
    const float* s = source.ptr<float>(r);
    const float* t = target.ptr<float>(r);
    const uchar* m = mask.ptr<uchar>(r);
    for (int c = 0; c < source.cols; c += stride) {
      if (!m[c]) continue;
      xs.push_back(s[c]);
      ys.push_back(t[c]);
      sums.Add(s[c], t[c]);
    }
  }
  if (sums.n < std::max(min_pixels, 2)) return {};
  const ScaleShift first = sums.Solve();
  std::vector<float> residuals(xs.size());
  for (size_t i = 0; i < xs.size(); ++i) {
    residuals[i] = std::abs(ys[i] - float(first.scale * xs[i] + first.shift));
  }
  std::vector<float> sorted = residuals;
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2,
                   sorted.end());
  const double sigma = 1.4826 * sorted[sorted.size() / 2];
  const double limit = 3.0 * sigma + 1e-6 * (std::abs(first.shift) + 1.0);
  Sums inliers;
  for (size_t i = 0; i < xs.size(); ++i) {
    if (residuals[i] <= limit) inliers.Add(xs[i], ys[i]);
  }
  if (inliers.n < std::max(min_pixels, 2)) return first;
  return inliers.Solve();
}

}  // namespace parallax
