// Moving images between OpenCV and LibTorch.
#pragma once

#include <vector>

#include <torch/types.h>
#include <opencv2/core.hpp>

namespace parallax {

// CV_32FC3 / CV_32FC2 / CV_32FC1 (H x W) -> [1, C, H, W] float tensor that
// owns its memory (the Mat may go away).
torch::Tensor MatToTensor(const cv::Mat& image);

// Planar float data [shape...] -> tensor on `device` (copied).
torch::Tensor PlanarToTensor(const std::vector<float>& data,
                             at::IntArrayRef shape, torch::Device device);

}  // namespace parallax
