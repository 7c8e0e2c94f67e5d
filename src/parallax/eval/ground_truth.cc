#include "parallax/eval/ground_truth.h"

#include <cmath>
#include <cstdint>

#include "parallax/io/image_io.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

void CheckSize(const std::filesystem::path& path, cv::Size size,
               const std::filesystem::path& reference, cv::Size expected) {
  if (size != expected) {
    ThrowError("'{}' is {}x{} but '{}' is {}x{}", path.string(), size.width,
               size.height, reference.string(), expected.width,
               expected.height);
  }
}

// CV_8UC1: 255 where the mask file marks a pixel to score.
cv::Mat ReadMask(const EvalScene& scene) {
  const ImageInfo info = ProbeImage(scene.mask);
  const cv::Mat values = ReadImage(scene.mask, ReadMode::kFloat1);
  const float white = info.depth == CV_16U ? 65535.0f : 255.0f;
  cv::Mat mask(values.size(), CV_8UC1);
  for (int y = 0; y < values.rows; ++y) {
    const float* v = values.ptr<float>(y);
    uint8_t* m = mask.ptr<uint8_t>(y);
    for (int x = 0; x < values.cols; ++x) {
      const bool keep =
          scene.mask_rule == MaskRule::kWhite ? v[x] == white : v[x] != 0;
      m[x] = keep ? 255 : 0;
    }
  }
  return mask;
}

}  // namespace

GroundTruth LoadGroundTruth(const EvalScene& scene) {
  THROW_CHECK_GT(scene.gt_scale, 0);
  GroundTruth gt;
  if (scene.layout == GtLayout::kKitti2015 ||
      scene.layout == GtLayout::kKitti2012) {
    // KITTI stores disparity x 256 in 16 bits; an 8-bit file here is some
    // other map, and dividing it by 256 would score nonsense.
    if (ProbeImage(scene.gt).depth != CV_16U) {
      ThrowError("'{}': KITTI ground truth must be a 16-bit PNG",
                 scene.gt.string());
    }
  }
  gt.disparity = ReadImage(scene.gt, ReadMode::kFloat1);
  const ImageInfo left = ProbeImage(scene.left);
  CheckSize(scene.gt, gt.disparity.size(), scene.left,
            {left.width, left.height});
  // Integer maps mark unknown pixels with 0, float maps with inf or NaN;
  // nothing at or behind infinity has a depth to score either.
  const float scale = static_cast<float>(scene.gt_scale);
  gt.valid = cv::Mat(gt.disparity.size(), CV_8UC1);
  for (int y = 0; y < gt.disparity.rows; ++y) {
    float* d = gt.disparity.ptr<float>(y);
    uint8_t* v = gt.valid.ptr<uint8_t>(y);
    for (int x = 0; x < gt.disparity.cols; ++x) {
      const bool known = std::isfinite(d[x]) && d[x] > 0;
      d[x] = known ? d[x] / scale : 0.0f;
      v[x] = known ? 255 : 0;
    }
  }
  if (!scene.mask.empty()) {
    const cv::Mat mask = ReadMask(scene);
    CheckSize(scene.mask, mask.size(), scene.gt, gt.disparity.size());
    cv::bitwise_and(gt.valid, mask, gt.valid);
  }
  return gt;
}

}  // namespace parallax
