// Building blocks of Godard's networks: "same"-padded convolutions with ELU
// (ELU rather than ReLU: ReLUs fixed intermediate disparities early, Godard
// section 4.1) and nearest-upsample + conv in place of deconvolution.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

namespace parallax {

// Channels scaled by the model's width multiplier (at least 4).
int ScaledChannels(int channels, double width);

// conv(k, stride) with zero "same" padding, optionally followed by ELU.
class ConvEluImpl : public torch::nn::Module {
 public:
  ConvEluImpl(int in_channels, int out_channels, int kernel, int stride,
              bool elu = true);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d conv_{nullptr};
  bool elu_;
};
TORCH_MODULE(ConvElu);

// Nearest-neighbour upsampling to `size` ([h, w]) followed by a 3x3 ConvElu.
class UpConvImpl : public torch::nn::Module {
 public:
  UpConvImpl(int in_channels, int out_channels);
  torch::Tensor forward(const torch::Tensor& x, at::IntArrayRef size);

 private:
  ConvElu conv_{nullptr};
};
TORCH_MODULE(UpConv);

// Nearest-neighbour resize of an NCHW tensor to `size` ([h, w]).
torch::Tensor UpsampleNearest(const torch::Tensor& x, at::IntArrayRef size);

}  // namespace parallax
