// An effect over a video (`parallax defocus`, `fog`): depth per frame
// through the stabilised sequence estimator, a FrameRenderer per frame,
// audio and subtitles copied; resumable segment by segment
// (jobs/segmented_video.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "parallax/infer/edge_aware_upsample.h"
#include "parallax/infer/predictor.h"
#include "parallax/io/video_writer.h"
#include "parallax/jobs/job_control.h"
#include "parallax/jobs/segmented_video.h"

namespace parallax {

struct EffectVideoOptions {
  UpsampleOptions upsample;  // network depth to frame size
  VideoEncodeOptions encode;
  bool show_progress = true;
  // Continue the segments of an interrupted run (jobs/segmented_video.h).
  bool resume = false;
  int64_t segment_frames = 480;
  int64_t warmup_frames = 24;
  // Names the model for resume checks (ModelFileSettings).
  std::string model_id;
  // After each frame written, with the count so far (tests, GUIs).
  std::function<void(int64_t)> on_frame;
};

// What one effect brings to RunEffectVideo.
struct VideoEffect {
  const char* job;  // "defocus": names the memory budget's job
  double bytes_per_pixel;
  // Every setting of `renderer` that changes the frames (resume checks).
  std::string settings;
};

// Writes `output` (a video file) atomically; throws parallax::Error (an
// OptionError for an output that is not a video) or parallax::Cancelled
// (nothing is left at `output` then).
SegmentedVideoReport RunEffectVideo(
    const std::filesystem::path& input, const std::filesystem::path& output,
    const VideoEffect& effect, FrameRenderer& renderer, Predictor& predictor,
    const EffectVideoOptions& options, const JobControl& control);

}  // namespace parallax
