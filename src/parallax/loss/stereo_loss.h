// The full training objective over the four output scales (Godard 2017,
// eq. 1), for both heads:
//   disparity head:  a_ap (C_ap^l + C_ap^r) + a_ds / r (C_ds^l + C_ds^r)
//                    + a_lr (C_lr^l + C_lr^r)
//   Deep3D head:     a_ap (C_ap^l + C_ap^r) + a_ds3 (C_cs^l + C_cs^r)
//                    + a_max (C_max^l + C_max^r)
// with r = 2^s the downscaling of scale s, plus optional supervised terms
// (absolute and scale-and-shift-invariant L1) on samples that carry
// ground-truth disparity.
#pragma once

#include <map>
#include <string>

#include <torch/types.h>

#include "parallax/model/depth_net.h"

namespace parallax {

struct LossWeights {
  double ssim_alpha = 0.85;        // alpha in eq. 2
  double appearance = 1.0;         // a_ap
  double smoothness = 0.1;         // a_ds (divided by r per scale)
  double lr_consistency = 1.0;     // a_lr
  double deep3d_smoothness = 0.1;  // supplement eq. 3
  double max_probability = 0.02;   // supplement eq. 1
  double supervised = 0.0;         // L1 to GT disparity where present
  // Scale-and-shift-invariant L1 to GT (ScaleShiftInvariantLoss).
  double supervised_invariant = 0.0;
  // Multi-scale gradient matching to GT (GradientMatchingLoss): sharp
  // depth edges where the truth has them.
  double supervised_gradient = 0.0;
  int num_scales = kNumScales;  // scales used by the loss (1..4)
  // Leave pixels whose match falls outside the other view out of the
  // appearance loss (MaskedAppearanceLoss), disparity head only.
  bool mask_borders = false;

  void Check() const;
};

struct StereoLoss {
  torch::Tensor total;  // scalar, differentiable
  // Every term per scale ("appearance/s0", "smoothness/s2", ...) and summed
  // over scales ("appearance", ...), weighted as they enter the total.
  std::map<std::string, double> terms;
};

// left, right: [B,3,H,W] in [0, 1]; gt_disparity: [B,1,H,W] fraction of
// width with NaN where unknown, or undefined. `planes` is the Deep3D plane
// table ([N]), undefined for the disparity head.
StereoLoss ComputeStereoLoss(const DisparityPyramid& prediction,
                             const torch::Tensor& left,
                             const torch::Tensor& right,
                             const torch::Tensor& gt_disparity,
                             const torch::Tensor& planes,
                             const LossWeights& weights);

// Images resized (area average) to the size of each prediction scale.
std::vector<torch::Tensor> ImagePyramid(const torch::Tensor& image,
                                        const std::vector<torch::Tensor>& like);

}  // namespace parallax
