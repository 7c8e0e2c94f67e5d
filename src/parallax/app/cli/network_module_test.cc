// The network module (infer/network_module.h) from a program that links no
// LibTorch, as `parallax` itself: commands that run no network never load
// it, a missing module is a clear error, and the commands that need it load
// it and run. The tests run in this order in one process.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/infer/default_model.h"
#include "parallax/infer/network_module.h"
#include "parallax/io/image_io.h"
#include "parallax/testing/command_line.h"
#include "parallax/testing/testing.h"

namespace parallax {
namespace {
namespace fs = std::filesystem;

int RunQuiet(int (*command)(int, char**), std::vector<std::string> args) {
  args.push_back("--quiet");
  return testing::RunCommandLine(command, std::move(args));
}

class NetworkModuleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cv::Mat image(48, 64, CV_8UC3);
    cv::randu(image, 0, 255);
    WriteImage(photo_, image);
    cv::Mat disparity(image.size(), CV_32F, cv::Scalar(4));
    disparity(cv::Rect(20, 10, 20, 20)).setTo(12);
    WriteImage(depth_, disparity);
  }

  testing::TempDir dir_;
  fs::path photo_ = dir_ / "photo.png", depth_ = dir_ / "disp.pfm";
};

TEST(NetworkModuleCandidatesTest, TheVariableAloneElseBesideTheProgram) {
  const std::vector<fs::path> found = NetworkModuleCandidates();
  ASSERT_GE(found.size(), 3u);
  const fs::path exe = fs::read_symlink("/proc/self/exe").parent_path();
  EXPECT_EQ(found[0], (exe / "libparallax_network.so").lexically_normal());
  EXPECT_EQ(
      found[1],
      (exe / "../lib/parallax/libparallax_network.so").lexically_normal());
  ::setenv("PARALLAX_NETWORK_MODULE", "/opt/x/libparallax_network.so", 1);
  const std::vector<fs::path> given = NetworkModuleCandidates();
  ::unsetenv("PARALLAX_NETWORK_MODULE");
  EXPECT_EQ(given, std::vector<fs::path>{"/opt/x/libparallax_network.so"});
}

TEST(NetworkModuleDeepBindingTest, NotWhereTheProgramCopiedStdCerr) {
  // This program uses std::cerr, so (built -fPIE) it holds its own copy of
  // the stream, and libstdc++'s original is never constructed: deep
  // binding would hand LibTorch that one. The loader must see it.
  std::cerr << "";
  EXPECT_FALSE(NetworkModuleDeepBound());
}

TEST_F(NetworkModuleTest, EffectsWithAGivenDepthMapRunWithoutIt) {
  ASSERT_FALSE(NetworkModuleLoaded()) << "this test links no LibTorch";
  EXPECT_EQ(RunQuiet(RunDefocus,
                     {photo_.string(), "--depth", depth_.string(), "--focus",
                      "30,20", "-o", (dir_ / "soft.png").string()}),
            kExitOk);
  EXPECT_EQ(RunQuiet(RunFog, {photo_.string(), "--depth", depth_.string(), "-o",
                              (dir_ / "fog.png").string()}),
            kExitOk);
  EXPECT_EQ(
      RunQuiet(RunStereo, {photo_.string(), "--disparity", depth_.string(),
                           "-o", (dir_ / "sbs.png").string()}),
      kExitOk);
  EXPECT_TRUE(fs::exists(dir_ / "soft.png"));
  EXPECT_TRUE(fs::exists(dir_ / "fog.png"));
  EXPECT_TRUE(fs::exists(dir_ / "sbs.png"));
  EXPECT_FALSE(NetworkModuleLoaded());
}

TEST_F(NetworkModuleTest, AMissingModuleIsAClearErrorNamingWhereItLooked) {
  const fs::path missing = dir_ / "nowhere" / "libparallax_network.so";
  ::setenv("PARALLAX_NETWORK_MODULE", missing.c_str(), 1);
  ::testing::internal::CaptureStderr();
  const int code = RunQuiet(
      RunDepth, {photo_.string(), "-o", (dir_ / "depth.png").string()});
  const std::string err = ::testing::internal::GetCapturedStderr();
  ::unsetenv("PARALLAX_NETWORK_MODULE");
  EXPECT_EQ(code, kExitError);
  EXPECT_NE(err.find("network module"), std::string::npos) << err;
  EXPECT_NE(err.find(missing.string()), std::string::npos) << err;
  EXPECT_NE(err.find("PARALLAX_NETWORK_MODULE"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(dir_ / "depth.png"));
  EXPECT_FALSE(NetworkModuleLoaded());
}

TEST_F(NetworkModuleTest, NetworkCommandsLoadItAndRun) {
  // The build tree's module, found without being told where.
  const fs::path out = dir_ / "depth.pfm";
  ASSERT_EQ(RunQuiet(RunDepth, {photo_.string(), "-o", out.string()}), kExitOk);
  EXPECT_TRUE(NetworkModuleLoaded());
  const cv::Mat depth = ReadImage(out, ReadMode::kFloat1);
  EXPECT_EQ(depth.size(), cv::Size(64, 48));
  // A command that lives inside the module.
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(
      testing::RunCommandLine(RunModelInfo, {FindDefaultModel().string()}),
      kExitOk);
  const std::string info = ::testing::internal::GetCapturedStdout();
  EXPECT_FALSE(info.empty());
}

}  // namespace
}  // namespace parallax
