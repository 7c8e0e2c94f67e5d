#include "parallax/effects/composite.h"

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "parallax/effects/focus.h"
#include "parallax/effects/linear_light.h"
#include "parallax/util/check.h"

namespace parallax {

void CompositeOptions::Check() const {
  if (!std::isfinite(fg_offset)) ThrowError("--fg-offset must be finite");
  if (!(softness >= 0 && std::isfinite(softness))) {
    ThrowError("--softness must be >= 0, got {}", softness);
  }
  if (!(feather >= 0 && feather <= 200)) {
    ThrowError("--feather must be in 0..200 pixels, got {}", feather);
  }
}

cv::Mat CompositeWeight(const cv::Mat& fg_disparity,
                        const cv::Mat& bg_disparity, const cv::Mat& fg_alpha,
                        const CompositeOptions& options) {
  options.Check();
  CheckDisparityMap(fg_disparity, fg_disparity.size());
  CheckDisparityMap(bg_disparity, fg_disparity.size());
  if (!fg_alpha.empty() &&
      (fg_alpha.type() != CV_32FC1 || fg_alpha.size() != fg_disparity.size())) {
    ThrowError("composite: the foreground alpha is {}x{} but the layer {}x{}",
               fg_alpha.cols, fg_alpha.rows, fg_disparity.cols,
               fg_disparity.rows);
  }
  cv::Mat weight(fg_disparity.size(), CV_32F);
  const float offset = static_cast<float>(options.fg_offset);
  const float softness = static_cast<float>(options.softness);
  for (int y = 0; y < weight.rows; ++y) {
    const float* f = fg_disparity.ptr<float>(y);
    const float* b = bg_disparity.ptr<float>(y);
    float* w = weight.ptr<float>(y);
    for (int x = 0; x < weight.cols; ++x) {
      const float lead = f[x] + offset - b[x];  // > 0: foreground nearer
      float v = 0;
      if (softness > 0) {
        v = std::clamp(0.5f + lead / softness, 0.0f, 1.0f);
      } else {
        v = lead > 0 ? 1.0f : 0.0f;
      }
      w[x] = v;
    }
  }
  if (options.feather > 0) {
    cv::GaussianBlur(weight, weight, cv::Size(0, 0), options.feather);
  }
  // Alpha after feathering: the layer's own matte edges stay as they are.
  if (!fg_alpha.empty()) {
    cv::Mat alpha;
    cv::min(cv::max(fg_alpha, 0.0), 1.0, alpha);
    weight = weight.mul(alpha);
  }
  return weight;
}

cv::Mat DepthComposite(const cv::Mat& fg, const cv::Mat& fg_disparity,
                       const cv::Mat& fg_alpha, const cv::Mat& bg,
                       const cv::Mat& bg_disparity,
                       const CompositeOptions& options) {
  if (fg.size() != bg.size()) {
    ThrowError("composite: the foreground is {}x{} but the background {}x{}",
               fg.cols, fg.rows, bg.cols, bg.rows);
  }
  CheckDisparityMap(fg_disparity, fg.size());
  CheckDisparityMap(bg_disparity, bg.size());
  const cv::Mat weight =
      CompositeWeight(fg_disparity, bg_disparity, fg_alpha, options);
  const cv::Mat a = SrgbToLinear(fg), b = SrgbToLinear(bg);
  cv::Mat out(a.size(), CV_32FC3);
  for (int y = 0; y < out.rows; ++y) {
    const cv::Vec3f* pa = a.ptr<cv::Vec3f>(y);
    const cv::Vec3f* pb = b.ptr<cv::Vec3f>(y);
    const float* w = weight.ptr<float>(y);
    cv::Vec3f* o = out.ptr<cv::Vec3f>(y);
    for (int x = 0; x < out.cols; ++x) o[x] = pb[x] + (pa[x] - pb[x]) * w[x];
  }
  const int depth =
      fg.depth() == CV_16U || bg.depth() == CV_16U ? CV_16U : CV_8U;
  return LinearToSrgb(out, depth);
}

}  // namespace parallax
