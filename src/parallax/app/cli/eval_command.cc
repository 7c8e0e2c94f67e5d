// parallax eval: scores disparity/depth predictions against ground truth
// (eval/evaluate.h describes the protocol, eval/eval_scene.h the layouts).
#include <memory>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/app/cli/version.h"
#include "parallax/eval/baselines.h"
#include "parallax/eval/evaluate.h"
#include "parallax/eval/report.h"
#include "parallax/infer/default_model.h"
#include "parallax/infer/depth_estimator.h"
#include "parallax/io/channel_order.h"
#include "parallax/io/image_io.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"
#include "parallax/util/existing_outputs.h"
#include "parallax/util/interrupt.h"
#include "parallax/util/progress.h"
#include "parallax/util/strings.h"

namespace parallax {
namespace {

// Where the predictions come from; exactly one is given.
struct PredictionSource {
  std::string pred_dir;  // --pred DIR: files written beforehand
  std::string baseline;  // --baseline NAME: no model at all
  std::string model;     // --model FILE: predict now ("default" = shipped)
  double png_scale = 0;  // --png-scale: integer files hold disparity x S
};

// Checked before scanning the ground truth, which can take a while.
void CheckSource(const PredictionSource& source) {
  const int given = !source.pred_dir.empty() + !source.baseline.empty() +
                    !source.model.empty();
  if (given != 1) {
    ThrowError(
        "say what to score: --pred DIR, --model FILE (or --model default) "
        "or --baseline constant|vertical-gradient (one of them)");
  }
}

// The one place a source becomes a PredictFn, so every source (files,
// baselines, a network) is scored by the same code.
PredictFn MakePredictor(const PredictionSource& source,
                        const std::vector<EvalScene>& scenes,
                        PredictionKind kind, Predictor* predictor,
                        const UpsampleOptions& upsample,
                        const cv::Vec3i& channel_order) {
  CheckSource(source);
  if (!source.baseline.empty()) {
    return MakeBaselinePredictor(ParseBaseline(source.baseline));
  }
  if (predictor) {
    return [predictor, upsample,
            channel_order](const EvalScene& scene) -> Prediction {
      const auto read = [&](const std::filesystem::path& path) {
        cv::Mat image = ReadImage(path, ReadMode::kColor8);
        if (channel_order != cv::Vec3i(0, 1, 2)) {
          image = ReorderColorChannels(image, channel_order);
        }
        return image;
      };
      PredictorInput input{read(scene.left), {}, {}};
      // Flow models see the scene's neighbouring frames (frame folders),
      // as they do in a video; photos get zero flow.
      if (predictor->config().input_channels == 7) {
        for (auto [path, frame] : {std::pair{scene.previous, &input.previous},
                                   std::pair{scene.next, &input.next}}) {
          if (path.empty()) continue;
          *frame = read(path);
          if (frame->size() != input.image.size()) *frame = cv::Mat();
        }
      }
      // Pixels of disparity, but at the scale of the rigs the model was
      // trained on, not of this camera: relative for the scorer's notes.
      return Prediction(
          EstimateFrameDisparities(*predictor, {input}, upsample).front(),
          PredictionKind::kDisparity, /*relative=*/true, "model");
    };
  }
  return MakeFilePredictor(scenes, source.pred_dir, kind, source.png_scale);
}

std::string Describe(const PredictionSource& source, PredictionKind kind,
                     const std::filesystem::path& model_path) {
  if (!source.baseline.empty()) return "baseline " + source.baseline;
  if (!model_path.empty()) return "of model " + model_path.string();
  return fmt::format("{} ({})", source.pred_dir, ToString(kind));
}

// Scores every scene; a progress bar when there are several and Ctrl-C
// stops between scenes.
EvalReport RunScoring(const std::vector<EvalScene>& scenes,
                      const PredictFn& predict, const EvalOptions& options,
                      bool quiet) {
  std::unique_ptr<ProgressBar> bar;
  if (!quiet && scenes.size() > 1) {
    bar = std::make_unique<ProgressBar>(
        "eval", static_cast<int64_t>(scenes.size()), "scenes/s");
  }
  InstallInterruptHandler();
  EvalReport report =
      Evaluate(scenes, predict, options, [&](int64_t done, int64_t) {
        if (bar) bar->Update(done);
        if (InterruptRequested()) throw Cancelled();
      });
  if (bar) bar->Finish();
  return report;
}

}  // namespace

int RunEval(int argc, char** argv) {
  CLI::App app(
      "Score disparity or depth predictions against ground truth: AbsRel, "
      "SqRel, RMSE, RMSE log, δ<1.25^k (on depth = 1/disparity in pixels), "
      "KITTI D1-all, Middlebury bad-N, Spearman's rank correlation and the "
      "depth-boundary errors EdgeAcc / EdgeComp (pixels; 10 = no edge "
      "found), per scene and averaged over scenes. Ground truth layouts: "
      "Middlebury "
      "2001/2003/2014, ETH3D two-view, KITTI 2012/2015, N_left + N_gt.png, "
      "and S + S_gt.pfm|npy.\n\n"
      "Predictions under --pred are found as PRED/<rel>/<stem>_disp.EXT for "
      "a left image at <rel>/<stem>.* below --gt, else PRED/<scene>.EXT or "
      "PRED/<scene>_disp.EXT (EXT = pfm, npy, exr, png; png = normalised, "
      "units unknown).\n\nExamples:\n"
      "  parallax eval --gt ../shared/data/stereo/eval --pred preds/\n"
      "  parallax eval --gt ../shared/data/stereo/eval --model default\n"
      "  parallax eval --gt kitti/training --pred out/ --align median "
      "--json kitti.json\n"
      "  parallax eval --gt ../shared/data/stereo/eval --baseline "
      "vertical-gradient",
      "parallax eval");
  app.get_formatter()->column_width(34);
  std::string gt_dir, json_path, kind_name = "disparity", mask_name = "nonocc";
  std::string align_name = "scale-shift";
  PredictionSource source;
  EvalOptions options;
  bool quiet = false;

  app.add_option("--gt", gt_dir, "Folder with ground truth (searched deeply)")
      ->required()
      ->type_name("DIR");
  app.add_option("--pred", source.pred_dir, "Folder with the predictions")
      ->type_name("DIR");
  app.add_option(
         "--model", source.model,
         "Predict with this model (.plx, Depth Anything .pth or a name) "
         "first; 'default' = the "
         "shipped model")
      ->type_name("FILE");
  std::string device = "auto", precision = "auto", upsample = "guided";
  PredictorOptions predictor_options;
  AddDeviceOption(app, &device);
  app.add_option("--precision", precision,
                 "With --model: auto, fp32, bf16, fp16 (CUDA)")
      ->capture_default_str();
  AddNetworkInputOptions(app, &predictor_options);
  app.add_flag("--pp", predictor_options.flip_postprocess,
               "With --model: Godard's flip post-processing");
  app.add_option("--upsample", upsample,
                 "With --model: guided, joint-bilateral or bilinear")
      ->capture_default_str();
  std::string channel_order = "rgb";
  app.add_option("--channel-order", channel_order,
                 "With --model: the network sees the image's channels in "
                 "this order (gbr = red takes green, ...): how much of the "
                 "model's depth rests on hue")
      ->capture_default_str()
      ->type_name("ORDER");
  app.add_option("--baseline", source.baseline,
                 "Score a model-free baseline instead: constant, "
                 "vertical-gradient (disparity = row)")
      ->type_name("NAME");
  app.add_option("--pred-kind", kind_name,
                 "What prediction files hold: disparity or depth (inverted)")
      ->capture_default_str()
      ->type_name("KIND");
  app.add_option("--png-scale", source.png_scale,
                 "Integer predictions (PNG, integer NPY) hold disparity x S "
                 "(KITTI submissions: 256); 0 = normalised, units unknown")
      ->capture_default_str()
      ->type_name("S");
  app.add_option("--mask", mask_name,
                 "Pixels scored: nonocc (seen by both cameras), all (every "
                 "pixel with ground truth), disc (near depth edges)")
      ->capture_default_str()
      ->type_name("REGION");
  app.add_option("--align", align_name,
                 "Fit per scene before scoring: scale-shift (least squares "
                 "in disparity, MiDaS), median (depth scale, Monodepth2), "
                 "none (predictions are disparity in pixels)")
      ->capture_default_str()
      ->type_name("MODE");
  app.add_option("--bad", options.bad_thresholds,
                 "Middlebury bad-N thresholds, pixels of disparity")
      ->delimiter(',')
      ->capture_default_str()
      ->type_name("N,...");
  app.add_option("--min-disp-fraction", options.min_disp_fraction,
                 "Aligned disparities are raised to this fraction of the "
                 "scene's smallest ground-truth disparity")
      ->capture_default_str();
  app.add_option("--max-depth", options.max_depth,
                 "Score only ground truth with depth <= D and clamp predicted "
                 "depth to D; depth = 1/disparity in pixels (0.01 = 100 px); "
                 "0 = no cap")
      ->capture_default_str()
      ->type_name("D");
  app.add_option("--json", json_path,
                 "Also write the scores (and options) as JSON")
      ->type_name("FILE");
  app.add_flag("--quiet", quiet, "No progress bar");

  bool overwrite = false;
  AddOverwriteFlag(app, &overwrite);
  return RunCli(app, argc, argv, [&]() -> int {
    RefuseExistingOutput(json_path, ExistingOutputsFromFlags(overwrite, false),
                         /*resumable=*/false);
    options.alignment = ParseAlignment(align_name);
    options.Check();
    const PredictionKind kind = ParsePredictionKind(kind_name);
    EvalScanOptions scan;
    scan.mask = ParseEvalMask(mask_name);
    CheckSource(source);
    const cv::Vec3i rgb_order = ParseChannelOrder(channel_order);
    channel_order = ToLower(channel_order);  // one spelling in the report
    const bool reordered = rgb_order != cv::Vec3i(0, 1, 2);
    if (reordered && source.model.empty()) {
      ThrowError(
          "--channel-order changes what a network sees: use it with "
          "--model");
    }
    if (!source.baseline.empty() && app.count("--pred-kind") > 0) {
      spdlog::warn("--pred-kind is ignored with --baseline");
    }

    const std::vector<EvalScene> scenes = ScanEvalScenes(gt_dir, scan);
    std::unique_ptr<Predictor> predictor;
    std::filesystem::path model_path;
    UpsampleOptions upsample_options;
    if (!source.model.empty()) {
      model_path =
          ResolveModelPath(source.model == "default" ? "" : source.model);
      predictor_options.device = device;
      predictor_options.precision = ParsePrecision(precision);
      predictor = std::make_unique<Predictor>(model_path, predictor_options);
      upsample_options.method = ParseUpsampleMethod(upsample);
    }
    const PredictFn predict = MakePredictor(
        source, scenes, kind, predictor.get(), upsample_options, rgb_order);
    EvalReport report;
    try {
      report = RunScoring(scenes, predict, options, quiet);
    } catch (const Cancelled&) {
      fmt::print(stderr, "interrupted: no scores written\n");
      return kExitInterrupted;
    }
    for (const std::string& note : report.notes) spdlog::warn("{}", note);

    fmt::print(
        "{} scenes under {}, predictions {}\nalign {}, disparity floor {} x "
        "smallest ground-truth disparity, depth = 1/disparity (1/px){}, "
        "mask {}\n\n{}",
        scenes.size(), gt_dir,
        Describe(source, kind, model_path) +
            (reordered ? fmt::format(", channels {}", channel_order) : ""),
        ToString(options.alignment), options.min_disp_fraction,
        options.max_depth > 0 ? fmt::format(" up to {}", options.max_depth)
                              : "",
        ToString(scan.mask), FormatReportTable(report, options));

    if (!json_path.empty()) {
      nlohmann::json json = ReportToJson(report, options);
      nlohmann::json& used = json["options"];
      used["gt"] = gt_dir;
      used["pred"] = source.pred_dir.empty() ? nlohmann::json(nullptr)
                                             : nlohmann::json(source.pred_dir);
      used["model"] = model_path.empty() ? nlohmann::json(nullptr)
                                         : nlohmann::json(model_path.string());
      used["baseline"] = source.baseline.empty()
                             ? nlohmann::json(nullptr)
                             : nlohmann::json(source.baseline);
      used["pred_kind"] = ToString(kind);
      used["mask"] = ToString(scan.mask);
      used["channel_order"] = channel_order;
      if (!model_path.empty()) {
        used["net_pixels"] = predictor_options.target_pixels;  // 0 = trained
        used["edge_padding"] = predictor_options.edge_padding;
        used["flip_postprocess"] = predictor_options.flip_postprocess;
      }
      used["edges"] = {{"low", options.edges.low},
                       {"high", options.edges.high},
                       {"max_distance_px", options.edges.max_distance}};
      json["parallax_version"] = kVersion;
      WriteFileAtomic(json_path, json.dump(2) + "\n");
      fmt::print("\nwrote {}\n", json_path);
    }
    return kExitOk;
  });
}

}  // namespace parallax
