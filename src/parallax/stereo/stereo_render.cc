#include "parallax/stereo/stereo_render.h"

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

StereoViews RenderStereoViews(const cv::Mat& image, const cv::Mat& disparity,
                              const DisparityRange& range,
                              const StereoRenderOptions& options) {
  if (image.type() != CV_8UC3) ThrowError("stereo: image must be 8-bit BGR");
  if (disparity.type() != CV_32FC1 || disparity.size() != image.size()) {
    ThrowError("stereo: disparity is {}x{} but the image {}x{}", disparity.cols,
               disparity.rows, image.cols, image.rows);
  }
  if (!cv::checkRange(disparity)) {
    ThrowError("stereo: the disparity map has NaN or infinite values");
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
  SyntheticView synthetic = options.synthetic;
  if (options.layout == StereoLayout::kRightOnly) {
    synthetic = SyntheticView::kRight;
  } else if (options.layout == StereoLayout::kLeftOnly) {
    synthetic = SyntheticView::kLeft;
  }
  switch (synthetic) {
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
      SynthesizedView left = render(-0.5f), right = render(+0.5f);
      views.left = left.image;
      views.right = right.image;
      views.holes = left.holes | right.holes;
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
