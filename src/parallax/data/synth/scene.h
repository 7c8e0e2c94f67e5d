// A synthetic stereo world: a textured ground receding to the horizon, a
// photographed backdrop at infinity, buildings, walls and objects of many
// shapes and sizes, a sun with soft shadows, haze, and a stereo rig. Built
// at random from a seed (SampleScene) and rendered exactly (RenderView), so
// every pixel's disparity is known.
//
// World frame: x right, y up, z forward (metres); the ground is y = 0.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "parallax/data/synth/texture_bank.h"
#include "parallax/data/synth/vec3.h"

namespace parallax::synth {

enum class RigMode {
  kParallel,    // d = f b / Z > 0, zero at infinity (photo cameras)
  kConverging,  // zero on a subject, negative behind it (film rigs)
  kMixed,       // either, half of the samples each
};
RigMode ParseRigMode(const std::string& name);
std::string ToString(RigMode mode);

// A turn of colours about the grey axis: R + G + B and the distance from
// grey stay, the hue moves by the angle (2π/3 moves each channel's value to
// the next channel). Photographs tie hue to depth (foliage and sky far
// away); turning each surface's hue at random cuts that tie in the worlds.
struct HueTurn {
  // The circulant matrix [[a b c] [c a b] [b c a]]; a = 1 is no turn.
  float a = 1, b = 0, c = 0;
  static HueTurn Of(float angle_rad);
  bool is_identity() const { return a == 1 && b == 0 && c == 0; }
  // Turned colour, clamped at 0 (a turn can leave the colour cube).
  cv::Vec3f Apply(const cv::Vec3f& color) const;
};

struct Material {
  int texture = 0;
  // Metres of surface per level-0 texel (texture scale); for billboards
  // the photo is stretched over the quad instead.
  float texel_m = 0.01f;
  cv::Vec3f tint{1, 1, 1};
  float u0 = 0, v0 = 0;  // texel offset, so one photo gives many surfaces
  HueTurn hue;
};

enum class Shape { kBox, kSphere, kCylinder, kQuad };

struct Object {
  Shape shape = Shape::kBox;
  std::string kind;  // "box", "building", "wall", "pole", ... (metadata)
  V3 center;
  Rotation rotation;  // local axes in world coordinates
  // Box: half extents. Sphere: x = radius. Cylinder: x = radius, y = half
  // height (along local y). Quad: x, y = half width and height (local xy).
  V3 half;
  Material material;
  // Quads: cut-out outline r(θ) = 1 + Σ a_k cos(kθ + φ_k) in the unit disc
  // (k = 2..5); all zero = the whole rectangle.
  float cutout_a[4] = {0, 0, 0, 0};
  float cutout_phase[4] = {0, 0, 0, 0};
  bool cutout = false;
  float bound_radius = 0;  // of a sphere around `center` holding the shape
};

struct Sun {
  V3 direction{0, 1, 0};  // towards the sun, unit
  cv::Vec3f color{3, 3, 3};
  cv::Vec3f ambient{0.5f, 0.5f, 0.6f};
  float penumbra_m = 0.15f;  // softness of shadow edges
};

struct Haze {
  cv::Vec3f color{0.7f, 0.75f, 0.8f};
  float density = 0.005f;  // 1/m: transmittance exp(-density * distance)
};

struct Backdrop {
  int texture = 0;
  float yaw = 0;           // azimuth of the photo's centre (radians)
  float fov = 1.6f;        // horizontal angle the photo spans (radians)
  float horizon_v = 0.6f;  // fraction of its height that sits on the horizon
  float exposure = 1.0f;
  HueTurn hue;
};

struct CameraEffects {
  float exposure = 1.0f;  // linear gain
  float vignetting = 0;   // corner darkening (fraction)
  float blur_sigma = 0;   // pixels
  float noise_sigma = 0;  // sRGB units 0..1, independent per view
  int jpeg_quality = 0;   // 0 = none
};

// A rectified stereo rig: two pinholes with the same orientation, `baseline`
// apart along the camera x axis, principal points shifted by `shift_px`
// (horizontal image translation) so that d = f b (1/Z - 1/Z_c).
struct Rig {
  int width = 512, height = 256;
  float focal_px = 300;
  float cy = 128;
  float baseline_m = 0.3f;
  float convergence_m = 0;  // Z_c; 0 = parallel (shift 0)
  float shift_px = 0;       // f b / Z_c
  V3 center;                // midpoint between the cameras
  Rotation axes;            // r0 right, r1 down, r2 forward (world)
  float pitch = 0, roll = 0, hfov = 1.2f;  // radians (metadata)

  // Principal point of each view: cx_left = W/2 - shift/2, right + shift/2.
  float cx(bool right) const {
    return 0.5f * width + (right ? 0.5f : -0.5f) * shift_px;
  }
  V3 origin(bool right) const {
    return center + axes.r0 * ((right ? 0.5f : -0.5f) * baseline_m);
  }
  // Disparity of a point at depth Z (along the optical axis).
  float Disparity(float z) const {
    return focal_px * baseline_m / z - shift_px;
  }
};

// Which kind of world a sample shows.
enum class World {
  kOutdoor,  // ground to the horizon, buildings, things up to 45 m away
  kIndoor,   // a room: floor, walls, tables with things on them, pictures
  kMixed,    // either, half of the samples each
};
World ParseWorld(const std::string& name);
std::string ToString(World world);

struct Scene {
  uint64_t seed = 0;
  bool indoor = false;
  Rig rig;
  Material ground;
  float ground_yaw = 0;
  Backdrop backdrop;
  Sun sun;
  Haze haze;
  CameraEffects effects;
  std::vector<Object> objects;
  // The sun's shadow map covers the ground `shadow_focus_m` ahead of the
  // rig, `shadow_half_extent_m` to each side: rooms need finer shadows.
  float shadow_focus_m = 20;
  float shadow_half_extent_m = 30;
  // Films: the shadow map stays where the shot's first frame put it, or
  // its texels would slide with the camera and the shadow edges shimmer.
  bool shadow_anchored = false;
  V3 shadow_center;
};

struct SceneOptions {
  cv::Size size{512, 256};
  RigMode rig = RigMode::kParallel;
  // Largest |disparity| as a fraction of the width (the trainer's default
  // range is 0.3 for positive and 0.1 for signed models).
  float max_disparity = 0.25f;
  bool camera_effects = true;
  World world = World::kOutdoor;
  // Multiplies the haze density drawn for each world (0 = clear air). Haze
  // makes far things pale; real photographs of near scenes have none, so a
  // network trained on heavy haze can learn "pale = far".
  float haze_scale = 1.0f;
  // Chance that a surface (each thing, the ground, the backdrop) has its
  // photograph's hue turned by a random angle. Drawn after everything else,
  // so 0 gives the same worlds as before the option existed.
  float recolor_probability = 0.0f;
};

// Builds the world of sample `index` of a run seeded with `seed`; the same
// arguments give the same scene on every machine.
Scene SampleScene(uint64_t seed, int64_t index, const SceneOptions& options,
                  const TextureBank& textures);

}  // namespace parallax::synth
