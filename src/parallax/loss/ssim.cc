#include "parallax/loss/ssim.h"

#include <torch/nn/functional/pooling.h>
#include <torch/torch.h>

namespace parallax {
namespace F = torch::nn::functional;
namespace {

torch::Tensor BoxMean3x3(const torch::Tensor& x) {
  return F::avg_pool2d(x, F::AvgPool2dFuncOptions(3).stride(1));
}

}  // namespace

torch::Tensor Ssim(const torch::Tensor& x, const torch::Tensor& y) {
  constexpr double kC1 = 0.01 * 0.01;
  constexpr double kC2 = 0.03 * 0.03;
  const torch::Tensor mu_x = BoxMean3x3(x);
  const torch::Tensor mu_y = BoxMean3x3(y);
  const torch::Tensor sigma_x = BoxMean3x3(x * x) - mu_x * mu_x;
  const torch::Tensor sigma_y = BoxMean3x3(y * y) - mu_y * mu_y;
  const torch::Tensor sigma_xy = BoxMean3x3(x * y) - mu_x * mu_y;
  const torch::Tensor numerator =
      (2 * mu_x * mu_y + kC1) * (2 * sigma_xy + kC2);
  const torch::Tensor denominator =
      (mu_x * mu_x + mu_y * mu_y + kC1) * (sigma_x + sigma_y + kC2);
  return numerator / denominator;
}

torch::Tensor SsimDissimilarity(const torch::Tensor& x,
                                const torch::Tensor& y) {
  return torch::clamp((1 - Ssim(x, y)) / 2, 0, 1);
}

}  // namespace parallax
