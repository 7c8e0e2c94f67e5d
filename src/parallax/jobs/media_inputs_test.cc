#include "parallax/jobs/media_inputs.h"

#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "parallax/testing/testing.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

void Touch(const fs::path& path) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << "x";
}

TEST(MediaInputsTest, FilesFoldersAndProblems) {
  testing::TempDir dir;
  Touch(dir / "a.jpg");
  Touch(dir / "clip.MP4");
  Touch(dir / "notes.txt");
  Touch(dir / "album" / "b.png");
  Touch(dir / "album" / "b_disp.png");  // an earlier output: skipped
  Touch(dir / "album" / "deeper" / "c.png");
  const MediaScan scan = ExpandMediaInputs(
      {(dir / "a.jpg").string(), (dir / "clip.MP4").string(),
       (dir / "notes.txt").string(), (dir / "missing.png").string(),
       (dir / "album").string()},
      {});
  ASSERT_EQ(scan.inputs.size(), 3u);
  EXPECT_EQ(scan.inputs[0].kind, MediaKind::kImage);
  EXPECT_EQ(scan.inputs[0].output_stem, "a");
  EXPECT_EQ(scan.inputs[1].kind, MediaKind::kVideo);
  EXPECT_EQ(scan.inputs[2].output_stem, "b");
  ASSERT_EQ(scan.problems.size(), 2u);
  EXPECT_NE(scan.problems[0].find("notes.txt"), std::string::npos);
  EXPECT_NE(scan.problems[1].find("missing.png"), std::string::npos);
}

// Two inputs whose outputs would share a name (a.jpg beside a.PNG, the same
// file name in two folders): the first keeps it, the second is a named
// problem, so that neither output silently replaces the other.
TEST(MediaInputsTest, InputsWhoseOutputsWouldClashAreProblems) {
  testing::TempDir dir;
  Touch(dir / "one" / "a.jpg");
  Touch(dir / "one" / "A.png");
  Touch(dir / "two" / "a.jpg");
  Touch(dir / "two" / "b.jpg");
  const MediaScan scan =
      ExpandMediaInputs({(dir / "one").string(), (dir / "two").string()}, {});
  ASSERT_EQ(scan.inputs.size(), 2u);
  EXPECT_EQ(scan.inputs[0].output_stem, "A");
  EXPECT_EQ(scan.inputs[1].output_stem, "b");
  ASSERT_EQ(scan.problems.size(), 2u);
  for (const std::string& problem : scan.problems) {
    EXPECT_NE(problem.find("would have the name of"), std::string::npos)
        << problem;
  }
  EXPECT_NE(scan.problems[0].find("a.jpg"), std::string::npos);
}

// A 3D camera's MPO is a photo (its left view); a FIFO, a link loop and
// the output folder given as input are named problems, not "no such file".
TEST(MediaInputsTest, MpoIsAPhotoAndSpecialPathsAreNamed) {
  testing::TempDir dir;
  Touch(dir / "trip" / "pond.MPO");
  ASSERT_EQ(::mkfifo((dir / "pipe.png").c_str(), 0600), 0);
  fs::create_symlink(dir / "b.png", dir / "a.png");
  fs::create_symlink(dir / "a.png", dir / "b.png");
  MediaInputOptions options;
  options.exclude = dir / "out";
  fs::create_directories(dir / "out");
  const MediaScan scan =
      ExpandMediaInputs({(dir / "trip").string(), (dir / "pipe.png").string(),
                         (dir / "a.png").string(), (dir / "out").string()},
                        options);
  ASSERT_EQ(scan.inputs.size(), 1u);
  EXPECT_EQ(scan.inputs[0].kind, MediaKind::kImage);
  ASSERT_EQ(scan.problems.size(), 3u);
  EXPECT_NE(scan.problems[0].find("FIFO"), std::string::npos);
  EXPECT_NE(scan.problems[1].find("loop of symbolic links"), std::string::npos);
  EXPECT_NE(scan.problems[2].find("is the output folder too"),
            std::string::npos);
}

TEST(MediaInputsTest, RecursiveKeepsSubfoldersInOutputNames) {
  testing::TempDir dir;
  Touch(dir / "album" / "b.png");
  Touch(dir / "album" / "deeper" / "c.png");
  Touch(dir / "album" / "out" / "b_x.png");
  MediaInputOptions options;
  options.recursive = true;
  options.exclude = dir / "album" / "out";
  const MediaScan scan = ExpandMediaInputs({(dir / "album").string()}, options);
  ASSERT_EQ(scan.inputs.size(), 2u);
  EXPECT_EQ(scan.inputs[0].output_stem, "b");
  EXPECT_EQ(scan.inputs[1].output_stem, fs::path("deeper") / "c");
}

TEST(MediaInputsTest, SequencePatternsInNumericOrder) {
  testing::TempDir dir;
  for (int i : {9, 10, 11, 100}) {
    char name[32];
    std::snprintf(name, sizeof name, "shot_%04d.png", i);
    Touch(dir / name);
  }
  Touch(dir / "shot_12.png");  // wrong digit count for %04d
  for (const std::string pattern : {"shot_%04d.png", "shot_####.png"}) {
    const MediaScan scan = ExpandMediaInputs({(dir / pattern).string()}, {});
    ASSERT_EQ(scan.inputs.size(), 1u) << pattern;
    const MediaInput& input = scan.inputs[0];
    EXPECT_EQ(input.kind, MediaKind::kImageSequence);
    EXPECT_EQ(input.frame_numbers, (std::vector<int64_t>{9, 10, 11, 100}));
    EXPECT_EQ(input.output_stem, "shot");
  }
  const MediaScan any = ExpandMediaInputs({(dir / "shot_%d.png").string()}, {});
  ASSERT_EQ(any.inputs.size(), 1u);
  EXPECT_EQ(any.inputs[0].frames.size(), 5u);
  const MediaScan none =
      ExpandMediaInputs({(dir / "take_%03d.png").string()}, {});
  EXPECT_TRUE(none.inputs.empty());
  EXPECT_EQ(none.problems.size(), 1u);
}

TEST(MediaInputsTest, FolderAsSequenceSortsNaturally) {
  testing::TempDir dir;
  for (const char* name : {"f10.png", "f2.png", "f1.png"}) {
    Touch(dir / "shot" / name);
  }
  MediaInputOptions options;
  options.folders_as_sequences = true;
  const MediaScan scan = ExpandMediaInputs({(dir / "shot").string()}, options);
  ASSERT_EQ(scan.inputs.size(), 1u);
  const auto& frames = scan.inputs[0].frames;
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].filename(), "f1.png");
  EXPECT_EQ(frames[1].filename(), "f2.png");
  EXPECT_EQ(frames[2].filename(), "f10.png");
  EXPECT_EQ(scan.inputs[0].output_stem, "shot");
}

}  // namespace
}  // namespace parallax
