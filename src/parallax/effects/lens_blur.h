// Physically based refocusing (`parallax defocus --method lens`): every
// pixel is spread over its circle of confusion, in the shape of the
// aperture, in linear light, with bright points boosted so they bloom into
// bokeh discs. Occlusion-correct by layered scatter-as-gather (as Nuke
// ZDefocus's layers or BokehMe's classical renderer): the frame is split
// into layers by blur radius, each layer is blurred with its own aperture
// kernel, and the layers are composited far to near. A sharp foreground
// therefore stays sharp over a blurred background with no background
// leaking onto it, and a blurred foreground spreads softly over whatever
// lies behind it.
//
// Prepare once, render many: a Refocuser holds the linear-light image and
// its depth; Render() takes any focus and settings.
#pragma once

#include <memory>

#include <opencv2/core.hpp>

#include "parallax/effects/aperture.h"
#include "parallax/effects/focus.h"

namespace parallax {

struct RefocusPrepareOptions {
  // Blurred layers are computed at most this many pixels (0 = full
  // resolution); the in-focus layer always comes from the full image. A
  // 1920-wide preview at 0.5 megapixels renders a new focus in well under
  // 100 ms (see docs/effects.md); blur of more than a few pixels hides the
  // lower resolution.
  double max_working_pixels = 0;
};

struct LensBlurOptions {
  BlurModel blur;
  ApertureShape aperture;
  // 0 = off; 1 = a white pixel weighs 9x in the blur, so lights become
  // bright discs instead of grey smudges.
  double highlights = 0;
  double highlight_threshold = 0.75;  // luminance where the boost starts
  // Radius in pixels of the aperture kernel at the scale each layer is
  // blurred at: higher draws crisper aperture shapes, slower.
  double shape_detail = 4;

  void Check() const;
};

class Refocuser {
 public:
  // `image` 8/16-bit BGR (gray and BGRA are converted); `disparity`
  // CV_32F of the image's size, larger = nearer, finite. Throws
  // parallax::Error on a bad pair.
  Refocuser(const cv::Mat& image, const cv::Mat& disparity,
            const RefocusPrepareOptions& options = {});
  ~Refocuser();
  Refocuser(Refocuser&&) noexcept;
  Refocuser& operator=(Refocuser&&) noexcept;

  cv::Size size() const;
  const cv::Mat& disparity() const;
  // FocusDisparityAt on the prepared depth.
  float FocusAt(cv::Point point) const;
  // The refocused image: BGR of the input's bit depth (8 or 16; alpha is
  // dropped).
  cv::Mat Render(float focus_disparity, const LensBlurOptions& options) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One-shot form.
cv::Mat LensBlur(const cv::Mat& image, const cv::Mat& disparity,
                 float focus_disparity, const LensBlurOptions& options);

}  // namespace parallax
