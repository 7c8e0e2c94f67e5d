// Fitting a prediction to ground truth before scoring. Monocular networks
// know depth only up to scale (Monodepth2, Zhou et al.) or up to scale and
// shift of disparity (MiDaS, Ranftl et al.), so benchmarks align each scene
// first. Every alignment here is one affine map of disparity, d' = s·d + t,
// so it is cheap to report and to apply.
#pragma once

#include <string>
#include <string_view>

#include <opencv2/core.hpp>

namespace parallax {

enum class Alignment {
  kNone,        // the prediction is disparity in pixels already
  kMedian,      // Monodepth2: depth *= median(gt depth) / median(pred depth)
  kScaleShift,  // MiDaS: least-squares s·d + t in disparity space
};
// "none", "median", "scale-shift"; throws parallax::Error naming --align.
Alignment ParseAlignment(std::string_view text);
std::string ToString(Alignment alignment);

// d' = scale·d + shift.
struct ScaleShift {
  double scale = 1;
  double shift = 0;
};

// The alignment of predicted disparity to ground-truth disparity over the
// valid pixels (CV_32FC1 maps, CV_8UC1 mask with a non-zero pixel):
//  - kNone: {1, 0}.
//  - kMedian: {k, 0} with k = median(pred depth) / median(gt depth), depth =
//    1/disparity. Predicted disparities <= 0 count as infinitely far; throws
//    parallax::Error when that is true of the median pixel (nothing to scale).
//  - kScaleShift: least squares min Σ(s·pred + t − gt)². A constant
//    prediction carries no information to scale, so it gets s = 0 and
//    t = mean(gt) (the least-squares constant) instead of dividing by 0.
ScaleShift FitAlignment(Alignment alignment, const cv::Mat& pred_disparity,
                        const cv::Mat& gt_disparity, const cv::Mat& valid);

// scale·pred + shift, raised to `floor` where below it, so that every aligned
// disparity has a finite, positive depth.
cv::Mat ApplyAlignment(const cv::Mat& pred_disparity, ScaleShift alignment,
                       double floor);

}  // namespace parallax
