// Joint bilateral upsampling (Kopf, Cohen, Lischinski & Uyttendaele,
// SIGGRAPH 2007): each output pixel is a weighted mean of the low-resolution
// samples around it, weighted by spatial distance (in low-res pixels) and by
// how close the guide colour at the output pixel is to the guide colour of
// each sample (the guide downsampled to low resolution). Samples across an
// image edge get ~zero weight, so depth edges follow image edges. The result
// is a convex combination: it never leaves the input's local range.
#pragma once

#include <opencv2/core.hpp>

namespace parallax {

// p_low: CV_32FC1. guide: CV_8UC1 or CV_8UC3 at the output size.
// sigma_spatial in low-res pixels (taps within 2 sigma), sigma_color in 8-bit
// levels of the per-channel mean absolute colour difference.
// Returns CV_32FC1 of guide.size().
cv::Mat JointBilateralUpsample(const cv::Mat& p_low, const cv::Mat& guide,
                               double sigma_spatial, double sigma_color);

}  // namespace parallax
