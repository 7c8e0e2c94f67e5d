#include "parallax/model/layers.h"

#include <algorithm>
#include <cmath>

#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/upsampling.h>

namespace parallax {
namespace F = torch::nn::functional;

int ScaledChannels(int channels, double width) {
  return std::max(4, static_cast<int>(std::lround(channels * width)));
}

ConvEluImpl::ConvEluImpl(int in_channels, int out_channels, int kernel,
                         int stride, bool elu)
    : elu_(elu) {
  conv_ = register_module(
      "conv", torch::nn::Conv2d(
                  torch::nn::Conv2dOptions(in_channels, out_channels, kernel)
                      .stride(stride)
                      .padding((kernel - 1) / 2)));
}

torch::Tensor ConvEluImpl::forward(const torch::Tensor& x) {
  torch::Tensor y = conv_->forward(x);
  return elu_ ? F::elu(y) : y;
}

UpConvImpl::UpConvImpl(int in_channels, int out_channels) {
  conv_ = register_module("conv", ConvElu(in_channels, out_channels, 3, 1));
}

torch::Tensor UpConvImpl::forward(const torch::Tensor& x,
                                  at::IntArrayRef size) {
  return conv_->forward(UpsampleNearest(x, size));
}

torch::Tensor UpsampleNearest(const torch::Tensor& x, at::IntArrayRef size) {
  if (x.size(2) == size[0] && x.size(3) == size[1]) return x;
  return F::interpolate(x, F::InterpolateFuncOptions()
                               .size(std::vector<int64_t>{size[0], size[1]})
                               .mode(torch::kNearest));
}

}  // namespace parallax
