// The DPT head of Depth Anything V2 (Ranftl et al. 2021, "Vision
// Transformers for Dense Prediction"): four transformer layers are
// reassembled into a feature pyramid at 4x, 2x, 1x and 1/2x the patch grid,
// fused coarse to fine by residual conv units, and turned into one
// non-negative map at the input's resolution.
//
// Parameter names follow the official implementation (projects,
// resize_layers, scratch.layerN_rn, scratch.refinenetN.resConfUnitM, ...).
#pragma once

#include <array>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

namespace parallax {

struct DptConfig {
  int in_channels = 384;  // the transformer's width
  int features = 64;
  std::array<int, 4> out_channels = {48, 96, 192, 384};
  // Metric models end in a sigmoid (times the maximum depth, applied by the
  // caller) instead of a ReLU.
  bool sigmoid_output = false;
  // Output maps: 1 in the official models; 2 (left- and right-view
  // disparity) when Parallax trains one with the stereo losses.
  int outputs = 1;
};

// x + conv2(relu(conv1(relu(x)))).
class ResidualConvUnitImpl : public torch::nn::Module {
 public:
  explicit ResidualConvUnitImpl(int features);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
};
TORCH_MODULE(ResidualConvUnit);

// Adds the (refined) skip input, refines, upsamples bilinearly (corners
// aligned) to `size` or by 2, and projects with a 1x1 conv.
class FeatureFusionBlockImpl : public torch::nn::Module {
 public:
  explicit FeatureFusionBlockImpl(int features);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& skip,
                        std::vector<int64_t> size);

 private:
  torch::nn::Conv2d out_conv_{nullptr};
  ResidualConvUnit unit1_{nullptr}, unit2_{nullptr};
};
TORCH_MODULE(FeatureFusionBlock);

class DptHeadImpl : public torch::nn::Module {
 public:
  explicit DptHeadImpl(const DptConfig& config);

  // `tokens`: four [B, rows * cols, C] patch-token maps. Returns [B, 1,
  // rows * patch, cols * patch] after the final activation.
  torch::Tensor forward(const std::vector<torch::Tensor>& tokens, int64_t rows,
                        int64_t cols, int64_t patch);

 private:
  DptConfig config_;
  torch::nn::ModuleList projects_, resize_layers_;
  std::array<torch::nn::Conv2d, 4> layer_rn_{nullptr, nullptr, nullptr,
                                             nullptr};
  std::array<FeatureFusionBlock, 4> refinenet_{nullptr, nullptr, nullptr,
                                               nullptr};
  torch::nn::Conv2d output_conv1_{nullptr};
  torch::nn::Sequential output_conv2_{nullptr};
};
TORCH_MODULE(DptHead);

}  // namespace parallax
