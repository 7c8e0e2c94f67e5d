// Loading official Depth Anything V2 checkpoints
// (`depth_anything_v2_vits.pth`, `..._vitb.pth`, `..._vitl.pth`,
// `depth_anything_v2_metric_hypersim_vits.pth`, ...) as published: no
// conversion step.
//
// The configuration is recognised from the tensors' shapes: the width from
// the class token, the depth from the block count, the head from its
// projections. Two things shapes cannot tell:
//  - the number of attention heads of a non-official width, and the layers
//    the head reads: taken from a `NAME.json` beside the file ("num_heads",
//    "intermediate_layers"), as the reduced test fixture has;
//  - whether the model is metric: files whose name says "metric" are, with
//    a maximum depth of 20 m ("hypersim", indoor) or 80 m ("vkitti",
//    outdoor), or "max_depth" in the JSON.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <torch/types.h>

#include "parallax/model/depth_anything.h"
#include "parallax/model/torch_state_dict.h"

namespace parallax {

// True for a file that should be read as a PyTorch state dict (".pth",
// ".pt", ".bin" or a zip archive), false for Parallax's own .plx files.
bool IsTorchCheckpoint(const std::filesystem::path& path);

// Recognises the configuration of a state dict; throws parallax::Error
// naming `name` when the tensors are not those of a Depth Anything V2 model.
DepthAnythingConfig RecogniseDepthAnything(const StateDict& weights,
                                           const std::filesystem::path& path);

struct LoadedDepthAnything {
  DepthAnythingV2 net{nullptr};
  DepthAnythingConfig config;
  int64_t file_bytes = 0;
  std::string stored_dtype;  // "float32", "float16", "mixed"
};

// Reads, recognises and loads: every key of the network must be in the file
// with its shape, and the file may hold no other key. Weights are float32
// on `device`, in eval mode. Errors name the file and the key.
LoadedDepthAnything LoadDepthAnything(const std::filesystem::path& path,
                                      torch::Device device = torch::kCPU);

// Copies `weights` into `net` under the same checks (used by the loader and
// by tests that build state dicts by hand).
void LoadDepthAnythingWeights(DepthAnythingV2& net, const StateDict& weights,
                              const std::string& name);

}  // namespace parallax
