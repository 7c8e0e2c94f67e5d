#include "parallax/model/depth_net.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace parallax {
namespace {

ModelConfig Small(Architecture arch) {
  ModelConfig config;
  config.architecture = arch;
  config.width = 0.125;
  return config;
}

TEST(DepthNet, OutputsFourScalesOfLeftAndRightDisparity) {
  for (Architecture arch :
       {Architecture::kVgg, Architecture::kResNet18, Architecture::kResNet50}) {
    torch::manual_seed(0);
    DepthNet net(Small(arch));
    const DisparityPyramid out = net->forward(torch::rand({2, 3, 128, 256}));
    ASSERT_EQ(out.left.size(), 4u);
    for (int s = 0; s < 4; ++s) {
      EXPECT_EQ(out.left[s].sizes(),
                (std::vector<int64_t>{2, 1, 128 >> s, 256 >> s}))
          << ToString(arch) << " scale " << s;
      EXPECT_EQ(out.right[s].sizes(), out.left[s].sizes());
    }
  }
}

TEST(DepthNet, AcceptsSizesThatAreNotMultiplesOfTheEncoderStride) {
  DepthNet net(Small(Architecture::kVgg));
  const DisparityPyramid out = net->forward(torch::rand({1, 3, 100, 150}));
  EXPECT_EQ(out.left[0].sizes(), (std::vector<int64_t>{1, 1, 100, 150}));
}

TEST(DepthNet, DisparityRangesFollowTheMode) {
  ModelConfig config = Small(Architecture::kResNet18);
  config.max_disparity = 0.1;
  for (DisparityMode mode :
       {DisparityMode::kPositive, DisparityMode::kSigned}) {
    config.disparity_mode = mode;
    torch::manual_seed(1);
    DepthNet net(config);
    // Large inputs push the sigmoid to saturation: the range must hold.
    const DisparityPyramid out =
        net->forward(torch::randn({1, 3, 64, 128}) * 50);
    for (int s = 0; s < 4; ++s) {
      const double low = mode == DisparityMode::kSigned ? -0.1 : 0.0;
      EXPECT_GE(out.left[s].min().item<double>(), low - 1e-6);
      EXPECT_LE(out.left[s].max().item<double>(), 0.1 + 1e-6);
    }
  }
}

TEST(DepthNet, ChannelsLastGivesTheSameOutputs) {
  torch::manual_seed(6);
  DepthNet net(Small(Architecture::kResNet18));
  net->eval();
  const torch::Tensor input = torch::rand({2, 3, 64, 128});
  const torch::Tensor planar = net->forward(input).left[0];
  net->SetChannelsLast(true);
  const torch::Tensor nhwc = net->forward(input).left[0];
  EXPECT_TRUE(torch::allclose(planar, nhwc, 1e-5, 1e-6));
  EXPECT_EQ(net->named_parameters()["encoder.conv1.conv.weight"].is_contiguous(
                at::MemoryFormat::ChannelsLast),
            true);
}

TEST(DepthNet, SevenChannelInput) {
  ModelConfig config = Small(Architecture::kResNet18);
  config.input_channels = 7;
  DepthNet net(config);
  EXPECT_EQ(net->forward(torch::rand({1, 7, 64, 128})).left[0].size(3), 128);
  EXPECT_THROW(net->forward(torch::rand({1, 3, 64, 128})), std::logic_error);
}

TEST(DepthNet, Deep3dHeadGivesDistributionsOverPlanes) {
  ModelConfig config = Small(Architecture::kResNet18);
  config.head = HeadType::kDeep3d;
  config.planes = 9;
  config.disparity_mode = DisparityMode::kSigned;
  config.max_disparity = 0.2;
  DepthNet net(config);
  const DisparityPyramid out = net->forward(torch::rand({2, 3, 64, 128}));
  ASSERT_EQ(out.left_probs.size(), 4u);
  EXPECT_EQ(out.left_probs[0].size(1), 9);
  EXPECT_TRUE(torch::allclose(out.left_probs[0].sum(1),
                              torch::ones({2, 64, 128}), 1e-5, 1e-5));
  const torch::Tensor planes = net->planes();
  EXPECT_NEAR(planes[0].item<double>(), -0.2, 1e-6);
  EXPECT_NEAR(planes[8].item<double>(), 0.2, 1e-6);
  // The expected disparity is the probability-weighted plane value.
  const torch::Tensor expected =
      (out.left_probs[1] * planes.view({1, -1, 1, 1})).sum(1, true);
  EXPECT_TRUE(torch::allclose(out.left[1], expected, 1e-5, 1e-6));
}

TEST(DepthNet, ParameterCountsMatchThePublishedNetworks) {
  // Godard 2017: the VGG network has 31 M parameters; the Godard-style
  // ResNet18 in docs/design.md has 20 M.
  ModelConfig config;
  config.architecture = Architecture::kVgg;
  EXPECT_NEAR(DepthNet(config)->NumParameters() / 1e6, 31.0, 1.0);
  config.architecture = Architecture::kResNet18;
  EXPECT_NEAR(DepthNet(config)->NumParameters() / 1e6, 20.0, 1.0);
}

}  // namespace
}  // namespace parallax
