// Test scenes with exact stereo ground truth, built analytically.
#pragma once

#include <torch/torch.h>

#include <cmath>

namespace parallax::testing {

// A smooth texture (periods >= 16 px, so bilinear sampling is accurate).
inline double Texture(double u, double y) {
  return 0.5 + 0.2 * std::sin(2 * M_PI * u / 23.0 + 0.3 * y / 7.0) +
         0.15 * std::cos(2 * M_PI * (u + 2 * y) / 37.0) +
         0.1 * std::sin(2 * M_PI * y / 19.0);
}

// A slanted plane seen by a rectified pair: left-view disparity in pixels
// d_l(x, y) = a + b x + c y. The right view shows the same surface point at
// x_r = x_l - d_l(x_l), so right(x_r, y) = T(x_l), with x_l recovered from
// x_r in closed form, and d_r(x_r, y) = d_l(x_l, y).
struct SlantedPlanePair {
  torch::Tensor left, right;         // [1,3,H,W]
  torch::Tensor disparity_left_px;   // [1,1,H,W]
  torch::Tensor disparity_right_px;  // [1,1,H,W]
};

inline SlantedPlanePair MakeSlantedPlanePair(int height, int width,
                                             double a = 6.0, double b = 0.02,
                                             double c = 0.01) {
  SlantedPlanePair pair;
  pair.left = torch::zeros({1, 3, height, width});
  pair.right = torch::zeros({1, 3, height, width});
  pair.disparity_left_px = torch::zeros({1, 1, height, width});
  pair.disparity_right_px = torch::zeros({1, 1, height, width});
  auto left = pair.left.accessor<float, 4>();
  auto right = pair.right.accessor<float, 4>();
  auto disp_l = pair.disparity_left_px.accessor<float, 4>();
  auto disp_r = pair.disparity_right_px.accessor<float, 4>();
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const double x_left_of_right = (x + a + c * y) / (1 - b);
      disp_l[0][0][y][x] = static_cast<float>(a + b * x + c * y);
      disp_r[0][0][y][x] = static_cast<float>(a + b * x_left_of_right + c * y);
      for (int ch = 0; ch < 3; ++ch) {
        left[0][ch][y][x] = static_cast<float>(Texture(x + 5 * ch, y));
        right[0][ch][y][x] =
            static_cast<float>(Texture(x_left_of_right + 5 * ch, y));
      }
    }
  }
  return pair;
}

inline double Psnr(const torch::Tensor& a, const torch::Tensor& b,
                   const torch::Tensor& mask) {
  const torch::Tensor m = mask.expand_as(a);
  const double mse =
      ((a - b).pow(2) * m).sum().item<double>() / m.sum().item<double>();
  return 10 * std::log10(1.0 / mse);
}

}  // namespace parallax::testing
