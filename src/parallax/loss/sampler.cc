#include "parallax/loss/sampler.h"

#include <torch/nn/functional/vision.h>
#include <torch/torch.h>

#include "parallax/util/check.h"

namespace parallax {
namespace F = torch::nn::functional;
namespace {

// Pixel x coordinates 0..W-1 as a [1,1,1,W] tensor.
torch::Tensor PixelColumns(const torch::Tensor& like) {
  const int64_t width = like.size(3);
  return torch::arange(width, like.options()).view({1, 1, 1, width});
}

}  // namespace

torch::Tensor SampleHorizontal(const torch::Tensor& image,
                               const torch::Tensor& offset) {
  THROW_CHECK_MSG(image.dim() == 4 && offset.dim() == 4 &&
                      offset.size(1) == 1 && image.size(0) == offset.size(0) &&
                      image.size(2) == offset.size(2) &&
                      image.size(3) == offset.size(3),
                  "image [{}] and offset [{}]", fmt::join(image.sizes(), ","),
                  fmt::join(offset.sizes(), ","));
  const int64_t height = image.size(2), width = image.size(3);
  // Target x in pixels, then in grid_sample's [-1, 1] (align_corners: -1 is
  // the centre of pixel 0 and +1 the centre of pixel W-1).
  // Non-finite offsets (a diverging network) would make grid_sample index
  // out of bounds; sample the border instead and let the loss report NaN.
  const torch::Tensor x = torch::nan_to_num(
      PixelColumns(offset) + offset * width, 0.0, 1e6, -1e6);  // [B,1,H,W]
  const torch::Tensor grid_x =
      width > 1 ? x * (2.0 / (width - 1)) - 1.0 : torch::zeros_like(x);
  const torch::Tensor rows = torch::arange(height, offset.options());
  const torch::Tensor grid_y =
      (height > 1 ? rows * (2.0 / (height - 1)) - 1.0 : rows * 0)
          .view({1, 1, height, 1})
          .expand_as(grid_x);
  const torch::Tensor grid =
      torch::stack({grid_x.squeeze(1), grid_y.squeeze(1)}, 3);  // [B,H,W,2]
  return F::grid_sample(image, grid,
                        F::GridSampleFuncOptions()
                            .mode(torch::kBilinear)
                            .padding_mode(torch::kBorder)
                            .align_corners(true));
}

torch::Tensor InsideMask(const torch::Tensor& offset) {
  const int64_t width = offset.size(3);
  const torch::Tensor x = PixelColumns(offset) + offset * width;
  return ((x >= 0) & (x <= width - 1)).to(offset.scalar_type());
}

}  // namespace parallax
