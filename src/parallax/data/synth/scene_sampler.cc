// SampleScene: the distributions behind the synthetic worlds. The aim is the
// monocular cues of real photographs: a ground plane with true perspective
// up to a horizon, things standing on it at every distance, size that
// shrinks with distance, occlusion, cast shadows, haze that grows with
// distance, and surfaces that carry real photographic texture.
#include <algorithm>
#include <cmath>

#include "parallax/data/synth/random.h"
#include "parallax/data/synth/scene.h"
#include "parallax/data/synth/scene_parts.h"
#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax::synth {
namespace {

Rig RandomRig(Rng& rng, const SceneOptions& options) {
  Rig rig = RigWithRandomLens(rng, options);
  // Mostly eye level; sometimes low (a child, a car) or high (a balcony).
  const float height =
      rng.Chance(0.7f) ? rng.Uniform(1.2f, 2.0f) : rng.LogUniform(0.4f, 6.0f);
  rig.center = {0, height, 0};
  rig.pitch = rng.Uniform(-14.0f, 5.0f) * kPi / 180;
  rig.roll = rng.Uniform(-3.0f, 3.0f) * kPi / 180;
  SetRigAxes(rig);
  rig.baseline_m = rng.LogUniform(0.06f, 0.6f);
  return rig;
}

// Depth (along the optical axis) of the ground seen by the lowest row, or
// infinity when the camera looks above the ground there.
float NearestGroundDepth(const Rig& rig) {
  const V3 dir =
      rig.axes.r2 + rig.axes.r1 * ((rig.height - rig.cy) / rig.focal_px);
  // Both bottom corners: roll lowers one of them.
  float nearest = 1e9f;
  for (float side : {-1.0f, 1.0f}) {
    const V3 d = dir + rig.axes.r0 * (side * 0.5f * rig.width / rig.focal_px);
    if (d.y < -1e-4f) nearest = std::min(nearest, -rig.center.y / d.y);
  }
  return nearest;
}

void AddBuildings(Rng& rng, const Rig& rig, const TextureBank& textures,
                  std::vector<Object>& objects) {
  if (!rng.Chance(0.6f)) return;
  const int count = rng.Int(1, 6);
  const float spread = std::tan(0.5f * rig.hfov) * 1.6f;
  for (int i = 0; i < count; ++i) {
    Object o;
    o.shape = Shape::kBox;
    o.kind = "building";
    const float z = rng.Uniform(12.0f, 90.0f);
    const float height = rng.LogUniform(3.0f, 35.0f);
    o.half = {0.5f * rng.Uniform(4.0f, 28.0f), 0.5f * height,
              0.5f * rng.Uniform(4.0f, 28.0f)};
    o.center = GroundPoint(rig, rng.Uniform(-spread, spread) * z, z);
    o.center.y = o.half.y;
    o.rotation = YawTilt(rng.Uniform(-0.7f, 0.7f), 0);
    o.material = RandomMaterial(rng, textures, 0.01f, 0.06f);
    Finish(o);
    objects.push_back(o);
  }
}

void AddWalls(Rng& rng, const Rig& rig, const TextureBank& textures,
              std::vector<Object>& objects) {
  const int count = rng.Chance(0.5f) ? rng.Int(1, 3) : 0;
  for (int i = 0; i < count; ++i) {
    Object o;
    o.shape = Shape::kBox;
    o.kind = "wall";
    const float length = rng.Uniform(5.0f, 40.0f);
    o.half = {0.5f * rng.Uniform(0.15f, 0.5f), 0.5f * rng.Uniform(0.8f, 5.0f),
              0.5f * length};
    float yaw;
    V3 base;
    if (rng.Chance(0.6f)) {  // along the view, at a side (a street)
      const float side = rng.Chance(0.5f) ? -1.0f : 1.0f;
      base = GroundPoint(rig, side * rng.Uniform(1.5f, 9.0f),
                         o.half.z + rng.Uniform(0.5f, 10.0f));
      yaw = rng.Uniform(-0.25f, 0.25f);
    } else {  // across it, further away
      base =
          GroundPoint(rig, rng.Uniform(-8.0f, 8.0f), rng.Uniform(6.0f, 40.0f));
      yaw = 0.5f * kPi + rng.Uniform(-0.5f, 0.5f);
    }
    o.center = {base.x, o.half.y, base.z};
    o.rotation = YawTilt(yaw, 0);
    o.material = RandomMaterial(rng, textures, 0.004f, 0.03f);
    Finish(o);
    objects.push_back(o);
  }
}

// One free-standing thing `z` metres ahead.
Object RandomThing(Rng& rng, const Rig& rig, const TextureBank& textures,
                   float z) {
  Object o;
  const float spread = std::tan(0.5f * rig.hfov) * 1.25f;
  const float x = rng.Uniform(-spread, spread) * z;
  // Sizes grow a little with distance, so far fields are not all specks.
  const float s = rng.LogUniform(0.12f, 1.6f) * std::max(1.0f, z / 8.0f);
  const float pick = rng.Unit();
  bool grounded = rng.Chance(0.75f);
  float yaw = rng.Uniform(0, 2 * kPi), tilt = 0;
  if (pick < 0.26f) {
    o.shape = Shape::kBox;
    o.kind = "box";
    o.half = {s * rng.Uniform(0.3f, 1.0f), s * rng.Uniform(0.3f, 1.0f),
              s * rng.Uniform(0.3f, 1.0f)};
  } else if (pick < 0.40f) {
    o.shape = Shape::kSphere;
    o.kind = "sphere";
    o.half = {s * rng.Uniform(0.3f, 0.8f), 0, 0};
  } else if (pick < 0.53f) {
    o.shape = Shape::kCylinder;
    o.kind = "cylinder";
    o.half = {s * rng.Uniform(0.15f, 0.5f), s * rng.Uniform(0.3f, 1.5f), 0};
  } else if (pick < 0.63f) {
    o.shape = Shape::kCylinder;
    o.kind = "pole";
    o.half = {rng.Uniform(0.02f, 0.09f), rng.Uniform(1.0f, 4.5f), 0};
    tilt = rng.Chance(0.3f) ? rng.Uniform(-0.2f, 0.2f) : 0;
    grounded = true;
  } else if (pick < 0.70f) {
    o.shape = Shape::kCylinder;
    o.kind = "branch";
    o.half = {rng.Uniform(0.01f, 0.05f), rng.Uniform(0.3f, 1.6f), 0};
    tilt = rng.Uniform(0.4f, 1.45f) * (rng.Chance(0.5f) ? 1 : -1);
    grounded = false;
  } else if (pick < 0.80f) {
    o.shape = Shape::kBox;
    o.kind = "slab";
    o.half = {s * rng.Uniform(0.5f, 1.5f), s * rng.Uniform(0.5f, 2.0f),
              rng.Uniform(0.02f, 0.1f)};
  } else {
    o.shape = Shape::kQuad;
    o.kind = "billboard";
    o.half = {s * rng.Uniform(0.4f, 1.2f), s * rng.Uniform(0.5f, 1.5f), 0};
    yaw = rng.Uniform(-0.6f, 0.6f);
    o.cutout = rng.Chance(0.7f);
    if (o.cutout) {
      for (int k = 0; k < 4; ++k) {
        o.cutout_a[k] = rng.Uniform(0.0f, 0.22f);
        o.cutout_phase[k] = rng.Uniform(0, 2 * kPi);
      }
    }
  }
  o.rotation = YawTilt(yaw, tilt);
  const V3 base = GroundPoint(rig, x, z);
  // Height of the lowest point above the centre, for standing on the ground.
  float reach = o.half.y;
  if (o.shape == Shape::kSphere) reach = o.half.x;
  if (o.shape == Shape::kCylinder) {
    reach = o.half.y * std::abs(std::cos(tilt)) +
            o.half.x * std::abs(std::sin(tilt));
  }
  const float lift =
      grounded ? 0.0f : rng.Uniform(0.3f, 3.5f) * std::max(1.0f, s);
  o.center = {base.x, reach + lift, base.z};
  const bool stretched = o.shape == Shape::kQuad;
  o.material = RandomMaterial(rng, textures, stretched ? 0.001f : 0.002f,
                              stretched ? 0.004f : 0.025f);
  Finish(o);
  return o;
}

}  // namespace

// Rodrigues' rotation about the unit grey axis k = (1, 1, 1) / sqrt(3):
// R = cos I + sin [k]x + (1 - cos) k k^T, a circulant matrix.
HueTurn HueTurn::Of(float angle_rad) {
  const float cos = std::cos(angle_rad), sin = std::sin(angle_rad);
  const float share = (1 - cos) / 3, cross = sin / std::sqrt(3.0f);
  return {cos + share, share - cross, share + cross};
}

cv::Vec3f HueTurn::Apply(const cv::Vec3f& x) const {
  if (is_identity()) return x;
  return {std::max(0.0f, a * x[0] + b * x[1] + c * x[2]),
          std::max(0.0f, c * x[0] + a * x[1] + b * x[2]),
          std::max(0.0f, b * x[0] + c * x[1] + a * x[2])};
}

World ParseWorld(const std::string& name) {
  const std::string lower = ToLower(name);
  if (lower == "outdoor") return World::kOutdoor;
  if (lower == "indoor") return World::kIndoor;
  if (lower == "mixed") return World::kMixed;
  ThrowError("--world must be outdoor, indoor or mixed, not '{}'", name);
}

std::string ToString(World world) {
  switch (world) {
    case World::kOutdoor:
      return "outdoor";
    case World::kIndoor:
      return "indoor";
    case World::kMixed:
      return "mixed";
  }
  return "?";
}

RigMode ParseRigMode(const std::string& name) {
  const std::string lower = ToLower(name);
  if (lower == "parallel") return RigMode::kParallel;
  if (lower == "converging") return RigMode::kConverging;
  if (lower == "mixed") return RigMode::kMixed;
  ThrowError("--rig must be parallel, converging or mixed, not '{}'", name);
}

std::string ToString(RigMode mode) {
  switch (mode) {
    case RigMode::kParallel:
      return "parallel";
    case RigMode::kConverging:
      return "converging";
    case RigMode::kMixed:
      return "mixed";
  }
  return "?";
}

Scene SampleScene(uint64_t seed, int64_t index, const SceneOptions& options,
                  const TextureBank& textures) {
  THROW_CHECK_GT(textures.size(), 0u);
  THROW_CHECK(options.size.width >= 8 && options.size.height >= 8);
  THROW_CHECK(options.max_disparity > 0 && options.max_disparity < 1);
  Scene scene;
  scene.seed = MixSeed(seed, static_cast<uint64_t>(index));
  Rng rng(scene.seed);
  // Outdoor-only runs draw nothing here, so their worlds stay as they were
  // before rooms existed.
  scene.indoor = options.world == World::kIndoor ||
                 (options.world == World::kMixed && rng.Chance(0.5f));
  scene.rig =
      scene.indoor ? RandomRoomRig(rng, options) : RandomRig(rng, options);
  Rig& rig = scene.rig;

  scene.ground = RandomMaterial(rng, textures, 0.002f, 0.02f);
  scene.ground_yaw = rng.Uniform(0, 2 * kPi);
  scene.backdrop.texture = rng.Int(0, static_cast<int>(textures.size()) - 1);
  scene.backdrop.yaw = rng.Uniform(-0.5f, 0.5f);
  scene.backdrop.fov = rng.Uniform(1.3f, 2.6f);
  scene.backdrop.horizon_v = rng.Uniform(0.45f, 0.8f);
  scene.backdrop.exposure = rng.Uniform(0.8f, 1.6f);

  const float sun_elevation = rng.Uniform(15.0f, 75.0f) * kPi / 180;
  const float sun_azimuth = rng.Uniform(0, 2 * kPi);
  scene.sun.direction = {std::cos(sun_elevation) * std::sin(sun_azimuth),
                         std::sin(sun_elevation),
                         std::cos(sun_elevation) * std::cos(sun_azimuth)};
  const bool overcast = rng.Chance(0.25f);
  const float sun_power =
      overcast ? rng.Uniform(0.2f, 0.8f) : rng.Uniform(1.8f, 3.5f);
  const float warm = rng.Uniform(0.0f, 0.25f);
  scene.sun.color = {sun_power * (1 + warm), sun_power, sun_power * (1 - warm)};
  const float sky =
      overcast ? rng.Uniform(0.8f, 1.2f) : rng.Uniform(0.25f, 0.6f);
  scene.sun.ambient = {sky * 0.9f, sky * 0.95f, sky * 1.1f};
  scene.sun.penumbra_m = rng.Uniform(0.05f, 0.4f);
  const float grey = rng.Uniform(0.55f, 0.9f);
  scene.haze.color = {grey * rng.Uniform(0.9f, 1.0f), grey,
                      grey * rng.Uniform(1.0f, 1.12f)};
  scene.haze.density = rng.LogUniform(0.0015f, 0.04f);

  float cluster = 2.0f;  // a subject distance for converging rigs
  float z_min = NearestGroundDepth(rig);
  float back_wall = 0;  // indoors: the screen plane stays in the room
  if (scene.indoor) {
    const RoomDepths room = AddRoom(rng, rig, textures, scene);
    z_min = std::min(z_min, room.nearest_m);
    back_wall = room.back_wall_m;
    cluster = 0.5f * back_wall;
  } else {
    AddBuildings(rng, rig, textures, scene.objects);
    AddWalls(rng, rig, textures, scene.objects);
    // Things at log-uniform distances, with a cluster near a random subject
    // distance for heavy mutual occlusion.
    const int count = rng.Int(8, 32);
    const float nearest = 0.8f, farthest = 45.0f;
    cluster = rng.LogUniform(2.0f, 15.0f);
    for (int i = 0; i < count; ++i) {
      const float z = rng.Chance(0.3f) ? cluster * rng.Uniform(0.8f, 1.3f)
                                       : rng.LogUniform(nearest, farthest);
      Object o = RandomThing(rng, rig, textures, z);
      // Nothing may hold the cameras.
      if (Length(o.center - rig.center) < o.bound_radius + 0.3f) continue;
      scene.objects.push_back(o);
    }
  }

  // The nearest depth seen decides how large the baseline may be.
  for (const Object& o : scene.objects) {
    const float z = NearestDepth(rig, o);
    if (z > 0.05f) z_min = std::min(z_min, z);
  }
  // Rooms keep every thing's front at least 0.2 m ahead (room_sampler.cc).
  z_min = std::max(z_min, scene.indoor ? 0.2f : 0.3f);
  const float max_px = 0.95f * options.max_disparity * rig.width;
  const bool converge = options.rig == RigMode::kConverging ||
                        (options.rig == RigMode::kMixed && rng.Chance(0.5f));
  float inverse_range = 1 / z_min;  // max over the scene of |1/Z - 1/Zc|
  if (converge) {
    // The screen plane on a subject: one of the nearer things, or the
    // cluster distance.
    float zc = cluster;
    std::vector<float> subjects;
    for (const Object& o : scene.objects) {
      const V3 rel = o.center - rig.center;
      const float z = Dot(rel, rig.axes.r2);
      const float closest = scene.indoor ? 0.6f : 1.5f;
      if (!(z > closest && z < 25.0f) || o.kind == "building") continue;
      // Only things in the middle of the frame: the screen plane must
      // be on something the viewer sees.
      const float px = rig.focal_px * Dot(rel, rig.axes.r0) / z;
      const float py = rig.focal_px * Dot(rel, rig.axes.r1) / z;
      if (std::abs(px) < 0.35f * rig.width &&
          std::abs(py) < 0.35f * rig.height) {
        subjects.push_back(z);
      }
    }
    if (subjects.empty()) {
      // The ground in the lower middle of the frame, if it is there.
      const V3 dir =
          rig.axes.r2 + rig.axes.r1 * (0.25f * rig.height / rig.focal_px);
      if (dir.y < -1e-3f) subjects.push_back(-rig.center.y / dir.y);
    }
    if (!subjects.empty()) {
      zc = subjects[rng.Int(0, static_cast<int>(subjects.size()) - 1)];
    }
    if (scene.indoor) zc = std::min(zc, 0.7f * back_wall);
    zc = std::max(zc, 1.5f * z_min);
    rig.convergence_m = zc;
    inverse_range = std::max(1 / z_min - 1 / zc, 1 / zc);
  }
  rig.baseline_m =
      std::min(rig.baseline_m, max_px / (rig.focal_px * inverse_range));
  rig.shift_px =
      converge ? rig.focal_px * rig.baseline_m / rig.convergence_m : 0.0f;

  if (options.camera_effects) {
    CameraEffects& e = scene.effects;
    e.exposure = rng.Uniform(0.7f, 1.4f);
    e.vignetting = rng.Uniform(0.0f, 0.35f);
    e.blur_sigma = rng.Chance(0.5f) ? rng.Uniform(0.3f, 0.9f) : 0.0f;
    e.noise_sigma = rng.Uniform(0.0f, 0.015f);
    e.jpeg_quality = rng.Chance(0.5f) ? rng.Int(70, 97) : 0;
  }
  // Scaled after every draw, so a scale changes how far the haze reaches
  // and nothing else about the world.
  scene.haze.density *= options.haze_scale;
  if (options.recolor_probability > 0) {
    const float p = options.recolor_probability;
    const auto turn = [&](HueTurn* hue) {
      if (rng.Chance(p)) *hue = HueTurn::Of(rng.Uniform(0, 2 * kPi));
    };
    for (Object& o : scene.objects) turn(&o.material.hue);
    turn(&scene.ground.hue);
    turn(&scene.backdrop.hue);
  }
  return scene;
}

}  // namespace parallax::synth
