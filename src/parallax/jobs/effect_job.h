// What `parallax defocus` and `fog` (and the desktop app's batches of them)
// share: photos, folders of photos or one video in; the depth from the
// network or from a given map; outputs checked before any work, written
// atomically, one failing photo reported while the rest still run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "parallax/jobs/effect_depth.h"
#include "parallax/jobs/effect_video.h"
#include "parallax/jobs/job_control.h"
#include "parallax/util/existing_outputs.h"

namespace parallax {

struct EffectJobOptions {
  // One photo: a file or a folder; photos: a folder; one video: a video.
  std::filesystem::path output;
  EffectDepthOptions depth;
  // A map of the one input photo to use instead of the network.
  std::filesystem::path depth_file;
  ExistingOutputs existing = ExistingOutputs::kRefuse;
  bool show_progress = true;
  // Videos: encoder, segments, model names for resume checks.
  EffectVideoOptions video;
};

struct EffectJobReport {
  std::vector<std::string> failures;  // inputs that failed, named
  int64_t frames = 0;                 // of a video, written by this run
};

// What one effect does, for RunEffectJob.
struct EffectSteps {
  VideoEffect video;  // names the job ("defocus" -> outputs "_defocus")
  // Fields of options that need exactly one photo (a given map, a map to
  // save), and files written besides the outputs.
  std::string single_image;
  std::vector<std::filesystem::path> side_outputs;
  // One photo (3-channel BGR, 8- or 16-bit) to its result.
  std::function<cv::Mat(const cv::Mat& image, const std::filesystem::path&,
                        EffectDepth& depth)>
      photo;
  // The renderer of video frames; unset: the effect takes photos only.
  std::function<std::unique_ptr<FrameRenderer>()> frame_renderer;
};

// Throws OptionError for contradicting options (naming their fields),
// parallax::Error when nothing can be done, parallax::Cancelled.
EffectJobReport RunEffectJob(const std::vector<std::string>& inputs,
                             const EffectJobOptions& options,
                             const EffectSteps& steps,
                             const JobControl& control);

}  // namespace parallax
