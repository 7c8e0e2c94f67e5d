// The grid the network benchmarks run over: {architecture, channels,
// height, width, batch} for VGG and ResNet18 at 3x256x512 and 7x256x640,
// batch 1 and 4 (the sizes of Monodepth and 3D_learner).
#pragma once

#include <benchmark/benchmark.h>

#include "parallax/model/model_config.h"

namespace parallax::testing {

inline void NetworkBenchmarkArgs(benchmark::internal::Benchmark* b) {
  for (Architecture arch : {Architecture::kVgg, Architecture::kResNet18}) {
    for (int batch : {1, 4}) {
      b->Args({static_cast<int>(arch), 3, 256, 512, batch});
      b->Args({static_cast<int>(arch), 7, 256, 640, batch});
    }
  }
}

// What one grid point asks for.
struct NetworkBenchmarkCase {
  ModelConfig config;
  int64_t height, width, batch;
};

inline NetworkBenchmarkCase ReadNetworkBenchmarkCase(
    const benchmark::State& state) {
  NetworkBenchmarkCase c;
  c.config.architecture = static_cast<Architecture>(state.range(0));
  c.config.input_channels = static_cast<int>(state.range(1));
  c.height = state.range(2);
  c.width = state.range(3);
  c.batch = state.range(4);
  return c;
}

}  // namespace parallax::testing
