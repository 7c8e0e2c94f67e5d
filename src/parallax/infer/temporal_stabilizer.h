// Temporal stabilisation of per-frame disparity predictions for video.
//
// A monocular network predicts every frame on its own, so its output
// flickers: the global scale drifts from frame to frame and textures shimmer.
// The stabiliser blends each prediction with the previous *output* where the
// previous output is known to be right for the current frame, so static
// content is smoothed while moving content, disocclusions and new shots
// follow the current prediction.
//
// Where to run it: preferably on the network-resolution disparity, before
// edge-aware upsampling. The upsampling is guided by the frame, which is
// itself steady where the scene is, so a steady low-resolution map stays
// steady at full resolution; the stabiliser then costs ~8 ms per 1080p frame
// instead of ~12-13 ms with a 1080p map (postprocess_benchmark, 2 cores).
// Both work.
#pragma once

#include <string_view>

#include <opencv2/core.hpp>
#include <opencv2/video.hpp>

#include "parallax/infer/scene_cut.h"

namespace parallax {

enum class TemporalMode {
  kOff,          // every frame as predicted
  kExponential,  // per-pixel exponential moving average; ghosts on motion
  kFlow,         // motion-compensated, confidence-weighted blending (default)
};
// "off", "ema" (or "exponential"), "flow"; throws parallax::Error.
TemporalMode ParseTemporalMode(std::string_view name);
std::string_view TemporalModeName(TemporalMode mode);

struct TemporalStabilizerOptions {
  TemporalMode mode = TemporalMode::kFlow;
  // --temporal-strength: the weight of the history where it is trusted, in
  // [0, 1). 0.7 lowers flicker of static content ~4x (for independent
  // per-frame errors the frame-to-frame change of an EMA is
  // (1 - a) sqrt(2 / (1 + a)) / sqrt(2) of the raw one) while a real change
  // settles within a few frames.
  double strength = 0.7;

  // kFlow: optic flow (OpenCV DIS) is computed from the current to the
  // previous frame on gray frames reduced to at most this width (480: 1/4
  // of 1080p, where DIS takes a few ms and still tracks large objects).
  int flow_width = 480;
  // kFlow: the history is fully trusted where the photometric error of the
  // flow-warped previous frame (8-bit levels, 3x3 mean) is below `low` and
  // not at all above `high`: occlusions, disocclusions and flow failures on
  // moving objects then follow the current prediction.
  double photo_error_low = 6.0;
  double photo_error_high = 20.0;
  // kFlow: the same for the disagreement of the warped history with the
  // (scale-matched) current prediction, relative to the frame's mean
  // |disparity|: a real depth change the image hardly shows (an object
  // moving in front of a similar background) is not smoothed away.
  double disparity_change_low = 0.1;
  double disparity_change_high = 0.3;
  // kFlow: before blending, fit disp_warped_history ~ s * disp + t on the
  // trusted pixels (least squares, one trimmed refit) and move the current
  // prediction that fraction of the way towards the fit. This removes the
  // network's per-frame scale drift also on the pixels that are not blended
  // (moving objects), which would otherwise flicker against a stabilised
  // background. Below 1 so that real global changes (a dolly-in) still pass
  // through, with the history's lag. 0 turns matching off.
  double scale_match_strength = 0.5;

  SceneCutOptions scene_cut;

  bool Check() const;
};

// One per video stream (it keeps the previous frame); not thread-safe.
class TemporalStabilizer {
 public:
  explicit TemporalStabilizer(const TemporalStabilizerOptions& options = {});

  // frame_bgr: the video frame (CV_8UC3, or CV_8UC1). disp: the network's
  // disparity for it (CV_32FC1, any size: network or frame resolution).
  // Returns the stabilised disparity, CV_32FC1 of disp.size(). The first
  // frame, a scene cut and a change of frame or disparity size reset the
  // history and return the prediction unchanged.
  cv::Mat Process(const cv::Mat& frame_bgr, const cv::Mat& disp);
  void Reset();

  bool last_was_scene_cut() const { return last_was_scene_cut_; }
  // kFlow diagnostics of the last frame: the fraction of pixels whose history
  // weight is above half the strength, and the scale/shift applied to the
  // prediction by scale matching (1, 0 when none).
  double last_trusted_fraction() const { return last_trusted_fraction_; }
  double last_scale() const { return last_scale_; }
  double last_shift() const { return last_shift_; }

 private:
  cv::Mat ProcessFlow(const cv::Mat& gray_small, const cv::Mat& disp);

  TemporalStabilizerOptions options_;
  SceneCutDetector scene_cut_;
  cv::Ptr<cv::DISOpticalFlow> flow_;
  cv::Mat previous_output_;        // disp size
  cv::Mat previous_output_small_;  // flow size, kFlow only
  cv::Mat previous_gray_small_;    // flow size
  cv::Size frame_size_;
  bool last_was_scene_cut_ = false;
  double last_trusted_fraction_ = 0.0;
  double last_scale_ = 1.0;
  double last_shift_ = 0.0;
};

}  // namespace parallax
