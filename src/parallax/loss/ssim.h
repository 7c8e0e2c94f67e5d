// The simplified SSIM of Godard 2017 (eq. 2): statistics over 3x3 blocks
// (a box filter, not a Gaussian), constants C1 = 0.01^2 and C2 = 0.03^2 for
// images in [0, 1]. Like the reference, blocks are "valid": the maps are
// 2 pixels smaller than the inputs in each direction.
#pragma once

#include <torch/types.h>

namespace parallax {

// SSIM per block: x, y [B,C,H,W] -> [B,C,H-2,W-2].
torch::Tensor Ssim(const torch::Tensor& x, const torch::Tensor& y);

// (1 - SSIM) / 2 clamped to [0, 1]: the dissimilarity used in the loss.
torch::Tensor SsimDissimilarity(const torch::Tensor& x, const torch::Tensor& y);

}  // namespace parallax
