// Refocusing speed on the dev machine (2 cores): a new focus point on a
// 1920-wide preview (Refocuser prepared once, blurred layers at 0.5
// megapixels) and a full 12-megapixel lens blur, each beside the report's
// OpenCV graded blur (gaussian, 8 levels) at the same maximum blur.
// Targets: <= 100 ms and <= 3 s.
//
//   build/benchmarks/refocus_benchmark --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <opencv2/imgproc.hpp>

#include "parallax/effects/focus.h"
#include "parallax/effects/graded_blur.h"
#include "parallax/effects/lens_blur.h"

namespace parallax {
namespace {

constexpr double kMaxBlur = 24;  // pixels at full resolution

// A photo-like frame: textured discs at many depths over a receding ground.
struct Frame {
  cv::Mat image, disparity;
};

Frame MakeFrame(cv::Size size) {
  Frame frame;
  frame.image.create(size, CV_8UC3);
  cv::RNG rng(3);
  rng.fill(frame.image, cv::RNG::UNIFORM, 30, 220);
  cv::GaussianBlur(frame.image, frame.image, {0, 0}, 1.0);
  frame.disparity.create(size, CV_32F);
  for (int y = 0; y < size.height; ++y) {
    frame.disparity.row(y).setTo(2.0 + 30.0 * y / size.height);
  }
  for (int i = 0; i < 30; ++i) {
    const cv::Point centre(rng.uniform(0, size.width),
                           rng.uniform(0, size.height));
    const int radius = rng.uniform(size.height / 30, size.height / 6);
    cv::circle(frame.image, centre, radius,
               cv::Scalar(rng.uniform(0, 256), rng.uniform(0, 256),
                          rng.uniform(0, 256)),
               cv::FILLED);
    cv::circle(frame.disparity, centre, radius,
               cv::Scalar(rng.uniform(2.0, 40.0)), cv::FILLED);
  }
  return frame;
}

LensBlurOptions Options() {
  LensBlurOptions options;
  options.blur.max_blur = kMaxBlur;
  options.aperture.blades = 6;
  options.highlights = 0.5;
  return options;
}

void BM_PreviewNewFocus(benchmark::State& state) {
  const Frame frame = MakeFrame({1920, 1280});
  const Refocuser refocuser(frame.image, frame.disparity,
                            {.max_working_pixels = 0.5e6});
  LensBlurOptions options = Options();
  options.blur.max_blur = kMaxBlur * 1920 / 4000;  // same look as 12 MP
  int i = 0;
  for (auto _ : state) {
    // A different click each time, as in the GUI.
    const cv::Point click((i * 397) % 1920, (i * 211) % 1280);
    ++i;
    benchmark::DoNotOptimize(
        refocuser.Render(refocuser.FocusAt(click), options));
  }
}
BENCHMARK(BM_PreviewNewFocus)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_GradedPreview(benchmark::State& state) {
  const Frame frame = MakeFrame({1920, 1280});
  for (auto _ : state) {
    const float focus = FocusDisparityAt(frame.disparity, {960, 640});
    const cv::Mat radius = cv::abs(SignedBlurRadius(
        frame.disparity, focus, {.max_blur = kMaxBlur * 1920 / 4000}));
    benchmark::DoNotOptimize(
        GradedBlur(frame.image, radius, kMaxBlur * 1920 / 4000, {}));
  }
}
BENCHMARK(BM_GradedPreview)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_LensBlur12Mp(benchmark::State& state) {
  const Frame frame = MakeFrame({4000, 3000});
  for (auto _ : state) {
    // Preparation included: the one-shot cost of `parallax defocus`.
    benchmark::DoNotOptimize(
        LensBlur(frame.image, frame.disparity,
                 FocusDisparityAt(frame.disparity, {2000, 1500}), Options()));
  }
}
BENCHMARK(BM_LensBlur12Mp)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Graded12Mp(benchmark::State& state) {
  const Frame frame = MakeFrame({4000, 3000});
  for (auto _ : state) {
    const float focus = FocusDisparityAt(frame.disparity, {2000, 1500});
    const cv::Mat radius = cv::abs(
        SignedBlurRadius(frame.disparity, focus, {.max_blur = kMaxBlur}));
    benchmark::DoNotOptimize(GradedBlur(frame.image, radius, kMaxBlur, {}));
  }
}
BENCHMARK(BM_Graded12Mp)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace parallax

BENCHMARK_MAIN();
