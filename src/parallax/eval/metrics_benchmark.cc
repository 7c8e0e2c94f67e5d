// Scoring cost per scene over image sizes (KITTI-like 1242x375 up to 12 MP
// Middlebury 2014): Spearman's sort dominates.
#include <benchmark/benchmark.h>

#include <opencv2/core.hpp>

#include "parallax/eval/evaluate.h"
#include "parallax/eval/metrics.h"

namespace parallax {
namespace {

struct Maps {
  cv::Mat pred, gt, valid;
};

Maps MakeMaps(int width, int height) {
  Maps m;
  m.gt = cv::Mat(height, width, CV_32FC1);
  m.pred = cv::Mat(height, width, CV_32FC1);
  cv::RNG rng(1);
  rng.fill(m.gt, cv::RNG::UNIFORM, 1, 200);
  rng.fill(m.pred, cv::RNG::UNIFORM, 1, 200);
  m.gt.convertTo(m.gt, CV_32F);
  m.valid = cv::Mat(height, width, CV_8UC1, cv::Scalar(255));
  return m;
}

void BM_DepthMetrics(benchmark::State& state) {
  const Maps m = MakeMaps(state.range(0), state.range(1));
  for (auto _ : state) {
    benchmark::DoNotOptimize(ComputeDepthMetrics(m.pred, m.gt, m.valid));
  }
  state.SetItemsProcessed(state.iterations() * m.gt.total());
}

void BM_Spearman(benchmark::State& state) {
  const Maps m = MakeMaps(state.range(0), state.range(1));
  for (auto _ : state) {
    benchmark::DoNotOptimize(SpearmanCorrelation(m.pred, m.gt, m.valid));
  }
  state.SetItemsProcessed(state.iterations() * m.gt.total());
}

void BM_ScorePrediction(benchmark::State& state) {
  const Maps m = MakeMaps(state.range(0), state.range(1));
  const GroundTruth gt{m.gt, m.valid};
  for (auto _ : state) {
    benchmark::DoNotOptimize(ScorePrediction(m.pred, gt, {}));
  }
  state.SetItemsProcessed(state.iterations() * m.gt.total());
}

void Sizes(benchmark::internal::Benchmark* b) {
  b->Args({450, 375})
      ->Args({1242, 375})
      ->Args({2880, 1988})
      ->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_DepthMetrics)->Apply(Sizes);
BENCHMARK(BM_Spearman)->Apply(Sizes);
BENCHMARK(BM_ScorePrediction)->Apply(Sizes);

}  // namespace
}  // namespace parallax

BENCHMARK_MAIN();
