#include "parallax/loss/stereo_loss.h"

#include <torch/nn/functional/pooling.h>
#include <torch/torch.h>

#include "parallax/loss/sampler.h"
#include "parallax/loss/terms.h"
#include "parallax/util/check.h"

namespace parallax {
namespace F = torch::nn::functional;

void LossWeights::Check() const {
  if (!(ssim_alpha >= 0 && ssim_alpha <= 1)) {
    ThrowError("SSIM alpha must be in [0, 1], got {}", ssim_alpha);
  }
  for (double w : {appearance, smoothness, lr_consistency, deep3d_smoothness,
                   max_probability, supervised, supervised_invariant,
                   supervised_gradient}) {
    if (!(w >= 0)) ThrowError("loss weights must be >= 0, got {}", w);
  }
  if (num_scales < 1 || num_scales > kNumScales) {
    ThrowError("loss scales must be in 1..{}, got {}", kNumScales, num_scales);
  }
}

std::vector<torch::Tensor> ImagePyramid(
    const torch::Tensor& image, const std::vector<torch::Tensor>& like) {
  std::vector<torch::Tensor> pyramid;
  for (const torch::Tensor& target : like) {
    if (target.size(2) == image.size(2) && target.size(3) == image.size(3)) {
      pyramid.push_back(image);
    } else {
      pyramid.push_back(F::adaptive_avg_pool2d(
          image,
          F::AdaptiveAvgPool2dFuncOptions({target.size(2), target.size(3)})));
    }
  }
  return pyramid;
}

StereoLoss ComputeStereoLoss(const DisparityPyramid& prediction,
                             const torch::Tensor& left,
                             const torch::Tensor& right,
                             const torch::Tensor& gt_disparity,
                             const torch::Tensor& planes,
                             const LossWeights& weights) {
  const bool deep3d = !prediction.left_probs.empty();
  THROW_CHECK(!deep3d || planes.defined());
  const int scales = weights.num_scales;
  const std::vector<torch::Tensor> left_pyramid =
      ImagePyramid(left, prediction.left);
  const std::vector<torch::Tensor> right_pyramid =
      ImagePyramid(right, prediction.left);

  StereoLoss loss;
  loss.total = torch::zeros({}, left.options());
  auto add = [&](const std::string& name, int scale, torch::Tensor value,
                 double weight) {
    if (weight == 0) return;
    torch::Tensor weighted = weight * value;
    loss.total = loss.total + weighted;
    const double v = weighted.item<double>();
    loss.terms[name + "/s" + std::to_string(scale)] = v;
    loss.terms[name] += v;
  };

  for (int s = 0; s < scales; ++s) {
    const torch::Tensor& image_l = left_pyramid[s];
    const torch::Tensor& image_r = right_pyramid[s];
    const torch::Tensor& disp_l = prediction.left[s];
    const torch::Tensor& disp_r = prediction.right[s];
    torch::Tensor left_estimate, right_estimate;
    if (deep3d) {
      left_estimate =
          SynthesizeFromPlanes(image_r, prediction.left_probs[s], planes, -1.0);
      right_estimate = SynthesizeFromPlanes(image_l, prediction.right_probs[s],
                                            planes, +1.0);
    } else {
      left_estimate = ReconstructLeft(image_r, disp_l);
      right_estimate = ReconstructRight(image_l, disp_r);
    }
    // `offset` is where each pixel's match lies, for the border mask.
    auto appearance = [&](const torch::Tensor& estimate,
                          const torch::Tensor& target,
                          const torch::Tensor& offset) {
      return weights.mask_borders && !deep3d
                 ? MaskedAppearanceLoss(estimate, target, weights.ssim_alpha,
                                        InsideMask(offset))
                 : AppearanceLoss(estimate, target, weights.ssim_alpha);
    };
    add("appearance", s,
        appearance(left_estimate, image_l, -disp_l) +
            appearance(right_estimate, image_r, disp_r),
        weights.appearance);
    if (deep3d) {
      add("cumulative_smoothness", s,
          CumulativeSmoothness(prediction.left_probs[s]) +
              CumulativeSmoothness(prediction.right_probs[s]),
          weights.deep3d_smoothness);
      add("max_probability", s,
          MaxProbabilityLoss(prediction.left_probs[s]) +
              MaxProbabilityLoss(prediction.right_probs[s]),
          weights.max_probability);
    } else {
      const double r = static_cast<double>(1 << s);
      add("smoothness", s,
          EdgeAwareSmoothness(disp_l, image_l) +
              EdgeAwareSmoothness(disp_r, image_r),
          weights.smoothness / r);
      add("lr_consistency", s,
          LeftConsistency(disp_l, disp_r) + RightConsistency(disp_l, disp_r),
          weights.lr_consistency);
    }
  }
  if (weights.supervised > 0 && gt_disparity.defined()) {
    add("supervised", 0,
        SupervisedDisparityLoss(prediction.left[0], gt_disparity),
        weights.supervised);
  }
  if (weights.supervised_invariant > 0 && gt_disparity.defined()) {
    add("supervised_invariant", 0,
        ScaleShiftInvariantLoss(prediction.left[0], gt_disparity),
        weights.supervised_invariant);
  }
  if (weights.supervised_gradient > 0 && gt_disparity.defined()) {
    add("supervised_gradient", 0,
        GradientMatchingLoss(prediction.left[0], gt_disparity),
        weights.supervised_gradient);
  }
  loss.terms["total"] = loss.total.item<double>();
  return loss;
}

}  // namespace parallax
