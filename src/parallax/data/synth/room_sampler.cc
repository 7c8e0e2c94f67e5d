// Indoor worlds: the close range of most photographs. A room (floor, back
// and side walls, a ceiling) around the rig, tables and cabinets
// with small things on them, furniture and things on the floor, flat
// pictures on the walls (texture that is not depth), and sometimes a thing
// right in front of the lens. Depths run from 0.3 m to about 10 m, where the
// outdoor worlds run to the horizon.
#include <algorithm>
#include <cmath>

#include "parallax/data/synth/scene_parts.h"

namespace parallax::synth {
namespace {

// The room's floor plan: u to the right of the room's centre line, v ahead
// of the rig along the room's axis, y up; the rig stands at u = offset.
struct RoomFrame {
  V3 origin;  // on the floor below the rig
  V3 right, forward;
  float yaw = 0;
  float offset = 0;

  V3 At(float u, float v, float y) const {
    return origin + right * (u - offset) + forward * v + V3{0, y, 0};
  }
};

Object Box(const char* kind, V3 center, V3 half, float yaw, Material m) {
  Object o;
  o.shape = Shape::kBox;
  o.kind = kind;
  o.center = center;
  o.half = half;
  o.rotation = YawTilt(yaw, 0);
  o.material = m;
  Finish(o);
  return o;
}

// A thing of about `s` metres that rests on a support at height 0 (its
// centre is returned `reach` above the support); the caller places it.
Object RoomThing(Rng& rng, const TextureBank& textures, float s, float* reach) {
  Object o;
  const float pick = rng.Unit();
  float yaw = rng.Uniform(0, 2 * kPi), tilt = 0;
  if (pick < 0.30f) {
    o.shape = Shape::kBox;
    o.kind = "box";
    o.half = {s * rng.Uniform(0.3f, 1.0f), s * rng.Uniform(0.3f, 1.0f),
              s * rng.Uniform(0.3f, 1.0f)};
    *reach = o.half.y;
  } else if (pick < 0.42f) {
    o.shape = Shape::kSphere;
    o.kind = "sphere";
    o.half = {s * rng.Uniform(0.3f, 0.6f), 0, 0};
    *reach = o.half.x;
  } else if (pick < 0.64f) {
    o.shape = Shape::kCylinder;
    o.kind = "cylinder";  // cups, bottles, bins; some lying down
    o.half = {s * rng.Uniform(0.15f, 0.45f), s * rng.Uniform(0.3f, 1.2f), 0};
    if (rng.Chance(0.25f)) tilt = 0.5f * kPi;
    *reach = o.half.y * std::abs(std::cos(tilt)) +
             o.half.x * std::abs(std::sin(tilt));
  } else if (pick < 0.77f) {
    o.shape = Shape::kBox;
    o.kind = "slab";  // books, boards, frames standing up
    o.half = {s * rng.Uniform(0.4f, 1.0f), s * rng.Uniform(0.5f, 1.2f),
              rng.Uniform(0.005f, 0.03f)};
    *reach = o.half.y;
  } else {
    o.shape = Shape::kQuad;
    o.kind = "billboard";  // plants, figures: cut-outs facing the camera
    o.half = {s * rng.Uniform(0.3f, 0.8f), s * rng.Uniform(0.5f, 1.2f), 0};
    yaw = rng.Uniform(-0.6f, 0.6f);
    o.cutout = rng.Chance(0.8f);
    if (o.cutout) {
      for (int k = 0; k < 4; ++k) {
        o.cutout_a[k] = rng.Uniform(0.0f, 0.22f);
        o.cutout_phase[k] = rng.Uniform(0, 2 * kPi);
      }
    }
    *reach = o.half.y;
  }
  o.rotation = YawTilt(yaw, tilt);
  const bool stretched = o.shape == Shape::kQuad;
  o.material =
      RandomMaterial(rng, textures, 0.0005f, stretched ? 0.002f : 0.004f);
  return o;
}

// Depth along the optical axis at which the plane through `point` with
// normal `normal` first enters the view, or infinity if it never does.
// 1/Z is affine over the image for a plane, so its largest value is at a
// corner.
float NearestPlaneDepth(const Rig& rig, V3 point, V3 normal) {
  const float k = Dot(point - rig.center, normal);
  if (std::abs(k) < 1e-6f) return 0.0f;
  float inverse = 0;
  for (float cx : {0.0f, 1.0f}) {
    for (float cy : {0.0f, 1.0f}) {
      const V3 d = rig.axes.r2 +
                   rig.axes.r0 * ((cx - 0.5f) * rig.width / rig.focal_px) +
                   rig.axes.r1 * ((cy - 0.5f) * rig.height / rig.focal_px);
      inverse = std::max(inverse, Dot(d, normal) / k);
    }
  }
  return inverse > 0 ? 1 / inverse : 1e9f;
}

// Keeps things off the cameras: a thing's bounding sphere must start at
// least kNearestThing ahead (along the optical axis), so that the baseline
// cap, which trusts that figure, holds; or lie wholly behind the rig.
constexpr float kNearestThing = 0.2f;
bool ClearOfRig(const Rig& rig, const Object& o) {
  const float ahead = Dot(o.center - rig.center, rig.axes.r2);
  return ahead - o.bound_radius >= kNearestThing || ahead + o.bound_radius < 0;
}

// Keeps a thing's footprint (radius `r` on the floor plan) inside the room.
float InsideRoomU(float u, float r, float half_width) {
  return std::clamp(u, -half_width + r,
                    std::max(-half_width + r, half_width - r));
}
float InsideRoomV(float v, float r, float depth) {
  return std::min(v, std::max(0.0f, depth - r));
}

}  // namespace

Rig RandomRoomRig(Rng& rng, const SceneOptions& options) {
  Rig rig = RigWithRandomLens(rng, options);
  // Standing, sitting, or down at a table top.
  const float height =
      rng.Chance(0.7f) ? rng.Uniform(1.1f, 1.7f) : rng.Uniform(0.45f, 1.1f);
  rig.center = {0, height, 0};
  // Often looking down at a table or the floor.
  rig.pitch = rng.Uniform(-35.0f, 5.0f) * kPi / 180;
  rig.roll = rng.Uniform(-3.0f, 3.0f) * kPi / 180;
  SetRigAxes(rig);
  rig.baseline_m = rng.LogUniform(0.03f, 0.25f);
  return rig;
}

RoomDepths AddRoom(Rng& rng, const Rig& rig, const TextureBank& textures,
                   Scene& scene) {
  RoomFrame f;
  f.origin = {rig.center.x, 0, rig.center.z};
  f.yaw = rng.Uniform(-0.5f, 0.5f);
  f.forward = {std::sin(f.yaw), 0, std::cos(f.yaw)};
  f.right = {std::cos(f.yaw), 0, -std::sin(f.yaw)};
  const float depth = rng.LogUniform(1.8f, 9.0f);    // to the back wall
  const float half_width = rng.Uniform(1.5f, 5.0f);  // centre line to a wall
  const float height = rng.Uniform(2.4f, 4.0f);
  f.offset = rng.Uniform(-0.6f, 0.6f) * half_width;
  const float behind = 3.0f;  // the walls reach behind the rig
  const float t = 0.1f;       // wall thickness

  // Floors: boards, tiles, carpet; walls: plain paint to patterned paper.
  scene.ground = RandomMaterial(rng, textures, 0.0008f, 0.008f);
  const bool same_walls = rng.Chance(0.6f);
  const Material wall = RandomMaterial(rng, textures, 0.002f, 0.04f);
  auto wall_material = [&]() {
    return same_walls ? wall : RandomMaterial(rng, textures, 0.002f, 0.04f);
  };
  std::vector<Object>& objects = scene.objects;
  const float mid_v = 0.5f * (depth - behind);
  objects.push_back(Box("wall", f.At(0, depth + 0.5f * t, 0.5f * height),
                        {half_width + t, 0.5f * height, 0.5f * t}, f.yaw,
                        wall_material()));
  for (float side : {-1.0f, 1.0f}) {
    objects.push_back(
        Box("wall", f.At(side * (half_width + 0.5f * t), mid_v, 0.5f * height),
            {0.5f * t, 0.5f * height, 0.5f * (depth + behind)}, f.yaw,
            wall_material()));
  }
  // A closed room: no sky at infinity in the close range.
  objects.push_back(Box("ceiling", f.At(0, mid_v, height + 0.5f * t),
                        {half_width + t, 0.5f * t, 0.5f * (depth + behind)},
                        f.yaw, RandomMaterial(rng, textures, 0.01f, 0.05f)));

  // Tables (legs and a top) and cabinets, with things on them.
  const int tables = rng.Chance(0.8f) ? rng.Int(1, 2) : 0;
  for (int i = 0; i < tables; ++i) {
    const float top = rng.Uniform(0.4f, 1.0f);
    const float hx = std::min(rng.Uniform(0.3f, 1.0f), 0.9f * half_width);
    const float hz = rng.Uniform(0.25f, 0.6f);
    // The footprint of the (turned) table stays inside the walls.
    const float footprint = std::sqrt(hx * hx + hz * hz);
    const float v =
        InsideRoomV(rng.Uniform(0.8f + hz, std::max(0.9f + hz, depth - hz)),
                    footprint, depth);
    // Mostly in view: near the rig's line of sight.
    const float u = InsideRoomU(
        f.offset + rng.Uniform(-0.8f, 0.8f) * v * std::tan(0.5f * rig.hfov),
        footprint, half_width);
    // A small room may have no place for it in front of the rig.
    if (v - footprint < 0.3f) continue;
    const float yaw = f.yaw + rng.Uniform(-0.35f, 0.35f);
    const Rotation axes = YawTilt(yaw, 0);
    const V3 base = f.At(u, v, 0);
    const Material surface = RandomMaterial(rng, textures, 0.0008f, 0.006f);
    if (rng.Chance(0.6f)) {
      const float slab = rng.Uniform(0.025f, 0.06f);
      objects.push_back(Box("table", base + V3{0, top - 0.5f * slab, 0},
                            {hx, 0.5f * slab, hz}, yaw, surface));
      const float r = rng.Uniform(0.015f, 0.04f);
      for (float sx : {-1.0f, 1.0f}) {
        for (float sz : {-1.0f, 1.0f}) {
          Object leg;
          leg.shape = Shape::kCylinder;
          leg.kind = "pole";
          leg.half = {r, 0.5f * (top - slab), 0};
          leg.center = base + axes.r0 * (sx * (hx - 2 * r)) +
                       axes.r2 * (sz * (hz - 2 * r)) +
                       V3{0, 0.5f * (top - slab), 0};
          leg.rotation = axes;
          leg.material = surface;
          Finish(leg);
          objects.push_back(leg);
        }
      }
    } else {
      objects.push_back(Box("cabinet", base + V3{0, 0.5f * top, 0},
                            {hx, 0.5f * top, hz}, yaw, surface));
    }
    const int things = rng.Int(1, 7);
    for (int k = 0; k < things; ++k) {
      float reach = 0;
      Object o = RoomThing(rng, textures, rng.LogUniform(0.04f, 0.3f), &reach);
      o.center = base + axes.r0 * (0.85f * rng.Uniform(-hx, hx)) +
                 axes.r2 * (0.85f * rng.Uniform(-hz, hz)) +
                 V3{0, top + reach, 0};
      Finish(o);
      if (ClearOfRig(rig, o)) objects.push_back(o);
    }
  }

  // Furniture and things on the floor, lamps.
  const int floor_things = rng.Int(2, 8);
  for (int k = 0; k < floor_things; ++k) {
    const float v = rng.LogUniform(0.5f, std::max(0.6f, depth - 0.1f));
    const float u = rng.Uniform(-0.9f, 0.9f) * half_width;
    Object o;
    float reach = 0;
    if (rng.Chance(0.12f)) {
      o.shape = Shape::kCylinder;
      o.kind = "pole";
      o.half = {rng.Uniform(0.012f, 0.04f), rng.Uniform(0.5f, 0.9f), 0};
      o.rotation = YawTilt(0, 0);
      o.material = RandomMaterial(rng, textures, 0.0005f, 0.003f);
      reach = o.half.y;
    } else {
      o = RoomThing(rng, textures, rng.LogUniform(0.12f, 0.9f), &reach);
    }
    Finish(o);
    o.center = f.At(InsideRoomU(u, o.bound_radius, half_width),
                    InsideRoomV(v, o.bound_radius, depth), reach);
    if (ClearOfRig(rig, o)) objects.push_back(o);
  }

  // Pictures and posters, flat on the walls.
  const int pictures = rng.Int(0, 4);
  for (int k = 0; k < pictures; ++k) {
    const V3 half{rng.Uniform(0.15f, 0.7f), rng.Uniform(0.15f, 0.5f),
                  rng.Uniform(0.005f, 0.025f)};
    const float y = rng.Uniform(std::min(0.8f, height - 0.6f),
                                std::max(0.9f, height - 0.6f));
    const Material m = RandomMaterial(rng, textures, 0.0006f, 0.003f);
    if (rng.Chance(0.6f)) {
      const float u = InsideRoomU(rng.Uniform(-0.8f, 0.8f) * half_width, half.x,
                                  half_width);
      objects.push_back(
          Box("picture", f.At(u, depth - half.z, y), half, f.yaw, m));
    } else {
      const float side = rng.Chance(0.5f) ? -1.0f : 1.0f;
      const float v = InsideRoomV(
          rng.Uniform(0.5f, std::max(0.6f, depth - 0.5f)), half.x, depth);
      objects.push_back(Box("picture", f.At(side * (half_width - half.z), v, y),
                            half, f.yaw + 0.5f * kPi, m));
    }
  }

  // Something right in front of the lens, in part of the frame.
  if (rng.Chance(0.25f)) {
    float reach = 0;
    Object o = RoomThing(rng, textures, rng.LogUniform(0.05f, 0.3f), &reach);
    const float v = rng.Uniform(0.35f, 0.9f);
    const float u =
        f.offset + rng.Uniform(-0.6f, 0.6f) * v * std::tan(0.5f * rig.hfov);
    const float y =
        rng.Chance(0.5f) ? reach : rig.center.y + rng.Uniform(-0.4f, 0.1f) * v;
    o.center = f.At(u, v, std::max(reach, y));
    Finish(o);
    if (ClearOfRig(rig, o)) objects.push_back(o);
  }

  // Light through windows and lamps: softer sun, more ambient, little haze.
  const float power = rng.Uniform(0.8f, 2.2f);
  const float warm = rng.Uniform(0.0f, 0.2f);
  scene.sun.color = {power * (1 + warm), power, power * (1 - warm)};
  const float ambient = rng.Uniform(0.35f, 0.8f);
  scene.sun.ambient = {ambient * (1 + 0.5f * warm), ambient,
                       ambient * (1 - 0.3f * warm)};
  scene.sun.penumbra_m = rng.Uniform(0.03f, 0.2f);
  scene.haze.density = rng.LogUniform(0.0003f, 0.004f);
  scene.shadow_focus_m = 0.5f * depth;
  // The far side wall can be 1.6 half widths to the side of the rig.
  scene.shadow_half_extent_m = std::max(depth, 1.6f * half_width) + 2.0f;

  // Where the walls and the ceiling come nearest in the view.
  RoomDepths depths;
  depths.back_wall_m = depth;
  depths.nearest_m =
      NearestPlaneDepth(rig, f.At(0, depth, 0), f.forward * -1.0f);
  for (float side : {-1.0f, 1.0f}) {
    depths.nearest_m = std::min(
        depths.nearest_m,
        NearestPlaneDepth(rig, f.At(side * half_width, 0, 0), f.right * -side));
  }
  depths.nearest_m =
      std::min(depths.nearest_m,
               NearestPlaneDepth(rig, f.At(0, 0, height), V3{0, -1, 0}));
  return depths;
}

}  // namespace parallax::synth
