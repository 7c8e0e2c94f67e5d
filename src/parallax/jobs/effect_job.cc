#include "parallax/jobs/effect_job.h"

#include <span>

#include <fmt/format.h>

#include "parallax/infer/edge_aware_upsample.h"
#include "parallax/jobs/image_effect.h"
#include "parallax/jobs/media_inputs.h"
#include "parallax/util/atomic_file.h"

namespace parallax {

namespace fs = std::filesystem;

namespace {

EffectJobReport RunOnVideo(const fs::path& input,
                           const EffectJobOptions& options,
                           const EffectSteps& steps, EffectDepth& depth,
                           const JobControl& control) {
  if (!steps.frame_renderer) {
    throw OptionError(fmt::format("{}: {} takes photos, not videos",
                                  input.string(), steps.video.job));
  }
  if (!options.depth_file.empty() || !steps.side_outputs.empty()) {
    throw OptionError(
        fmt::format("{} is for photos, not videos",
                    OptionField(options.depth_file.empty() ? steps.single_image
                                                           : "depth_file")));
  }
  RefuseExistingOutput(options.output, options.existing);
  EffectJobReport report;
  std::error_code exists_error;
  if (options.existing == ExistingOutputs::kResume &&
      fs::exists(options.output, exists_error)) {
    control.Skip(input, fmt::format("{} exists, skipped (resume)",
                                    options.output.string()));
    return report;
  }
  EffectVideoOptions video = options.video;
  video.upsample.method = ParseUpsampleMethod(options.depth.upsample);
  video.resume = options.existing == ExistingOutputs::kResume;
  video.show_progress = options.show_progress;
  video.model_id = depth.model_id();
  Predictor& predictor = depth.predictor();
  control.Note(predictor.Describe(depth.model_path().string()));
  const std::unique_ptr<FrameRenderer> renderer = steps.frame_renderer();
  report.frames = RunEffectVideo(input, options.output, steps.video, *renderer,
                                 predictor, video, control)
                      .frames;
  return report;
}

}  // namespace

EffectJobReport RunEffectJob(const std::vector<std::string>& inputs,
                             const EffectJobOptions& options,
                             const EffectSteps& steps,
                             const JobControl& control) {
  EffectDepth depth(options.depth);
  if (inputs.size() == 1 && HasVideoExtension(inputs.front())) {
    return RunOnVideo(inputs.front(), options, steps, depth, control);
  }
  for (const fs::path& side : steps.side_outputs) {
    const fs::path output = options.output;
    CheckNotAnInput(side, std::span(&output, 1));
  }
  ImageEffectRun run;
  run.suffix = std::string("_") + steps.video.job;
  run.show_progress = options.show_progress;
  run.single_image =
      !options.depth_file.empty() ? "depth_file" : steps.single_image;
  run.existing = options.existing;
  run.side_outputs = steps.side_outputs;
  run.bytes_per_pixel = steps.video.bytes_per_pixel;
  EffectJobReport report;
  report.failures = RunImageEffect(
      inputs, options.output, run,
      [&](const cv::Mat& image, const fs::path& path) {
        for (const fs::path& side : steps.side_outputs) {
          CheckNotAnInput(side, std::span(&path, 1));
        }
        return steps.photo(image, path, depth);
      },
      control);
  return report;
}

}  // namespace parallax
