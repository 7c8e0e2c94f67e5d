#include "parallax/model/model_average.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "parallax/testing/testing.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

ModelConfig Small() {
  ModelConfig config;
  config.width = 0.125;
  config.train_width = 128;
  config.train_height = 64;
  return config;
}

// Saves a network of `config` whose every weight is `value`.
std::filesystem::path SaveConstant(const testing::TempDir& dir,
                                   const std::string& name,
                                   const ModelConfig& config, float value) {
  DepthNet net(config);
  torch::NoGradGuard no_grad;
  for (auto& p : net->parameters()) p.fill_(value);
  const std::filesystem::path path = dir / name;
  SaveModel(path, net);
  return path;
}

TEST(ModelAverage, UniformAndWeightedMeansOfEveryWeight) {
  testing::TempDir dir;
  const auto a = SaveConstant(dir, "a.plx", Small(), 1.0f);
  const auto b = SaveConstant(dir, "b.plx", Small(), 4.0f);
  const auto c = SaveConstant(dir, "c.plx", Small(), -2.0f);

  AveragedModel uniform = AverageModels({a, b, c});
  for (const auto& p : uniform.net->parameters()) {
    ASSERT_TRUE(torch::allclose(p, torch::full_like(p, 1.0)));
  }
  // Weights 1,1,2 normalise to 0.25,0.25,0.5: 0.25 + 1 - 1 = 0.25.
  AveragedModel weighted = AverageModels({a, b, c}, {1, 1, 2});
  EXPECT_DOUBLE_EQ(weighted.weights[2], 0.5);
  for (const auto& p : weighted.net->parameters()) {
    ASSERT_TRUE(torch::allclose(p, torch::full_like(p, 0.25)));
  }
}

// Two different random networks: every weight of the average is the mean
// of the weights of the same name, so no weight is paired with another.
TEST(ModelAverage, EachWeightIsTheMeanOfTheWeightsOfItsName) {
  testing::TempDir dir;
  torch::manual_seed(1);
  DepthNet a(Small());
  torch::manual_seed(2);
  DepthNet b(Small());
  SaveModel(dir / "a.plx", a);
  SaveModel(dir / "b.plx", b);
  AveragedModel mean = AverageModels({dir / "a.plx", dir / "b.plx"}, {3, 1});
  const auto wa = a->named_parameters(), wb = b->named_parameters();
  size_t checked = 0;
  for (const auto& item : mean.net->named_parameters()) {
    const torch::Tensor expected =
        0.75 * wa[item.key()].detach() + 0.25 * wb[item.key()].detach();
    ASSERT_TRUE(torch::allclose(item.value(), expected, 1e-5, 1e-6))
        << item.key();
    ++checked;
  }
  EXPECT_EQ(checked, wa.size());
  EXPECT_GT(checked, 20u);
}

TEST(ModelAverage, AveragingAModelWithItselfKeepsItsOutputs) {
  testing::TempDir dir;
  torch::manual_seed(5);
  DepthNet net(Small());
  net->eval();
  SaveModel(dir / "m.plx", net);
  AveragedModel same = AverageModels({dir / "m.plx", dir / "m.plx"});
  const torch::Tensor input = torch::rand({1, 3, 64, 128});
  EXPECT_TRUE(torch::allclose(same.net->forward(input).left[0],
                              net->forward(input).left[0], 1e-5, 1e-6));
}

TEST(ModelAverage, RejectsOtherArchitecturesAndBadWeights) {
  testing::TempDir dir;
  const auto a = SaveConstant(dir, "a.plx", Small(), 1.0f);
  ModelConfig wider = Small();
  wider.width = 0.25;
  const auto b = SaveConstant(dir, "b.plx", wider, 1.0f);
  ModelConfig signed_config = Small();
  signed_config.disparity_mode = DisparityMode::kSigned;
  const auto s = SaveConstant(dir, "s.plx", signed_config, 1.0f);
  // A training size of its own is fine: only the architecture must match.
  ModelConfig resized = Small();
  resized.train_width = 256;
  const auto r = SaveConstant(dir, "r.plx", resized, 3.0f);

  EXPECT_THROW(AverageModels({a, b}), Error);
  EXPECT_THROW(AverageModels({a, s}), Error);
  EXPECT_EQ(AverageModels({a, r}).config.train_width, 128);
  EXPECT_THROW(AverageModels({a, a}, {1}), Error);
  EXPECT_THROW(AverageModels({a, a}, {1, -1}), Error);
  EXPECT_THROW(AverageModels({a, a}, {0, 0}), Error);
  EXPECT_THROW(AverageModels({a, dir / "missing.plx"}), Error);
  EXPECT_THROW(AverageModels({}), Error);
}

}  // namespace
}  // namespace parallax
