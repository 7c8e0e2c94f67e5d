// Per-frame cost of the two view renderers at 1080p: the forward warp with
// background filling (SynthesizeView: one full-parallax view, both eyes at
// half parallax, and the whole stereo frame after the depth) and the Deep3D
// plane selection over a 32-plane distribution at network size
// (SynthesizeViewFromPlanes, one view).
//
//   build/benchmarks/view_synthesis_benchmark --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "parallax/infer/disparity_output.h"
#include "parallax/stereo/plane_synthesis.h"
#include "parallax/stereo/stereo_render.h"
#include "parallax/stereo/view_synthesis.h"

namespace parallax {
namespace {

const cv::Size k1080p(1920, 1080);
const cv::Size kNetwork(448, 256);  // 1080p content at the default size
constexpr int kPlanes = 32;
constexpr float kMaxParallax = 38.4f;  // 2 % of 1920

// Discs at random depths over a textured background: edges everywhere.
struct Scene {
  cv::Mat image, disparity;  // disparity in pixels at 1080p
};

Scene MakeScene() {
  Scene scene;
  scene.image.create(k1080p, CV_8UC3);
  cv::RNG rng(1);
  rng.fill(scene.image, cv::RNG::UNIFORM, 40, 200);
  scene.disparity = cv::Mat(k1080p, CV_32F, cv::Scalar(4));
  for (int i = 0; i < 40; ++i) {
    const cv::Point center(rng.uniform(0, k1080p.width),
                           rng.uniform(0, k1080p.height));
    const int radius = rng.uniform(20, k1080p.height / 5);
    cv::circle(scene.image, center, radius,
               cv::Scalar(rng.uniform(0, 256), rng.uniform(0, 256),
                          rng.uniform(0, 256)),
               cv::FILLED);
    cv::circle(scene.disparity, center, radius,
               cv::Scalar(rng.uniform(4.0f, kMaxParallax)), cv::FILLED);
  }
  return scene;
}

// A peaked distribution around each pixel's disparity (softmax-like, about
// three planes with visible mass), at network size.
std::vector<cv::Mat> PlaneProbabilities(const cv::Mat& disparity) {
  cv::Mat small;
  cv::resize(disparity, small, kNetwork, 0, 0, cv::INTER_AREA);
  const float step = kMaxParallax / (kPlanes - 1);
  std::vector<cv::Mat> maps(kPlanes);
  cv::Mat total(kNetwork, CV_32F, cv::Scalar(0));
  for (int k = 0; k < kPlanes; ++k) {
    cv::Mat distance = (small - k * step) / step;
    cv::Mat squared = distance.mul(distance) * -1.0;
    cv::exp(squared, maps[k]);
    total += maps[k];
  }
  for (cv::Mat& m : maps) m /= total;
  return maps;
}

void BM_ForwardWarp(benchmark::State& state) {
  const Scene scene = MakeScene();
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        SynthesizeView(scene.image, scene.disparity, 1.0f, {}));
  }
}
BENCHMARK(BM_ForwardWarp)->Unit(benchmark::kMillisecond)->UseRealTime();

// Both eyes of a stereo pair, half the parallax each way (what `parallax
// stereo` renders by default), in one pass.
void BM_BothEyes(benchmark::State& state) {
  const Scene scene = MakeScene();
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        SynthesizeViews(scene.image, scene.disparity, {-0.5f, 0.5f}, {}));
  }
}
BENCHMARK(BM_BothEyes)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same without hole filling and softening: the splatting alone.
void BM_BothEyesSplatOnly(benchmark::State& state) {
  const Scene scene = MakeScene();
  ViewSynthesisOptions options;
  options.fill_holes = false;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        SynthesizeViews(scene.image, scene.disparity, {-0.5f, 0.5f}, options));
  }
}
BENCHMARK(BM_BothEyesSplatOnly)->Unit(benchmark::kMillisecond)->UseRealTime();

// Everything `parallax stereo` does per frame after the depth: parallax
// from relative disparity, depth-edge sharpening (3 px, for network maps),
// both eyes, and the full side-by-side frame.
void BM_StereoFrame(benchmark::State& state) {
  const Scene scene = MakeScene();
  StereoRenderOptions options;
  options.layout = StereoLayout::kSideBySide;
  options.edge_sharpen_radius = 3;
  const DisparityRange range = RobustRange(scene.disparity);
  for (auto _ : state) {
    const StereoViews views =
        RenderStereoViews(scene.image, scene.disparity, range, options);
    benchmark::DoNotOptimize(ComposeStereoFrame(views, options).data);
  }
}
BENCHMARK(BM_StereoFrame)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_PlaneSelection(benchmark::State& state) {
  const Scene scene = MakeScene();
  const std::vector<cv::Mat> probabilities =
      PlaneProbabilities(scene.disparity);
  std::vector<float> shifts(kPlanes);
  for (int k = 0; k < kPlanes; ++k) {
    shifts[k] = k * kMaxParallax / (kPlanes - 1);
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        SynthesizeViewFromPlanes(scene.image, probabilities, shifts));
  }
}
BENCHMARK(BM_PlaneSelection)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace parallax

BENCHMARK_MAIN();
