// Where an effect's depth comes from (`parallax defocus`, `fog`,
// `composite` and the desktop app): a given map, disparity or Z, checked
// against the image, or the network's estimate at the image's size.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <opencv2/core.hpp>

#include "parallax/infer/depth_estimator.h"

namespace parallax {

struct EffectDepthOptions {
  std::filesystem::path model;  // empty = the default model
  PredictorOptions predictor;
  std::string device = "auto";
  std::string kind = "disparity";  // of given maps: disparity or depth
  std::string upsample = "guided";
};

// Disparity maps (CV_32F, larger = nearer) for images.
class EffectDepth {
 public:
  explicit EffectDepth(const EffectDepthOptions& options);
  ~EffectDepth();

  // `given` non-empty: that file (disparity, or depth inverted when the
  // kind is depth); it must have the image's size and finite values.
  // Otherwise the network's estimate, upsampled to the image.
  cv::Mat For(const cv::Mat& image, const std::filesystem::path& given);
  // True when For() without a file ran the network (relative scale).
  bool estimated() const { return estimated_; }
  // Loaded on first use.
  Predictor& predictor();
  // The model file the predictor loads (names resolved).
  std::filesystem::path model_path() const;
  // The model file for resume checks (ModelFileSettings).
  std::string model_id() const;

 private:
  EffectDepthOptions options_;
  std::unique_ptr<Predictor> predictor_;
  bool estimated_ = false;
};

// A given Z map: size and NaN checked; Z <= 0 or infinite is +infinity.
cv::Mat LoadMetricDepth(const std::filesystem::path& path, cv::Size size);

// A given map as disparity: `kind` "depth" inverts (z <= 0 or infinite ->
// 0, at infinity). Errors name the file and what is wrong.
cv::Mat LoadEffectDepth(const std::filesystem::path& path, cv::Size size,
                        const std::string& kind);

}  // namespace parallax
