// The monocular depth network: an encoder, Godard's skip-connected decoder
// and a disparity head at four scales. Input is the left image only; it
// predicts a left-view and a right-view disparity map per scale (the right
// one is used only by the training loss).
#pragma once

#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include "parallax/model/depth_anything.h"
#include "parallax/model/encoders.h"
#include "parallax/model/layers.h"
#include "parallax/model/model_config.h"

namespace parallax {

constexpr int kNumScales = 4;

// Per-scale outputs; index 0 is full resolution, scale s is 1/2^s.
// Disparities are fractions of the image width (docs/design.md convention:
// positive = nearer; signed mode also negative behind the screen plane).
struct DisparityPyramid {
  std::vector<torch::Tensor> left;   // [B,1,H/2^s,W/2^s]
  std::vector<torch::Tensor> right;  // [B,1,H/2^s,W/2^s]
  // Deep3D head only: per-pixel distributions over the disparity planes.
  std::vector<torch::Tensor> left_probs;   // [B,N,H/2^s,W/2^s]
  std::vector<torch::Tensor> right_probs;  // [B,N,H/2^s,W/2^s]
};

// Maps raw head activations to disparities / plane distributions.
class DisparityHeadImpl : public torch::nn::Module {
 public:
  DisparityHeadImpl(int in_channels, const ModelConfig& config);
  // Returns {left, right} disparities [B,1,h,w] and, for Deep3D, fills the
  // plane distributions.
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x,
                                                  torch::Tensor* left_probs,
                                                  torch::Tensor* right_probs);
  // The disparity (fraction of width) of each Deep3D plane: [N].
  const torch::Tensor& planes() const { return planes_; }

 private:
  ConvElu conv_{nullptr};
  HeadType head_;
  DisparityMode mode_;
  double max_disparity_;
  int num_planes_;
  torch::Tensor planes_;
};
TORCH_MODULE(DisparityHead);

class DepthNetImpl : public torch::nn::Module {
 public:
  explicit DepthNetImpl(const ModelConfig& config);

  // input: [B, input_channels, H, W]; RGB channels in [0, 1], flow channels
  // already normalised. Any H, W; multiples of config.SizeMultiple() avoid
  // rounding inside the decoder.
  DisparityPyramid forward(const torch::Tensor& input);

  const ModelConfig& config() const { return config_; }

  // Stores convolution weights and runs activations channels-last (NHWC).
  // On CPU oneDNN is faster this way; values are the same. Call after moving
  // the network to its device and before creating an optimiser.
  void SetChannelsLast(bool enabled);
  bool channels_last() const { return channels_last_; }
  // Disparity of each Deep3D plane ([N], fraction of width); undefined for
  // the disparity head.
  torch::Tensor planes() const;
  int64_t NumParameters() const;

  // Architecture::kDepthAnythingV2: the transformer (its parameters are
  // named "transformer.pretrained...", "transformer.depth_head..."), for
  // loading an official checkpoint into it.
  DepthAnythingV2& transformer() { return transformer_; }

 private:
  torch::Tensor Normalize(const torch::Tensor& input) const;
  DisparityPyramid ForwardTransformer(const torch::Tensor& normalized);

  ModelConfig config_;
  std::shared_ptr<EncoderImpl> encoder_;
  std::vector<UpConv> upconvs_;  // index = decoder level j (stride 2^j)
  std::vector<ConvElu> iconvs_;
  std::vector<DisparityHead> heads_;  // index = scale 0..3
  torch::Tensor mean_, std_;          // [1,3,1,1] buffers
  bool channels_last_ = false;
  // Depth Anything: two relative maps r (left, right view) become
  // disparity max * tanh(exp(log_scale) r [+ shift, signed mode]). The
  // scale is set from the first training batch (scale_ready = 0 until
  // then) so that the median disparity starts at a tenth of the maximum.
  DepthAnythingV2 transformer_{nullptr};
  torch::Tensor log_scale_, shift_, scale_ready_;
};
TORCH_MODULE(DepthNet);

}  // namespace parallax
