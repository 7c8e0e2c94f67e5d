// Resampling helpers shared by the post-processing of infer/.
#pragma once

#include <functional>
#include <vector>

#include <opencv2/core.hpp>

// Compiles a hot loop function for AVX2+FMA too and picks the version at
// load time (GCC/Clang function multi-versioning), so the default x86-64
// build still gets 8-wide vectors and gathers where the CPU has them.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PARALLAX_SIMD_CLONES \
  __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define PARALLAX_SIMD_CLONES
#endif

namespace parallax {

// Downsamples `image` to `size` (each side no larger than the image's) close
// to cv::resize(INTER_AREA), but fast: OpenCV's INTER_AREA is ~8 ms for
// 1920x1080 -> 512x288 BGR because only exact halving has a SIMD path. This
// halves with INTER_AREA while the image is at least twice the target, then
// finishes with INTER_LINEAR (a < 2x step, where bilinear barely aliases):
// ~1.5 ms for the same job.
cv::Mat FastAreaDownsample(const cv::Mat& image, cv::Size size);

// Bilinear taps along one axis with cv::resize's pixel-centre convention,
// src = (dst + 0.5) * src_n / dst_n - 0.5 clamped to the border, so fused
// loops agree with cv::resize(INTER_LINEAR).
struct LinearTaps {
  std::vector<int> i0, i1;  // the two source indices per destination index
  std::vector<float> w1;    // weight of i1; i0 gets 1 - w1
};
LinearTaps MakeLinearTaps(int src_n, int dst_n);

// Bilinear upsampling of a few small CV_32FC1 planes (one size) to `size`,
// fused with the per-row work that consumes them, so no full-size
// intermediate images are made. The output rows are cut into stripes run in
// parallel; each stripe interpolates the small rows it needs horizontally
// into a buffer that stays in cache, and output row y of the upsampled
// plane k is then
//   row0(y)[k * size.width + x] * (1 - weight(y)) +
//   row1(y)[k * size.width + x] * weight(y),
// a blend of two contiguous rows the consumer fuses into its own loop.
class UpsampledStripe {
 public:
  const float* row0(int y) const { return Row(i0_[y]); }
  const float* row1(int y) const { return Row(i1_[y]); }
  float weight(int y) const { return w1_[y]; }

 private:
  friend void ForEachUpsampledStripe(
      const std::vector<cv::Mat>&, cv::Size,
      const std::function<void(const cv::Range&, const UpsampledStripe&)>&);
  const float* Row(int j) const {
    return buffer_ + size_t(j - first_) * row_floats_;
  }
  const float* buffer_ = nullptr;
  size_t row_floats_ = 0;
  int first_ = 0;
  const int* i0_ = nullptr;
  const int* i1_ = nullptr;
  const float* w1_ = nullptr;
};
void ForEachUpsampledStripe(
    const std::vector<cv::Mat>& planes, cv::Size size,
    const std::function<void(const cv::Range& rows,
                             const UpsampledStripe& stripe)>& fn);

}  // namespace parallax
