// The decoder's upsample+conv layer: sub-pixel path against the plain
// upsample-then-convolve reference, at the decoder's shapes.
//   build/benchmarks/layers_benchmark
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "parallax/model/layers.h"

namespace parallax {
namespace {

// Arguments: {in channels, out channels, input height, input width, fast}.
void BM_UpConv(benchmark::State& state) {
  const int in = static_cast<int>(state.range(0));
  const int out = static_cast<int>(state.range(1));
  const int64_t h = state.range(2), w = state.range(3);
  const bool fast = state.range(4) != 0;
  torch::manual_seed(0);
  UpConv layer(in, out);
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::rand({1, in, h, w});
  auto run = [&] {
    return fast ? layer->forward(x, {2 * h, 2 * w})
                : layer->ForwardReference(x, {2 * h, 2 * w});
  };
  run();
  for (auto _ : state) benchmark::DoNotOptimize(run());
  state.SetLabel(fast ? "sub-pixel" : "reference");
}

void Args(benchmark::internal::Benchmark* b) {
  for (const auto& shape : std::vector<std::array<int, 4>>{
           {32, 16, 128, 256}, {64, 32, 64, 128}, {128, 64, 32, 64}}) {
    for (int fast : {0, 1}) {
      b->Args({shape[0], shape[1], shape[2], shape[3], fast});
    }
  }
}

BENCHMARK(BM_UpConv)->Apply(Args)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace parallax
