// How close a synthesised view is to the real one: the quality benchmark of
// `parallax stereo` (docs/stereo.md table, stereo_quality_test).
//
// On a stereo pair with ground-truth left disparity, the right view is
// rendered from the left image and scored against the real right image,
// over all pixels and over the disoccluded ones (right-view pixels that no
// left pixel reaches, away from the image border), beside the naive
// backward warp.
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace parallax {

struct ViewQuality {
  double psnr = 0;  // dB, 8-bit peak
  double ssim = 0;  // mean over the mask, 0..1
};

// `mask`: CV_8U, non-zero = scored; both images 8-bit of equal size.
ViewQuality CompareViews(const cv::Mat& a, const cv::Mat& b,
                         const cv::Mat& mask);

// Ground truth with unknown pixels (NaN: occluded or unmatched in the GT)
// filled row by row from the farther (smaller-disparity) neighbour, as an
// occluded pixel lies behind its neighbours.
cv::Mat FillUnknownDisparity(const cv::Mat& disparity);

// The disocclusions proper: hole pixels whose run along the row touches
// neither image border. A strip at the border is content outside the
// source's field of view, which no renderer can know.
cv::Mat InteriorHoles(const cv::Mat& holes);

struct ViewQualityScene {
  std::string name;
  int disoccluded_pixels = 0;
  ViewQuality parallax_all, parallax_disoccluded;
  ViewQuality naive_all, naive_disoccluded;
  cv::Mat parallax_view, naive_view, holes;  // for figures
};

// Scores both renderers of the right view of one pair. `gt_disparity`: left
// view, pixels, NaN where unknown.
ViewQualityScene ScoreRightViewSynthesis(const std::string& name,
                                         const cv::Mat& left,
                                         const cv::Mat& right,
                                         const cv::Mat& gt_disparity);

// The mean of each score over `scenes` (name "mean", no images).
ViewQualityScene MeanScores(const std::vector<ViewQualityScene>& scenes);

}  // namespace parallax
