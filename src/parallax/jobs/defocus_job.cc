#include "parallax/jobs/defocus_job.h"

#include <fmt/format.h>

#include "parallax/infer/disparity_output.h"
#include "parallax/io/image_io.h"
#include "parallax/jobs/defocus_video.h"
#include "parallax/jobs/depth_output.h"
#include "parallax/jobs/media_inputs.h"
#include "parallax/jobs/memory_needs.h"
#include "parallax/util/strings.h"

namespace parallax {

namespace fs = std::filesystem;

EffectJobReport RunDefocusJob(const std::vector<std::string>& inputs,
                              const DefocusJobOptions& options,
                              const JobControl& control) {
  options.settings.lens_options.Check();
  options.settings.graded.Check();
  const bool one_video = inputs.size() == 1 && HasVideoExtension(inputs[0]);
  if (options.track && !one_video) {
    throw OptionError(fmt::format("{} is for videos", OptionField("track")));
  }
  const bool metric_depth =
      !options.depth_file.empty() && ToLower(options.depth.kind) == "depth";
  EffectSteps steps;
  steps.video = {"defocus", kDefocusBytesPerPixel,
                 DefocusVideoSettings(options.settings, options.track)};
  if (!options.save_depth.empty()) {
    steps.single_image = "save_depth";
    steps.side_outputs.push_back(options.save_depth);
  }
  steps.photo = [&](const cv::Mat& image, const fs::path&, EffectDepth& depth) {
    const cv::Mat disparity = depth.For(image, options.depth_file);
    if (!options.save_depth.empty()) {
      WriteDisparityFile(options.save_depth, disparity, {},
                         RobustRange(disparity));
    }
    const float focus = ResolveFocus(disparity, options.settings);
    DefocusSettings settings = options.settings;
    // A given Z map is metric: the focal plane is where it says.
    if (metric_depth && !options.focus_distance_given && focus > 0) {
      settings.lens_options.blur.focus_distance_m = 1.0 / focus;
    }
    return RenderDefocus(image, disparity, focus, settings);
  };
  steps.frame_renderer = [&] {
    return MakeDefocusFrameRenderer(options.settings, options.track);
  };
  return RunEffectJob(inputs, options, steps, control);
}

}  // namespace parallax
