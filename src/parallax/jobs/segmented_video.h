// A video-to-video job (depth, stereo, defocus) that survives a crash: the
// frames are encoded in closed segments inside a hidden parts folder beside
// the output (".<name>.parts/") and joined, with the source's audio and
// subtitles, at the end. Killed at any point (Ctrl-C, kill -9, power loss),
// the same job with `resume` continues at the first unfinished segment and
// gives the very bytes an uninterrupted run gives.
//
// That equality is built in, not hoped for: every segment starts a fresh
// depth stabiliser and a fresh FrameRenderer state, both fed the
// `warmup_frames` frames before the segment (predicted, not written), in an
// uninterrupted run exactly as in a resumed one. State that must span the
// whole video (a focus fixed at the first frame) is carried in the parts
// folder (FrameRenderer::Carry).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <opencv2/core.hpp>

#include "parallax/infer/depth_estimator.h"
#include "parallax/io/image_io.h"
#include "parallax/io/video_position.h"
#include "parallax/io/video_writer.h"
#include "parallax/jobs/job_control.h"

namespace parallax {

// What a job does with each frame's depth.
class FrameRenderer {
 public:
  virtual ~FrameRenderer() = default;
  // The size of the frames written, for input frames of `input`.
  virtual cv::Size OutputSize(cv::Size input) const { return input; }
  // A segment starts: forget what earlier frames taught (ranges, focus).
  virtual void Reset() = 0;
  // Every frame in order, warm-up frames included: update that state.
  virtual void Observe(DepthFrame& frame) = 0;
  // A frame to write, after Observe().
  virtual cv::Mat Render(DepthFrame& frame) = 0;
  // State that outlives Reset() (empty: none), saved with each finished
  // segment and handed back by Restore() when a resumed run starts.
  virtual std::string Carry() const { return {}; }
  virtual void Restore(const std::string& /*carried*/) {}
};

struct SegmentedVideoOptions {
  std::filesystem::path output;  // a video file
  VideoEncodeOptions encode;     // codec, stereo tag, metadata
  SequenceDepthOptions sequence;
  std::optional<VideoPosition> start, end;  // frame range of the input
  bool conceal_errors = false;
  // What the job needs per frame pixel, checked when the input is opened;
  // the warm-up frames kept in memory are added.
  ImageLimits frame_limits;
  // Continue the parts of an interrupted run with the same settings;
  // otherwise they are discarded and the job starts over.
  bool resume = false;
  int64_t segment_frames = 480;
  int64_t warmup_frames = 24;
  // Everything else that changes the frames (the job's render settings, the
  // model and predictor): a resume with other settings is refused, since
  // it would join two different conversions.
  std::string settings;
  // Send progress (frames read, of those expected) to the JobControl.
  bool show_progress = true;
  // After each frame written, with the count written so far (called from
  // the encoding thread when pipelined).
  std::function<void(int64_t)> on_frame;
  // Decoding, depth, rendering and encoding run at once on their own
  // threads, a few frames apart; false runs them one after another on the
  // calling thread. The bytes are the same either way.
  bool pipelined = true;
};

struct SegmentedVideoReport {
  int64_t frames = 0;  // written by this run
  // Where the time went: decoding, network with upsampling and
  // stabilisation, the renderer, encoding and joining; each stage's busy
  // time (pipelined, the stages overlap: these add up to more than the
  // wall time).
  double decode_s = 0, depth_s = 0, render_s = 0, encode_s = 0;
  // Flicker of the last stabiliser that measured one (< 0: none).
  double raw_flicker = -1, stabilized_flicker = -1;
};

// Throws parallax::Error (the parts stay for a resume; a damaged input
// still gets a file holding everything before the damage, then the error)
// and parallax::Cancelled (from `control`).
SegmentedVideoReport RunSegmentedVideo(const std::filesystem::path& input,
                                       Predictor& predictor,
                                       FrameRenderer& renderer,
                                       const SegmentedVideoOptions& options,
                                       const JobControl& control = {});

// The parts folder of an output video.
std::filesystem::path VideoPartsFolder(const std::filesystem::path& output);

// `settings` naming a model file (its absolute path and size).
std::string ModelFileSettings(const std::filesystem::path& model);
// `settings` for the predictor's options that change its output.
std::string PredictorSettings(const PredictorOptions& options);

// Runs `action`, adding the seconds it takes to `*total` (also when it
// throws), and returns its result.
template <typename Action>
auto Timed(double* total, Action&& action) {
  struct AddOnExit {
    double* total;
    std::chrono::steady_clock::time_point start;
    ~AddOnExit() {
      *total += std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                              start)
                    .count();
    }
  } add{total, std::chrono::steady_clock::now()};
  return action();
}

}  // namespace parallax
