#include "parallax/util/memory_budget.h"

#include <cstdlib>

#include <gtest/gtest.h>

#include "parallax/util/check.h"

namespace parallax {
namespace {

TEST(MemoryBudgetTest, ParsesSizesWithUnits) {
  EXPECT_EQ(ParseByteSize("2G"), int64_t{2} << 30);
  EXPECT_EQ(ParseByteSize("512M"), int64_t{512} << 20);
  EXPECT_EQ(ParseByteSize("1.5GiB"), int64_t{3} << 29);
  EXPECT_EQ(ParseByteSize("4096"), 4096);
  EXPECT_FALSE(ParseByteSize(""));
  EXPECT_FALSE(ParseByteSize("lots"));
  EXPECT_FALSE(ParseByteSize("0"));
  EXPECT_FALSE(ParseByteSize("3X"));
}

TEST(MemoryBudgetTest, RefusesWhatDoesNotFitAndNamesTheFile) {
  ::unsetenv("PARALLAX_MEMORY_BUDGET");
  EXPECT_EQ(MemoryBudget(), kDefaultMemoryBudget);
  // 24 Mpx at 40 bytes per pixel fits in 2 GiB; 400 Mpx does not.
  EXPECT_NO_THROW(CheckMemoryBudget("a.png", 6000, 4000, 40, 0, "depth"));
  try {
    CheckMemoryBudget("bomb.png", 20000, 20000, 40, 0, "depth");
    FAIL() << "a 400 Mpx image fitted a 2 GiB budget";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("bomb.png"), std::string::npos);
    EXPECT_NE(message.find("PARALLAX_MEMORY_BUDGET="), std::string::npos);
  }
  ::setenv("PARALLAX_MEMORY_BUDGET", "32G", 1);
  EXPECT_NO_THROW(CheckMemoryBudget("bomb.png", 20000, 20000, 40, 0, "depth"));
  EXPECT_EQ(MaxPixelsWithinBudget(32, 0), (int64_t{32} << 30) / 32);
  ::setenv("PARALLAX_MEMORY_BUDGET", "much", 1);
  EXPECT_THROW(MemoryBudget(), Error);
  ::unsetenv("PARALLAX_MEMORY_BUDGET");
}

}  // namespace
}  // namespace parallax
