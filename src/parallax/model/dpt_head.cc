#include "parallax/model/dpt_head.h"

#include <string>

#include <torch/torch.h>

#include "parallax/util/check.h"

namespace parallax {

namespace {

namespace F = torch::nn::functional;

torch::nn::Conv2d Conv(int in, int out, int kernel, int stride, int padding,
                       bool bias = true) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel)
                               .stride(stride)
                               .padding(padding)
                               .bias(bias));
}

torch::Tensor UpsampleCorners(const torch::Tensor& x,
                              std::vector<int64_t> size) {
  return F::interpolate(x, F::InterpolateFuncOptions()
                               .size(size)
                               .mode(torch::kBilinear)
                               .align_corners(true));
}

}  // namespace

ResidualConvUnitImpl::ResidualConvUnitImpl(int features) {
  conv1_ = register_module("conv1", Conv(features, features, 3, 1, 1));
  conv2_ = register_module("conv2", Conv(features, features, 3, 1, 1));
}

torch::Tensor ResidualConvUnitImpl::forward(const torch::Tensor& x) {
  return x + conv2_(torch::relu(conv1_(torch::relu(x))));
}

FeatureFusionBlockImpl::FeatureFusionBlockImpl(int features) {
  out_conv_ = register_module("out_conv", Conv(features, features, 1, 1, 0));
  unit1_ = register_module("resConfUnit1", ResidualConvUnit(features));
  unit2_ = register_module("resConfUnit2", ResidualConvUnit(features));
}

torch::Tensor FeatureFusionBlockImpl::forward(const torch::Tensor& x,
                                              const torch::Tensor& skip,
                                              std::vector<int64_t> size) {
  torch::Tensor out = skip.defined() ? x + unit1_(skip) : x;
  out = unit2_(out);
  if (size.empty()) size = {2 * out.size(2), 2 * out.size(3)};
  return out_conv_(UpsampleCorners(out, size));
}

DptHeadImpl::DptHeadImpl(const DptConfig& config) : config_(config) {
  const auto& oc = config.out_channels;
  for (int c : oc) {
    projects_->push_back(Conv(config.in_channels, c, 1, 1, 0));
  }
  register_module("projects", projects_);
  // Patch grid -> 4x, 2x, 1x, 1/2x.
  resize_layers_->push_back(torch::nn::ConvTranspose2d(
      torch::nn::ConvTranspose2dOptions(oc[0], oc[0], 4).stride(4)));
  resize_layers_->push_back(torch::nn::ConvTranspose2d(
      torch::nn::ConvTranspose2dOptions(oc[1], oc[1], 2).stride(2)));
  resize_layers_->push_back(torch::nn::Identity());
  resize_layers_->push_back(Conv(oc[3], oc[3], 3, 2, 1));
  register_module("resize_layers", resize_layers_);

  auto scratch =
      register_module("scratch", std::make_shared<torch::nn::Module>());
  const int f = config.features;
  for (int i = 0; i < 4; ++i) {
    layer_rn_[i] =
        scratch->register_module("layer" + std::to_string(i + 1) + "_rn",
                                 Conv(oc[i], f, 3, 1, 1, /*bias=*/false));
  }
  for (int i = 0; i < 4; ++i) {
    refinenet_[i] = scratch->register_module(
        "refinenet" + std::to_string(i + 1), FeatureFusionBlock(f));
  }
  output_conv1_ =
      scratch->register_module("output_conv1", Conv(f, f / 2, 3, 1, 1));
  torch::nn::Sequential conv2(Conv(f / 2, 32, 3, 1, 1), torch::nn::ReLU(),
                              Conv(32, config.outputs, 1, 1, 0));
  if (config.sigmoid_output) {
    conv2->push_back(torch::nn::Sigmoid());
  } else {
    conv2->push_back(torch::nn::ReLU());
  }
  output_conv2_ = scratch->register_module("output_conv2", conv2);
}

torch::Tensor DptHeadImpl::forward(const std::vector<torch::Tensor>& tokens,
                                   int64_t rows, int64_t cols, int64_t patch) {
  THROW_CHECK_EQ(tokens.size(), 4u);
  std::array<torch::Tensor, 4> levels;
  for (size_t i = 0; i < 4; ++i) {
    const torch::Tensor& t = tokens[i];
    // [B, N, C] -> [B, C, rows, cols]
    torch::Tensor x =
        t.permute({0, 2, 1}).reshape({t.size(0), t.size(2), rows, cols});
    x = projects_[i]->as<torch::nn::Conv2d>()->forward(x);
    if (i == 0) {
      x = resize_layers_[0]->as<torch::nn::ConvTranspose2d>()->forward(x);
    } else if (i == 1) {
      x = resize_layers_[1]->as<torch::nn::ConvTranspose2d>()->forward(x);
    } else if (i == 3) {
      x = resize_layers_[3]->as<torch::nn::Conv2d>()->forward(x);
    }
    levels[i] = layer_rn_[i](x);
  }
  auto size_of = [](const torch::Tensor& x) {
    return std::vector<int64_t>{x.size(2), x.size(3)};
  };
  torch::Tensor path =
      refinenet_[3]->forward(levels[3], torch::Tensor(), size_of(levels[2]));
  path = refinenet_[2]->forward(path, levels[2], size_of(levels[1]));
  path = refinenet_[1]->forward(path, levels[1], size_of(levels[0]));
  path = refinenet_[0]->forward(path, levels[0], {});
  torch::Tensor out = output_conv1_(path);
  out = UpsampleCorners(out, {rows * patch, cols * patch});
  return output_conv2_->forward(out);
}

}  // namespace parallax
