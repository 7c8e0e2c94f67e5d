#include "parallax/infer/flicker.h"

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "parallax/infer/resample.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

struct RowSums {
  float change = 0.f, level = 0.f, count = 0.f;
};

// Sums over one row's static pixels (gray change below `threshold`),
// branch-free and in 8 interleaved partial sums so that GCC vectorises it
// (a plain float reduction would need -ffast-math).
PARALLAX_SIMD_CLONES RowSums AccumulateRow(int width, float threshold,
                                           const uchar* __restrict diff,
                                           const float* __restrict d,
                                           const float* __restrict pd) {
  constexpr int kLanes = 8;
  float change[kLanes] = {}, level[kLanes] = {}, count[kLanes] = {};
  const int whole = width / kLanes * kLanes;
  for (int x0 = 0; x0 < whole; x0 += kLanes) {
    for (int k = 0; k < kLanes; ++k) {
      const int x = x0 + k;
      const float is_static = float(diff[x]) < threshold ? 1.f : 0.f;
      change[k] += is_static * std::abs(d[x] - pd[x]);
      level[k] += is_static * 0.5f * (std::abs(d[x]) + std::abs(pd[x]));
      count[k] += is_static;
    }
  }
  RowSums sums;
  for (int x = whole; x < width; ++x) {
    const float is_static = float(diff[x]) < threshold ? 1.f : 0.f;
    sums.change += is_static * std::abs(d[x] - pd[x]);
    sums.level += is_static * 0.5f * (std::abs(d[x]) + std::abs(pd[x]));
    sums.count += is_static;
  }
  for (int k = 0; k < kLanes; ++k) {
    sums.change += change[k];
    sums.level += level[k];
    sums.count += count[k];
  }
  return sums;
}

}  // namespace

bool FlickerOptions::Check() const {
  return static_threshold > 0.0 && blur_sigma >= 0.0 && scene_cut.Check();
}

FlickerMeter::FlickerMeter(const FlickerOptions& options)
    : options_(options), scene_cut_(options.scene_cut) {
  THROW_CHECK(options_.Check());
}

void FlickerMeter::Reset() {
  scene_cut_.Reset();
  previous_gray_.release();
  previous_disp_.release();
  sum_abs_change_ = sum_abs_disp_ = 0.0;
  static_pixels_ = 0;
  pairs_ = scene_cuts_ = 0;
}

double FlickerMeter::mean_abs_change() const {
  return static_pixels_ > 0 ? sum_abs_change_ / double(static_pixels_) : 0.0;
}

double FlickerMeter::relative_change() const {
  return sum_abs_disp_ > 0.0 ? sum_abs_change_ / sum_abs_disp_ : 0.0;
}

void FlickerMeter::Add(const cv::Mat& frame, const cv::Mat& disp) {
  THROW_CHECK_MSG(
      (frame.type() == CV_8UC3 || frame.type() == CV_8UC1) && !frame.empty(),
      "frame must be a non-empty CV_8UC3 or CV_8UC1, got {}",
      cv::typeToString(frame.type()));
  THROW_CHECK_MSG(disp.type() == CV_32FC1 && !disp.empty(),
                  "disparity must be a non-empty CV_32FC1, got {}",
                  cv::typeToString(disp.type()));
  cv::Mat gray = frame;
  if (gray.channels() == 3) cv::cvtColor(frame, gray, cv::COLOR_BGR2GRAY);
  const bool cut = options_.detect_scene_cuts && scene_cut_.Update(gray);
  if (gray.size() != disp.size()) {
    if (gray.cols >= disp.cols && gray.rows >= disp.rows) {
      gray = FastAreaDownsample(gray, disp.size());
    } else {
      cv::resize(gray, gray, disp.size(), 0, 0, cv::INTER_LINEAR);
    }
  }
  // 8-bit blur (SIMD); its rounding is far below the 2-level threshold's
  // meaning.
  if (options_.blur_sigma > 0.0) {
    cv::GaussianBlur(gray, gray, cv::Size(0, 0), options_.blur_sigma);
  } else if (gray.data == frame.data) {
    gray = gray.clone();
  }

  const bool chained =
      !previous_disp_.empty() && previous_disp_.size() == disp.size();
  if (chained && cut) ++scene_cuts_;
  if (chained && !cut) {
    ++pairs_;
    cv::Mat diff;
    cv::absdiff(gray, previous_gray_, diff);
    const float threshold = float(options_.static_threshold);
    for (int y = 0; y < disp.rows; ++y) {
      const RowSums sums =
          AccumulateRow(disp.cols, threshold, diff.ptr<uchar>(y),
                        disp.ptr<float>(y), previous_disp_.ptr<float>(y));
      sum_abs_change_ += sums.change;
      sum_abs_disp_ += sums.level;
      static_pixels_ += int64_t(sums.count);
    }
  }
  previous_gray_ = gray;
  previous_disp_ = disp.clone();
}

}  // namespace parallax
