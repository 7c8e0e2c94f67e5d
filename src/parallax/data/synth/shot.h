// One shot of a synthetic 3D film: a world from SampleScene, a camera move
// through it, things that move, and a rig whose screen plane either stays
// at infinity (parallel) or follows a subject (converging, as film rigs
// pull convergence). Every frame is a Scene, rendered as any other, and the
// plan says where each surface point is at any time, so disparity and optic
// flow are exact.
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "parallax/data/synth/camera_path.h"
#include "parallax/data/synth/scene.h"
#include "parallax/data/synth/texture_bank.h"

namespace parallax::synth {

struct ShotOptions {
  SceneOptions scene;  // world, size of the picture, rig kind, disparity
  int frames = 48;
  double fps = 24;
  std::vector<CameraMove> moves = ParseCameraMoves("all");
  float handheld_probability = 0.3f;  // a shaking camera on top of the move
  float mover_probability = 0.6f;     // some things in the shot move
};

// A thing that slides along the ground and turns about its vertical axis.
struct Mover {
  int object = 0;  // index into Scene::objects
  V3 velocity;     // m/s, horizontal
  float spin_rad_s = 0;
};

struct ShotPlan {
  Scene scene;  // the world at time 0; the rig's lens and baseline
  CameraPath path;
  std::vector<Mover> movers;
  bool converging = false;
  // Converging rigs: the point kept at zero disparity, at time 0; it moves
  // with its object when that is a mover.
  V3 subject;
  int subject_object = -1;  // -1 = a fixed point
  int frames = 0;
  double fps = 24;

  double Time(int frame) const { return frame / fps; }
  // The world at time `t`: things moved, the rig placed and converged.
  Scene At(double t) const;
  nlohmann::json Describe() const;
};

// The plan of shot `index` of a film seeded with `seed`: the same arguments
// give the same shot on every machine. The baseline is set so that the
// largest |disparity| over the whole shot stays within
// options.scene.max_disparity of the width.
ShotPlan PlanShot(uint64_t seed, int64_t index, const ShotOptions& options,
                  const TextureBank& textures);

}  // namespace parallax::synth
