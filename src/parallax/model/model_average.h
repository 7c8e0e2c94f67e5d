// Weight averaging of trained networks ("model soups", checkpoint
// averaging): the weighted mean of each weight over models of one
// architecture. Networks fine-tuned from one starting point sit in one basin
// of the loss, so their mean is itself a good network, usually better and
// less seed-dependent than any one of them (Wortsman et al. 2022). Networks
// trained from different random starts do not average; nothing here can
// tell, so evaluate the result.
#pragma once

#include <filesystem>
#include <vector>

#include "parallax/model/checkpoint.h"

namespace parallax {

struct AveragedModel {
  DepthNet net{nullptr};  // on the CPU, in eval mode
  ModelConfig config;
  std::vector<double> weights;  // normalised to sum 1, one per input
};

// `weights` empty = uniform; otherwise one non-negative weight per model,
// not all zero. Throws parallax::Error when a file cannot be loaded, the
// models differ in architecture (anything in ModelConfig but the training
// size), or the weights are invalid.
AveragedModel AverageModels(const std::vector<std::filesystem::path>& models,
                            const std::vector<double>& weights = {});

}  // namespace parallax
