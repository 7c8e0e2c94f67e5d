#include "parallax/util/existing_outputs.h"

#include <filesystem>
#include <fstream>
#include <functional>

#include <gtest/gtest.h>

#include "parallax/util/check.h"
#include "parallax/util/option_error.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

std::string MessageOf(const std::function<void()>& run) {
  try {
    run();
  } catch (const OptionError& e) {
    // As the command line words it (app/cli/command_runner.h).
    return e.Render(
        [](std::string_view field) { return "--" + std::string(field); });
  }
  return "";
}

TEST(ExistingOutputsTest, RefusesNamingTheFileAndBothFlags) {
  const fs::path file = fs::temp_directory_path() / "parallax_existing.png";
  std::ofstream(file) << "not Parallax's";
  const std::string message =
      MessageOf([&] { RefuseExistingOutput(file, ExistingOutputs::kRefuse); });
  EXPECT_NE(message.find(file.string()), std::string::npos);
  EXPECT_NE(message.find("--overwrite"), std::string::npos);
  EXPECT_NE(message.find("--resume"), std::string::npos);
  // Commands without --resume offer only --overwrite.
  EXPECT_EQ(MessageOf([&] {
              RefuseExistingOutput(file, ExistingOutputs::kRefuse, false);
            }).find("--resume"),
            std::string::npos);
  EXPECT_NO_THROW(RefuseExistingOutput(file, ExistingOutputs::kOverwrite));
  EXPECT_NO_THROW(RefuseExistingOutput(file, ExistingOutputs::kResume));
  fs::remove(file);
  EXPECT_NO_THROW(RefuseExistingOutput(file, ExistingOutputs::kRefuse));
}

TEST(ExistingOutputsTest, CountsTheOthersAndRejectsBothFlags) {
  const std::string message = MessageOf([] {
    RefuseExistingOutputs({"a.png", "b.png", "c.png"},
                          ExistingOutputs::kRefuse);
  });
  EXPECT_NE(message.find("a.png and 2 more outputs exist"), std::string::npos);
  EXPECT_THROW(ExistingOutputsFromFlags(true, true), OptionError);
  EXPECT_EQ(ExistingOutputsFromFlags(false, false), ExistingOutputs::kRefuse);
  EXPECT_EQ(ExistingOutputsFromFlags(true, false), ExistingOutputs::kOverwrite);
  EXPECT_EQ(ExistingOutputsFromFlags(false, true), ExistingOutputs::kResume);
}

}  // namespace
}  // namespace parallax
