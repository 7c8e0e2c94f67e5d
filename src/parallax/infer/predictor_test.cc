#include "parallax/infer/predictor.h"

#include <cmath>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "parallax/infer/depth_estimator.h"
#include "parallax/model/checkpoint.h"
#include "parallax/testing/image_checks.h"
#include "parallax/testing/testing.h"
#include "parallax/testing/tiny_model.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

std::filesystem::path SaveTinyModel(const testing::TempDir& dir,
                                    int input_channels = 3) {
  return testing::SaveTinyModel(
      dir / ("tiny" + std::to_string(input_channels) + ".plx"),
      {.input_channels = input_channels});
}

cv::Mat TexturedImage(cv::Size size, int seed) {
  return testing::NoiseTexture(size, seed, 2.0);
}

PredictorOptions CpuOptions() {
  PredictorOptions options;
  options.device = "cpu";
  options.threads = 2;
  return options;
}

TEST(PredictorTest, OutputCoversTheContentInInputPixels) {
  testing::TempDir dir;
  Predictor predictor(SaveTinyModel(dir), CpuOptions());
  const cv::Mat image = TexturedImage({640, 360}, 1);
  const DepthPrediction prediction =
      predictor.Predict(PredictorInput{image, {}, {}});
  const NetworkGeometry geometry = predictor.Geometry(image.size());
  EXPECT_EQ(prediction.disparity.size(), geometry.content);
  EXPECT_EQ(prediction.disparity.type(), CV_32FC1);
  double low = 0, high = 0;
  cv::minMaxLoc(prediction.disparity, &low, &high);
  EXPECT_TRUE(std::isfinite(low) && std::isfinite(high));
  // Positive head: 0 <= d <= max_disparity of the *input* width.
  EXPECT_GE(low, 0.0);
  EXPECT_LE(high, 0.3 * image.cols + 1e-3);
  // A random net's sigmoid sits near 0.15: the scale really is input pixels.
  EXPECT_GT(cv::mean(prediction.disparity)[0], 0.02 * image.cols);
}

TEST(PredictorTest, EdgePaddingWidensTheInputAndCropsBackToTheContent) {
  testing::TempDir dir;
  const std::filesystem::path model = SaveTinyModel(dir);
  const cv::Mat image = TexturedImage({640, 360}, 2);
  PredictorOptions options = CpuOptions();
  ASSERT_TRUE(options.edge_padding);  // on by default
  Predictor padded(model, options);
  options.edge_padding = false;
  Predictor plain(model, options);
  const NetworkGeometry with = padded.Geometry(image.size());
  const NetworkGeometry without = plain.Geometry(image.size());
  // A quarter of the ResNet multiple (64) on each side, same content.
  EXPECT_EQ(with.pad_left, 16);
  EXPECT_EQ(without.pad_left, 0);
  EXPECT_EQ(with.content, without.content);
  EXPECT_EQ(with.padded.width, without.padded.width + 32);
  const cv::Mat a = padded.Predict({image, {}, {}}).disparity;
  const cv::Mat b = plain.Predict({image, {}, {}}).disparity;
  ASSERT_EQ(a.size(), with.content);
  ASSERT_EQ(b.size(), with.content);
  // Same units: the padding moves the edges inside, it does not rescale
  // (scaling by the padded width would be 12 % off here).
  const cv::Rect middle(a.cols / 4, 0, a.cols / 2, a.rows);
  const double ratio = cv::mean(a(middle))[0] / cv::mean(b(middle))[0];
  EXPECT_GT(ratio, 0.97);
  EXPECT_LT(ratio, 1.03);
  EXPECT_GT(cv::norm(a, b, cv::NORM_INF), 0);  // the network saw more
}

// Pearson correlation of two CV_32FC1 maps of the same size.
double Correlation(const cv::Mat& a, const cv::Mat& b) {
  cv::Scalar mean_a, std_a, mean_b, std_b;
  cv::meanStdDev(a, mean_a, std_a);
  cv::meanStdDev(b, mean_b, std_b);
  const cv::Mat product = (a - mean_a[0]).mul(b - mean_b[0]);
  return cv::mean(product)[0] / (std_a[0] * std_b[0]);
}

TEST(PredictorTest, EdgePaddingCropsAtTheContentsOffset) {
  testing::TempDir dir;
  const std::filesystem::path model = SaveTinyModel(dir);
  const cv::Mat image = TexturedImage({640, 360}, 3);
  PredictorOptions options = CpuOptions();
  Predictor padded(model, options);
  options.edge_padding = false;
  Predictor plain(model, options);
  const cv::Mat a = padded.Predict({image, {}, {}}).disparity;
  const cv::Mat b = plain.Predict({image, {}, {}}).disparity;
  ASSERT_EQ(a.size(), b.size());
  // Away from the edges both networks see the same texture, so the maps
  // agree where the crop is right. Cropping at the padded map's origin
  // instead of after the 16 reflected columns would shift one against the
  // other by those 16 columns.
  const int shift = padded.Geometry(image.size()).pad_left;
  ASSERT_GT(shift, 0);
  const cv::Rect middle(a.cols / 4, 0, a.cols / 2, a.rows);
  const double aligned = Correlation(a(middle), b(middle));
  const double shifted =
      Correlation(a(middle + cv::Point(shift, 0)), b(middle));
  EXPECT_GT(aligned, 0.9);
  EXPECT_GT(aligned, shifted + 0.2);
}

TEST(PredictorTest, BatchedEqualsOneByOne) {
  testing::TempDir dir;
  PredictorOptions options = CpuOptions();
  options.batch = 3;
  Predictor batched(SaveTinyModel(dir), options);
  std::vector<PredictorInput> inputs;
  for (int i = 0; i < 4; ++i) {
    inputs.push_back({TexturedImage({300, 200}, i), {}, {}});
  }
  inputs.push_back({TexturedImage({200, 300}, 9), {}, {}});  // other size
  const std::vector<DepthPrediction> all = batched.PredictBatch(inputs);
  ASSERT_EQ(all.size(), inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const DepthPrediction single = batched.Predict(inputs[i]);
    EXPECT_LT(cv::norm(single.disparity, all[i].disparity, cv::NORM_INF), 1e-3)
        << i;
  }
}

// A sequence's upsampling left to the caller (a video pipeline runs it on
// its render thread) gives the same disparity, to the bit, as the
// estimator's own.
TEST(SequenceDepthEstimatorTest, DeferredUpsamplingGivesTheSameDisparity) {
  testing::TempDir dir;
  Predictor predictor(SaveTinyModel(dir), CpuOptions());
  SequenceDepthOptions options;
  SequenceDepthEstimator direct(predictor, options);
  options.defer_upsampling = true;
  SequenceDepthEstimator deferred(predictor, options);
  for (int i = 0; i < 4; ++i) {
    const cv::Mat frame = TexturedImage({300, 200}, i);
    std::vector<DepthFrame> a = direct.Push(i, frame);
    std::vector<DepthFrame> b = deferred.Push(i, frame);
    ASSERT_EQ(a.size(), 1u);
    ASSERT_EQ(b.size(), 1u);
    EXPECT_FALSE(a[0].pending_upsample);
    ASSERT_TRUE(b[0].pending_upsample);
    EXPECT_LT(b[0].disparity.cols, frame.cols);  // network resolution
    UpsampleDepthFrame(b[0]);
    EXPECT_FALSE(b[0].pending_upsample);
    ASSERT_EQ(b[0].disparity.size(), frame.size());
    EXPECT_EQ(cv::norm(a[0].disparity, b[0].disparity, cv::NORM_INF), 0) << i;
    UpsampleDepthFrame(b[0]);  // nothing left to do
    EXPECT_EQ(b[0].disparity.size(), frame.size());
  }
}

TEST(PredictorTest, FlipPostprocessOfSymmetricImageIsSymmetric) {
  testing::TempDir dir;
  PredictorOptions options = CpuOptions();
  options.flip_postprocess = true;
  Predictor predictor(SaveTinyModel(dir), options);
  cv::Mat half = TexturedImage({256, 256}, 4), mirrored;
  cv::flip(half, mirrored, 1);
  cv::Mat symmetric;
  cv::hconcat(half, mirrored, symmetric);  // 512x256, mirror-symmetric
  const cv::Mat d =
      predictor.Predict(PredictorInput{symmetric, {}, {}}).disparity;
  cv::Mat flipped;
  cv::flip(d, flipped, 1);
  double high = 0;
  cv::minMaxLoc(d, nullptr, &high);
  EXPECT_LT(cv::norm(d, flipped, cv::NORM_INF), 1e-4 * high);

  // Without post-processing a random network is not symmetric: the test
  // above can fail.
  Predictor plain(SaveTinyModel(dir), CpuOptions());
  const cv::Mat raw =
      plain.Predict(PredictorInput{symmetric, {}, {}}).disparity;
  cv::flip(raw, flipped, 1);
  EXPECT_GT(cv::norm(raw, flipped, cv::NORM_INF), 1e-3 * high);
}

TEST(PredictorTest, SevenChannelModelsTakeNeighbouringFrames) {
  testing::TempDir dir;
  Predictor predictor(SaveTinyModel(dir, 7), CpuOptions());
  const cv::Mat frame = TexturedImage({320, 180}, 5);
  cv::Mat moved;
  const cv::Mat shift = (cv::Mat_<double>(2, 3) << 1, 0, 6, 0, 1, 0);
  cv::warpAffine(frame, moved, shift, frame.size(), cv::INTER_LINEAR,
                 cv::BORDER_REFLECT);
  const cv::Mat with_motion =
      predictor.Predict(PredictorInput{frame, moved, moved}).disparity;
  const cv::Mat without =
      predictor.Predict(PredictorInput{frame, {}, {}}).disparity;
  EXPECT_EQ(with_motion.size(), without.size());
  // The flow channels reach the network.
  EXPECT_GT(cv::norm(with_motion, without, cv::NORM_INF), 1e-5);
  EXPECT_THROW(predictor.Predict(
                   PredictorInput{frame, TexturedImage({100, 100}, 1), {}}),
               Error);
}

TEST(PredictorTest, Bfloat16StaysCloseToFloat32) {
  testing::TempDir dir;
  const std::filesystem::path model = SaveTinyModel(dir);
  Predictor fp32(model, CpuOptions());
  PredictorOptions options = CpuOptions();
  options.precision = Precision::kBFloat16;
  Predictor bf16(model, options);
  const cv::Mat image = TexturedImage({512, 256}, 6);
  const cv::Mat a = fp32.Predict(PredictorInput{image, {}, {}}).disparity;
  const cv::Mat b = bf16.Predict(PredictorInput{image, {}, {}}).disparity;
  EXPECT_LT(cv::norm(a, b, cv::NORM_L1) / cv::norm(a, cv::NORM_L1), 0.02);
}

TEST(PredictorTest, SixteenBitAndGrayInputsWork) {
  testing::TempDir dir;
  Predictor predictor(SaveTinyModel(dir), CpuOptions());
  const cv::Mat image = TexturedImage({256, 128}, 7);
  cv::Mat sixteen, gray;
  image.convertTo(sixteen, CV_16U, 257.0);
  cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  const cv::Mat a = predictor.Predict(PredictorInput{image, {}, {}}).disparity;
  const cv::Mat b =
      predictor.Predict(PredictorInput{sixteen, {}, {}}).disparity;
  EXPECT_LT(cv::norm(a, b, cv::NORM_INF), 1e-3);
  EXPECT_EQ(predictor.Predict(PredictorInput{gray, {}, {}}).disparity.size(),
            a.size());
  EXPECT_THROW(ToRgbFloat(cv::Mat(4, 4, CV_32FC3)), Error);
}

TEST(PredictorTest, Deep3dPlanesAreDistributionsInInputPixels) {
  testing::TempDir dir;
  const auto model =
      testing::SaveTinyModel(dir / "deep3d.plx", {.head = HeadType::kDeep3d});
  PredictorOptions options = CpuOptions();
  options.right_planes = true;
  Predictor predictor(model, options);
  const cv::Mat image = TexturedImage({400, 300}, 4);
  const DepthPrediction prediction =
      predictor.Predict(PredictorInput{image, {}, {}});
  const PlaneDistributions& planes = prediction.planes;
  const int count = predictor.config().planes;
  ASSERT_EQ(static_cast<int>(planes.disparities.size()), count);
  ASSERT_EQ(static_cast<int>(planes.right.size()), count);
  EXPECT_TRUE(planes.left.empty());  // not asked for
  // Planes run from 0 to the largest disparity, in pixels of the input.
  EXPECT_NEAR(planes.disparities.front(), 0.0, 1e-3);
  EXPECT_NEAR(planes.disparities.back(), 0.3 * image.cols, 1e-2);
  cv::Mat total(prediction.geometry.content, CV_32F, cv::Scalar(0));
  for (const cv::Mat& p : planes.right) {
    ASSERT_EQ(p.size(), prediction.geometry.content);
    total += p;
  }
  EXPECT_LT(cv::norm(total, cv::Mat::ones(total.size(), CV_32F), cv::NORM_INF),
            1e-4);

  // The left view's planes come from the mirrored pass: for a mirrored
  // image they are the mirror of the right view's planes.
  options.left_planes = true;
  Predictor both(model, options);
  cv::Mat mirrored;
  cv::flip(image, mirrored, 1);
  const DepthPrediction direct = both.Predict(PredictorInput{image, {}, {}});
  const DepthPrediction flipped =
      both.Predict(PredictorInput{mirrored, {}, {}});
  ASSERT_EQ(static_cast<int>(direct.planes.left.size()), count);
  for (int k = 0; k < count; k += 7) {
    cv::Mat expected;
    cv::flip(flipped.planes.right[k], expected, 1);
    EXPECT_LT(cv::norm(direct.planes.left[k], expected, cv::NORM_INF), 1e-4)
        << k;
  }
}

TEST(PredictorTest, PlanesOfAPlainModelAreAClearError) {
  testing::TempDir dir;
  PredictorOptions options = CpuOptions();
  options.right_planes = true;
  EXPECT_NE(testing::ErrorOf([&] {
              Predictor(SaveTinyModel(dir), options);
            }).find("--head deep3d"),
            std::string::npos);
}

TEST(PredictorTest, MissingModelFileIsAClearError) {
  try {
    Predictor predictor("/nonexistent/model.plx", CpuOptions());
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/model.plx"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace parallax
