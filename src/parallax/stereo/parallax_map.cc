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

float ParallaxMapping::operator()(float disparity) const {
  const double span = range.high - range.low;
  const double n =
      std::pow(std::clamp((disparity - range.low) / span, 0.0, 1.0), exponent);
  return static_cast<float>(pixels * (n - screen));
}

cv::Mat ParallaxMapping::Apply(const cv::Mat& disparity) const {
  cv::Mat n = NormalizeDisparity(disparity, range);
  if (exponent != 1) cv::pow(n, exponent, n);
  cv::Mat parallax;
  n.convertTo(parallax, CV_32F, pixels, -pixels * screen);
  return parallax;
}

namespace {

// MakeParallaxMapping; `reshaped`, when given, receives the normalised and
// reshaped disparity it computed for the automatic convergence (empty when
// the convergence was given).
ParallaxMapping MakeMapping(const cv::Mat& disparity,
                            const DisparityRange& range,
                            const ParallaxOptions& options, cv::Mat* reshaped) {
  options.Check();
  if (disparity.type() != CV_32FC1 || disparity.empty()) {
    ThrowError("parallax: disparity must be a non-empty float map");
  }
  ParallaxMapping mapping;
  mapping.range = range;
  const double s = options.foreground_scale;
  if (s != 0) mapping.exponent = s > 0 ? 1 + s : 1 / (1 - s);
  // The screen plane is placed on the reshaped scale, so "the subject sits
  // on the screen" holds whatever the reshaping.
  if (options.convergence) {
    mapping.screen = 1.0 - *options.convergence;
  } else {
    cv::Mat n = NormalizeDisparity(disparity, range);
    if (mapping.exponent != 1) cv::pow(n, mapping.exponent, n);
    mapping.screen = AutoConvergence(n);
    if (reshaped) *reshaped = n;
  }
  mapping.pixels = options.divergence_percent / 100.0 * disparity.cols;
  return mapping;
}

}  // namespace

ParallaxMapping MakeParallaxMapping(const cv::Mat& disparity,
                                    const DisparityRange& range,
                                    const ParallaxOptions& options) {
  return MakeMapping(disparity, range, options, nullptr);
}

cv::Mat ParallaxFromRelative(const cv::Mat& disparity,
                             const DisparityRange& range,
                             const ParallaxOptions& options) {
  // MakeParallaxMapping(...).Apply(disparity), normalising the map once
  // where the automatic convergence already did.
  cv::Mat reshaped;
  const ParallaxMapping mapping =
      MakeMapping(disparity, range, options, &reshaped);
  if (reshaped.empty()) return mapping.Apply(disparity);
  cv::Mat parallax;
  reshaped.convertTo(parallax, CV_32F, mapping.pixels,
                     -mapping.pixels * mapping.screen);
  return parallax;
}

}  // namespace parallax
