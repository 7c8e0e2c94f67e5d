// log2, exp, atan2 and asin for per-pixel loops that need a few digits, not
// libm's last bit: the synthetic worlds' mip level choice and haze. Plain float
// arithmetic, so a build gives the same values on every machine (libm picks
// its code by CPU), and inlined where libm's are calls.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

namespace parallax {

// log2(x) for finite x > 0 (normal floats): within 2e-6 absolute while
// |log2 x| < 32, and within the result's own rounding beyond.
inline float FastLog2(float x) {
  const uint32_t bits = std::bit_cast<uint32_t>(x);
  int exponent = static_cast<int>(bits >> 23) - 127;
  float m = std::bit_cast<float>((bits & 0x007FFFFFu) | 0x3F800000u);
  if (m > 1.41421356f) {  // m in [sqrt(1/2), sqrt(2)): a short series
    m *= 0.5f;
    ++exponent;
  }
  // log2(m) = 2 / ln 2 * atanh(s), s = (m - 1) / (m + 1), |s| <= 0.172.
  const float s = (m - 1.0f) / (m + 1.0f);
  const float s2 = s * s;
  const float series =
      s * (1.0f + s2 * (1.0f / 3.0f + s2 * (1.0f / 5.0f + s2 * (1.0f / 7.0f))));
  return static_cast<float>(exponent) + 2.88539008f * series;
}

// e^x within 1e-6 relative for |x| <= 10 and 6e-6 up to 88 (the rounding
// of x log2(e) to float); 0 below about -87 (no denormals).
inline float FastExp(float x) {
  const float y = x * 1.44269504f;  // exponent in powers of two
  if (!(y > -126.0f)) return 0.0f;  // also NaN, which callers never pass
  const float y_clamped = y < 127.0f ? y : 127.0f;
  // Nearest whole power, so the fraction f is in [-0.5, 0.5].
  const float shifted = y_clamped + 0.5f;
  const int whole = static_cast<int>(shifted) - (shifted < 0 ? 1 : 0);
  const float f = y_clamped - static_cast<float>(whole);
  // 2^f, Taylor in f ln 2 (|f ln 2| <= 0.35) to the sixth power.
  const float t = f * 0.693147181f;
  const float p =
      1.0f +
      t * (1.0f + t * (0.5f + t * (1.0f / 6 +
                                   t * (1.0f / 24 +
                                        t * (1.0f / 120 + t * (1.0f / 720))))));
  const float scale =
      std::bit_cast<float>(static_cast<uint32_t>(whole + 127) << 23);
  return p * scale;
}

// atan2(y, x) within 2e-6 rad; 0 at the origin.
inline float FastAtan2(float y, float x) {
  const float ax = x < 0 ? -x : x, ay = y < 0 ? -y : y;
  const float big = ax > ay ? ax : ay, small = ax > ay ? ay : ax;
  if (!(big > 0)) return 0.0f;
  float a = small / big, base = 0;  // atan(a), a in [0, 1]
  if (a > 0.267949194f) {           // tan(pi / 12): atan(a) = pi / 6 + atan(a')
    a = (a * 1.73205081f - 1.0f) / (a + 1.73205081f);
    base = 0.523598776f;
  }
  // |a| <= tan(pi / 12): the series to a^7 is within 9e-7.
  const float s = a * a;
  float r =
      base + a * (1.0f + s * (-1.0f / 3 + s * (1.0f / 5 + s * (-1.0f / 7))));
  if (ay > ax) r = 1.57079637f - r;
  if (x < 0) r = 3.14159274f - r;
  return y < 0 ? -r : r;
}

// asin(x) for x in [-1, 1], within 2e-6 rad.
inline float FastAsin(float x) {
  const float c = 1.0f - x * x;
  return FastAtan2(x, c > 0 ? std::sqrt(c) : 0.0f);
}

}  // namespace parallax
