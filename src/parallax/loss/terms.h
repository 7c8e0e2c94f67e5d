// The terms of the Monodepth training loss (Godard 2017, eqs. 2-4) and of
// the Deep3D image formation with the smoothness of Godard's supplement
// (section 3). Each returns a scalar tensor averaged over pixels.
#pragma once

#include <torch/types.h>

namespace parallax {

// Eq. 2: alpha * (1 - SSIM) / 2 + (1 - alpha) * |I - I~|. As the reference,
// the SSIM and L1 means are taken over their own supports (SSIM's maps are
// 2 px smaller).
torch::Tensor AppearanceLoss(const torch::Tensor& estimate,
                             const torch::Tensor& target, double alpha = 0.85);

// The same, averaged only where `valid` ([B,1,H,W], 0 or 1) is 1: pixels
// whose match lies outside the other view (its left or right border strip)
// have no true reconstruction, and fitting the clamped border there is what
// bends a network's disparity at the image edge. The SSIM term counts a
// block when all of its pixels are valid.
torch::Tensor MaskedAppearanceLoss(const torch::Tensor& estimate,
                                   const torch::Tensor& target, double alpha,
                                   const torch::Tensor& valid);

// Eq. 3: |dx d| exp(-|dx I|) + |dy d| exp(-|dy I|), image gradients averaged
// over colour channels. disparity [B,1,H,W], image [B,C,H,W].
torch::Tensor EdgeAwareSmoothness(const torch::Tensor& disparity,
                                  const torch::Tensor& image);

// Eq. 4, left variant: |d_l(x) - d_r(x - d_l(x))|.
torch::Tensor LeftConsistency(const torch::Tensor& disparity_left,
                              const torch::Tensor& disparity_right);
// Mirrored: |d_r(x) - d_l(x + d_r(x))|.
torch::Tensor RightConsistency(const torch::Tensor& disparity_left,
                               const torch::Tensor& disparity_right);

// Deep3D image formation: sum_k p_k(x) * image(x + sign * plane_k * W).
// probs [B,N,H,W] (softmax over N), planes [N] fractions of width, sign +1
// to synthesise the right view from the left, -1 for the left from the right.
torch::Tensor SynthesizeFromPlanes(const torch::Tensor& image,
                                   const torch::Tensor& probs,
                                   const torch::Tensor& planes, double sign);

// Supplement eq. 3: mean over pixels of sum_k |dx cs_k| + |dy cs_k|, with
// cs the cumulative sum of the plane probabilities.
torch::Tensor CumulativeSmoothness(const torch::Tensor& probs);

// Supplement eq. 1: mean over pixels of (max_k p_k - 1)^2.
torch::Tensor MaxProbabilityLoss(const torch::Tensor& probs);

// Supervised L1 on pixels with finite ground truth (NaN = unknown); zero
// when no pixel has ground truth. disparity, gt [B,1,H,W].
torch::Tensor SupervisedDisparityLoss(const torch::Tensor& disparity,
                                      const torch::Tensor& gt);

// Scale-and-shift-invariant L1 (Ranftl et al., MiDaS, 2020): per image,
// prediction and ground truth are each shifted by their median and divided
// by their mean absolute deviation over the pixels with finite ground
// truth, and the loss is the mean |difference| of the two. A monocular
// network cannot know a pair's baseline, so the absolute L1 above asks of
// it a scale it can only guess; this term asks for the layout alone, which
// is what scale-and-shift-aligned evaluation scores. Images with fewer than
// 16 known pixels or flat ground truth are skipped; zero when none is left.
torch::Tensor ScaleShiftInvariantLoss(const torch::Tensor& disparity,
                                      const torch::Tensor& gt);

// Multi-scale gradient matching (Ranftl et al., MiDaS, 2020, eq. 11) on the
// prediction and ground truth normalised as in ScaleShiftInvariantLoss. Per
// image, R = normalised prediction - normalised truth, and the loss is the
// mean over `levels` resolutions (each taking every second pixel of the
// previous) of |dx R| + |dy R| summed over the pixel pairs whose truth is
// known at both ends, divided by the known pixels. The invariant L1 cannot
// tell a depth step from the same step smeared over ten pixels when both
// miss the same area; this term can: the smeared step leaves a gradient in R
// at every pixel of the smear. It is what asks a network for sharp depth
// edges. Same skipping rules as ScaleShiftInvariantLoss.
torch::Tensor GradientMatchingLoss(const torch::Tensor& disparity,
                                   const torch::Tensor& gt, int levels = 4);

}  // namespace parallax
