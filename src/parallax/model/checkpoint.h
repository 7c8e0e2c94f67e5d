// Saving and loading depth networks as Parallax model files (.plx, see
// checkpoint_file.h). A file carries the ModelConfig, so loading needs no
// flags: the network is rebuilt from the file and its weights checked
// name by name and shape by shape.
#pragma once

#include <filesystem>
#include <string>

#include <torch/types.h>
#include <nlohmann/json.hpp>

#include "parallax/model/depth_net.h"

namespace parallax {

struct SaveModelOptions {
  // Store weights as float16: half the size, for shipped models. Training
  // checkpoints keep float32 so that resuming is exact.
  bool fp16 = false;
  // Free-form description: training step, data, command line, ...
  nlohmann::json metadata = nlohmann::json::object();
  // Serialised optimiser state (training checkpoints only), or empty.
  std::string optimizer_state;
  // Serialised trainer state (RNG, step, ...), or empty.
  std::string trainer_state;
  // Serialised moving average of the weights (runs with --ema), or empty.
  std::string averaged_state;
};

void SaveModel(const std::filesystem::path& path, DepthNet& net,
               const SaveModelOptions& options = {});

struct LoadedModel {
  DepthNet net{nullptr};
  ModelConfig config;
  nlohmann::json metadata;
  std::string optimizer_state;  // empty if the file has none
  std::string trainer_state;    // empty if the file has none
  std::string averaged_state;   // empty if the file has none
};

// Throws parallax::Error naming the file for a missing, truncated, corrupt
// or mismatched file. The network is returned on `device`, in eval mode.
LoadedModel LoadModel(const std::filesystem::path& path,
                      torch::Device device = torch::kCPU);

// "auto" (CUDA when available), "cpu", "cuda" or "cuda:N". Throws
// parallax::Error when CUDA is asked for but this build or machine has none.
torch::Device ResolveDevice(const std::string& name);

}  // namespace parallax
