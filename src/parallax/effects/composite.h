// Depth compositing (`parallax composite`): a foreground layer over a
// background by a per-pixel depth test, with the layer's alpha, a soft
// transition where the two depths are close, feathered edges, and an
// offset that moves the foreground in depth so subjects can pass behind
// each other (the 3D_learner paper's compositing use).
#pragma once

#include <opencv2/core.hpp>

namespace parallax {

struct CompositeOptions {
  // Added to the foreground's disparity (the same units as the maps):
  // positive moves it nearer, negative behind.
  double fg_offset = 0;
  // Width of the soft depth test in disparity units: over it the weight
  // goes from background to foreground; 0 = a hard test.
  double softness = 0;
  // Gaussian feather of the resulting mask, in pixels.
  double feather = 1;

  void Check() const;
};

// Per-pixel foreground weight in [0, 1] (CV_32F). `fg_alpha` CV_32F in
// [0, 1] or empty (opaque). Disparities CV_32F, larger = nearer.
cv::Mat CompositeWeight(const cv::Mat& fg_disparity,
                        const cv::Mat& bg_disparity, const cv::Mat& fg_alpha,
                        const CompositeOptions& options);

// The composite in linear light; `fg` and `bg` 8/16-bit BGR of one size.
cv::Mat DepthComposite(const cv::Mat& fg, const cv::Mat& fg_disparity,
                       const cv::Mat& fg_alpha, const cv::Mat& bg,
                       const cv::Mat& bg_disparity,
                       const CompositeOptions& options);

}  // namespace parallax
