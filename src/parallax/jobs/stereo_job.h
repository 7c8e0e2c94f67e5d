// The work of `parallax stereo` once its flags are parsed: every input
// (photos, videos, image sequences) to a stereo 3D output. Disparity comes
// from the network, or for a single photo from a given file.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

#include "parallax/infer/depth_estimator.h"
#include "parallax/io/video_position.h"
#include "parallax/io/video_writer.h"
#include "parallax/jobs/job_control.h"
#include "parallax/jobs/media_inputs.h"
#include "parallax/jobs/media_job.h"
#include "parallax/jobs/segmented_video.h"
#include "parallax/stereo/stereo_render.h"

namespace parallax {

// StereoRenderOptions::edge_sharpen_radius of a StereoJobOptions: sharpen
// the network's depth edges (3 px) and leave a given exact map alone (0).
inline constexpr int kAutoEdgeSharpen = -1;

struct StereoJobOptions : MediaJobOptions {
  StereoJobOptions() {
    render.edge_sharpen_radius = kAutoEdgeSharpen;
    // Longer segments than depth's: the warm-up also settles the disparity
    // range that places the scene in front of and behind the screen.
    segment_frames = 480;
    warmup_frames = 24;
  }

  // Throws OptionError for settings that contradict each other (a Deep3D
  // render from a given map, pixel disparity from the network).
  void Check() const;
  // `render` with the automatic choices made.
  StereoRenderOptions ResolvedRender() const;

  StereoRenderOptions render;
  // A given disparity map for the (single) photo instead of the network.
  std::filesystem::path disparity_file;
};

struct StereoJobReport {
  int64_t images = 0, frames = 0;
  double seconds = 0;
  // Where the time of video frames went (seconds, summed over videos):
  // decoding, the network with upsampling and stabilisation, view synthesis
  // and layout, encoding and muxing.
  double decode_s = 0, depth_s = 0, synthesis_s = 0, encode_s = 0;
  std::vector<std::string> failures;  // "input: reason"
};

// The stereo tag players read for a layout (none for anaglyph and views).
StereoTag ContainerStereoTag(StereoLayout layout);

// `predictor` may be null when every input has its disparity given.
// Throws parallax::Error for problems with the whole job and
// parallax::Cancelled on Ctrl-C.
StereoJobReport RunStereoJob(const std::vector<MediaInput>& inputs,
                             Predictor* predictor,
                             const StereoJobOptions& options,
                             const JobControl& control = {});

}  // namespace parallax
