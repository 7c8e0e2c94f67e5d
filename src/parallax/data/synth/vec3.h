// A small 3-vector and rotation for the ray caster's inner loops (cv::Vec3f
// works, but its generic operators do not inline as well).
#pragma once

#include <cmath>

namespace parallax::synth {

struct V3 {
  float x = 0, y = 0, z = 0;
};

inline V3 operator+(V3 a, V3 b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
inline V3 operator-(V3 a, V3 b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
inline V3 operator*(V3 a, float s) { return {a.x * s, a.y * s, a.z * s}; }
inline V3 operator*(float s, V3 a) { return a * s; }
inline V3 operator*(V3 a, V3 b) { return {a.x * b.x, a.y * b.y, a.z * b.z}; }
inline float Dot(V3 a, V3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
inline V3 Cross(V3 a, V3 b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
inline float Length(V3 a) { return std::sqrt(Dot(a, a)); }
inline V3 Normalize(V3 a) { return a * (1.0f / Length(a)); }

// Rows are the local axes in world coordinates: ToLocal(v) = (r0.v, r1.v,
// r2.v), ToWorld(v) = v.x r0 + v.y r1 + v.z r2.
struct Rotation {
  V3 r0{1, 0, 0}, r1{0, 1, 0}, r2{0, 0, 1};

  V3 ToLocal(V3 v) const { return {Dot(r0, v), Dot(r1, v), Dot(r2, v)}; }
  V3 ToWorld(V3 v) const { return r0 * v.x + r1 * v.y + r2 * v.z; }
};

// Yaw about the world's up axis (y), then tilt the local up axis by `tilt`
// radians towards local x (leaning poles, branches).
inline Rotation YawTilt(float yaw, float tilt) {
  const float cy = std::cos(yaw), sy = std::sin(yaw);
  const float ct = std::cos(tilt), st = std::sin(tilt);
  const V3 x0{cy, 0, -sy}, z0{sy, 0, cy}, y0{0, 1, 0};
  Rotation r;
  r.r0 = x0 * ct - y0 * st;
  r.r1 = x0 * st + y0 * ct;
  r.r2 = z0;
  return r;
}

}  // namespace parallax::synth
