#include "parallax/data/augment.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <limits>
#include <opencv2/imgproc.hpp>
#include <set>

namespace parallax {
namespace {

// Views that tell left from right, and left edge from right edge.
StereoPair MakePair(cv::Size size = {64, 32}) {
  StereoPair pair;
  pair.left.create(size, CV_8UC3);
  pair.right.create(size, CV_8UC3);
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      const auto ramp = static_cast<uint8_t>(x * 255 / (size.width - 1));
      pair.left.at<cv::Vec3b>(y, x) = {uint8_t(y * 4), 0, ramp};  // B, G, R
      pair.right.at<cv::Vec3b>(y, x) = {0, ramp, uint8_t(y * 4)};
    }
  }
  pair.gt_disparity.create(size, CV_32FC1);
  pair.gt_disparity.setTo(20.0f);
  return pair;
}

cv::Mat PlainResize(const cv::Mat& bgr, cv::Size size) {
  cv::Mat resized, rgb;
  cv::resize(bgr, resized, size, 0, 0, cv::INTER_AREA);
  cv::cvtColor(resized, rgb, cv::COLOR_BGR2RGB);
  rgb.convertTo(rgb, CV_32F, 1.0 / 255.0);
  return rgb;
}

bool Identical(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() &&
         cv::norm(a, b, cv::NORM_INF) == 0;
}

AugmentOptions Only(double flip, double color) {
  AugmentOptions options;
  options.flip_probability = flip;
  options.color_probability = color;
  return options;
}

TEST(Augment, DisabledIsAPlainResizeToRgb) {
  const StereoPair pair = MakePair();
  AugmentOptions options;
  options.enabled = false;
  options.resize = ResizeMode::kRandomCrop;  // ignored when disabled
  std::mt19937_64 rng(1);
  const cv::Size size(32, 16);
  const TrainingSample sample = MakeTrainingSample(pair, size, options, rng);
  EXPECT_TRUE(Identical(sample.left, PlainResize(pair.left, size)));
  EXPECT_TRUE(Identical(sample.right, PlainResize(pair.right, size)));
  EXPECT_FALSE(sample.flipped);
  // RGB order: the left view's red channel is the horizontal ramp.
  EXPECT_GT(sample.left.at<cv::Vec3f>(0, 31)[0], 0.9f);
  EXPECT_LT(sample.left.at<cv::Vec3f>(0, 31)[2], 0.02f);  // blue: 2 rows
}

TEST(Augment, FlipMirrorsAndSwapsTheViews) {
  const StereoPair pair = MakePair();
  std::mt19937_64 rng(2);
  const cv::Size size(32, 16);
  const TrainingSample sample =
      MakeTrainingSample(pair, size, Only(1.0, 0.0), rng);
  ASSERT_TRUE(sample.flipped);
  cv::Mat expected_left, expected_right;
  cv::flip(PlainResize(pair.right, size), expected_left, 1);
  cv::flip(PlainResize(pair.left, size), expected_right, 1);
  EXPECT_TRUE(Identical(sample.left, expected_left));
  EXPECT_TRUE(Identical(sample.right, expected_right));
  // The old left view's ground truth does not fit the new left view.
  EXPECT_TRUE(sample.gt_disparity.empty());

  // With the right view's ground truth, the mirrored right view (now the
  // left one) keeps supervision: its GT mirrored, as a fraction of width.
  StereoPair with_right = MakePair();
  with_right.gt_disparity_right.create(with_right.left.size(), CV_32FC1);
  for (int x = 0; x < with_right.left.cols; ++x) {
    with_right.gt_disparity_right.col(x).setTo(static_cast<float>(x));
  }
  std::mt19937_64 rng2(2);
  const TrainingSample mirrored =
      MakeTrainingSample(with_right, size, Only(1.0, 0.0), rng2);
  ASSERT_TRUE(mirrored.flipped);
  ASSERT_EQ(mirrored.gt_disparity.size(), size);
  const int w = with_right.left.cols;
  // Column 0 of the mirrored map comes from the right view's last columns.
  EXPECT_GT(mirrored.gt_disparity.at<float>(3, 0),
            mirrored.gt_disparity.at<float>(3, size.width - 1));
  EXPECT_NEAR(mirrored.gt_disparity.at<float>(3, 0), (w - 1.0) / w, 0.05);
}

TEST(Augment, ColourJitterStaysInRangeAndMatchesTheFormula) {
  StereoPair pair;
  pair.left = cv::Mat(8, 8, CV_8UC3, cv::Scalar(51, 102, 204));  // B, G, R
  pair.right = pair.left.clone();
  const AugmentOptions options = Only(0.0, 1.0);
  for (uint64_t seed = 0; seed < 200; ++seed) {
    std::mt19937_64 rng(seed);
    const AugmentParams params =
        DrawAugmentParams(pair.left.size(), {8, 8}, options, rng);
    ASSERT_TRUE(params.color);
    EXPECT_GE(params.gamma, options.gamma_min);
    EXPECT_LE(params.gamma, options.gamma_max);
    EXPECT_GE(params.brightness, options.brightness_min);
    EXPECT_LE(params.brightness, options.brightness_max);
    for (int c = 0; c < 3; ++c) {
      EXPECT_GE(params.color_scale[c], options.color_min);
      EXPECT_LE(params.color_scale[c], options.color_max);
    }
    const TrainingSample sample = ApplyAugmentation(pair, {8, 8}, params);
    const cv::Vec3f got = sample.left.at<cv::Vec3f>(3, 3);
    const double rgb[3] = {204 / 255.0, 102 / 255.0, 51 / 255.0};
    for (int c = 0; c < 3; ++c) {
      const double expected =
          std::clamp(std::pow(rgb[c], params.gamma) * params.brightness *
                         params.color_scale[c],
                     0.0, 1.0);
      EXPECT_NEAR(got[c], expected, 1e-5) << "seed " << seed;
    }
    // Both views get the very same jitter.
    EXPECT_TRUE(Identical(sample.left, sample.right));
  }
}

// One channel of a float RGB image.
cv::Mat Channel(const cv::Mat& rgb, int c) {
  cv::Mat plane;
  cv::extractChannel(rgb, plane, c);
  return plane;
}

TEST(Augment, ChannelShuffleReordersBothViewsAlikeAndNothingElse) {
  const StereoPair pair = MakePair();
  AugmentOptions options = Only(0.0, 1.0);
  options.resize = ResizeMode::kRandomCrop;
  AugmentOptions shuffling = options;
  shuffling.channel_shuffle_probability = 1.0;
  std::set<std::array<int, 3>> orders;
  for (uint64_t seed = 0; seed < 60; ++seed) {
    std::mt19937_64 plain_rng(seed), shuffled_rng(seed);
    const AugmentParams plain =
        DrawAugmentParams(pair.left.size(), {32, 16}, options, plain_rng);
    const AugmentParams shuffled =
        DrawAugmentParams(pair.left.size(), {32, 16}, shuffling, shuffled_rng);
    // The shuffle's draws come last: crop, flip and jitter are unchanged.
    EXPECT_EQ(plain.crop, shuffled.crop);
    EXPECT_EQ(plain.gamma, shuffled.gamma);
    EXPECT_EQ(plain.color_scale, shuffled.color_scale);
    EXPECT_EQ(plain.channel_order, cv::Vec3i(0, 1, 2));
    const cv::Vec3i& order = shuffled.channel_order;
    ASSERT_NE(order, cv::Vec3i(0, 1, 2)) << "probability 1 always shuffles";
    orders.insert({order[0], order[1], order[2]});
    const TrainingSample a = ApplyAugmentation(pair, {32, 16}, plain);
    const TrainingSample b = ApplyAugmentation(pair, {32, 16}, shuffled);
    for (int c = 0; c < 3; ++c) {
      EXPECT_TRUE(Identical(Channel(b.left, c), Channel(a.left, order[c])));
      EXPECT_TRUE(Identical(Channel(b.right, c), Channel(a.right, order[c])));
    }
    EXPECT_TRUE(Identical(a.gt_disparity, b.gt_disparity));
  }
  EXPECT_EQ(orders.size(), 5u) << "every non-identity order is drawn";
}

TEST(Augment, ChannelShuffleDrawsTwoValuesOnlyWhenOn) {
  // Runs without the shuffle must draw what they drew before it existed:
  // ten values (crop zoom and position, flip, jitter switch, gamma,
  // brightness, three colour scales); with it, two more.
  const StereoPair pair = MakePair();
  for (const double probability : {0.0, 0.4}) {
    AugmentOptions options;
    options.channel_shuffle_probability = probability;
    std::mt19937_64 rng(7), expected(7);
    DrawAugmentParams(pair.left.size(), {32, 16}, options, rng);
    expected.discard(probability > 0 ? 12 : 10);
    EXPECT_EQ(rng(), expected()) << "probability " << probability;
  }
}

TEST(Augment, ChannelShuffleFollowsItsProbability) {
  const StereoPair pair = MakePair();
  AugmentOptions options;
  options.channel_shuffle_probability = 0.3;
  int shuffled = 0;
  const int draws = 2000;
  for (int seed = 0; seed < draws; ++seed) {
    std::mt19937_64 rng(seed);
    const AugmentParams params =
        DrawAugmentParams(pair.left.size(), {32, 16}, options, rng);
    if (params.channel_order != cv::Vec3i(0, 1, 2)) ++shuffled;
  }
  EXPECT_NEAR(shuffled / double(draws), 0.3, 0.04);
}

TEST(Augment, SameSeedSameSample) {
  const StereoPair pair = MakePair();
  AugmentOptions options;
  options.resize = ResizeMode::kRandomCrop;
  const auto make = [&](uint64_t seed) {
    std::mt19937_64 rng(seed);
    return MakeTrainingSample(pair, {32, 16}, options, rng);
  };
  int differing = 0;
  for (uint64_t seed = 0; seed < 10; ++seed) {
    const TrainingSample a = make(seed), b = make(seed);
    EXPECT_TRUE(Identical(a.left, b.left));
    EXPECT_TRUE(Identical(a.right, b.right));
    EXPECT_EQ(a.flipped, b.flipped);
    if (!Identical(a.left, make(seed + 100).left)) ++differing;
  }
  EXPECT_GE(differing, 8);
}

TEST(Augment, GroundTruthBecomesAFractionOfTheWidth) {
  StereoPair pair = MakePair({200, 100});
  pair.gt_disparity.at<float>(0, 0) = std::numeric_limits<float>::quiet_NaN();
  AugmentOptions options;
  options.enabled = false;
  std::mt19937_64 rng(0);
  const TrainingSample resized =
      MakeTrainingSample(pair, {50, 25}, options, rng);
  ASSERT_EQ(resized.gt_disparity.size(), cv::Size(50, 25));
  // 20 px of a 200 px wide image: 0.1 of the width at any size.
  EXPECT_FLOAT_EQ(resized.gt_disparity.at<float>(10, 10), 0.1f);
  EXPECT_TRUE(std::isnan(resized.gt_disparity.at<float>(0, 0)));
  // A crop of width w sees the same 20 px as 20 / w of its width.
  options = Only(0.0, 0.0);
  options.resize = ResizeMode::kRandomCrop;
  options.max_crop_zoom = 2.0;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    std::mt19937_64 draw(seed);
    const AugmentParams params =
        DrawAugmentParams(pair.left.size(), {50, 25}, options, draw);
    const TrainingSample sample = ApplyAugmentation(pair, {50, 25}, params);
    EXPECT_FLOAT_EQ(sample.gt_disparity.at<float>(12, 30),
                    20.0f / params.crop.width);
  }
}

TEST(Augment, RandomCropsKeepTheAspectRatioInsideTheFrame) {
  AugmentOptions options;
  options.resize = ResizeMode::kRandomCrop;
  options.max_crop_zoom = 1.5;
  const cv::Size source(400, 300), size(64, 32);
  for (uint64_t seed = 0; seed < 100; ++seed) {
    std::mt19937_64 rng(seed);
    const cv::Rect crop = DrawAugmentParams(source, size, options, rng).crop;
    EXPECT_EQ(crop & cv::Rect({0, 0}, source), crop);
    EXPECT_NEAR(double(crop.width) / crop.height, 2.0, 0.02);
    // The widest 2:1 window is 400x200; zoom 1..1.5 shrinks it to >= 267.
    EXPECT_LE(crop.width, 400);
    EXPECT_GE(crop.width, 266);
  }
}

TEST(Augment, CropAndResizeEnlargesBilinearly) {
  cv::Mat image(2, 2, CV_8UC1);
  image.at<uint8_t>(0, 0) = 0;
  image.at<uint8_t>(0, 1) = 100;
  image.at<uint8_t>(1, 0) = 0;
  image.at<uint8_t>(1, 1) = 100;
  const cv::Mat big = CropAndResize(image, {0, 0, 2, 2}, {8, 2});
  // Bilinear gives intermediate values; nearest (or area) would not.
  EXPECT_GT(big.at<uint8_t>(0, 3), 0);
  EXPECT_LT(big.at<uint8_t>(0, 3), 100);
}

}  // namespace
}  // namespace parallax
