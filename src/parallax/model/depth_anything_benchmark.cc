// Forward time of Depth Anything V2 ViT-S on this machine (random weights:
// speed only), 2 threads. The official Python code's figures on the same
// machine come from ../shared/reference/depth-anything-v2/speed.py;
// scripts/bench_depth_anything runs both side by side.
//   build/benchmarks/depth_anything_benchmark
// Arguments: {size (square), precision: 0 fp32 / 1 bf16, channels-last}.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "parallax/model/depth_anything.h"

namespace parallax {
namespace {

void BM_DepthAnythingVitS(benchmark::State& state) {
  const int64_t size = state.range(0);
  const bool bf16 = state.range(1) != 0;
  const bool channels_last = state.range(2) != 0;
  torch::manual_seed(0);
  DepthAnythingV2 net(
      DepthAnythingConfig::Official(DepthAnythingEncoder::kVitS));
  net->eval();
  torch::Tensor input = torch::rand({1, 3, size, size});
  if (bf16) {
    net->to(torch::kBFloat16);
    input = input.to(torch::kBFloat16);
  }
  if (channels_last) {
    for (torch::Tensor& p : net->parameters()) {
      if (p.dim() == 4) {
        p.set_data(p.data().contiguous(at::MemoryFormat::ChannelsLast));
      }
    }
    input = input.contiguous(at::MemoryFormat::ChannelsLast);
  }
  c10::InferenceMode guard;
  net->forward(input);  // warm-up: oneDNN picks its kernels
  for (auto _ : state) benchmark::DoNotOptimize(net->forward(input));
  state.SetLabel(std::string(bf16 ? "bf16" : "fp32") +
                 (channels_last ? " channels-last" : ""));
}

BENCHMARK(BM_DepthAnythingVitS)
    ->ArgsProduct({{518, 392}, {0, 1}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3)
    ->Repetitions(1);

}  // namespace
}  // namespace parallax
