// The Batch dialog's work without widgets: one of the four jobs (depth, 3D,
// refocus, fog) over files, folders or a video, through the jobs/ layer
// with the options `parallax depth|stereo|defocus|fog` build when given no
// flags but the ones below, so that a batch writes the same bytes as the
// command line. Progress, cancelling and per-file events go through the
// caller's JobControl.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "parallax/effects/defocus_render.h"
#include "parallax/effects/fog.h"
#include "parallax/jobs/job_control.h"
#include "parallax/util/existing_outputs.h"

namespace parallax::studio {

enum class BatchKind { kDepth, kStereo, kDefocus, kFog };

// "depth", "stereo", "defocus", "fog" (the CLI's command names).
const char* BatchKindName(BatchKind kind);

struct BatchRequest {
  BatchKind kind = BatchKind::kDepth;
  // Image files, folders of them, videos (the command lines' INPUT...).
  std::vector<std::string> inputs;
  // -o: a folder, or one file for one input.
  std::filesystem::path output;
  // --model (a path or a name; empty = the shipped default) and --device.
  std::string model;
  std::string device = "auto";
  // --overwrite / --resume.
  ExistingOutputs existing = ExistingOutputs::kRefuse;

  // depth: --format and --colormap.
  std::string depth_format = "png";
  std::string colormap = "none";
  // stereo: --layout.
  std::string layout = "hsbs";
  // defocus: --method and --max-blur; the focus is the image centre (no
  // --focus).
  std::string defocus_method = "lens";
  double max_blur = DefocusSettings{}.lens_options.blur.max_blur;
  // fog: --density.
  double fog_density = FogOptions{}.density;

  // Tests: every cancel check of the job first waits this long (looking
  // at the cancel flag every 10 ms), to make short jobs long enough to
  // cancel.
  std::chrono::milliseconds step_delay_for_testing{0};
};

struct BatchResult {
  enum class Status { kFinished, kCancelled, kFailed };
  Status status = Status::kFinished;
  // kFailed: why the whole job stopped (a parallax::Error before or while
  // running: no inputs, outputs that exist, a model that does not load).
  std::string error;
  // Inputs that failed, the job going on with the others: arguments that
  // name nothing usable and files that could not be processed ("input:
  // reason"). Those also sent to JobControl::failed are among them.
  std::vector<std::string> failures;
  int64_t images = 0, frames = 0;  // depth and stereo only
  double seconds = 0;
};

// Runs `request`; never throws (errors and cancelling are in the result).
BatchResult RunBatch(const BatchRequest& request, const JobControl& control);

}  // namespace parallax::studio
