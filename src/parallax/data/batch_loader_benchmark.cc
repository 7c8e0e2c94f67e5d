// Throughput of BatchLoader on the real shared training data, at the
// training size of the Godard models (512x256, batch 8) with 2 workers.
// A trainer on this machine takes ~250 ms per image (docs/design.md), so the
// loader keeps up when it delivers well over 4 images/s.
//
//   build/benchmarks/batch_loader_benchmark
//   PARALLAX_SHARED_STEREO=/path/to/stereo build/benchmarks/...
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

#include "parallax/data/batch_loader.h"
#include "parallax/testing/shared_data.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

std::optional<fs::path> TrainDir() {
  return testing::SharedStereoTrainDir(PARALLAX_SOURCE_DIR);
}

void BM_BatchLoader(benchmark::State& state) {
  const std::optional<fs::path> train = TrainDir();
  if (!train) {
    state.SkipWithError("shared stereo data not found");
    return;
  }
  static const StereoDataset dataset = ScanStereoDataset(*train);
  BatchLoaderOptions options;
  options.batch_size = 8;
  options.size = {512, 256};
  options.input_channels = static_cast<int>(state.range(0));
  options.num_workers = static_cast<int>(state.range(1));
  options.flow_method = static_cast<FlowMethod>(state.range(2));
  options.prefetch_batches = 4;
  BatchLoader loader({dataset}, options);
  // The queue starts empty: time the steady state, not the first fill.
  loader.Next();
  for (auto _ : state) {
    benchmark::DoNotOptimize(loader.Next());
  }
  // items_per_second = images/s.
  state.SetItemsProcessed(state.iterations() * options.batch_size);
}
BENCHMARK(BM_BatchLoader)
    ->ArgNames({"channels", "workers", "flow"})
    ->Args({3, 2, static_cast<int>(FlowMethod::kDis)})
    ->Args({7, 2, static_cast<int>(FlowMethod::kDis)})
    ->Args({7, 2, static_cast<int>(FlowMethod::kFarneback)})
    ->Iterations(12)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace parallax

BENCHMARK_MAIN();
