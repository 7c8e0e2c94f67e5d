// A flicker metric for depth video: how much the disparity of content that
// does not move changes from frame to frame. A perfect depth video has ~0
// there; a per-frame network typically shows a few percent.
#pragma once

#include <cstdint>

#include <opencv2/core.hpp>

#include "parallax/infer/scene_cut.h"

namespace parallax {

struct FlickerOptions {
  // A pixel is static between two frames when its gray value (0..255, after
  // a Gaussian blur of `blur_sigma` pixels against noise) changes by less
  // than this. 2 levels = 2/255.
  double static_threshold = 2.0;
  double blur_sigma = 1.0;  // 0 = no blur
  // Pairs of frames across a scene cut are skipped.
  bool detect_scene_cuts = true;
  SceneCutOptions scene_cut;

  bool Check() const;
};

// Accumulates over a video, frame by frame:
//   mean_abs_change = sum |d_t - d_t-1| / N
//   relative_change = sum |d_t - d_t-1| / sum (|d_t| + |d_t-1|) / 2
// over the N static pixels of all consecutive pairs.
class FlickerMeter {
 public:
  explicit FlickerMeter(const FlickerOptions& options = {});

  // frame: 8-bit BGR or gray. disp: CV_32FC1, any size (the frame is
  // resampled to it); a change of size starts a new pair chain.
  void Add(const cv::Mat& frame, const cv::Mat& disp);
  void Reset();

  double mean_abs_change() const;  // pixels; 0 when nothing was measured
  double relative_change() const;  // fraction (x100 for %)
  int64_t static_pixels() const { return static_pixels_; }
  int pairs() const { return pairs_; }
  int scene_cuts() const { return scene_cuts_; }

 private:
  FlickerOptions options_;
  SceneCutDetector scene_cut_;
  cv::Mat previous_gray_;  // 8-bit, blurred, at disparity size
  cv::Mat previous_disp_;
  double sum_abs_change_ = 0.0;
  double sum_abs_disp_ = 0.0;
  int64_t static_pixels_ = 0;
  int pairs_ = 0;
  int scene_cuts_ = 0;
};

}  // namespace parallax
