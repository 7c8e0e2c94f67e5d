// parallax train: see train/trainer.h for what a run folder holds.
#include <cstdlib>

#include <spdlog/spdlog.h>

#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/module_commands.h"
#include "parallax/infer/default_model.h"
#include "parallax/model/depth_anything_file.h"
#include "parallax/train/trainer.h"
#include "parallax/util/check.h"
#include "parallax/util/interrupt.h"
#include "parallax/util/strings.h"

namespace parallax {
namespace {

// A run that fails before it has anything to keep (a bad --data, a full disk
// at the first checkpoint) leaves no folder behind when this command made
// it. Teacher maps cached there are kept: they cost hours to recompute.
void RemoveFailedRunFolder(const std::filesystem::path& out, bool existed) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (existed || !fs::is_directory(out, error)) return;
  for (const char* keep :
       {"checkpoint.plx", "model.plx", "teacher", "frames"}) {
    if (fs::exists(out / keep, error)) return;
  }
  fs::remove_all(out, error);
}

// Flags that describe the run itself; on --resume they come from the
// checkpoint, and giving them again has no effect.
const char* const kRunDefiningFlags[] = {"--data",
                                         "--size",
                                         "--arch",
                                         "--width-mult",
                                         "--head",
                                         "--planes",
                                         "--disparity-mode",
                                         "--max-disparity",
                                         "--input-channels",
                                         "--batch",
                                         "--layout",
                                         "--seed",
                                         "--lr",
                                         "--lr-milestones",
                                         "--lr-gamma",
                                         "--ema",
                                         "--no-augment",
                                         "--crop",
                                         "--channel-shuffle",
                                         "--flow",
                                         "--val",
                                         "--val-every",
                                         "--ssim-alpha",
                                         "--w-appearance",
                                         "--w-smoothness",
                                         "--w-lr",
                                         "--w-deep3d-smoothness",
                                         "--w-max-prob",
                                         "--w-supervised",
                                         "--w-supervised-invariant",
                                         "--w-supervised-gradient",
                                         "--init",
                                         "--teacher",
                                         "--teacher-net-size",
                                         "--images",
                                         "--frame-step",
                                         "--exclude",
                                         "--stereo-hints",
                                         "--border-mask",
                                         "--scales",
                                         "--keep-checkpoints",
                                         "--fp16"};

}  // namespace

int TrainCommand(int argc, char** argv) {
  CLI::App app(
      "Train a monocular depth network on rectified stereo pairs, with no "
      "depth labels: the network predicts disparity from the left image and "
      "learns by reconstructing each view from the other (Godard et al. "
      "2017).\n\nExamples:\n"
      "  parallax train --data ../shared/data/stereo/train --steps 50 --out "
      "runs/a\n"
      "  parallax train --out runs/a --resume            # continue a run\n"
      "  parallax train --data synth:3 --data real:1 --disparity-mode signed "
      "--epochs 10 --out runs/b\n"
      "  parallax train --teacher depth-anything-v2-small --images photos/ "
      "--images film.mkv --steps 2000 --out runs/student   # distillation",
      "parallax train");
  app.get_formatter()->column_width(34);
  TrainOptions options;
  std::vector<std::string> data, milestones, images;
  std::string size = "512x256", arch = "resnet18", head = "disparity";
  std::string mode = "positive", layout, flow = "dis";
  double max_disparity = 0;
  bool resume = false, no_augment = false, crop = false, quiet = false;
  std::string out;

  app.add_option("--data", data,
                 "Stereo folder (or MPO / packed file); repeat to mix sets, "
                 "DIR:WEIGHT to weight them")
      ->type_name("DIR[:W]");
  app.add_option("--out", out, "Run folder (checkpoints, model, log)")
      ->required()
      ->type_name("DIR");
  app.add_flag("--resume", resume,
               "Continue the run saved in --out exactly where it stopped");
  app.add_option("--steps", options.steps, "Training steps (batches)");
  app.add_option("--epochs", options.epochs,
                 "Passes over all pairs (when --steps is not given)");
  app.add_option("--batch", options.batch_size, "Pairs per step")
      ->capture_default_str();
  app.add_option("--size", size, "Training size WxH")->capture_default_str();
  app.add_option("--arch", arch,
                 "Encoder: vgg, resnet18, resnet50, or depth-anything-v2 "
                 "(set by --init FILE.pth)")
      ->capture_default_str();
  app.add_option("--width-mult", options.model.width,
                 "Channel multiplier for small, fast models (e.g. 0.5)")
      ->capture_default_str();
  app.add_option("--head", head,
                 "disparity (Monodepth) or deep3d (softmax over planes)")
      ->capture_default_str();
  app.add_option("--planes", options.model.planes,
                 "Disparity planes of the Deep3D head")
      ->capture_default_str();
  app.add_option("--disparity-mode", mode,
                 "positive (parallel rigs) or signed (converging film rigs)")
      ->capture_default_str();
  app.add_option("--max-disparity", max_disparity,
                 "Largest |disparity| as a fraction of width (default 0.3 "
                 "positive, 0.1 signed)");
  app.add_option("--input-channels", options.model.input_channels,
                 "3 (RGB) or 7 (optic flow to previous/next frame + RGB)")
      ->capture_default_str();
  app.add_option("--flow", flow, "Optic flow for 7 channels: dis, farneback")
      ->capture_default_str();
  app.add_option("--layout", layout,
                 "Read lone images as packed stereo frames: sbs or tb");
  app.add_option("--val", options.validation,
                 "Held-out stereo pairs to validate on (with GT if present)")
      ->type_name("DIR");
  app.add_option("--val-every", options.validate_every,
                 "Validate every N steps (default: at each checkpoint)");
  app.add_option("--lr", options.learning_rate, "Adam learning rate")
      ->capture_default_str();
  app.add_option("--lr-milestones", milestones,
                 "Fractions of training where the rate is multiplied by "
                 "--lr-gamma (default 0.6,0.8)")
      ->delimiter(',');
  app.add_option("--lr-gamma", options.lr_gamma, "Rate factor per milestone")
      ->capture_default_str();
  app.add_option("--ema", options.ema_decay,
                 "Keep an exponential moving average of the weights with this "
                 "decay per step (0.999 = about the last 1000 steps) and save "
                 "it as model.plx and the snapshots; 0 = off")
      ->type_name("DECAY")
      ->capture_default_str();
  app.add_option("--ssim-alpha", options.loss.ssim_alpha,
                 "SSIM share of the appearance loss")
      ->capture_default_str();
  app.add_option("--w-appearance", options.loss.appearance,
                 "Appearance loss weight")
      ->capture_default_str();
  app.add_option("--w-smoothness", options.loss.smoothness,
                 "Edge-aware smoothness weight (divided by 2^scale)")
      ->capture_default_str();
  app.add_option("--w-lr", options.loss.lr_consistency,
                 "Left-right consistency weight")
      ->capture_default_str();
  app.add_option("--w-deep3d-smoothness", options.loss.deep3d_smoothness,
                 "Deep3D cumulative-sum smoothness weight")
      ->capture_default_str();
  app.add_option("--w-max-prob", options.loss.max_probability,
                 "Deep3D max-probability weight")
      ->capture_default_str();
  app.add_option("--w-supervised", options.loss.supervised,
                 "L1 to ground-truth disparity on pairs that have it")
      ->capture_default_str();
  app.add_option("--w-supervised-invariant", options.loss.supervised_invariant,
                 "Scale-and-shift-invariant L1 to ground truth (MiDaS): asks "
                 "for the layout of the scene, not its absolute disparity")
      ->capture_default_str();
  app.add_option("--w-supervised-gradient", options.loss.supervised_gradient,
                 "Multi-scale gradient matching to ground truth (MiDaS), on "
                 "the scale-and-shift-normalised disparity: asks for sharp "
                 "depth edges where the truth has them")
      ->capture_default_str();
  app.add_option("--teacher", options.teacher,
                 "Distil this model (Depth Anything .pth, a model name, or "
                 ".plx): its disparity of every training image, computed "
                 "once and cached in the run folder, becomes the target of "
                 "the invariant and gradient losses. Stereo losses default "
                 "to 0 then; give --w-appearance etc. to add them on stereo "
                 "--data");
  app.add_option("--teacher-net-size", options.teacher_net_short_side,
                 "The teacher's input short side (default: its own, 518 "
                 "for Depth Anything)");
  app.add_option("--images", images,
                 "With --teacher: plain images, folders of images or videos "
                 "(PATH[:WEIGHT], repeatable), labelled by the teacher alone");
  app.add_option("--frame-step", options.frame_step,
                 "--images videos: every Nth frame of each shot (scene cuts "
                 "found, the frames right after a cut skipped)")
      ->capture_default_str();
  app.add_option("--init", options.init,
                 "Start from the weights of this model (.plx) of the same "
                 "architecture: fine-tuning, a later stage of a recipe. A "
                 "Depth Anything V2 .pth (or its name) fine-tunes that "
                 "transformer with the stereo losses, through a learned "
                 "output scale (and shift, --disparity-mode signed); the "
                 "result is a .plx")
      ->type_name("MODEL");
  app.add_option("--exclude", options.exclude,
                 "Leave out pairs whose left or right file path matches this "
                 "glob (repeatable), e.g. '*/Teddy.png'");
  app.add_flag("--stereo-hints", options.stereo_hints,
               "Pairs without ground truth get semi-global-matching proxy "
               "disparity (left-right checked) as supervised targets; use "
               "with --w-supervised");
  app.add_flag("--border-mask", options.loss.mask_borders,
               "Leave pixels whose match falls outside the other view (the "
               "border strips) out of the appearance loss: no bent "
               "disparity at the image edges");
  app.add_option("--scales", options.loss.num_scales,
                 "Output scales used by the loss (1-4)")
      ->capture_default_str();
  app.add_flag("--no-augment", no_augment,
               "No flips or colour jitter (resize only)");
  app.add_flag("--crop", crop,
               "Random crops at random scale instead of whole-frame resize");
  app.add_option("--channel-shuffle",
                 options.augment.channel_shuffle_probability,
                 "Probability of reordering the colour channels of a pair "
                 "(both views alike), so that hue carries no depth meaning "
                 "learnt from synthetic textures; 0 = off")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--checkpoint-every", options.checkpoint_every,
                 "Save the training state every N steps")
      ->capture_default_str();
  AddDeviceOption(app, &options.device);
  app.add_option("--seed", options.seed, "Seed for weights and data order")
      ->capture_default_str();
  app.add_option("--threads", options.threads,
                 "CPU threads for the network (0 = all cores)")
      ->capture_default_str();
  app.add_option("--workers", options.loader_workers,
                 "Background threads loading data")
      ->capture_default_str();
  app.add_flag("--keep-checkpoints", options.keep_checkpoints,
               "Also keep the weights of every checkpoint as "
               "snapshots/step_NNNNNNN.plx, to average the last ones with "
               "'parallax model-average'");
  app.add_flag("--fp16", options.fp16_model,
               "Store the final model.plx in float16 (half the size)");
  app.add_flag("--quiet", quiet, "No progress bar");
  // Data-parallel training: torchrun's variables are the defaults.
  DistributedOptions& dist = options.distributed;
  std::string master;
  if (const char* v = std::getenv("WORLD_SIZE")) dist.world_size = std::atoi(v);
  if (const char* v = std::getenv("RANK")) dist.rank = std::atoi(v);
  if (const char* v = std::getenv("MASTER_ADDR")) dist.master_addr = v;
  if (const char* v = std::getenv("MASTER_PORT"))
    dist.master_port = std::atoi(v);
  app.add_option("--world-size", dist.world_size,
                 "Data-parallel processes (one per GPU or machine); env "
                 "WORLD_SIZE")
      ->capture_default_str();
  app.add_option("--rank", dist.rank, "This process's rank, 0..N-1; env RANK")
      ->capture_default_str();
  app.add_option("--master", master,
                 "HOST:PORT of rank 0 (default 127.0.0.1:29500); env "
                 "MASTER_ADDR, MASTER_PORT");

  return RunCli(app, argc, argv, [&]() -> int {
    const std::filesystem::path out_dir = out;
    if (!master.empty()) {
      const size_t colon = master.rfind(':');
      if (colon == std::string::npos) {
        ThrowError("--master must be HOST:PORT, got '{}'", master);
      }
      dist.master_addr = master.substr(0, colon);
      dist.master_port =
          static_cast<int>(ParseInt(master.substr(colon + 1), "--master port"));
    }
    const DistributedOptions distributed = dist;
    if (resume) {
      TrainOptions saved = LoadRunOptions(out_dir);
      for (const char* flag : kRunDefiningFlags) {
        if (app.count(flag) > 0) {
          spdlog::warn(
              "{} is ignored with --resume: the run keeps the "
              "value it was started with",
              flag);
        }
      }
      if (app.count("--steps") > 0) {
        saved.steps = options.steps;
      } else if (app.count("--epochs") > 0) {
        saved.steps = 0;
        saved.epochs = options.epochs;
      }
      if (app.count("--device") > 0) saved.device = options.device;
      if (app.count("--threads") > 0) saved.threads = options.threads;
      if (app.count("--workers") > 0) {
        saved.loader_workers = options.loader_workers;
      }
      if (app.count("--checkpoint-every") > 0) {
        saved.checkpoint_every = options.checkpoint_every;
      }
      saved.out = out_dir;
      saved.distributed = distributed;
      options = saved;
    } else {
      for (const std::string& spec : data) {
        options.data.push_back(ParseDatasetSpec(spec));
      }
      for (const std::string& spec : images) {
        options.images.push_back(ParseDatasetSpec(spec));
      }
      if (!options.teacher.empty()) {
        // Distillation follows the teacher (MiDaS's scale-and-shift-
        // invariant loss with gradient matching, weights as MiDaS); the
        // stereo losses join only when asked for.
        auto set_default = [&](const char* flag, double* weight, double value) {
          if (app.count(flag) == 0) *weight = value;
        };
        set_default("--w-supervised-invariant",
                    &options.loss.supervised_invariant, 1.0);
        set_default("--w-supervised-gradient",
                    &options.loss.supervised_gradient, 0.5);
        set_default("--w-appearance", &options.loss.appearance, 0.0);
        set_default("--w-smoothness", &options.loss.smoothness, 0.0);
        set_default("--w-lr", &options.loss.lr_consistency, 0.0);
      }
      options.out = out_dir;
      const auto [width, height] = ParseSize(size, "--size");
      options.model.train_width = width;
      options.model.train_height = height;
      options.model.architecture = ParseArchitecture(arch);
      if (!options.init.empty()) options.init = ResolveModelPath(options.init);
      if (!options.init.empty() && IsTorchCheckpoint(options.init)) {
        // Fine-tuning Depth Anything itself: its sizes come from the file.
        if (app.count("--arch") > 0 &&
            options.model.architecture != Architecture::kDepthAnythingV2) {
          ThrowError(
              "--init {} is a Depth Anything checkpoint: it cannot "
              "start a --arch {} network",
              options.init.string(), arch);
        }
        const DepthAnythingConfig found = RecogniseDepthAnything(
            ReadTorchStateDict(options.init), options.init);
        options.model.architecture = Architecture::kDepthAnythingV2;
        options.model.transformer = found.ToSpec();
        options.model.mean = {0.485f, 0.456f, 0.406f};
        options.model.std = {0.229f, 0.224f, 0.225f};
        if (app.count("--size") == 0) {
          // Multiples of 14 near 2:1 (37 x 19 patches).
          options.model.train_width = 518;
          options.model.train_height = 266;
        }
      } else if (options.model.architecture == Architecture::kDepthAnythingV2 &&
                 options.init.empty()) {
        ThrowError(
            "--arch depth-anything-v2 starts from a checkpoint: give "
            "--init depth_anything_v2_vits.pth (or a model name)");
      }
      options.model.head = ParseHeadType(head);
      options.model.disparity_mode = ParseDisparityMode(mode);
      options.model.max_disparity =
          max_disparity > 0 ? max_disparity
          : options.model.disparity_mode == DisparityMode::kSigned ? 0.1
                                                                   : 0.3;
      options.flow = ParseFlowMethod(flow);
      if (!layout.empty()) options.packed = ParsePackedLayout(layout);
      if (!milestones.empty()) {
        options.lr_milestones.clear();
        for (const std::string& m : milestones) {
          options.lr_milestones.push_back(ParseDouble(m, "--lr-milestones"));
        }
      }
      options.augment.enabled = !no_augment;
      if (crop) options.augment.resize = ResizeMode::kRandomCrop;
      // Disabled augmentation draws nothing, crops and shuffles included;
      // saying both would train something other than what was asked.
      if (no_augment &&
          (crop || options.augment.channel_shuffle_probability > 0)) {
        ThrowError("--no-augment turns off {}: give one or the other",
                   crop ? "--crop" : "--channel-shuffle");
      }
    }
    InstallInterruptHandler();
    TrainCallbacks callbacks;
    callbacks.show_progress = !quiet;
    TrainResult result;
    std::error_code error;
    const bool out_existed = std::filesystem::exists(options.out, error);
    try {
      result = Train(options, resume, callbacks);
    } catch (const Cancelled&) {
      RemoveFailedRunFolder(options.out, out_existed);
      fmt::print(stderr,
                 "interrupted before training started: the teacher maps "
                 "computed so far are cached in {} and are reused when the "
                 "same command runs again\n",
                 options.out.string());
      return kExitInterrupted;
    } catch (const std::exception&) {
      RemoveFailedRunFolder(options.out, out_existed);
      throw;
    }
    return result.interrupted ? kExitInterrupted : kExitOk;
  });
}

}  // namespace parallax
