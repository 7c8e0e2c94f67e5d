#include "parallax/model/vision_transformer.h"

#include <cmath>

#include <torch/torch.h>
#include <torch/version.h>

#include "parallax/util/check.h"

namespace parallax {

VitAttentionImpl::VitAttentionImpl(int dim, int num_heads)
    : num_heads_(num_heads),
      scale_(1.0 / std::sqrt(static_cast<double>(dim / num_heads))) {
  THROW_CHECK_EQ(dim % num_heads, 0);
  qkv_ = register_module("qkv", torch::nn::Linear(dim, 3 * dim));
  proj_ = register_module("proj", torch::nn::Linear(dim, dim));
}

torch::Tensor VitAttentionImpl::forward(const torch::Tensor& x) {
  const int64_t batch = x.size(0), tokens = x.size(1), dim = x.size(2);
  // [B, N, 3, heads, D] -> [3, B, heads, N, D]
  const torch::Tensor qkv =
      qkv_(x)
          .reshape({batch, tokens, 3, num_heads_, dim / num_heads_})
          .permute({2, 0, 3, 1, 4});
  const torch::Tensor q = qkv[0], k = qkv[1], v = qkv[2];
  torch::Tensor out;
#if TORCH_VERSION_MAJOR >= 2
  // Fused (flash / memory-efficient) attention where LibTorch has it.
  out = at::scaled_dot_product_attention(q, k, v);
#else
  torch::Tensor attention = torch::matmul(q * scale_, k.transpose(-2, -1));
  attention = attention.softmax(-1);
  out = torch::matmul(attention, v);
#endif
  return proj_(out.transpose(1, 2).reshape({batch, tokens, dim}));
}

LayerScaleImpl::LayerScaleImpl(int dim) {
  gamma_ = register_parameter("gamma", torch::ones({dim}));
}

VitMlpImpl::VitMlpImpl(int dim, int hidden) {
  fc1_ = register_module("fc1", torch::nn::Linear(dim, hidden));
  fc2_ = register_module("fc2", torch::nn::Linear(hidden, dim));
}

torch::Tensor VitMlpImpl::forward(const torch::Tensor& x) {
  return fc2_(torch::gelu(fc1_(x)));
}

VitBlockImpl::VitBlockImpl(const VitConfig& config) {
  const int dim = config.embed_dim;
  auto norm = [&] {
    return torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-6));
  };
  norm1_ = register_module("norm1", norm());
  attn_ = register_module("attn", VitAttention(dim, config.num_heads));
  norm2_ = register_module("norm2", norm());
  mlp_ = register_module("mlp", VitMlp(dim, dim * config.mlp_ratio));
  if (config.layer_scale) {
    ls1_ = register_module("ls1", LayerScale(dim));
    ls2_ = register_module("ls2", LayerScale(dim));
  }
}

torch::Tensor VitBlockImpl::forward(const torch::Tensor& input) {
  torch::Tensor branch = attn_(norm1_(input));
  if (ls1_) branch = ls1_(branch);
  torch::Tensor x = input + branch;
  branch = mlp_(norm2_(x));
  if (ls2_) branch = ls2_(branch);
  return x + branch;
}

VisionTransformerImpl::VisionTransformerImpl(const VitConfig& config)
    : config_(config) {
  THROW_CHECK_GT(config.GridSize(), 0);
  const int dim = config.embed_dim;
  const int64_t grid = config.GridSize();
  cls_token_ = register_parameter("cls_token", torch::zeros({1, 1, dim}));
  pos_embed_ = register_parameter(
      "pos_embed", torch::randn({1, grid * grid + 1, dim}) * 0.02);
  // Used only by DINOv2's masked pre-training; kept so official files load.
  mask_token_ = register_parameter("mask_token", torch::zeros({1, dim}),
                                   /*requires_grad=*/false);
  auto patch_embed =
      register_module("patch_embed", std::make_shared<torch::nn::Module>());
  patch_proj_ = patch_embed->register_module(
      "proj",
      torch::nn::Conv2d(torch::nn::Conv2dOptions(3, dim, config.patch_size)
                            .stride(config.patch_size)));
  for (int i = 0; i < config.depth; ++i) blocks_->push_back(VitBlock(config));
  register_module("blocks", blocks_);
  norm_ = register_module(
      "norm",
      torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-6)));
}

torch::Tensor VisionTransformerImpl::PositionalEmbedding(
    int64_t rows, int64_t cols, torch::Dtype dtype) const {
  const int64_t grid = config_.GridSize();
  if (rows == grid && cols == grid) return pos_embed_.to(dtype);
  const torch::Tensor table = pos_embed_.to(torch::kFloat32);
  const int64_t dim = table.size(2);
  const torch::Tensor cls = table.slice(1, 0, 1);
  const torch::Tensor patches =
      table.slice(1, 1).reshape({1, grid, grid, dim}).permute({0, 3, 1, 2});
  // As DINOv2: the scale factor is (n + offset) / grid, and the bicubic
  // kernel maps coordinates with that scale (not with n / grid), so the
  // offset shifts every sample slightly; the output has n rows/cols.
  const double scale_rows =
      (static_cast<double>(rows) + config_.interpolate_offset) / grid;
  const double scale_cols =
      (static_cast<double>(cols) + config_.interpolate_offset) / grid;
  const torch::Tensor resized = at::upsample_bicubic2d(
      patches, {rows, cols}, /*align_corners=*/false, scale_rows, scale_cols);
  const torch::Tensor flat =
      resized.permute({0, 2, 3, 1}).reshape({1, rows * cols, dim});
  return torch::cat({cls, flat}, 1).to(dtype);
}

std::vector<torch::Tensor> VisionTransformerImpl::IntermediateLayers(
    const torch::Tensor& input, const std::vector<int>& layers) {
  const int64_t patch = config_.patch_size;
  THROW_CHECK_MSG(input.dim() == 4 && input.size(1) == 3 &&
                      input.size(2) % patch == 0 && input.size(3) % patch == 0,
                  "ViT input must be [B,3,H,W] with H, W multiples of {}",
                  patch);
  const int64_t rows = input.size(2) / patch, cols = input.size(3) / patch;
  // [B, C, rows, cols] -> [B, rows * cols, C]
  torch::Tensor x = patch_proj_(input).flatten(2).transpose(1, 2);
  x = torch::cat({cls_token_.to(x.dtype()).expand({x.size(0), -1, -1}), x}, 1);
  x = x + PositionalEmbedding(rows, cols, x.scalar_type());

  std::vector<torch::Tensor> out;
  int last = -1;
  for (int layer : layers) last = std::max(last, layer);
  THROW_CHECK_LT(last, static_cast<int>(blocks_->size()));
  for (int i = 0; i <= last; ++i) {
    x = blocks_[i]->as<VitBlock>()->forward(x);
    for (int layer : layers) {
      if (layer == i) out.push_back(norm_(x).slice(1, 1));
    }
  }
  return out;
}

}  // namespace parallax
