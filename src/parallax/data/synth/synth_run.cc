#include "parallax/data/synth/synth_run.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "parallax/data/synth/stereo_sample.h"
#include "parallax/util/check.h"
#include "parallax/util/thread_pool.h"

namespace parallax::synth {

namespace fs = std::filesystem;

void SynthRunOptions::Check() const {
  if (out.empty()) ThrowError("synth: give an output folder (--out)");
  if (count <= 0) ThrowError("synth: --count must be positive, got {}", count);
  if (first < 0) ThrowError("synth: --first must be >= 0, got {}", first);
  if (scene.size.width < 32 || scene.size.height < 32 ||
      scene.size.width > 8192 || scene.size.height > 8192) {
    ThrowError("synth: --size {}x{} is outside 32..8192", scene.size.width,
               scene.size.height);
  }
  if (!(scene.max_disparity > 0 && scene.max_disparity <= 0.5f)) {
    ThrowError("synth: --max-disparity must be in (0, 0.5], got {}",
               scene.max_disparity);
  }
  if (!(scene.haze_scale >= 0 && scene.haze_scale <= 10)) {
    ThrowError("synth: --haze must be in [0, 10], got {}", scene.haze_scale);
  }
  if (!(scene.recolor_probability >= 0 && scene.recolor_probability <= 1)) {
    ThrowError("synth: --recolor must be in [0, 1], got {}",
               scene.recolor_probability);
  }
}

int RenderThreadCount(int threads) {
  if (threads > 0) return threads;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) +
         1;
}

fs::path SampleFolder(const fs::path& out, int64_t index) {
  return out / fmt::format("{:07d}", index);
}

SynthRunReport RunSynth(const SynthRunOptions& options,
                        const TextureBank& textures,
                        const std::function<void(int64_t, int64_t)>& progress) {
  options.Check();
  const auto started = std::chrono::steady_clock::now();
  std::error_code ec;
  fs::create_directories(options.out, ec);
  if (ec) {
    ThrowError("cannot create '{}': {}", options.out.string(), ec.message());
  }
  SynthRunReport report;
  std::vector<int64_t> todo;
  for (int64_t i = options.first; i < options.first + options.count; ++i) {
    if (options.resume &&
        fs::exists(SampleFolder(options.out, i) / "meta.json", ec)) {
      ++report.skipped;
    } else {
      todo.push_back(i);
    }
  }
  const int threads = RenderThreadCount(options.threads);
  std::mutex mutex;  // guards done and progress calls
  int64_t done = report.skipped;
  ParallelFor(todo.size(), threads, [&](size_t k) {
    const Scene scene =
        SampleScene(options.seed, todo[k], options.scene, textures);
    const StereoSample sample = RenderStereoSample(scene, textures);
    WriteStereoSample(SampleFolder(options.out, todo[k]), sample);
    std::lock_guard lock(mutex);
    ++done;
    if (progress) progress(done, options.count);
  });
  report.written = done - report.skipped;
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  return report;
}

}  // namespace parallax::synth
