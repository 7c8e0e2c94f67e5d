// A small random network saved as a model file, for tests of everything
// that loads models: the plumbing (sizes, scaling, batching, outputs) does
// not depend on trained weights.
#pragma once

#include <cstdint>
#include <filesystem>

#include "parallax/model/model_config.h"

namespace parallax::testing {

struct TinyModelOptions {
  int input_channels = 3;
  HeadType head = HeadType::kDisparity;
  int train_width = 256, train_height = 128;
  uint64_t seed = 3;
};

// A ResNet18 at x0.125 width with `options`, saved to `path` (returned).
std::filesystem::path SaveTinyModel(const std::filesystem::path& path,
                                    const TinyModelOptions& options = {});

}  // namespace parallax::testing
