// Four-lane versions of util/fast_math.h on OpenCV's universal intrinsics,
// for the renderer's per-row passes. Each lane gives the very bits the
// scalar function gives for its input: the same operations in the same
// order, selects where the scalar code branches, and no fused multiply-adds
// (which a build for newer processors would fuse in one place and not the
// other). So a pixel's value never depends on which loop computed it, and
// a seed's samples stay the same bytes.
#pragma once

#include <opencv2/core/hal/intrin.hpp>

namespace parallax::synth {

using F4 = cv::v_float32x4;
using I4 = cv::v_int32x4;

inline F4 Splat(float x) { return cv::v_setall_f32(x); }

// Scalar `a < b ? a : b` and friends, NaNs included.
inline F4 Select(const F4& mask, const F4& a, const F4& b) {
  return cv::v_select(mask, a, b);
}

// std::clamp(x, low, high), NaNs included (they pass through).
inline F4 Clamp(const F4& x, float low, float high) {
  return Select(x < Splat(low), Splat(low),
                Select(Splat(high) < x, Splat(high), x));
}

// -x, as the scalar code negates: the sign bit flipped (0 - x would give
// +0 for x = 0).
inline F4 Negate(const F4& x) { return x ^ Splat(-0.0f); }

// FastExp (util/fast_math.h).
inline F4 FastExp4(const F4& x) {
  const F4 y = x * Splat(1.44269504f);
  const F4 valid = y > Splat(-126.0f);  // false for NaN as well
  const F4 y_clamped = Select(y < Splat(127.0f), y, Splat(127.0f));
  const F4 shifted = y_clamped + Splat(0.5f);
  // trunc(shifted) - (shifted < 0 ? 1 : 0); a true mask lane is -1.
  const I4 whole =
      cv::v_trunc(shifted) + cv::v_reinterpret_as_s32(shifted < Splat(0.0f));
  const F4 f = y_clamped - cv::v_cvt_f32(whole);
  const F4 t = f * Splat(0.693147181f);
  const F4 p =
      Splat(1.0f) +
      t * (Splat(1.0f) +
           t * (Splat(0.5f) +
                t * (Splat(1.0f / 6) +
                     t * (Splat(1.0f / 24) +
                          t * (Splat(1.0f / 120) + t * Splat(1.0f / 720))))));
  const F4 scale =
      cv::v_reinterpret_as_f32(cv::v_shl<23>(whole + cv::v_setall_s32(127)));
  return Select(valid, p * scale, Splat(0.0f));
}

// FastLog2 (util/fast_math.h).
inline F4 FastLog2x4(const F4& x) {
  const cv::v_uint32x4 bits = cv::v_reinterpret_as_u32(x);
  I4 exponent =
      cv::v_reinterpret_as_s32(cv::v_shr<23>(bits)) - cv::v_setall_s32(127);
  F4 m = cv::v_reinterpret_as_f32((bits & cv::v_setall_u32(0x007FFFFFu)) |
                                  cv::v_setall_u32(0x3F800000u));
  const F4 above = m > Splat(1.41421356f);
  m = Select(above, m * Splat(0.5f), m);
  exponent = exponent - cv::v_reinterpret_as_s32(above);  // + 1 where above
  const F4 s = (m - Splat(1.0f)) / (m + Splat(1.0f));
  const F4 s2 = s * s;
  const F4 series =
      s * (Splat(1.0f) +
           s2 * (Splat(1.0f / 3.0f) +
                 s2 * (Splat(1.0f / 5.0f) + s2 * Splat(1.0f / 7.0f))));
  return cv::v_cvt_f32(exponent) + Splat(2.88539008f) * series;
}

// FastAtan2 (util/fast_math.h).
inline F4 FastAtan2x4(const F4& y, const F4& x) {
  const F4 zero = Splat(0.0f);
  const F4 ax = Select(x < zero, Negate(x), x);
  const F4 ay = Select(y < zero, Negate(y), y);
  const F4 x_bigger = ax > ay;
  const F4 big = Select(x_bigger, ax, ay);
  const F4 small = Select(x_bigger, ay, ax);
  F4 a = small / big;
  const F4 reduce = a > Splat(0.267949194f);
  a = Select(reduce,
             (a * Splat(1.73205081f) - Splat(1.0f)) / (a + Splat(1.73205081f)),
             a);
  const F4 base = Select(reduce, Splat(0.523598776f), zero);
  const F4 s = a * a;
  F4 r = base +
         a * (Splat(1.0f) + s * (Splat(-1.0f / 3) +
                                 s * (Splat(1.0f / 5) + s * Splat(-1.0f / 7))));
  r = Select(ay > ax, Splat(1.57079637f) - r, r);
  r = Select(x < zero, Splat(3.14159274f) - r, r);
  r = Select(y < zero, Negate(r), r);
  return Select(big > zero, r, zero);
}

// FastAsin (util/fast_math.h).
inline F4 FastAsin4(const F4& x) {
  const F4 c = Splat(1.0f) - x * x;
  const F4 zero = Splat(0.0f);
  return FastAtan2x4(x, Select(c > zero, cv::v_sqrt(c), zero));
}

}  // namespace parallax::synth
