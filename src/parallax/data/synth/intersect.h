// Ray / shape intersections in an object's local frame (the shape centred
// at the origin, axes aligned). Rays are o + t d with any |d|; the nearest
// hit with t in (t_min, t_max) is returned, so callers can pass the best t
// so far and skip farther shapes.
#pragma once

#include <algorithm>
#include <cmath>

#include <opencv2/core/hal/intrin.hpp>

#include "parallax/data/synth/scene.h"
#include "parallax/data/synth/vec3.h"
#include "parallax/util/fast_math.h"

namespace parallax::synth {

struct LocalHit {
  float t = 0;
  V3 point;   // local
  V3 normal;  // local, unit, facing outwards (quads: towards the ray)
};

inline bool IntersectBox(V3 o, V3 d, V3 half, float t_min, float t_max,
                         LocalHit* hit) {
  float t0 = t_min, t1 = t_max;
  int axis = -1;
  float sign = 1;
  const float oc[3] = {o.x, o.y, o.z}, dc[3] = {d.x, d.y, d.z};
  const float hc[3] = {half.x, half.y, half.z};
  // The three reciprocals in one vector division (a box test per object
  // and pixel made divisions a measurable share of rendering). Lanes of
  // near-zero components are not used.
  float inverse[4];
  cv::v_store(inverse,
              cv::v_setall_f32(1.0f) / cv::v_float32x4(d.x, d.y, d.z, 1.0f));
  for (int a = 0; a < 3; ++a) {
    if (std::abs(dc[a]) < 1e-12f) {
      if (oc[a] < -hc[a] || oc[a] > hc[a]) return false;
      continue;
    }
    const float inv = inverse[a];
    float near = (-hc[a] - oc[a]) * inv, far = (hc[a] - oc[a]) * inv;
    float s = -1;
    if (near > far) {
      std::swap(near, far);
      s = 1;
    }
    if (near > t0) {
      t0 = near;
      axis = a;
      sign = s;
    }
    t1 = std::min(t1, far);
    if (t0 > t1) return false;
  }
  if (axis < 0) return false;  // starts inside (or before t_min)
  hit->t = t0;
  hit->point = o + d * t0;
  hit->normal = {axis == 0 ? sign : 0.0f, axis == 1 ? sign : 0.0f,
                 axis == 2 ? sign : 0.0f};
  return true;
}

inline bool IntersectSphere(V3 o, V3 d, float radius, float t_min, float t_max,
                            LocalHit* hit) {
  const float a = Dot(d, d), b = Dot(o, d), c = Dot(o, o) - radius * radius;
  const float disc = b * b - a * c;
  if (disc < 0) return false;
  const float t = (-b - std::sqrt(disc)) / a;
  if (!(t > t_min && t < t_max)) return false;
  hit->t = t;
  hit->point = o + d * t;
  hit->normal = hit->point * (1.0f / radius);
  return true;
}

// Axis along local y, |y| <= half_height, with caps.
inline bool IntersectCylinder(V3 o, V3 d, float radius, float half_height,
                              float t_min, float t_max, LocalHit* hit) {
  bool found = false;
  float best = t_max;
  const float a = d.x * d.x + d.z * d.z;
  if (a > 1e-12f) {
    const float b = o.x * d.x + o.z * d.z;
    const float c = o.x * o.x + o.z * o.z - radius * radius;
    const float disc = b * b - a * c;
    if (disc >= 0) {
      const float t = (-b - std::sqrt(disc)) / a;
      if (t > t_min && t < best) {
        const float y = o.y + d.y * t;
        if (std::abs(y) <= half_height) {
          best = t;
          found = true;
          hit->t = t;
          hit->point = o + d * t;
          hit->normal = {hit->point.x / radius, 0, hit->point.z / radius};
        }
      }
    }
  }
  if (std::abs(d.y) > 1e-12f) {
    for (float cap : {-half_height, half_height}) {
      const float t = (cap - o.y) / d.y;
      if (!(t > t_min && t < best)) continue;
      const V3 p = o + d * t;
      if (p.x * p.x + p.z * p.z > radius * radius) continue;
      best = t;
      found = true;
      hit->t = t;
      hit->point = p;
      hit->normal = {0, cap > 0 ? 1.0f : -1.0f, 0};
    }
  }
  return found;
}

// The cut-out outline of a quad: inside when the point (in units of the
// half extents) lies within r(θ) = 1 + Σ a_k cos(kθ + φ_k).
inline bool InsideCutout(const Object& object, float u, float v) {
  if (!object.cutout) return true;
  const float r2 = u * u + v * v;
  if (r2 > 1.6f * 1.6f) return false;
  const float theta = FastAtan2(v, u);
  float r = 1;
  for (int k = 0; k < 4; ++k) {
    r += object.cutout_a[k] *
         std::cos(static_cast<float>(k + 2) * theta + object.cutout_phase[k]);
  }
  r = std::min(r, 1.0f);  // stays inside the quad
  return r2 <= r * r;
}

// The quad in the local z = 0 plane, two-sided.
inline bool IntersectQuad(const Object& object, V3 o, V3 d, float t_min,
                          float t_max, LocalHit* hit) {
  if (std::abs(d.z) < 1e-12f) return false;
  const float t = -o.z / d.z;
  if (!(t > t_min && t < t_max)) return false;
  const V3 p = o + d * t;
  if (std::abs(p.x) > object.half.x || std::abs(p.y) > object.half.y) {
    return false;
  }
  if (!InsideCutout(object, p.x / object.half.x, p.y / object.half.y)) {
    return false;
  }
  hit->t = t;
  hit->point = p;
  hit->normal = {0, 0, d.z > 0 ? -1.0f : 1.0f};
  return true;
}

// One object against a ray already in its local frame (render_view.cc's
// LocalRays moves a whole view's rays there at once).
inline bool IntersectLocal(const Object& object, V3 o, V3 d, float t_min,
                           float t_max, LocalHit* hit) {
  switch (object.shape) {
    case Shape::kBox:
      return IntersectBox(o, d, object.half, t_min, t_max, hit);
    case Shape::kSphere:
      return IntersectSphere(o, d, object.half.x, t_min, t_max, hit);
    case Shape::kCylinder:
      return IntersectCylinder(o, d, object.half.x, object.half.y, t_min, t_max,
                               hit);
    case Shape::kQuad:
      return IntersectQuad(object, o, d, t_min, t_max, hit);
  }
  return false;
}

}  // namespace parallax::synth
