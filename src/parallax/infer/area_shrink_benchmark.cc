// A 1080p frame to the default network size (448x252), as every prediction
// starts: Parallax's area shrink straight to float RGB, against OpenCV's
// conversion and INTER_AREA resize that it replaces.
//
//   build/benchmarks/area_shrink_benchmark
#include <benchmark/benchmark.h>

#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

#include "parallax/infer/area_shrink.h"
#include "parallax/infer/predictor.h"

namespace parallax {
namespace {

const cv::Size kNetwork(448, 252);

cv::Mat Frame() {
  cv::Mat frame(1080, 1920, CV_8UC3);
  cv::randu(frame, 0, 256);
  return frame;
}

void BM_ShrinkToRgbFloat(benchmark::State& state) {
  const cv::Mat frame = Frame();
  for (auto _ : state) {
    benchmark::DoNotOptimize(ShrinkToRgbFloat(frame, kNetwork).data);
  }
}
BENCHMARK(BM_ShrinkToRgbFloat)->Unit(benchmark::kMillisecond)->UseRealTime();

// What it replaces; one thread, as in a video job's network stage.
void BM_OpenCvRgbFloatThenAreaResize(benchmark::State& state) {
  const cv::Mat frame = Frame();
  const int threads = cv::getNumThreads();
  cv::setNumThreads(1);
  for (auto _ : state) {
    cv::Mat small;
    cv::resize(ToRgbFloat(frame), small, kNetwork, 0, 0, cv::INTER_AREA);
    benchmark::DoNotOptimize(small.data);
  }
  cv::setNumThreads(threads);
}
BENCHMARK(BM_OpenCvRgbFloatThenAreaResize)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace parallax

BENCHMARK_MAIN();
