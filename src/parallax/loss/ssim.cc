#include "parallax/loss/ssim.h"

#include <torch/torch.h>

namespace parallax {
namespace F = torch::nn::functional;
namespace {

// Mean over valid 3x3 blocks as two separable 3-tap sums of shifted views:
// LibTorch 1.13's CPU avg_pool2d with stride 1 is ~10x slower than this.
torch::Tensor BoxMean3x3(const torch::Tensor& x) {
  const int64_t h = x.size(2), w = x.size(3);
  const torch::Tensor rows =
      x.narrow(3, 0, w - 2) + x.narrow(3, 1, w - 2) + x.narrow(3, 2, w - 2);
  return (rows.narrow(2, 0, h - 2) + rows.narrow(2, 1, h - 2) +
          rows.narrow(2, 2, h - 2)) *
         (1.0 / 9.0);
}

}  // namespace

torch::Tensor Ssim(const torch::Tensor& x, const torch::Tensor& y) {
  constexpr double kC1 = 0.01 * 0.01;
  constexpr double kC2 = 0.03 * 0.03;
  // All five block statistics in one pass: [x, y, x^2, y^2, xy].
  const std::vector<torch::Tensor> moments =
      BoxMean3x3(torch::cat({x, y, x * x, y * y, x * y}, 1))
          .chunk(5, /*dim=*/1);
  const torch::Tensor& mu_x = moments[0];
  const torch::Tensor& mu_y = moments[1];
  const torch::Tensor sigma_x = moments[2] - mu_x * mu_x;
  const torch::Tensor sigma_y = moments[3] - mu_y * mu_y;
  const torch::Tensor sigma_xy = moments[4] - mu_x * mu_y;
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
