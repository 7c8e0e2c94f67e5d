#include "parallax/data/synth/camera_path.h"

#include <cmath>

#include "parallax/data/synth/scene_parts.h"
#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax::synth {

namespace {

struct MoveName {
  CameraMove move;
  const char* name;
};
constexpr MoveName kMoveNames[] = {{CameraMove::kStatic, "static"},
                                   {CameraMove::kDolly, "dolly"},
                                   {CameraMove::kPan, "pan"},
                                   {CameraMove::kOrbit, "orbit"},
                                   {CameraMove::kCrane, "crane"}};

// Sum of three sines of one axis, in about [-1, 1].
float Wobble(const Shake& shake, int axis, double t) {
  constexpr float kWeights[3] = {0.6f, 0.3f, 0.15f};
  float sum = 0;
  for (int k = 0; k < 3; ++k) {
    sum += kWeights[k] * static_cast<float>(std::sin(2 * kPi * shake.hz[k] * t +
                                                     shake.phase[axis][k]));
  }
  return sum;
}

}  // namespace

CameraMove ParseCameraMove(const std::string& name) {
  for (const MoveName& m : kMoveNames) {
    if (name == m.name) return m.move;
  }
  ThrowError("unknown camera move '{}' (static, dolly, pan, orbit, crane)",
             name);
}

std::string ToString(CameraMove move) {
  for (const MoveName& m : kMoveNames) {
    if (move == m.move) return m.name;
  }
  return "?";
}

std::vector<CameraMove> ParseCameraMoves(const std::string& list) {
  std::vector<CameraMove> moves;
  if (list == "all") {
    for (const MoveName& m : kMoveNames) moves.push_back(m.move);
    return moves;
  }
  for (std::string name : Split(list, ',')) {
    // "dolly, pan" as well as "dolly,pan".
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    moves.push_back(ParseCameraMove(name));
  }
  if (moves.empty()) ThrowError("no camera moves given");
  return moves;
}

Shake Shake::Random(Rng& rng, float position_m, float angle_rad) {
  Shake s;
  s.position_m = position_m;
  s.angle_rad = angle_rad;
  s.hz[0] = rng.Uniform(0.6f, 1.0f);
  s.hz[1] = rng.Uniform(1.3f, 2.1f);
  s.hz[2] = rng.Uniform(2.5f, 3.5f);
  for (auto& axis : s.phase) {
    for (float& p : axis) p = rng.Uniform(0, 2 * kPi);
  }
  return s;
}

V3 TurnAboutUp(V3 v, float angle) {
  const float c = std::cos(angle), s = std::sin(angle);
  return {v.x * c + v.z * s, v.y, -v.x * s + v.z * c};
}

RigPose CameraPath::At(double t) const {
  const float u = static_cast<float>(t / duration_s);
  RigPose pose = start;
  switch (move) {
    case CameraMove::kStatic:
      break;
    case CameraMove::kDolly:
      pose.center = start.center + travel * u;
      break;
    case CameraMove::kPan:
      pose.yaw = start.yaw + pan_rad * u;
      break;
    case CameraMove::kOrbit: {
      const float angle = orbit_rad * u;
      pose.center = pivot + TurnAboutUp(start.center - pivot, angle);
      pose.yaw = start.yaw + angle;
      break;
    }
    case CameraMove::kCrane: {
      pose.center = start.center + travel * u;
      const auto elevation = [&](V3 c) {
        const V3 d = look_at - c;
        return std::atan2(d.y, std::hypot(d.x, d.z));
      };
      pose.pitch =
          start.pitch + elevation(pose.center) - elevation(start.center);
      break;
    }
  }
  if (shake.position_m > 0 || shake.angle_rad > 0) {
    pose.center = pose.center + V3{shake.position_m * Wobble(shake, 0, t),
                                   shake.position_m * Wobble(shake, 1, t),
                                   shake.position_m * Wobble(shake, 2, t)};
    pose.yaw += shake.angle_rad * Wobble(shake, 3, t);
    pose.pitch += shake.angle_rad * Wobble(shake, 4, t);
    pose.roll += 0.5f * shake.angle_rad * Wobble(shake, 5, t);
  }
  return pose;
}

void PlaceRig(const RigPose& pose, Rig& rig) {
  rig.center = pose.center;
  rig.pitch = pose.pitch;
  rig.roll = pose.roll;
  SetRigAxes(rig);
  rig.axes.r0 = TurnAboutUp(rig.axes.r0, pose.yaw);
  rig.axes.r1 = TurnAboutUp(rig.axes.r1, pose.yaw);
  rig.axes.r2 = TurnAboutUp(rig.axes.r2, pose.yaw);
}

}  // namespace parallax::synth
