// parallax fog: depth fog over photos.
#include <fmt/format.h>

#include <memory>

#include "parallax/app/cli/cli_job_control.h"
#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/app/cli/effect_depth_flags.h"
#include "parallax/effects/fog.h"
#include "parallax/jobs/image_effect.h"
#include "parallax/jobs/memory_needs.h"
#include "parallax/util/check.h"
#include "parallax/util/interrupt.h"
#include "parallax/util/strings.h"

namespace parallax {
namespace {

// "R,G,B" in 0..1 or "#rrggbb" -> BGR 0..1.
cv::Scalar ParseColor(const std::string& text) {
  if (!text.empty() && text[0] == '#' && text.size() == 7) {
    const auto channel = [&](int i) {
      return std::stoi(text.substr(1 + 2 * i, 2), nullptr, 16) / 255.0;
    };
    try {
      return cv::Scalar(channel(2), channel(1), channel(0));
    } catch (const std::exception&) {
    }
  }
  const std::vector<std::string> parts = Split(text, ',');
  if (parts.size() != 3) {
    ThrowError("--color {}: give R,G,B in 0..1 or #rrggbb", text);
  }
  return cv::Scalar(ParseDouble(parts[2], "--color"),
                    ParseDouble(parts[1], "--color"),
                    ParseDouble(parts[0], "--color"));
}

}  // namespace

int RunFog(int argc, char** argv) {
  CLI::App app(
      "Depth fog: photos fade to a fog colour with depth, in linear light. "
      "Estimated depth is relative: 1 = the nearest content, 2 = twice as "
      "far, infinity = the sky. Given depth maps (--depth-kind depth) use "
      "their own units (metres from a renderer).\n\nExamples:\n"
      "  parallax fog photo.jpg -o foggy.jpg --density 0.3\n"
      "  parallax fog photo.jpg -o mist.jpg --mode linear --near 2 --far 8 "
      "--color 0.7,0.75,0.8\n"
      "  parallax fog render.png --depth z.exr --depth-kind depth -o fog.png "
      "--near 5 --density 0.05 --height-falloff 3",
      "parallax fog");
  app.get_formatter()->column_width(36);
  std::vector<std::string> inputs;
  std::string output, mode = "exp", color = "0.8,0.8,0.8", depth_file;
  FogOptions fog;
  EffectDepthOptions depth_options;
  bool quiet = false;
  app.add_option("inputs", inputs, "Photos or folders")
      ->required()
      ->type_name("INPUT...");
  app.add_option("-o,--output", output, "Output image (one photo) or folder")
      ->required();
  app.add_option("--mode", mode,
                 "exp (1 - exp(-density (z - near))) or linear (near..far)")
      ->capture_default_str();
  app.add_option("--near", fog.near, "Depth where the fog starts")
      ->capture_default_str();
  app.add_option("--far", fog.far, "Linear: depth where the fog is complete")
      ->capture_default_str();
  app.add_option("--density", fog.density, "Exponential: density per unit")
      ->capture_default_str();
  app.add_option("--color", color, "Fog colour: R,G,B in 0..1 or #rrggbb")
      ->capture_default_str();
  app.add_option("--height-falloff", fog.height_falloff,
                 "> 0: thickest at the bottom, thinning upwards (ground fog)")
      ->capture_default_str();
  app.add_option("--depth", depth_file,
                 "Use this depth map of the one input photo instead of the "
                 "network")
      ->type_name("FILE");
  AddEffectDepthOptions(app, &depth_options);
  bool resume = false;
  app.add_flag("--resume", resume,
               "Keep outputs that exist (a rerun after Ctrl-C does the rest)");
  bool overwrite = false;
  AddOverwriteFlag(app, &overwrite);
  app.add_flag("-q,--quiet", quiet, "No progress bar");

  return RunCli(app, argc, argv, [&]() -> int {
    const std::string m = ToLower(mode);
    if (m == "exp" || m == "exponential") {
      fog.mode = FogOptions::Mode::kExponential;
    } else if (m == "linear") {
      fog.mode = FogOptions::Mode::kLinear;
    } else {
      ThrowError("--mode {}: use exp or linear", mode);
    }
    fog.color = ParseColor(color);
    fog.Check();
    std::unique_ptr<EffectDepth> depth_source;
    CheckJobOptions(
        [&] { depth_source = std::make_unique<EffectDepth>(depth_options); },
        {{"kind", "--depth-kind"}});
    EffectDepth& depth = *depth_source;
    const bool metric =
        !depth_file.empty() && ToLower(depth_options.kind) == "depth";
    InstallInterruptHandler();
    try {
      ImageEffectRun run;
      run.suffix = "_fog";
      run.show_progress = !quiet;
      run.single_image = depth_file.empty() ? "" : "--depth";
      run.existing = ExistingOutputsFromFlags(overwrite, resume);
      run.bytes_per_pixel = kFogBytesPerPixel;
      return ReportInputFailures(RunImageEffect(
          inputs, output, run,
          [&](const cv::Mat& image, const std::filesystem::path&) {
            // Given Z keeps its units; estimated depth is relative.
            if (metric) {
              return ApplyFog(image, LoadMetricDepth(depth_file, image.size()),
                              fog);
            }
            return ApplyFog(image,
                            FogDepthFromDisparity(depth.For(image, depth_file)),
                            fog);
          },
          CliJobControl(!quiet)));
    } catch (const Cancelled&) {
      fmt::print(stderr, "interrupted: finished files are kept\n");
      return kExitInterrupted;
    }
  });
}

}  // namespace parallax
