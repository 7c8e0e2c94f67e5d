// Depth Anything V2 (Yang et al. 2024): a DINOv2 transformer and a DPT
// head, predicting relative inverse depth (larger = nearer, known up to
// scale and shift) or, for the metric models, depth in metres.
//
// Runs the official checkpoints natively: depth_anything_file.h reads
// `depth_anything_v2_vits.pth` and friends into this network.
#pragma once

#include <array>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "parallax/model/dpt_head.h"
#include "parallax/model/model_config.h"
#include "parallax/model/vision_transformer.h"

namespace parallax {

enum class DepthAnythingEncoder {
  kVitS,    // 24.8 M parameters, Apache-2.0
  kVitB,    // 97.5 M, CC-BY-NC-4.0
  kVitL,    // 335.3 M, CC-BY-NC-4.0
  kCustom,  // another width (tests, research)
};

struct DepthAnythingConfig {
  DepthAnythingEncoder encoder = DepthAnythingEncoder::kVitS;
  VitConfig vit;
  DptConfig dpt;
  // Transformer blocks whose outputs feed the head.
  std::vector<int> layers = {2, 5, 8, 11};
  // Metric models: sigmoid output times max_depth metres.
  bool metric = false;
  double max_depth = 0;

  // The official configuration of an encoder (not kCustom).
  static DepthAnythingConfig Official(DepthAnythingEncoder encoder);
  // The network a Parallax model of Architecture::kDepthAnythingV2
  // describes, with `outputs` maps, and back.
  static DepthAnythingConfig FromSpec(const TransformerSpec& spec, int outputs);
  TransformerSpec ToSpec() const;

  // "ViT-S", "ViT-B", "ViT-L" or "custom (embed 48, 12 blocks)".
  std::string EncoderName() const;
  // "Depth Anything V2 Small", "... Metric (indoor, 20 m) Base", ...
  std::string DisplayName() const;
  // "Apache-2.0" for ViT-S, "CC-BY-NC-4.0" for ViT-B and ViT-L (the
  // publishers' terms; the metric models follow their encoder).
  std::string Licence() const;
  // Throws parallax::Error on an inconsistent configuration.
  void Check() const;
};

class DepthAnythingV2Impl : public torch::nn::Module {
 public:
  explicit DepthAnythingV2Impl(const DepthAnythingConfig& config);

  // input: [B, 3, H, W] normalised with the ImageNet mean and std, H and W
  // multiples of 14. Returns [B, H, W]: relative inverse depth (>= 0) or,
  // for metric models, metres ([B, outputs, H, W] when outputs > 1).
  torch::Tensor forward(const torch::Tensor& input);

  // input: RGB in [0, 1]; normalises, then forward().
  torch::Tensor ForwardRgb(const torch::Tensor& rgb);

  const DepthAnythingConfig& config() const { return config_; }
  int64_t NumParameters() const;

 private:
  DepthAnythingConfig config_;
  VisionTransformer pretrained_{nullptr};
  DptHead depth_head_{nullptr};
};
TORCH_MODULE(DepthAnythingV2);

}  // namespace parallax
