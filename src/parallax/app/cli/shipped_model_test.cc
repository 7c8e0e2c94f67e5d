// The shipped default model (models/default.plx) against what its model card
// claims: one file of at most 25 MB that `--model default` finds, scoring
// better than the vertical-gradient prior on all three mean metrics of
// ../shared/data/stereo/eval. A retrained model that regresses fails here
// before it is committed. Skipped when no model or no eval data is present.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "parallax/app/cli/commands.h"
#include "parallax/testing/command_line.h"
#include "parallax/testing/testing.h"

namespace parallax {
namespace {
namespace fs = std::filesystem;

const fs::path kShippedModel = testing::SourceDir() / "models" / "default.plx";
const std::optional<fs::path> kSharedStereo = testing::SharedStereoDir();

// The mean scores `parallax eval` writes for `source` (--model or
// --baseline with its value).
nlohmann::json MeanScores(const fs::path& json, const std::string& flag,
                          const std::string& value) {
  EXPECT_EQ(testing::RunCommandLine(
                RunEval, {"--gt", (*kSharedStereo / "eval").string(), flag,
                          value, "--json", json.string(), "--quiet"}),
            0);
  std::ifstream in(json);
  const nlohmann::json report = nlohmann::json::parse(in);
  EXPECT_EQ(report.at("scene_count").get<int>(), 5);
  if (flag == "--model") {
    // Not a stale copy beside a build's binaries: the committed file.
    EXPECT_EQ(fs::weakly_canonical(
                  report.at("options").at("model").get<std::string>()),
              fs::weakly_canonical(kShippedModel));
  }
  return report.at("mean");
}

class ShippedModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kShippedModel)) GTEST_SKIP() << "no models/default.plx";
    if (!kSharedStereo || !fs::is_directory(*kSharedStereo / "eval")) {
      GTEST_SKIP() << "no ../shared/data/stereo/eval";
    }
  }
};

TEST_F(ShippedModelTest, FitsTheSizeBudget) {
  EXPECT_LE(fs::file_size(kShippedModel), 25u * 1000 * 1000);
}

TEST_F(ShippedModelTest, BeatsTheVerticalGradientOnAllThreeMeans) {
  testing::TempDir dir;
  unsetenv("PARALLAX_MODEL");  // `default` must resolve to the shipped file
  const nlohmann::json model =
      MeanScores(dir / "model.json", "--model", "default");
  const nlohmann::json gradient =
      MeanScores(dir / "gradient.json", "--baseline", "vertical-gradient");
  EXPECT_LT(model.at("abs_rel").get<double>(),
            gradient.at("abs_rel").get<double>());
  EXPECT_GT(model.at("delta1").get<double>(),
            gradient.at("delta1").get<double>());
  EXPECT_GT(model.at("spearman").get<double>(),
            gradient.at("spearman").get<double>());
}

}  // namespace
}  // namespace parallax
