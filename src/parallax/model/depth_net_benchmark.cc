// Inference time of the depth networks on this machine.
//   build/benchmarks/depth_net_benchmark
// Arguments: {architecture, channels, height, width, batch}.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "parallax/model/depth_net.h"
#include "parallax/testing/network_benchmark_args.h"

namespace parallax {
namespace {

void BM_Inference(benchmark::State& state) {
  const auto [config, height, width, batch] =
      testing::ReadNetworkBenchmarkCase(state);
  torch::manual_seed(0);
  DepthNet net(config);
  net->SetChannelsLast(true);  // as the trainer and predictor run on CPU
  net->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor input =
      torch::rand({batch, config.input_channels, height, width});
  net->forward(input);  // warm-up: oneDNN picks its kernels
  for (auto _ : state) {
    benchmark::DoNotOptimize(net->forward(input).left[0]);
  }
  state.SetLabel(ToString(config.architecture));
  // Seconds per image (google-benchmark prints e.g. "72.1m" = 72.1 ms).
  state.counters["s_per_image"] =
      benchmark::Counter(static_cast<double>(batch),
                         benchmark::Counter::kIsIterationInvariantRate |
                             benchmark::Counter::kInvert);
}

// The encoder alone, to show where the network's time goes: the rest is
// Godard's decoder, whose layers at 1/4 to full resolution dominate.
void BM_EncoderOnly(benchmark::State& state) {
  ModelConfig config;
  config.architecture = static_cast<Architecture>(state.range(0));
  torch::manual_seed(0);
  std::shared_ptr<EncoderImpl> encoder = MakeEncoder(config);
  encoder->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor input =
      torch::rand({1, 3, 256, 512}).contiguous(at::MemoryFormat::ChannelsLast);
  for (torch::Tensor& p : encoder->parameters()) {
    if (p.dim() == 4)
      p.set_data(p.data().contiguous(at::MemoryFormat::ChannelsLast));
  }
  encoder->forward(input);
  for (auto _ : state) benchmark::DoNotOptimize(encoder->forward(input));
  state.SetLabel(ToString(config.architecture));
}
BENCHMARK(BM_EncoderOnly)
    ->Arg(static_cast<int>(Architecture::kVgg))
    ->Arg(static_cast<int>(Architecture::kResNet18))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(2.0);

BENCHMARK(BM_Inference)
    ->Apply(testing::NetworkBenchmarkArgs)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(2.0);

}  // namespace
}  // namespace parallax
