#include "parallax/jobs/effect_depth.h"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "parallax/infer/default_model.h"
#include "parallax/io/image_io.h"
#include "parallax/jobs/job_control.h"
#include "parallax/jobs/segmented_video.h"
#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {

namespace fs = std::filesystem;

EffectDepth::EffectDepth(const EffectDepthOptions& options)
    : options_(options) {
  const std::string kind = ToLower(options.kind);
  if (kind != "disparity" && kind != "depth") {
    throw OptionError(fmt::format("{} {}: use disparity or depth",
                                  OptionField("kind"), options.kind));
  }
  options_.kind = kind;
  options_.predictor.device = options.device;
  ParseUpsampleMethod(options.upsample);  // fail before any work
}

EffectDepth::~EffectDepth() = default;

Predictor& EffectDepth::predictor() {
  if (!predictor_) {
    predictor_ = std::make_unique<Predictor>(model_path(), options_.predictor);
  }
  return *predictor_;
}

fs::path EffectDepth::model_path() const {
  return ResolveModelPath(options_.model);
}

std::string EffectDepth::model_id() const {
  return ModelFileSettings(model_path());
}

namespace {

cv::Mat ReadMapOfSize(const fs::path& path, cv::Size size) {
  cv::Mat map = ReadImage(path, ReadMode::kFloat1);
  if (map.size() != size) {
    ThrowError(
        "{} is {}x{} but the image is {}x{}: give the depth of this "
        "image",
        path.string(), map.cols, map.rows, size.width, size.height);
  }
  return map;
}

}  // namespace

cv::Mat LoadMetricDepth(const fs::path& path, cv::Size size) {
  cv::Mat z = ReadMapOfSize(path, size);
  const float inf = std::numeric_limits<float>::infinity();
  for (int y = 0; y < z.rows; ++y) {
    float* row = z.ptr<float>(y);
    for (int x = 0; x < z.cols; ++x) {
      if (std::isnan(row[x])) {
        ThrowError("{}: the depth map has NaN values", path.string());
      }
      if (!(row[x] > 0) || std::isinf(row[x])) row[x] = inf;
    }
  }
  return z;
}

cv::Mat LoadEffectDepth(const fs::path& path, cv::Size size,
                        const std::string& kind) {
  if (kind == "depth") {
    // Z to disparity; infinity (Z <= 0 or infinite) is disparity 0.
    cv::Mat disparity = LoadMetricDepth(path, size);
    for (int y = 0; y < disparity.rows; ++y) {
      float* d = disparity.ptr<float>(y);
      for (int x = 0; x < disparity.cols; ++x) d[x] = 1.0f / d[x];
    }
    return disparity;
  }
  cv::Mat map = ReadMapOfSize(path, size);
  if (!cv::checkRange(map)) {
    ThrowError("{}: the depth map has NaN or infinite values", path.string());
  }
  return map;
}

cv::Mat EffectDepth::For(const cv::Mat& image, const fs::path& given) {
  if (!given.empty()) {
    estimated_ = false;
    return LoadEffectDepth(given, image.size(), options_.kind);
  }
  estimated_ = true;
  UpsampleOptions upsample;
  upsample.method = ParseUpsampleMethod(options_.upsample);
  return EstimateDisparity(predictor(), image, upsample);
}

}  // namespace parallax
