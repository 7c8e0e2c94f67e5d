#include "parallax/infer/warp_blend.h"

#include <algorithm>
#include <vector>

#include "parallax/infer/resample.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

// One output row: the small planes' rows {fx, fy, w} (upsampled
// horizontally) blended by wy, then the bilinear sample of `prev` (row step
// `step` floats) and the blend with scale * cur + shift. Every operand is a
// separate restrict pointer and indices are 32-bit: GCC then vectorises the
// loop with AVX2 gathers.
PARALLAX_SIMD_CLONES void WarpBlendRow(
    int width, int height, int row, const float* __restrict fx0,
    const float* __restrict fx1, const float* __restrict fy0,
    const float* __restrict fy1, const float* __restrict w0,
    const float* __restrict w1, float wy, const float* __restrict prev,
    int step, const float* __restrict cur, float scale, float shift,
    float* __restrict out) {
  const float max_x = float(width - 1), max_y = float(height - 1);
  const int last_x = std::max(width - 2, 0), last_y = std::max(height - 2, 0);
  const int dx = width > 1 ? 1 : 0;
  const int dy = height > 1 ? step : 0;
  const float y = float(row);
  for (int x = 0; x < width; ++x) {
    const float fx = fx0[x] + wy * (fx1[x] - fx0[x]);
    const float fy = fy0[x] + wy * (fy1[x] - fy0[x]);
    const float w = w0[x] + wy * (w1[x] - w0[x]);
    const float px = std::min(std::max(float(x) + fx, 0.f), max_x);
    const float py = std::min(std::max(y + fy, 0.f), max_y);
    const int ix = std::min(int(px), last_x), iy = std::min(int(py), last_y);
    const float ax = px - float(ix), ay = py - float(iy);
    const int i = iy * step + ix;
    const float p00 = prev[i], p01 = prev[i + dx];
    const float p10 = prev[i + dy], p11 = prev[i + dy + dx];
    const float top = p00 + ax * (p01 - p00);
    const float bottom = p10 + ax * (p11 - p10);
    const float sample = top + ay * (bottom - top);
    const float c = scale * cur[x] + shift;
    out[x] = c + w * (sample - c);
  }
}

}  // namespace

cv::Mat WarpBlend(const cv::Mat& previous, const cv::Mat& current,
                  const cv::Mat& flow_small, const cv::Mat& weight_small,
                  double scale, double shift) {
  THROW_CHECK(previous.type() == CV_32FC1 && current.type() == CV_32FC1 &&
              previous.size() == current.size() && !current.empty());
  THROW_CHECK(previous.total() < (size_t(1) << 31));
  THROW_CHECK(flow_small.type() == CV_32FC2 &&
              weight_small.type() == CV_32FC1 &&
              flow_small.size() == weight_small.size());
  std::vector<cv::Mat> planes(3);
  cv::split(flow_small, planes.data());
  // Flow in pixels of the output.
  planes[0] *= double(current.cols) / flow_small.cols;
  planes[1] *= double(current.rows) / flow_small.rows;
  planes[2] = weight_small;
  cv::Mat out(current.size(), CV_32FC1);
  ForEachUpsampledStripe(
      planes, current.size(),
      [&](const cv::Range& rows, const UpsampledStripe& stripe) {
        const int w = current.cols;
        for (int y = rows.start; y < rows.end; ++y) {
          const float* r0 = stripe.row0(y);
          const float* r1 = stripe.row1(y);
          WarpBlendRow(w, current.rows, y, r0, r1, r0 + w, r1 + w, r0 + 2 * w,
                       r1 + 2 * w, stripe.weight(y), previous.ptr<float>(),
                       int(previous.step1()), current.ptr<float>(y),
                       float(scale), float(shift), out.ptr<float>(y));
        }
      });
  return out;
}

}  // namespace parallax
