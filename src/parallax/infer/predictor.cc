#include "parallax/infer/predictor.h"

#include <opencv2/imgproc.hpp>

#include "parallax/infer/network_module.h"
#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {

Precision ParsePrecision(const std::string& name) {
  const std::string lower = ToLower(name);
  if (lower == "auto") return Precision::kAuto;
  if (lower == "fp32" || lower == "float32") return Precision::kFloat32;
  if (lower == "bf16" || lower == "bfloat16") return Precision::kBFloat16;
  if (lower == "fp16" || lower == "float16") return Precision::kFloat16;
  ThrowError("unknown precision '{}' (choose auto, fp32, bf16 or fp16)", name);
}

std::string ToString(Precision precision) {
  switch (precision) {
    case Precision::kAuto:
      return "auto";
    case Precision::kFloat32:
      return "fp32";
    case Precision::kBFloat16:
      return "bf16";
    case Precision::kFloat16:
      return "fp16";
  }
  return "?";
}

void PredictorOptions::Check() const {
  if (batch < 1) ThrowError("--batch must be at least 1, not {}", batch);
  if (target_pixels < 0) ThrowError("network size must be positive");
  if (threads < 0) ThrowError("threads must be >= 0, not {}", threads);
  if (net_short_side < 0 || net_short_side > 8192) {
    ThrowError("network short side must be in 1..8192, not {}", net_short_side);
  }
}

double UnitScale(const cv::Mat& image) {
  switch (image.depth()) {
    case CV_8U:
      return 1.0 / 255.0;
    case CV_16U:
      return 1.0 / 65535.0;
    default:
      ThrowError("images must be 8- or 16-bit for depth prediction, not {}",
                 cv::typeToString(image.type()));
  }
}

cv::Mat ToRgbChannels(const cv::Mat& image) {
  cv::Mat rgb;
  switch (image.channels()) {
    case 1:
      cv::cvtColor(image, rgb, cv::COLOR_GRAY2RGB);
      break;
    case 3:
      cv::cvtColor(image, rgb, cv::COLOR_BGR2RGB);
      break;
    case 4:
      cv::cvtColor(image, rgb, cv::COLOR_BGRA2RGB);
      break;
    default:
      ThrowError("images must have 1, 3 or 4 channels, not {}",
                 image.channels());
  }
  return rgb;
}

cv::Mat ToRgbFloat(const cv::Mat& image) {
  if (image.empty()) ThrowError("empty image");
  const double scale = UnitScale(image);
  cv::Mat result;
  ToRgbChannels(image).convertTo(result, CV_32F, scale);
  return result;
}

Predictor::Predictor(const std::filesystem::path& model,
                     const PredictorOptions& options) {
  options.Check();
  impl_ = NetworkModule().make_predictor(model, options);
}

Predictor::~Predictor() = default;

const ModelConfig& Predictor::config() const { return impl_->config(); }
const PredictorModelInfo& Predictor::model_info() const {
  return impl_->model_info();
}
const PredictorOptions& Predictor::options() const { return impl_->options(); }
std::string Predictor::device() const { return impl_->device(); }

std::string Predictor::Describe(const std::string& model_path) const {
  return impl_->Describe(model_path);
}

NetworkGeometry Predictor::Geometry(cv::Size input) const {
  return impl_->Geometry(input);
}

DepthPrediction Predictor::Predict(const PredictorInput& input) {
  return PredictBatch({input}).front();
}

std::vector<DepthPrediction> Predictor::PredictBatch(
    const std::vector<PredictorInput>& inputs) {
  return impl_->PredictBatch(inputs);
}

}  // namespace parallax
