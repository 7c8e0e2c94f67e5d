#include "parallax/util/atomic_file.h"

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <csignal>
#include <filesystem>

#include "parallax/testing/testing.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {
namespace fs = std::filesystem;

size_t CountFiles(const fs::path& dir) {
  return std::distance(fs::directory_iterator(dir), fs::directory_iterator());
}

TEST(AtomicFile, WritesAndReadsBack) {
  testing::TempDir dir;
  WriteFileAtomic(dir / "a.bin", std::string("hello"));
  const std::vector<char> bytes = ReadFileBytes(dir / "a.bin");
  EXPECT_EQ(std::string(bytes.begin(), bytes.end()), "hello");
  EXPECT_EQ(CountFiles(dir.path()), 1u);  // no temp file left behind
}

TEST(AtomicFile, ReplacesExistingFileWhole) {
  testing::TempDir dir;
  WriteFileAtomic(dir / "a.bin", std::string(1000, 'x'));
  WriteFileAtomic(dir / "a.bin", std::string("short"));
  EXPECT_EQ(ReadFileBytes(dir / "a.bin").size(), 5u);
}

TEST(AtomicFile, UncommittedWriterLeavesNothing) {
  testing::TempDir dir;
  {
    AtomicFileWriter writer(dir / "never.bin");
    writer.stream() << "partial";
  }
  EXPECT_EQ(CountFiles(dir.path()), 0u);
}

TEST(AtomicFile, MissingFolderIsAClearError) {
  testing::TempDir dir;
  try {
    WriteFileAtomic(dir / "no" / "such" / "x.bin", std::string("x"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos);
  }
}

TEST(AtomicFile, WriteFailureIsAClearErrorAndKeepsTheOldFile) {
  // A file-size limit makes write() fail the way a full disk does (EFBIG
  // instead of ENOSPC): the error must name the file, the previous version
  // must survive and no temporary file may be left behind.
  testing::TempDir dir;
  WriteFileAtomic(dir / "out.bin", std::string("old"));
  std::signal(SIGXFSZ, SIG_IGN);
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  rlimit limited = saved;
  limited.rlim_cur = 4096;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limited), 0);
  std::string message;
  try {
    WriteFileAtomic(dir / "out.bin", std::string(1 << 20, 'x'));
  } catch (const Error& e) {
    message = e.what();
  }
  setrlimit(RLIMIT_FSIZE, &saved);
  EXPECT_NE(message.find("out.bin"), std::string::npos) << message;
  const std::vector<char> kept = ReadFileBytes(dir / "out.bin");
  EXPECT_EQ(std::string(kept.begin(), kept.end()), "old");
  EXPECT_EQ(CountFiles(dir.path()), 1u);
}

TEST(AtomicFile, MissingInputIsNamed) {
  try {
    ReadFileBytes("/nonexistent/parallax.bin");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/parallax.bin"),
              std::string::npos);
  }
}

TEST(AtomicFile, RefusesToOverwriteAnInput) {
  testing::TempDir dir;
  WriteFileAtomic(dir / "in.png", std::string("x"));
  const std::vector<fs::path> inputs = {dir / "in.png"};
  EXPECT_THROW(CheckNotAnInput(dir / "in.png", inputs), Error);
  EXPECT_NO_THROW(CheckNotAnInput(dir / "out.png", inputs));
}

// kill -9 during a write leaves the hidden temporary file; the next run
// for that output removes it, and nothing else.
TEST(AtomicFile, StaleTemporariesOfAnOutputAreRemoved) {
  testing::TempDir dir;
  const auto touch = [&](const std::string& name) {
    WriteFileAtomic(dir / name, std::string("x"));
  };
  touch(".out.png.tmp1a2b3c");     // WriteFileAtomic's temporary
  touch(".film.tmp0011aabb.mp4");  // VideoWriter's temporary
  touch(".other.png.tmp99");       // another output's
  touch("out.png.tmp1a2b3c");      // not hidden: not ours
  touch(".out.png.tmpzz");         // not hex: not ours
  EXPECT_EQ(RemoveStaleTempFiles(dir / "out.png"), 1);
  EXPECT_EQ(RemoveStaleTempFiles(dir / "film.mp4"), 1);
  EXPECT_TRUE(std::filesystem::exists(dir / ".other.png.tmp99"));
  EXPECT_TRUE(std::filesystem::exists(dir / "out.png.tmp1a2b3c"));
  EXPECT_TRUE(std::filesystem::exists(dir / ".out.png.tmpzz"));
  EXPECT_EQ(RemoveStaleTempFilesIn(dir.path()), 1);  // .other.png.tmp99
}

}  // namespace
}  // namespace parallax
