// Proxy disparity from classical stereo matching ("stereo hints").
//
// The real training pairs carry no ground truth, and on 2 CPU cores the
// photometric Monodepth loss alone learns their layout slowly. Semi-global
// matching (OpenCV's StereoSGBM) finds the disparity of most textured pixels
// of a rectified pair directly; keeping only the pixels that pass a
// left-right consistency check gives a sparse, mostly correct target for the
// supervised loss (as in Watson et al. 2019, "Self-supervised monocular depth
// hints", and Tosi et al. 2019). No depth labels are used: the hints come
// from the same stereo footage the unsupervised loss sees.
#pragma once

#include <opencv2/core.hpp>

namespace parallax {

struct StereoHintOptions {
  // Matching runs on the pair scaled down to at most this width (SGBM's cost
  // grows with width x disparity range); hints are scaled back up.
  int max_width = 640;
  // Searched range as a fraction of the (scaled) width, from 0: rectified
  // real pairs have d = x_left - x_right >= 0.
  double max_disparity_fraction = 0.25;
  // Left and right estimates may disagree by this many pixels (at matching
  // scale) and still count as consistent.
  double lr_tolerance = 1.0;
  // Pixels whose 5x5 window has a mean horizontal gradient (Sobel x / 8, in
  // gray levels per pixel, at matching scale) below this are dropped: on a
  // flat patch every disparity costs the same, and SGBM still returns one
  // that passes the left-right check. 0 keeps them (the trainer's hints).
  double min_texture = 0;
};

struct StereoHints {
  cv::Mat left;   // CV_32F, pixels of the left view, NaN where unreliable
  cv::Mat right;  // CV_32F, pixels of the right view (also >= 0)
};

// `left` and `right`: 8-bit images of equal size (1 or 3 channels).
// Throws parallax::Error on bad input.
StereoHints ComputeStereoHints(const cv::Mat& left, const cv::Mat& right,
                               const StereoHintOptions& options = {});

}  // namespace parallax
