// A run of `parallax synth`: samples first..first+count-1 of a seed rendered
// on a thread pool into OUT/NNNNNNN/ folders. Each sample depends only on
// (seed, index), so threads, interruptions and resumes never change a byte.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>

#include "parallax/data/synth/scene.h"
#include "parallax/data/synth/texture_bank.h"

namespace parallax::synth {

struct SynthRunOptions {
  std::filesystem::path out;
  int64_t count = 0;
  int64_t first = 0;  // index of the first sample
  uint64_t seed = 0;
  SceneOptions scene;
  int threads = 0;  // 0 = one per core, plus one
  // Skip samples whose folder is complete (meta.json written last).
  bool resume = false;

  void Check() const;
};

struct SynthRunReport {
  int64_t written = 0;
  int64_t skipped = 0;  // complete from an earlier run
  double seconds = 0;
};

// Render threads for a `threads` option: itself when positive, else one
// per core plus one (each item ends in fsyncs that wait on the disk, and
// another renders meanwhile: +7 % pairs/s here).
int RenderThreadCount(int threads);

// The folder of sample `index`: OUT/0000042.
std::filesystem::path SampleFolder(const std::filesystem::path& out,
                                   int64_t index);

// `progress(done, total)` after each sample; it may throw (Ctrl-C) to stop:
// samples being rendered are finished, none is left half written.
SynthRunReport RunSynth(
    const SynthRunOptions& options, const TextureBank& textures,
    const std::function<void(int64_t done, int64_t total)>& progress = {});

}  // namespace parallax::synth
