// Softening of filled disocclusions, a step of view synthesis: the holes a
// forward warp leaves are first filled by copying background texture row by
// row (view_synthesis.cc), which leaves seams between the rows; this blurs
// the fill with a normalised convolution over background and hole pixels
// only, so the seams disappear and the foreground's rim at the hole's edge
// does not bleed in.
#pragma once

#include <opencv2/core.hpp>

namespace parallax {

// Replaces the colour of every hole pixel of `image` (8-bit or float, 1 or
// 3 channels) by the 13x13 Gaussian (sigma 3) average of the pixels around
// it that are holes or background: within `tolerance` of the smallest
// disparity in their 7x7 window. Works through 64x64 tiles in raster order;
// a tile reads the softened holes of the tiles before it, and its own holes
// as they were. `disparity` CV_32F and `holes` CV_8U (non-zero = hole) are
// the view's, the same size as `image`.
void SoftenHoles(cv::Mat& image, const cv::Mat& disparity, const cv::Mat& holes,
                 float tolerance);

}  // namespace parallax
