// The DINOv2 vision transformer as Depth Anything V2 uses it (Oquab et al.
// 2023): 14-px patch embedding, a class token, a learned positional
// embedding for a square grid (37x37 for 518 px) resampled bicubically to
// the input's patch grid, pre-norm blocks with LayerScale, GELU MLPs, and a
// final LayerNorm applied to the intermediate layers the DPT head reads.
//
// Parameter names follow the official implementation, so an official state
// dict loads key for key ("blocks.3.attn.qkv.weight", "ls1.gamma", ...).
#pragma once

#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

namespace parallax {

struct VitConfig {
  int patch_size = 14;
  int embed_dim = 384;
  int depth = 12;
  int num_heads = 6;
  int mlp_ratio = 4;
  // The positional embedding is learned for img_size / patch_size patches on
  // a side; other grids are resampled from it.
  int img_size = 518;
  // Added to the target grid size when computing the bicubic scale factor
  // (DINOv2's work-around for a rounding problem; 0.1 in Depth Anything).
  double interpolate_offset = 0.1;
  // LayerScale after attention and MLP (init 1.0 in the official models).
  bool layer_scale = true;

  int GridSize() const { return img_size / patch_size; }
};

// Multi-head self-attention with one fused qkv projection.
class VitAttentionImpl : public torch::nn::Module {
 public:
  VitAttentionImpl(int dim, int num_heads);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  int num_heads_;
  double scale_;
  torch::nn::Linear qkv_{nullptr}, proj_{nullptr};
};
TORCH_MODULE(VitAttention);

// A learned per-channel scale of a residual branch.
class LayerScaleImpl : public torch::nn::Module {
 public:
  explicit LayerScaleImpl(int dim);
  torch::Tensor forward(const torch::Tensor& x) { return x * gamma_; }

 private:
  torch::Tensor gamma_;
};
TORCH_MODULE(LayerScale);

class VitMlpImpl : public torch::nn::Module {
 public:
  VitMlpImpl(int dim, int hidden);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Linear fc1_{nullptr}, fc2_{nullptr};
};
TORCH_MODULE(VitMlp);

// x + ls1(attn(norm1(x))), then x + ls2(mlp(norm2(x))).
class VitBlockImpl : public torch::nn::Module {
 public:
  explicit VitBlockImpl(const VitConfig& config);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::LayerNorm norm1_{nullptr}, norm2_{nullptr};
  VitAttention attn_{nullptr};
  VitMlp mlp_{nullptr};
  LayerScale ls1_{nullptr}, ls2_{nullptr};
};
TORCH_MODULE(VitBlock);

class VisionTransformerImpl : public torch::nn::Module {
 public:
  explicit VisionTransformerImpl(const VitConfig& config);

  // input: [B, 3, H, W], normalised, H and W multiples of the patch size.
  // Returns the patch tokens ([B, H/14 * W/14, C], class token dropped)
  // after each block in `layers`, passed through the final norm.
  std::vector<torch::Tensor> IntermediateLayers(const torch::Tensor& input,
                                                const std::vector<int>& layers);

  // The positional embedding for a grid of `rows` x `cols` patches,
  // [1, 1 + rows * cols, C], in `dtype`.
  torch::Tensor PositionalEmbedding(int64_t rows, int64_t cols,
                                    torch::Dtype dtype) const;

  const VitConfig& config() const { return config_; }

 private:
  VitConfig config_;
  torch::Tensor cls_token_, pos_embed_, mask_token_;
  torch::nn::Conv2d patch_proj_{nullptr};
  torch::nn::ModuleList blocks_;
  torch::nn::LayerNorm norm_{nullptr};
};
TORCH_MODULE(VisionTransformer);

}  // namespace parallax
