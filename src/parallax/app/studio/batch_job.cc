#include "parallax/app/studio/batch_job.h"

#include <algorithm>
#include <memory>
#include <string_view>
#include <thread>

#include <fmt/format.h>

#include "parallax/data/optic_flow.h"
#include "parallax/infer/default_model.h"
#include "parallax/infer/disparity_output.h"
#include "parallax/infer/edge_aware_upsample.h"
#include "parallax/infer/predictor.h"
#include "parallax/infer/temporal_stabilizer.h"
#include "parallax/io/image_io.h"
#include "parallax/jobs/defocus_job.h"
#include "parallax/jobs/depth_job.h"
#include "parallax/jobs/effect_depth.h"
#include "parallax/jobs/fog_job.h"
#include "parallax/jobs/media_inputs.h"
#include "parallax/jobs/memory_needs.h"
#include "parallax/jobs/segmented_video.h"
#include "parallax/jobs/stereo_job.h"
#include "parallax/stereo/stereo_frame.h"
#include "parallax/stereo/stereo_render.h"
#include "parallax/util/check.h"
#include "parallax/util/interrupt.h"
#include "parallax/util/strings.h"

namespace parallax::studio {

namespace fs = std::filesystem;

namespace {

// Each step below mirrors the command's code (app/cli/*_command.cc) with
// its flags at their defaults: the string defaults are parsed as the
// command parses them, so that a change of a default there and here reads
// the same.

void RunDepthBatch(const BatchRequest& request, const JobControl& control,
                   BatchResult* result) {
  // parallax depth (depth_command.cc).
  PredictorOptions predictor_options;
  predictor_options.device = request.device;
  predictor_options.precision = ParsePrecision("auto");
  predictor_options.flow_method = ParseFlowMethod("dis");
  DepthJobOptions job;
  job.output = request.output;
  job.folder_format = ToLower(request.depth_format);
  if (!IsImageFile("x." + job.folder_format)) {
    ThrowError("format {}: choose png, pfm, npy, exr or jpg",
               request.depth_format);
  }
  job.file.colormap = ParseColormap(request.colormap);
  job.sequence.upsample.method = ParseUpsampleMethod("guided");
  job.sequence.stabilizer.mode = ParseTemporalMode("flow");
  job.show_progress = true;
  job.resume = request.existing == ExistingOutputs::kResume;
  job.overwrite = request.existing == ExistingOutputs::kOverwrite;

  MediaInputOptions scan_options;  // output_suffix "_disp"
  scan_options.exclude = request.output;
  const MediaScan scan = ExpandMediaInputs(request.inputs, scan_options);
  if (scan.inputs.empty()) ThrowNothingToDo(scan.problems);
  result->failures = scan.problems;

  const fs::path model_path = ResolveModelPath(request.model);
  Predictor predictor(model_path, predictor_options);
  job.model_id = ModelFileSettings(model_path);
  const DepthJobReport report =
      RunDepthJob(scan.inputs, predictor, job, control);
  result->failures.insert(result->failures.end(), report.failures.begin(),
                          report.failures.end());
  result->images = report.images;
  result->frames = report.frames;
}

void RunStereoBatch(const BatchRequest& request, const JobControl& control,
                    BatchResult* result) {
  // parallax stereo (stereo_command.cc), no --disparity.
  PredictorOptions predictor_options;
  predictor_options.device = request.device;
  StereoJobOptions job;
  job.output = request.output;
  job.folder_format = "png";
  StereoRenderOptions& render = job.render;
  render.layout = ParseStereoLayout(request.layout);
  render.anaglyph = ParseAnaglyphMethod("dubois");
  render.unit = ParseDisparityUnit("relative");
  render.synthetic = ParseSyntheticView("both");
  render.renderer = ParseViewRenderer("forward");
  const NeededPlaneViews planes = PlaneViewsFor(render);
  predictor_options.right_planes = planes.right;
  predictor_options.left_planes = planes.left;
  render.parallax.convergence = ParseDouble("0.5", "convergence");
  render.parallax.Check();
  // render.edge_sharpen_radius stays as StereoJobOptions sets it: the
  // jobs layer chooses it for network and given maps.
  job.sequence.upsample.method = ParseUpsampleMethod("guided");
  job.sequence.stabilizer.mode = ParseTemporalMode("flow");
  job.show_progress = true;
  job.resume = request.existing == ExistingOutputs::kResume;
  job.overwrite = request.existing == ExistingOutputs::kOverwrite;

  MediaInputOptions scan_options;
  scan_options.output_suffix = "_3d";
  scan_options.exclude = request.output;
  const MediaScan scan = ExpandMediaInputs(request.inputs, scan_options);
  if (scan.inputs.empty()) ThrowNothingToDo(scan.problems);
  result->failures = scan.problems;

  const fs::path model_path = ResolveModelPath(request.model);
  auto predictor = std::make_unique<Predictor>(model_path, predictor_options);
  job.model_id = ModelFileSettings(model_path);
  const StereoJobReport report =
      RunStereoJob(scan.inputs, predictor.get(), job, control);
  result->failures.insert(result->failures.end(), report.failures.begin(),
                          report.failures.end());
  result->images = report.images;
  result->frames = report.frames;
}

// The options every effect batch shares: defaults of the commands' flags.
void SetEffectBatchOptions(const BatchRequest& request, EffectJobOptions* job) {
  job->output = request.output;
  job->depth.model = request.model;  // --depth-kind disparity, --upsample
  job->depth.device = request.device;
  job->existing = request.existing;
  job->show_progress = true;
}

BatchResult FromEffectReport(EffectJobReport report) {
  BatchResult result;
  result.failures = std::move(report.failures);
  result.frames = report.frames;
  return result;
}

void RunDefocusBatch(const BatchRequest& request, const JobControl& control,
                     BatchResult* result) {
  // parallax defocus (defocus_command.cc): no --focus (the image centre),
  // no --depth, no --save-depth.
  DefocusJobOptions job;
  SetEffectBatchOptions(request, &job);
  ParseDefocusMethod(request.defocus_method, &job.settings);
  job.settings.lens_options.blur.max_blur = request.max_blur;
  *result = FromEffectReport(RunDefocusJob(request.inputs, job, control));
}

void RunFogBatch(const BatchRequest& request, const JobControl& control,
                 BatchResult* result) {
  // parallax fog (fog_command.cc): --mode exp, --color 0.8,0.8,0.8, no
  // --depth.
  FogJobOptions job;
  SetEffectBatchOptions(request, &job);
  job.fog.mode = FogOptions::Mode::kExponential;
  job.fog.density = request.fog_density;
  job.fog.color = cv::Scalar(0.8, 0.8, 0.8);
  *result = FromEffectReport(RunFogJob(request.inputs, job, control));
}

// The batch dialog's words for a job option's field (OptionError).
std::string BatchOptionName(std::string_view field) {
  if (field == "overwrite") return "Existing outputs: Overwrite them";
  if (field == "resume") return "Existing outputs: Keep them and resume";
  if (field == "output") return "the output";
  std::string name(field);
  std::replace(name.begin(), name.end(), '_', ' ');
  return name;
}

// `control` whose cancel checks first wait `delay` (tests).
JobControl WithStepDelay(const JobControl& control,
                         std::chrono::milliseconds delay) {
  JobControl delayed = control;
  delayed.cancel_requested = [asked = control.cancel_requested, delay] {
    const auto requested = [&] {
      return asked ? asked() : InterruptRequested();
    };
    for (auto waited = std::chrono::milliseconds(0); waited < delay;
         waited += std::chrono::milliseconds(10)) {
      if (requested()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return requested();
  };
  return delayed;
}

}  // namespace

const char* BatchKindName(BatchKind kind) {
  switch (kind) {
    case BatchKind::kDepth:
      return "depth";
    case BatchKind::kStereo:
      return "stereo";
    case BatchKind::kDefocus:
      return "defocus";
    case BatchKind::kFog:
      return "fog";
  }
  return "?";
}

BatchResult RunBatch(const BatchRequest& request, const JobControl& control) {
  const auto start = std::chrono::steady_clock::now();
  JobControl delayed =
      request.step_delay_for_testing.count() > 0
          ? WithStepDelay(control, request.step_delay_for_testing)
          : control;
  // Failures name options as this dialog does.
  if (!delayed.option_name) delayed.option_name = BatchOptionName;
  BatchResult result;
  try {
    if (request.output.empty()) ThrowError("choose an output folder or file");
    switch (request.kind) {
      case BatchKind::kDepth:
        RunDepthBatch(request, delayed, &result);
        break;
      case BatchKind::kStereo:
        RunStereoBatch(request, delayed, &result);
        break;
      case BatchKind::kDefocus:
        RunDefocusBatch(request, delayed, &result);
        break;
      case BatchKind::kFog:
        RunFogBatch(request, delayed, &result);
        break;
    }
  } catch (const Cancelled&) {
    result.status = BatchResult::Status::kCancelled;
  } catch (const OptionError& e) {
    result.status = BatchResult::Status::kFailed;
    result.error = e.Render(BatchOptionName);
  } catch (const std::exception& e) {
    result.status = BatchResult::Status::kFailed;
    result.error = e.what();
  }
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return result;
}

}  // namespace parallax::studio
