#include "parallax/train/train_options.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "parallax/util/check.h"

namespace parallax {
namespace {

TrainOptions Valid() {
  TrainOptions options;
  options.data = {{"/data/a", 1.0}, {"/data/b", 3.0}};
  options.out = "/tmp/run";
  options.steps = 100;
  return options;
}

TEST(TrainOptions, GodardScheduleKeepsTheRateFor60PercentThenHalves) {
  const TrainOptions options = Valid();
  EXPECT_DOUBLE_EQ(LearningRateAt(options, 0, 100), 1e-4);
  EXPECT_DOUBLE_EQ(LearningRateAt(options, 59, 100), 1e-4);
  EXPECT_DOUBLE_EQ(LearningRateAt(options, 60, 100), 5e-5);
  EXPECT_DOUBLE_EQ(LearningRateAt(options, 79, 100), 5e-5);
  EXPECT_DOUBLE_EQ(LearningRateAt(options, 80, 100), 2.5e-5);
  EXPECT_DOUBLE_EQ(LearningRateAt(options, 99, 100), 2.5e-5);
}

TEST(TrainOptions, EpochsBecomeSteps) {
  TrainOptions options = Valid();
  options.steps = 0;
  options.epochs = 2;
  options.batch_size = 8;
  EXPECT_EQ(options.TotalSteps(270), 68);  // ceil(2 * 270 / 8)
  options.steps = 50;
  EXPECT_EQ(options.TotalSteps(270), 50);
}

TEST(TrainOptions, JsonRoundTripKeepsEverything) {
  TrainOptions options = Valid();
  options.model.architecture = Architecture::kVgg;
  options.model.disparity_mode = DisparityMode::kSigned;
  options.model.max_disparity = 0.05;
  options.loss.supervised = 0.5;
  options.augment.resize = ResizeMode::kRandomCrop;
  options.packed = PackedLayout::kTopBottom;
  options.seed = 1234567890123ull;
  options.lr_milestones = {0.5};
  options.stereo_hints = true;
  options.exclude = {"*/Teddy.png"};
  options.loss.mask_borders = true;
  options.ema_decay = 0.998;
  options.loss.supervised_invariant = 2.5;
  options.loss.supervised_gradient = 0.75;
  options.augment.channel_shuffle_probability = 0.25;
  const TrainOptions back = nlohmann::json(options).get<TrainOptions>();
  EXPECT_EQ(nlohmann::json(back), nlohmann::json(options));
  EXPECT_EQ(back.model.disparity_mode, DisparityMode::kSigned);
  EXPECT_EQ(back.data[1].weight, 3.0);
  EXPECT_EQ(*back.packed, PackedLayout::kTopBottom);
  EXPECT_EQ(back.seed, 1234567890123ull);
  EXPECT_TRUE(back.stereo_hints);
  EXPECT_EQ(back.exclude, options.exclude);
  EXPECT_TRUE(back.loss.mask_borders);
  EXPECT_EQ(back.ema_decay, 0.998);
  EXPECT_EQ(back.loss.supervised_invariant, 2.5);
  EXPECT_EQ(back.loss.supervised_gradient, 0.75);
  EXPECT_EQ(back.augment.channel_shuffle_probability, 0.25);
  // Checkpoints from before stereo hints, border masks and weight averages
  // still load, without them.
  nlohmann::json old = nlohmann::json(options);
  old.erase("stereo_hints");
  old.erase("exclude");
  old["loss"].erase("mask_borders");
  old.erase("ema_decay");
  old["loss"].erase("supervised_invariant");
  old["loss"].erase("supervised_gradient");
  old["augment"].erase("channel_shuffle_probability");
  EXPECT_EQ(old.get<TrainOptions>().augment.channel_shuffle_probability, 0.0);
  EXPECT_EQ(old.get<TrainOptions>().loss.supervised_invariant, 0.0);
  EXPECT_EQ(old.get<TrainOptions>().loss.supervised_gradient, 0.0);
  EXPECT_EQ(old.get<TrainOptions>().ema_decay, 0.0);
  EXPECT_FALSE(old.get<TrainOptions>().stereo_hints);
  EXPECT_FALSE(old.get<TrainOptions>().loss.mask_borders);
}

TEST(TrainOptions, BadValuesAreNamed) {
  auto message = [](TrainOptions options) {
    try {
      options.Check();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  TrainOptions options = Valid();
  EXPECT_EQ(message(options), "");
  options.data.clear();
  EXPECT_NE(message(options).find("--data"), std::string::npos);
  options = Valid();
  options.steps = 0;
  EXPECT_NE(message(options).find("--steps"), std::string::npos);
  options = Valid();
  options.batch_size = 0;
  EXPECT_NE(message(options).find("--batch"), std::string::npos);
  options = Valid();
  options.lr_milestones = {1.5};
  EXPECT_NE(message(options).find("--lr-milestones"), std::string::npos);
  options = Valid();
  options.loss.mask_borders = true;
  EXPECT_EQ(message(options), "");
  options.model.head = HeadType::kDeep3d;
  EXPECT_NE(message(options).find("--border-mask"), std::string::npos);
  options = Valid();
  options.ema_decay = 1.0;
  EXPECT_NE(message(options).find("--ema"), std::string::npos);
}

}  // namespace
}  // namespace parallax
