#include "parallax/util/progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace parallax {
namespace {

std::string Capture(const std::function<void(std::FILE*)>& body) {
  std::FILE* file = std::tmpfile();
  body(file);
  std::fflush(file);
  std::rewind(file);
  std::string text;
  char buffer[512];
  while (size_t n = std::fread(buffer, 1, sizeof(buffer), file)) {
    text.append(buffer, n);
  }
  std::fclose(file);
  return text;
}

TEST(ProgressBar, FormatsDurations) {
  EXPECT_EQ(ProgressBar::FormatDuration(5), "5s");
  EXPECT_EQ(ProgressBar::FormatDuration(125), "2m05s");
  EXPECT_EQ(ProgressBar::FormatDuration(7260), "2h01m");
  EXPECT_EQ(ProgressBar::FormatDuration(-1), "--");
}

TEST(ProgressBar, NonTerminalOutputHasStepsTotalsAndExtra) {
  const std::string text = Capture([](std::FILE* out) {
    ProgressBar bar("train", 10, "img/s", out);
    bar.set_log_interval_s(0);
    for (int i = 1; i <= 10; ++i) bar.Update(i, "loss 0.5", 4.0);
    bar.Finish("done");
  });
  EXPECT_NE(text.find("train 10/10"), std::string::npos) << text;
  EXPECT_NE(text.find("100%"), std::string::npos);
  EXPECT_NE(text.find("loss 0.5"), std::string::npos);
  EXPECT_NE(text.find("img/s"), std::string::npos);
  EXPECT_EQ(text.find('\r'), std::string::npos);  // no redraws in logs
  // The final line carries Finish()'s note.
  const std::string last = text.substr(text.rfind("train"));
  EXPECT_NE(last.find("done"), std::string::npos) << last;
}

}  // namespace
}  // namespace parallax
