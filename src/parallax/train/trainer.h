// `parallax train`: unsupervised stereo training of a depth network
// (Godard 2017), with the signed-disparity and optic-flow variants of
// 3D_learner and the Deep3D head.
//
// A run lives in one folder:
//   checkpoint.plx     model + optimiser + trainer state, replaced atomically
//                      every --checkpoint-every steps, on Ctrl-C and at the
//                      end; --resume continues from it exactly
//   model.plx          the trained weights alone (written at the end); with
//                      --ema their moving average, which the checkpoint
//                      also carries
//   train_log.jsonl    one JSON line per step with every loss term, and one
//                      per validation
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "parallax/train/train_options.h"

namespace parallax {

struct StepReport {
  int64_t step = 0;  // steps completed so far
  int64_t total_steps = 0;
  double learning_rate = 0;
  double images_per_second = 0;
  std::map<std::string, double> loss;
};

struct TrainCallbacks {
  // After every step; returning false stops the run like Ctrl-C does (a
  // checkpoint is saved first).
  std::function<bool(const StepReport&)> on_step;
  bool show_progress = true;
};

struct TrainResult {
  int64_t first_step = 0;  // > 0 when resumed
  int64_t last_step = 0;
  int64_t total_steps = 0;
  bool interrupted = false;
  std::map<std::string, double> last_loss;
  // Sum of all weights at the end: equal on every rank of a data-parallel
  // run (a cheap way to see that the ranks stayed in step).
  double parameter_sum = 0;
};

// Starts a new run in options.out (refusing to touch a folder that already
// holds one), or with `resume` continues the run saved there. Throws
// parallax::Error on bad data or options, and when the loss turns NaN/Inf
// (the last good checkpoint is kept).
TrainResult Train(const TrainOptions& options, bool resume,
                  const TrainCallbacks& callbacks = {});

// The options saved in a run folder's checkpoint (for --resume).
TrainOptions LoadRunOptions(const std::filesystem::path& out);

std::filesystem::path CheckpointPath(const std::filesystem::path& out);
std::filesystem::path ModelPath(const std::filesystem::path& out);
std::filesystem::path LogPath(const std::filesystem::path& out);
// Weights at `step` of a run with TrainOptions::keep_checkpoints.
std::filesystem::path SnapshotPath(const std::filesystem::path& out,
                                   int64_t step);

}  // namespace parallax
