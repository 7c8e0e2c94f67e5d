// What a Deep3D head (Xie et al. 2016) says about a frame beyond its
// expected disparity: for every pixel of a view to synthesise, a
// probability distribution over a fixed set of disparity planes. The view
// is then the probability-weighted sum of the input shifted by each plane
// (stereo/plane_synthesis.h), which renders soft, multi-layer edges that a
// single disparity per pixel cannot.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

namespace parallax {

struct PlaneDistributions {
  // Left-view disparity of each plane, in pixels of the input image
  // (docs/design.md sign: larger = nearer).
  std::vector<float> disparities;
  // p_k on the grid of the right view synthesised from the input as the
  // left eye: one CV_32FC1 map per plane, at network content size (the
  // whole image, scaled); over k they sum to 1.
  std::vector<cv::Mat> right;
  // The same for a left view synthesised from the input as the right eye
  // (from the network's pass over the mirrored input); empty unless asked.
  std::vector<cv::Mat> left;

  bool empty() const { return disparities.empty(); }
};

}  // namespace parallax
