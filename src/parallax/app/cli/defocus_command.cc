// parallax defocus: refocus photos and videos at a chosen point or depth.
#include <fmt/format.h>

#include <memory>

#include "parallax/app/cli/cli_job_control.h"
#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/app/cli/effect_depth_flags.h"
#include "parallax/app/cli/passive_openmp.h"
#include "parallax/io/image_io.h"
#include "parallax/jobs/defocus_job.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"
#include "parallax/util/interrupt.h"
#include "parallax/util/strings.h"

namespace parallax {
namespace {

cv::Point ParsePoint(const std::string& text) {
  const auto comma = text.find(',');
  if (comma == std::string::npos) {
    ThrowError("--focus {}: give X,Y in pixels", text);
  }
  return cv::Point(
      static_cast<int>(ParseInt(text.substr(0, comma), "--focus X")),
      static_cast<int>(ParseInt(text.substr(comma + 1), "--focus Y")));
}

}  // namespace

int RunDefocus(int argc, char** argv) {
  CLI::App app(
      "Refocus a photo or a video after the fact: the point you pick stays "
      "sharp and the rest blurs with its depth distance from it. The lens "
      "method is physically based (circle of confusion, aperture shape, "
      "linear light, bokeh highlights, occlusion-correct layers); gaussian, "
      "average, median and bilateral are MonoDepthDeFocus's graded blur.\n\n"
      "Examples:\n"
      "  parallax defocus photo.jpg -o portrait.jpg --focus 640,360\n"
      "  parallax defocus photo.jpg -o bokeh.png --focus 640,360 --aperture "
      "1.4 --focal-length 85 --blades 6 --highlights 1\n"
      "  parallax defocus photo.jpg -o graded.png --method gaussian --levels "
      "8 --max-blur 15\n"
      "  parallax defocus clip.mp4 -o clip_focus.mp4 --focus 900,500 "
      "--focus-track",
      "parallax defocus");
  app.get_formatter()->column_width(36);
  std::vector<std::string> inputs;
  std::string output, focus, method = "lens", depth_file, save_depth;
  std::optional<float> focus_depth;
  DefocusJobOptions job;
  DefocusSettings& settings = job.settings;
  LensBlurOptions& lens = settings.lens_options;
  EffectDepthOptions& depth_options = job.depth;
  EffectVideoOptions& video = job.video;
  bool quiet = false;

  app.add_option("inputs", inputs, "Photos, folders, or one video")
      ->required()
      ->type_name("INPUT...");
  app.add_option("-o,--output", output,
                 "Output image (one photo), folder, or video")
      ->required();
  app.add_option("--focus", focus,
                 "Focus on the depth under this pixel, X,Y (robust to a "
                 "click on an edge); default: the image centre")
      ->type_name("X,Y");
  app.add_option("--focus-depth", focus_depth,
                 "Focus at this disparity value instead (the depth map's "
                 "units)");
  app.add_option("--depth", depth_file,
                 "Use this depth map (pfm/npy/exr/png) of the one input "
                 "photo instead of the network")
      ->type_name("FILE");
  app.add_option("--save-depth", save_depth,
                 "Also write the disparity used (photos: pfm/npy/exr/png)")
      ->type_name("FILE");
  app.add_option("--method", method,
                 "lens (physically based), or the graded blur: gaussian, "
                 "average, median, bilateral")
      ->capture_default_str();
  app.add_option("--levels", settings.graded.levels,
                 "Graded methods: blurred copies (the first sharp)")
      ->capture_default_str();
  app.add_option("--max-blur", lens.blur.max_blur,
                 "Blur radius in pixels of the depth farthest from the focus")
      ->capture_default_str();
  app.add_option("--aperture", lens.blur.f_number,
                 "Thin lens instead of --max-blur: the f-number (e.g. 1.8)");
  app.add_option("--focal-length", lens.blur.focal_length_mm,
                 "With --aperture: 35 mm-equivalent focal length in mm")
      ->capture_default_str();
  CLI::Option* focus_distance =
      app.add_option("--focus-distance", lens.blur.focus_distance_m,
                     "With --aperture: distance of the focal plane in metres "
                     "(default: from a given metric --depth-kind depth map, "
                     "else 2)");
  app.add_option("--sensor-width", lens.blur.sensor_width_mm,
                 "With --aperture: sensor width in mm (36 = full frame)")
      ->capture_default_str();
  app.add_option("--depth-of-field", lens.blur.depth_of_field,
                 "Kept sharp: |depth - focus| below this fraction 0..1 of "
                 "the image's depth range (the band's half-width)")
      ->capture_default_str();
  app.add_option("--near-blur-scale", lens.blur.near_scale,
                 "Blur factor in front of the focus")
      ->capture_default_str();
  app.add_option("--far-blur-scale", lens.blur.far_scale,
                 "Blur factor behind the focus")
      ->capture_default_str();
  app.add_option("--blades", lens.aperture.blades,
                 "Lens: aperture blades (0 = circular, 3..16 = polygon)")
      ->capture_default_str();
  app.add_option("--rotation", lens.aperture.rotation,
                 "Lens: aperture rotation in degrees")
      ->capture_default_str();
  app.add_option("--highlights", lens.highlights,
                 "Lens: boost of bright points into bokeh discs (0 = off, "
                 "1 = strong)")
      ->capture_default_str();
  app.add_option("--shape-detail", lens.shape_detail,
                 "Lens: kernel radius per blur layer; higher = crisper "
                 "aperture shapes, slower")
      ->capture_default_str();
  app.add_flag("--focus-track", job.track,
               "Videos: the focus follows the depth at the --focus pixel "
               "frame by frame (default: the first frame's depth is kept)");
  AddEffectDepthOptions(app, &depth_options);
  AddVideoEncodeOptions(app, &video.encode);
  bool resume = false;
  app.add_flag("--resume", resume,
               "Continue an interrupted run: keep photos already done and "
               "continue a video at its first unfinished segment");
  bool overwrite = false;
  AddOverwriteFlag(app, &overwrite);
  app.add_flag("-q,--quiet", quiet, "No progress bars");

  return RunCli(app, argc, argv, [&]() -> int {
    ParseDefocusMethod(method, &settings);
    if (!focus.empty()) settings.focus_point = ParsePoint(focus);
    if (focus_depth) {
      if (!focus.empty()) ThrowError("give --focus or --focus-depth, not both");
      if (!std::isfinite(*focus_depth)) {
        ThrowError("--focus-depth must be finite");
      }
      settings.focus_disparity = *focus_depth;
    }
    job.output = output;
    job.depth_file = depth_file;
    job.save_depth = save_depth;
    job.focus_distance_given = focus_distance->count() > 0;
    job.existing = ExistingOutputsFromFlags(overwrite, resume);
    job.show_progress = !quiet;
    UseVideoJobThreads(output, &depth_options.predictor);
    InstallInterruptHandler();
    try {
      EffectJobReport report;
      CheckJobOptions(
          [&] { report = RunDefocusJob(inputs, job, CliJobControl(!quiet)); },
          kEffectFieldFlags);
      return ReportInputFailures(report.failures);
    } catch (const Cancelled&) {
      fmt::print(stderr, "interrupted: finished files are kept\n");
      return kExitInterrupted;
    }
  });
}

}  // namespace parallax
