// Ray casting one view of a synthetic world: colour in linear light, depth
// along the optical axis and the surface hit at every pixel. Lambertian
// shading, soft sun shadows from a shadow map and haze all depend on the
// world point only, never on the camera, so the two views of a rig agree
// exactly wherever both see a surface.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "parallax/data/synth/scene.h"
#include "parallax/data/synth/texture_bank.h"

namespace parallax::synth {

// Orthographic depth map seen from the sun over the region around the rig.
struct ShadowMap {
  V3 center, u, v, w;      // w towards the sun; u, v span the map
  float half_extent = 30;  // metres from the centre to an edge
  float height = 200;      // distance of the map plane from `center`
  int size = 512;
  cv::Mat depth;  // CV_32FC1: distance along -w to the first occluder

  // Fraction of the sun that reaches world point `p` (1 = fully lit),
  // filtered over `penumbra_m`.
  float Light(V3 p, float penumbra_m) const;
};

ShadowMap BuildShadowMap(const Scene& scene, int size = 512);

struct ViewRender {
  cv::Mat rgb;    // CV_32FC3 linear RGB, before camera effects
  cv::Mat depth;  // CV_32FC1 depth along the optical axis; +inf = sky
  cv::Mat id;     // CV_32SC1: -1 sky, 0 ground, 1 + object index
};

ViewRender RenderView(const Scene& scene, bool right_view,
                      const TextureBank& textures, const ShadowMap& shadows);

}  // namespace parallax::synth
