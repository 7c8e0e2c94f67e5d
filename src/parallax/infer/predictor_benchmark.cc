// What one frame costs through the Predictor (pre-processing, network,
// post-processing to network-resolution disparity) at Monodepth's 3x256x512,
// over the knobs that decide the default model's speed: channel width and
// precision; and the shipped default model end to end, as `parallax depth`
// runs it on a 512x256 frame.
//   build/benchmarks/predictor_benchmark
// BM_PredictFrame arguments: {width multiplier x 1000, bf16 (0/1), flip
// post-processing}.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <filesystem>
#include <random>

#include <fmt/format.h>
#include <opencv2/core.hpp>

#include "parallax/infer/default_model.h"
#include "parallax/infer/depth_estimator.h"
#include "parallax/infer/predictor.h"
#include "parallax/model/checkpoint.h"
#include "parallax/model/depth_net.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

void BM_PredictFrame(benchmark::State& state) {
  ModelConfig config;
  config.width = static_cast<double>(state.range(0)) / 1000.0;
  config.train_width = 512;
  config.train_height = 256;
  torch::manual_seed(0);
  DepthNet net(config);
  const fs::path path = fs::temp_directory_path() /
                        ("parallax_predictor_bench_" +
                         std::to_string(std::random_device{}()) + ".plx");
  SaveModel(path, net);
  PredictorOptions options;
  options.device = "cpu";
  options.precision =
      state.range(1) ? Precision::kBFloat16 : Precision::kFloat32;
  options.flip_postprocess = state.range(2) != 0;
  options.edge_padding = false;  // the network at exactly 3x256x512
  Predictor predictor(path, options);
  fs::remove(path);

  cv::Mat image(256, 512, CV_8UC3);
  cv::randu(image, 0, 255);
  PredictorInput input;
  input.image = image;
  predictor.Predict(input);  // warm-up: oneDNN picks its kernels
  for (auto _ : state) {
    benchmark::DoNotOptimize(predictor.Predict(input).disparity.data);
  }
  state.SetLabel(fmt::format("width x{} {}{}", config.width,
                             ToString(options.precision),
                             options.flip_postprocess ? " +pp" : ""));
}
BENCHMARK(BM_PredictFrame)
    ->ArgsProduct({{1000, 500, 375, 250}, {0, 1}, {0}})
    ->Args({500, 1, 1})
    ->Args({375, 0, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(2.0);

// The shipped model (models/default.plx, or $PARALLAX_MODEL) on a 3x256x512
// frame, as `parallax depth` runs it: the network at the model's training
// size (argument 0, the default) or at the frame's own 512x256 (argument 1,
// `--net-size 512x256`), then guided upsampling to the frame.
void BM_ShippedModelFrame(benchmark::State& state) {
  fs::path model;
  try {
    model = FindDefaultModel();
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  PredictorOptions options;
  options.device = "cpu";
  if (state.range(0)) options.target_pixels = 512.0 * 256.0;
  Predictor predictor(model, options);
  cv::Mat image(256, 512, CV_8UC3);
  cv::randu(image, 0, 255);
  const UpsampleOptions upsample;
  EstimateDisparity(predictor, image, upsample);  // warm-up
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        EstimateDisparity(predictor, image, upsample).data);
  }
  const cv::Size net = predictor.Geometry(image.size()).padded;
  state.SetLabel(fmt::format("{} network {}x{}", model.filename().string(),
                             net.width, net.height));
}
BENCHMARK(BM_ShippedModelFrame)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(2.0);

}  // namespace
}  // namespace parallax
