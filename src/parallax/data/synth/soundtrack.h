// A synthetic film's soundtrack: each shot holds a chord of its own (drawn
// from the film's seed), faded in and out over 20 ms at the cuts, so a
// cut is heard where it is seen and audio sync can be checked by ear or by
// analysis. Stereo, any sample rate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace parallax::synth {

class Soundtrack {
 public:
  // `shot_starts_s`: the time each shot begins (the first is 0), in order;
  // `length_s`: the end of the last shot.
  Soundtrack(uint64_t seed, std::vector<double> shot_starts_s, double length_s,
             int sample_rate = 48000);

  int sample_rate() const { return sample_rate_; }
  int64_t length() const { return length_; }  // samples per channel
  // Interleaved left/right samples `first` .. `first + count - 1`.
  void Fill(int64_t first, int count, float* out) const;
  // The frequencies of the chord of shot `shot` (for tests).
  const std::vector<float>& chord(size_t shot) const { return chords_[shot]; }

 private:
  int sample_rate_;
  int64_t length_;
  std::vector<int64_t> starts_;  // first sample of each shot, then length_
  std::vector<std::vector<float>> chords_;
  std::vector<std::vector<float>> pans_;  // 0 = left only, 1 = right only
};

}  // namespace parallax::synth
