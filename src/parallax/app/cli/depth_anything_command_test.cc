// Depth Anything checkpoints through the commands users run: `depth`
// reproduces the official end-to-end call on the parity fixture, the other
// commands accept the file, `model-info` describes it, and `models` lists
// and fetches (from an HTTP server on the loopback address).
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/fetch/sha256.h"
#include "parallax/io/image_io.h"
#include "parallax/io/npy.h"
#include "parallax/testing/command_line.h"
#include "parallax/testing/loopback_http_server.h"
#include "parallax/testing/testing.h"
#include "parallax/testing/torch_archive.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class DepthAnythingCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto fixtures = testing::DepthAnythingFixtureDir();
    if (!fixtures) GTEST_SKIP() << "no ../shared/fixtures/depth-anything-v2";
    fixtures_ = *fixtures;
    // The reduced model needs its head count from tiny.json beside it.
    fs::copy_file(fixtures_ / "tiny.pth", dir_ / "tiny.pth");
    fs::copy_file(fixtures_ / "tiny.json", dir_ / "tiny.json");
    model_ = (dir_ / "tiny.pth").string();
    input_ = (fixtures_ / "input.png").string();
    setenv("PARALLAX_MODEL_DIR", (dir_.path() / "models").c_str(), 1);
    setenv("XDG_DATA_HOME", (dir_.path() / "xdg").c_str(), 1);
  }
  void TearDown() override {
    unsetenv("PARALLAX_MODEL_DIR");
    unsetenv("XDG_DATA_HOME");
  }

  fs::path fixtures_;
  testing::TempDir dir_;
  std::string model_, input_;
};

// §4 of the port: the official infer_image(input.png, input_size=154) is
// resize (cubic, short side 154, multiples of 14), network, bilinear
// upsampling with corners aligned.
TEST_F(DepthAnythingCommandTest, DepthReproducesTheOfficialEndToEndCall) {
  const fs::path out = dir_ / "d.npy";
  ASSERT_EQ(
      testing::RunCommandLine(
          RunDepth, {input_, "-o", out.string(), "--model", model_,
                     "--net-size", "154", "--upsample", "bilinear", "-q"}),
      0);
  const cv::Mat ours = ReadNpy(out);
  const torch::Tensor expected =
      testing::ReadNpyTensor(fixtures_ / "infer_image_output.npy");
  ASSERT_EQ(ours.rows, expected.size(0));
  ASSERT_EQ(ours.cols, expected.size(1));
  double max_error = 0;
  for (int y = 0; y < ours.rows; ++y) {
    for (int x = 0; x < ours.cols; ++x) {
      max_error = std::max(max_error,
                           std::abs(static_cast<double>(ours.at<float>(y, x)) -
                                    expected[y][x].item<float>()));
    }
  }
  std::cout << "max abs error against infer_image: " << max_error << "\n";
  EXPECT_LT(max_error, 1e-3);

  // WxH means a short side of min(W, H) for these models: same result.
  const fs::path out2 = dir_ / "d2.npy";
  ASSERT_EQ(
      testing::RunCommandLine(
          RunDepth, {input_, "-o", out2.string(), "--model", model_,
                     "--net-size", "210x154", "--upsample", "bilinear", "-q"}),
      0);
  EXPECT_EQ(cv::norm(ReadNpy(out2), ours, cv::NORM_INF), 0.0);
}

TEST_F(DepthAnythingCommandTest, EveryImageCommandAcceptsTheCheckpoint) {
  EXPECT_EQ(testing::RunCommandLine(
                RunDepth, {input_, "-o", (dir_ / "d.png").string(), "--model",
                           model_, "--net-size", "154", "--pp", "-q"}),
            0);
  EXPECT_EQ(ReadImage(dir_ / "d.png").size(), cv::Size(320, 240));
  EXPECT_EQ(testing::RunCommandLine(
                RunStereo, {input_, "-o", (dir_ / "s.png").string(), "--model",
                            model_, "--net-size", "154", "-q"}),
            0);
  EXPECT_TRUE(fs::exists(dir_ / "s.png"));
  EXPECT_EQ(testing::RunCommandLine(
                RunFog, {input_, "-o", (dir_ / "f.png").string(), "--model",
                         model_, "--net-size", "154", "-q"}),
            0);
  EXPECT_TRUE(fs::exists(dir_ / "f.png"));
  EXPECT_EQ(testing::RunCommandLine(
                RunDefocus,
                {input_, "-o", (dir_ / "b.png").string(), "--model", model_,
                 "--net-size", "154", "--focus", "160,120", "-q"}),
            0);
  EXPECT_TRUE(fs::exists(dir_ / "b.png"));
}

TEST_F(DepthAnythingCommandTest, ModelInfoDescribesTheCheckpoint) {
  ::testing::internal::CaptureStdout();
  ASSERT_EQ(testing::RunCommandLine(RunModelInfo, {model_}), 0);
  const std::string text = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(text.find("Depth Anything V2 custom"), std::string::npos) << text;
  EXPECT_NE(text.find("relative inverse depth"), std::string::npos);
  EXPECT_NE(text.find("licence"), std::string::npos);

  // A named official file would say its licence; a bad one is an error.
  std::ofstream(dir_ / "broken.pth") << "not weights";
  EXPECT_EQ(
      testing::RunCommandLine(RunModelInfo, {(dir_ / "broken.pth").string()}),
      kExitError);
}

TEST_F(DepthAnythingCommandTest, NamedModelNotInstalledSaysHowToFetchIt) {
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(testing::RunCommandLine(
                RunDepth, {input_, "-o", (dir_ / "d.png").string(), "--model",
                           "depth-anything-v2-small", "-q"}),
            kExitError);
  const std::string text = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(text.find("parallax models fetch depth-anything-v2-small"),
            std::string::npos)
      << text;
}

TEST_F(DepthAnythingCommandTest, FetchInstallsFromTheLoopbackServer) {
  testing::LoopbackHttpServer server;
  const std::string bytes = Slurp(fixtures_ / "tiny.pth");
  server.Serve("/good.pth", {bytes, Sha256Hex(bytes), true, 40000});
  std::string corrupt = bytes;
  corrupt[5000] ^= 0x20;
  server.Serve("/corrupt.pth", {corrupt, Sha256Hex(bytes), true, -1});
  const fs::path models = dir_ / "models";

  // A corrupt file is refused and nothing is installed.
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(
      testing::RunCommandLine(RunModels, {"fetch", "depth-anything-v2-small",
                                          "--url", server.Url("/corrupt.pth"),
                                          "--dir", models.string(), "-q"}),
      kExitError);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("SHA-256 mismatch"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(models / "depth_anything_v2_vits.pth"));

  // The connection is cut at 40 000 bytes; the second run resumes.
  const std::vector<std::string> fetch = {
      "fetch", "depth-anything-v2-small", "--url", server.Url("/good.pth"),
      "--dir", models.string(),           "-q"};
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(testing::RunCommandLine(RunModels, fetch), kExitError);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("again to resume"),
            std::string::npos);
  EXPECT_EQ(testing::RunCommandLine(RunModels, fetch), 0);
  EXPECT_EQ(Slurp(models / "depth_anything_v2_vits.pth"), bytes);
  EXPECT_EQ(server.ranges().back(), "40000-");

  // Installed: listed with its licence and checksum, and found by name.
  fs::copy_file(fixtures_ / "tiny.json",
                models / "depth_anything_v2_vits.json");
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(testing::RunCommandLine(RunModels, {"list", "--sha256"}), 0);
  const std::string listing = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(listing.find("depth-anything-v2-small"), std::string::npos)
      << listing;
  EXPECT_NE(listing.find("Apache-2.0"), std::string::npos);
  EXPECT_NE(listing.find(Sha256Hex(bytes) + " (as when installed)"),
            std::string::npos);
  // A file changed after installation is flagged.
  std::ofstream(models / "depth_anything_v2_vits.pth", std::ios::app) << "x";
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(testing::RunCommandLine(RunModels, {"--sha256"}), 0);
  EXPECT_NE(::testing::internal::GetCapturedStdout().find("CHANGED"),
            std::string::npos);
  std::ofstream(models / "depth_anything_v2_vits.pth", std::ios::trunc)
      << bytes;
  EXPECT_EQ(
      testing::RunCommandLine(
          RunDepth, {input_, "-o", (dir_ / "n.png").string(), "--model",
                     "depth-anything-v2-small", "--net-size", "154", "-q"}),
      0);
}

}  // namespace
}  // namespace parallax
