#include "parallax/model/layers.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace parallax {
namespace {

TEST(UpConv, SubPixelPathEqualsUpsampleThenConvolve) {
  torch::manual_seed(4);
  UpConv layer(5, 7);
  const torch::Tensor x = torch::randn({2, 5, 32, 36}, torch::kDouble);
  layer->to(torch::kDouble);
  const torch::Tensor fast = layer->forward(x, {64, 72});
  const torch::Tensor reference = layer->ForwardReference(x, {64, 72});
  EXPECT_TRUE(torch::allclose(fast, reference, 1e-10, 1e-10));
}

TEST(UpConv, SubPixelPathHasTheSameGradients) {
  torch::manual_seed(5);
  UpConv layer(3, 4);
  layer->to(torch::kDouble);
  const torch::Tensor x = torch::randn({1, 3, 32, 33}, torch::kDouble);
  const torch::Tensor target = torch::randn({1, 4, 64, 66}, torch::kDouble);
  auto gradients = [&](bool fast) {
    layer->zero_grad();
    torch::Tensor y = fast ? layer->forward(x, {64, 66})
                           : layer->ForwardReference(x, {64, 66});
    (y - target).pow(2).sum().backward();
    std::vector<torch::Tensor> grads;
    for (const auto& p : layer->parameters()) grads.push_back(p.grad().clone());
    return grads;
  };
  const auto a = gradients(true);
  const auto b = gradients(false);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(torch::allclose(a[i], b[i], 1e-9, 1e-9)) << i;
  }
}

TEST(UpConv, OddTargetSizesUseTheReferencePath) {
  UpConv layer(2, 3);
  const torch::Tensor x = torch::randn({1, 2, 4, 4});
  EXPECT_EQ(layer->forward(x, {7, 9}).sizes(),
            (std::vector<int64_t>{1, 3, 7, 9}));
}

}  // namespace
}  // namespace parallax
