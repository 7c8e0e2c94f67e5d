// Fine-tuning Depth Anything itself with the stereo losses (`parallax train
// --init depth_anything_v2_vits.pth`), on the reduced configuration of the
// parity fixture: the loss falls, the result is a .plx the predictor runs,
// and on 3D_learner's converging-rig scene the signed mode gets both signs
// right through the learned output scale and shift.
#include <fstream>

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "parallax/infer/predictor.h"
#include "parallax/model/checkpoint.h"
#include "parallax/model/depth_anything_file.h"
#include "parallax/testing/testing.h"
#include "parallax/testing/torch_archive.h"
#include "parallax/train/synthetic_stereo.h"
#include "parallax/train/tensor_conversion.h"
#include "parallax/train/trainer.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

constexpr double kSquareDisparity = 4.0;
constexpr double kBackgroundDisparity = -4.0;
const cv::Size kSize(126, 56);  // multiples of the 14-pixel patch

class DepthAnythingFinetuneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto fixtures = testing::DepthAnythingFixtureDir();
    if (!fixtures) GTEST_SKIP() << "no ../shared/fixtures/depth-anything-v2";
    fs::copy_file(*fixtures / "tiny.pth", dir_ / "tiny.pth");
    fs::copy_file(*fixtures / "tiny.json", dir_ / "tiny.json");
    testing::WriteTwoPlaneDataset(dir_ / "converging", 1, kSize,
                                  kSquareDisparity, kBackgroundDisparity);
  }

  TrainOptions Options(const fs::path& out) const {
    const DepthAnythingConfig found = RecogniseDepthAnything(
        ReadTorchStateDict(dir_ / "tiny.pth"), dir_ / "tiny.pth");
    TrainOptions options;
    options.data = {{dir_ / "converging", 1.0}};
    options.out = out;
    options.init = dir_ / "tiny.pth";
    options.steps = 200;
    options.batch_size = 2;
    options.model.architecture = Architecture::kDepthAnythingV2;
    options.model.transformer = found.ToSpec();
    options.model.mean = {0.485f, 0.456f, 0.406f};
    options.model.std = {0.229f, 0.224f, 0.225f};
    options.model.train_width = kSize.width;
    options.model.train_height = kSize.height;
    options.model.disparity_mode = DisparityMode::kSigned;
    options.model.max_disparity = 0.1;
    options.learning_rate = 1e-3;
    options.checkpoint_every = 100000;
    options.augment.enabled = false;
    options.device = "cpu";
    options.threads = 1;  // ctest runs two tests at once on two cores
    options.seed = 3;
    return options;
  }

  testing::TempDir dir_;
};

TEST_F(DepthAnythingFinetuneTest, SignedModeGetsBothSignsOfAConvergingRig) {
  TrainCallbacks quiet;
  quiet.show_progress = false;
  std::vector<double> losses;
  quiet.on_step = [&](const StepReport& report) {
    losses.push_back(report.loss.at("total"));
    return true;
  };
  Train(Options(dir_ / "run"), false, quiet);
  ASSERT_EQ(losses.size(), 200u);
  auto mean = [&](size_t begin, size_t end) {
    double sum = 0;
    for (size_t i = begin; i < end; ++i) sum += losses[i];
    return sum / (end - begin);
  };
  const double first = mean(0, 20), last = mean(180, 200);
  std::printf("loss: first 20 steps %.4f, last 20 %.4f\n", first, last);
  EXPECT_LT(last, 0.8 * first);

  // The saved model is a Parallax model of the transformer.
  LoadedModel model = LoadModel(ModelPath(dir_ / "run"));
  EXPECT_EQ(model.config.architecture, Architecture::kDepthAnythingV2);
  const testing::TwoPlaneScene scene = testing::MakeTwoPlaneScene(
      kSize, kSquareDisparity, kBackgroundDisparity, 100);
  cv::Mat left;
  scene.left.convertTo(left, CV_32F, 1 / 255.0);
  cv::cvtColor(left, left, cv::COLOR_BGR2RGB);
  torch::NoGradGuard no_grad;
  const torch::Tensor disparity =
      model.net->forward(MatToTensor(left)).left[0] * kSize.width;
  cv::Mat square_core, near_square;
  cv::erode(scene.square_mask, square_core, cv::Mat::ones(5, 5, CV_8U));
  cv::dilate(scene.square_mask, near_square, cv::Mat::ones(11, 11, CV_8U));
  cv::Mat background = 255 - near_square;
  background.colRange(0, 10).setTo(0);
  background.colRange(kSize.width - 10, kSize.width).setTo(0);
  auto masked_mean = [&](const cv::Mat& m) {
    cv::Mat f;
    m.convertTo(f, CV_32F, 1 / 255.0);
    const torch::Tensor w = MatToTensor(f);
    return ((disparity * w).sum() / w.sum()).item<double>();
  };
  const double square = masked_mean(square_core);
  const double background_px = masked_mean(background);
  std::printf("square %+.2f px (truth %+.1f), background %+.2f px (%+.1f)\n",
              square, kSquareDisparity, background_px, kBackgroundDisparity);
  EXPECT_GT(square, 1.0);
  EXPECT_LT(background_px, -1.0);

  // And the predictor runs it like any .plx.
  PredictorOptions options;
  options.threads = 1;
  Predictor predictor(ModelPath(dir_ / "run"), options);
  const DepthPrediction prediction = predictor.Predict({scene.left, {}, {}});
  EXPECT_EQ(prediction.disparity.size(), prediction.geometry.content);
}

TEST_F(DepthAnythingFinetuneTest, ResumeContinuesExactly) {
  TrainCallbacks quiet;
  quiet.show_progress = false;
  TrainOptions whole = Options(dir_ / "whole");
  whole.steps = 6;
  const TrainResult straight = Train(whole, false, quiet);
  TrainOptions half = Options(dir_ / "half");
  half.steps = 6;
  int calls = 0;
  TrainCallbacks stop = quiet;
  stop.on_step = [&](const StepReport&) { return ++calls < 3; };
  EXPECT_TRUE(Train(half, false, stop).interrupted);
  const TrainResult resumed = Train(LoadRunOptions(dir_ / "half"), true, quiet);
  EXPECT_EQ(resumed.first_step, 3);
  EXPECT_NEAR(resumed.parameter_sum, straight.parameter_sum,
              1e-6 * std::abs(straight.parameter_sum) + 1e-6);
}

TEST_F(DepthAnythingFinetuneTest, PthInitNeedsTheTransformer) {
  TrainOptions options = Options(dir_ / "wrong");
  options.model = ModelConfig();  // a ResNet18
  options.model.train_width = 128;
  options.model.train_height = 64;
  TrainCallbacks quiet;
  quiet.show_progress = false;
  EXPECT_NE(testing::ErrorOf([&] {
              Train(options, false, quiet);
            }).find("initialises a Depth Anything network"),
            std::string::npos);
}

}  // namespace
}  // namespace parallax
