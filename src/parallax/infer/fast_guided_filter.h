// Fast guided filter upsampling (He & Sun 2015, "Fast Guided Filter",
// arXiv:1505.00996): the guided filter's local linear model q = a.I + b
// (He, Sun & Tang, ECCV 2010) is fitted between the low-resolution input and
// the guide downsampled to the same size, and a, b are upsampled bilinearly
// and applied to the full-resolution guide. Edges in q then sit exactly on
// the full-resolution image edges, at a cost dominated by one pass over the
// output (the full-resolution guided filter needs ~13 box filters there).
#pragma once

#include <opencv2/core.hpp>

namespace parallax {

// p_low: CV_32FC1. guide: CV_8UC1 or CV_8UC3 at the output size. radius (in
// p_low pixels) and eps (guide scaled to [0, 1]) are the guided filter's.
// lo_low, hi_low: CV_32FC1 of p_low's size; each output pixel is clamped into
// their bilinear interpolation. Returns CV_32FC1 of guide.size().
cv::Mat FastGuidedUpsample(const cv::Mat& p_low, const cv::Mat& guide,
                           int radius, double eps, const cv::Mat& lo_low,
                           const cv::Mat& hi_low);

}  // namespace parallax
