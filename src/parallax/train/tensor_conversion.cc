#include "parallax/train/tensor_conversion.h"

#include <torch/torch.h>

#include "parallax/util/check.h"

namespace parallax {

torch::Tensor MatToTensor(const cv::Mat& image) {
  THROW_CHECK_EQ(image.depth(), CV_32F);
  cv::Mat contiguous = image.isContinuous() ? image : image.clone();
  const int channels = contiguous.channels();
  // clone(), not contiguous(): for one channel the permuted view is already
  // contiguous, and contiguous() would hand back a view of the Mat's memory.
  return torch::from_blob(contiguous.data,
                          {1, contiguous.rows, contiguous.cols, channels},
                          torch::kFloat32)
      .permute({0, 3, 1, 2})
      .clone(at::MemoryFormat::Contiguous);
}

torch::Tensor PlanarToTensor(const std::vector<float>& data,
                             at::IntArrayRef shape, torch::Device device) {
  int64_t count = 1;
  for (int64_t d : shape) count *= d;
  THROW_CHECK_EQ(static_cast<int64_t>(data.size()), count);
  torch::Tensor t =
      torch::from_blob(const_cast<float*>(data.data()), shape, torch::kFloat32);
  return device.is_cpu() ? t.clone() : t.to(device);
}

}  // namespace parallax
