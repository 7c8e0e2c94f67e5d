// parallax depth: disparity / depth maps from images, folders, image
// sequences and videos.
#include <fmt/format.h>

#include "parallax/app/cli/cli_job_control.h"
#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/app/cli/passive_openmp.h"
#include "parallax/infer/default_model.h"
#include "parallax/io/image_io.h"
#include "parallax/jobs/depth_job.h"
#include "parallax/jobs/media_inputs.h"
#include "parallax/jobs/segmented_video.h"
#include "parallax/util/check.h"
#include "parallax/util/interrupt.h"
#include "parallax/util/strings.h"

namespace parallax {
namespace {

DisparityRange ParseRange(const std::string& text) {
  const std::vector<std::string> parts = Split(text, ',');
  if (parts.size() != 2) {
    ThrowError("--range wants LOW,HIGH in pixels of disparity, not '{}'", text);
  }
  DisparityRange range{ParseDouble(parts[0], "--range"),
                       ParseDouble(parts[1], "--range")};
  if (!(range.high > range.low)) {
    ThrowError("--range: HIGH must be larger than LOW ('{}')", text);
  }
  return range;
}

}  // namespace

int RunDepth(int argc, char** argv) {
  CLI::App app(
      "Disparity (or depth) maps from photos, folders, numbered image "
      "sequences and videos. Float outputs (.pfm, .npy, .exr) hold disparity "
      "in pixels of the input (larger = nearer); .png is 16-bit normalised; "
      "--colormap gives an 8-bit preview.\n\nExamples:\n"
      "  parallax depth photo.jpg -o photo_disp.png\n"
      "  parallax depth photos/ --recursive --format exr -o depth/\n"
      "  parallax depth shot.mov -o shot_depth.mp4 --colormap turbo\n"
      "  parallax depth 'plates/shot_%04d.exr' --format exr -o depth/",
      "parallax depth");
  app.get_formatter()->column_width(36);
  std::vector<std::string> input_args;
  std::string output, model, device = "auto", precision = "auto";
  std::string colormap = "none", range, upsample = "guided", temporal = "flow";
  std::string flow = "dis", start, end, format = "png";
  bool recursive = false, sequence = false, quiet = false;
  DepthJobOptions job;
  PredictorOptions predictor_options;
  double temporal_strength = -1;

  app.add_option("inputs", input_args,
                 "Images, folders, videos, or sequence patterns "
                 "(shot_%04d.png, shot_####.png)")
      ->required()
      ->type_name("INPUT...");
  app.add_option("-o,--output", output,
                 "Output file (one image), video (.mp4/.mkv/...) or folder")
      ->required();
  app.add_option(
         "--model", model,
         "Model: a .plx file, a Depth Anything V2 .pth as published, or "
         "a name from `parallax models`; default: the shipped model")
      ->type_name("FILE");
  AddDeviceOption(app, &device);
  app.add_option("--batch", predictor_options.batch,
                 "Images or frames per network pass")
      ->capture_default_str();
  app.add_option(
         "--precision", precision,
         "auto (fp32; fp16 for Depth Anything on CUDA), fp32, bf16 "
         "(Depth Anything ViT-S: a 1080p photo 1.45x faster than fp32 on this "
         "machine's CPU; the ResNets are slower in it), or fp16 "
         "(CUDA only)")
      ->capture_default_str();
  AddNetworkInputOptions(app, &predictor_options);
  app.add_flag("--pp", predictor_options.flip_postprocess,
               "Godard's flip post-processing (2x network time, cleaner "
               "left edges)");
  app.add_option("--format", format,
                 "File type for folder outputs: png, pfm, npy, exr, jpg")
      ->capture_default_str();
  app.add_option("--colormap", colormap,
                 "8-bit preview: turbo, inferno or gray (none = data)")
      ->capture_default_str();
  app.add_flag("--invert", job.file.invert,
               "Depth-like maps: near = small (1/disparity for float files)");
  app.add_option("--range", range,
                 "Fixed normalisation LOW,HIGH (pixels of disparity) for "
                 "png/preview/video; default: robust per image, smoothed "
                 "over video");
  app.add_option("--upsample", upsample,
                 "To full resolution: guided, joint-bilateral or bilinear")
      ->capture_default_str();
  app.add_flag("--recursive", recursive, "Descend into sub-folders");
  app.add_flag("--sequence", sequence,
               "Treat each folder as one numbered image sequence (a shot)");
  app.add_option("--fps", job.sequence_fps,
                 "Frame rate of image sequences written as video")
      ->capture_default_str();
  app.add_option("--temporal", temporal,
                 "Video stabilisation: flow, ema or off")
      ->capture_default_str();
  app.add_flag("--flicker", job.sequence.measure_flicker,
               "Videos and sequences: measure and report the flicker (mean "
               "frame-to-frame change on static pixels), raw and "
               "stabilised; costs two passes per frame");
  app.add_option("--temporal-strength", temporal_strength,
                 "0..1: how much of the past is kept (default per mode)");
  app.add_option("--flow", flow,
                 "Optic flow for 7-channel models: dis or farneback")
      ->capture_default_str();
  app.add_option("--start", start,
                 "First frame of videos: frame number, 12.5s or 0:01:02.5");
  app.add_option("--end", end, "End of videos (exclusive), same forms");
  app.add_flag("--conceal-errors", job.conceal_errors,
               "Decode through damaged video data (broadcast captures) "
               "instead of stopping at the first damaged frame");
  AddVideoEncodeOptions(app, &job.encode);
  app.add_flag("--resume", job.resume,
               "Continue an interrupted run: skip outputs that exist, fill "
               "in the missing frames of frame folders, and continue video "
               "outputs at their first unfinished segment");
  AddOverwriteFlag(app, &job.overwrite);
  app.add_option(
         "--segment-frames", job.segment_frames,
         "Frame folders and videos: frames per resumable segment (each starts "
         "a temporal stabiliser warmed up on the 8 frames before it)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_flag("-q,--quiet", quiet, "No progress bars");

  return RunCli(app, argc, argv, [&]() -> int {
    predictor_options.device = device;
    predictor_options.precision =
        ParseFlag("--precision", [&] { return ParsePrecision(precision); });
    predictor_options.flow_method =
        ParseFlag("--flow", [&] { return ParseFlowMethod(flow); });
    job.output = output;
    job.folder_format = ToLower(format);
    if (!IsImageFile("x." + job.folder_format)) {
      ThrowError("--format {}: choose png, pfm, npy, exr or jpg", format);
    }
    job.file.colormap =
        ParseFlag("--colormap", [&] { return ParseColormap(colormap); });
    if (!range.empty())
      job.file.range = ParseFlag("--range", [&] { return ParseRange(range); });
    job.sequence.upsample.method =
        ParseFlag("--upsample", [&] { return ParseUpsampleMethod(upsample); });
    job.sequence.stabilizer.mode =
        ParseFlag("--temporal", [&] { return ParseTemporalMode(temporal); });
    if (temporal_strength >= 0) {
      job.sequence.stabilizer.strength = temporal_strength;
    }
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
    scan_options.exclude = output;
    const MediaScan scan = ExpandMediaInputs(input_args, scan_options);
    if (scan.inputs.empty()) {
      ThrowNothingToDo(scan.problems);
    }

    const std::filesystem::path model_path = ResolveModelPath(model);
    UseVideoJobThreads(output, &predictor_options);
    Predictor predictor(model_path, predictor_options);
    job.model_id = ModelFileSettings(model_path);
    if (!quiet) {
      fmt::print(stderr, "{}\n", predictor.Describe(model_path.string()));
    }
    InstallInterruptHandler();
    DepthJobReport report;
    try {
      report = RunDepthJob(scan.inputs, predictor, job,
                           CliJobControl(job.show_progress));
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
      if (report.video_frames > 0) {
        const double ms = 1000.0 / report.video_frames;
        fmt::print(stderr,
                   "per video frame, each stage busy: "
                   "decode {:.1f} ms, depth {:.1f} ms, render {:.1f} ms, "
                   "encode {:.1f} ms\n",
                   report.decode_s * ms, report.depth_s * ms,
                   report.render_s * ms, report.encode_s * ms);
      }
    }
    // Measured only when asked for (--flicker): shown even with -q.
    if (report.raw_flicker >= 0) {
      fmt::print(stderr,
                 "flicker (mean frame-to-frame change on static pixels): "
                 "{:.2f}% raw, {:.2f}% stabilised\n",
                 100 * report.raw_flicker, 100 * report.stabilized_flicker);
    }
    if (!failures.empty()) {
      return ReportInputFailures(failures);
    }
    return kExitOk;
  });
}

}  // namespace parallax
