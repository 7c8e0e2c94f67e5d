#include "parallax/infer/default_model.h"

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "parallax/testing/testing.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

TEST(DefaultModelTest, EnvironmentVariableComesFirst) {
  testing::TempDir dir;
  const std::filesystem::path model = dir / "mine.plx";
  std::ofstream(model) << "x";
  setenv("PARALLAX_MODEL", model.c_str(), 1);
  EXPECT_EQ(DefaultModelCandidates().front(), model);
  EXPECT_EQ(FindDefaultModel(), model);
  EXPECT_EQ(ResolveModelPath(""), model);
  EXPECT_EQ(ResolveModelPath("given.plx"), "given.plx");
  unsetenv("PARALLAX_MODEL");
}

TEST(DefaultModelTest, LooksBesideTheExecutableAndInTheSourceTree) {
  unsetenv("PARALLAX_MODEL");
  const std::vector<std::filesystem::path> candidates =
      DefaultModelCandidates();
  ASSERT_GE(candidates.size(), 5u);
  for (const auto& candidate : candidates) {
    EXPECT_EQ(candidate.filename(), kDefaultModelName);
  }
  EXPECT_EQ(candidates.back(),
            testing::SourceDir() / "models" / kDefaultModelName);
}

TEST(DefaultModelTest, MissingModelListsWhereItLooked) {
  testing::TempDir dir;
  setenv("PARALLAX_MODEL", (dir / "absent.plx").c_str(), 1);
  const bool shipped = std::filesystem::exists(testing::SourceDir() / "models" /
                                               kDefaultModelName);
  if (shipped) {
    // Falls through the missing env file to a shipped model.
    EXPECT_NE(FindDefaultModel(), dir / "absent.plx");
  } else {
    try {
      FindDefaultModel();
      FAIL();
    } catch (const Error& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("absent.plx"), std::string::npos);
      EXPECT_NE(message.find("--model"), std::string::npos);
    }
  }
  unsetenv("PARALLAX_MODEL");
}

}  // namespace
}  // namespace parallax
