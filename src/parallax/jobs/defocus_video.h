// `parallax defocus` on a video: depth per frame through the stabilised
// sequence estimator, the focus fixed at the first frame's depth or
// tracking the depth under the focus pixel, audio and subtitles copied;
// resumable segment by segment (jobs/segmented_video.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "parallax/effects/defocus_render.h"
#include "parallax/infer/edge_aware_upsample.h"
#include "parallax/infer/predictor.h"
#include "parallax/io/video_writer.h"
#include "parallax/jobs/job_control.h"

namespace parallax {

struct DefocusVideoOptions {
  // The focus follows the depth under the focus pixel (smoothed over a few
  // frames so it does not hunt); otherwise the first frame's focus depth
  // holds for the whole video.
  bool track = false;
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

// Writes `output` (a video file) atomically; throws parallax::Error or
// parallax::Cancelled (nothing is left at `output` then).
void DefocusVideo(const std::filesystem::path& input,
                  const std::filesystem::path& output,
                  const DefocusSettings& settings, Predictor& predictor,
                  const DefocusVideoOptions& options,
                  const JobControl& control = {});

}  // namespace parallax
