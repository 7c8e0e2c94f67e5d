#include "parallax/model/encoders.h"

#include <torch/nn/functional/activation.h>

#include "parallax/util/check.h"

namespace parallax {
namespace F = torch::nn::functional;
namespace {

// One residual unit. Basic: 3x3(stride) -> 3x3. Bottleneck: 1x1 -> 3x3
// (stride) -> 1x1 (x4 channels). A 1x1 projection on the shortcut when the
// shape changes; ELU after the sum.
class ResidualBlockImpl : public torch::nn::Module {
 public:
  ResidualBlockImpl(int in_channels, int channels, int stride,
                    bool bottleneck) {
    const int out_channels = bottleneck ? 4 * channels : channels;
    if (bottleneck) {
      body_->push_back(ConvElu(in_channels, channels, 1, 1));
      body_->push_back(ConvElu(channels, channels, 3, stride));
      body_->push_back(ConvElu(channels, out_channels, 1, 1, false));
    } else {
      body_->push_back(ConvElu(in_channels, channels, 3, stride));
      body_->push_back(ConvElu(channels, out_channels, 3, 1, false));
    }
    register_module("body", body_);
    if (stride != 1 || in_channels != out_channels) {
      shortcut_ = register_module(
          "shortcut", ConvElu(in_channels, out_channels, 1, stride, false));
    }
  }

  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor shortcut = shortcut_ ? shortcut_->forward(x) : x;
    return F::elu(body_->forward(x) + shortcut);
  }

 private:
  torch::nn::Sequential body_;
  ConvElu shortcut_{nullptr};
};
TORCH_MODULE(ResidualBlock);

}  // namespace

VggEncoderImpl::VggEncoderImpl(int input_channels, double width) {
  const int base[] = {32, 64, 128, 256, 512, 512, 512};
  const int kernels[] = {7, 5, 3, 3, 3, 3, 3};
  int in = input_channels;
  for (int i = 0; i < 7; ++i) {
    const int out = ScaledChannels(base[i], width);
    torch::nn::Sequential stage(ConvElu(in, out, kernels[i], 2),
                                ConvElu(out, out, kernels[i], 1));
    stages_.push_back(register_module("conv" + std::to_string(i + 1), stage));
    channels_.push_back(out);
    in = out;
  }
}

std::vector<torch::Tensor> VggEncoderImpl::forward(const torch::Tensor& x) {
  std::vector<torch::Tensor> features;
  torch::Tensor y = x;
  for (auto& stage : stages_) {
    y = stage->forward(y);
    features.push_back(y);
  }
  return features;
}

ResNetEncoderImpl::ResNetEncoderImpl(int input_channels, double width,
                                     bool bottleneck,
                                     const std::vector<int>& blocks) {
  const int stem = ScaledChannels(64, width);
  conv1_ = register_module("conv1", ConvElu(input_channels, stem, 7, 2));
  pool_ = register_module(
      "pool1", torch::nn::MaxPool2d(
                   torch::nn::MaxPool2dOptions(3).stride(2).padding(1)));
  channels_ = {stem, stem};
  const int base[] = {64, 128, 256, 512};
  int in = stem;
  for (size_t s = 0; s < blocks.size(); ++s) {
    const int channels = ScaledChannels(base[s], width);
    torch::nn::Sequential stage;
    for (int b = 0; b < blocks[s]; ++b) {
      const int stride = (b == blocks[s] - 1) ? 2 : 1;
      stage->push_back(ResidualBlock(in, channels, stride, bottleneck));
      in = bottleneck ? 4 * channels : channels;
    }
    stages_.push_back(register_module("stage" + std::to_string(s + 1), stage));
    channels_.push_back(in);
  }
}

std::vector<torch::Tensor> ResNetEncoderImpl::forward(const torch::Tensor& x) {
  std::vector<torch::Tensor> features;
  torch::Tensor y = conv1_->forward(x);
  features.push_back(y);
  y = pool_->forward(y);
  features.push_back(y);
  for (auto& stage : stages_) {
    y = stage->forward(y);
    features.push_back(y);
  }
  return features;
}

std::shared_ptr<EncoderImpl> MakeEncoder(const ModelConfig& config) {
  switch (config.architecture) {
    case Architecture::kVgg:
      return std::make_shared<VggEncoderImpl>(config.input_channels,
                                              config.width);
    case Architecture::kResNet18:
      return std::make_shared<ResNetEncoderImpl>(config.input_channels,
                                                 config.width, false,
                                                 std::vector<int>{2, 2, 2, 2});
    case Architecture::kResNet50:
      return std::make_shared<ResNetEncoderImpl>(config.input_channels,
                                                 config.width, true,
                                                 std::vector<int>{3, 4, 6, 3});
    case Architecture::kDepthAnythingV2:
      break;  // no convolutional encoder: DepthNet holds the transformer
  }
  THROW_CHECK(false);
}

}  // namespace parallax
