#include "parallax/data/synth/scene_parts.h"

#include <cmath>

namespace parallax::synth {

Material RandomMaterial(Rng& rng, const TextureBank& textures, float texel_lo,
                        float texel_hi) {
  Material m;
  m.texture = rng.Int(0, static_cast<int>(textures.size()) - 1);
  m.texel_m = rng.LogUniform(texel_lo, texel_hi);
  const float brightness = rng.Uniform(0.6f, 1.2f);
  m.tint = {brightness * rng.Uniform(0.8f, 1.15f),
            brightness * rng.Uniform(0.8f, 1.15f),
            brightness * rng.Uniform(0.8f, 1.15f)};
  m.u0 = rng.Uniform(0, 4096);
  m.v0 = rng.Uniform(0, 4096);
  return m;
}

Rig RigWithRandomLens(Rng& rng, const SceneOptions& options) {
  Rig rig;
  rig.width = options.size.width;
  rig.height = options.size.height;
  // Horizontal field of view of phones, compacts and film lenses.
  rig.hfov = rng.Uniform(45.0f, 85.0f) * kPi / 180;
  rig.focal_px = 0.5f * rig.width / std::tan(0.5f * rig.hfov);
  rig.cy = 0.5f * rig.height;
  return rig;
}

void SetRigAxes(Rig& rig) {
  const V3 forward{0, std::sin(rig.pitch), std::cos(rig.pitch)};
  const V3 up{0, std::cos(rig.pitch), -std::sin(rig.pitch)};
  const V3 right0{1, 0, 0};
  const float cr = std::cos(rig.roll), sr = std::sin(rig.roll);
  const V3 right = right0 * cr + up * sr;
  const V3 up_rolled = up * cr - right0 * sr;
  rig.axes.r0 = right;
  rig.axes.r1 = up_rolled * -1.0f;
  rig.axes.r2 = forward;
}

// A point `z` metres ahead of the rig and `x` to the side, on the ground.
V3 GroundPoint(const Rig& rig, float x, float z) {
  const V3 forward = Normalize(V3{rig.axes.r2.x, 0, rig.axes.r2.z});
  const V3 right = Normalize(V3{rig.axes.r0.x, 0, rig.axes.r0.z});
  const V3 p = rig.center + forward * z + right * x;
  return {p.x, 0, p.z};
}

void Finish(Object& o) {
  switch (o.shape) {
    case Shape::kBox:
      o.bound_radius = Length(o.half);
      break;
    case Shape::kSphere:
      o.bound_radius = o.half.x;
      break;
    case Shape::kCylinder:  // radius and half height
    case Shape::kQuad:      // half width and half height
      o.bound_radius = std::sqrt(o.half.x * o.half.x + o.half.y * o.half.y);
      break;
  }
}

// Depth of the nearest point of an object along the optical axis.
float NearestDepth(const Rig& rig, const Object& o) {
  return Dot(o.center - rig.center, rig.axes.r2) - o.bound_radius;
}

}  // namespace parallax::synth
