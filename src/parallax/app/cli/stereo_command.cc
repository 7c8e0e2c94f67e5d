// parallax stereo: 2D -> 3D conversion of photos and videos.
#include <fmt/format.h>

#include "parallax/app/cli/cli_job_control.h"
#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/app/cli/passive_openmp.h"
#include "parallax/infer/default_model.h"
#include "parallax/io/image_io.h"
#include "parallax/jobs/stereo_job.h"
#include "parallax/util/check.h"
#include "parallax/util/interrupt.h"
#include "parallax/util/strings.h"

namespace parallax {

int RunStereo(int argc, char** argv) {
  CLI::App app(
      "Stereo 3D from photos and videos: the depth network's disparity (or a "
      "given map) drives forward-warped views with depth ordering and "
      "background-side disocclusion filling, packed for 3D TVs, VR players "
      "or red-cyan glasses. Videos keep their audio and subtitles and are "
      "tagged with their layout.\n\nExamples:\n"
      "  parallax stereo photo.jpg -o photo_3d.png\n"
      "  parallax stereo film.mkv -o film_3d.mkv --layout hsbs\n"
      "  parallax stereo photo.jpg -o photo_ana.png --layout anaglyph\n"
      "  parallax stereo left.png --disparity disp.pfm --disparity-unit "
      "pixels --layout right -o right.png",
      "parallax stereo");
  app.get_formatter()->column_width(36);
  std::vector<std::string> input_args;
  std::string output, model, device = "auto", layout = "hsbs";
  std::string anaglyph = "dubois", unit = "relative", convergence = "0.5";
  std::string synthetic = "both", upsample = "guided", temporal = "flow";
  std::string renderer = "forward";
  std::string start, end, format = "png", disparity;
  int edge_sharpen = -1;
  bool recursive = false, sequence = false, quiet = false;
  StereoJobOptions job;
  PredictorOptions predictor_options;

  app.add_option("inputs", input_args,
                 "Images, folders, videos, or sequence patterns "
                 "(shot_%04d.png, shot_####.png)")
      ->required()
      ->type_name("INPUT...");
  app.add_option("-o,--output", output,
                 "Output image (one photo), video (.mkv/.mp4/...) or folder")
      ->required();
  app.add_option(
         "--model", model,
         "Model: a .plx file, a Depth Anything V2 .pth as published, or "
         "a name from `parallax models`; default: the shipped model")
      ->type_name("FILE");
  AddDeviceOption(app, &device);
  AddNetworkInputOptions(app, &predictor_options);
  AddPrecisionOption(app, &predictor_options);
  app.add_option("--disparity", disparity,
                 "Use this disparity map (pfm/npy/exr/png) of the one input "
                 "photo instead of the network")
      ->type_name("FILE");
  app.add_option("--disparity-unit", unit,
                 "relative (any scale, larger = nearer; mapped by "
                 "--divergence/--convergence) or pixels (exact left-view "
                 "disparity, used as it is)")
      ->capture_default_str();
  app.add_option("--layout", layout,
                 "sbs, hsbs (half), tb, htb, anaglyph, cross, lr (two files), "
                 "right or left (one view at the full parallax)")
      ->capture_default_str();
  app.add_option("--anaglyph", anaglyph,
                 "Anaglyph colours: dubois, half-color, gray or color")
      ->capture_default_str();
  app.add_option("--divergence", job.render.parallax.divergence_percent,
                 "Largest parallax, in % of the width")
      ->capture_default_str();
  app.add_option("--convergence", convergence,
                 "Screen plane: 0 = nearest point, 1 = farthest, or auto "
                 "(the main subject)")
      ->capture_default_str();
  app.add_option("--foreground-scale", job.render.parallax.foreground_scale,
                 "> 0 gives near objects more depth, < 0 the background")
      ->capture_default_str();
  app.add_option("--synthetic-view", synthetic,
                 "Rendered eye: right, left, or both (half the shift each)")
      ->capture_default_str();
  app.add_option("--renderer", renderer,
                 "forward (warp the disparity map, fill disocclusions from "
                 "the background) or deep3d (the network's plane "
                 "selection; models trained with --head deep3d)")
      ->capture_default_str();
  app.add_option("--edge-sharpen", edge_sharpen,
                 "Snap soft depth edges to steps within this radius (px); "
                 "default 3 for network maps, 0 for given maps");
  app.add_option("--upsample", upsample,
                 "Network depth to full resolution: guided, joint-bilateral "
                 "or bilinear")
      ->capture_default_str();
  app.add_option("--temporal", temporal,
                 "Video stabilisation: flow, ema or off")
      ->capture_default_str();
  app.add_option("--format", format, "Image type for folder outputs")
      ->capture_default_str();
  app.add_flag("--recursive", recursive, "Descend into sub-folders");
  app.add_flag("--sequence", sequence,
               "Treat each folder as one numbered image sequence (a shot)");
  app.add_option("--fps", job.sequence_fps,
                 "Frame rate of image sequences written as video")
      ->capture_default_str();
  app.add_option("--start", start, "First frame of videos (number or time)");
  app.add_option("--end", end, "End of videos (exclusive)");
  app.add_flag("--conceal-errors", job.conceal_errors,
               "Decode through damaged video data");
  AddVideoEncodeOptions(app, &job.encode);
  app.add_flag("--resume", job.resume,
               "Continue an interrupted run: skip outputs that exist, and "
               "continue video outputs at their first unfinished segment");
  AddOverwriteFlag(app, &job.overwrite);
  app.add_option("--segment-frames", job.segment_frames,
                 "Frames per resumable segment of video outputs")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_flag("-q,--quiet", quiet, "No progress bars");

  return RunCli(app, argc, argv, [&]() -> int {
    predictor_options.device = device;
    job.output = output;
    job.folder_format = ToLower(format);
    if (!IsImageFile("x." + job.folder_format)) {
      ThrowError("--format {}: choose png, jpg, webp or tif", format);
    }
    StereoRenderOptions& render = job.render;
    render.layout =
        ParseFlag("--layout", [&] { return ParseStereoLayout(layout); });
    render.anaglyph =
        ParseFlag("--anaglyph", [&] { return ParseAnaglyphMethod(anaglyph); });
    render.unit =
        ParseFlag("--disparity-unit", [&] { return ParseDisparityUnit(unit); });
    render.synthetic = ParseFlag("--synthetic-view",
                                 [&] { return ParseSyntheticView(synthetic); });
    render.renderer =
        ParseFlag("--renderer", [&] { return ParseViewRenderer(renderer); });
    const NeededPlaneViews planes = PlaneViewsFor(render);
    predictor_options.right_planes = planes.right;
    predictor_options.left_planes = planes.left;
    if (ToLower(convergence) == "auto") {
      render.parallax.convergence.reset();
    } else {
      render.parallax.convergence = ParseDouble(convergence, "--convergence");
    }
    render.parallax.Check();
    job.disparity_file = disparity;
    render.edge_sharpen_radius =
        edge_sharpen >= 0 ? edge_sharpen : kAutoEdgeSharpen;
    // The job's field names as this command's flags, in its errors.
    const std::vector<std::pair<std::string, std::string>> flags = {
        {"renderer", "--renderer"},
        {"disparity_unit", "--disparity-unit"},
        {"disparity_file", "--disparity"},
        {"layout", "--layout"}};
    CheckJobOptions([&] { job.Check(); }, flags);
    job.sequence.upsample.method =
        ParseFlag("--upsample", [&] { return ParseUpsampleMethod(upsample); });
    job.sequence.stabilizer.mode =
        ParseFlag("--temporal", [&] { return ParseTemporalMode(temporal); });
    if (!start.empty()) {
      job.start =
          ParseFlag("--start", [&] { return ParseVideoPosition(start); });
    }
    if (!end.empty()) {
      job.end = ParseFlag("--end", [&] { return ParseVideoPosition(end); });
    }
    job.show_progress = !quiet;

    MediaInputOptions scan_options;
    scan_options.recursive = recursive;
    scan_options.folders_as_sequences = sequence;
    scan_options.output_suffix = "_3d";
    scan_options.exclude = output;
    const MediaScan scan = ExpandMediaInputs(input_args, scan_options);
    if (scan.inputs.empty()) {
      ThrowNothingToDo(scan.problems);
    }
    std::unique_ptr<Predictor> predictor;
    if (disparity.empty()) {
      const std::filesystem::path model_path = ResolveModelPath(model);
      UseVideoJobThreads(output, &predictor_options);
      predictor = std::make_unique<Predictor>(model_path, predictor_options);
      job.model_id = ModelFileSettings(model_path);
      if (!quiet) {
        fmt::print(stderr, "{}\n", predictor->Describe(model_path.string()));
      }
    }
    InstallInterruptHandler();
    StereoJobReport report;
    try {
      CheckJobOptions(
          [&] {
            report = RunStereoJob(scan.inputs, predictor.get(), job,
                                  CliJobControl(job.show_progress));
          },
          flags);
    } catch (const Cancelled&) {
      fmt::print(stderr,
                 "interrupted: finished files are kept, nothing partial "
                 "was written\n");
      return kExitInterrupted;
    }
    std::vector<std::string> failures = scan.problems;
    failures.insert(failures.end(), report.failures.begin(),
                    report.failures.end());
    if (!quiet) {
      fmt::print(stderr, "wrote {} image(s) and {} frame(s) in {:.1f} s\n",
                 report.images, report.frames, report.seconds);
      if (report.frames > 0) {
        const double ms = 1000.0 / report.frames;
        fmt::print(stderr,
                   "per frame: decode {:.1f} ms, depth {:.1f} ms, synthesis "
                   "{:.1f} ms, encode {:.1f} ms\n",
                   report.decode_s * ms, report.depth_s * ms,
                   report.synthesis_s * ms, report.encode_s * ms);
      }
    }
    if (!failures.empty()) {
      return ReportInputFailures(failures);
    }
    return kExitOk;
  });
}

}  // namespace parallax
