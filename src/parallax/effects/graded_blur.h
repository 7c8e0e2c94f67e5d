// MonoDepthDeFocus's graded blur (the report's chapter 6): |d - focus| is
// normalised to [0, 1], N copies of the photo are blurred with growing
// kernels, and each pixel takes the copy of its grade (0 = sharp at the
// focus depth, 1 = the most blurred). Here adjacent grades are blended, so
// the result has no bands where the grade steps.
#pragma once

#include <string>

#include <opencv2/core.hpp>

namespace parallax {

enum class GradedMethod { kGaussian, kAverage, kMedian, kBilateral };
GradedMethod ParseGradedMethod(const std::string& name);

struct GradedBlurOptions {
  GradedMethod method = GradedMethod::kGaussian;
  int levels = 8;  // blurred copies, the first one sharp
  void Check() const;
};

// `image` 8-bit or 16-bit BGR; `blur_radius` CV_32F per pixel (e.g.
// |SignedBlurRadius|): the pixel's grade is its radius over the largest
// radius, and the most blurred copy has kernel radius `max_radius`.
cv::Mat GradedBlur(const cv::Mat& image, const cv::Mat& blur_radius,
                   double max_radius, const GradedBlurOptions& options);

}  // namespace parallax
