// A camera move through a synthetic world over one shot of a film: the
// rig's pose at any time, smooth, so frames at any rate and the exact optic
// flow between them follow from it.
#pragma once

#include <string>
#include <vector>

#include "parallax/data/synth/random.h"
#include "parallax/data/synth/scene.h"

namespace parallax::synth {

enum class CameraMove {
  kStatic,  // a locked-off tripod
  kDolly,   // a straight track: in, out or across
  kPan,     // turning on the spot
  kOrbit,   // circling the subject, always facing it
  kCrane,   // rising or sinking, tilting to keep the subject in frame
};
CameraMove ParseCameraMove(const std::string& name);
std::string ToString(CameraMove move);
// "all" or a comma-separated list such as "dolly,pan".
std::vector<CameraMove> ParseCameraMoves(const std::string& list);

struct RigPose {
  V3 center;
  float yaw = 0;  // about the world's up axis; 0 looks along +z
  float pitch = 0, roll = 0;
};

// A handheld camera's wobble: per axis a sum of three sines of 0.6 to 3.5
// Hz with random phases, smooth at any frame rate.
struct Shake {
  float position_m = 0;  // 0 = on a tripod or track
  float angle_rad = 0;
  float hz[3] = {0, 0, 0};
  float phase[6][3] = {};  // x, y, z, yaw, pitch, roll

  static Shake Random(Rng& rng, float position_m, float angle_rad);
};

struct CameraPath {
  CameraMove move = CameraMove::kStatic;
  RigPose start;
  float duration_s = 2;
  V3 travel;          // dolly and crane: displacement over the shot
  float pan_rad = 0;  // pan: yaw change over the shot
  V3 pivot;           // orbit: about a vertical axis through it
  float orbit_rad = 0;
  V3 look_at;  // crane: tilts to keep it on the same image row
  Shake shake;

  // At time `t` seconds (moves run at constant speed over [0, duration];
  // outside it they go on the same way).
  RigPose At(double t) const;
};

// Puts `rig` at `pose`: centre, pitch, roll, and axes turned by the yaw.
void PlaceRig(const RigPose& pose, Rig& rig);

// Rotates `v` by `angle` radians about the world's up axis, in the sense
// of a yaw (+z turns towards +x).
V3 TurnAboutUp(V3 v, float angle);

}  // namespace parallax::synth
