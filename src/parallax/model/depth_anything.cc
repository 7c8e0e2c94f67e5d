#include "parallax/model/depth_anything.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "parallax/util/check.h"

namespace parallax {

DepthAnythingConfig DepthAnythingConfig::Official(
    DepthAnythingEncoder encoder) {
  DepthAnythingConfig config;
  config.encoder = encoder;
  switch (encoder) {
    case DepthAnythingEncoder::kVitS:
      config.vit.embed_dim = 384;
      config.vit.num_heads = 6;
      config.dpt.features = 64;
      config.dpt.out_channels = {48, 96, 192, 384};
      break;
    case DepthAnythingEncoder::kVitB:
      config.vit.embed_dim = 768;
      config.vit.num_heads = 12;
      config.dpt.features = 128;
      config.dpt.out_channels = {96, 192, 384, 768};
      break;
    case DepthAnythingEncoder::kVitL:
      config.vit.embed_dim = 1024;
      config.vit.num_heads = 16;
      config.vit.depth = 24;
      config.layers = {4, 11, 17, 23};
      config.dpt.features = 256;
      config.dpt.out_channels = {256, 512, 1024, 1024};
      break;
    case DepthAnythingEncoder::kCustom:
      ThrowError("there is no official custom configuration");
  }
  config.dpt.in_channels = config.vit.embed_dim;
  return config;
}

DepthAnythingConfig DepthAnythingConfig::FromSpec(const TransformerSpec& spec,
                                                  int outputs) {
  DepthAnythingConfig config;
  config.encoder = DepthAnythingEncoder::kCustom;
  config.vit.embed_dim = spec.embed_dim;
  config.vit.depth = spec.depth;
  config.vit.num_heads = spec.num_heads;
  config.vit.patch_size = spec.patch_size;
  config.vit.img_size = spec.img_size;
  config.dpt.in_channels = spec.embed_dim;
  config.dpt.features = spec.features;
  config.dpt.out_channels = spec.out_channels;
  config.dpt.outputs = outputs;
  config.layers.assign(spec.layers.begin(), spec.layers.end());
  for (DepthAnythingEncoder encoder :
       {DepthAnythingEncoder::kVitS, DepthAnythingEncoder::kVitB,
        DepthAnythingEncoder::kVitL}) {
    const DepthAnythingConfig official = Official(encoder);
    if (official.ToSpec().embed_dim == spec.embed_dim &&
        official.vit.depth == spec.depth &&
        official.dpt.features == spec.features &&
        official.dpt.out_channels == spec.out_channels) {
      config.encoder = encoder;
    }
  }
  return config;
}

TransformerSpec DepthAnythingConfig::ToSpec() const {
  TransformerSpec spec;
  spec.embed_dim = vit.embed_dim;
  spec.depth = vit.depth;
  spec.num_heads = vit.num_heads;
  spec.patch_size = vit.patch_size;
  spec.img_size = vit.img_size;
  spec.features = dpt.features;
  spec.out_channels = dpt.out_channels;
  for (int i = 0; i < 4; ++i) spec.layers[i] = layers[i];
  return spec;
}

std::string DepthAnythingConfig::EncoderName() const {
  switch (encoder) {
    case DepthAnythingEncoder::kVitS:
      return "ViT-S";
    case DepthAnythingEncoder::kVitB:
      return "ViT-B";
    case DepthAnythingEncoder::kVitL:
      return "ViT-L";
    case DepthAnythingEncoder::kCustom:
      break;
  }
  return fmt::format("custom (embed {}, {} blocks, {} heads)", vit.embed_dim,
                     vit.depth, vit.num_heads);
}

std::string DepthAnythingConfig::DisplayName() const {
  std::string size;
  switch (encoder) {
    case DepthAnythingEncoder::kVitS:
      size = "Small";
      break;
    case DepthAnythingEncoder::kVitB:
      size = "Base";
      break;
    case DepthAnythingEncoder::kVitL:
      size = "Large";
      break;
    case DepthAnythingEncoder::kCustom:
      size = EncoderName();
      break;
  }
  if (!metric) return "Depth Anything V2 " + size;
  return fmt::format("Depth Anything V2 Metric ({:g} m) {}", max_depth, size);
}

std::string DepthAnythingConfig::Licence() const {
  switch (encoder) {
    case DepthAnythingEncoder::kVitS:
      return "Apache-2.0";
    case DepthAnythingEncoder::kVitB:
    case DepthAnythingEncoder::kVitL:
      return "CC-BY-NC-4.0 (non-commercial use only)";
    case DepthAnythingEncoder::kCustom:
      break;
  }
  return "unknown (not an official configuration: ask whoever made it)";
}

void DepthAnythingConfig::Check() const {
  if (vit.embed_dim <= 0 || vit.num_heads <= 0 ||
      vit.embed_dim % vit.num_heads != 0) {
    ThrowError("transformer width {} does not split into {} heads",
               vit.embed_dim, vit.num_heads);
  }
  if (vit.patch_size <= 0 || vit.img_size < vit.patch_size) {
    ThrowError("bad patch size {} for image size {}", vit.patch_size,
               vit.img_size);
  }
  if (layers.size() != 4) ThrowError("the DPT head reads exactly 4 layers");
  for (int layer : layers) {
    if (layer < 0 || layer >= vit.depth) {
      ThrowError("layer {} is not one of the {} blocks", layer, vit.depth);
    }
  }
  if (dpt.in_channels != vit.embed_dim || dpt.features < 2 || dpt.outputs < 1) {
    ThrowError("the DPT head does not fit the transformer");
  }
  if (metric && !(max_depth > 0)) {
    ThrowError("a metric model needs a positive maximum depth");
  }
}

DepthAnythingV2Impl::DepthAnythingV2Impl(const DepthAnythingConfig& config)
    : config_(config) {
  config_.Check();
  DptConfig dpt = config_.dpt;
  dpt.sigmoid_output = config_.metric;
  pretrained_ = register_module("pretrained", VisionTransformer(config_.vit));
  depth_head_ = register_module("depth_head", DptHead(dpt));
}

torch::Tensor DepthAnythingV2Impl::forward(const torch::Tensor& input) {
  const int64_t patch = config_.vit.patch_size;
  const int64_t rows = input.size(2) / patch, cols = input.size(3) / patch;
  const std::vector<torch::Tensor> tokens =
      pretrained_->IntermediateLayers(input, config_.layers);
  torch::Tensor out = depth_head_->forward(tokens, rows, cols, patch);
  if (config_.metric) {
    out = out * config_.max_depth;
  } else {
    out = torch::relu(out);
  }
  return out.squeeze(1);
}

torch::Tensor DepthAnythingV2Impl::ForwardRgb(const torch::Tensor& rgb) {
  const auto options =
      torch::TensorOptions().dtype(rgb.scalar_type()).device(rgb.device());
  const torch::Tensor mean =
      torch::tensor({0.485f, 0.456f, 0.406f}).to(options).view({1, 3, 1, 1});
  const torch::Tensor std =
      torch::tensor({0.229f, 0.224f, 0.225f}).to(options).view({1, 3, 1, 1});
  return forward((rgb - mean) / std);
}

int64_t DepthAnythingV2Impl::NumParameters() const {
  int64_t count = 0;
  for (const torch::Tensor& p : parameters()) count += p.numel();
  return count;
}

}  // namespace parallax
