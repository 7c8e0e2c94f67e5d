// Building blocks shared by the outdoor (scene_sampler.cc) and indoor
// (room_sampler.cc) world samplers.
#pragma once

#include "parallax/data/synth/random.h"
#include "parallax/data/synth/scene.h"

namespace parallax::synth {

constexpr float kPi = 3.14159265f;

// A surface textured by a random photo at a random scale in
// [texel_lo, texel_hi] metres per texel, tinted and offset.
Material RandomMaterial(Rng& rng, const TextureBank& textures, float texel_lo,
                        float texel_hi);

// A rig of the output size with a random field of view (45-85 degrees,
// centred principal point); the caller places and points it.
Rig RigWithRandomLens(Rng& rng, const SceneOptions& options);

// Sets the rig's camera axes from its pitch and roll (no yaw: the rig looks
// along +z).
void SetRigAxes(Rig& rig);

// A point `z` metres ahead of the rig and `x` to the side, on the ground.
V3 GroundPoint(const Rig& rig, float x, float z);

// Fills in the bounding radius once the shape and size are set.
void Finish(Object& o);

// Depth of the nearest point of an object along the optical axis.
float NearestDepth(const Rig& rig, const Object& o);

// The indoor rig: eye or table height, often looking down, short baseline.
Rig RandomRoomRig(Rng& rng, const SceneOptions& options);

struct RoomDepths {
  // The smallest depth at which a wall or the ceiling enters the view (the
  // object-centre estimate of NearestDepth does not hold for walls).
  float nearest_m = 0;
  // Depth of the back wall straight ahead.
  float back_wall_m = 0;
};

// Adds a room around `rig` to `scene`: walls, perhaps a ceiling, tables with
// things on them, furniture and things on the floor, pictures on the walls
// and sometimes something right in front of the camera. Sets the ground
// material, the lighting and the shadow map's reach for a room.
RoomDepths AddRoom(Rng& rng, const Rig& rig, const TextureBank& textures,
                   Scene& scene);

}  // namespace parallax::synth
