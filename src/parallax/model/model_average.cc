#include "parallax/model/model_average.h"

#include <cmath>
#include <numeric>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "parallax/util/check.h"

namespace parallax {
namespace {

// What two networks must share for their weights to be averaged: the
// training size only tells inference what to resize to.
nlohmann::json ArchitectureOf(const ModelConfig& config) {
  nlohmann::json json = config;
  json.erase("train_size");
  return json;
}

std::vector<double> NormalisedWeights(const std::vector<double>& weights,
                                      size_t count) {
  if (weights.empty()) return std::vector<double>(count, 1.0 / count);
  if (weights.size() != count) {
    ThrowError("{} weights given for {} models: give one per model",
               weights.size(), count);
  }
  for (double w : weights) {
    if (!std::isfinite(w) || w < 0) {
      ThrowError("model weight {} is invalid: weights must be finite and >= 0",
                 w);
    }
  }
  const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  if (sum <= 0) ThrowError("model weights are all zero");
  std::vector<double> normalised;
  for (double w : weights) normalised.push_back(w / sum);
  return normalised;
}

}  // namespace

AveragedModel AverageModels(const std::vector<std::filesystem::path>& models,
                            const std::vector<double>& weights) {
  if (models.empty()) ThrowError("no models to average");
  AveragedModel result;
  result.weights = NormalisedWeights(weights, models.size());
  LoadedModel first = LoadModel(models[0]);
  result.config = first.config;
  result.net = first.net;
  const nlohmann::json architecture = ArchitectureOf(first.config);

  torch::NoGradGuard no_grad;
  // Accumulate in float64 so that many models average without rounding
  // drift; each network is loaded, added and released in turn. Weights are
  // matched by name.
  torch::OrderedDict<std::string, torch::Tensor> sums;
  for (const auto& item : result.net->named_parameters(/*recurse=*/true)) {
    sums.insert(item.key(),
                item.value().to(torch::kFloat64) * result.weights[0]);
  }
  for (size_t m = 1; m < models.size(); ++m) {
    LoadedModel other = LoadModel(models[m]);
    if (ArchitectureOf(other.config) != architecture) {
      ThrowError(
          "cannot average '{}' with '{}': the networks differ ({} vs {})",
          models[m].string(), models[0].string(),
          ArchitectureOf(other.config).dump(), architecture.dump());
    }
    // Same architecture, so LoadModel has checked every name and shape.
    for (const auto& item : other.net->named_parameters(/*recurse=*/true)) {
      sums[item.key()].add_(item.value().to(torch::kFloat64) *
                            result.weights[m]);
    }
  }
  for (auto& item : result.net->named_parameters(/*recurse=*/true)) {
    item.value().copy_(sums[item.key()].to(torch::kFloat32));
  }
  result.net->eval();
  return result;
}

}  // namespace parallax
