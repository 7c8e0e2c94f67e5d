#include "parallax/train/weight_average.h"

#include <algorithm>
#include <sstream>

#include <torch/torch.h>

#include "parallax/util/check.h"

namespace parallax {
namespace {

constexpr char kUpdatesKey[] = "weight_average/updates";

void CopyWeights(const DepthNet& from, DepthNet& to) {
  torch::NoGradGuard no_grad;
  const auto source = from->parameters();
  auto target = to->parameters();
  THROW_CHECK_EQ(source.size(), target.size());
  for (size_t i = 0; i < source.size(); ++i) target[i].copy_(source[i]);
}

}  // namespace

WeightAverage::WeightAverage(const DepthNet& net, double decay)
    : decay_(decay),
      device_(net->parameters().front().device()),
      averaged_(net->config()) {
  if (!(decay >= 0 && decay < 1)) {
    ThrowError("--ema must be in [0, 1), got {}", decay);
  }
  averaged_->to(device_);
  // The same memory layout as the trained network (channels-last on CPU),
  // so updates and validation take the fast path; no gradients.
  averaged_->SetChannelsLast(device_.is_cpu());
  for (torch::Tensor& p : averaged_->parameters()) p.requires_grad_(false);
  averaged_->eval();
  CopyWeights(net, averaged_);
}

double WeightAverage::DecayAt(double decay, int64_t k) {
  return std::min(decay, (1.0 + k) / (10.0 + k));
}

void WeightAverage::Update(const DepthNet& net) {
  torch::NoGradGuard no_grad;
  ++updates_;
  const double d = DecayAt(decay_, updates_);
  const auto source = net->parameters();
  auto target = averaged_->parameters();
  for (size_t i = 0; i < source.size(); ++i) {
    target[i].mul_(d).add_(source[i].detach(), 1.0 - d);
  }
}

std::string WeightAverage::Serialize() const {
  torch::serialize::OutputArchive archive;
  for (const auto& item : averaged_->named_parameters(/*recurse=*/true)) {
    archive.write(item.key(), item.value().detach());
  }
  archive.write(kUpdatesKey, torch::tensor(updates_, torch::kInt64));
  std::ostringstream stream;
  archive.save_to(stream);
  return stream.str();
}

void WeightAverage::Deserialize(const std::string& bytes) {
  try {
    std::istringstream stream(bytes);
    torch::serialize::InputArchive archive;
    archive.load_from(stream, device_);
    torch::NoGradGuard no_grad;
    for (auto& item : averaged_->named_parameters(/*recurse=*/true)) {
      torch::Tensor value;
      archive.read(item.key(), value);
      if (value.sizes() != item.value().sizes()) {
        ThrowError("the averaged weight '{}' has another shape", item.key());
      }
      item.value().copy_(value);
    }
    torch::Tensor updates;
    archive.read(kUpdatesKey, updates);
    updates_ = updates.item<int64_t>();
  } catch (const c10::Error& e) {
    ThrowError("cannot restore the averaged weights: {}",
               e.what_without_backtrace());
  }
}

}  // namespace parallax
