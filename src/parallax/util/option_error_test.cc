#include "parallax/util/option_error.h"

#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace parallax {
namespace {

std::string AsFlags(const OptionError& e) {
  return e.Render([](std::string_view field) {
    return field == "output" ? std::string("-o") : "--" + std::string(field);
  });
}

TEST(OptionErrorTest, OnlyMarkedFieldsAreRenamed) {
  // The path holds the words "layout" and "output": they stay as they are.
  const OptionError e(fmt::format(
      "{} lr (two files) is for photos; for /data/layout/output.mp4 use sbs",
      OptionField("layout")));
  EXPECT_EQ(AsFlags(e),
            "--layout lr (two files) is for photos; for "
            "/data/layout/output.mp4 use sbs");
  EXPECT_STREQ(e.what(),
               "layout lr (two files) is for photos; for "
               "/data/layout/output.mp4 use sbs");
}

TEST(OptionErrorTest, RendersEveryFieldAndPlainText) {
  const OptionError two(fmt::format("{} x.png names one file; {} keeps",
                                    OptionField("output"),
                                    OptionField("resume")));
  EXPECT_EQ(AsFlags(two), "-o x.png names one file; --resume keeps");
  const OptionError plain("nothing marked");
  EXPECT_EQ(AsFlags(plain), "nothing marked");
  EXPECT_STREQ(plain.what(), "nothing marked");
  // An OptionError is a parallax::Error: code that catches those still
  // sees it, with the bare names.
  try {
    throw two;
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "output x.png names one file; resume keeps");
  }
}

}  // namespace
}  // namespace parallax
