// Optimiser state to and from bytes (LibTorch's archive format), so it can
// travel inside a Parallax checkpoint and resume training exactly.
#pragma once

#include <string>

#include <torch/optim/optimizer.h>

namespace parallax {

std::string SerializeOptimizer(torch::optim::Optimizer& optimizer);
// Throws parallax::Error when the bytes do not fit the optimiser.
void DeserializeOptimizer(torch::optim::Optimizer& optimizer,
                          const std::string& bytes, torch::Device device);

}  // namespace parallax
