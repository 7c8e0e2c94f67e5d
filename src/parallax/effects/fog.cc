#include "parallax/effects/fog.h"

#include <cmath>
#include <limits>

#include "parallax/effects/linear_light.h"
#include "parallax/infer/disparity_output.h"
#include "parallax/util/check.h"

namespace parallax {

void FogOptions::Check() const {
  if (!(near >= 0 && std::isfinite(near))) {
    ThrowError("--near must be a depth >= 0, got {}", near);
  }
  if (mode == Mode::kLinear && !(far > near && std::isfinite(far))) {
    ThrowError("--far ({}) must be beyond --near ({})", far, near);
  }
  if (!(density >= 0 && std::isfinite(density))) {
    ThrowError("--density must be >= 0, got {}", density);
  }
  for (int c = 0; c < 3; ++c) {
    if (!(color[c] >= 0 && color[c] <= 1)) {
      ThrowError("--color channels must be in 0..1");
    }
  }
  if (!(height_falloff >= 0 && std::isfinite(height_falloff))) {
    ThrowError("--height-falloff must be >= 0");
  }
}

double FogReferenceDisparity(const cv::Mat& disparity) {
  if (disparity.type() != CV_32FC1 || !cv::checkRange(disparity)) {
    ThrowError("fog: the depth map must be a finite float map");
  }
  const double reference = RobustRange(disparity).high;
  if (!(reference > 0)) {
    ThrowError("fog: the disparity map has no positive (near) values");
  }
  return reference;
}

cv::Mat FogDepthFromDisparity(const cv::Mat& disparity) {
  return FogDepthFromDisparity(disparity, FogReferenceDisparity(disparity));
}

cv::Mat FogDepthFromDisparity(const cv::Mat& disparity, double reference) {
  THROW_CHECK(disparity.type() == CV_32FC1 && reference > 0);
  cv::Mat depth(disparity.size(), CV_32F);
  const float inf = std::numeric_limits<float>::infinity();
  for (int y = 0; y < disparity.rows; ++y) {
    const float* d = disparity.ptr<float>(y);
    float* z = depth.ptr<float>(y);
    for (int x = 0; x < disparity.cols; ++x) {
      z[x] = d[x] > 0 ? static_cast<float>(reference / d[x]) : inf;
    }
  }
  return depth;
}

cv::Mat FogAmount(const cv::Mat& depth, const FogOptions& options) {
  options.Check();
  THROW_CHECK(depth.type() == CV_32FC1);
  cv::Mat amount(depth.size(), CV_32F);
  for (int y = 0; y < depth.rows; ++y) {
    const float* z = depth.ptr<float>(y);
    float* f = amount.ptr<float>(y);
    const double height =
        options.height_falloff > 0
            ? std::exp(-options.height_falloff *
                       (1.0 - static_cast<double>(y + 1) / depth.rows))
            : 1.0;
    for (int x = 0; x < depth.cols; ++x) {
      if (std::isnan(z[x])) ThrowError("fog: the depth map has NaN values");
      const double beyond = std::max(0.0, z[x] - options.near);
      double value = 0;
      if (options.mode == FogOptions::Mode::kLinear) {
        value = std::isinf(z[x])
                    ? 1.0
                    : std::min(1.0, beyond / (options.far - options.near));
      } else {
        // No density is no fog, at infinity too (0 * inf is NaN).
        value = options.density > 0 ? 1.0 - std::exp(-options.density * beyond)
                                    : 0.0;
      }
      f[x] = static_cast<float>(value * height);
    }
  }
  return amount;
}

cv::Mat ApplyFog(const cv::Mat& image, const cv::Mat& depth,
                 const FogOptions& options) {
  if (depth.type() != CV_32FC1 || depth.size() != image.size()) {
    ThrowError("fog: depth map is {}x{} but the image {}x{}", depth.cols,
               depth.rows, image.cols, image.rows);
  }
  const cv::Mat amount = FogAmount(depth, options);
  cv::Mat linear = SrgbToLinear(image);
  // The fog colour is given in sRGB like every colour a user picks.
  cv::Mat swatch(1, 1, CV_16UC3);
  swatch.at<cv::Vec3w>(0, 0) =
      cv::Vec3w(cv::saturate_cast<ushort>(options.color[0] * 65535),
                cv::saturate_cast<ushort>(options.color[1] * 65535),
                cv::saturate_cast<ushort>(options.color[2] * 65535));
  const cv::Vec3f fog = SrgbToLinear(swatch).at<cv::Vec3f>(0, 0);
  for (int y = 0; y < linear.rows; ++y) {
    cv::Vec3f* p = linear.ptr<cv::Vec3f>(y);
    const float* f = amount.ptr<float>(y);
    for (int x = 0; x < linear.cols; ++x) {
      p[x] = p[x] * (1.0f - f[x]) + fog * f[x];
    }
  }
  return LinearToSrgb(linear, image.depth() == CV_16U ? CV_16U : CV_8U);
}

}  // namespace parallax
