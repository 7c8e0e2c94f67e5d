#include "parallax/train/trainer.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "parallax/model/checkpoint.h"
#include "parallax/model/checkpoint_file.h"
#include "parallax/testing/testing.h"
#include "parallax/train/synthetic_stereo.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"
#include "parallax/util/interrupt.h"
#include "parallax/util/strings.h"

namespace parallax {
namespace {
namespace fs = std::filesystem;

class TrainerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::set_num_threads(2);
    testing::WriteTwoPlaneDataset(dir_ / "data", 6, {128, 64}, 5.0, 1.0);
  }

  TrainOptions Tiny(const std::string& run) const {
    TrainOptions options;
    options.data = {{dir_ / "data", 1.0}};
    options.out = dir_ / run;
    options.steps = 6;
    options.batch_size = 2;
    options.model.width = 0.125;
    options.model.train_width = 128;
    options.model.train_height = 64;
    options.learning_rate = 1e-3;
    options.checkpoint_every = 1000;
    options.loader_workers = 2;
    options.device = "cpu";
    options.seed = 7;
    return options;
  }

  static std::vector<nlohmann::json> ReadLog(const fs::path& out) {
    std::vector<nlohmann::json> lines;
    std::ifstream in(LogPath(out));
    std::string line;
    while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
    return lines;
  }

  TrainCallbacks Quiet() const {
    TrainCallbacks callbacks;
    callbacks.show_progress = false;
    return callbacks;
  }

  testing::TempDir dir_;
};

TEST_F(TrainerTest, WritesCheckpointModelAndLog) {
  const TrainResult result = Train(Tiny("run"), false, Quiet());
  EXPECT_EQ(result.last_step, 6);
  EXPECT_FALSE(result.interrupted);
  EXPECT_TRUE(fs::exists(CheckpointPath(dir_ / "run")));
  const LoadedModel model = LoadModel(ModelPath(dir_ / "run"));
  EXPECT_TRUE(model.optimizer_state.empty());  // weights only
  // Without --ema the checkpoint carries no average.
  EXPECT_TRUE(LoadModel(CheckpointPath(dir_ / "run")).averaged_state.empty());
  EXPECT_EQ(model.metadata["step"], 6);
  const auto log = ReadLog(dir_ / "run");
  ASSERT_EQ(log.size(), 6u);
  for (const char* term : {"total", "appearance", "smoothness",
                           "lr_consistency", "appearance/s3", "grad_norm"}) {
    EXPECT_TRUE(log.back()["loss"].contains(term)) << term;
  }
  EXPECT_EQ(log.back()["step"], 6);
}

// Largest weight difference between two model files.
double MaxWeightDifference(const fs::path& a, const fs::path& b) {
  const LoadedModel ma = LoadModel(a), mb = LoadModel(b);
  double worst = 0;
  const auto pb = mb.net->named_parameters();
  for (const auto& item : ma.net->named_parameters()) {
    worst = std::max(
        worst, (item.value() - pb[item.key()]).abs().max().item<double>());
  }
  return worst;
}

TEST_F(TrainerTest, KeepCheckpointsSavesTheWeightsOfEveryCheckpoint) {
  TrainOptions options = Tiny("snap");
  options.checkpoint_every = 2;
  options.keep_checkpoints = true;
  Train(options, false, Quiet());
  for (int64_t step : {2, 4, 6}) {
    const LoadedModel snapshot = LoadModel(SnapshotPath(dir_ / "snap", step));
    EXPECT_EQ(snapshot.metadata["step"], step);
    EXPECT_TRUE(snapshot.optimizer_state.empty());
  }
  EXPECT_FALSE(fs::exists(SnapshotPath(dir_ / "snap", 1)));
  // The last snapshot holds the final weights.
  const LoadedModel last = LoadModel(SnapshotPath(dir_ / "snap", 6));
  const LoadedModel model = LoadModel(ModelPath(dir_ / "snap"));
  const auto a = last.net->parameters(), b = model.net->parameters();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i]));
  // Off by default: no snapshots folder.
  Train(Tiny("plain"), false, Quiet());
  EXPECT_FALSE(fs::exists(dir_ / "plain" / "snapshots"));
}

TEST_F(TrainerTest, InitStartsFromAnotherModelsWeights) {
  Train(Tiny("first"), false, Quiet());
  // One step at a negligible rate: the weights stay where they started.
  TrainOptions tuned = Tiny("tuned");
  tuned.init = ModelPath(dir_ / "first");
  tuned.steps = 1;
  tuned.learning_rate = 1e-12;
  Train(tuned, false, Quiet());
  EXPECT_LT(
      MaxWeightDifference(ModelPath(dir_ / "first"), ModelPath(dir_ / "tuned")),
      1e-5);
  TrainOptions fresh = tuned;
  fresh.out = dir_ / "fresh";
  fresh.init.clear();
  Train(fresh, false, Quiet());
  EXPECT_GT(
      MaxWeightDifference(ModelPath(dir_ / "first"), ModelPath(dir_ / "fresh")),
      1e-3);
  // Another architecture cannot be the start.
  TrainOptions wider = tuned;
  wider.out = dir_ / "wider";
  wider.model.width = 0.25;
  EXPECT_NE(
      testing::ErrorOf([&] { Train(wider, false, Quiet()); }).find("--init"),
      std::string::npos);
}

TEST_F(TrainerTest, RefusesToOverwriteARunWithoutResume) {
  Train(Tiny("run"), false, Quiet());
  EXPECT_THROW(Train(Tiny("run"), false, Quiet()), Error);
}

TEST_F(TrainerTest, ResumeGivesExactlyTheUninterruptedRun) {
  Train(Tiny("straight"), false, Quiet());

  TrainCallbacks stop_at_3 = Quiet();
  stop_at_3.on_step = [](const StepReport& r) { return r.step < 3; };
  const TrainResult first = Train(Tiny("resumed"), false, stop_at_3);
  EXPECT_TRUE(first.interrupted);
  EXPECT_EQ(first.last_step, 3);
  const TrainOptions saved = LoadRunOptions(dir_ / "resumed");
  EXPECT_EQ(saved.steps, 6);
  const TrainResult second = Train(saved, true, Quiet());
  EXPECT_EQ(second.first_step, 3);
  EXPECT_EQ(second.last_step, 6);

  const auto a = ReadLog(dir_ / "straight");
  const auto b = ReadLog(dir_ / "resumed");
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i]["loss"]["total"], b[i]["loss"]["total"]) << "step " << i;
  }
  LoadedModel ma = LoadModel(ModelPath(dir_ / "straight"));
  LoadedModel mb = LoadModel(ModelPath(dir_ / "resumed"));
  const auto pa = ma.net->parameters();
  const auto pb = mb.net->parameters();
  for (size_t i = 0; i < pa.size(); ++i) {
    ASSERT_TRUE(torch::equal(pa[i], pb[i])) << "parameter " << i;
  }
}

TEST_F(TrainerTest, EmaSavesTheAveragedWeightsAndResumesThemExactly) {
  TrainOptions options = Tiny("ema");
  options.ema_decay = 0.9;
  options.checkpoint_every = 3;
  options.keep_checkpoints = true;
  Train(options, false, Quiet());
  const LoadedModel checkpoint = LoadModel(CheckpointPath(dir_ / "ema"));
  EXPECT_FALSE(checkpoint.averaged_state.empty());
  // model.plx is the average, not the last weights the optimiser left.
  const double off_last = MaxWeightDifference(ModelPath(dir_ / "ema"),
                                              CheckpointPath(dir_ / "ema"));
  EXPECT_GT(off_last, 1e-5);
  EXPECT_EQ(MaxWeightDifference(ModelPath(dir_ / "ema"),
                                SnapshotPath(dir_ / "ema", 6)),
            0.0);
  // Stopped at step 2 and resumed: the same average, bit for bit.
  TrainCallbacks stop_at_2 = Quiet();
  stop_at_2.on_step = [](const StepReport& r) { return r.step < 2; };
  options.out = dir_ / "ema_resumed";
  Train(options, false, stop_at_2);
  fs::copy(options.out, dir_ / "ema_broken");
  Train(LoadRunOptions(dir_ / "ema_resumed"), true, Quiet());
  EXPECT_EQ(MaxWeightDifference(ModelPath(dir_ / "ema"),
                                ModelPath(dir_ / "ema_resumed")),
            0.0);

  // A checkpoint that lost its average cannot resume an --ema run.
  TrainOptions broken = LoadRunOptions(dir_ / "ema_broken");
  broken.out = dir_ / "ema_broken";  // the copy still names its original
  CheckpointFile file = ReadCheckpointFile(CheckpointPath(broken.out));
  std::erase_if(file.blobs, [](const CheckpointBlob& blob) {
    return blob.name == "state/averaged_weights";
  });
  WriteCheckpointFile(CheckpointPath(broken.out), file);
  EXPECT_NE(testing::ErrorOf([&] {
              Train(broken, true, Quiet());
            }).find("averaged weights"),
            std::string::npos);
}

TEST_F(TrainerTest, InterruptSavesAndStops) {
  TrainCallbacks callbacks = Quiet();
  callbacks.on_step = [](const StepReport& r) {
    if (r.step == 2) RequestInterrupt();
    return true;
  };
  const TrainResult result = Train(Tiny("run"), false, callbacks);
  ClearInterrupt();
  EXPECT_TRUE(result.interrupted);
  EXPECT_EQ(LoadModel(CheckpointPath(dir_ / "run")).metadata["step"], 2);
  EXPECT_FALSE(fs::exists(ModelPath(dir_ / "run")));
}

TEST_F(TrainerTest, NanGuardStopsAndKeepsTheLastGoodCheckpoint) {
  TrainCallbacks stop_at_2 = Quiet();
  stop_at_2.on_step = [](const StepReport& r) { return r.step < 2; };
  Train(Tiny("run"), false, stop_at_2);
  // Poison one weight with NaN, as a diverging run would.
  CheckpointFile file = ReadCheckpointFile(CheckpointPath(dir_ / "run"));
  for (CheckpointBlob& blob : file.blobs) {
    if (blob.name.find("weights/") == 0 && blob.dtype == "float32") {
      const float nan = std::numeric_limits<float>::quiet_NaN();
      std::memcpy(blob.data.data(), &nan, sizeof(nan));
      break;
    }
  }
  WriteCheckpointFile(CheckpointPath(dir_ / "run"), file);
  const std::vector<char> before = ReadFileBytes(CheckpointPath(dir_ / "run"));
  try {
    Train(LoadRunOptions(dir_ / "run"), true, Quiet());
    FAIL() << "a NaN loss must stop training";
  } catch (const Error& e) {
    // The NaN guard, or (now first) the loader, which refuses NaN weights.
    EXPECT_NE(ToLower(e.what()).find("nan"), std::string::npos) << e.what();
  }
  EXPECT_EQ(ReadFileBytes(CheckpointPath(dir_ / "run")), before);
}

TEST_F(TrainerTest, Deep3dHeadLowersItsReconstructionLoss) {
  TrainOptions options = Tiny("deep3d");
  options.model.head = HeadType::kDeep3d;
  options.model.planes = 8;
  options.model.max_disparity = 0.08;
  options.steps = 60;
  options.augment.enabled = false;
  Train(options, false, Quiet());
  const auto log = ReadLog(dir_ / "deep3d");
  ASSERT_EQ(log.size(), 60u);
  double early = 0, late = 0;
  for (int i = 0; i < 5; ++i) {
    early += log[i]["loss"]["appearance"].get<double>();
    late += log[log.size() - 1 - i]["loss"]["appearance"].get<double>();
  }
  EXPECT_LT(late, 0.85 * early);
  EXPECT_TRUE(log.back()["loss"].contains("cumulative_smoothness"));
  EXPECT_TRUE(log.back()["loss"].contains("max_probability"));
}

TEST_F(TrainerTest, ValidationReportsDisparityErrorsWithGroundTruth) {
  // A Middlebury-style folder: imL/imR + groundtruth.png with info.txt.
  const fs::path val = dir_ / "val" / "scene";
  fs::create_directories(val);
  const testing::TwoPlaneScene scene =
      testing::MakeTwoPlaneScene({128, 64}, 5.0, 1.0, 5);
  cv::imwrite((val / "imL.png").string(), scene.left);
  cv::imwrite((val / "imR.png").string(), scene.right);
  cv::Mat gt(64, 128, CV_8U, cv::Scalar(4));  // 1 px * scale 4
  gt.setTo(20, scene.square_mask);            // 5 px * scale 4
  cv::imwrite((val / "groundtruth.png").string(), gt);
  std::ofstream(val / "info.txt") << "4 10\n";
  TrainOptions options = Tiny("run");
  options.validation = dir_ / "val";
  options.checkpoint_every = 3;
  Train(options, false, Quiet());
  int validations = 0;
  for (const auto& line : ReadLog(dir_ / "run")) {
    if (!line.contains("validation")) continue;
    ++validations;
    EXPECT_TRUE(line["validation"].contains("photometric"));
    EXPECT_GE(line["validation"]["epe_px"].get<double>(), 0.0);
    EXPECT_LT(line["validation"]["epe_px"].get<double>(), 40.0);
  }
  EXPECT_EQ(validations, 2);  // steps 3 and 6
}

}  // namespace
}  // namespace parallax
