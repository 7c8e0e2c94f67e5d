// The synthetic worlds' random numbers: SplitMix64 with its own float and
// integer draws, so a seed gives the same worlds with every compiler and
// standard library (std::uniform_real_distribution is not portable).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

namespace parallax::synth {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // [0, 1) with 24 bits.
  float Unit() { return static_cast<float>(Next() >> 40) * 0x1p-24f; }
  float Uniform(float low, float high) { return low + (high - low) * Unit(); }
  // Log-uniform in [low, high], low > 0.
  float LogUniform(float low, float high) {
    return low * std::exp(Unit() * std::log(high / low));
  }
  // Integer in [low, high].
  int Int(int low, int high) {
    return low +
           static_cast<int>(Next() % static_cast<uint64_t>(high - low + 1));
  }
  bool Chance(float p) { return Unit() < p; }
  // Two nearly standard normals from one draw, each the sum of four 8-bit
  // uniforms (Irwin-Hall) scaled to mean 0 and variance 1: steps of 1/148
  // of a standard deviation and a tail bounded at +-3.45, fine for
  // per-pixel camera noise at a fraction of Normal()'s cost.
  std::pair<float, float> QuickNormalPair() {
    const uint64_t bits = Next();
    const auto sum4 = [](uint32_t b) {
      return static_cast<float>((b & 0xFF) + ((b >> 8) & 0xFF) +
                                ((b >> 16) & 0xFF) + (b >> 24));
    };
    // Mean 4 * 127.5, standard deviation sqrt(4 * (256^2 - 1) / 12).
    constexpr float kScale = 1.0f / 147.8006f;
    return {(sum4(static_cast<uint32_t>(bits)) - 510.0f) * kScale,
            (sum4(static_cast<uint32_t>(bits >> 32)) - 510.0f) * kScale};
  }
  // Standard normal (Box-Muller).
  float Normal() {
    const float u = std::max(Unit(), 1e-7f), v = Unit();
    return std::sqrt(-2.0f * std::log(u)) * std::cos(6.2831853f * v);
  }

 private:
  uint64_t state_;
};

// A seed for item `index` of a run seeded with `seed`.
inline uint64_t MixSeed(uint64_t seed, uint64_t index) {
  Rng rng(seed ^ (index * 0xD1B54A32D192ED03ull + 0x8CB92BA72F3D8DD7ull));
  rng.Next();
  return rng.Next();
}

}  // namespace parallax::synth
