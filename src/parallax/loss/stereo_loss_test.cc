#include "parallax/loss/stereo_loss.h"

#include <functional>
#include <string>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "parallax/loss/synthetic_views.h"
#include "parallax/loss/terms.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

DisparityPyramid RandomPyramid(int height, int width) {
  DisparityPyramid p;
  for (int s = 0; s < 4; ++s) {
    p.left.push_back(torch::rand({1, 1, height >> s, width >> s}) * 0.05);
    p.right.push_back(torch::rand({1, 1, height >> s, width >> s}) * 0.05);
  }
  return p;
}

TEST(StereoLoss, SmoothnessIsDividedByTheScaleFactor) {
  torch::manual_seed(0);
  const auto pair = testing::MakeSlantedPlanePair(32, 64);
  const DisparityPyramid p = RandomPyramid(32, 64);
  const StereoLoss loss =
      ComputeStereoLoss(p, pair.left, pair.right, {}, {}, LossWeights{});
  const auto left_2 = ImagePyramid(pair.left, p.left)[2];
  const auto right_2 = ImagePyramid(pair.right, p.left)[2];
  const double expected = 0.1 / 4 *
                          (EdgeAwareSmoothness(p.left[2], left_2) +
                           EdgeAwareSmoothness(p.right[2], right_2))
                              .item<double>();
  EXPECT_NEAR(loss.terms.at("smoothness/s2"), expected, 1e-7);
  double sum = 0;
  for (const char* name : {"appearance", "smoothness", "lr_consistency"}) {
    sum += loss.terms.at(name);
  }
  EXPECT_NEAR(loss.total.item<double>(), sum, 1e-5);
  EXPECT_EQ(loss.terms.count("supervised"), 0u);
}

// The border mask is wired to both views with their own signs: with the
// true disparity of a shifted pair, each view's only error is its border
// strip (left view: left strip, right view: right strip), and the masked
// loss leaves exactly that out.
TEST(StereoLoss, BorderMaskLeavesOutBothViewsBorderStrips) {
  torch::manual_seed(2);
  const int64_t width = 64, shift = 5;
  const torch::Tensor scene = torch::rand({1, 3, 16, width + shift});
  DisparityPyramid p;
  p.left = {torch::full({1, 1, 16, width}, shift / double(width))};
  p.right = p.left;
  const torch::Tensor left = scene.narrow(3, 0, width);
  const torch::Tensor right = scene.narrow(3, shift, width);
  LossWeights weights;
  weights.num_scales = 1;
  const double plain =
      ComputeStereoLoss(p, left, right, {}, {}, weights).terms.at("appearance");
  weights.mask_borders = true;
  const double masked =
      ComputeStereoLoss(p, left, right, {}, {}, weights).terms.at("appearance");
  EXPECT_GT(plain, 0.02);
  EXPECT_LT(masked, 1e-5);
}

TEST(StereoLoss, GradientDescentFindsTheTrueDisparityAndSign) {
  // A fronto-parallel plane 4 px away: optimising free disparity maps
  // through the loss alone must land on +4 px for both views.
  const int width = 96;
  const auto pair = testing::MakeSlantedPlanePair(24, width, 4.0, 0.0, 0.0);
  torch::Tensor dl =
      torch::full({1, 1, 24, width}, 1.0 / width).requires_grad_(true);
  torch::Tensor dr =
      torch::full({1, 1, 24, width}, 1.0 / width).requires_grad_(true);
  torch::optim::Adam optimizer({dl, dr}, torch::optim::AdamOptions(2e-4));
  LossWeights weights;
  weights.num_scales = 1;
  double first = 0, last = 0;
  for (int step = 0; step < 300; ++step) {
    DisparityPyramid p;
    p.left = {dl};
    p.right = {dr};
    const StereoLoss loss =
        ComputeStereoLoss(p, pair.left, pair.right, {}, {}, weights);
    if (step == 0) first = loss.total.item<double>();
    last = loss.total.item<double>();
    optimizer.zero_grad();
    loss.total.backward();
    optimizer.step();
  }
  EXPECT_LT(last, 0.3 * first);
  const auto interior = [&](const torch::Tensor& d) {
    return d.detach().narrow(3, 10, width - 20).mean().item<double>() * width;
  };
  EXPECT_NEAR(interior(dl), 4.0, 0.5);
  EXPECT_NEAR(interior(dr), 4.0, 0.5);
}

TEST(StereoLoss, Deep3dPrefersTheTruePlane) {
  const int width = 64;
  const auto pair = testing::MakeSlantedPlanePair(16, width, 3.0, 0.0, 0.0);
  const torch::Tensor planes = torch::arange(8, torch::kFloat32) / width;
  auto loss_for_plane = [&](int k) {
    DisparityPyramid p;
    torch::Tensor probs = torch::zeros({1, 8, 16, width});
    probs.narrow(1, k, 1).fill_(1);
    p.left = {probs.narrow(1, 0, 1)};
    p.right = {probs.narrow(1, 0, 1)};
    p.left_probs = {probs};
    p.right_probs = {probs};
    LossWeights weights;
    weights.num_scales = 1;
    return ComputeStereoLoss(p, pair.left, pair.right, {}, planes, weights)
        .terms.at("appearance");
  };
  const double at_truth = loss_for_plane(3);
  for (int k : {0, 1, 5, 7}) EXPECT_LT(at_truth, loss_for_plane(k)) << k;
}

TEST(StereoLoss, SupervisedTermUsesGroundTruth) {
  const auto pair = testing::MakeSlantedPlanePair(32, 64);
  const DisparityPyramid p = RandomPyramid(32, 64);
  LossWeights weights;
  weights.supervised = 2.0;
  const torch::Tensor gt = torch::full({1, 1, 32, 64}, 0.5);
  const StereoLoss loss =
      ComputeStereoLoss(p, pair.left, pair.right, gt, {}, weights);
  EXPECT_NEAR(loss.terms.at("supervised"),
              2.0 * (0.5 - p.left[0]).abs().mean().item<double>(), 1e-6);
}

// Setting `weight` (a LossWeights member) to 3 adds 3 * term(left[0], GT)
// to the total, reported under `name`.
void ExpectTermEntersTheTotal(
    double LossWeights::*weight, const std::string& name,
    const std::function<torch::Tensor(const torch::Tensor&,
                                      const torch::Tensor&)>& term) {
  const auto pair = testing::MakeSlantedPlanePair(32, 64);
  const DisparityPyramid p = RandomPyramid(32, 64);
  LossWeights weights;
  const torch::Tensor gt = 0.01 + 0.1 * torch::rand({1, 1, 32, 64});
  const double without =
      ComputeStereoLoss(p, pair.left, pair.right, gt, {}, weights)
          .terms.at("total");
  weights.*weight = 3.0;
  const StereoLoss loss =
      ComputeStereoLoss(p, pair.left, pair.right, gt, {}, weights);
  const double expected = 3.0 * term(p.left[0], gt).item<double>();
  EXPECT_GT(expected, 0.1);
  EXPECT_NEAR(loss.terms.at(name), expected, 1e-5);
  EXPECT_NEAR(loss.terms.at("total"), without + expected, 1e-4);
  weights.*weight = -1;
  EXPECT_THROW(weights.Check(), Error);
}

TEST(StereoLoss, InvariantSupervisedTermEntersTheTotal) {
  ExpectTermEntersTheTotal(&LossWeights::supervised_invariant,
                           "supervised_invariant", ScaleShiftInvariantLoss);
}

TEST(StereoLoss, GradientMatchingTermEntersTheTotal) {
  ExpectTermEntersTheTotal(&LossWeights::supervised_gradient,
                           "supervised_gradient",
                           [](const torch::Tensor& d, const torch::Tensor& gt) {
                             return GradientMatchingLoss(d, gt);
                           });
}

}  // namespace
}  // namespace parallax
