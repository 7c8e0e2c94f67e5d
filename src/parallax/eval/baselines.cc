#include "parallax/eval/baselines.h"

#include "parallax/io/image_io.h"
#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {

Baseline ParseBaseline(std::string_view text) {
  const std::string lower = ToLower(text);
  if (lower == "constant") return Baseline::kConstant;
  if (lower == "vertical-gradient") return Baseline::kVerticalGradient;
  ThrowError("--baseline must be constant or vertical-gradient, got '{}'",
             text);
}

std::string ToString(Baseline baseline) {
  return baseline == Baseline::kConstant ? "constant" : "vertical-gradient";
}

cv::Mat BaselineDisparity(Baseline baseline, cv::Size size) {
  cv::Mat disparity(size, CV_32FC1, cv::Scalar(1));
  if (baseline == Baseline::kVerticalGradient) {
    for (int y = 0; y < disparity.rows; ++y) {
      disparity.row(y).setTo(static_cast<float>(y));
    }
  }
  return disparity;
}

PredictFn MakeBaselinePredictor(Baseline baseline) {
  return [baseline](const EvalScene& scene) {
    const ImageInfo info = ProbeImage(scene.left);
    return Prediction(BaselineDisparity(baseline, {info.width, info.height}),
                      PredictionKind::kDisparity, /*relative=*/true,
                      "baseline " + ToString(baseline));
  };
}

}  // namespace parallax
