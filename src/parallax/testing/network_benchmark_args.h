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

}  // namespace parallax::testing
