#include "parallax/infer/flip_postprocess.h"

#include <algorithm>

#include "parallax/util/check.h"

namespace parallax {

// Why the left edge takes the flipped prediction: a left-view disparity
// network learns to rebuild the left image from the right one. The left
// border of the left image (and the left side of every occluder) is not seen
// by the right camera, so there the network has no correspondence to learn
// from and predicts ramps (Godard et al. 2017, section 4). In the mirror
// image that border becomes the right border, which both cameras see, so
// flip(disp_flipped) is the reliable one on the left and disp on the right.
// This follows the paper's text ("the first 5% on the left of the image
// using d''_l and the last 5% on the right to the disparities from d_l") and
// the authors' released post_process_disparity(); the supplement's piecewise
// w^l (section 2) mixes up i and j and, read literally, weights the other
// way round, so it is not used.
cv::Mat FlipBlendWeights(int width) {
  THROW_CHECK_GE(width, 1);
  cv::Mat weights(1, width, CV_32FC1);
  for (int x = 0; x < width; ++x) {
    // u as numpy's linspace(0, 1, width) in the released code.
    const double u = width > 1 ? double(x) / (width - 1) : 0.0;
    weights.at<float>(0, x) =
        float(1.0 - std::clamp(20.0 * (u - 0.05), 0.0, 1.0));
  }
  return weights;
}

cv::Mat FlipPostProcess(const cv::Mat& disp, const cv::Mat& disp_flipped) {
  THROW_CHECK_MSG(disp.type() == CV_32FC1 && !disp.empty(),
                  "disparity must be a non-empty CV_32FC1, got {}",
                  cv::typeToString(disp.type()));
  THROW_CHECK_MSG(
      disp_flipped.type() == CV_32FC1 && disp_flipped.size() == disp.size(),
      "flipped disparity must be CV_32FC1 of {}x{}, got {} {}x{}", disp.cols,
      disp.rows, cv::typeToString(disp_flipped.type()), disp_flipped.cols,
      disp_flipped.rows);
  cv::Mat flipped_back;
  cv::flip(disp_flipped, flipped_back, /*flipCode=*/1);
  const cv::Mat l_mask = FlipBlendWeights(disp.cols);
  cv::Mat r_mask;
  cv::flip(l_mask, r_mask, 1);
  const float* l = l_mask.ptr<float>();
  const float* r = r_mask.ptr<float>();
  cv::Mat out(disp.size(), CV_32FC1);
  for (int y = 0; y < disp.rows; ++y) {
    const float* d = disp.ptr<float>(y);
    const float* f = flipped_back.ptr<float>(y);
    float* o = out.ptr<float>(y);
    for (int x = 0; x < disp.cols; ++x) {
      const float mean = 0.5f * (d[x] + f[x]);
      o[x] = r[x] * d[x] + l[x] * f[x] + (1.f - l[x] - r[x]) * mean;
    }
  }
  return out;
}

}  // namespace parallax
