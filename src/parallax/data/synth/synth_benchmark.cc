// Speed of the synthetic world renderer: one stereo pair (scene, shadow map,
// both views, ground truth, masks, camera effects) at 512x256 on one
// thread, and the files written. `parallax synth` runs one sample per
// thread, so pairs/s on N cores is about N / (time per pair).
//   build/benchmarks/synth_benchmark
#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "parallax/data/synth/stereo_sample.h"
#include "parallax/io/png_encoder.h"

namespace parallax::synth {
namespace {

namespace fs = std::filesystem;

const TextureBank& Bank() {
  static const TextureBank bank = [] {
    const std::vector<fs::path> folders = DefaultTextureFolders();
    return folders.empty() ? TextureBank::Procedural(16, 1)
                           : TextureBank::Load(folders);
  }();
  return bank;
}

void BM_RenderPair(benchmark::State& state) {
  SceneOptions options;
  options.size = {static_cast<int>(state.range(0)),
                  static_cast<int>(state.range(1))};
  int64_t index = 0;
  Bank();  // load the photographs before timing
  for (auto _ : state) {
    const Scene scene = SampleScene(1, index++, options, Bank());
    benchmark::DoNotOptimize(RenderStereoSample(scene, Bank()).left.data);
  }
  state.SetLabel(std::to_string(Bank().size()) + " textures");
}
BENCHMARK(BM_RenderPair)
    ->Args({512, 256})
    ->Args({1024, 512})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_WritePair(benchmark::State& state) {
  SceneOptions options;
  const StereoSample sample =
      RenderStereoSample(SampleScene(1, 0, options, Bank()), Bank());
  const fs::path dir =
      fs::temp_directory_path() /
      ("parallax_synth_bench_" + std::to_string(std::random_device{}()));
  for (auto _ : state) WriteStereoSample(dir, sample);
  fs::remove_all(dir);
}
BENCHMARK(BM_WritePair)->Unit(benchmark::kMillisecond)->UseRealTime();

// A rendered view's PNG (camera noise included) at libdeflate level 1, as
// WriteStereoSample encodes it, with each row filter (Arg: PngFilter;
// 4 = Paeth, the one it uses; 5 = adaptive).
void BM_EncodeView(benchmark::State& state) {
  const StereoSample sample =
      RenderStereoSample(SampleScene(1, 0, SceneOptions{}, Bank()), Bank());
  const PngEncodeOptions options{1, static_cast<PngFilter>(state.range(0))};
  std::vector<uint8_t> bytes;
  for (auto _ : state) bytes = EncodePng(sample.left, options);
  state.counters["bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(BM_EncodeView)->DenseRange(0, 5)->Unit(benchmark::kMillisecond);

// The baseline: OpenCV's libpng + zlib writer as synth used it before
// (level 1 without string matching).
void BM_EncodeViewOpenCv(benchmark::State& state) {
  const StereoSample sample =
      RenderStereoSample(SampleScene(1, 0, SceneOptions{}, Bank()), Bank());
  const std::vector<int> params{cv::IMWRITE_PNG_COMPRESSION, 1,
                                cv::IMWRITE_PNG_STRATEGY,
                                cv::IMWRITE_PNG_STRATEGY_HUFFMAN_ONLY};
  std::vector<uint8_t> bytes;
  for (auto _ : state) cv::imencode(".png", sample.left, bytes, params);
  state.counters["bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(BM_EncodeViewOpenCv)->Unit(benchmark::kMillisecond);

// One trilinear texture lookup along a line across the texture (Arg: the
// level of detail, x2), as the renderer makes one per surface pixel.
void BM_TextureSample(benchmark::State& state) {
  const TextureBank bank = TextureBank::Procedural(1, 1);
  const Texture& texture = bank.at(0);
  const float lod = static_cast<float>(state.range(0)) * 0.5f + 0.3f;
  float sum = 0;
  for (auto _ : state) {
    for (int i = 0; i < 1024; ++i) {
      sum += texture.Sample(i * 0.37f + 5.1f, i * 0.11f + 3.3f, lod)[0];
    }
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_TextureSample)->Arg(0)->Arg(3);

}  // namespace
}  // namespace parallax::synth
BENCHMARK_MAIN();
