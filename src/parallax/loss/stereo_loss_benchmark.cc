// The training loss alone (forward), batch 4 at 512x256, 4 scales.
//   build/benchmarks/stereo_loss_benchmark
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "parallax/loss/ssim.h"
#include "parallax/loss/stereo_loss.h"

namespace parallax {
namespace {

void BM_Ssim(benchmark::State& state) {
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::rand({4, 3, 256, 512});
  const torch::Tensor y = torch::rand({4, 3, 256, 512});
  for (auto _ : state) {
    benchmark::DoNotOptimize(SsimDissimilarity(x, y).mean());
  }
}
BENCHMARK(BM_Ssim)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_StereoLoss(benchmark::State& state) {
  torch::NoGradGuard no_grad;
  const torch::Tensor left = torch::rand({4, 3, 256, 512});
  const torch::Tensor right = torch::rand({4, 3, 256, 512});
  DisparityPyramid prediction;
  for (int s = 0; s < kNumScales; ++s) {
    prediction.left.push_back(torch::rand({4, 1, 256 >> s, 512 >> s}) * 0.1);
    prediction.right.push_back(torch::rand({4, 1, 256 >> s, 512 >> s}) * 0.1);
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        ComputeStereoLoss(prediction, left, right, {}, {}, LossWeights{})
            .total);
  }
  state.counters["s_per_image"] =
      benchmark::Counter(4, benchmark::Counter::kIsIterationInvariantRate |
                                benchmark::Counter::kInvert);
}
BENCHMARK(BM_StereoLoss)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace parallax
