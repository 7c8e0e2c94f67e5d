#include "parallax/infer/temporal_stabilizer.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "parallax/infer/resample.h"
#include "parallax/infer/scale_match.h"
#include "parallax/infer/warp_blend.h"
#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {
namespace {

// `image` resampled to `size`: area-like when shrinking, bilinear otherwise.
cv::Mat ResizeTo(const cv::Mat& image, cv::Size size) {
  if (image.size() == size) return image;
  if (image.cols >= size.width && image.rows >= size.height) {
    return FastAreaDownsample(image, size);
  }
  cv::Mat out;
  cv::resize(image, out, size, 0, 0, cv::INTER_LINEAR);
  return out;
}

// 1 where value <= low, 0 where value >= high, linear between.
cv::Mat Trust(const cv::Mat& value, double low, double high) {
  cv::Mat trust;
  value.convertTo(trust, CV_32F, -1.0 / (high - low), high / (high - low));
  cv::min(cv::max(trust, 0.0), 1.0, trust);
  return trust;
}

}  // namespace

TemporalMode ParseTemporalMode(std::string_view name) {
  const std::string lower = ToLower(name);
  if (lower == "off") return TemporalMode::kOff;
  if (lower == "ema" || lower == "exponential") {
    return TemporalMode::kExponential;
  }
  if (lower == "flow") return TemporalMode::kFlow;
  ThrowError("unknown temporal mode '{}' (expected off, ema or flow)", name);
}

std::string_view TemporalModeName(TemporalMode mode) {
  switch (mode) {
    case TemporalMode::kOff:
      return "off";
    case TemporalMode::kExponential:
      return "ema";
    case TemporalMode::kFlow:
      return "flow";
  }
  return "?";
}

bool TemporalStabilizerOptions::Check() const {
  return strength >= 0.0 && strength < 1.0 && flow_width >= 16 &&
         photo_error_low >= 0.0 && photo_error_high > photo_error_low &&
         disparity_change_low >= 0.0 &&
         disparity_change_high > disparity_change_low &&
         scale_match_strength >= 0.0 && scale_match_strength <= 1.0 &&
         scene_cut.Check();
}

TemporalStabilizer::TemporalStabilizer(const TemporalStabilizerOptions& options)
    : options_(options), scene_cut_(options.scene_cut) {
  THROW_CHECK(options_.Check());
  if (options_.mode == TemporalMode::kFlow) {
    // ULTRAFAST: ~2 ms less than FAST at 480x270 and as good here (same
    // flicker and ghosting in temporal_stabilizer_test), because every flow
    // error that matters fails the photometric check and is not blended.
    flow_ = cv::DISOpticalFlow::create(cv::DISOpticalFlow::PRESET_ULTRAFAST);
  }
}

void TemporalStabilizer::Reset() {
  scene_cut_.Reset();
  previous_output_.release();
  previous_output_small_.release();
  previous_gray_small_.release();
  frame_size_ = {};
  last_was_scene_cut_ = false;
  last_trusted_fraction_ = 0.0;
  last_scale_ = 1.0;
  last_shift_ = 0.0;
}

cv::Mat TemporalStabilizer::Process(const cv::Mat& frame_bgr,
                                    const cv::Mat& disp) {
  THROW_CHECK_MSG(
      (frame_bgr.type() == CV_8UC3 || frame_bgr.type() == CV_8UC1) &&
          !frame_bgr.empty(),
      "frame must be a non-empty CV_8UC3 or CV_8UC1, got {}",
      cv::typeToString(frame_bgr.type()));
  THROW_CHECK_MSG(disp.type() == CV_32FC1 && !disp.empty(),
                  "disparity must be a non-empty CV_32FC1, got {}",
                  cv::typeToString(disp.type()));
  // A NaN would stay in the history for good. (The sum is finite iff every
  // value is; 10x cheaper than cv::checkRange at 1080p.)
  THROW_CHECK_MSG(std::isfinite(cv::sum(disp)[0]),
                  "disparity has NaN or Inf values");

  cv::Mat gray = frame_bgr;
  if (gray.channels() == 3) cv::cvtColor(frame_bgr, gray, cv::COLOR_BGR2GRAY);
  const int flow_width = std::min(options_.flow_width, gray.cols);
  const cv::Size flow_size(
      flow_width,
      std::clamp(int(std::lround(double(gray.rows) * flow_width / gray.cols)),
                 1, gray.rows));
  const cv::Mat gray_small = FastAreaDownsample(gray, flow_size);

  last_was_scene_cut_ = scene_cut_.Update(gray_small);
  last_trusted_fraction_ = 0.0;
  last_scale_ = 1.0;
  last_shift_ = 0.0;
  const bool reset = last_was_scene_cut_ || previous_output_.empty() ||
                     disp.size() != previous_output_.size() ||
                     frame_bgr.size() != frame_size_;
  cv::Mat out;
  if (options_.mode == TemporalMode::kOff || reset) {
    out = disp.clone();
    if (options_.mode == TemporalMode::kFlow) {
      previous_output_small_ = ResizeTo(disp, flow_size).clone();
    }
  } else if (options_.mode == TemporalMode::kExponential) {
    cv::addWeighted(disp, 1.0 - options_.strength, previous_output_,
                    options_.strength, 0.0, out);
  } else {
    out = ProcessFlow(gray_small, disp);
  }
  previous_output_ = out;
  previous_gray_small_ = gray_small.clone();
  frame_size_ = frame_bgr.size();
  return out;
}

cv::Mat TemporalStabilizer::ProcessFlow(const cv::Mat& gray_small,
                                        const cv::Mat& disp) {
  const cv::Size size = gray_small.size();
  // cur(x) ~ prev(x + flow(x)).
  cv::Mat flow;
  flow_->calc(gray_small, previous_gray_small_, flow);
  cv::Mat map(size, CV_32FC2), inside(size, CV_8UC1);
  for (int y = 0; y < size.height; ++y) {
    const cv::Vec2f* f = flow.ptr<cv::Vec2f>(y);
    cv::Vec2f* m = map.ptr<cv::Vec2f>(y);
    uchar* in = inside.ptr<uchar>(y);
    for (int x = 0; x < size.width; ++x) {
      const float px = x + f[x][0], py = y + f[x][1];
      m[x] = {px, py};
      in[x] = px >= 0.f && py >= 0.f && px <= size.width - 1 &&
              py <= size.height - 1;
    }
  }

  // Photometric check of the flow: occlusions, disocclusions and objects the
  // flow got wrong do not match the previous frame.
  cv::Mat warped_gray, error;
  cv::remap(previous_gray_small_, warped_gray, map, cv::noArray(),
            cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  cv::absdiff(gray_small, warped_gray, error);
  error.convertTo(error, CV_32F);
  cv::blur(error, error, cv::Size(3, 3));
  cv::Mat trust =
      Trust(error, options_.photo_error_low, options_.photo_error_high);
  trust.setTo(0.f, inside == 0);

  const cv::Mat current_small = ResizeTo(disp, size);
  cv::Mat warped_small;
  cv::remap(previous_output_small_, warped_small, map, cv::noArray(),
            cv::INTER_LINEAR, cv::BORDER_REPLICATE);

  double scale = 1.0, shift = 0.0;
  if (options_.scale_match_strength > 0.0) {
    // Every 2nd row and column: ~30k samples at 480x270.
    const ScaleShift fit =
        FitScaleShift(current_small, warped_small, trust > 0.5f,
                      int(0.05 * double(size.area()) / 4), /*stride=*/2);
    // A fit far from 1 is no drift but a failure (or a cut we missed).
    if (fit.valid && fit.scale > 0.5 && fit.scale < 2.0) {
      scale = 1.0 + options_.scale_match_strength * (fit.scale - 1.0);
      shift = options_.scale_match_strength * fit.shift;
    }
  }
  cv::Mat aligned_small;
  current_small.convertTo(aligned_small, CV_32F, scale, shift);

  // Disparity check: relative to the frame's mean |disparity| so that it
  // works for signed (converging-rig) disparity too.
  const double level =
      cv::norm(aligned_small, cv::NORM_L1) / double(aligned_small.total()) +
      1e-6;
  cv::Mat change;
  cv::absdiff(warped_small, aligned_small, change);
  trust = trust.mul(Trust(change, options_.disparity_change_low * level,
                          options_.disparity_change_high * level));

  const cv::Mat weight = trust * options_.strength;
  last_trusted_fraction_ =
      double(cv::countNonZero(trust > 0.5f)) / double(size.area());
  last_scale_ = scale;
  last_shift_ = shift;

  cv::Mat out = WarpBlend(previous_output_, disp, flow, weight, scale, shift);
  // The history at flow size, by the same blend at that size (cheaper and
  // smoother than downsampling `out`).
  previous_output_small_ =
      aligned_small + weight.mul(warped_small - aligned_small);
  return out;
}

}  // namespace parallax
