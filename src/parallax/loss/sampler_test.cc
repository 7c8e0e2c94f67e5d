#include "parallax/loss/sampler.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "parallax/loss/synthetic_views.h"

namespace parallax {
namespace {

using testing::MakeSlantedPlanePair;
using testing::Psnr;

TEST(Sampler, ReconstructsTheLeftViewFromTheRight) {
  const auto pair = MakeSlantedPlanePair(48, 160);
  const torch::Tensor d_left = pair.disparity_left_px / 160.0;
  const torch::Tensor estimate = ReconstructLeft(pair.right, d_left);
  const torch::Tensor visible = InsideMask(-d_left);
  EXPECT_GT(visible.mean().item<double>(), 0.9);
  EXPECT_GT(Psnr(estimate, pair.left, visible), 40.0);
  // The opposite sign must not work: the convention is load-bearing.
  EXPECT_LT(Psnr(SampleHorizontal(pair.right, d_left), pair.left, visible),
            25.0);
}

TEST(Sampler, ReconstructsTheRightViewFromTheLeft) {
  const auto pair = MakeSlantedPlanePair(48, 160);
  const torch::Tensor d_right = pair.disparity_right_px / 160.0;
  const torch::Tensor estimate = ReconstructRight(pair.left, d_right);
  const torch::Tensor visible = InsideMask(d_right);
  EXPECT_GT(Psnr(estimate, pair.right, visible), 40.0);
  EXPECT_LT(Psnr(SampleHorizontal(pair.left, -d_right), pair.right, visible),
            25.0);
}

TEST(Sampler, IntegerShiftIsExactAndBordersClamp) {
  const torch::Tensor image =
      torch::arange(8, torch::kFloat32).view({1, 1, 1, 8});
  const torch::Tensor shift = torch::full({1, 1, 1, 8}, 2.0 / 8);  // 2 px
  const torch::Tensor out = SampleHorizontal(image, shift);
  const std::vector<float> expected = {2, 3, 4, 5, 6, 7, 7, 7};
  for (int x = 0; x < 8; ++x) {
    EXPECT_FLOAT_EQ(out[0][0][0][x].item<float>(), expected[x]) << x;
  }
  EXPECT_EQ(InsideMask(shift).sum().item<int>(), 6);
}

TEST(Sampler, HalfPixelShiftInterpolatesLinearly) {
  const torch::Tensor image =
      torch::tensor({0.f, 10.f, 20.f, 30.f}).view({1, 1, 1, 4});
  const torch::Tensor out =
      SampleHorizontal(image, torch::full({1, 1, 1, 4}, 0.5 / 4));
  EXPECT_FLOAT_EQ(out[0][0][0][0].item<float>(), 5.f);
  EXPECT_FLOAT_EQ(out[0][0][0][1].item<float>(), 15.f);
}

TEST(Sampler, NonFiniteDisparitiesDoNotCrashForwardOrBackward) {
  const torch::Tensor image = torch::rand({1, 3, 4, 16});
  torch::Tensor offset = torch::zeros({1, 1, 4, 16});
  offset[0][0][1][3] = NAN;
  offset[0][0][2][5] = INFINITY;
  offset[0][0][3][7] = -INFINITY;
  offset.requires_grad_(true);
  const torch::Tensor out = SampleHorizontal(image, offset);
  EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
  out.sum().backward();
  EXPECT_EQ(offset.grad().sizes(), offset.sizes());
}

TEST(Sampler, GradientWithRespectToDisparityMatchesFiniteDifferences) {
  const auto pair = MakeSlantedPlanePair(8, 40);
  torch::Tensor d =
      torch::full({1, 1, 8, 40}, 3.3 / 40, torch::kDouble).requires_grad_(true);
  const torch::Tensor image = pair.right.to(torch::kDouble);
  const torch::Tensor target = pair.left.to(torch::kDouble);
  auto loss_of = [&](const torch::Tensor& disp) {
    return (ReconstructLeft(image, disp) - target).pow(2).sum();
  };
  loss_of(d).backward();
  const double eps = 1e-7;
  const double numeric = (loss_of(d.detach() + eps).item<double>() -
                          loss_of(d.detach() - eps).item<double>()) /
                         (2 * eps);
  EXPECT_NEAR(d.grad().sum().item<double>(), numeric,
              1e-4 * std::max(1.0, std::abs(numeric)));
}

}  // namespace
}  // namespace parallax
