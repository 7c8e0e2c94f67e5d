// Speed of the synthetic world renderer: one stereo pair (scene, shadow map,
// both views, ground truth, masks, camera effects) at 512x256 on one
// thread, and the files written. `parallax synth` runs one sample per
// thread, so pairs/s on N cores is about N / (time per pair).
//   build/benchmarks/synth_benchmark
#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>

#include "parallax/data/synth/stereo_sample.h"

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

}  // namespace
}  // namespace parallax::synth
BENCHMARK_MAIN();
