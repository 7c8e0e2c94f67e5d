// The shape of the lens aperture, which is the shape of every bokeh disc:
// a circle, or a regular polygon of N straight blades at a rotation.
#pragma once

#include <opencv2/core.hpp>

namespace parallax {

struct ApertureShape {
  int blades = 0;       // 0 = circular; 3..16 = that many straight blades
  double rotation = 0;  // degrees, counter-clockwise

  // Throws parallax::Error naming the bad option.
  void Check() const;
};

// The aperture as a normalised blur kernel (CV_32F, sums to 1) of radius
// `radius` pixels: side 2 * ceil(radius) + 1, edges anti-aliased by
// supersampled coverage. A radius below 0.5 is the identity kernel.
cv::Mat ApertureKernel(double radius, const ApertureShape& shape);

}  // namespace parallax
