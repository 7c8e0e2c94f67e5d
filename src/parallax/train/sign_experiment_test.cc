// The experiment of 3D_learner's Appendix A, made a test: film rigs converge
// on the subject, so objects in front of the convergence plane have positive
// disparity and objects behind it negative. A model restricted to positive
// disparity (Godard's sigmoid) gets the far side wrong; the signed mode
// recovers the correct sign on both sides.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "parallax/model/checkpoint.h"
#include "parallax/testing/testing.h"
#include "parallax/train/synthetic_stereo.h"
#include "parallax/train/tensor_conversion.h"
#include "parallax/train/trainer.h"

namespace parallax {
namespace {
namespace fs = std::filesystem;

constexpr double kSquareDisparity = 4.0;       // in front of the screen
constexpr double kBackgroundDisparity = -4.0;  // behind the screen

struct Outcome {
  double square_px = 0;         // mean predicted disparity on the square
  double background_px = 0;     // ... on the background (away from edges)
  double background_error = 0;  // photometric error on the background
};

Outcome TrainAndMeasure(const fs::path& data, const fs::path& out,
                        DisparityMode mode) {
  TrainOptions options;
  options.data = {{data, 1.0}};
  options.out = out;
  options.steps = 250;
  options.batch_size = 2;
  options.model.width = 0.25;
  options.model.train_width = 128;
  options.model.train_height = 64;
  options.model.disparity_mode = mode;
  options.model.max_disparity = 0.1;
  options.learning_rate = 1e-3;
  options.checkpoint_every = 100000;
  options.augment.enabled = false;
  options.device = "cpu";
  options.seed = 3;
  TrainCallbacks quiet;
  quiet.show_progress = false;
  Train(options, false, quiet);

  LoadedModel model = LoadModel(ModelPath(out));
  const testing::TwoPlaneScene scene = testing::MakeTwoPlaneScene(
      {128, 64}, kSquareDisparity, kBackgroundDisparity, 100);
  cv::Mat left_f, right_f;
  scene.left.convertTo(left_f, CV_32F, 1 / 255.0);
  scene.right.convertTo(right_f, CV_32F, 1 / 255.0);
  cv::cvtColor(left_f, left_f, cv::COLOR_BGR2RGB);
  cv::cvtColor(right_f, right_f, cv::COLOR_BGR2RGB);
  torch::NoGradGuard no_grad;
  const torch::Tensor left = MatToTensor(left_f);
  const torch::Tensor right = MatToTensor(right_f);
  const torch::Tensor disparity = model.net->forward(left).left[0] * 128;

  // Regions: the square's interior, and the background away from the image
  // border and from the square (where occlusions live).
  cv::Mat square_core, near_square;
  cv::erode(scene.square_mask, square_core, cv::Mat::ones(7, 7, CV_8U));
  cv::dilate(scene.square_mask, near_square, cv::Mat::ones(15, 15, CV_8U));
  cv::Mat background = 255 - near_square;
  background.colRange(0, 12).setTo(0);
  background.colRange(116, 128).setTo(0);
  auto mask = [](const cv::Mat& m) {
    cv::Mat f;
    m.convertTo(f, CV_32F, 1 / 255.0);
    return MatToTensor(f);
  };
  const torch::Tensor in_square = mask(square_core);
  const torch::Tensor in_background = mask(background);
  Outcome outcome;
  outcome.square_px =
      ((disparity * in_square).sum() / in_square.sum()).item<double>();
  outcome.background_px =
      ((disparity * in_background).sum() / in_background.sum()).item<double>();
  const torch::Tensor reconstructed = torch::nn::functional::grid_sample(
      right,
      [&] {
        const torch::Tensor x =
            torch::arange(128).view({1, 1, 128}) - disparity.squeeze(1);
        const torch::Tensor y = torch::arange(64).view({1, 64, 1}).expand_as(x);
        return torch::stack({x / 127.0 * 2 - 1, y / 63.0 * 2 - 1}, 3);
      }(),
      torch::nn::functional::GridSampleFuncOptions()
          .align_corners(true)
          .padding_mode(torch::kBorder));
  outcome.background_error =
      (((reconstructed - left).abs().mean(1, true) * in_background).sum() /
       in_background.sum())
          .item<double>();
  return outcome;
}

TEST(SignExperiment, SignedModeRecoversBothSignsAndPositiveModeCannot) {
  torch::set_num_threads(2);
  testing::TempDir dir;
  testing::WriteTwoPlaneDataset(dir / "converging", 1, {128, 64},
                                kSquareDisparity, kBackgroundDisparity);
  const Outcome signed_mode = TrainAndMeasure(
      dir / "converging", dir / "signed", DisparityMode::kSigned);
  const Outcome positive = TrainAndMeasure(dir / "converging", dir / "positive",
                                           DisparityMode::kPositive);
  RecordProperty("signed_square_px", std::to_string(signed_mode.square_px));
  RecordProperty("signed_background_px",
                 std::to_string(signed_mode.background_px));
  std::printf(
      "signed:   square %+.2f px, background %+.2f px, error %.4f\n"
      "positive: square %+.2f px, background %+.2f px, error %.4f\n",
      signed_mode.square_px, signed_mode.background_px,
      signed_mode.background_error, positive.square_px, positive.background_px,
      positive.background_error);
  // Signed: in front positive, behind negative, near the true values.
  EXPECT_GT(signed_mode.square_px, 1.0);
  EXPECT_LT(signed_mode.background_px, -1.0);
  // Positive: the far side cannot go below zero, and its views do not match.
  EXPECT_GT(positive.background_px, -0.01);
  EXPECT_GT(positive.background_error, 1.5 * signed_mode.background_error);
}

}  // namespace
}  // namespace parallax
