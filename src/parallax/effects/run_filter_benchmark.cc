// FilterByRuns against cv::filter2D (the lens blur's previous filter) on
// one lens-blur tile: 128 x 128 output pixels of 4-channel light, for disc
// and hexagon aperture kernels of the radii the blur layers use. filter2D
// on the whole input region (as the lens blur used it before), on the tile
// alone, and FilterByRuns (the tile alone).
//
//   build/benchmarks/run_filter_benchmark --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <opencv2/imgproc.hpp>

#include "parallax/effects/aperture.h"
#include "parallax/effects/run_filter.h"

namespace parallax {
namespace {

constexpr int kTile = 128;

struct Case {
  cv::Mat region, kernel;
  cv::Rect tile;
};

Case MakeCase(const benchmark::State& state) {
  const double radius = state.range(0) / 10.0;
  const int blades = static_cast<int>(state.range(1));
  const int channels = static_cast<int>(state.range(2));
  Case c;
  c.kernel = ApertureKernel(radius, {blades, 0});
  const int margin = c.kernel.cols / 2 + 2;
  c.region.create(kTile + 2 * margin, kTile + 2 * margin, CV_32FC(channels));
  cv::RNG(1).fill(c.region, cv::RNG::UNIFORM, 0, 1);
  c.tile = cv::Rect(margin, margin, kTile, kTile);
  return c;
}

void Args(benchmark::internal::Benchmark* b) {
  for (int radius : {16, 26, 33, 41, 55, 66, 80}) {
    for (int blades : {0, 6}) {
      for (int channels : {4, 1}) b->Args({radius, blades, channels});
    }
  }
  b->ArgNames({"radius_x10", "blades", "channels"});
}

void BM_Filter2D(benchmark::State& state) {
  const Case c = MakeCase(state);
  cv::Mat out;
  for (auto _ : state) {
    cv::filter2D(c.region, out, -1, c.kernel, {-1, -1}, 0, cv::BORDER_CONSTANT);
    benchmark::DoNotOptimize(out.data);
  }
}
BENCHMARK(BM_Filter2D)->Apply(Args)->Unit(benchmark::kMicrosecond);

// filter2D on the tile alone (a ROI: it reads the region around it), as
// the lens blur applies kernels narrower than the runs' threshold.
void BM_Filter2DTile(benchmark::State& state) {
  const Case c = MakeCase(state);
  cv::Mat out;
  for (auto _ : state) {
    cv::filter2D(c.region(c.tile), out, -1, c.kernel, {-1, -1}, 0,
                 cv::BORDER_CONSTANT);
    benchmark::DoNotOptimize(out.data);
  }
}
BENCHMARK(BM_Filter2DTile)->Apply(Args)->Unit(benchmark::kMicrosecond);

void BM_FilterByRuns(benchmark::State& state) {
  const Case c = MakeCase(state);
  const RunKernel kernel(c.kernel);
  state.counters["cost"] = kernel.cost();
  state.counters["taps"] = static_cast<double>(c.kernel.total());
  for (auto _ : state) {
    benchmark::DoNotOptimize(FilterByRuns(c.region, kernel, c.tile).data);
  }
}
BENCHMARK(BM_FilterByRuns)->Apply(Args)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace parallax

BENCHMARK_MAIN();
