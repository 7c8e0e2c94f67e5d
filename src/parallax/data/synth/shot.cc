#include "parallax/data/synth/shot.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "parallax/data/synth/render_view.h"
#include "parallax/data/synth/scene_parts.h"
#include "parallax/util/check.h"

namespace parallax::synth {

namespace {

constexpr float kDegree = kPi / 180;

// Things that can slide and turn: not the buildings, walls, furniture,
// poles and branches that stand fixed in the world.
bool Movable(const Object& o) {
  return o.kind == "box" || o.kind == "sphere" || o.kind == "cylinder" ||
         o.kind == "slab" || o.kind == "billboard";
}

// Room parts and buildings are not subjects: the screen plane goes on
// something the viewer looks at.
bool CanBeSubject(const Object& o) {
  return o.kind != "building" && o.kind != "wall" && o.kind != "ceiling" &&
         o.kind != "picture";
}

V3 Horizontal(V3 v) { return Normalize(V3{v.x, 0, v.z}); }

// The nearest depth the left view sees, from a render at a quarter of the
// size (the shadow map is irrelevant to depth, so a tiny one).
float NearestSeenDepth(const Scene& scene, const TextureBank& textures) {
  Scene probe = scene;
  Rig& rig = probe.rig;
  const float scale = 0.25f;
  rig.width = std::max(16, static_cast<int>(rig.width * scale));
  rig.height = std::max(8, static_cast<int>(rig.height * scale));
  rig.focal_px *= static_cast<float>(rig.width) / scene.rig.width;
  rig.cy = 0.5f * rig.height;
  rig.shift_px *= static_cast<float>(rig.width) / scene.rig.width;
  const ShadowMap shadows = BuildShadowMap(probe, 16);
  const ViewRender view = RenderView(probe, false, textures, shadows);
  double lo = 0, hi = 0;
  cv::Mat finite = view.depth.clone();
  cv::patchNaNs(finite, 1e9);
  finite.setTo(1e9, finite == std::numeric_limits<float>::infinity());
  cv::minMaxLoc(finite, &lo, &hi);
  return static_cast<float>(lo);
}

// Depth of an object's centre along the optical axis, and its position in
// the frame (fractions of the size from the centre).
struct InFrame {
  float z = 0, x = 0, y = 0;
};
InFrame Locate(const Rig& rig, V3 p) {
  const V3 rel = p - rig.center;
  InFrame f;
  f.z = Dot(rel, rig.axes.r2);
  if (f.z <= 0) return f;
  f.x = rig.focal_px * Dot(rel, rig.axes.r0) / f.z / rig.width;
  f.y = rig.focal_px * Dot(rel, rig.axes.r1) / f.z / rig.height;
  return f;
}

// The subject: a thing in the middle of the frame near the screen plane (or
// any such thing for a parallel rig), else a point straight ahead.
void ChooseSubject(Rng& rng, ShotPlan& plan) {
  const Scene& scene = plan.scene;
  const Rig& rig = scene.rig;
  const float wanted =
      plan.converging ? rig.convergence_m : (scene.indoor ? 2.0f : 5.0f);
  std::vector<int> candidates;
  int nearest = -1;
  float best = std::numeric_limits<float>::infinity();
  for (size_t i = 0; i < scene.objects.size(); ++i) {
    const Object& o = scene.objects[i];
    const InFrame f = Locate(rig, o.center);
    if (!CanBeSubject(o) || f.z < (scene.indoor ? 0.6f : 1.5f) || f.z > 25 ||
        std::abs(f.x) > 0.35f || std::abs(f.y) > 0.35f) {
      continue;
    }
    candidates.push_back(static_cast<int>(i));
    const float miss = std::abs(f.z - wanted);
    if (miss < best) {
      best = miss;
      nearest = static_cast<int>(i);
    }
  }
  if (plan.converging) {
    // The object only where it is where SampleScene put the screen plane.
    if (nearest >= 0 && best < 0.15f * wanted) plan.subject_object = nearest;
  } else if (!candidates.empty()) {
    plan.subject_object = candidates[static_cast<size_t>(
        rng.Int(0, static_cast<int>(candidates.size()) - 1))];
  }
  plan.subject =
      plan.subject_object >= 0
          ? scene.objects[static_cast<size_t>(plan.subject_object)].center
          : rig.center + rig.axes.r2 * wanted;
}

// A move of the kind drawn, sized to the world: indoors the walls are 3 m
// behind the rig and at least 0.6 m to a side, the ceiling above 2.4 m.
CameraPath DrawPath(Rng& rng, CameraMove move, const ShotPlan& plan,
                    float nearest_m, float handheld_probability) {
  const Scene& scene = plan.scene;
  const Rig& rig = scene.rig;
  const bool indoor = scene.indoor;
  CameraPath path;
  path.move = move;
  path.duration_s = static_cast<float>(plan.frames / plan.fps);
  path.start = {rig.center, 0, rig.pitch, rig.roll};
  const float seconds = path.duration_s;
  const V3 forward = Horizontal(rig.axes.r2);
  const V3 right = Horizontal(rig.axes.r0);
  const V3 to_subject = plan.subject - rig.center;
  const float subject_m =
      std::max(0.5f, Length(V3{to_subject.x, 0, to_subject.z}));
  const float sign = rng.Chance(0.5f) ? 1.0f : -1.0f;
  switch (move) {
    case CameraMove::kStatic:
      break;
    case CameraMove::kDolly: {
      const float pick = rng.Unit();
      if (pick < 0.4f) {  // in, never closer than half the nearest thing
        path.travel = forward * (rng.Uniform(0.15f, 0.45f) * nearest_m);
      } else if (pick < 0.7f) {  // out
        path.travel = forward * -(rng.Uniform(0.3f, 1.0f) *
                                  std::min(subject_m, indoor ? 1.0f : 3.0f));
      } else {  // across (a truck)
        path.travel = right * (sign * rng.Uniform(0.1f, 0.25f) *
                               std::min(subject_m, indoor ? 1.6f : 8.0f));
      }
      break;
    }
    case CameraMove::kPan:
      path.pan_rad =
          sign * std::min(rng.Uniform(4.0f, 12.0f) * seconds, 25.0f) * kDegree;
      break;
    case CameraMove::kOrbit: {
      path.pivot = plan.subject;
      float angle = rng.Uniform(4.0f, 12.0f) * seconds * kDegree;
      // Indoors the arc stays within 0.4 m of where it began.
      if (indoor) angle = std::min(angle, 0.4f / subject_m);
      path.orbit_rad = sign * std::min(angle, 25.0f * kDegree);
      break;
    }
    case CameraMove::kCrane: {
      path.look_at = plan.subject;
      const float height = rig.center.y;
      float rise = indoor ? rng.Uniform(0.1f, 0.35f) : rng.Uniform(0.3f, 1.2f);
      // Down only where there is room above the floor; up below 2.2 m
      // indoors.
      const bool down = rng.Chance(0.3f) && height - rise > 0.4f;
      if (!down && indoor) rise = std::min(rise, std::max(0.0f, 2.2f - height));
      path.travel = {0, down ? -rise : rise, 0};
      break;
    }
  }
  if (rng.Chance(handheld_probability)) {
    path.shake = Shake::Random(rng, rng.Uniform(0.003f, 0.012f),
                               rng.Uniform(0.1f, 0.5f) * kDegree);
  }
  return path;
}

std::vector<Mover> DrawMovers(Rng& rng, const ShotPlan& plan,
                              float mover_probability) {
  std::vector<Mover> movers;
  if (!rng.Chance(mover_probability)) return movers;
  const Scene& scene = plan.scene;
  const Rig& rig = scene.rig;
  std::vector<int> movable;
  for (size_t i = 0; i < scene.objects.size(); ++i) {
    const Object& o = scene.objects[i];
    const InFrame f = Locate(rig, o.center);
    if (Movable(o) && f.z > 0.5f && std::abs(f.x) < 0.6f &&
        std::abs(f.y) < 0.6f) {
      movable.push_back(static_cast<int>(i));
    }
  }
  const V3 right = Horizontal(rig.axes.r0);
  const V3 forward = Horizontal(rig.axes.r2);
  const int count = std::min(rng.Int(1, 3), static_cast<int>(movable.size()));
  for (int k = 0; k < count; ++k) {
    const int pick = rng.Int(k, static_cast<int>(movable.size()) - 1);
    std::swap(movable[static_cast<size_t>(k)],
              movable[static_cast<size_t>(pick)]);
    Mover m;
    m.object = movable[static_cast<size_t>(k)];
    const Object& o = scene.objects[static_cast<size_t>(m.object)];
    const float z = Locate(rig, o.center).z;
    // Indoors things stand on tables and shelves, which a slide would
    // leave floating past the edge: they only turn. Outdoors they walk or
    // drive across, faster far away so they still move on screen.
    const float speed =
        scene.indoor ? 0.0f : rng.Uniform(0.3f, 1.2f) * std::max(1.0f, z / 6);
    const float side = rng.Chance(0.5f) ? 1.0f : -1.0f;
    m.velocity = (right * side + forward * rng.Uniform(-0.3f, 0.3f)) * speed;
    m.spin_rad_s = rng.Uniform(-0.6f, 0.6f);
    movers.push_back(m);
  }
  return movers;
}

// Whether the rig keeps clear of every mover's bounding sphere.
bool MoversKeepClear(const ShotPlan& plan) {
  for (int k = 0; k <= 8; ++k) {
    const Scene s = plan.At(plan.path.duration_s * k / 8.0);
    for (const Mover& m : plan.movers) {
      const Object& o = s.objects[static_cast<size_t>(m.object)];
      if (Length(o.center - s.rig.center) < o.bound_radius + 0.4f) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

Scene ShotPlan::At(double t) const {
  Scene s = scene;
  const float ft = static_cast<float>(t);
  V3 subject_now = subject;
  for (const Mover& m : movers) {
    Object& o = s.objects[static_cast<size_t>(m.object)];
    o.center = o.center + m.velocity * ft;
    const float turn = m.spin_rad_s * ft;
    o.rotation.r0 = TurnAboutUp(o.rotation.r0, turn);
    o.rotation.r1 = TurnAboutUp(o.rotation.r1, turn);
    o.rotation.r2 = TurnAboutUp(o.rotation.r2, turn);
    if (m.object == subject_object) subject_now = o.center;
  }
  PlaceRig(path.At(t), s.rig);
  if (converging) {
    Rig& rig = s.rig;
    rig.convergence_m =
        std::max(0.3f, Dot(subject_now - rig.center, rig.axes.r2));
    rig.shift_px = rig.focal_px * rig.baseline_m / rig.convergence_m;
  }
  return s;
}

nlohmann::json ShotPlan::Describe() const {
  const auto vec = [](V3 v) { return nlohmann::json{v.x, v.y, v.z}; };
  nlohmann::json movers_json = nlohmann::json::array();
  for (const Mover& m : movers) {
    movers_json.push_back(
        {{"object", m.object},
         {"kind", scene.objects[static_cast<size_t>(m.object)].kind},
         {"velocity_m_s", vec(m.velocity)},
         {"spin_deg_s", m.spin_rad_s / kDegree}});
  }
  nlohmann::json move = {{"type", ToString(path.move)},
                         {"start", vec(path.start.center)},
                         {"handheld", path.shake.position_m > 0}};
  switch (path.move) {
    case CameraMove::kDolly:
    case CameraMove::kCrane:
      move["travel_m"] = vec(path.travel);
      break;
    case CameraMove::kPan:
      move["pan_deg"] = path.pan_rad / kDegree;
      break;
    case CameraMove::kOrbit:
      move["pivot"] = vec(path.pivot);
      move["orbit_deg"] = path.orbit_rad / kDegree;
      break;
    case CameraMove::kStatic:
      break;
  }
  if (path.shake.position_m > 0) {
    move["shake_m"] = path.shake.position_m;
    move["shake_deg"] = path.shake.angle_rad / kDegree;
  }
  return {{"seed", scene.seed},
          {"world", scene.indoor ? "indoor" : "outdoor"},
          {"frames", frames},
          {"fps", fps},
          {"size", {scene.rig.width, scene.rig.height}},
          {"focal_px", scene.rig.focal_px},
          {"baseline_m", scene.rig.baseline_m},
          {"rig", converging ? "converging" : "parallel"},
          {"subject", vec(subject)},
          {"subject_object", subject_object},
          {"camera", move},
          {"movers", movers_json}};
}

ShotPlan PlanShot(uint64_t seed, int64_t index, const ShotOptions& options,
                  const TextureBank& textures) {
  THROW_CHECK_GE(options.frames, 1);
  THROW_CHECK_GT(options.fps, 0);
  THROW_CHECK(!options.moves.empty());
  ShotPlan plan;
  plan.scene = SampleScene(seed, index, options.scene, textures);
  plan.frames = options.frames;
  plan.fps = options.fps;
  Scene& scene = plan.scene;
  Rig& rig = scene.rig;
  plan.converging = rig.convergence_m > 0;
  // The shadow map stays where the first frame puts it.
  const V3 forward = Horizontal(rig.axes.r2);
  scene.shadow_center = rig.center + forward * scene.shadow_focus_m;
  scene.shadow_anchored = true;

  Rng rng(MixSeed(scene.seed, 0x5307));
  ChooseSubject(rng, plan);
  const float nearest_m = NearestSeenDepth(scene, textures);
  const float max_px = 0.95f * options.scene.max_disparity * rig.width;
  // A move that runs into something is drawn again; a shot that finds none
  // in a few tries stands still.
  for (int attempt = 0;; ++attempt) {
    const CameraMove move =
        attempt < 6 ? options.moves[static_cast<size_t>(rng.Int(
                          0, static_cast<int>(options.moves.size()) - 1))]
                    : CameraMove::kStatic;
    plan.path = DrawPath(rng, move, plan, nearest_m,
                         attempt < 6 ? options.handheld_probability : 0.0f);
    plan.movers = DrawMovers(rng, plan, options.mover_probability);
    if (!MoversKeepClear(plan)) plan.movers.clear();
    // The disparity range over the shot, from the nearest depth and the
    // screen plane at a few times along it.
    float inverse_range = 0;
    bool clear = true;
    const int probes = plan.frames > 1 ? 6 : 0;
    for (int k = 0; k <= probes && clear; ++k) {
      const double t =
          probes == 0 ? 0.0 : plan.Time(plan.frames - 1) * k / probes;
      const Scene s = plan.At(t);
      const float z = NearestSeenDepth(s, textures);
      clear = z > (scene.indoor ? 0.15f : 0.25f);
      const float zc = s.rig.convergence_m;
      inverse_range =
          std::max(inverse_range,
                   plan.converging ? std::max(1 / z - 1 / zc, 1 / zc) : 1 / z);
    }
    if (!clear && attempt < 6) continue;
    // 0.9: the quarter-size probes can miss the nearest sliver.
    rig.baseline_m = std::min(rig.baseline_m,
                              0.9f * max_px / (rig.focal_px * inverse_range));
    break;
  }
  // Time 0 as the first frame sees it (convergence on the subject).
  const Scene first = plan.At(0);
  rig.convergence_m = first.rig.convergence_m;
  rig.shift_px = first.rig.shift_px;
  return plan;
}

}  // namespace parallax::synth
