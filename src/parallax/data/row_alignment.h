// Row alignment of stereo pairs that come out of a camera unrectified.
//
// Consumer 3D cameras (Nintendo 3DS, Fujifilm W1/W3, phone rigs) store two
// views that are nearly parallel but not rectified: the right view sits a
// few pixels higher or lower, is turned by a fraction of a degree, and is
// cropped with a large horizontal offset (about 105 px at 640x480 on the
// 3DS), so points at infinity have a negative disparity. Training and
// matching assume rows are aligned and d = x_left - x_right >= 0.
//
// EstimateRowAlignment matches SIFT features between the views and fits,
// with RANSAC, the similarity transform of the right view (rotation, scale,
// vertical shift) that brings every match onto its left row. Only rows are
// constrained: the horizontal offset of a match is its disparity, which
// depends on depth. The horizontal shift is then chosen so that the
// farthest matched features land at disparity 0 (a parallel rig), or kept.
// ApplyRowAlignment warps the right view and crops both views to the part
// the warped right view covers, so the result has no empty borders.
#pragma once

#include <string>

#include <opencv2/core.hpp>

namespace parallax {

enum class HorizontalShift {
  kFarAtZero,  // the farthest matched features get disparity 0
  kKeep,       // keep the camera's offset (only rotation about the centre)
};

struct RowAlignmentOptions {
  int max_features = 4000;           // SIFT keypoints per view
  double ratio_test = 0.75;          // Lowe's ratio for a distinctive match
  double inlier_threshold_px = 1.0;  // vertical residual of an inlier
  int min_inliers = 20;
  // Matches whose disparity is further than this fraction of the width
  // from the median are dropped as wrong (a real pair's range is smaller).
  double max_disparity_spread = 0.3;
  // Percentile of the inliers' disparities put at 0 by kFarAtZero: a low
  // one, robust to a stray match.
  double far_percentile = 0.01;
  HorizontalShift horizontal = HorizontalShift::kFarAtZero;
  // The cropped pair must keep at least this fraction of the width and of
  // the height; less means the views barely overlap.
  double min_kept_fraction = 0.5;
};

struct RowAlignment {
  // Maps right-view pixel coordinates to left-view ones:
  //   [x'; y'] = [[q, -p, tx], [p, q, ty]] [x; y; 1]
  cv::Matx23d right_to_left = cv::Matx23d::eye();
  cv::Rect crop;    // kept region, in left-view pixels
  int matches = 0;  // distinctive, mutual feature matches
  int inliers = 0;  // matches on their row after alignment
  // The turn applied to the right view, clockwise on screen (y down).
  double rotation_deg = 0;
  double scale = 1;
  // Median |y_left - y_right| of the inliers before and after alignment.
  double vertical_error_before_px = 0;
  double vertical_error_after_px = 0;
  // The inliers' disparity (x_left - x_right, after alignment) at the 1st
  // and 99th percentile.
  double disparity_low_px = 0;
  double disparity_high_px = 0;
};

// Throws parallax::Error when the views differ in size, when too few
// features match (not one scene, or textureless), or when the aligned views
// overlap too little. Deterministic for given images and options.
RowAlignment EstimateRowAlignment(const cv::Mat& left, const cv::Mat& right,
                                  const RowAlignmentOptions& options = {});

struct AlignedPair {
  cv::Mat left;
  cv::Mat right;
};

// The pair cropped to `alignment.crop`, the right view warped first.
AlignedPair ApplyRowAlignment(const cv::Mat& left, const cv::Mat& right,
                              const RowAlignment& alignment);

// One line for logs: "412 of 655 matches, dy 2.1 -> 0.18 px, -0.31 deg, ..."
std::string DescribeRowAlignment(const RowAlignment& alignment);

}  // namespace parallax
