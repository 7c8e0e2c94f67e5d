#include "parallax/util/path_kind.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "parallax/util/check.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

class PathKindTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("parallax_path_kind_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "folder");
    std::ofstream(dir_ / "file.png") << "x";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(PathKindTest, TellsEachKindApart) {
  fs::create_symlink(dir_ / "b", dir_ / "a");
  fs::create_symlink(dir_ / "a", dir_ / "b");
  fs::create_symlink(dir_ / "gone", dir_ / "dangling");
  ASSERT_EQ(::mkfifo((dir_ / "fifo").c_str(), 0600), 0);
  EXPECT_EQ(ClassifyPath(dir_ / "file.png"), PathKind::kFile);
  EXPECT_EQ(ClassifyPath(dir_ / "folder"), PathKind::kDirectory);
  EXPECT_EQ(ClassifyPath(dir_ / "missing"), PathKind::kMissing);
  EXPECT_EQ(ClassifyPath(dir_ / "a"), PathKind::kSymlinkLoop);
  EXPECT_EQ(ClassifyPath(dir_ / "fifo"), PathKind::kSpecial);
  EXPECT_EQ(ClassifyPath("/dev/urandom"), PathKind::kSpecial);
  EXPECT_EQ(ClassifyPath(dir_ / "dangling"), PathKind::kMissing);
  EXPECT_NE(DescribePathKind(dir_ / "dangling", PathKind::kMissing)
                .find("symbolic link"),
            std::string::npos);
}

TEST_F(PathKindTest, RequireRegularFileNamesThePathAndTheReason) {
  EXPECT_NO_THROW(RequireRegularFile(dir_ / "file.png"));
  try {
    RequireRegularFile(dir_ / "folder");
    FAIL() << "a directory was accepted";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find((dir_ / "folder").string()), std::string::npos);
    EXPECT_NE(message.find("is a directory"), std::string::npos);
  }
  EXPECT_THROW(RequireRegularFile("/dev/urandom"), Error);
  EXPECT_THROW(RequireRegularFile(dir_ / "missing"), Error);
}

}  // namespace
}  // namespace parallax
