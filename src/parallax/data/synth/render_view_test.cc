#include "parallax/data/synth/render_view.h"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>

namespace parallax::synth {
namespace {

const TextureBank& Bank() {
  static const TextureBank bank = TextureBank::Procedural(6, 7);
  return bank;
}

// The renderer shades four pixels at a time and the last width % 4 one at
// a time. Two left views whose cameras agree on every ray but differ in
// width (130: two pixels in the scalar tail; 132: none) must agree on
// every common pixel to the bit, or the two code paths disagree.
TEST(RenderView, APixelDoesNotDependOnTheImageWidth) {
  int surface_tail_pixels = 0;
  for (int index = 0; index < 6; ++index) {
    SceneOptions options;
    options.size = {128, 64};
    options.world = index % 2 ? World::kIndoor : World::kOutdoor;
    Scene scene = SampleScene(11, index, options, Bank());
    const ShadowMap shadows = BuildShadowMap(scene, 128);
    // cx(left) = width / 2 - shift / 2: widen the shift with the width so
    // that the left camera's principal point stays put.
    const float shift = scene.rig.shift_px;
    scene.rig.width = 130;
    scene.rig.shift_px = shift + 2;
    const ViewRender narrow = RenderView(scene, false, Bank(), shadows);
    scene.rig.width = 132;
    scene.rig.shift_px = shift + 4;
    const ViewRender wide = RenderView(scene, false, Bank(), shadows);
    const cv::Rect common(0, 0, 130, 64);
    ASSERT_EQ(cv::norm(narrow.id, wide.id(common), cv::NORM_INF), 0);
    ASSERT_EQ(cv::norm(narrow.depth, wide.depth(common), cv::NORM_INF), 0)
        << "scene " << index;
    ASSERT_EQ(cv::norm(narrow.rgb, wide.rgb(common), cv::NORM_INF), 0)
        << "scene " << index;
    for (int y = 0; y < 64; ++y) {
      surface_tail_pixels +=
          (narrow.id.at<int>(y, 128) >= 0) + (narrow.id.at<int>(y, 129) >= 0);
    }
  }
  // The tail showed surfaces, not only sky.
  EXPECT_GT(surface_tail_pixels, 100);
}

}  // namespace
}  // namespace parallax::synth
