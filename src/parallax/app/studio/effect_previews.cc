#include "parallax/app/studio/effect_previews.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "parallax/app/studio/image_convert.h"
#include "parallax/effects/focus.h"
#include "parallax/infer/disparity_output.h"

namespace parallax::studio {

DefocusSettings ToDefocusSettings(const RefocusControls& controls,
                                  double scale) {
  DefocusSettings settings;
  ParseDefocusMethod(controls.method, &settings);
  BlurModel& blur = settings.lens_options.blur;
  blur.max_blur = controls.strength * scale;
  blur.depth_of_field = controls.depth_of_field;
  blur.near_scale = controls.near_scale;
  blur.far_scale = controls.far_scale;
  // The thin lens's blur is in proportion to the image width by itself.
  blur.f_number = controls.f_number;
  blur.focal_length_mm = controls.focal_length_mm;
  settings.lens_options.shape_detail = controls.shape_detail;
  settings.lens_options.aperture.blades = controls.blades;
  settings.lens_options.aperture.rotation = controls.rotation;
  settings.lens_options.highlights = controls.highlights;
  settings.lens_options.Check();
  settings.graded.Check();
  return settings;
}

StereoRenderOptions ToStereoOptions(const StereoControls& controls,
                                    bool estimated_depth, double scale) {
  StereoRenderOptions options;
  options.layout = controls.layout;
  options.parallax.divergence_percent = controls.divergence;
  options.parallax.convergence = controls.convergence;
  options.parallax.foreground_scale = controls.foreground_scale;
  options.anaglyph = controls.anaglyph;
  options.parallax.Check();
  // `parallax stereo` sharpens the soft depth edges of network maps by 3 px
  // and leaves given maps alone; the preview scales the radius with itself.
  options.edge_sharpen_radius =
      estimated_depth ? std::max(1, static_cast<int>(std::lround(3 * scale)))
                      : 0;
  return options;
}

FogOptions ToFogOptions(const FogControls& controls) {
  FogOptions options;
  options.mode = controls.linear ? FogOptions::Mode::kLinear
                                 : FogOptions::Mode::kExponential;
  options.density = controls.density;
  options.near = controls.near;
  options.far = controls.far;
  options.color = controls.color;
  options.height_falloff = controls.height_falloff;
  options.Check();
  return options;
}

namespace {

cv::Mat PreviewDisparity(const cv::Mat& disparity, cv::Size size) {
  if (disparity.size() == size) return disparity;
  // Disparity values are kept (not scaled with the width): the focus and
  // the blur model read them relative to the map's range.
  cv::Mat small;
  cv::resize(disparity, small, size, 0, 0, cv::INTER_AREA);
  return small;
}

}  // namespace

EffectPreviews::EffectPreviews(const cv::Mat& image, const cv::Mat& disparity,
                               bool estimated_depth)
    : image_(LimitWidth(image, kPreviewMaxWidth)),
      disparity_(PreviewDisparity(disparity, image_.size())),
      fog_depth_(FogDepthFromDisparity(disparity_)),
      range_(RobustRange(disparity_)),
      scale_(static_cast<double>(image_.cols) / image.cols),
      estimated_(estimated_depth),
      refocuser_(image_, disparity_,
                 RefocusPrepareOptions{kPreviewWorkingPixels}) {}

cv::Mat EffectPreviews::Refocus(float focus,
                                const RefocusControls& controls) const {
  const DefocusSettings settings = ToDefocusSettings(controls, scale_);
  if (settings.lens) return refocuser_.Render(focus, settings.lens_options);
  return RenderDefocus(image_, disparity_, focus, settings);
}

cv::Mat EffectPreviews::Stereo(const StereoControls& controls) const {
  const StereoRenderOptions options =
      ToStereoOptions(controls, estimated_, scale_);
  const StereoViews views =
      RenderStereoViews(image_, disparity_, range_, options);
  return ComposeStereoFrame(views, options);
}

cv::Mat EffectPreviews::Fog(const FogControls& controls) const {
  return ApplyFog(image_, fog_depth_, ToFogOptions(controls));
}

float FocusForClick(const cv::Mat& disparity, cv::Point point) {
  return FocusDisparityAt(disparity, point);
}

cv::Mat RenderRefocusFull(const cv::Mat& image, const cv::Mat& disparity,
                          float focus, const RefocusControls& controls) {
  return RenderDefocus(image, disparity, focus, ToDefocusSettings(controls));
}

cv::Mat RenderStereoFull(const cv::Mat& image, const cv::Mat& disparity,
                         bool estimated_depth, const StereoControls& controls) {
  const StereoRenderOptions options =
      ToStereoOptions(controls, estimated_depth);
  const StereoViews views =
      RenderStereoViews(image, disparity, RobustRange(disparity), options);
  return ComposeStereoFrame(views, options);
}

cv::Mat RenderFogFull(const cv::Mat& image, const cv::Mat& disparity,
                      const FogControls& controls) {
  return ApplyFog(image, FogDepthFromDisparity(disparity),
                  ToFogOptions(controls));
}

}  // namespace parallax::studio
