#include "parallax/infer/disparity_output.h"

#include <algorithm>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {

Colormap ParseColormap(const std::string& name) {
  const std::string lower = ToLower(name);
  if (lower.empty() || lower == "none") return Colormap::kNone;
  if (lower == "gray" || lower == "grey") return Colormap::kGray;
  if (lower == "turbo") return Colormap::kTurbo;
  if (lower == "inferno") return Colormap::kInferno;
  ThrowError("unknown colour map '{}' (choose turbo, inferno or gray)", name);
}

DisparityRange RobustRange(const cv::Mat& disparity) {
  THROW_CHECK_EQ(disparity.type(), CV_32FC1);
  THROW_CHECK(!disparity.empty());
  // Every pixel of a small map, a regular subsample of a large one: the
  // percentiles of 65k samples are accurate to well under a grey level.
  const int64_t total = static_cast<int64_t>(disparity.total());
  const int64_t step = std::max<int64_t>(1, total / 65536);
  std::vector<float> samples;
  samples.reserve(static_cast<size_t>(total / step + 1));
  const cv::Mat flat = disparity.isContinuous() ? disparity : disparity.clone();
  const float* data = flat.ptr<float>();
  for (int64_t i = 0; i < total; i += step) samples.push_back(data[i]);
  const auto at = [&](double q) {
    const size_t k = static_cast<size_t>(q * (samples.size() - 1));
    std::nth_element(samples.begin(), samples.begin() + k, samples.end());
    return static_cast<double>(samples[k]);
  };
  DisparityRange range{at(0.005), at(0.995)};
  // A flat map gets a unit range; relative to its level for huge values,
  // where adding 1 would change nothing.
  if (!(range.high - range.low >= 1e-6)) {
    range.high = range.low + std::max(1.0, std::abs(range.low) * 1e-6);
  }
  return range;
}

DisparityRange RangeTracker::Update(const cv::Mat& disparity, bool scene_cut) {
  const DisparityRange current = RobustRange(disparity);
  if (!range_ || scene_cut) {
    range_ = current;
  } else {
    range_->low += smoothing_ * (current.low - range_->low);
    range_->high += smoothing_ * (current.high - range_->high);
  }
  return *range_;
}

cv::Mat EncodeFloatMap(const cv::Mat& disparity, bool invert) {
  THROW_CHECK_EQ(disparity.type(), CV_32FC1);
  if (!invert) return disparity;
  double min_value = 0, max_value = 0;
  cv::minMaxLoc(disparity, &min_value, &max_value);
  if (min_value < 0) {
    ThrowError(
        "--invert: this disparity map has negative values (a signed, "
        "converging-rig model); depth needs the rig geometry, so save "
        "disparity instead");
  }
  const double floor = std::max(max_value * 0.01, 1e-6);
  cv::Mat clamped = cv::max(disparity, floor);
  cv::Mat depth;
  cv::divide(1.0, clamped, depth, CV_32F);
  return depth;
}

namespace {

// Disparity -> [0, 1] (near = 1) over `range`, clamped.
cv::Mat Normalize(const cv::Mat& disparity, DisparityRange range, bool invert) {
  THROW_CHECK_EQ(disparity.type(), CV_32FC1);
  const double scale = 1.0 / (range.high - range.low);
  cv::Mat unit;
  disparity.convertTo(unit, CV_32F, scale, -range.low * scale);
  unit = cv::min(cv::max(unit, 0.0), 1.0);
  if (invert) unit = 1.0 - unit;
  return unit;
}

}  // namespace

cv::Mat EncodeNormalized16(const cv::Mat& disparity, DisparityRange range,
                           bool invert) {
  cv::Mat out;
  Normalize(disparity, range, invert).convertTo(out, CV_16U, 65535.0);
  return out;
}

cv::Mat EncodePreview(const cv::Mat& disparity, DisparityRange range,
                      bool invert, Colormap colormap) {
  cv::Mat gray;
  Normalize(disparity, range, invert).convertTo(gray, CV_8U, 255.0);
  switch (colormap) {
    case Colormap::kNone:
    case Colormap::kGray:
      return gray;
    case Colormap::kTurbo: {
      cv::Mat colour;
      cv::applyColorMap(gray, colour, cv::COLORMAP_TURBO);
      return colour;
    }
    case Colormap::kInferno: {
      cv::Mat colour;
      cv::applyColorMap(gray, colour, cv::COLORMAP_INFERNO);
      return colour;
    }
  }
  return gray;
}

}  // namespace parallax
