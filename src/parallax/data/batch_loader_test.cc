#include "parallax/data/batch_loader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <opencv2/imgproc.hpp>

#include "parallax/io/image_io.h"
#include "parallax/testing/testing.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

constexpr int kFrames = 6;
constexpr int kShift = 4;  // px per frame to the right, at 96 px wide

cv::Mat Texture(cv::Size size, int seed) {
  cv::Mat image(size, CV_8UC3);
  cv::RNG rng(seed);
  rng.fill(image, cv::RNG::UNIFORM, 0, 255);
  cv::GaussianBlur(image, image, cv::Size(0, 0), 2.0);
  cv::normalize(image, image, 0, 255, cv::NORM_MINMAX);
  return image;
}

cv::Mat Shift(const cv::Mat& image, double dx) {
  const cv::Mat transform = (cv::Mat_<double>(2, 3) << 1, 0, dx, 0, 1, 0);
  cv::Mat shifted;
  cv::warpAffine(image, shifted, transform, image.size(), cv::INTER_LINEAR,
                 cv::BORDER_REFLECT);
  return shifted;
}

// A video whose content moves kShift px right per frame (both eyes), and a
// still pair with ground truth.
struct Data {
  Data() {
    const cv::Mat base = Texture({160, 72}, 1);
    fs::create_directories(dir / "video" / "left");
    fs::create_directories(dir / "video" / "right");
    for (int i = 0; i < kFrames; ++i) {
      const cv::Mat frame = Shift(base, kShift * i)(cv::Rect(32, 0, 96, 72));
      WriteImage(dir / "video" / "left" / fmt::format("{}.png", i), frame);
      WriteImage(dir / "video" / "right" / fmt::format("{}.png", i),
                 Shift(frame, -3));
    }
    fs::create_directories(dir / "still");
    WriteImage(dir / "still" / "im0.png", Texture({96, 72}, 2));
    WriteImage(dir / "still" / "im1.png", Texture({96, 72}, 3));
    WriteImage(dir / "still" / "disp0.pfm",
               cv::Mat(72, 96, CV_32FC1, cv::Scalar(9.6)));
    video = ScanStereoDataset(dir / "video");
    still = ScanStereoDataset(dir / "still");
  }
  testing::TempDir dir;
  StereoDataset video, still;
};

const Data& SharedData() {
  static const Data* data = new Data;
  return *data;
}

BatchLoaderOptions SmallOptions() {
  BatchLoaderOptions options;
  options.batch_size = 3;
  options.size = {48, 36};
  options.seed = 42;
  options.num_workers = 2;
  options.prefetch_batches = 2;
  return options;
}

bool SameBits(const std::vector<float>& a, const std::vector<float>& b) {
  // Empty vectors (batches without ground truth) may have null data(), and
  // memcmp on a null pointer is undefined even for 0 bytes (UBSan).
  return a.size() == b.size() &&
         (a.empty() ||
          std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

bool SameBatch(const Batch& a, const Batch& b) {
  return a.index == b.index && SameBits(a.input, b.input) &&
         SameBits(a.left, b.left) && SameBits(a.right, b.right) &&
         SameBits(a.gt_disparity, b.gt_disparity);
}

// Mean of channel `c` of sample `b` in a planar [B, C, H, W] buffer.
double PlaneMean(const Batch& batch, int b, int c) {
  const size_t plane = size_t(batch.height) * batch.width;
  const float* p =
      batch.input.data() + (size_t(b) * batch.input_channels + c) * plane;
  double sum = 0;
  for (size_t i = 0; i < plane; ++i) sum += p[i];
  return sum / double(plane);
}

TEST(MixSeed, IsStableAndSpreadsNearbyValues) {
  EXPECT_EQ(MixSeed(1, 2), MixSeed(1, 2));
  EXPECT_NE(MixSeed(1, 2), MixSeed(1, 3));
  EXPECT_NE(MixSeed(1, 2), MixSeed(2, 2));
  EXPECT_NE(MixSeed(0, 1), MixSeed(1, 0));
}

TEST(SampleSchedule, EachPassVisitsEveryPairOnce) {
  SampleSchedule schedule({5}, {1.0}, 7);
  for (int pass = 0; pass < 3; ++pass) {
    std::vector<int> seen(5, 0);
    for (int i = 0; i < 5; ++i) {
      const auto entry = schedule.Next();
      EXPECT_EQ(entry.dataset, 0);
      ++seen[entry.pair];
    }
    EXPECT_EQ(seen, std::vector<int>(5, 1));
  }
}

TEST(SampleSchedule, WeightsMixDatasetsAndSkipFastForwards) {
  SampleSchedule schedule({10, 3}, {3.0, 1.0}, 1);
  int first = 0;
  for (int i = 0; i < 4000; ++i) first += schedule.Next().dataset == 0;
  EXPECT_NEAR(first / 4000.0, 0.75, 0.03);
  SampleSchedule a({10, 3}, {3.0, 1.0}, 5), b({10, 3}, {3.0, 1.0}, 5);
  for (int i = 0; i < 37; ++i) a.Next();
  b.Skip(37);
  for (int i = 0; i < 20; ++i) {
    const auto x = a.Next(), y = b.Next();
    EXPECT_EQ(x.dataset, y.dataset);
    EXPECT_EQ(x.pair, y.pair);
  }
}

TEST(BatchLoader, SameSeedGivesIdenticalBatches) {
  const Data& data = SharedData();
  BatchLoader a({data.video, data.still}, SmallOptions());
  BatchLoader b({data.video, data.still}, SmallOptions());
  EXPECT_EQ(a.total_pairs(), size_t(kFrames + 1));
  for (int i = 0; i < 4; ++i) {
    const Batch x = a.Next(), y = b.Next();
    EXPECT_EQ(x.index, i);
    EXPECT_TRUE(SameBatch(x, y)) << "batch " << i;
    EXPECT_EQ(x.input.size(), size_t(3 * 3 * 36 * 48));
  }
  BatchLoaderOptions other = SmallOptions();
  other.seed = 43;
  BatchLoader c({data.video, data.still}, other);
  BatchLoader d({data.video, data.still}, SmallOptions());
  EXPECT_FALSE(SameBatch(c.Next(), d.Next()));
}

TEST(BatchLoader, ResumingAtBatchNGivesBatchN) {
  const Data& data = SharedData();
  std::vector<Batch> run;
  {
    BatchLoader loader({data.video, data.still}, SmallOptions());
    for (int i = 0; i < 5; ++i) run.push_back(loader.Next());
  }
  BatchLoader resumed({data.video, data.still}, SmallOptions(), 3);
  const Batch third = resumed.Next();
  EXPECT_EQ(third.index, 3);
  EXPECT_TRUE(SameBatch(third, run[3]));
  EXPECT_TRUE(SameBatch(resumed.Next(), run[4]));
}

TEST(BatchLoader, ThreeChannelInputIsTheLeftView) {
  const Data& data = SharedData();
  BatchLoader loader({data.video}, SmallOptions());
  const Batch batch = loader.Next();
  EXPECT_TRUE(SameBits(batch.input, batch.left));
  for (const float value : batch.left) {
    ASSERT_GE(value, 0.0f);
    ASSERT_LE(value, 1.0f);
  }
  EXPECT_TRUE(batch.gt_disparity.empty());  // the video has no GT
}

TEST(BatchLoader, SevenChannelLayoutHasFlowAroundRgb) {
  const Data& data = SharedData();
  for (const double flip : {0.0, 1.0}) {
    BatchLoaderOptions options = SmallOptions();
    options.input_channels = 7;
    options.batch_size = kFrames;  // one pass: every frame once
    options.augment.flip_probability = flip;
    BatchLoader loader({data.video}, options);
    const Batch batch = loader.Next();
    ASSERT_EQ(batch.input.size(), size_t(kFrames * 7 * 36 * 48));
    const size_t plane = 36 * 48;
    int zero_prev = 0, zero_next = 0;
    for (int b = 0; b < kFrames; ++b) {
      // Channels 2..4 are the RGB input.
      EXPECT_EQ(std::memcmp(batch.input.data() + (b * 7 + 2) * plane,
                            batch.left.data() + b * 3 * plane,
                            3 * plane * sizeof(float)),
                0);
      // Content moves right frame by frame: the next frame's flow points
      // right (+x), the previous one's left; mirrored samples the other
      // way round. Ends of the sequence have no neighbour: zero flow.
      const double sign = flip > 0 ? -1.0 : 1.0;
      const double prev_x = PlaneMean(batch, b, 0);
      const double next_x = PlaneMean(batch, b, 5);
      if (prev_x == 0 && PlaneMean(batch, b, 1) == 0) {
        ++zero_prev;
      } else {
        EXPECT_LT(sign * prev_x, -0.5) << "sample " << b;
      }
      if (next_x == 0 && PlaneMean(batch, b, 6) == 0) {
        ++zero_next;
      } else {
        EXPECT_GT(sign * next_x, 0.5) << "sample " << b;
        // Normalised: mean |fx| and |fy| average to 1, and y is ~0 here.
        EXPECT_LT(std::abs(PlaneMean(batch, b, 6)), 0.3);
      }
    }
    EXPECT_EQ(zero_prev, 1) << "flip " << flip;
    EXPECT_EQ(zero_next, 1) << "flip " << flip;
  }
}

// `parallax extract --flow` stores each view's flow beside the views: the
// loader takes it instead of computing flow from neighbours (which a film
// sampled every N frames does not have), crops, resizes and mirrors it with
// the sample, and rescales it to mean |component| 1.
TEST(BatchLoader, StoredFlowIsUsedAndMirroredWithTheSample) {
  if (!ExrSupported()) GTEST_SKIP() << "no EXR in this OpenCV build";
  testing::TempDir dir;
  for (const char* folder : {"left", "right", "flow_left", "flow_right"}) {
    fs::create_directories(dir / "film" / folder);
  }
  // Two pairs of one "shot" whose neighbours would give other flow.
  for (int i = 0; i < 2; ++i) {
    const std::string name = fmt::format("{:07d}", 10 * i);
    WriteImage(dir / "film/left" / (name + ".png"), Texture({96, 72}, 5 + i));
    WriteImage(dir / "film/right" / (name + ".png"), Texture({96, 72}, 7 + i));
    // Previous (x, y) = (3, 1), next = (-6, 2) for the left view; the
    // right view's are different, so the test sees which one is used.
    ImageWriteOptions half;
    half.exr_half = true;
    WriteImage(dir / "film/flow_left" / (name + ".exr"),
               cv::Mat(72, 96, CV_32FC4, cv::Scalar(3, 1, -6, 2)), half);
    WriteImage(dir / "film/flow_right" / (name + ".exr"),
               cv::Mat(72, 96, CV_32FC4, cv::Scalar(-1, 3, 4, 0)), half);
  }
  const StereoDataset dataset = ScanStereoDataset(dir / "film");
  ASSERT_EQ(dataset.pairs.size(), 2u);
  ASSERT_FALSE(dataset.pairs[0].flow_left.empty());
  for (const double flip : {0.0, 1.0}) {
    BatchLoaderOptions options = SmallOptions();
    options.input_channels = 7;
    options.batch_size = 2;
    options.augment.flip_probability = flip;
    BatchLoader loader({dataset}, options);
    const Batch batch = loader.Next();
    for (int b = 0; b < 2; ++b) {
      // Resized 96x72 -> 48x36 halves both components, and the scaling to
      // mean |component| 1 undoes it: (3, 1) -> (1.5, 0.5).
      if (flip == 0) {
        EXPECT_NEAR(PlaneMean(batch, b, 0), 1.5, 1e-3);
        EXPECT_NEAR(PlaneMean(batch, b, 1), 0.5, 1e-3);
        EXPECT_NEAR(PlaneMean(batch, b, 5), -1.5, 1e-3);
        EXPECT_NEAR(PlaneMean(batch, b, 6), 0.5, 1e-3);
      } else {
        // The right view's flow, mirrored: (-1, 3) -> (1, 3) -> (0.5, 1.5).
        EXPECT_NEAR(PlaneMean(batch, b, 0), 0.5, 1e-3);
        EXPECT_NEAR(PlaneMean(batch, b, 1), 1.5, 1e-3);
        EXPECT_NEAR(PlaneMean(batch, b, 5), -2.0, 1e-3);
        EXPECT_NEAR(PlaneMean(batch, b, 6), 0.0, 1e-3);
      }
    }
  }
}

TEST(BatchLoader, GroundTruthIsNanWhereASampleHasNone) {
  const Data& data = SharedData();
  BatchLoaderOptions options = SmallOptions();
  options.batch_size = 8;
  options.augment.flip_probability = 0;
  options.augment.enabled = true;
  StereoDataset still = data.still;
  BatchLoader loader({data.video, still}, options);
  const Batch batch = loader.Next();
  ASSERT_FALSE(batch.gt_disparity.empty());
  const size_t plane = 36 * 48;
  int with_gt = 0;
  for (int b = 0; b < 8; ++b) {
    const float value = batch.gt_disparity[b * plane + 100];
    if (std::isnan(value)) continue;
    ++with_gt;
    EXPECT_NEAR(value, 9.6 / 96, 1e-6);  // a fraction of the width
  }
  EXPECT_GE(with_gt, 1);
  EXPECT_LT(with_gt, 8);
}

TEST(BatchLoader, StereoHintsFillInMissingGroundTruthOnly) {
  const Data& data = SharedData();
  BatchLoaderOptions options = SmallOptions();
  options.batch_size = 8;
  options.augment.enabled = false;  // plain resize: 96 -> 48 px wide
  options.stereo_hints = true;
  BatchLoader loader({data.video, data.still}, options);
  const Batch batch = loader.Next();
  ASSERT_FALSE(batch.gt_disparity.empty());
  const size_t plane = 36 * 48;
  int hinted = 0, real = 0;
  for (int b = 0; b < 8; ++b) {
    std::vector<float> valid;
    for (size_t i = 0; i < plane; ++i) {
      const float v = batch.gt_disparity[b * plane + i];
      if (!std::isnan(v)) valid.push_back(v);
    }
    ASSERT_FALSE(valid.empty()) << "sample " << b << " has no target";
    std::nth_element(valid.begin(), valid.begin() + valid.size() / 2,
                     valid.end());
    const float median = valid[valid.size() / 2];
    if (std::abs(median - 9.6f / 96) < 1e-6) {
      ++real;  // the still pair keeps its own ground truth
    } else {
      ++hinted;  // the video's views are 3 px apart
      EXPECT_NEAR(median, 3.0 / 96, 0.25 / 96);
    }
  }
  EXPECT_GE(hinted, 1);
  EXPECT_GE(real, 1);
}

TEST(BatchLoader, WorkerErrorsReachNext) {
  const Data& data = SharedData();
  StereoDataset broken = data.still;
  broken.pairs[0].left = data.dir / "still" / "gone.png";
  BatchLoader loader({broken}, SmallOptions());
  try {
    loader.Next();
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("gone.png"), std::string::npos);
  }
}

TEST(BatchLoader, RejectsBadOptions) {
  const Data& data = SharedData();
  BatchLoaderOptions options = SmallOptions();
  options.input_channels = 5;
  EXPECT_THROW(BatchLoader({data.video}, options), Error);
  EXPECT_THROW(BatchLoader({}, SmallOptions()), Error);
  StereoDataset empty;
  EXPECT_THROW(BatchLoader({empty}, SmallOptions()), Error);
}

}  // namespace
}  // namespace parallax
