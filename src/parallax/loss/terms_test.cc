#include "parallax/loss/terms.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <stdexcept>

#include "parallax/loss/sampler.h"
#include "parallax/loss/ssim.h"

namespace parallax {
namespace {

constexpr double kC1 = 1e-4, kC2 = 9e-4;

// SSIM of one 3x3 block, written out from the definition.
double BlockSsim(const double* x, const double* y) {
  double mx = 0, my = 0;
  for (int i = 0; i < 9; ++i) mx += x[i] / 9, my += y[i] / 9;
  double vx = 0, vy = 0, cxy = 0;
  for (int i = 0; i < 9; ++i) {
    vx += x[i] * x[i] / 9;
    vy += y[i] * y[i] / 9;
    cxy += x[i] * y[i] / 9;
  }
  vx -= mx * mx, vy -= my * my, cxy -= mx * my;
  return (2 * mx * my + kC1) * (2 * cxy + kC2) /
         ((mx * mx + my * my + kC1) * (vx + vy + kC2));
}

TEST(Ssim, ConstantBlocksFollowTheLuminanceTerm) {
  const torch::Tensor x = torch::full({1, 1, 3, 3}, 0.2, torch::kDouble);
  const torch::Tensor y = torch::full({1, 1, 3, 3}, 0.6, torch::kDouble);
  const double expected = (2 * 0.2 * 0.6 + kC1) / (0.04 + 0.36 + kC1);
  EXPECT_NEAR(Ssim(x, y).item<double>(), expected, 1e-12);
  EXPECT_NEAR(Ssim(x, x).item<double>(), 1.0, 1e-12);
}

TEST(Ssim, MatchesTheDefinitionOnEveryBlock) {
  torch::manual_seed(0);
  const torch::Tensor x = torch::rand({1, 1, 4, 5}, torch::kDouble);
  const torch::Tensor y = torch::rand({1, 1, 4, 5}, torch::kDouble);
  const torch::Tensor map = Ssim(x, y);
  ASSERT_EQ(map.sizes(), (std::vector<int64_t>{1, 1, 2, 3}));
  for (int r = 0; r < 2; ++r) {
    for (int c = 0; c < 3; ++c) {
      double bx[9], by[9];
      for (int i = 0; i < 9; ++i) {
        bx[i] = x[0][0][r + i / 3][c + i % 3].item<double>();
        by[i] = y[0][0][r + i / 3][c + i % 3].item<double>();
      }
      EXPECT_NEAR(map[0][0][r][c].item<double>(), BlockSsim(bx, by), 1e-12);
    }
  }
}

TEST(Appearance, CombinesSsimAndL1WithAlpha) {
  const torch::Tensor x = torch::full({1, 1, 3, 3}, 0.5, torch::kDouble);
  const torch::Tensor y = torch::full({1, 1, 3, 3}, 0.4, torch::kDouble);
  const double ssim = (2 * 0.5 * 0.4 + kC1) / (0.25 + 0.16 + kC1);
  const double expected = 0.85 * (1 - ssim) / 2 + 0.15 * 0.1;
  EXPECT_NEAR(AppearanceLoss(x, y).item<double>(), expected, 1e-12);
  EXPECT_NEAR(AppearanceLoss(x, y, 0.0).item<double>(), 0.1, 1e-12);
  EXPECT_NEAR(AppearanceLoss(x, x).item<double>(), 0.0, 1e-12);
}

// A right view that is the left one shifted by a known disparity: inside
// the image the reconstruction is exact, in the left border strip the
// clamped samples are wrong. Only the masked loss sees a perfect match.
TEST(Appearance, BorderMaskLeavesOutPixelsWithoutAMatch) {
  torch::manual_seed(4);
  const int64_t width = 64, shift = 6;
  const torch::Tensor scene =
      torch::rand({1, 3, 16, width + shift}, torch::kDouble);
  const torch::Tensor left = scene.narrow(3, 0, width);
  const torch::Tensor right = scene.narrow(3, shift, width);
  const torch::Tensor disparity = torch::full(
      {1, 1, 16, width}, shift / static_cast<double>(width), torch::kDouble);
  const torch::Tensor estimate = ReconstructLeft(right, disparity);
  const torch::Tensor valid = InsideMask(-disparity);
  EXPECT_EQ(valid.sum().item<int>(), 16 * (width - shift));
  EXPECT_GT(AppearanceLoss(estimate, left).item<double>(), 0.01);
  EXPECT_NEAR(MaskedAppearanceLoss(estimate, left, 0.85, valid).item<double>(),
              0.0, 1e-9);
  // With every pixel valid it is the plain loss.
  EXPECT_NEAR(
      MaskedAppearanceLoss(estimate, left, 0.85, torch::ones_like(valid))
          .item<double>(),
      AppearanceLoss(estimate, left).item<double>(), 1e-12);
}

TEST(Smoothness, StepOnFlatImageAndOnMatchingEdge) {
  // Disparity rows [0 1 1]: |dx| = [1 0] per row -> mean 0.5; dy = 0.
  const torch::Tensor disp = torch::tensor({0., 1., 1.}, torch::kDouble)
                                 .view({1, 1, 1, 3})
                                 .expand({1, 1, 3, 3})
                                 .contiguous();
  const torch::Tensor flat = torch::zeros({1, 3, 3, 3}, torch::kDouble);
  EXPECT_NEAR(EdgeAwareSmoothness(disp, flat).item<double>(), 0.5, 1e-12);
  // An image edge of height 2 where the disparity steps: weight exp(-2).
  const torch::Tensor edge = (disp * 2).expand({1, 3, 3, 3}).contiguous();
  EXPECT_NEAR(EdgeAwareSmoothness(disp, edge).item<double>(),
              0.5 * std::exp(-2.0), 1e-12);
}

TEST(LeftRightConsistency, ZeroWhenConsistentAndTheDifferenceOtherwise) {
  const torch::Tensor dl = torch::full({1, 1, 4, 20}, 0.1, torch::kDouble);
  EXPECT_NEAR(LeftConsistency(dl, dl).item<double>(), 0.0, 1e-12);
  EXPECT_NEAR(RightConsistency(dl, dl).item<double>(), 0.0, 1e-12);
  const torch::Tensor dr = torch::full({1, 1, 4, 20}, 0.15, torch::kDouble);
  EXPECT_NEAR(LeftConsistency(dl, dr).item<double>(), 0.05, 1e-12);
  // A ramp: d_r must be sampled at x - d_l, not read at x.
  // d_l = 2 px everywhere; d_r(x) = x / 200.
  const torch::Tensor ramp =
      (torch::arange(20, torch::kDouble) / 200).view({1, 1, 1, 20});
  const torch::Tensor shift =
      torch::full({1, 1, 1, 20}, 2.0 / 20, torch::kDouble);
  double expected = 0;
  for (int x = 0; x < 20; ++x) {
    const int source = std::max(0, x - 2);  // clamped at the border
    expected += std::abs(0.1 - source / 200.0) / 20;
  }
  EXPECT_NEAR(LeftConsistency(shift, ramp).item<double>(), expected, 1e-12);
}

TEST(Deep3dTerms, MaxProbabilityAndCumulativeSmoothness) {
  const torch::Tensor uniform = torch::full({1, 4, 2, 2}, 0.25);
  EXPECT_NEAR(MaxProbabilityLoss(uniform).item<double>(), 0.5625, 1e-6);
  // One-hot at plane 1 on the left, plane 3 on the right of one row: the
  // cumulative sums differ by 2 = the jump in plane index (supplement eq. 2).
  torch::Tensor probs = torch::zeros({1, 4, 1, 2});
  probs[0][1][0][0] = 1;
  probs[0][3][0][1] = 1;
  EXPECT_NEAR(MaxProbabilityLoss(probs).item<double>(), 0.0, 1e-7);
  EXPECT_NEAR(CumulativeSmoothness(probs).item<double>(), 2.0, 1e-6);
}

TEST(Deep3dTerms, OneHotPlanesReduceToAShift) {
  torch::manual_seed(2);
  const torch::Tensor image = torch::rand({1, 3, 5, 16});
  const torch::Tensor planes = torch::tensor({0.f, 1.f / 16, 2.f / 16});
  torch::Tensor probs = torch::zeros({1, 3, 5, 16});
  probs.narrow(1, 2, 1).fill_(1);
  const torch::Tensor synthesized =
      SynthesizeFromPlanes(image, probs, planes, +1.0);
  // Plane 2 = 2 px: right(x) = left(x + 2).
  EXPECT_TRUE(torch::allclose(synthesized.narrow(3, 0, 14),
                              image.narrow(3, 2, 14), 1e-5, 1e-6));
}

TEST(Supervised, IgnoresUnknownPixels) {
  const torch::Tensor pred = torch::full({1, 1, 1, 4}, 0.5);
  const torch::Tensor gt =
      torch::tensor({0.5f, 0.3f, NAN, NAN}).view({1, 1, 1, 4});
  EXPECT_NEAR(SupervisedDisparityLoss(pred, gt).item<double>(), 0.1, 1e-6);
  const torch::Tensor none = torch::full({1, 1, 1, 4}, NAN);
  EXPECT_EQ(SupervisedDisparityLoss(pred, none).item<double>(), 0.0);
}

TEST(ScaleShiftInvariant, IgnoresScaleAndShiftButNotLayout) {
  torch::manual_seed(3);
  const torch::Tensor gt = 0.02 + 0.1 * torch::rand({2, 1, 16, 24});
  // Any positive scale and any shift, different per image: zero loss.
  const torch::Tensor scale = torch::tensor({3.0f, 0.2f}).view({2, 1, 1, 1});
  const torch::Tensor shift = torch::tensor({-0.5f, 7.0f}).view({2, 1, 1, 1});
  EXPECT_LT(ScaleShiftInvariantLoss(scale * gt + shift, gt).item<double>(),
            1e-4);
  // The near-far order reversed is the worst case; noise lies between.
  const double reversed = ScaleShiftInvariantLoss(-gt, gt).item<double>();
  const double noisy =
      ScaleShiftInvariantLoss(gt + 0.005 * torch::randn_like(gt), gt)
          .item<double>();
  EXPECT_GT(noisy, 0.05);
  EXPECT_GT(reversed, 4 * noisy);
  // The absolute L1 does not forgive a scale the invariant term forgives.
  EXPECT_GT(SupervisedDisparityLoss(3.0 * gt, gt).item<double>(), 0.05);
}

using SupervisedTerm = torch::Tensor (*)(const torch::Tensor& disparity,
                                         const torch::Tensor& gt);

// A supervised term sees only pixels with finite truth (no value and no
// gradient from the others), and images without usable truth count zero.
void ExpectOnlyKnownPixelsCount(SupervisedTerm term, uint64_t seed,
                                double tolerance) {
  torch::manual_seed(seed);
  const torch::Tensor gt = 0.05 + 0.1 * torch::rand({2, 1, 16, 16});
  torch::Tensor partial = gt.clone();
  partial.narrow(3, 8, 8).fill_(NAN);  // right half unknown
  partial[1].fill_(NAN);               // second image unknown throughout
  torch::Tensor pred = (2 * gt + 1).clone().requires_grad_(true);
  {
    torch::NoGradGuard no_grad;
    pred.narrow(3, 8, 8).uniform_(-50, 50);  // garbage where GT is unknown
  }
  const torch::Tensor loss = term(pred, partial);
  EXPECT_LT(loss.item<double>(), tolerance);
  loss.backward();
  EXPECT_TRUE(torch::isfinite(pred.grad()).all().item<bool>());
  EXPECT_EQ(pred.grad().narrow(3, 8, 8).abs().sum().item<double>(), 0.0);
  // Flat ground truth and no ground truth give zero, not NaN.
  EXPECT_EQ(term(gt, torch::full_like(gt, 0.1)).item<double>(), 0.0);
  EXPECT_EQ(term(gt, torch::full_like(gt, NAN)).item<double>(), 0.0);
}

TEST(ScaleShiftInvariant, UsesOnlyKnownPixelsAndSkipsEmptyImages) {
  ExpectOnlyKnownPixelsCount(&ScaleShiftInvariantLoss, 4, 1e-5);
}

// A vertical depth step: disparity `near` left of column `edge`, `far` right.
torch::Tensor StepDisparity(int h, int w, int edge, float near, float far) {
  torch::Tensor d = torch::full({1, 1, h, w}, far);
  d.narrow(3, 0, edge).fill_(near);
  return d;
}

TEST(GradientMatching, ZeroForAnyScaleAndShiftOfTheTruth) {
  torch::manual_seed(5);
  const torch::Tensor gt = 0.02 + 0.1 * torch::rand({2, 1, 16, 24});
  const torch::Tensor scale = torch::tensor({3.0f, 0.2f}).view({2, 1, 1, 1});
  const torch::Tensor shift = torch::tensor({-0.5f, 7.0f}).view({2, 1, 1, 1});
  EXPECT_LT(GradientMatchingLoss(scale * gt + shift, gt).item<double>(), 1e-4);
  EXPECT_GT(GradientMatchingLoss(-gt, gt).item<double>(), 0.5);
}

// The step blurred over `width` columns (a box filter, edges replicated).
torch::Tensor Smeared(const torch::Tensor& d, int width) {
  namespace F = torch::nn::functional;
  const int half = width / 2;
  return torch::avg_pool2d(
      F::pad(d, F::PadFuncOptions({half, half, 0, 0}).mode(torch::kReplicate)),
      {1, width}, {1, 1});
}

TEST(GradientMatching, PunishesASmearedDepthEdge) {
  const torch::Tensor gt = StepDisparity(32, 64, 32, 0.2f, 0.05f);
  const torch::Tensor blurred = Smeared(gt, 15);
  ASSERT_EQ(blurred.sizes(), gt.sizes());
  // The sharp step at another scale and shift costs nothing, its smear does.
  EXPECT_LT(GradientMatchingLoss(0.5 * gt + 1, gt).item<double>(), 1e-5);
  const double smear = GradientMatchingLoss(blurred, gt).item<double>();
  EXPECT_GT(smear, 0.05);
  // A smear is not forgiven for being narrow: a third of the width still
  // costs over half as much.
  EXPECT_GT(GradientMatchingLoss(Smeared(gt, 5), gt).item<double>(),
            0.5 * smear);
}

TEST(GradientMatching, UsesOnlyKnownPixelsAndSkipsEmptyImages) {
  ExpectOnlyKnownPixelsCount(
      [](const torch::Tensor& d, const torch::Tensor& gt) {
        return GradientMatchingLoss(d, gt);
      },
      6, 1e-4);
  const torch::Tensor gt = torch::rand({1, 1, 8, 8});
  EXPECT_THROW(GradientMatchingLoss(gt, gt, 0), std::logic_error);
}

}  // namespace
}  // namespace parallax
