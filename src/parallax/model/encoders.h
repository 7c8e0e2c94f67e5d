// Encoders of the depth networks. Each returns its feature maps from fine to
// coarse: feature k has stride 2^(k+1) relative to the input.
#pragma once

#include <memory>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/pooling.h>

#include "parallax/model/layers.h"
#include "parallax/model/model_config.h"

namespace parallax {

class EncoderImpl : public torch::nn::Module {
 public:
  // [B,C,H,W] -> features; features[k] is [B, channels()[k], H/2^(k+1), ...]
  virtual std::vector<torch::Tensor> forward(const torch::Tensor& x) = 0;
  const std::vector<int>& channels() const { return channels_; }

 protected:
  std::vector<int> channels_;
};

// Godard 2017, supplementary Table 1: conv1..conv7b, each stage a stride-2
// conv followed by a stride-1 conv; kernels 7, 5, 3, 3, 3, 3, 3.
class VggEncoderImpl : public EncoderImpl {
 public:
  VggEncoderImpl(int input_channels, double width);
  std::vector<torch::Tensor> forward(const torch::Tensor& x) override;

 private:
  std::vector<torch::nn::Sequential> stages_;
};

// Godard's ResNet encoder: 7x7 stride-2 conv, 3x3 max-pool, then four stages
// whose last block has stride 2 (features at strides 2, 4, 8, 16, 32, 64).
// Basic blocks for ResNet18 ([2, 2, 2, 2]), bottlenecks for ResNet50
// ([3, 4, 6, 3]). No batch norm, ELU activations, as the reference.
class ResNetEncoderImpl : public EncoderImpl {
 public:
  ResNetEncoderImpl(int input_channels, double width, bool bottleneck,
                    const std::vector<int>& blocks);
  std::vector<torch::Tensor> forward(const torch::Tensor& x) override;

 private:
  ConvElu conv1_{nullptr};
  torch::nn::MaxPool2d pool_{nullptr};
  std::vector<torch::nn::Sequential> stages_;
};

std::shared_ptr<EncoderImpl> MakeEncoder(const ModelConfig& config);

}  // namespace parallax
