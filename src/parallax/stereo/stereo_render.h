// One stereo frame from an image and its disparity: parallax, view
// synthesis and layout together. Shared by `parallax stereo` for photos and
// for every video frame.
#pragma once

#include <opencv2/core.hpp>

#include "parallax/infer/plane_distributions.h"
#include "parallax/stereo/parallax_map.h"
#include "parallax/stereo/stereo_frame.h"
#include "parallax/stereo/view_synthesis.h"

namespace parallax {

enum class DisparityUnit {
  kRelative,  // any scale, larger = nearer: mapped by ParallaxOptions
  kPixels,    // the exact disparity of the left view, in its pixels
};
DisparityUnit ParseDisparityUnit(const std::string& name);

// Which eye(s) are rendered; the others are the input.
enum class SyntheticView { kRight, kLeft, kBoth };
SyntheticView ParseSyntheticView(const std::string& name);

// How the new view is made: forward warping of the disparity map with
// background-side filling (view_synthesis.h), or the Deep3D selection over
// the network's plane distributions (plane_synthesis.h).
enum class ViewRenderer { kForward, kDeep3d };
ViewRenderer ParseViewRenderer(const std::string& name);

struct StereoRenderOptions {
  ViewRenderer renderer = ViewRenderer::kForward;
  StereoLayout layout = StereoLayout::kHalfSideBySide;
  AnaglyphMethod anaglyph = AnaglyphMethod::kDubois;
  DisparityUnit unit = DisparityUnit::kRelative;
  ParallaxOptions parallax;
  SyntheticView synthetic = SyntheticView::kBoth;
  ViewSynthesisOptions synthesis;
  // SharpenDepthEdges radius in pixels of the frame (0 = off). For maps from
  // the network, whose depth edges are ramps; exact maps need none.
  int edge_sharpen_radius = 0;
};

struct StereoViews {
  cv::Mat left, right;  // 8-bit BGR
  cv::Mat holes;        // of the synthesised view(s): 255 = disoccluded
};

// The two views. `disparity` (CV_32F, the image's size) is in `unit`;
// relative maps are normalised over `range`. The single-view layouts
// render the input at the full parallax: kRightOnly puts the input on the
// left eye and synthesises the right, kLeftOnly the opposite. The deep3d
// renderer needs `planes` with the views it synthesises (right, left or
// both: NeededPlaneViews); their disparities are mapped to parallax as
// `disparity` is.
StereoViews RenderStereoViews(const cv::Mat& image, const cv::Mat& disparity,
                              const DisparityRange& range,
                              const StereoRenderOptions& options,
                              const PlaneDistributions* planes = nullptr);

// Which plane distributions the deep3d renderer needs for `options`.
struct NeededPlaneViews {
  bool right = false, left = false;
};
NeededPlaneViews PlaneViewsFor(const StereoRenderOptions& options);

// The frame to write (for kSeparate: the left view; write views.right too).
cv::Mat ComposeStereoFrame(const StereoViews& views,
                           const StereoRenderOptions& options);

}  // namespace parallax
