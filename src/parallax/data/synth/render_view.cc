#include "parallax/data/synth/render_view.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "parallax/data/synth/intersect.h"
#include "parallax/util/check.h"
#include "parallax/util/fast_math.h"

namespace parallax::synth {
namespace {

constexpr int kTile = 16;
constexpr float kInf = std::numeric_limits<float>::infinity();

// Objects whose bounding sphere may cover each kTile x kTile tile of an
// image, so a pixel tests only the few shapes near it.
class TileLists {
 public:
  TileLists(int width, int height)
      : tiles_x_((width + kTile - 1) / kTile),
        tiles_y_((height + kTile - 1) / kTile),
        lists_(static_cast<size_t>(tiles_x_ * tiles_y_)) {}

  // Pixel rectangle [x0, x1] x [y0, y1] (may exceed the image).
  void Add(int object, float x0, float y0, float x1, float y1) {
    const int tx0 = std::max(0, static_cast<int>(std::floor(x0)) / kTile);
    const int ty0 = std::max(0, static_cast<int>(std::floor(y0)) / kTile);
    const int tx1 =
        std::min(tiles_x_ - 1, static_cast<int>(std::floor(x1)) / kTile);
    const int ty1 =
        std::min(tiles_y_ - 1, static_cast<int>(std::floor(y1)) / kTile);
    if (x1 < 0 || y1 < 0) return;
    for (int ty = ty0; ty <= ty1; ++ty) {
      for (int tx = tx0; tx <= tx1; ++tx) {
        lists_[static_cast<size_t>(ty * tiles_x_ + tx)].push_back(object);
      }
    }
  }
  const std::vector<int>& At(int x, int y) const {
    return lists_[static_cast<size_t>((y / kTile) * tiles_x_ + x / kTile)];
  }
  // Orders each tile's objects by the least t any of their hits can have
  // (`near(object)`), so a pixel stops at the first object that starts
  // beyond its best hit.
  template <typename Near>
  void SortByNear(Near near) {
    for (std::vector<int>& list : lists_) {
      std::stable_sort(list.begin(), list.end(),
                       [&](int a, int b) { return near(a) < near(b); });
    }
  }

 private:
  int tiles_x_, tiles_y_;
  std::vector<std::vector<int>> lists_;
};

// One object's view of a grid of rays, in its local frame. Ray origins
// and directions are affine in the pixel position (a pinhole's origins are
// fixed, the shadow map's directions are), so moving a pixel's ray into
// the frame costs a few multiply-adds instead of two rotations.
struct LocalRays {
  V3 origin, origin_x, origin_y;  // origin + origin_x px + origin_y py
  V3 dir, dir_x, dir_y;           // likewise
  // No hit on the object has a smaller t (t is the depth along the view
  // axis, or along the sun for shadows): from its bounds, less NearSlack.
  float near = 0;

  V3 Origin(float px, float py) const {
    return origin + origin_x * px + origin_y * py;
  }
  V3 Dir(float px, float py) const { return dir + dir_x * px + dir_y * py; }
};

struct Camera {
  V3 origin;
  Rotation axes;
  float f, cx, cy;
  int width, height;

  V3 Ray(float px, float py) const {
    return axes.r2 + axes.r0 * ((px - cx) / f) + axes.r1 * ((py - cy) / f);
  }
};

// Conservative pixel bounds of a sphere seen by a pinhole; false when it
// is wholly behind the camera.
bool ProjectSphere(const Camera& cam, V3 center, float radius, float* x0,
                   float* y0, float* x1, float* y1) {
  const V3 rel = center - cam.origin;
  const float cx = Dot(rel, cam.axes.r0), cy = Dot(rel, cam.axes.r1);
  const float cz = Dot(rel, cam.axes.r2);
  if (cz + radius <= 1e-3f) return false;
  if (cz - radius <= 1e-2f) {  // straddles the camera plane: anywhere
    *x0 = *y0 = -1;
    *x1 = static_cast<float>(cam.width);
    *y1 = static_cast<float>(cam.height);
    return true;
  }
  const auto bound = [&](float c, float sign) {
    const float edge = c + sign * radius;
    // The extreme of edge / z over the sphere's depth range.
    const float z = (edge * sign > 0) ? cz - radius : cz + radius;
    return edge / z;
  };
  *x0 = cam.f * bound(cx, -1) + cam.cx - 1;
  *x1 = cam.f * bound(cx, 1) + cam.cx + 1;
  *y0 = cam.f * bound(cy, -1) + cam.cy - 1;
  *y1 = cam.f * bound(cy, 1) + cam.cy + 1;
  return true;
}

// Half extents of a box around the shape in its local frame.
V3 LocalHalfExtents(const Object& o) {
  switch (o.shape) {
    case Shape::kBox:
      return o.half;
    case Shape::kSphere:
      return {o.half.x, o.half.x, o.half.x};
    case Shape::kCylinder:
      return {o.half.x, o.half.y, o.half.x};
    case Shape::kQuad:
      return {o.half.x, o.half.y, 0};
  }
  return o.half;
}

// The eight corners of that box, in world coordinates.
std::array<V3, 8> Corners(const Object& o) {
  const V3 h = LocalHalfExtents(o);
  std::array<V3, 8> corners;
  for (int i = 0; i < 8; ++i) {
    const V3 local{i & 1 ? h.x : -h.x, i & 2 ? h.y : -h.y, i & 4 ? h.z : -h.z};
    corners[static_cast<size_t>(i)] = o.center + o.rotation.ToWorld(local);
  }
  return corners;
}

// A margin below an object's least depth: the depth comes from world-space
// corners, a hit's t from the test in the object's frame, and for a face
// square to the ray the two agree to the last bit or not. Without it the
// early exit could skip an object by an ulp where surfaces meet.
float NearSlack(float near) { return 1e-5f * std::abs(near) + 1e-4f; }

// Pixel bounds of an object seen by a pinhole, and the least depth any of
// its points has: its bounding sphere's, narrowed by its bounding box's
// corners when they are all in front of the camera (a wall or a pole is
// long and thin, and its sphere covers far more of the picture than it
// does: most ray tests missed). False when it is wholly behind.
bool ProjectObject(const Camera& cam, const Object& o, float* x0, float* y0,
                   float* x1, float* y1, float* near) {
  if (!ProjectSphere(cam, o.center, o.bound_radius, x0, y0, x1, y1)) {
    return false;
  }
  *near = Dot(o.center - cam.origin, cam.axes.r2) - o.bound_radius;
  float bx0 = kInf, by0 = kInf, bx1 = -kInf, by1 = -kInf, bnear = kInf;
  for (const V3& corner : Corners(o)) {
    const V3 rel = corner - cam.origin;
    const float z = Dot(rel, cam.axes.r2);
    if (z <= 1e-2f) {  // the sphere's bounds, then
      *near -= NearSlack(*near);
      return true;
    }
    const float px = cam.f * Dot(rel, cam.axes.r0) / z + cam.cx;
    const float py = cam.f * Dot(rel, cam.axes.r1) / z + cam.cy;
    bx0 = std::min(bx0, px), bx1 = std::max(bx1, px);
    by0 = std::min(by0, py), by1 = std::max(by1, py);
    bnear = std::min(bnear, z);
  }
  // Both bounds hold, so their overlap does; a pixel margin as for spheres.
  *x0 = std::max(*x0, bx0 - 1), *x1 = std::min(*x1, bx1 + 1);
  *y0 = std::max(*y0, by0 - 1), *y1 = std::min(*y1, by1 + 1);
  *near = std::max(*near, bnear);
  *near -= NearSlack(*near);
  return *x0 <= *x1 && *y0 <= *y1;
}

// Texture coordinates (level-0 texels) of a local surface point, and the
// metres one texel covers there.
void SurfaceUv(const Object& object, const Texture& texture, V3 p, V3 n,
               float* u, float* v, float* texel_m) {
  const Material& m = object.material;
  float a = 0, b = 0;
  *texel_m = m.texel_m;
  switch (object.shape) {
    case Shape::kBox:
      if (std::abs(n.x) > 0.5f) {
        a = p.z, b = -p.y;
      } else if (std::abs(n.y) > 0.5f) {
        a = p.x, b = p.z;
      } else {
        a = p.x, b = -p.y;
      }
      break;
    case Shape::kSphere: {
      const float r = object.half.x;
      a = FastAtan2(p.z, p.x) * r;
      b = -FastAsin(std::clamp(p.y / r, -1.0f, 1.0f)) * r;
      break;
    }
    case Shape::kCylinder:
      if (std::abs(n.y) > 0.5f) {
        a = p.x, b = p.z;
      } else {
        a = FastAtan2(p.z, p.x) * object.half.x;
        b = -p.y;
      }
      break;
    case Shape::kQuad:
      // A billboard shows the whole photograph, stretched over it.
      *u = (0.5f + 0.5f * p.x / object.half.x) * texture.width();
      *v = (0.5f - 0.5f * p.y / object.half.y) * texture.height();
      *texel_m = 2 * object.half.x / texture.width();
      return;
  }
  *u = a / m.texel_m + m.u0;
  *v = b / m.texel_m + m.v0;
}

cv::Vec3f Mul(cv::Vec3f a, cv::Vec3f b) {
  return {a[0] * b[0], a[1] * b[1], a[2] * b[2]};
}

class ViewRenderer {
 public:
  ViewRenderer(const Scene& scene, const Camera& cam,
               const TextureBank& textures, const ShadowMap& shadows)
      : scene_(scene),
        cam_(cam),
        textures_(textures),
        shadows_(shadows),
        tiles_(cam.width, cam.height) {
    rays_.reserve(scene.objects.size());
    // Ray(px, py) = r2 - (cx r0 + cy r1) / f + (r0 px + r1 py) / f.
    const Rotation& axes = cam.axes;
    const V3 dir0 =
        axes.r2 - (axes.r0 * cam.cx + axes.r1 * cam.cy) * (1 / cam.f);
    for (size_t i = 0; i < scene.objects.size(); ++i) {
      const Object& o = scene.objects[i];
      LocalRays rays;
      rays.origin = o.rotation.ToLocal(cam.origin - o.center);
      rays.dir = o.rotation.ToLocal(dir0);
      rays.dir_x = o.rotation.ToLocal(axes.r0 * (1 / cam.f));
      rays.dir_y = o.rotation.ToLocal(axes.r1 * (1 / cam.f));
      float x0, y0, x1, y1;
      if (ProjectObject(cam, o, &x0, &y0, &x1, &y1, &rays.near)) {
        tiles_.Add(static_cast<int>(i), x0, y0, x1, y1);
      }
      rays_.push_back(rays);
    }
    tiles_.SortByNear(
        [&](int i) { return rays_[static_cast<size_t>(i)].near; });
    const float ground_cos = std::cos(scene.ground_yaw);
    const float ground_sin = std::sin(scene.ground_yaw);
    ground_cos_ = ground_cos;
    ground_sin_ = ground_sin;
  }

  ViewRender Render() const {
    ViewRender out;
    out.rgb.create(cam_.height, cam_.width, CV_32FC3);
    out.depth.create(cam_.height, cam_.width, CV_32FC1);
    out.id.create(cam_.height, cam_.width, CV_32SC1);
    for (int y = 0; y < cam_.height; ++y) {
      cv::Vec3f* rgb = out.rgb.ptr<cv::Vec3f>(y);
      float* depth = out.depth.ptr<float>(y);
      int* id = out.id.ptr<int>(y);
      for (int x = 0; x < cam_.width; ++x) {
        Pixel(x, y, &rgb[x], &depth[x], &id[x]);
      }
    }
    return out;
  }

 private:
  void Pixel(int x, int y, cv::Vec3f* rgb, float* depth, int* id) const {
    const V3 dir = cam_.Ray(x + 0.5f, y + 0.5f);
    float best = kInf;
    int hit_id = -1;
    LocalHit hit, candidate;
    if (dir.y < -1e-6f) {
      best = -cam_.origin.y / dir.y;
      hit_id = 0;
    }
    const float px = x + 0.5f, py = y + 0.5f;
    for (int index : tiles_.At(x, y)) {
      const LocalRays& rays = rays_[static_cast<size_t>(index)];
      if (rays.near >= best) break;  // this and the rest lie beyond
      if (IntersectLocal(scene_.objects[static_cast<size_t>(index)],
                         rays.origin, rays.Dir(px, py), 1e-3f, best,
                         &candidate)) {
        best = candidate.t;
        hit = candidate;
        hit_id = index + 1;
      }
    }
    *id = hit_id;
    *depth = best;  // t is depth along the axis: dir has unit forward part
    if (hit_id < 0) {
      *rgb = Sky(dir);
      return;
    }
    const V3 p = cam_.origin + dir * best;
    V3 normal;
    cv::Vec3f albedo;
    const float dir_length = Length(dir);
    if (hit_id == 0) {
      normal = {0, 1, 0};
      albedo = GroundAlbedo(p, best, std::abs(dir.y) / dir_length);
    } else {
      const Object& o = scene_.objects[static_cast<size_t>(hit_id - 1)];
      normal = o.rotation.ToWorld(hit.normal);
      const float cos_view =
          std::max(0.15f, std::abs(Dot(normal, dir)) / dir_length);
      const Texture& texture =
          textures_.at(static_cast<size_t>(o.material.texture));
      float u, v, texel_m;
      SurfaceUv(o, texture, hit.point, hit.normal, &u, &v, &texel_m);
      const float footprint = best / cam_.f / cos_view;
      const float lod = FastLog2(std::max(footprint / texel_m, 1e-6f));
      albedo =
          Mul(o.material.hue.Apply(texture.Sample(u, v, lod)), o.material.tint);
    }
    const Sun& sun = scene_.sun;
    const float lambert = std::max(0.0f, Dot(normal, sun.direction));
    const float lit =
        lambert > 0 ? lambert * shadows_.Light(p, sun.penumbra_m) : 0.0f;
    // Light bouncing off the ground brightens faces turned down a little.
    const float sky_share = 0.75f + 0.25f * normal.y;
    cv::Vec3f color = Mul(albedo, sun.ambient * sky_share + sun.color * lit);
    const float distance = Length(p - scene_.rig.center);
    const float fog = 1 - FastExp(-scene_.haze.density * distance);
    color = color * (1 - fog) + scene_.haze.color * fog;
    *rgb = color;
  }

  cv::Vec3f GroundAlbedo(V3 p, float z, float cos_view) const {
    const Material& m = scene_.ground;
    const Texture& texture = textures_.at(static_cast<size_t>(m.texture));
    const float a = ground_cos_ * p.x - ground_sin_ * p.z;
    const float b = ground_sin_ * p.x + ground_cos_ * p.z;
    const float footprint = z / cam_.f / std::max(cos_view, 0.02f);
    const float lod = FastLog2(std::max(footprint / m.texel_m, 1e-6f));
    return Mul(m.hue.Apply(texture.Sample(a / m.texel_m + m.u0,
                                          b / m.texel_m + m.v0, lod)),
               m.tint);
  }

  // The backdrop photograph at infinity, hazier towards the horizon.
  cv::Vec3f Sky(V3 dir) const {
    const V3 d = Normalize(dir);
    const Backdrop& backdrop = scene_.backdrop;
    const Texture& texture =
        textures_.at(static_cast<size_t>(backdrop.texture));
    const float texels_per_radian = texture.width() / backdrop.fov;
    const float azimuth = FastAtan2(d.x, d.z) - backdrop.yaw;
    const float elevation = FastAsin(std::clamp(d.y, -1.0f, 1.0f));
    const float u = (azimuth / backdrop.fov + 0.5f) * texture.width();
    const float v =
        backdrop.horizon_v * texture.height() - elevation * texels_per_radian;
    const float lod = FastLog2(std::max(texels_per_radian / cam_.f, 1e-6f));
    cv::Vec3f color =
        backdrop.hue.Apply(texture.Sample(u, v, lod)) * backdrop.exposure;
    const float haze = std::min(1.0f, scene_.haze.density / 0.01f) * 0.7f *
                       FastExp(-std::max(elevation, 0.0f) / 0.1f);
    return color * (1 - haze) + scene_.haze.color * haze;
  }

  const Scene& scene_;
  Camera cam_;
  const TextureBank& textures_;
  const ShadowMap& shadows_;
  TileLists tiles_;
  std::vector<LocalRays> rays_;  // by object
  float ground_cos_ = 1, ground_sin_ = 0;
};

}  // namespace

float ShadowMap::Light(V3 p, float penumbra_m) const {
  const V3 rel = p - center;
  const float texel = 2 * half_extent / size;
  const float mx = (Dot(rel, u) + half_extent) / texel;
  const float my = (Dot(rel, v) + half_extent) / texel;
  if (mx < 0 || my < 0 || mx >= size || my >= size) return 1;
  const float receiver = height - Dot(rel, w);
  const float bias = 0.05f + 1.5f * texel;
  const float radius = std::max(0.75f, penumbra_m / texel);
  // A 4 x 4 grid of taps over the penumbra: the fraction that is not
  // behind an occluder.
  const float threshold = receiver - bias;
  if (mx >= radius && my >= radius && mx + radius < size &&
      my + radius < size) {
    // Every tap inside (the usual case): four columns and four rows, and
    // no bounds checks. The same taps as the general loop below.
    int columns[4];
    const float* rows[4];
    for (int k = 0; k < 4; ++k) {
      const float offset = radius * ((k - 1.5f) / 1.5f);
      columns[k] = static_cast<int>(mx + offset);
      rows[k] = depth.ptr<float>(static_cast<int>(my + offset));
    }
    int lit = 0;
    for (const float* row : rows) {
      for (int column : columns) lit += row[column] >= threshold;
    }
    return lit / 16.0f;
  }
  int lit = 0;
  for (int j = 0; j < 4; ++j) {
    for (int i = 0; i < 4; ++i) {
      const int sx = static_cast<int>(mx + radius * ((i - 1.5f) / 1.5f));
      const int sy = static_cast<int>(my + radius * ((j - 1.5f) / 1.5f));
      if (sx < 0 || sy < 0 || sx >= size || sy >= size) {
        ++lit;
        continue;
      }
      lit += depth.at<float>(sy, sx) >= threshold;
    }
  }
  return lit / 16.0f;
}

ShadowMap BuildShadowMap(const Scene& scene, int size) {
  THROW_CHECK_GE(size, 16);
  ShadowMap map;
  map.size = size;
  map.w = scene.sun.direction;
  const V3 up{0, 1, 0};
  V3 side = Cross(up, map.w);
  if (Length(side) < 1e-3f) side = {1, 0, 0};
  map.u = Normalize(side);
  map.v = Cross(map.w, map.u);
  // Centred on the ground ahead of the rig.
  const V3 forward = Normalize(V3{scene.rig.axes.r2.x, 0, scene.rig.axes.r2.z});
  map.center = scene.rig.center + forward * scene.shadow_focus_m;
  map.half_extent = scene.shadow_half_extent_m;
  map.center.y = 0;
  map.depth.create(size, size, CV_32FC1);
  map.depth.setTo(kInf);

  const float texel = 2 * map.half_extent / size;
  TileLists tiles(size, size);
  // Rays leave the map plane towards -w from
  // start + u texel px + v texel py.
  const V3 start =
      map.center - (map.u + map.v) * map.half_extent + map.w * map.height;
  std::vector<LocalRays> rays(scene.objects.size());
  for (size_t i = 0; i < scene.objects.size(); ++i) {
    const Object& o = scene.objects[i];
    if (o.kind == "building" && o.bound_radius > 4 * map.half_extent) continue;
    // Rooms are lit as if through a skylight: the ceiling casts no shadow.
    if (o.kind == "ceiling") continue;
    rays[i].origin = o.rotation.ToLocal(start - o.center);
    rays[i].origin_x = o.rotation.ToLocal(map.u * texel);
    rays[i].origin_y = o.rotation.ToLocal(map.v * texel);
    rays[i].dir = o.rotation.ToLocal(map.w * -1.0f);
    // Map bounds and least t of the object's bounding box (an orthographic
    // view: the corners' extremes bound it exactly).
    float x0 = kInf, y0 = kInf, x1 = -kInf, y1 = -kInf, reach = -kInf;
    for (const V3& corner : Corners(o)) {
      const V3 rel = corner - map.center;
      const float mx = (Dot(rel, map.u) + map.half_extent) / texel;
      const float my = (Dot(rel, map.v) + map.half_extent) / texel;
      x0 = std::min(x0, mx), x1 = std::max(x1, mx);
      y0 = std::min(y0, my), y1 = std::max(y1, my);
      reach = std::max(reach, Dot(rel, map.w));
    }
    rays[i].near = map.height - reach - NearSlack(map.height - reach);
    tiles.Add(static_cast<int>(i), x0 - 1, y0 - 1, x1 + 1, y1 + 1);
  }
  tiles.SortByNear([&](int i) { return rays[static_cast<size_t>(i)].near; });
  LocalHit hit;
  for (int y = 0; y < size; ++y) {
    float* row = map.depth.ptr<float>(y);
    for (int x = 0; x < size; ++x) {
      const std::vector<int>& list = tiles.At(x, y);
      if (list.empty()) continue;
      const float px = x + 0.5f, py = y + 0.5f;
      float best = kInf;
      for (int index : list) {
        const LocalRays& r = rays[static_cast<size_t>(index)];
        if (r.near >= best) break;
        if (IntersectLocal(scene.objects[static_cast<size_t>(index)],
                           r.Origin(px, py), r.dir, 1e-3f, best, &hit)) {
          best = hit.t;
        }
      }
      row[x] = best;
    }
  }
  return map;
}

ViewRender RenderView(const Scene& scene, bool right_view,
                      const TextureBank& textures, const ShadowMap& shadows) {
  const Rig& rig = scene.rig;
  Camera cam{rig.origin(right_view),
             rig.axes,
             rig.focal_px,
             rig.cx(right_view),
             rig.cy,
             rig.width,
             rig.height};
  return ViewRenderer(scene, cam, textures, shadows).Render();
}

}  // namespace parallax::synth
