#include "parallax/stereo/parallax_map.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "parallax/util/check.h"

namespace parallax {

void ParallaxOptions::Check() const {
  if (!(divergence_percent >= 0 && divergence_percent <= 20)) {
    ThrowError("--divergence must be in 0..20 (% of the width), got {}",
               divergence_percent);
  }
  if (convergence && !(*convergence >= 0 && *convergence <= 1)) {
    ThrowError("--convergence must be in 0..1 or 'auto', got {}", *convergence);
  }
  if (!(foreground_scale >= -10 && foreground_scale <= 10)) {
    ThrowError("--foreground-scale must be in -10..10, got {}",
               foreground_scale);
  }
}

cv::Mat NormalizeDisparity(const cv::Mat& disparity,
                           const DisparityRange& range) {
  THROW_CHECK(disparity.type() == CV_32FC1);
  const double span = range.high - range.low;
  THROW_CHECK_MSG(span > 0, "empty disparity range");
  cv::Mat n;
  disparity.convertTo(n, CV_32F, 1.0 / span, -range.low / span);
  cv::min(cv::max(n, 0.0), 1.0, n);
  return n;
}

double AutoConvergence(const cv::Mat& normalized) {
  THROW_CHECK(normalized.type() == CV_32FC1 && !normalized.empty());
  const cv::Rect centre(normalized.cols / 4, normalized.rows / 4,
                        std::max(1, normalized.cols / 2),
                        std::max(1, normalized.rows / 2));
  std::vector<float> values;
  values.reserve(centre.area());
  for (int y = centre.y; y < centre.br().y; ++y) {
    const float* row = normalized.ptr<float>(y);
    values.insert(values.end(), row + centre.x, row + centre.br().x);
  }
  std::nth_element(values.begin(), values.begin() + values.size() / 2,
                   values.end());
  return values[values.size() / 2];
}

cv::Mat ParallaxFromRelative(const cv::Mat& disparity,
                             const DisparityRange& range,
                             const ParallaxOptions& options) {
  options.Check();
  if (disparity.type() != CV_32FC1 || disparity.empty()) {
    ThrowError("parallax: disparity must be a non-empty float map");
  }
  cv::Mat n = NormalizeDisparity(disparity, range);
  const double s = options.foreground_scale;
  if (s != 0) {
    const double exponent = s > 0 ? 1 + s : 1 / (1 - s);
    cv::pow(n, exponent, n);
  }
  // The screen plane is placed on the reshaped scale, so "the subject sits
  // on the screen" holds whatever the reshaping.
  const double screen =
      options.convergence ? 1.0 - *options.convergence : AutoConvergence(n);
  const double pixels = options.divergence_percent / 100.0 * disparity.cols;
  cv::Mat parallax;
  n.convertTo(parallax, CV_32F, pixels, -pixels * screen);
  return parallax;
}

}  // namespace parallax
