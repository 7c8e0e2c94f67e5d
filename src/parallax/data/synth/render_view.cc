#include "parallax/data/synth/render_view.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "parallax/data/synth/fast_math_x4.h"
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

  // Row by row, in passes: the nearest surface of every pixel, then where
  // each pixel's colour is looked up, then the texture samples, then light
  // and haze. Each pass is a short loop over independent pixels, so the
  // processor overlaps their long chains of dependent arithmetic (one loop
  // doing everything per pixel spent most of its time waiting on them),
  // and the arithmetic-only parts run four pixels at a time. Every pixel
  // gets the same operations, in the same order, as a pixel-by-pixel
  // renderer would give it (fast_math_x4.h), so the bytes do not change.
  ViewRender Render() const {
    ViewRender out;
    out.rgb.create(cam_.height, cam_.width, CV_32FC3);
    out.depth.create(cam_.height, cam_.width, CV_32FC1);
    out.id.create(cam_.height, cam_.width, CV_32SC1);
    RowScratch row(cam_.width);
    for (int y = 0; y < cam_.height; ++y) {
      float* depth = out.depth.ptr<float>(y);
      int* id = out.id.ptr<int>(y);
      IntersectRow(y, depth, id, row);
      LookupRow(y, depth, id, row);
      SampleRow(row);
      ShadeRow(id, row, out.rgb.ptr<cv::Vec3f>(y));
    }
    return out;
  }

 private:
  // Where a pixel's colour comes from: a texture sample, turned and tinted.
  struct Lookup {
    const Texture* texture;
    const HueTurn* hue;
    cv::Vec3f tint;
    float u, v, lod;
  };

  // What the passes hand on, for one row. Sky pixels leave the point,
  // normal and light of an earlier pixel in place: the shading pass
  // computes on them and then discards the result.
  struct RowScratch {
    explicit RowScratch(int width)
        : hits(static_cast<size_t>(width)),
          lookups(static_cast<size_t>(width)),
          points(static_cast<size_t>(width)),
          normals(static_cast<size_t>(width)),
          sky_haze(static_cast<size_t>(width)),
          lit(static_cast<size_t>(width)),
          albedo(static_cast<size_t>(width)) {}
    std::vector<LocalHit> hits;
    std::vector<Lookup> lookups;
    std::vector<V3> points, normals;  // world
    std::vector<float> sky_haze, lit;
    std::vector<cv::Vec3f> albedo;
    // The sky's and the ground's pixels, padded to whole groups of four
    // with copies of the last (which then write the same values twice).
    std::vector<int> sky_x, ground_x;
  };

  void IntersectRow(int y, float* depth, int* id, RowScratch& row) const {
    for (int x = 0; x < cam_.width; ++x) {
      Intersect(x, y, &depth[x], &id[x], &row.hits[static_cast<size_t>(x)]);
    }
  }

  // Objects a pixel at a time (their shapes branch); the sky and the
  // ground, most of a picture, four pixels at a time.
  void LookupRow(int y, const float* depth, const int* id,
                 RowScratch& row) const {
    row.sky_x.clear();
    row.ground_x.clear();
    for (int x = 0; x < cam_.width; ++x) {
      if (id[x] < 0) {
        row.sky_x.push_back(x);
      } else if (id[x] == 0) {
        row.ground_x.push_back(x);
      } else {
        const size_t i = static_cast<size_t>(x);
        row.lookups[i] =
            ObjectLookup(cam_.Ray(x + 0.5f, y + 0.5f), depth[x], id[x],
                         row.hits[i], &row.points[i], &row.normals[i]);
      }
    }
    SkyLookups(y, row);
    GroundLookups(y, depth, row);
  }

  void SampleRow(RowScratch& row) const {
    for (size_t i = 0; i < row.lookups.size(); ++i) {
      const Lookup& l = row.lookups[i];
      row.albedo[i] =
          Mul(l.hue->Apply(l.texture->Sample(l.u, l.v, l.lod)), l.tint);
    }
  }

  // Sunlight, shadow, bounce light and haze on surfaces; haze on the sky.
  void ShadeRow(const int* id, RowScratch& row, cv::Vec3f* rgb) const {
    const Sun& sun = scene_.sun;
    const int width = cam_.width;
    for (int x = 0; x < width; ++x) {  // the shadow map's taps
      const size_t i = static_cast<size_t>(x);
      row.lit[i] = id[x] < 0 ? 0.0f : SunLight(row.points[i], row.normals[i]);
    }
    static_assert(sizeof(V3) == 3 * sizeof(float) &&
                  sizeof(cv::Vec3f) == 3 * sizeof(float));
    const float* points = &row.points[0].x;
    const float* normals = &row.normals[0].x;
    const float* albedo = row.albedo[0].val;
    float* out = rgb[0].val;
    const V3 center = scene_.rig.center;
    const F4 neg_density = Splat(-scene_.haze.density);
    int x = 0;
    for (; x + 4 <= width; x += 4) {
      const size_t i = static_cast<size_t>(x);
      F4 px, py, pz, nx, ny, nz, r, g, b;
      cv::v_load_deinterleave(points + 3 * i, px, py, pz);
      cv::v_load_deinterleave(normals + 3 * i, nx, ny, nz);
      cv::v_load_deinterleave(albedo + 3 * i, r, g, b);
      const F4 lit = cv::v_load(&row.lit[i]);
      const F4 sky_share = Splat(0.75f) + Splat(0.25f) * ny;
      const F4 dx = px - Splat(center.x), dy = py - Splat(center.y);
      const F4 dz = pz - Splat(center.z);
      const F4 distance = cv::v_sqrt(dx * dx + dy * dy + dz * dz);
      const F4 fog = Splat(1.0f) - FastExp4(neg_density * distance);
      const F4 sky =
          cv::v_reinterpret_as_f32(cv::v_load(id + x) < cv::v_setall_s32(0));
      const F4 haze = Select(sky, cv::v_load(&row.sky_haze[i]), fog);
      const F4 keep = Splat(1.0f) - haze;
      F4 channel[3] = {r, g, b};
      for (int c = 0; c < 3; ++c) {
        const F4 lit_color = channel[c] * (Splat(sun.ambient[c]) * sky_share +
                                           Splat(sun.color[c]) * lit);
        channel[c] = Select(sky, channel[c], lit_color) * keep +
                     Splat(scene_.haze.color[c]) * haze;
      }
      cv::v_store_interleave(out + 3 * i, channel[0], channel[1], channel[2]);
    }
    for (; x < width; ++x) {  // the same, a pixel at a time
      const size_t i = static_cast<size_t>(x);
      rgb[x] = id[x] < 0 ? Haze(row.albedo[i], row.sky_haze[i])
                         : Shade(row.albedo[i], row.points[i], row.normals[i],
                                 row.lit[i]);
    }
  }

  // The sunlight reaching a surface point, shadows and incidence included.
  float SunLight(V3 p, V3 normal) const {
    const Sun& sun = scene_.sun;
    const float lambert = std::max(0.0f, Dot(normal, sun.direction));
    return lambert > 0 ? lambert * shadows_.Light(p, sun.penumbra_m) : 0.0f;
  }

  cv::Vec3f Haze(const cv::Vec3f& color, float haze) const {
    return color * (1 - haze) + scene_.haze.color * haze;
  }

  // A surface's colour from its albedo and sunlight (ShadeRow's vector
  // loop, one pixel).
  cv::Vec3f Shade(const cv::Vec3f& albedo, V3 p, V3 normal, float lit) const {
    const Sun& sun = scene_.sun;
    // Light bouncing off the ground brightens faces turned down a little.
    const float sky_share = 0.75f + 0.25f * normal.y;
    const cv::Vec3f color =
        Mul(albedo, sun.ambient * sky_share + sun.color * lit);
    const float distance = Length(p - scene_.rig.center);
    return Haze(color, 1 - FastExp(-scene_.haze.density * distance));
  }

  // The nearest surface along pixel (x, y)'s ray: depth along the axis
  // (+inf: none), id (-1 sky, 0 ground, 1 + object index) and, for an
  // object, the hit in its frame.
  void Intersect(int x, int y, float* depth, int* id, LocalHit* hit) const {
    const V3 dir = cam_.Ray(x + 0.5f, y + 0.5f);
    float best = kInf;
    int hit_id = -1;
    LocalHit candidate;
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
        *hit = candidate;
        hit_id = index + 1;
      }
    }
    *id = hit_id;
    *depth = best;  // t is depth along the axis: dir has unit forward part
  }

  // The texture lookup of an object hit at depth `best` along `dir`, and
  // the world point and normal there.
  Lookup ObjectLookup(V3 dir, float best, int hit_id, const LocalHit& hit,
                      V3* point, V3* world_normal) const {
    *point = cam_.origin + dir * best;
    const Object& o = scene_.objects[static_cast<size_t>(hit_id - 1)];
    const V3 normal = o.rotation.ToWorld(hit.normal);
    *world_normal = normal;
    const float cos_view =
        std::max(0.15f, std::abs(Dot(normal, dir)) / Length(dir));
    const Texture& texture =
        textures_.at(static_cast<size_t>(o.material.texture));
    Lookup lookup{&texture, &o.material.hue, o.material.tint, 0, 0, 0};
    float texel_m;
    SurfaceUv(o, texture, hit.point, hit.normal, &lookup.u, &lookup.v,
              &texel_m);
    const float footprint = best / cam_.f / cos_view;
    lookup.lod = FastLog2(std::max(footprint / texel_m, 1e-6f));
    return lookup;
  }

  // Camera::Ray of four pixels of row y.
  void Rays4(const int* xs, int y, F4* dx, F4* dy, F4* dz) const {
    const F4 s =
        (cv::v_cvt_f32(cv::v_load(xs)) + Splat(0.5f) - Splat(cam_.cx)) /
        Splat(cam_.f);
    const float t = (static_cast<float>(y) + 0.5f - cam_.cy) / cam_.f;
    const Rotation& a = cam_.axes;
    *dx = Splat(a.r2.x) + Splat(a.r0.x) * s + Splat(a.r1.x * t);
    *dy = Splat(a.r2.y) + Splat(a.r0.y) * s + Splat(a.r1.y * t);
    *dz = Splat(a.r2.z) + Splat(a.r0.z) * s + Splat(a.r1.z * t);
  }

  static void PadToFours(std::vector<int>& xs) {
    while (!xs.empty() && xs.size() % 4 != 0) xs.push_back(xs.back());
  }

  // The ground seen at the pixels `row.ground_x`: the photo turned by the
  // ground's yaw, at the level of detail of the pixel's footprint.
  void GroundLookups(int y, const float* depth, RowScratch& row) const {
    PadToFours(row.ground_x);
    const Material& m = scene_.ground;
    const Texture* texture = &textures_.at(static_cast<size_t>(m.texture));
    const V3 o = cam_.origin;
    for (size_t k = 0; k < row.ground_x.size(); k += 4) {
      const int* xs = &row.ground_x[k];
      F4 dx, dy, dz;
      Rays4(xs, y, &dx, &dy, &dz);
      const F4 best(depth[xs[0]], depth[xs[1]], depth[xs[2]], depth[xs[3]]);
      const F4 px = Splat(o.x) + dx * best, py = Splat(o.y) + dy * best;
      const F4 pz = Splat(o.z) + dz * best;
      const F4 cos_view =
          cv::v_abs(dy) / cv::v_sqrt(dx * dx + dy * dy + dz * dz);
      const F4 a = Splat(ground_cos_) * px - Splat(ground_sin_) * pz;
      const F4 b = Splat(ground_sin_) * px + Splat(ground_cos_) * pz;
      const F4 footprint =
          best / Splat(cam_.f) /
          Select(cos_view < Splat(0.02f), Splat(0.02f), cos_view);
      const F4 ratio = footprint / Splat(m.texel_m);
      const F4 lod =
          FastLog2x4(Select(ratio < Splat(1e-6f), Splat(1e-6f), ratio));
      const F4 u = a / Splat(m.texel_m) + Splat(m.u0);
      const F4 v = b / Splat(m.texel_m) + Splat(m.v0);
      float lane[6][4];
      cv::v_store(lane[0], u), cv::v_store(lane[1], v);
      cv::v_store(lane[2], lod), cv::v_store(lane[3], px);
      cv::v_store(lane[4], py), cv::v_store(lane[5], pz);
      for (int j = 0; j < 4; ++j) {
        const size_t i = static_cast<size_t>(xs[j]);
        row.lookups[i] = {texture,    &m.hue,     m.tint,
                          lane[0][j], lane[1][j], lane[2][j]};
        row.points[i] = {lane[3][j], lane[4][j], lane[5][j]};
        row.normals[i] = {0, 1, 0};
      }
    }
  }

  // The backdrop photograph at infinity seen at the pixels `row.sky_x`,
  // and the haze over it (more towards the horizon). The exposure is the
  // lookup's tint.
  void SkyLookups(int y, RowScratch& row) const {
    PadToFours(row.sky_x);
    const Backdrop& backdrop = scene_.backdrop;
    const Texture* texture =
        &textures_.at(static_cast<size_t>(backdrop.texture));
    const float width = static_cast<float>(texture->width());
    const float texels_per_radian = width / backdrop.fov;
    const float horizon_v =
        backdrop.horizon_v * static_cast<float>(texture->height());
    const float lod = FastLog2(std::max(texels_per_radian / cam_.f, 1e-6f));
    const float haze_scale = std::min(1.0f, scene_.haze.density / 0.01f) * 0.7f;
    const float e = backdrop.exposure;
    for (size_t k = 0; k < row.sky_x.size(); k += 4) {
      const int* xs = &row.sky_x[k];
      F4 dx, dy, dz;
      Rays4(xs, y, &dx, &dy, &dz);
      const F4 inverse_length =
          Splat(1.0f) / cv::v_sqrt(dx * dx + dy * dy + dz * dz);
      const F4 azimuth = FastAtan2x4(dx * inverse_length, dz * inverse_length) -
                         Splat(backdrop.yaw);
      const F4 elevation = FastAsin4(Clamp(dy * inverse_length, -1.0f, 1.0f));
      const F4 u = (azimuth / Splat(backdrop.fov) + Splat(0.5f)) * Splat(width);
      const F4 v = Splat(horizon_v) - elevation * Splat(texels_per_radian);
      const F4 above = Select(elevation < Splat(0.0f), Splat(0.0f), elevation);
      const F4 haze = Splat(haze_scale) * FastExp4(Negate(above) / Splat(0.1f));
      float lane[3][4];
      cv::v_store(lane[0], u), cv::v_store(lane[1], v);
      cv::v_store(lane[2], haze);
      for (int j = 0; j < 4; ++j) {
        const size_t i = static_cast<size_t>(xs[j]);
        row.lookups[i] = {texture,    &backdrop.hue, {e, e, e},
                          lane[0][j], lane[1][j],    lod};
        row.sky_haze[i] = lane[2][j];
      }
    }
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
  map.center = scene.shadow_anchored
                   ? scene.shadow_center
                   : scene.rig.center + forward * scene.shadow_focus_m;
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
