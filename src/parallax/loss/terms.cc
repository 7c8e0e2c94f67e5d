#include "parallax/loss/terms.h"

#include <torch/torch.h>

#include "parallax/loss/sampler.h"
#include "parallax/loss/ssim.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

torch::Tensor GradientX(const torch::Tensor& t) {
  const int64_t w = t.size(3);
  return t.narrow(3, 0, w - 1) - t.narrow(3, 1, w - 1);
}

torch::Tensor GradientY(const torch::Tensor& t) {
  const int64_t h = t.size(2);
  return t.narrow(2, 0, h - 1) - t.narrow(2, 1, h - 1);
}

// 1 where a pixel and its right (lower) neighbour are both 1 in `mask`.
torch::Tensor BothKnownX(const torch::Tensor& mask) {
  const int64_t w = mask.size(3);
  return mask.narrow(3, 0, w - 1) * mask.narrow(3, 1, w - 1);
}

torch::Tensor BothKnownY(const torch::Tensor& mask) {
  const int64_t h = mask.size(2);
  return mask.narrow(2, 0, h - 1) * mask.narrow(2, 1, h - 1);
}

// Mean that is 0 (not NaN) over an empty tensor: a map one pixel high has
// no vertical gradients.
torch::Tensor MeanOrZero(const torch::Tensor& t) {
  return t.numel() > 0 ? t.mean() : torch::zeros({}, t.options());
}

}  // namespace

torch::Tensor AppearanceLoss(const torch::Tensor& estimate,
                             const torch::Tensor& target, double alpha) {
  const torch::Tensor l1 = (estimate - target).abs().mean();
  if (alpha == 0) return l1;
  return alpha * SsimDissimilarity(estimate, target).mean() + (1 - alpha) * l1;
}

torch::Tensor MaskedAppearanceLoss(const torch::Tensor& estimate,
                                   const torch::Tensor& target, double alpha,
                                   const torch::Tensor& valid) {
  const torch::Tensor mask = valid.detach();
  const int64_t channels = estimate.size(1);
  auto masked_mean = [&](const torch::Tensor& value, const torch::Tensor& m) {
    return (value * m).sum() / (m.sum() * channels).clamp_min(1.0);
  };
  const torch::Tensor l1 = masked_mean((estimate - target).abs(), mask);
  if (alpha == 0) return l1;
  // An SSIM block counts when all of its 3x3 pixels are valid.
  const int64_t h = mask.size(2), w = mask.size(3);
  const torch::Tensor rows = mask.narrow(3, 0, w - 2) *
                             mask.narrow(3, 1, w - 2) *
                             mask.narrow(3, 2, w - 2);
  const torch::Tensor blocks = rows.narrow(2, 0, h - 2) *
                               rows.narrow(2, 1, h - 2) *
                               rows.narrow(2, 2, h - 2);
  return alpha * masked_mean(SsimDissimilarity(estimate, target), blocks) +
         (1 - alpha) * l1;
}

torch::Tensor EdgeAwareSmoothness(const torch::Tensor& disparity,
                                  const torch::Tensor& image) {
  const torch::Tensor weight_x =
      torch::exp(-GradientX(image).abs().mean(1, true));
  const torch::Tensor weight_y =
      torch::exp(-GradientY(image).abs().mean(1, true));
  return MeanOrZero(GradientX(disparity).abs() * weight_x) +
         MeanOrZero(GradientY(disparity).abs() * weight_y);
}

torch::Tensor LeftConsistency(const torch::Tensor& disparity_left,
                              const torch::Tensor& disparity_right) {
  return (disparity_left - ReconstructLeft(disparity_right, disparity_left))
      .abs()
      .mean();
}

torch::Tensor RightConsistency(const torch::Tensor& disparity_left,
                               const torch::Tensor& disparity_right) {
  return (disparity_right - ReconstructRight(disparity_left, disparity_right))
      .abs()
      .mean();
}

torch::Tensor SynthesizeFromPlanes(const torch::Tensor& image,
                                   const torch::Tensor& probs,
                                   const torch::Tensor& planes, double sign) {
  const int64_t batch = image.size(0);
  const int64_t height = image.size(2), width = image.size(3);
  const int64_t num_planes = planes.size(0);
  torch::Tensor result = torch::zeros_like(image);
  // One plane at a time keeps memory at one shifted copy, not N.
  for (int64_t k = 0; k < num_planes; ++k) {
    const torch::Tensor offset =
        (sign * planes[k]).expand({batch, 1, height, width});
    result = result + probs.narrow(1, k, 1) * SampleHorizontal(image, offset);
  }
  return result;
}

torch::Tensor CumulativeSmoothness(const torch::Tensor& probs) {
  const torch::Tensor cumulative = probs.cumsum(1);
  return MeanOrZero(GradientX(cumulative).abs().sum(1)) +
         MeanOrZero(GradientY(cumulative).abs().sum(1));
}

torch::Tensor MaxProbabilityLoss(const torch::Tensor& probs) {
  return (std::get<0>(probs.max(1)) - 1).pow(2).mean();
}

torch::Tensor SupervisedDisparityLoss(const torch::Tensor& disparity,
                                      const torch::Tensor& gt) {
  const torch::Tensor valid = torch::isfinite(gt);
  const torch::Tensor count = valid.sum();
  if (count.item<int64_t>() == 0) return torch::zeros({}, disparity.options());
  const torch::Tensor diff = torch::where(
      valid, disparity - torch::nan_to_num(gt), torch::zeros_like(disparity));
  return diff.abs().sum() / count;
}

namespace {

// Values shifted by their median, and their mean absolute deviation.
struct Centred {
  torch::Tensor median;
  torch::Tensor values;
  torch::Tensor spread;

  explicit Centred(const torch::Tensor& v)
      : median(v.median()), values(v - median), spread(values.abs().mean()) {}
  torch::Tensor Normalized() const { return values / spread.clamp_min(1e-6); }
  // Any tensor of the same quantity, normalised like `values`.
  torch::Tensor Normalize(const torch::Tensor& x) const {
    return (x - median) / spread.clamp_min(1e-6);
  }
};

// One image of a batch, for the scale-and-shift-invariant terms.
struct ImageWithTruth {
  torch::Tensor prediction;  // [1,1,H,W]
  torch::Tensor truth;       // [1,1,H,W], NaN where unknown
  torch::Tensor known;       // [1,1,H,W] bool: finite truth
  Centred predicted;         // of the prediction's known pixels
  Centred target;            // of the truth's known pixels
};

// The mean of `image_loss(ImageWithTruth)` over the images of a batch that
// have at least 16 known pixels and truth that is not flat (a flat truth has
// no layout to ask for: weight 0, decided on the device). 0 when none.
template <typename ImageLoss>
torch::Tensor MeanOverImagesWithLayout(const torch::Tensor& disparity,
                                       const torch::Tensor& gt,
                                       ImageLoss image_loss) {
  constexpr int64_t kMinKnownPixels = 16;
  const torch::Tensor valid = torch::isfinite(gt);
  // One device-to-host copy per batch, not per image.
  const torch::Tensor counts = valid.flatten(1).sum(1).to(torch::kCPU);
  torch::Tensor sum = torch::zeros({}, disparity.options());
  torch::Tensor images = torch::zeros({}, disparity.options());
  for (int64_t b = 0; b < disparity.size(0); ++b) {
    if (counts[b].item<int64_t>() < kMinKnownPixels) continue;
    const torch::Tensor prediction = disparity.narrow(0, b, 1);
    const torch::Tensor truth = gt.narrow(0, b, 1);
    const torch::Tensor known = valid.narrow(0, b, 1);
    const ImageWithTruth image{prediction, truth, known,
                               Centred(prediction.masked_select(known)),
                               Centred(truth.masked_select(known))};
    const torch::Tensor usable = (image.target.spread > 1e-6).to(sum.dtype());
    sum = sum + usable * image_loss(image);
    images = images + usable;
  }
  return sum / images.clamp_min(1);
}

}  // namespace

torch::Tensor ScaleShiftInvariantLoss(const torch::Tensor& disparity,
                                      const torch::Tensor& gt) {
  return MeanOverImagesWithLayout(
      disparity, gt, [](const ImageWithTruth& image) {
        return (image.predicted.Normalized() - image.target.Normalized())
            .abs()
            .mean();
      });
}

torch::Tensor GradientMatchingLoss(const torch::Tensor& disparity,
                                   const torch::Tensor& gt, int levels) {
  THROW_CHECK_MSG(levels >= 1, "gradient matching needs >= 1 level, got {}",
                  levels);
  return MeanOverImagesWithLayout(
      disparity, gt, [&](const ImageWithTruth& image) {
        // Unknown pixels get R = 0 and weight 0: no gradient reaches them.
        const torch::Tensor residual = torch::where(
            image.known,
            image.predicted.Normalize(image.prediction) -
                image.target.Normalize(torch::nan_to_num(image.truth)),
            torch::zeros_like(image.prediction));
        const torch::Tensor mask = image.known.to(disparity.dtype());
        torch::Tensor sum = torch::zeros({}, disparity.options());
        int used = 0;
        for (int level = 0; level < levels; ++level) {
          const int64_t step = int64_t{1} << level;
          const torch::Tensor r = residual.slice(2, 0, c10::nullopt, step)
                                      .slice(3, 0, c10::nullopt, step);
          const torch::Tensor m = mask.slice(2, 0, c10::nullopt, step)
                                      .slice(3, 0, c10::nullopt, step);
          if (r.size(2) < 2 || r.size(3) < 2) break;
          const torch::Tensor dx = (GradientX(r).abs() * BothKnownX(m)).sum();
          const torch::Tensor dy = (GradientY(r).abs() * BothKnownY(m)).sum();
          sum = sum + (dx + dy) / m.sum().clamp_min(1);
          ++used;
        }
        // An image one pixel high or wide has no pixel pairs: it costs 0.
        return used > 0 ? sum / used : sum;
      });
}

}  // namespace parallax
