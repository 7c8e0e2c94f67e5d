// Depth-boundary errors: how well the edges of a predicted disparity map
// line up with the depth edges of the ground truth, after the idea of
// iBims-1's DBE metrics (Koch et al., ECCV Workshops 2018). A prediction
// whose object boundaries are smeared into soft ramps has no edge where the
// truth has one, and scores badly on completeness; one with edges where the
// truth has none scores badly on accuracy.
//
// Edges are found the same way on both maps: Canny on the gradient of the
// disparity divided by the truth's median disparity, so that an edge is a
// jump in disparity large against the scene's own, whatever its units. By
// default it must be steep: a jump of 20 % of the median disparity from one
// pixel to the next, or a larger one over a few pixels. Slanted planes are
// no edges, a ground plane running to its horizon included, and neither is
// a boundary smeared into a ramp: a jump of half the median blurred with a
// Gaussian of sigma 4 px (about 10 px wide) is none. Disparity, not depth:
// far things differ little in disparity, and in a stereo view it is
// disparity jumps that show. Only the region with known ground truth is
// searched, less a margin around unknown pixels, where the truth itself
// jumps to 0.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>

namespace parallax {

struct EdgeOptions {
  // Canny thresholds on |d (disparity / median) / d pixel|: pixels above
  // `high` start edges, those above `low` extend them. A step of J (in
  // units of the median) between two pixels gives J / 2 at both.
  double low = 0.05;
  double high = 0.1;
  // Distances are clamped here, pixels (iBims-1's theta_max).
  double max_distance = 10;
  // Edges within this many pixels of unknown ground truth are ignored.
  int unknown_margin = 2;
  void Check() const;  // throws parallax::Error
};

struct EdgeScores {
  // Mean distance from each predicted edge pixel to the nearest true edge,
  // clamped at max_distance; max_distance when nothing was predicted as an
  // edge. NaN when the truth has no edge (nothing to score).
  double accuracy = 0;
  // Mean distance from each true edge pixel to the nearest predicted edge,
  // clamped at max_distance. NaN when the truth has no edge.
  double completeness = 0;
  int64_t true_edges = 0;
  int64_t predicted_edges = 0;
};

// CV_8UC1 edge map (255 on edges) of a CV_32FC1 disparity map divided by
// `scale` (> 0), searched where `region` is non-zero.
cv::Mat DepthEdges(const cv::Mat& disparity, const cv::Mat& region,
                   double scale, const EdgeOptions& options);

// `pred_disparity` (aligned to the truth) and `gt_disparity`: CV_32FC1 of
// one size; the scale is the median of the known truth. `gt_known`:
// CV_8UC1, non-zero where the ground truth is known (its full extent, not a
// non-occlusion mask: the occluded side of a boundary is where its edge is).
EdgeScores ComputeEdgeScores(const cv::Mat& pred_disparity,
                             const cv::Mat& gt_disparity,
                             const cv::Mat& gt_known,
                             const EdgeOptions& options = {});

}  // namespace parallax
