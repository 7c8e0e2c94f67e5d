#include "parallax/infer/model_registry.h"

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "parallax/infer/default_model.h"
#include "parallax/testing/testing.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

TEST(ModelRegistryTest, KnowsTheOfficialDepthAnythingFiles) {
  const KnownModel* small = FindKnownModel("depth-anything-v2-small");
  ASSERT_NE(small, nullptr);
  EXPECT_EQ(small->file_name, "depth_anything_v2_vits.pth");
  EXPECT_EQ(small->licence, "Apache-2.0");
  EXPECT_EQ(small->url,
            "https://huggingface.co/depth-anything/Depth-Anything-V2-Small/"
            "resolve/main/depth_anything_v2_vits.pth");
  EXPECT_EQ(FindKnownModel("DEPTH-ANYTHING-V2-LARGE")->licence, "CC-BY-NC-4.0");
  EXPECT_EQ(FindKnownModel("depth_anything_v2_vitb.pth")->name,
            "depth-anything-v2-base");
  const KnownModel* metric =
      FindKnownModel("depth-anything-v2-metric-vkitti-small");
  ASSERT_NE(metric, nullptr);
  EXPECT_EQ(metric->file_name, "depth_anything_v2_metric_vkitti_vits.pth");
  EXPECT_EQ(FindKnownModel("resnet-9000"), nullptr);
}

class ModelFoldersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("PARALLAX_MODEL_DIR", (dir_.path() / "a").c_str(), 1);
    setenv("XDG_DATA_HOME", (dir_.path() / "xdg").c_str(), 1);
  }
  void TearDown() override {
    unsetenv("PARALLAX_MODEL_DIR");
    unsetenv("XDG_DATA_HOME");
  }
  testing::TempDir dir_;
};

TEST_F(ModelFoldersTest, SearchOrderStartsWithTheEnvironmentAndTheUser) {
  const std::vector<fs::path> folders = ModelFolders();
  ASSERT_GE(folders.size(), 2u);
  EXPECT_EQ(folders[0], dir_.path() / "a");
  EXPECT_EQ(folders[1], dir_.path() / "xdg" / "parallax" / "models");
  EXPECT_EQ(UserModelFolder(), folders[1]);
}

TEST_F(ModelFoldersTest, NamedModelsAreFoundInTheFolders) {
  const std::string error =
      testing::ErrorOf([] { ResolveModelArgument("depth-anything-v2-small"); });
  EXPECT_NE(error.find("is not installed"), std::string::npos) << error;
  EXPECT_NE(error.find("parallax models fetch depth-anything-v2-small"),
            std::string::npos);
  EXPECT_NE(error.find((dir_.path() / "a").string()), std::string::npos);

  const fs::path user = UserModelFolder();
  fs::create_directories(user);
  std::ofstream(user / "depth_anything_v2_vits.pth") << "x";
  EXPECT_EQ(ResolveModelArgument("depth-anything-v2-small"),
            user / "depth_anything_v2_vits.pth");
  EXPECT_EQ(ResolveModelPath("depth-anything-v2-small"),
            user / "depth_anything_v2_vits.pth");
  // The environment's folder comes first.
  fs::create_directories(dir_.path() / "a");
  std::ofstream(dir_.path() / "a" / "depth_anything_v2_vits.pth") << "yy";
  EXPECT_EQ(ResolveModelPath("depth_anything_v2_vits.pth"),
            dir_.path() / "a" / "depth_anything_v2_vits.pth");
  // Paths are never looked up.
  EXPECT_EQ(ResolveModelPath("other/given.plx"), "other/given.plx");

  const std::vector<InstalledModel> installed = ListInstalledModels();
  ASSERT_FALSE(installed.empty());
  EXPECT_EQ(installed[0].name, "depth-anything-v2-small");
  EXPECT_EQ(installed[0].bytes, 2);  // the first folder's copy
  EXPECT_EQ(installed[0].licence, "Apache-2.0");
}

TEST_F(ModelFoldersTest, UnknownNamesListTheKnownOnes) {
  const std::string error =
      testing::ErrorOf([] { ResolveModelArgument("resnet-9000"); });
  EXPECT_NE(error.find("not a model name"), std::string::npos) << error;
  EXPECT_NE(error.find("depth-anything-v2-small"), std::string::npos);
}

}  // namespace
}  // namespace parallax
