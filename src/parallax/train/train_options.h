// Everything a training run is made of. Saved inside every training
// checkpoint, so `parallax train --out DIR --resume` needs no other flag.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "parallax/data/augment.h"
#include "parallax/data/optic_flow.h"
#include "parallax/data/stereo_dataset.h"
#include "parallax/loss/stereo_loss.h"
#include "parallax/model/model_config.h"
#include "parallax/train/distributed.h"

namespace parallax {

struct TrainOptions {
  std::vector<DatasetSpec> data;       // --data DIR[:WEIGHT], repeatable
  std::optional<PackedLayout> packed;  // --layout sbs|tb for packed frames
  std::vector<std::string> exclude;    // --exclude GLOB: pairs left out
  std::filesystem::path out;           // run folder
  std::filesystem::path validation;    // --val DIR (optional)
  std::filesystem::path init;          // --init MODEL: start from its weights
  // Distillation (teacher_targets.h): the teacher's disparity of every
  // training image becomes its target for the supervised invariant and
  // gradient losses. A Depth Anything .pth, a model name or a .plx.
  std::filesystem::path teacher;
  int teacher_net_short_side = 0;  // 0 = the teacher's default
  // Plain images, image folders and videos (--images, repeatable): mono
  // samples with teacher targets only. Videos give every frame_step-th
  // frame of each shot.
  std::vector<DatasetSpec> images;
  int frame_step = 24;

  int64_t steps = 0;   // total steps; 0 = derive from epochs
  double epochs = 0;   // passes over all pairs (used when steps == 0)
  int batch_size = 8;  // Godard: 8
  ModelConfig model;   // architecture, head, disparity mode, size, ...
  LossWeights loss;
  AugmentOptions augment;
  FlowMethod flow = FlowMethod::kDis;  // for 7-channel models
  // Stereo-matched proxy GT for pairs without GT (stereo_hints.h).
  bool stereo_hints = false;

  // Adam (beta1 0.9, beta2 0.999, eps 1e-8) with Godard's schedule: the
  // rate is kept for the first 60% of the steps, then halved at 60% and 80%.
  double learning_rate = 1e-4;
  std::vector<double> lr_milestones = {0.6, 0.8};  // fractions of steps
  double lr_gamma = 0.5;

  // Exponential moving average of the weights (weight_average.h): 0 = off,
  // else the decay per step (0.999 averages about the last 1000 steps).
  // model.plx, the snapshots and validation then use the averaged weights;
  // the checkpoint keeps both, so resuming is exact.
  double ema_decay = 0;

  int64_t checkpoint_every = 500;  // steps
  int64_t validate_every = 0;      // steps; 0 = at every checkpoint
  std::string device = "auto";
  uint64_t seed = 0;
  int threads = 0;          // torch intra-op threads; 0 = all cores
  int loader_workers = 2;   // background data threads
  bool fp16_model = false;  // store the final model.plx in float16
  // Also keep the weights of every scheduled checkpoint as
  // snapshots/step_NNNNNNN.plx (SnapshotPath), for checkpoint averaging.
  bool keep_checkpoints = false;
  // Data-parallel ranks (not saved: given again when resuming).
  DistributedOptions distributed;

  // Throws parallax::Error naming the bad option.
  void Check() const;
  // Total steps for a dataset of `total_pairs` pairs.
  int64_t TotalSteps(size_t total_pairs) const;
};

void to_json(nlohmann::json& json, const TrainOptions& options);
void from_json(const nlohmann::json& json, TrainOptions& options);

// Learning rate at `step` of `total_steps` (piecewise constant).
double LearningRateAt(const TrainOptions& options, int64_t step,
                      int64_t total_steps);

}  // namespace parallax
