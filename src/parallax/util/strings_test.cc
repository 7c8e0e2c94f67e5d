#include "parallax/util/strings.h"

#include <gtest/gtest.h>

#include "parallax/util/check.h"

namespace parallax {
namespace {

TEST(Strings, Split) {
  EXPECT_EQ(Split("a:b::c", ':'),
            (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_EQ(Split("abc", ':'), (std::vector<std::string>{"abc"}));
}

TEST(Strings, ParseSize) {
  EXPECT_EQ(ParseSize("512x256", "size"), std::make_pair(512, 256));
  EXPECT_EQ(ParseSize("640X192", "size"), std::make_pair(640, 192));
  EXPECT_THROW(ParseSize("512", "size"), Error);
  EXPECT_THROW(ParseSize("0x5", "size"), Error);
  EXPECT_THROW(ParseSize("ax5", "size"), Error);
}

TEST(Strings, ParseNumbers) {
  EXPECT_DOUBLE_EQ(ParseDouble("0.25", "w"), 0.25);
  EXPECT_THROW(ParseDouble("0.25x", "w"), Error);
  EXPECT_THROW(ParseDouble("nan", "w"), Error);
  EXPECT_EQ(ParseInt("-12", "n"), -12);
  EXPECT_THROW(ParseInt("1.5", "n"), Error);
}

}  // namespace
}  // namespace parallax
