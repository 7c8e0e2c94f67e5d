// Deep3D view synthesis (Xie et al. 2016, the "selection layer"): a new view
// as the probability-weighted sum of the input shifted by each disparity
// plane, out(x) = sum_k p_k(x) * image(x + shift_k). The network chose the
// probabilities for every pixel of the new view, so occlusions and soft
// edges come out as it learned them, with no explicit hole filling.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

namespace parallax {

// `image` 8-bit BGR; `probabilities` one CV_32FC1 map per plane, planes
// ordered far to near (ascending disparity, as Deep3D heads give them), all the
// same size (any: they are resampled bilinearly to the image, e.g. from the
// network's resolution), summing to about 1 over planes (they are
// renormalised per pixel); `shifts` the signed sampling offset of each plane
// in pixels of the image (+parallax for a right view, -parallax for a left
// one). Pixels sampled beyond the border repeat the edge.
//
// `probability_offsets` (empty = none): where, relative to the output
// pixel, each plane's probability is read, in pixels of the image. A view
// rendered at other shifts than the network chose the probabilities for
// reads them where that plane's content sat in the network's view:
// out(x) = sum_k p_k(x + offset_k) * image(x + shift_k). Throws
// parallax::Error on mismatched inputs.
cv::Mat SynthesizeViewFromPlanes(
    const cv::Mat& image, const std::vector<cv::Mat>& probabilities,
    const std::vector<float>& shifts,
    const std::vector<float>& probability_offsets = {});

}  // namespace parallax
