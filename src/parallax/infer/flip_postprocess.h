// Monodepth's flip post-processing (Godard, Mac Aodha & Brostow, CVPR 2017,
// section 4 "Post-processing"): blend the disparity predicted for an image
// with the one predicted for its mirror image, so that the disocclusion
// artefacts each prediction has on one side are replaced by the other's
// clean values. Doubles the network cost; a flag of `parallax depth`.
#pragma once

#include <opencv2/core.hpp>

namespace parallax {

// The weight of the flipped-back prediction per column (1 x width, CV_32F):
// l(u) = 1 - clip(20 (u - 0.05), 0, 1) with u = x / (width - 1), i.e. 1 on
// the left 5 %, falling to 0 at 10 %. The plain prediction gets the mirror
// image of it, and the middle gets the mean of both.
cv::Mat FlipBlendWeights(int width);

// disp: CV_32FC1 predicted for the image. disp_flipped: CV_32FC1 of the same
// size predicted for the horizontally flipped image, still in the flipped
// frame. Returns
//   r * disp + l * flip(disp_flipped) + (1 - l - r) * mean of the two
// with l = FlipBlendWeights and r = flip(l), all per column.
cv::Mat FlipPostProcess(const cv::Mat& disp, const cv::Mat& disp_flipped);

}  // namespace parallax
