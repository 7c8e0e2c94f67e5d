#include "parallax/data/stereo_dataset.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <opencv2/imgcodecs.hpp>

#include "parallax/io/image_io.h"
#include "parallax/testing/testing.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

void Image(const fs::path& path, int width = 8, int height = 6,
           int type = CV_8UC3) {
  fs::create_directories(path.parent_path());
  WriteImage(path, cv::Mat(height, width, type, cv::Scalar::all(10)));
}

void Text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::string Mpo(int width = 8, int height = 6) {
  std::string file;
  for (int i = 0; i < 2; ++i) {
    std::vector<uchar> jpeg;
    cv::imencode(".jpg", cv::Mat(height, width, CV_8UC3, cv::Scalar::all(i)),
                 jpeg);
    file.append(jpeg.begin(), jpeg.end());
  }
  return file;
}

std::string ScanError(const fs::path& root, const ScanOptions& options = {}) {
  try {
    ScanStereoDataset(root, options);
  } catch (const Error& error) {
    return error.what();
  }
  return "no error";
}

std::vector<std::string> LeftNames(const StereoDataset& dataset) {
  std::vector<std::string> names;
  for (const auto& pair : dataset.pairs) {
    names.push_back(pair.left.parent_path().filename().string() + "/" +
                    pair.left.filename().string());
  }
  return names;
}

TEST(ScanStereoDataset, KittiFoldersAreOneSequenceInFrameOrder) {
  testing::TempDir dir;
  for (const char* name : {"frame10.png", "frame2.png", "frame1.png"}) {
    Image(dir / "drive" / "image_2" / name);
    Image(dir / "drive" / "image_3" / name);
  }
  // KITTI 2015 ground truth: 16-bit PNG, scale 256.
  Image(dir / "drive" / "disp_occ_0" / "frame2.png", 8, 6, CV_16UC1);
  Text(dir / "drive" / "calib.txt", "P0: 1 2 3");
  const StereoDataset dataset = ScanStereoDataset(dir.path());
  ASSERT_EQ(dataset.pairs.size(), 3u);
  EXPECT_EQ(LeftNames(dataset), (std::vector<std::string>{
                                    "image_2/frame1.png", "image_2/frame2.png",
                                    "image_2/frame10.png"}));
  for (int i = 0; i < 3; ++i) {
    const StereoPairSource& pair = dataset.pairs[i];
    EXPECT_EQ(pair.storage, PairStorage::kTwoFiles);
    EXPECT_EQ(pair.right.parent_path().filename(), "image_3");
    EXPECT_EQ(pair.right.filename(), pair.left.filename());
    EXPECT_EQ(pair.sequence, 0);
    EXPECT_EQ(pair.frame, i);
    EXPECT_EQ(pair.sequence_length, 3);
  }
  EXPECT_EQ(dataset.pairs[1].gt_disparity.filename(), "frame2.png");
  EXPECT_EQ(dataset.pairs[1].gt_scale, 256.0f);
  EXPECT_TRUE(dataset.pairs[0].gt_disparity.empty());
}

TEST(ScanStereoDataset, FolderLayoutVariants) {
  testing::TempDir dir;
  Image(dir / "raw" / "image_02" / "data" / "0.png");
  Image(dir / "raw" / "image_03" / "data" / "0.png");
  Image(dir / "k12" / "colored_0" / "000000_10.png");
  Image(dir / "k12" / "colored_1" / "000000_10.png");
  Image(dir / "synth" / "left" / "a.png");
  Image(dir / "synth" / "right" / "a.png");
  Image(dir / "synth" / "left" / "b.png");
  Image(dir / "synth" / "right" / "b.png");
  Image(dir / "synth" / "disp_left" / "b.pfm", 8, 6, CV_32FC1);
  const StereoDataset dataset = ScanStereoDataset(dir.path());
  ASSERT_EQ(dataset.pairs.size(), 4u);
  // Sorted by folder: k12, raw, synth.
  EXPECT_EQ(dataset.pairs[0].right.parent_path().filename(), "colored_1");
  EXPECT_EQ(dataset.pairs[1].right.parent_path().parent_path().filename(),
            "image_03");
  EXPECT_EQ(dataset.pairs[1].right.filename(), "0.png");
  EXPECT_EQ(dataset.pairs[3].gt_disparity.filename(), "b.pfm");
  EXPECT_EQ(dataset.pairs[3].gt_scale, 1.0f);
  // Three folders, three sequences.
  EXPECT_EQ(dataset.pairs[1].sequence, 1);
  EXPECT_EQ(dataset.pairs[2].sequence, 2);
  EXPECT_EQ(dataset.pairs[3].sequence, 2);
  EXPECT_EQ(dataset.pairs[3].frame, 1);
}

TEST(ScanStereoDataset, FileNameLayoutsAndGroundTruth) {
  testing::TempDir dir;
  // SID: <dir>/left.png + right.png.
  Image(dir / "sid" / "clear" / "left.png");
  Image(dir / "sid" / "clear" / "right.png");
  // Middlebury 2014/2021 with a PFM, 2001/2003 with an 8-bit PNG and scale.
  Image(dir / "mb14" / "im0.png");
  Image(dir / "mb14" / "im1.png");
  Image(dir / "mb14" / "disp0GT.pfm", 8, 6, CV_32FC1);
  Text(dir / "mb14" / "calib.txt", "cam0=[1 0 2; 0 1 3; 0 0 1]");
  Image(dir / "mb01" / "imL.png");
  Image(dir / "mb01" / "imR.png");
  Image(dir / "mb01" / "groundtruth.png", 8, 6, CV_8UC1);
  Image(dir / "mb01" / "nonocc.png", 8, 6, CV_8UC1);
  Text(dir / "mb01" / "info.txt", "8 20\n");
  // Suffixes, a GT by stem, a variant right view and a mask to ignore.
  Image(dir / "flat" / "0026_L.png");
  Image(dir / "flat" / "0026_R.png");
  Image(dir / "flat" / "bowling_left.png");
  Image(dir / "flat" / "bowling_right.png");
  Image(dir / "flat" / "Adirondack_left.png");
  Image(dir / "flat" / "Adirondack_right.png");
  Image(dir / "flat" / "AdirondackE_right.png");
  Image(dir / "flat" / "Adirondack_gt.png", 8, 6, CV_8UC1);
  Image(dir / "flat" / "Adirondack_mask.png", 8, 6, CV_8UC1);
  Text(dir / "flat" / "README.txt", "about");
  // A `parallax synth` sample: the ground truth of both views and the
  // masks must not pair up as "*_left"/"*_right".
  Image(dir / "synth" / "0000007" / "left.png");
  Image(dir / "synth" / "0000007" / "right.png");
  Image(dir / "synth" / "0000007" / "disp_left.pfm", 8, 6, CV_32FC1);
  Image(dir / "synth" / "0000007" / "disp_right.pfm", 8, 6, CV_32FC1);
  Image(dir / "synth" / "0000007" / "left_mask.png", 8, 6, CV_8UC1);
  Image(dir / "synth" / "0000007" / "right_mask.png", 8, 6, CV_8UC1);
  const StereoDataset dataset = ScanStereoDataset(dir.path());
  std::map<std::string, StereoPairSource> by_name;
  for (const auto& pair : dataset.pairs) {
    by_name[pair.left.filename().string()] = pair;
  }
  ASSERT_EQ(dataset.pairs.size(), 7u);
  for (const auto& pair : dataset.pairs) {
    if (pair.left.parent_path().filename() != "0000007") continue;
    EXPECT_EQ(pair.left.filename(), "left.png");
    EXPECT_EQ(pair.gt_disparity.filename(), "disp_left.pfm");
    EXPECT_EQ(pair.gt_disparity_right.filename(), "disp_right.pfm");
  }
  EXPECT_EQ(by_name.at("left.png").right.filename(), "right.png");
  EXPECT_EQ(by_name.at("im0.png").right.filename(), "im1.png");
  EXPECT_EQ(by_name.at("im0.png").gt_disparity.filename(), "disp0GT.pfm");
  EXPECT_EQ(by_name.at("imL.png").gt_disparity.filename(), "groundtruth.png");
  EXPECT_EQ(by_name.at("imL.png").gt_scale, 8.0f);
  EXPECT_EQ(by_name.at("0026_L.png").right.filename(), "0026_R.png");
  EXPECT_EQ(by_name.at("bowling_left.png").right.filename(),
            "bowling_right.png");
  EXPECT_EQ(by_name.at("Adirondack_left.png").right.filename(),
            "Adirondack_right.png");
  EXPECT_EQ(by_name.at("Adirondack_left.png").gt_disparity.filename(),
            "Adirondack_gt.png");
  EXPECT_TRUE(by_name.at("bowling_left.png").gt_disparity.empty());
}

TEST(ScanStereoDataset, MpoFilesButNotTheirFrameExports) {
  testing::TempDir dir;
  fs::create_directories(dir / "photos");
  WriteFileAtomic(dir / "photos" / "b.mpo", Mpo());
  WriteFileAtomic(dir / "photos" / "a.mpo", Mpo());
  Image(dir / "photos" / "a_frame0.png");
  Image(dir / "photos" / "a_frame1.png");
  const StereoDataset dataset = ScanStereoDataset(dir.path());
  ASSERT_EQ(dataset.pairs.size(), 2u);
  EXPECT_EQ(dataset.pairs[0].left.filename(), "a.mpo");
  EXPECT_EQ(dataset.pairs[0].storage, PairStorage::kMpo);
  EXPECT_TRUE(dataset.pairs[0].right.empty());
  // Photos, not video frames: each is a sequence of its own.
  EXPECT_EQ(dataset.pairs[1].sequence, 1);
  EXPECT_EQ(dataset.pairs[1].sequence_length, 1);
  // A single MPO file as the root.
  const StereoDataset single = ScanStereoDataset(dir / "photos" / "b.mpo");
  ASSERT_EQ(single.pairs.size(), 1u);
  EXPECT_EQ(single.pairs[0].left, dir / "photos" / "b.mpo");
}

TEST(ScanStereoDataset, PackedFramesOnlyWhenAsked) {
  testing::TempDir dir;
  for (const char* name : {"f1.png", "f2.png", "f3.png"}) {
    Image(dir / "sbs" / name, 16, 6);
  }
  EXPECT_NE(ScanError(dir.path()).find("no stereo pairs found"),
            std::string::npos);
  ScanOptions options;
  options.packed = PackedLayout::kSideBySide;
  const StereoDataset dataset = ScanStereoDataset(dir.path(), options);
  ASSERT_EQ(dataset.pairs.size(), 3u);
  EXPECT_EQ(dataset.pairs[2].storage, PairStorage::kPacked);
  EXPECT_EQ(dataset.pairs[2].packed_layout, PackedLayout::kSideBySide);
  EXPECT_EQ(dataset.pairs[2].sequence_length, 3);
  EXPECT_EQ(dataset.pairs[2].frame, 2);
  // A single packed image, and an odd width.
  EXPECT_EQ(ScanStereoDataset(dir / "sbs" / "f1.png", options).pairs.size(),
            1u);
  EXPECT_NE(ScanError(dir / "sbs" / "f1.png").find("is not a folder"),
            std::string::npos);
  Image(dir / "sbs" / "odd.png", 15, 6);
  EXPECT_NE(ScanError(dir.path(), options).find("needs an even width"),
            std::string::npos);
}

TEST(ScanStereoDataset, SkipsHiddenFilesAndFolders) {
  testing::TempDir dir;
  Image(dir / "a" / "x_L.png");
  Image(dir / "a" / "x_R.png");
  Image(dir / "a" / ".y_L.png");             // partner missing, but hidden
  Image(dir / ".cache" / "left" / "z.png");  // hidden folder
  const StereoDataset dataset = ScanStereoDataset(dir.path());
  ASSERT_EQ(dataset.pairs.size(), 1u);
}

// Issue 21: `ln -s .. DIR/a/up` made scan list 131 071 pairs, and two such
// links exhausted memory. Each real folder is walked once.
TEST(ScanStereoDataset, SymlinkLoopsAndRepeatedLinksAreWalkedOnce) {
  testing::TempDir dir;
  Image(dir / "a" / "x_L.png");
  Image(dir / "a" / "x_R.png");
  Image(dir / "b" / "left" / "f.png");
  Image(dir / "b" / "right" / "f.png");
  fs::create_directory_symlink("..", dir / "a" / "up");
  fs::create_directory_symlink("../..", dir / "b" / "left" / "up2");
  fs::create_directory_symlink(dir / "a", dir / "a_again");
  const StereoDataset dataset = ScanStereoDataset(dir.path());
  EXPECT_EQ(dataset.pairs.size(), 2u);
}

// A PNG or JPEG cut short has a whole header: the scan looks at its end.
TEST(ScanStereoDataset, TruncatedImagesAreProblems) {
  testing::TempDir dir;
  Image(dir / "a" / "x_L.png", 64, 48);
  Image(dir / "a" / "x_R.png", 64, 48);
  const fs::path cut = dir / "a" / "x_R.png";
  fs::resize_file(cut, fs::file_size(cut) / 3);
  const std::string error = ScanError(dir.path());
  EXPECT_NE(error.find("truncated PNG"), std::string::npos) << error;
  EXPECT_NE(error.find(cut.string()), std::string::npos) << error;
}

TEST(ScanStereoDataset, ReportsEveryProblemInOneError) {
  testing::TempDir dir;
  Image(dir / "ok" / "a_L.png");
  Image(dir / "ok" / "a_R.png");
  Image(dir / "bad" / "lonely_L.png");
  Image(dir / "bad" / "wide_L.png", 8, 6);
  Image(dir / "bad" / "wide_R.png", 9, 6);
  WriteFileAtomic(dir / "bad" / "junk_L.png", std::string("not a png"));
  Image(dir / "bad" / "junk_R.png");
  Image(dir / "seq" / "left" / "1.png");
  Image(dir / "seq" / "right" / "1.png");
  Image(dir / "seq" / "right" / "2.png");
  const std::string error = ScanError(dir.path());
  EXPECT_NE(error.find("4 problem(s)"), std::string::npos) << error;
  EXPECT_NE(error.find("no right image for '" +
                       (dir / "bad" / "lonely_L.png").string() + "'"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("wide_L.png' is 8x6 but '" +
                       (dir / "bad" / "wide_R.png").string() + "' is 9x6"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("cannot read image '" +
                       (dir / "bad" / "junk_L.png").string() + "'"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("no left image for '" +
                       (dir / "seq" / "right" / "2.png").string() + "'"),
            std::string::npos)
      << error;
  // Without image checks, only the structural problems remain.
  ScanOptions options;
  options.check_images = false;
  EXPECT_NE(ScanError(dir.path(), options).find("2 problem(s)"),
            std::string::npos);
}

TEST(ScanStereoDataset, LongProblemListsAreCut) {
  testing::TempDir dir;
  for (int i = 0; i < 25; ++i) Image(dir / fmt::format("p{}_L.png", i));
  const std::string error = ScanError(dir.path());
  EXPECT_NE(error.find("25 problem(s)"), std::string::npos);
  EXPECT_NE(error.find("... and 5 more"), std::string::npos);
  EXPECT_NE(ScanError(dir / "missing").find("does not exist"),
            std::string::npos);
}

TEST(ScanStereoDataset, MismatchedGroundTruthIsAProblem) {
  testing::TempDir dir;
  Image(dir / "im0.png");
  Image(dir / "im1.png");
  Image(dir / "disp0.pfm", 4, 6, CV_32FC1);
  EXPECT_NE(ScanError(dir.path()).find("is 4x6 but its left view is 8x6"),
            std::string::npos);
}

TEST(ExcludePairs, DropsPairsMatchingAGlobOnEitherView) {
  testing::TempDir dir;
  for (const char* name : {"Art.png", "Teddy.png", "Vintage.png"}) {
    Image(dir / "mb" / "left" / name);
    Image(dir / "mb" / "right" / name);
  }
  StereoDataset dataset = ScanStereoDataset(dir.path());
  ASSERT_EQ(dataset.pairs.size(), 3u);
  EXPECT_EQ(ExcludePairs(dataset, {"*/nothing*"}), 0u);
  EXPECT_EQ(ExcludePairs(dataset, {"*/right/Teddy.png", "*/Art.*"}), 2u);
  ASSERT_EQ(dataset.pairs.size(), 1u);
  EXPECT_EQ(dataset.pairs[0].left.filename(), "Vintage.png");
}

TEST(ParseDatasetSpec, SplitsOnlyAPositiveNumberAfterTheLastColon) {
  EXPECT_EQ(ParseDatasetSpec("data/kitti").path, "data/kitti");
  EXPECT_EQ(ParseDatasetSpec("data/kitti").weight, 1.0);
  const DatasetSpec weighted = ParseDatasetSpec("data/a:b:2.5");
  EXPECT_EQ(weighted.path, "data/a:b");
  EXPECT_EQ(weighted.weight, 2.5);
  EXPECT_EQ(ParseDatasetSpec("data/a:b").path, "data/a:b");
  EXPECT_EQ(ParseDatasetSpec("data/a:").path, "data/a:");
  EXPECT_THROW(ParseDatasetSpec("data:0"), Error);
  EXPECT_THROW(ParseDatasetSpec("data:-1"), Error);
  EXPECT_THROW(ParseDatasetSpec(":3"), Error);
  EXPECT_THROW(ParseDatasetSpec(""), Error);
}

TEST(ScanStereoDataset, FindsEveryPairOfTheSharedTrainingData) {
  const auto shared = testing::SharedStereoDir();
  if (!shared) GTEST_SKIP() << "shared stereo data not found";
  const fs::path train = *shared / "train";
  const StereoDataset dataset = ScanStereoDataset(train);
  std::map<std::string, int> per_folder;
  for (const auto& pair : dataset.pairs) {
    ++per_folder[pair.left.lexically_relative(train).begin()->string()];
  }
  const std::map<std::string, int> expected = {
      {"eth3d-two-view-18", 19},    {"euroc-v1-01-easy", 95},
      {"karlsruhe-urban-4", 4},     {"kitti-raw-2011_09_26_drive_0001", 108},
      {"kitti2012-flickr1024", 2},  {"middlebury-2006-bowling", 1},
      {"middlebury-2014-q-12", 12}, {"middlebury-2021", 4},
      {"nintendo-3ds-mpo", 2},      {"sgm-driving-2", 2},
      {"sid-mini-driving", 3},
  };
  EXPECT_EQ(per_folder, expected);
  EXPECT_EQ(dataset.pairs.size(), 252u);
  // The KITTI drive is one sequence of 108 frames, in order.
  int kitti = 0;
  for (const auto& pair : dataset.pairs) {
    if (pair.left.string().find("kitti-raw") == std::string::npos) continue;
    EXPECT_EQ(pair.frame, kitti++);
    EXPECT_EQ(pair.sequence_length, 108);
  }
}

TEST(ScanStereoDataset, FindsTheSharedEvaluationGroundTruth) {
  const auto shared = testing::SharedStereoDir();
  if (!shared) GTEST_SKIP() << "shared stereo data not found";
  const StereoDataset dataset = ScanStereoDataset(*shared / "eval");
  ASSERT_EQ(dataset.pairs.size(), 5u);
  std::map<std::string, float> scales;
  for (const auto& pair : dataset.pairs) {
    ASSERT_FALSE(pair.gt_disparity.empty()) << pair.left;
    scales[pair.left.parent_path().filename().string()] = pair.gt_scale;
  }
  EXPECT_EQ(scales.at("tsukuba"), 16.0f);
  EXPECT_EQ(scales.at("venus"), 8.0f);
  EXPECT_EQ(scales.at("cones"), 4.0f);
  EXPECT_EQ(scales.at("middlebury-2014-adirondack"), 1.0f);
}

}  // namespace
}  // namespace parallax
