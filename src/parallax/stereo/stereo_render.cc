#include "parallax/stereo/stereo_render.h"

#include "parallax/stereo/plane_synthesis.h"
#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {

DisparityUnit ParseDisparityUnit(const std::string& name) {
  const std::string lower = ToLower(name);
  if (lower == "relative") return DisparityUnit::kRelative;
  if (lower == "pixels" || lower == "px") return DisparityUnit::kPixels;
  ThrowError("unknown disparity unit '{}': use relative or pixels", name);
}

SyntheticView ParseSyntheticView(const std::string& name) {
  const std::string lower = ToLower(name);
  if (lower == "right") return SyntheticView::kRight;
  if (lower == "left") return SyntheticView::kLeft;
  if (lower == "both") return SyntheticView::kBoth;
  ThrowError("unknown synthetic view '{}': use right, left or both", name);
}

ViewRenderer ParseViewRenderer(const std::string& name) {
  const std::string lower = ToLower(name);
  if (lower == "forward") return ViewRenderer::kForward;
  if (lower == "deep3d") return ViewRenderer::kDeep3d;
  ThrowError("unknown renderer '{}': use forward or deep3d", name);
}

namespace {

SyntheticView EffectiveSyntheticView(const StereoRenderOptions& options) {
  if (options.layout == StereoLayout::kRightOnly) return SyntheticView::kRight;
  if (options.layout == StereoLayout::kLeftOnly) return SyntheticView::kLeft;
  return options.synthetic;
}

// The Deep3D views: each plane's disparity mapped to parallax like the
// disparity map, then scaled per eye like the forward renderer's views.
StereoViews RenderPlaneViews(const cv::Mat& image, const cv::Mat& disparity,
                             const DisparityRange& range,
                             const StereoRenderOptions& options,
                             const PlaneDistributions& planes) {
  const NeededPlaneViews needed = PlaneViewsFor(options);
  if (planes.empty() || (needed.right && planes.right.empty()) ||
      (needed.left && planes.left.empty())) {
    ThrowError(
        "the deep3d renderer needs the network's plane distributions: use a "
        "model trained with --head deep3d (not --disparity)");
  }
  std::vector<float> parallax = planes.disparities;
  if (options.unit == DisparityUnit::kRelative) {
    const ParallaxMapping mapping =
        MakeParallaxMapping(disparity, range, options.parallax);
    for (float& p : parallax) p = mapping(p);
  }
  // A right-type view (scale > 0) shows plane k's content from x + shift_k;
  // the network chose its probabilities for the full disparity d_k, where
  // that content sat at x + shift_k - d_k (left-type views: + d_k).
  const auto render = [&](const std::vector<cv::Mat>& probabilities,
                          float scale) {
    std::vector<float> shifts(parallax), offsets(parallax.size());
    const float side = scale > 0 ? 1.0f : -1.0f;
    for (size_t k = 0; k < shifts.size(); ++k) {
      shifts[k] *= scale;
      offsets[k] = shifts[k] - side * planes.disparities[k];
    }
    return SynthesizeViewFromPlanes(image, probabilities, shifts, offsets);
  };
  StereoViews views;
  // The selection layer leaves no holes: disocclusions are blended from
  // the planes the network chose there.
  views.holes = cv::Mat(image.size(), CV_8U, cv::Scalar(0));
  switch (EffectiveSyntheticView(options)) {
    case SyntheticView::kRight:
      views.left = image;
      views.right = render(planes.right, +1.0f);
      break;
    case SyntheticView::kLeft:
      views.left = render(planes.left, -1.0f);
      views.right = image;
      break;
    case SyntheticView::kBoth:
      views.left = render(planes.left, -0.5f);
      views.right = render(planes.right, +0.5f);
      break;
  }
  return views;
}

}  // namespace

NeededPlaneViews PlaneViewsFor(const StereoRenderOptions& options) {
  NeededPlaneViews needed;
  if (options.renderer != ViewRenderer::kDeep3d) return needed;
  const SyntheticView synthetic = EffectiveSyntheticView(options);
  needed.right = synthetic != SyntheticView::kLeft;
  needed.left = synthetic != SyntheticView::kRight;
  return needed;
}

StereoViews RenderStereoViews(const cv::Mat& image, const cv::Mat& disparity,
                              const DisparityRange& range,
                              const StereoRenderOptions& options,
                              const PlaneDistributions* planes) {
  if (image.type() != CV_8UC3) ThrowError("stereo: image must be 8-bit BGR");
  if (disparity.type() != CV_32FC1 || disparity.size() != image.size()) {
    ThrowError("stereo: disparity is {}x{} but the image {}x{}", disparity.cols,
               disparity.rows, image.cols, image.rows);
  }
  if (!cv::checkRange(disparity)) {
    ThrowError("stereo: the disparity map has NaN or infinite values");
  }
  if (options.renderer == ViewRenderer::kDeep3d) {
    return RenderPlaneViews(image, disparity, range, options,
                            planes ? *planes : PlaneDistributions{});
  }
  cv::Mat parallax =
      options.unit == DisparityUnit::kPixels
          ? disparity
          : ParallaxFromRelative(disparity, range, options.parallax);
  if (options.edge_sharpen_radius > 0) {
    parallax = SharpenDepthEdges(parallax, options.edge_sharpen_radius,
                                 options.synthesis.edge_threshold);
  }
  const auto render = [&](float scale) {
    return SynthesizeView(image, parallax, scale, options.synthesis);
  };
  StereoViews views;
  switch (EffectiveSyntheticView(options)) {
    case SyntheticView::kRight: {
      SynthesizedView right = render(+1.0f);
      views.left = image;
      views.right = right.image;
      views.holes = right.holes;
      break;
    }
    case SyntheticView::kLeft: {
      SynthesizedView left = render(-1.0f);
      views.left = left.image;
      views.right = image;
      views.holes = left.holes;
      break;
    }
    case SyntheticView::kBoth: {
      // Half the parallax each way: each eye's disocclusions are half as
      // wide, and the input's framing stays centred.
      std::vector<SynthesizedView> eyes =
          SynthesizeViews(image, parallax, {-0.5f, +0.5f}, options.synthesis);
      views.left = eyes[0].image;
      views.right = eyes[1].image;
      views.holes = eyes[0].holes | eyes[1].holes;
      break;
    }
  }
  return views;
}

cv::Mat ComposeStereoFrame(const StereoViews& views,
                           const StereoRenderOptions& options) {
  return ComposeStereo(views.left, views.right, options.layout,
                       options.anaglyph);
}

}  // namespace parallax
