// Every ground-truth layout, as a tiny fake copy in a temp dir: found,
// named, and loaded with the right values, unknown pixels and masks.
#include "parallax/eval/eval_scene.h"

#include <gtest/gtest.h>

#include <fstream>
#include <limits>

#include "parallax/eval/ground_truth.h"
#include "parallax/io/image_io.h"
#include "parallax/testing/testing.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {
namespace fs = std::filesystem;

const float kInf = std::numeric_limits<float>::infinity();

void WriteText(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

void Write(const fs::path& path, const cv::Mat& image) {
  fs::create_directories(path.parent_path());
  WriteImage(path, image);
}

// A 2x3 gray image for the left view.
void WriteLeft(const fs::path& path, cv::Size size = {3, 2}) {
  Write(path, cv::Mat(size, CV_8UC3, cv::Scalar(90, 120, 150)));
}

template <typename T>
cv::Mat Map(int rows, int cols, std::initializer_list<T> values) {
  return cv::Mat_<T>(rows, cols, std::vector<T>(values).data()).clone();
}

cv::Mat Mask8(std::initializer_list<uint8_t> values) {
  return Map<uint8_t>(2, 3, values);
}

using testing::ErrorOf;

void ExpectValid(const GroundTruth& gt, std::initializer_list<int> expected) {
  int i = 0;
  for (int v : expected) {
    EXPECT_EQ(gt.valid.at<uint8_t>(i / gt.valid.cols, i % gt.valid.cols) != 0,
              v != 0)
        << "pixel " << i;
    ++i;
  }
}

TEST(EvalScene, Middlebury2001) {
  testing::TempDir dir;
  const fs::path scene = dir / "mb/tsukuba";
  WriteLeft(scene / "imL.png");
  WriteLeft(scene / "imR.png");
  // Scale 16: stored 0 (unknown), 16, 32, 48, 160, 255.
  Write(scene / "groundtruth.png", Mask8({0, 16, 32, 48, 160, 255}));
  WriteText(scene / "info.txt", "16\n15");
  Write(scene / "nonocc.png", Mask8({255, 255, 0, 255, 255, 255}));
  Write(scene / "all.png", Mask8({0, 255, 255, 255, 255, 255}));
  Write(scene / "disc.png", Mask8({0, 128, 128, 255, 128, 0}));

  std::vector<EvalScene> scenes = ScanEvalScenes(dir.path());
  ASSERT_EQ(scenes.size(), 1u);
  const EvalScene& s = scenes[0];
  EXPECT_EQ(s.name, "tsukuba");
  EXPECT_EQ(s.layout, GtLayout::kMiddlebury2001);
  EXPECT_EQ(s.left.filename(), "imL.png");
  EXPECT_EQ(s.left_relative, fs::path("mb/tsukuba/imL.png"));
  EXPECT_EQ(s.gt_scale, 16);
  EXPECT_EQ(s.mask.filename(), "nonocc.png");
  EXPECT_EQ(s.region, EvalMask::kNonOccluded);

  const GroundTruth gt = LoadGroundTruth(s);
  EXPECT_FLOAT_EQ(gt.disparity.at<float>(0, 0), 0);  // unknown
  EXPECT_FLOAT_EQ(gt.disparity.at<float>(0, 1), 1);
  EXPECT_FLOAT_EQ(gt.disparity.at<float>(1, 1), 10);
  EXPECT_FLOAT_EQ(gt.disparity.at<float>(1, 2), 255.0f / 16);
  ExpectValid(gt, {0, 1, 0, 1, 1, 1});  // unknown, then nonocc's 0

  EvalScanOptions all;
  all.mask = EvalMask::kAll;
  scenes = ScanEvalScenes(dir.path(), all);
  EXPECT_EQ(scenes[0].mask.filename(), "all.png");
  ExpectValid(LoadGroundTruth(scenes[0]), {0, 1, 1, 1, 1, 1});
  EvalScanOptions disc;
  disc.mask = EvalMask::kDiscontinuities;
  scenes = ScanEvalScenes(dir.path(), disc);
  EXPECT_EQ(scenes[0].region, EvalMask::kDiscontinuities);
  // 128 (far from edges) and 0 (occluded) are not scored.
  ExpectValid(LoadGroundTruth(scenes[0]), {0, 0, 0, 1, 0, 0});
}

TEST(EvalScene, Middlebury2001Problems) {
  testing::TempDir dir;
  Write(dir / "a/groundtruth.png", Mask8({0, 1, 2, 3, 4, 5}));
  WriteLeft(dir / "a/imL.png");  // no info.txt
  Write(dir / "b/groundtruth.png", Mask8({0, 1, 2, 3, 4, 5}));
  WriteText(dir / "b/info.txt", "4 59");  // no imL
  WriteLeft(dir / "c/imL.png");
  Write(dir / "c/groundtruth.png", Mask8({0, 1, 2, 3, 4, 5}));
  WriteText(dir / "c/info.txt", "zero");
  const std::string error = ErrorOf([&] { ScanEvalScenes(dir.path()); });
  EXPECT_NE(error.find("3 problems"), std::string::npos) << error;
  EXPECT_NE(error.find("a/info.txt"), std::string::npos) << error;
  EXPECT_NE(error.find("imL"), std::string::npos) << error;
  EXPECT_NE(error.find("c/info.txt"), std::string::npos) << error;
}

TEST(EvalScene, Middlebury2014) {
  testing::TempDir dir;
  const fs::path scene = dir / "Adirondack-perfect";
  WriteLeft(scene / "im0.png");
  WriteLeft(scene / "im1.png");
  Write(scene / "disp0.pfm",
        Map<float>(2, 3, {kInf, 10.5f, 20.25f, 30, 40, 50}));
  // 255 = non-occluded, 128 = occluded, 0 = no ground truth.
  Write(scene / "mask0nocc.png", Mask8({0, 255, 128, 255, 255, 255}));
  WriteText(scene / "calib.txt", "ndisp=290\n");
  const std::vector<EvalScene> scenes = ScanEvalScenes(dir.path());
  ASSERT_EQ(scenes.size(), 1u);
  EXPECT_EQ(scenes[0].name, "Adirondack-perfect");
  EXPECT_EQ(scenes[0].layout, GtLayout::kMiddlebury2014);
  EXPECT_EQ(scenes[0].gt.filename(), "disp0.pfm");
  const GroundTruth gt = LoadGroundTruth(scenes[0]);
  EXPECT_FLOAT_EQ(gt.disparity.at<float>(0, 0), 0);
  EXPECT_FLOAT_EQ(gt.disparity.at<float>(0, 2), 20.25f);
  ExpectValid(gt, {0, 1, 0, 1, 1, 1});

  // disp0GT.pfm is preferred when both are present (MiddEval3).
  Write(scene / "disp0GT.pfm", Map<float>(2, 3, {1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(ScanEvalScenes(dir.path())[0].gt.filename(), "disp0GT.pfm");
  // --mask all: every pixel with ground truth (the occluded one too).
  EvalScanOptions all;
  all.mask = EvalMask::kAll;
  ExpectValid(LoadGroundTruth(ScanEvalScenes(dir.path(), all)[0]),
              {1, 1, 1, 1, 1, 1});
  // No disc mask in this layout.
  EvalScanOptions disc;
  disc.mask = EvalMask::kDiscontinuities;
  const std::string error = ErrorOf([&] { ScanEvalScenes(dir.path(), disc); });
  EXPECT_NE(error.find("middlebury-2014"), std::string::npos) << error;
}

TEST(EvalScene, Eth3dTwoView) {
  testing::TempDir dir;
  const fs::path scene = dir / "two_view_training/delivery_area_1l";
  WriteLeft(scene / "im0.png");
  WriteLeft(scene / "im1.png");
  WriteText(scene / "calib.txt",
            "cam0=[541.764 0 553.869; 0 541.764 232.396; 0 0 1]\n");
  Write(scene / "disp0GT.pfm",
        Map<float>(2, 3, {kInf, 3.5f, 4, 5, std::nanf(""), 7}));
  Write(scene / "mask0nocc.png", Mask8({255, 255, 255, 0, 255, 255}));
  const std::vector<EvalScene> scenes =
      ScanEvalScenes(dir / "two_view_training");
  ASSERT_EQ(scenes.size(), 1u);
  EXPECT_EQ(scenes[0].name, "delivery_area_1l");
  EXPECT_EQ(scenes[0].left_relative, fs::path("delivery_area_1l/im0.png"));
  const GroundTruth gt = LoadGroundTruth(scenes[0]);
  EXPECT_FLOAT_EQ(gt.disparity.at<float>(0, 1), 3.5f);
  ExpectValid(gt, {0, 1, 1, 0, 0, 1});  // inf, mask 0, NaN
}

TEST(EvalScene, Kitti2015) {
  testing::TempDir dir;
  const fs::path training = dir / "kitti/training";
  for (const char* frame : {"000000_10", "000001_10"}) {
    WriteLeft(training / "image_2" / (std::string(frame) + ".png"));
    WriteLeft(training / "image_3" / (std::string(frame) + ".png"));
    // uint16 / 256: 0 (none), 256 = 1 px, 12.5 px, 100 px ...
    Write(training / "disp_occ_0" / (std::string(frame) + ".png"),
          Map<uint16_t>(2, 3, {0, 256, 3200, 25600, 512, 768}));
  }
  // Non-occluded ground truth for the first frame only.
  Write(training / "disp_noc_0/000000_10.png",
        Map<uint16_t>(2, 3, {0, 256, 0, 25600, 512, 0}));
  const std::vector<EvalScene> scenes = ScanEvalScenes(dir / "kitti");
  ASSERT_EQ(scenes.size(), 2u);
  EXPECT_EQ(scenes[0].name, "000000_10");
  EXPECT_EQ(scenes[0].layout, GtLayout::kKitti2015);
  EXPECT_EQ(scenes[0].left_relative,
            fs::path("training/image_2/000000_10.png"));
  EXPECT_EQ(scenes[0].gt_scale, 256);
  GroundTruth gt = LoadGroundTruth(scenes[0]);
  EXPECT_FLOAT_EQ(gt.disparity.at<float>(0, 2), 12.5f);
  EXPECT_FLOAT_EQ(gt.disparity.at<float>(1, 0), 100);
  ExpectValid(gt, {0, 1, 0, 1, 1, 0});
  // Without disp_noc_0 every pixel with ground truth is scored.
  EXPECT_TRUE(scenes[1].region_fallback);
  ExpectValid(LoadGroundTruth(scenes[1]), {0, 1, 1, 1, 1, 1});
  // An 8-bit map where KITTI keeps 16 bits is refused, not divided by 256.
  Write(training / "disp_occ_0/000001_10.png",
        Map<uint8_t>(2, 3, {0, 1, 2, 3, 4, 5}));
  const std::string eight_bit = ErrorOf([&] { LoadGroundTruth(scenes[1]); });
  EXPECT_NE(eight_bit.find("16-bit"), std::string::npos) << eight_bit;

  // A disparity map without its image is a problem.
  Write(training / "disp_occ_0/000002_10.png",
        Map<uint16_t>(2, 3, {0, 1, 2, 3, 4, 5}));
  const std::string error = ErrorOf([&] { ScanEvalScenes(dir.path()); });
  EXPECT_NE(error.find("000002_10"), std::string::npos) << error;
}

TEST(EvalScene, Kitti2012) {
  testing::TempDir dir;
  WriteLeft(dir / "colored_0/000000_10.png");
  Write(dir / "disp_occ/000000_10.png",
        Map<uint16_t>(2, 3, {0, 256, 512, 768, 1024, 1280}));
  Write(dir / "disp_noc/000000_10.png",
        Map<uint16_t>(2, 3, {0, 256, 512, 0, 1024, 1280}));
  const std::vector<EvalScene> scenes = ScanEvalScenes(dir.path());
  ASSERT_EQ(scenes.size(), 1u);
  EXPECT_EQ(scenes[0].layout, GtLayout::kKitti2012);
  ExpectValid(LoadGroundTruth(scenes[0]), {0, 1, 1, 0, 1, 1});
}

TEST(EvalScene, SuffixedFiles) {
  testing::TempDir dir;
  WriteLeft(dir / "Adirondack_left.png");
  WriteLeft(dir / "Adirondack_right.png");
  WriteLeft(dir / "AdirondackE_right.png");
  Write(dir / "Adirondack_gt.png", Mask8({0, 7, 8, 60, 9, 10}));
  Write(dir / "Adirondack_mask.png", Mask8({255, 255, 0, 255, 255, 255}));
  const std::vector<EvalScene> scenes = ScanEvalScenes(dir.path());
  ASSERT_EQ(scenes.size(), 1u);
  EXPECT_EQ(scenes[0].name, "Adirondack");
  EXPECT_EQ(scenes[0].layout, GtLayout::kSuffixed);
  EXPECT_EQ(scenes[0].left.filename(), "Adirondack_left.png");
  const GroundTruth gt = LoadGroundTruth(scenes[0]);
  EXPECT_FLOAT_EQ(gt.disparity.at<float>(1, 0), 60);  // scale 1
  ExpectValid(gt, {0, 1, 0, 1, 1, 1});
}

TEST(EvalScene, GenericFloatMaps) {
  testing::TempDir dir;
  // An image beside <stem>_gt.npy, without a mask: all pixels with GT.
  WriteLeft(dir / "photos/street.jpg");
  Write(dir / "photos/street_gt.npy",
        Map<float>(2, 3, {std::nanf(""), 1, 2, -1, 0, 5}));
  // A folder with disp.pfm beside left/right images.
  WriteLeft(dir / "synth/0001/left.png");
  WriteLeft(dir / "synth/0001/right.png");
  Write(dir / "synth/0001/disp.pfm", Map<float>(2, 3, {1, 2, 3, 4, 5, 6}));
  // The only image beside a disp_left.pfm, with a mask.
  WriteLeft(dir / "synth/0002/view.png");
  Write(dir / "synth/0002/disp_left.pfm", Map<float>(2, 3, {1, 2, 3, 4, 5, 6}));
  Write(dir / "synth/0002/view_mask.png", Mask8({0, 255, 255, 255, 255, 255}));

  const std::vector<EvalScene> scenes = ScanEvalScenes(dir.path());
  ASSERT_EQ(scenes.size(), 3u);
  EXPECT_EQ(scenes[0].name, "street");
  EXPECT_EQ(scenes[0].layout, GtLayout::kGeneric);
  EXPECT_TRUE(scenes[0].region_fallback);
  // NaN, negative and zero disparities have no ground truth.
  ExpectValid(LoadGroundTruth(scenes[0]), {0, 1, 1, 0, 0, 1});
  EXPECT_EQ(scenes[1].name, "0001");
  EXPECT_EQ(scenes[1].left.filename(), "left.png");
  EXPECT_EQ(scenes[1].gt.filename(), "disp.pfm");
  EXPECT_EQ(scenes[2].name, "0002");
  EXPECT_EQ(scenes[2].mask.filename(), "view_mask.png");
  ExpectValid(LoadGroundTruth(scenes[2]), {0, 1, 1, 1, 1, 1});

  // Two candidate left images: a problem naming both.
  WriteLeft(dir / "synth/0003/a.png");
  WriteLeft(dir / "synth/0003/b.png");
  Write(dir / "synth/0003/disp.pfm", Map<float>(2, 3, {1, 2, 3, 4, 5, 6}));
  const std::string error = ErrorOf([&] { ScanEvalScenes(dir.path()); });
  EXPECT_NE(error.find("a.png, b.png"), std::string::npos) << error;
}

// A `synth --sequence` shot: ground truth for some frames of a sequence,
// each scene knowing its neighbouring frames (the ends have none).
TEST(EvalScene, FrameFoldersAreSequences) {
  testing::TempDir dir;
  for (const char* frame : {"000000", "000001", "000002", "000003"}) {
    WriteLeft(dir / "film/00007/left" / (std::string(frame) + ".png"));
    WriteLeft(dir / "film/00007/right" / (std::string(frame) + ".png"));
  }
  Write(dir / "film/00007/disp_left/000000.pfm",
        Map<float>(2, 3, {1, 2, 3, 4, 5, 6}));
  Write(dir / "film/00007/disp_left/000002.pfm",
        Map<float>(2, 3, {1, 2, 3, 4, 5, kInf}));
  Write(dir / "film/00007/mask_left/000002.png",
        Mask8({0, 255, 255, 255, 255, 255}));
  Write(dir / "film/00007/disp_right/000002.pfm",
        Map<float>(2, 3, {1, 2, 3, 4, 5, 6}));  // not a scene of its own

  const std::vector<EvalScene> scenes = ScanEvalScenes(dir.path());
  ASSERT_EQ(scenes.size(), 2u);
  EXPECT_EQ(scenes[0].name, "00007/000000");
  EXPECT_EQ(scenes[0].layout, GtLayout::kFrameFolders);
  EXPECT_TRUE(scenes[0].previous.empty());
  EXPECT_EQ(scenes[0].next.filename(), "000001.png");
  EXPECT_TRUE(scenes[0].region_fallback);
  EXPECT_EQ(scenes[1].left.filename(), "000002.png");
  EXPECT_EQ(scenes[1].previous.filename(), "000001.png");
  EXPECT_EQ(scenes[1].next.filename(), "000003.png");
  EXPECT_EQ(scenes[1].mask.filename(), "000002.png");
  ExpectValid(LoadGroundTruth(scenes[1]), {0, 1, 1, 1, 1, 0});

  // Ground truth without its frame is a problem naming it.
  Write(dir / "film/00007/disp_left/000009.pfm",
        Map<float>(2, 3, {1, 2, 3, 4, 5, 6}));
  const std::string error = ErrorOf([&] { ScanEvalScenes(dir.path()); });
  EXPECT_NE(error.find("000009.pfm"), std::string::npos) << error;
}

TEST(EvalScene, MixedTreeIsSortedAndEmptyIsAnError) {
  testing::TempDir dir;
  WriteLeft(dir / "z/im0.png");
  Write(dir / "z/disp0.pfm", Map<float>(2, 3, {1, 2, 3, 4, 5, 6}));
  WriteLeft(dir / "a/x_left.png");
  Write(dir / "a/x_gt.png", Mask8({1, 2, 3, 4, 5, 6}));
  const std::vector<EvalScene> scenes = ScanEvalScenes(dir.path());
  ASSERT_EQ(scenes.size(), 2u);
  EXPECT_EQ(scenes[0].name, "x");
  EXPECT_EQ(scenes[1].name, "z");

  testing::TempDir empty;
  WriteLeft(empty / "lonely.png");
  std::string error = ErrorOf([&] { ScanEvalScenes(empty.path()); });
  EXPECT_NE(error.find("no ground truth"), std::string::npos) << error;
  error = ErrorOf([&] { ScanEvalScenes(empty / "missing"); });
  EXPECT_NE(error.find("missing"), std::string::npos) << error;
}

TEST(EvalScene, SizeMismatchNamesTheFile) {
  testing::TempDir dir;
  WriteLeft(dir / "s_left.png", {4, 2});
  Write(dir / "s_gt.png", Mask8({1, 2, 3, 4, 5, 6}));
  const std::vector<EvalScene> scenes = ScanEvalScenes(dir.path());
  const std::string error = ErrorOf([&] { LoadGroundTruth(scenes[0]); });
  EXPECT_NE(error.find("s_gt.png"), std::string::npos) << error;
  EXPECT_NE(error.find("3x2"), std::string::npos) << error;
}

TEST(EvalScene, ParseNames) {
  for (EvalMask m :
       {EvalMask::kNonOccluded, EvalMask::kAll, EvalMask::kDiscontinuities}) {
    EXPECT_EQ(ParseEvalMask(ToString(m)), m);
  }
  EXPECT_NE(ErrorOf([] { ParseEvalMask("occ"); }).find("--mask"),
            std::string::npos);
}

TEST(EvalScene, SharedEvalData) {
  const auto stereo = testing::SharedStereoDir();
  if (!stereo || !fs::is_directory(*stereo / "eval")) {
    GTEST_SKIP() << "no ../shared/data/stereo/eval";
  }
  const std::vector<EvalScene> scenes = ScanEvalScenes(*stereo / "eval");
  ASSERT_EQ(scenes.size(), 5u);
  std::vector<std::string> names;
  for (const EvalScene& s : scenes) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"cones", "teddy", "tsukuba",
                                             "venus", "Adirondack"}));
  EXPECT_EQ(scenes[2].gt_scale, 16);
  EXPECT_EQ(scenes[4].layout, GtLayout::kSuffixed);
  EXPECT_EQ(scenes[4].mask.filename(), "Adirondack_mask.png");
  for (const EvalScene& s : scenes) {
    EXPECT_EQ(s.region, EvalMask::kNonOccluded) << s.name;
    const GroundTruth gt = LoadGroundTruth(s);
    EXPECT_GT(cv::countNonZero(gt.valid), 50000) << s.name;
  }
}

}  // namespace
}  // namespace parallax
