// The studio's effect settings and their renders, without widgets: the
// control values (with `parallax defocus`, `stereo` and `fog`'s defaults),
// their translation to the library options, the fast previews and the
// full-resolution renders used when saving.
#pragma once

#include <optional>
#include <string>

#include <opencv2/core.hpp>

#include "parallax/effects/defocus_render.h"
#include "parallax/effects/fog.h"
#include "parallax/effects/lens_blur.h"
#include "parallax/stereo/stereo_render.h"

namespace parallax::studio {

// Previews are rendered from the photo scaled to at most this width.
inline constexpr int kPreviewMaxWidth = 1920;
// The Refocuser's blurred layers are computed at this many pixels at most:
// under 100 ms per new focus at 1920 px (docs/effects.md).
inline constexpr double kPreviewWorkingPixels = 0.5e6;

struct RefocusControls {
  std::string method = "lens";  // lens, gaussian, average, median, bilateral
  double strength = 12;         // --max-blur: radius in px, full resolution
  double depth_of_field = 0;    // --depth-of-field, 0..1 of the range
  int blades = 0;               // 0 = circular
  double rotation = 0;          // degrees
  double highlights = 0;        // 0..1
  double near_scale = 1, far_scale = 1;
  // Thin lens instead of `strength` when f_number > 0 (--aperture,
  // --focal-length): the blur follows from the lens and the image width.
  double f_number = 0;
  double focal_length_mm = 50;
  double shape_detail = 4;  // --shape-detail: crisper aperture shapes
};

// `scale` multiplies the blur radius: a preview at half the width blurs
// half as many of its pixels, so that it looks like the full render.
DefocusSettings ToDefocusSettings(const RefocusControls& controls,
                                  double scale = 1);

struct StereoControls {
  // anaglyph (on screen), sbs (full side by side) or cross (cross-eyed).
  StereoLayout layout = StereoLayout::kAnaglyph;
  double divergence = 2.0;                  // percent of the width
  std::optional<double> convergence = 0.5;  // unset = auto
  // Red-cyan projection of the anaglyph layout.
  AnaglyphMethod anaglyph = AnaglyphMethod::kDubois;
  double foreground_scale = 0;  // > 0: more depth for the foreground
};

StereoRenderOptions ToStereoOptions(const StereoControls& controls,
                                    bool estimated_depth, double scale = 1);

struct FogControls {
  bool linear = false;  // exponential by default, as `parallax fog`
  double density = 0.15;
  double near = 1, far = 10;
  cv::Scalar color = cv::Scalar(0.8, 0.8, 0.8);  // BGR 0..1
  double height_falloff = 0;  // > 0: ground fog, thinning upwards
};

FogOptions ToFogOptions(const FogControls& controls);

// The photo and depth at preview resolution, prepared once per document
// (the Refocuser's linear-light image and layers), rendered for any focus
// and settings.
class EffectPreviews {
 public:
  EffectPreviews(const cv::Mat& image, const cv::Mat& disparity,
                 bool estimated_depth);

  // Preview width over full width (<= 1).
  double scale() const { return scale_; }
  const cv::Mat& image() const { return image_; }
  const cv::Mat& disparity() const { return disparity_; }

  cv::Mat Refocus(float focus, const RefocusControls& controls) const;
  cv::Mat Stereo(const StereoControls& controls) const;
  cv::Mat Fog(const FogControls& controls) const;

 private:
  cv::Mat image_, disparity_, fog_depth_;
  DisparityRange range_;
  double scale_ = 1;
  bool estimated_ = false;
  Refocuser refocuser_;
};

// The focus disparity for a click at full-resolution pixel `point`
// (FocusDisparityAt: robust to a click on a depth edge).
float FocusForClick(const cv::Mat& disparity, cv::Point point);

// Full-resolution renders, as the CLI makes them.
cv::Mat RenderRefocusFull(const cv::Mat& image, const cv::Mat& disparity,
                          float focus, const RefocusControls& controls);
cv::Mat RenderStereoFull(const cv::Mat& image, const cv::Mat& disparity,
                         bool estimated_depth, const StereoControls& controls);
cv::Mat RenderFogFull(const cv::Mat& image, const cv::Mat& disparity,
                      const FogControls& controls);

}  // namespace parallax::studio
