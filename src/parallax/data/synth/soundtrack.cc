#include "parallax/data/synth/soundtrack.h"

#include <algorithm>
#include <cmath>

#include "parallax/data/synth/random.h"
#include "parallax/util/check.h"

namespace parallax::synth {

Soundtrack::Soundtrack(uint64_t seed, std::vector<double> shot_starts_s,
                       double length_s, int sample_rate)
    : sample_rate_(sample_rate) {
  THROW_CHECK(!shot_starts_s.empty() && sample_rate > 0);
  length_ = std::llround(length_s * sample_rate);
  for (double start : shot_starts_s) {
    starts_.push_back(std::llround(start * sample_rate));
  }
  starts_.push_back(length_);
  Rng rng(MixSeed(seed, 0xA0D10));
  for (size_t shot = 0; shot + 1 < starts_.size(); ++shot) {
    // A root from A2 to A4 on the equal-tempered scale, and a major or
    // minor triad on it.
    const float root = 110.0f * std::exp2(rng.Int(0, 24) / 12.0f);
    const float third = std::exp2((rng.Chance(0.5f) ? 4 : 3) / 12.0f);
    chords_.push_back({root, root * third, root * std::exp2(7 / 12.0f)});
    pans_.push_back(
        {rng.Uniform(0.2f, 0.8f), rng.Uniform(0, 1), rng.Uniform(0, 1)});
  }
}

void Soundtrack::Fill(int64_t first, int count, float* out) const {
  const double fade = 0.02 * sample_rate_;
  size_t shot = static_cast<size_t>(
      std::upper_bound(starts_.begin(), starts_.end(), first) -
      starts_.begin());
  shot = shot == 0 ? 0 : shot - 1;
  for (int i = 0; i < count; ++i) {
    const int64_t n = first + i;
    while (shot + 2 < starts_.size() && n >= starts_[shot + 1]) ++shot;
    float left = 0, right = 0;
    if (n >= 0 && n < length_ && shot + 1 < starts_.size()) {
      const double t = static_cast<double>(n) / sample_rate_;
      const double edge =
          std::min(n - starts_[shot], starts_[shot + 1] - 1 - n);
      const float gain =
          0.12f * static_cast<float>(std::clamp(edge / fade, 0.0, 1.0));
      for (size_t k = 0; k < chords_[shot].size(); ++k) {
        const float v =
            gain * static_cast<float>(
                       std::sin(2 * 3.14159265358979 * chords_[shot][k] * t));
        left += v * (1 - pans_[shot][k]);
        right += v * pans_[shot][k];
      }
    }
    out[2 * i] = left;
    out[2 * i + 1] = right;
  }
}

}  // namespace parallax::synth
