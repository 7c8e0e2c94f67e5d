#include "parallax/train/tensor_conversion.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace parallax {
namespace {

TEST(TensorConversion, ChannelsBecomePlanesAndTheTensorOwnsItsData) {
  torch::Tensor single, color;
  {
    cv::Mat gray(2, 3, CV_32F);
    for (int i = 0; i < 6; ++i) gray.at<float>(i / 3, i % 3) = i;
    cv::Mat bgr(2, 3, CV_32FC3, cv::Scalar(1, 2, 3));
    single = MatToTensor(gray);
    color = MatToTensor(bgr);
    gray.setTo(-1);  // the tensors must not see later changes
    bgr.setTo(-1);
  }
  EXPECT_EQ(single.sizes(), (std::vector<int64_t>{1, 1, 2, 3}));
  EXPECT_EQ(single[0][0][1][2].item<float>(), 5.f);
  EXPECT_EQ(color.sizes(), (std::vector<int64_t>{1, 3, 2, 3}));
  EXPECT_EQ(color[0][0][1][1].item<float>(), 1.f);
  EXPECT_EQ(color[0][2][0][0].item<float>(), 3.f);
}

TEST(TensorConversion, PlanarDataIsCopied) {
  std::vector<float> data = {1, 2, 3, 4};
  const torch::Tensor t = PlanarToTensor(data, {1, 1, 2, 2}, torch::kCPU);
  data[0] = 9;
  EXPECT_EQ(t[0][0][0][0].item<float>(), 1.f);
  EXPECT_THROW(PlanarToTensor(data, {1, 1, 3, 2}, torch::kCPU),
               std::logic_error);
}

}  // namespace
}  // namespace parallax
