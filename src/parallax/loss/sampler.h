// Differentiable horizontal resampling: the bilinear sampler of spatial
// transformer networks restricted to x, which is all a rectified stereo pair
// needs (Godard 2017, section 3.1). Disparities are fractions of the image
// width; borders are clamped, as in the reference implementation.
//
// Convention (docs/design.md): right(x - d_left(x)) = left(x), so
//   left  ~= ReconstructLeft(right, d_left)   samples right at x - d_left
//   right ~= ReconstructRight(left, d_right)  samples left  at x + d_right
#pragma once

#include <torch/types.h>

namespace parallax {

// out(x, y) = image(x + offset(x, y) * W, y), bilinear, gradients to both
// image and offset. image [B,C,H,W], offset [B,1,H,W] -> [B,C,H,W].
torch::Tensor SampleHorizontal(const torch::Tensor& image,
                               const torch::Tensor& offset);

inline torch::Tensor ReconstructLeft(const torch::Tensor& right,
                                     const torch::Tensor& disparity_left) {
  return SampleHorizontal(right, -disparity_left);
}

inline torch::Tensor ReconstructRight(const torch::Tensor& left,
                                      const torch::Tensor& disparity_right) {
  return SampleHorizontal(left, disparity_right);
}

// 1 where x + offset * W stays inside the image (the sample is real data,
// not a clamped border), else 0. [B,1,H,W].
torch::Tensor InsideMask(const torch::Tensor& offset);

}  // namespace parallax
