#include "parallax/model/checkpoint.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>

#include "parallax/model/checkpoint_file.h"
#include "parallax/testing/testing.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

ModelConfig Small() {
  ModelConfig config;
  config.architecture = Architecture::kResNet18;
  config.width = 0.125;
  config.disparity_mode = DisparityMode::kSigned;
  config.max_disparity = 0.07;
  config.train_width = 320;
  config.train_height = 128;
  return config;
}

TEST(Checkpoint, RoundTripGivesIdenticalOutputs) {
  testing::TempDir dir;
  torch::manual_seed(3);
  DepthNet net(Small());
  net->eval();
  const torch::Tensor input = torch::rand({1, 3, 64, 128});
  const torch::Tensor before = net->forward(input).left[0];
  SaveModelOptions options;
  options.metadata = {{"step", 7}};
  SaveModel(dir / "m.plx", net, options);
  LoadedModel loaded = LoadModel(dir / "m.plx");
  EXPECT_EQ(loaded.config.disparity_mode, DisparityMode::kSigned);
  EXPECT_EQ(loaded.config.train_width, 320);
  EXPECT_DOUBLE_EQ(loaded.config.max_disparity, 0.07);
  EXPECT_EQ(loaded.metadata["step"], 7);
  EXPECT_TRUE(torch::equal(loaded.net->forward(input).left[0], before));
}

TEST(Checkpoint, Fp16StorageIsHalfTheSizeAndClose) {
  testing::TempDir dir;
  DepthNet net(Small());
  net->eval();
  SaveModel(dir / "f32.plx", net);
  SaveModelOptions half;
  half.fp16 = true;
  SaveModel(dir / "f16.plx", net, half);
  const double ratio =
      static_cast<double>(std::filesystem::file_size(dir / "f16.plx")) /
      std::filesystem::file_size(dir / "f32.plx");
  EXPECT_LT(ratio, 0.55);
  const torch::Tensor input = torch::rand({1, 3, 64, 128});
  const torch::Tensor a = net->forward(input).left[0];
  const torch::Tensor b =
      LoadModel(dir / "f16.plx").net->forward(input).left[0];
  EXPECT_LT((a - b).abs().max().item<double>(), 1e-3);
}

TEST(Checkpoint, MismatchedWeightsAreAClearError) {
  testing::TempDir dir;
  DepthNet net(Small());
  SaveModel(dir / "m.plx", net);
  // Rewrite the description to claim a wider network than the weights.
  CheckpointFile file = ReadCheckpointFile(dir / "m.plx");
  file.model["width"] = 0.25;
  WriteCheckpointFile(dir / "wrong.plx", file);
  try {
    LoadModel(dir / "wrong.plx");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("shape"), std::string::npos)
        << e.what();
  }
}

// Found while writing fuzz/checkpoint_fuzzer (its replay shows the ASan
// report): a weight stored with a dtype SaveModel never writes ("bytes",
// "int64") was copied with its own byte count into a float32 tensor of the
// network's shape: a heap overflow.
TEST(Checkpoint, WeightsOfOtherDtypesAreRefused) {
  testing::TempDir dir;
  DepthNet net(Small());
  SaveModel(dir / "m.plx", net);
  for (const std::string dtype : {"bytes", "int64"}) {
    CheckpointFile file = ReadCheckpointFile(dir / "m.plx");
    CheckpointBlob& weight = file.blobs.front();
    ASSERT_EQ(weight.name.rfind("weights/", 0), 0u);
    weight.dtype = dtype;
    weight.data += weight.data;  // 8 bytes per element, as int64 has
    WriteCheckpointFile(dir / "hostile.plx", file);
    try {
      LoadModel(dir / "hostile.plx");
      FAIL() << dtype;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("is stored as " + dtype),
                std::string::npos)
          << e.what();
    }
  }
}

// Found by fuzz/checkpoint_fuzzer: the model description's integers were read
// with nlohmann's get<int>(), a plain cast of a JSON float (undefined for
// 2e+120) and a truncation of a large integer.
TEST(Checkpoint, ModelDescriptionIntegersMustBeInts) {
  testing::TempDir dir;
  DepthNet net(Small());
  SaveModel(dir / "m.plx", net);
  for (const nlohmann::json& planes :
       {nlohmann::json(2e120), nlohmann::json(1.5),
        nlohmann::json(int64_t{1} << 40), nlohmann::json("32")}) {
    CheckpointFile file = ReadCheckpointFile(dir / "m.plx");
    file.model["planes"] = planes;
    WriteCheckpointFile(dir / "bad.plx", file);
    try {
      LoadModel(dir / "bad.plx");
      FAIL() << planes.dump();
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("invalid model description"),
                std::string::npos)
          << e.what();
    }
  }
}

TEST(Checkpoint, TruncatedAndMissingFilesAreClearErrors) {
  testing::TempDir dir;
  DepthNet net(Small());
  SaveModel(dir / "m.plx", net);
  std::filesystem::resize_file(dir / "m.plx",
                               std::filesystem::file_size(dir / "m.plx") / 2);
  EXPECT_THROW(LoadModel(dir / "m.plx"), Error);
  EXPECT_THROW(LoadModel(dir / "none.plx"), Error);
}

TEST(Checkpoint, ResolveDevice) {
  EXPECT_EQ(ResolveDevice("cpu"), torch::Device(torch::kCPU));
  EXPECT_NO_THROW(ResolveDevice("auto"));
  EXPECT_THROW(ResolveDevice("tpu"), Error);
  if (!torch::cuda::is_available()) {
    EXPECT_THROW(ResolveDevice("cuda"), Error);
  }
}

}  // namespace
}  // namespace parallax
