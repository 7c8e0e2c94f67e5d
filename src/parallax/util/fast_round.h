// Exact floor and ceiling of floats without a libm call. Built for
// baseline x86-64 (no SSE4.1 round instructions), std::floor is a function
// call, which showed in the per-pixel loops of view synthesis and the
// synthetic worlds' texture sampling. These give the same values.
#pragma once

#include <cmath>

namespace parallax {

// Floats at or beyond 2^23 in magnitude are whole numbers already.
inline constexpr float kWholeFloats = 8388608.0f;

inline float FastFloor(float v) {
  if (!(std::abs(v) < kWholeFloats)) return v;  // whole, infinite or NaN
  const float t = static_cast<float>(static_cast<int>(v));
  return t > v ? t - 1.0f : t;
}

inline float FastCeil(float v) {
  if (!(std::abs(v) < kWholeFloats)) return v;
  const float t = static_cast<float>(static_cast<int>(v));
  return t < v ? t + 1.0f : t;
}

// For values known to be within int range.
inline int FloorToInt(float v) {
  const int i = static_cast<int>(v);
  return i - (static_cast<float>(i) > v ? 1 : 0);
}
inline int CeilToInt(float v) {
  const int i = static_cast<int>(v);
  return i + (static_cast<float>(i) < v ? 1 : 0);
}

}  // namespace parallax
