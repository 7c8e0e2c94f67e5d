#include "parallax/model/depth_anything.h"

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "parallax/model/depth_anything_file.h"
#include "parallax/testing/testing.h"
#include "parallax/testing/torch_archive.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

std::string Shape(at::IntArrayRef sizes) {
  std::string out = "[";
  for (size_t i = 0; i < sizes.size(); ++i) {
    out += (i ? ", " : "") + std::to_string(sizes[i]);
  }
  return out + "]";
}

fs::path Fixture(const std::string& name) {
  const auto dir = testing::DepthAnythingFixtureDir();
  return dir ? *dir / name : fs::path();
}

#define REQUIRE_FIXTURES()                                              \
  if (!testing::DepthAnythingFixtureDir()) {                            \
    GTEST_SKIP() << "../shared/fixtures/depth-anything-v2 is not here"; \
  }

TEST(DepthAnythingTest, VitSHasExactlyTheKeysAndShapesOfTheOfficialModel) {
  REQUIRE_FIXTURES();
  std::map<std::string, std::string> expected;
  std::ifstream in(Fixture("vits_state_dict.txt"));
  std::string line;
  while (std::getline(in, line)) {
    const size_t space = line.find(' ');
    expected[line.substr(0, space)] = line.substr(space + 1);
  }
  ASSERT_EQ(expected.size(), 239u);

  DepthAnythingV2 net(
      DepthAnythingConfig::Official(DepthAnythingEncoder::kVitS));
  std::map<std::string, std::string> ours;
  for (const auto& p : net->named_parameters()) {
    ours[p.key()] = Shape(p.value().sizes());
  }
  for (const auto& b : net->named_buffers())
    ours[b.key()] = Shape(b.value().sizes());
  EXPECT_EQ(ours, expected);
  // 24.8 M parameters, as published.
  EXPECT_NEAR(net->NumParameters() / 1e6, 24.8, 0.05);
}

TEST(DepthAnythingTest, OfficialConfigurationsHaveThePublishedWidths) {
  const auto b = DepthAnythingConfig::Official(DepthAnythingEncoder::kVitB);
  EXPECT_EQ(b.vit.embed_dim, 768);
  EXPECT_EQ(b.vit.num_heads, 12);
  EXPECT_EQ(b.dpt.features, 128);
  EXPECT_EQ(b.dpt.out_channels, (std::array<int, 4>{96, 192, 384, 768}));
  EXPECT_EQ(b.layers, (std::vector<int>{2, 5, 8, 11}));
  const auto l = DepthAnythingConfig::Official(DepthAnythingEncoder::kVitL);
  EXPECT_EQ(l.vit.embed_dim, 1024);
  EXPECT_EQ(l.vit.depth, 24);
  EXPECT_EQ(l.layers, (std::vector<int>{4, 11, 17, 23}));
  EXPECT_EQ(l.dpt.out_channels, (std::array<int, 4>{256, 512, 1024, 1024}));
  EXPECT_EQ(
      DepthAnythingConfig::Official(DepthAnythingEncoder::kVitS).Licence(),
      "Apache-2.0");
  EXPECT_NE(b.Licence().find("CC-BY-NC-4.0"), std::string::npos);
  EXPECT_NE(l.Licence().find("CC-BY-NC-4.0"), std::string::npos);
}

TEST(DepthAnythingTest, RecognisesTheReducedFixture) {
  REQUIRE_FIXTURES();
  const LoadedDepthAnything model = LoadDepthAnything(Fixture("tiny.pth"));
  const DepthAnythingConfig& c = model.config;
  EXPECT_EQ(c.encoder, DepthAnythingEncoder::kCustom);
  EXPECT_EQ(c.vit.embed_dim, 48);
  EXPECT_EQ(c.vit.depth, 12);
  EXPECT_EQ(c.vit.num_heads, 3);  // from tiny.json beside it
  EXPECT_EQ(c.vit.img_size, 518);
  EXPECT_EQ(c.dpt.features, 16);
  EXPECT_EQ(c.dpt.out_channels, (std::array<int, 4>{12, 24, 48, 48}));
  EXPECT_FALSE(c.metric);
  EXPECT_EQ(model.stored_dtype, "float32");
}

// The port computes what the official code computes: tiny.pth on the
// normalised 154x210 input (an 11x15 patch grid, so the positional
// embedding is resampled) gives forward_output.npy.
TEST(DepthAnythingTest, ReproducesTheOfficialForwardPass) {
  REQUIRE_FIXTURES();
  LoadedDepthAnything model = LoadDepthAnything(Fixture("tiny.pth"));
  const torch::Tensor input =
      testing::ReadNpyTensor(Fixture("forward_input.npy"));
  const torch::Tensor expected =
      testing::ReadNpyTensor(Fixture("forward_output.npy"));
  torch::NoGradGuard no_grad;
  const torch::Tensor output = model.net->forward(input);
  ASSERT_EQ(output.sizes(), expected.sizes());
  const double max_error = (output - expected).abs().max().item<double>();
  EXPECT_LT(max_error, 1e-4);
  std::cout << "max abs error " << max_error << "\n";
  // Not trivially zero: the fixture's outputs vary.
  EXPECT_GT(expected.std().item<double>(), 0.02);
}

TEST(DepthAnythingTest, PositionalEmbeddingResamplesOnlyOtherGrids) {
  VitConfig config;
  config.embed_dim = 8;
  config.num_heads = 2;
  config.depth = 1;
  VisionTransformer vit(config);
  torch::NoGradGuard no_grad;
  const torch::Tensor same = vit->PositionalEmbedding(37, 37, torch::kFloat32);
  EXPECT_TRUE(same.equal(vit->named_parameters()["pos_embed"]));
  const torch::Tensor other = vit->PositionalEmbedding(11, 15, torch::kFloat32);
  EXPECT_EQ(other.sizes(), (std::vector<int64_t>{1, 1 + 11 * 15, 8}));
  // The class token's embedding is never resampled.
  EXPECT_TRUE(other[0][0].equal(same[0][0]));
  // A constant table stays constant (bicubic weights sum to one).
  vit->named_parameters()["pos_embed"].fill_(0.5);
  const torch::Tensor flat = vit->PositionalEmbedding(20, 9, torch::kFloat32);
  EXPECT_NEAR(flat.min().item<double>(), 0.5, 1e-6);
  EXPECT_NEAR(flat.max().item<double>(), 0.5, 1e-6);
}

TEST(DepthAnythingTest, HalfPrecisionFilesLoadAsTheirFloatValues) {
  REQUIRE_FIXTURES();
  testing::TempDir dir;
  const StateDict weights = ReadTorchStateDict(Fixture("tiny.pth"));
  std::vector<std::pair<std::string, torch::Tensor>> half;
  for (const auto& [key, tensor] : weights.entries) {
    half.emplace_back(key, tensor.to(torch::kFloat16));
  }
  testing::WriteStateDictArchive(dir / "tiny.pth", half);
  fs::copy_file(Fixture("tiny.json"), dir / "tiny.json");
  const LoadedDepthAnything loaded = LoadDepthAnything(dir / "tiny.pth");
  EXPECT_EQ(loaded.stored_dtype, "float16");
  const auto params = loaded.net->named_parameters();
  for (const auto& [key, tensor] : half) {
    EXPECT_TRUE(params[key].equal(tensor.to(torch::kFloat32))) << key;
  }
}

TEST(DepthAnythingTest, MetricModelsEndInScaledSigmoid) {
  DepthAnythingConfig config;
  config.encoder = DepthAnythingEncoder::kCustom;
  config.vit.embed_dim = 16;
  config.vit.num_heads = 2;
  config.vit.depth = 4;
  config.layers = {0, 1, 2, 3};
  config.dpt.in_channels = 16;
  config.dpt.features = 8;
  config.dpt.out_channels = {4, 8, 8, 8};
  config.metric = true;
  config.max_depth = 20;
  DepthAnythingV2 net(config);
  torch::NoGradGuard no_grad;
  const torch::Tensor out = net->forward(torch::randn({1, 3, 28, 42}));
  EXPECT_EQ(out.sizes(), (std::vector<int64_t>{1, 28, 42}));
  EXPECT_GT(out.min().item<double>(), 0.0);
  EXPECT_LT(out.max().item<double>(), 20.0);
  EXPECT_NE(config.DisplayName().find("Metric"), std::string::npos);
}

}  // namespace
}  // namespace parallax

namespace parallax {
namespace {

// The parity test can fail: the same weights with DINOv2's 0.1 offset
// dropped from the positional-embedding resampling miss the official output.
TEST(DepthAnythingTest, ParityNeedsTheInterpolationOffset) {
  const auto dir = testing::DepthAnythingFixtureDir();
  if (!dir) GTEST_SKIP();
  testing::TempDir temp;
  std::filesystem::copy_file(*dir / "tiny.pth", temp / "tiny.pth");
  std::ofstream(temp / "tiny.json")
      << R"({"num_heads": 3, "interpolate_offset": 0.0})";
  LoadedDepthAnything model = LoadDepthAnything(temp / "tiny.pth");
  torch::NoGradGuard no_grad;
  const torch::Tensor output =
      model.net->forward(testing::ReadNpyTensor(*dir / "forward_input.npy"));
  const torch::Tensor expected =
      testing::ReadNpyTensor(*dir / "forward_output.npy");
  const double max_error = (output - expected).abs().max().item<double>();
  std::cout << "without the offset: max abs error " << max_error << "\n";
  EXPECT_GT(max_error, 1e-3);
}

}  // namespace
}  // namespace parallax
