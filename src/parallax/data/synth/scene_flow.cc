#include "parallax/data/synth/scene_flow.h"

#include <cmath>

#include "parallax/util/check.h"

namespace parallax::synth {

cv::Mat SceneFlow(const ViewRender& view, const Scene& now, const Scene& then,
                  bool right_view) {
  THROW_CHECK(view.depth.type() == CV_32FC1 && view.id.type() == CV_32SC1);
  THROW_CHECK_EQ(now.objects.size(), then.objects.size());
  const Rig& a = now.rig;
  const Rig& b = then.rig;
  const V3 origin_a = a.origin(right_view), origin_b = b.origin(right_view);
  const float cx_a = a.cx(right_view), cx_b = b.cx(right_view);
  cv::Mat flow(view.depth.size(), CV_32FC2);
  for (int y = 0; y < flow.rows; ++y) {
    const float* depth = view.depth.ptr<float>(y);
    const int* id = view.id.ptr<int>(y);
    cv::Vec2f* out = flow.ptr<cv::Vec2f>(y);
    const float py = y + 0.5f;
    for (int x = 0; x < flow.cols; ++x) {
      const float px = x + 0.5f;
      // The renderer's ray through the pixel centre, with unit depth.
      const V3 ray = a.axes.r2 + a.axes.r0 * ((px - cx_a) / a.focal_px) +
                     a.axes.r1 * ((py - a.cy) / a.focal_px);
      V3 rel;  // the point (or the sky's direction) from the camera then
      if (!std::isfinite(depth[x])) {
        rel = ray;
      } else {
        V3 p = origin_a + ray * depth[x];
        if (id[x] >= 1) {
          const Object& o0 = now.objects[static_cast<size_t>(id[x] - 1)];
          const Object& o1 = then.objects[static_cast<size_t>(id[x] - 1)];
          p = o1.center +
              o1.rotation.ToWorld(o0.rotation.ToLocal(p - o0.center));
        }
        rel = p - origin_b;
      }
      const float z = Dot(rel, b.axes.r2);
      if (!(z > 1e-4f)) {
        out[x] = {0, 0};
        continue;
      }
      const float qx = b.focal_px * Dot(rel, b.axes.r0) / z + cx_b;
      const float qy = b.focal_px * Dot(rel, b.axes.r1) / z + b.cy;
      out[x] = {qx - px, qy - py};
    }
  }
  return flow;
}

}  // namespace parallax::synth
