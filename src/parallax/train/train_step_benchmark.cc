// Time of one full training step (forward, Monodepth loss at 4 scales,
// backward, Adam update) on this machine, per image.
//   build/benchmarks/train_step_benchmark
// Arguments: {architecture, channels, height, width, batch}. Data loading is
// measured separately (data/batch_loader_benchmark).
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "parallax/loss/stereo_loss.h"
#include "parallax/model/depth_net.h"
#include "parallax/testing/network_benchmark_args.h"

namespace parallax {
namespace {

void BM_TrainStep(benchmark::State& state) {
  const auto [config, height, width, batch] =
      testing::ReadNetworkBenchmarkCase(state);
  torch::manual_seed(0);
  DepthNet net(config);
  net->SetChannelsLast(true);  // as the trainer and predictor run on CPU
  net->train();
  torch::optim::Adam optimizer(net->parameters(),
                               torch::optim::AdamOptions(1e-4));
  const torch::Tensor input =
      torch::rand({batch, config.input_channels, height, width});
  const torch::Tensor left =
      input.narrow(1, config.input_channels == 7 ? 2 : 0, 3);
  const torch::Tensor right = torch::rand({batch, 3, height, width});
  const LossWeights weights;
  auto step = [&] {
    const DisparityPyramid prediction = net->forward(input);
    StereoLoss loss =
        ComputeStereoLoss(prediction, left, right, {}, {}, weights);
    optimizer.zero_grad();
    loss.total.backward();
    optimizer.step();
  };
  step();  // warm-up
  for (auto _ : state) step();
  state.SetLabel(ToString(config.architecture));
  // Seconds per image (google-benchmark prints e.g. "72.1m" = 72.1 ms).
  state.counters["s_per_image"] =
      benchmark::Counter(static_cast<double>(batch),
                         benchmark::Counter::kIsIterationInvariantRate |
                             benchmark::Counter::kInvert);
}

BENCHMARK(BM_TrainStep)
    ->Apply(testing::NetworkBenchmarkArgs)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(3.0);

}  // namespace
}  // namespace parallax
