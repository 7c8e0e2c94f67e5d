#include "parallax/model/depth_net.h"

#include <cmath>

#include <torch/nn/functional/activation.h>
#include <torch/torch.h>

#include "parallax/util/check.h"

namespace parallax {
namespace {

// Decoder width at level j (output stride 2^j), Godard's Table 1.
constexpr int kDecoderChannels[] = {16, 32, 64, 128, 256, 512, 512};

}  // namespace

DisparityHeadImpl::DisparityHeadImpl(int in_channels, const ModelConfig& config)
    : head_(config.head),
      mode_(config.disparity_mode),
      max_disparity_(config.max_disparity),
      num_planes_(config.planes) {
  const int outputs = head_ == HeadType::kDeep3d ? 2 * num_planes_ : 2;
  conv_ = register_module("conv", ConvElu(in_channels, outputs, 3, 1, false));
  if (head_ == HeadType::kDeep3d) {
    const double low = mode_ == DisparityMode::kSigned ? -max_disparity_ : 0.0;
    planes_ = register_buffer(
        "planes", torch::linspace(low, max_disparity_, num_planes_));
  }
}

std::pair<torch::Tensor, torch::Tensor> DisparityHeadImpl::forward(
    const torch::Tensor& x, torch::Tensor* left_probs,
    torch::Tensor* right_probs) {
  torch::Tensor raw = conv_->forward(x);
  if (head_ == HeadType::kDisparity) {
    // positive: max * sigmoid (Godard); signed: max * (2 sigmoid - 1), the
    // 3D_learner range (it used 0.1 * (sigmoid - 0.5)).
    torch::Tensor disparity = mode_ == DisparityMode::kPositive
                                  ? max_disparity_ * torch::sigmoid(raw)
                                  : max_disparity_ * torch::tanh(0.5 * raw);
    return {disparity.narrow(1, 0, 1), disparity.narrow(1, 1, 1)};
  }
  torch::Tensor left = torch::softmax(raw.narrow(1, 0, num_planes_), 1);
  torch::Tensor right =
      torch::softmax(raw.narrow(1, num_planes_, num_planes_), 1);
  const torch::Tensor plane_values = planes_.view({1, -1, 1, 1});
  if (left_probs) *left_probs = left;
  if (right_probs) *right_probs = right;
  // Expected disparity under each distribution: what the decoder feeds
  // forward and what depth outputs use.
  return {(left * plane_values).sum(1, true),
          (right * plane_values).sum(1, true)};
}

DepthNetImpl::DepthNetImpl(const ModelConfig& config) : config_(config) {
  config_.Check();
  auto register_normalization = [&] {
    mean_ = register_buffer(
        "mean", torch::tensor(std::vector<float>(config_.mean.begin(),
                                                 config_.mean.end()))
                    .view({1, 3, 1, 1}));
    std_ = register_buffer(
        "std", torch::tensor(
                   std::vector<float>(config_.std.begin(), config_.std.end()))
                   .view({1, 3, 1, 1}));
  };
  if (config_.architecture == Architecture::kDepthAnythingV2) {
    transformer_ = register_module(
        "transformer",
        DepthAnythingV2(DepthAnythingConfig::FromSpec(config_.transformer, 2)));
    log_scale_ = register_parameter("log_scale", torch::zeros({1}));
    shift_ = register_parameter("shift", torch::zeros({1}));
    // A parameter without gradient, so that model files (which hold
    // parameters) carry it and a resumed run does not start it again.
    scale_ready_ = register_parameter("scale_ready", torch::zeros({1}),
                                      /*requires_grad=*/false);
    register_normalization();
    return;
  }
  encoder_ = register_module("encoder", MakeEncoder(config_));
  const std::vector<int>& skip = encoder_->channels();
  const int levels = static_cast<int>(skip.size());
  upconvs_.resize(levels, nullptr);
  iconvs_.resize(levels, nullptr);
  heads_.resize(kNumScales, nullptr);
  int previous = skip.back();
  for (int j = levels - 1; j >= 0; --j) {
    const int out = ScaledChannels(kDecoderChannels[j], config_.width);
    upconvs_[j] =
        register_module("upconv" + std::to_string(j), UpConv(previous, out));
    int concat = out + (j >= 1 ? skip[j - 1] : 0);
    if (j + 1 < kNumScales) concat += 2;  // upsampled coarser disparities
    iconvs_[j] = register_module("iconv" + std::to_string(j),
                                 ConvElu(concat, out, 3, 1));
    if (j < kNumScales) {
      heads_[j] = register_module("disp" + std::to_string(j),
                                  DisparityHead(out, config_));
    }
    previous = out;
  }
  register_normalization();
}

DisparityPyramid DepthNetImpl::ForwardTransformer(
    const torch::Tensor& normalized) {
  // [B, 2, H, W], >= 0: relative inverse depth of the left and right view.
  const torch::Tensor relative = transformer_->forward(normalized);
  if (is_training() && scale_ready_.item<float>() == 0.f) {
    // Data-dependent start: median disparity = max / 10 (tanh is linear
    // there), whatever the scale of the pretrained network's output.
    torch::NoGradGuard no_grad;
    const double median =
        std::max(relative.detach().median().item<double>(), 1e-6);
    log_scale_.fill_(std::log(std::atanh(0.1) / median));
    scale_ready_.fill_(1.f);
  }
  torch::Tensor logits = relative * torch::exp(log_scale_);
  if (config_.disparity_mode == DisparityMode::kSigned)
    logits = logits + shift_;
  const torch::Tensor disparity = config_.max_disparity * torch::tanh(logits);
  DisparityPyramid out;
  for (int s = 0; s < kNumScales; ++s) {
    const torch::Tensor level =
        s == 0 ? disparity
               : torch::nn::functional::avg_pool2d(
                     disparity,
                     torch::nn::functional::AvgPool2dFuncOptions(1 << s));
    out.left.push_back(level.narrow(1, 0, 1));
    out.right.push_back(level.narrow(1, 1, 1));
  }
  return out;
}

torch::Tensor DepthNetImpl::Normalize(const torch::Tensor& input) const {
  if (config_.input_channels == 3) return (input - mean_) / std_;
  // [flow_prev(2), RGB(3), flow_next(2)]: normalise the colour part only.
  return torch::cat(
      {input.narrow(1, 0, 2), (input.narrow(1, 2, 3) - mean_) / std_,
       input.narrow(1, 5, 2)},
      1);
}

DisparityPyramid DepthNetImpl::forward(const torch::Tensor& input) {
  THROW_CHECK_MSG(input.dim() == 4 && input.size(1) == config_.input_channels,
                  "expected [B,{},H,W] input, got {}", config_.input_channels,
                  fmt::join(input.sizes(), "x"));
  torch::Tensor normalized = Normalize(input);
  if (transformer_) return ForwardTransformer(normalized.contiguous());
  if (channels_last_) {
    normalized = normalized.contiguous(at::MemoryFormat::ChannelsLast);
  }
  const std::vector<torch::Tensor> features = encoder_->forward(normalized);
  const int levels = static_cast<int>(features.size());
  DisparityPyramid out;
  out.left.resize(kNumScales);
  out.right.resize(kNumScales);
  if (config_.head == HeadType::kDeep3d) {
    out.left_probs.resize(kNumScales);
    out.right_probs.resize(kNumScales);
  }
  torch::Tensor x = features.back();
  torch::Tensor coarser_disparity;  // [B,2,h,w] from the level below
  for (int j = levels - 1; j >= 0; --j) {
    const at::IntArrayRef size =
        j >= 1 ? features[j - 1].sizes().slice(2) : input.sizes().slice(2);
    std::vector<torch::Tensor> parts;
    parts.reserve(3);
    parts.push_back(upconvs_[j]->forward(x, size));
    if (j >= 1) parts.push_back(features[j - 1]);
    if (coarser_disparity.defined()) {
      parts.push_back(UpsampleNearest(coarser_disparity, size));
    }
    x = iconvs_[j]->forward(torch::cat(parts, 1));
    if (j < kNumScales) {
      const bool deep3d = config_.head == HeadType::kDeep3d;
      auto [left, right] =
          heads_[j]->forward(x, deep3d ? &out.left_probs[j] : nullptr,
                             deep3d ? &out.right_probs[j] : nullptr);
      out.left[j] = left;
      out.right[j] = right;
      coarser_disparity = torch::cat({left, right}, 1);
    }
  }
  return out;
}

void DepthNetImpl::SetChannelsLast(bool enabled) {
  channels_last_ = enabled;
  const auto format =
      enabled ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
  torch::NoGradGuard no_grad;
  for (torch::Tensor& p : parameters()) {
    if (p.dim() == 4) p.set_data(p.data().contiguous(format));
  }
}

torch::Tensor DepthNetImpl::planes() const {
  return config_.head == HeadType::kDeep3d ? heads_[0]->planes()
                                           : torch::Tensor();
}

int64_t DepthNetImpl::NumParameters() const {
  int64_t count = 0;
  for (const torch::Tensor& p : parameters()) count += p.numel();
  return count;
}

}  // namespace parallax
