#include "parallax/train/weight_average.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "parallax/testing/testing.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

DepthNet TinyNet(uint64_t seed) {
  torch::manual_seed(seed);
  ModelConfig config;
  config.width = 0.125;
  return DepthNet(config);
}

void Fill(DepthNet& net, double value) {
  torch::NoGradGuard no_grad;
  for (torch::Tensor& p : net->parameters()) p.fill_(value);
}

// Largest |averaged - value| over all weights.
double MaxDistance(DepthNet& net, double value) {
  double worst = 0;
  for (const torch::Tensor& p : net->parameters()) {
    worst = std::max(worst, (p - value).abs().max().item<double>());
  }
  return worst;
}

TEST(WeightAverageTest, EarlyUpdatesForgetTheStartQuickly) {
  EXPECT_DOUBLE_EQ(WeightAverage::DecayAt(0.999, 1), 2.0 / 11.0);
  EXPECT_DOUBLE_EQ(WeightAverage::DecayAt(0.999, 90), 91.0 / 100.0);
  EXPECT_DOUBLE_EQ(WeightAverage::DecayAt(0.999, 100000), 0.999);
  EXPECT_DOUBLE_EQ(WeightAverage::DecayAt(0.0, 5), 0.0);
}

TEST(WeightAverageTest, FollowsTheExponentialMovingAverage) {
  DepthNet net = TinyNet(1);
  Fill(net, 0.0);
  WeightAverage average(net, 0.5);
  EXPECT_LT(MaxDistance(average.averaged(), 0.0), 1e-12);
  Fill(net, 1.0);
  average.Update(net);  // d = 2/11: 0 -> 9/11
  EXPECT_LT(MaxDistance(average.averaged(), 9.0 / 11.0), 1e-6);
  Fill(net, 3.0);
  average.Update(net);  // d = min(0.5, 3/12) = 0.25
  EXPECT_LT(MaxDistance(average.averaged(), 0.25 * 9.0 / 11.0 + 0.75 * 3.0),
            1e-6);
  Fill(net, 0.0);
  for (int k = 3; k <= 10; ++k) average.Update(net);  // d = 0.5 from k = 8
  EXPECT_EQ(average.updates(), 10);
  double expected = 0.25 * 9.0 / 11.0 + 0.75 * 3.0;
  for (int k = 3; k <= 10; ++k) expected *= WeightAverage::DecayAt(0.5, k);
  EXPECT_LT(MaxDistance(average.averaged(), expected), 1e-6);
  // The trained network is left alone.
  EXPECT_LT(MaxDistance(net, 0.0), 1e-12);
}

TEST(WeightAverageTest, SerializedStateRestoresTheSameAverage) {
  DepthNet net = TinyNet(2);
  WeightAverage average(net, 0.9);
  Fill(net, 0.5);
  for (int k = 0; k < 4; ++k) average.Update(net);
  const std::string bytes = average.Serialize();

  DepthNet other = TinyNet(3);
  WeightAverage restored(other, 0.9);
  restored.Deserialize(bytes);
  EXPECT_EQ(restored.updates(), 4);
  const auto a = average.averaged()->parameters();
  const auto b = restored.averaged()->parameters();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i]));
  // The next update continues the same schedule.
  average.Update(net);
  restored.Update(net);
  EXPECT_TRUE(torch::equal(average.averaged()->parameters()[0],
                           restored.averaged()->parameters()[0]));

  // A wider network cannot take these weights; garbage is an error too.
  torch::manual_seed(4);
  ModelConfig wider;
  wider.width = 0.25;
  DepthNet wide(wider);
  WeightAverage mismatched(wide, 0.9);
  EXPECT_THROW(mismatched.Deserialize(bytes), Error);
  EXPECT_THROW(restored.Deserialize("not an archive"), Error);
}

TEST(WeightAverageTest, RefusesADecayOutsideZeroToOne) {
  DepthNet net = TinyNet(5);
  EXPECT_NE(testing::ErrorOf([&] { WeightAverage(net, 1.0); }).find("--ema"),
            std::string::npos);
  EXPECT_THROW(WeightAverage(net, -0.1), Error);
}

}  // namespace
}  // namespace parallax
