// parallax fog: depth fog over photos.
#include <fmt/format.h>

#include <memory>

#include "parallax/app/cli/cli_job_control.h"
#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/app/cli/effect_depth_flags.h"
#include "parallax/app/cli/passive_openmp.h"
#include "parallax/effects/fog.h"
#include "parallax/jobs/fog_job.h"
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
      "Depth fog: photos and videos fade to a fog colour with depth, in linear "
      "light. "
      "Estimated depth is relative: 1 = the nearest content, 2 = twice as "
      "far, infinity = the sky. Given depth maps (--depth-kind depth) use "
      "their own units (metres from a renderer).\n\nExamples:\n"
      "  parallax fog photo.jpg -o foggy.jpg --density 0.3\n"
      "  parallax fog photo.jpg -o mist.jpg --mode linear --near 2 --far 8 "
      "--color 0.7,0.75,0.8\n"
      "  parallax fog render.png --depth z.exr --depth-kind depth -o fog.png "
      "--near 5 --density 0.05 --height-falloff 3\n"
      "  parallax fog clip.mp4 -o misty.mp4 --density 0.4",
      "parallax fog");
  app.get_formatter()->column_width(36);
  std::vector<std::string> inputs;
  std::string output, mode = "exp", color = "0.8,0.8,0.8", depth_file;
  FogJobOptions job;
  FogOptions& fog = job.fog;
  bool quiet = false;
  app.add_option("inputs", inputs, "Photos, folders, or one video")
      ->required()
      ->type_name("INPUT...");
  app.add_option("-o,--output", output,
                 "Output image (one photo), folder, or video")
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
  AddEffectDepthOptions(app, &job.depth);
  AddVideoEncodeOptions(app, &job.video.encode);
  bool resume = false;
  app.add_flag("--resume", resume,
               "Continue an interrupted run: keep photos already done and "
               "continue a video at its first unfinished segment");
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
    job.output = output;
    job.depth_file = depth_file;
    job.existing = ExistingOutputsFromFlags(overwrite, resume);
    job.show_progress = !quiet;
    UseVideoJobThreads(output, &job.depth.predictor);
    InstallInterruptHandler();
    try {
      EffectJobReport report;
      CheckJobOptions(
          [&] { report = RunFogJob(inputs, job, CliJobControl(!quiet)); },
          kEffectFieldFlags);
      return ReportInputFailures(report.failures);
    } catch (const Cancelled&) {
      fmt::print(stderr, "interrupted: finished files are kept\n");
      return kExitInterrupted;
    }
  });
}

}  // namespace parallax
