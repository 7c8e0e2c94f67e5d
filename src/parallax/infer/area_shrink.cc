#include "parallax/infer/area_shrink.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "parallax/infer/predictor.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

// The source pixels an output pixel covers and their shares of it.
struct AreaTaps {
  std::vector<int> begin;  // per output pixel: its taps [begin[d], begin[d+1])
  std::vector<int> source;
  std::vector<float> weight;
};

// Output pixel d covers [d * ratio, (d + 1) * ratio) of the source; each
// source pixel weighs the length it overlaps, over the cell's length.
AreaTaps ComputeTaps(int source_size, int output_size) {
  AreaTaps taps;
  const double ratio = static_cast<double>(source_size) / output_size;
  taps.begin.reserve(size_t(output_size) + 1);
  for (int d = 0; d < output_size; ++d) {
    taps.begin.push_back(static_cast<int>(taps.source.size()));
    const double start = d * ratio;
    const double end = std::min((d + 1) * ratio, double(source_size));
    const double cell = end - start;
    for (int s = static_cast<int>(std::floor(start)); s < end; ++s) {
      const double overlap =
          std::min(end, s + 1.0) - std::max(start, double(s));
      if (overlap <= 1e-6) continue;  // a rounding sliver
      taps.source.push_back(std::min(s, source_size - 1));
      taps.weight.push_back(static_cast<float>(overlap / cell));
    }
  }
  taps.begin.push_back(static_cast<int>(taps.source.size()));
  return taps;
}

// Adds w * row to sum, converting as it goes (the compiler vectorises it).
template <typename T>
void AddWeightedRow(const T* row, int count, float w, float* sum) {
  for (int i = 0; i < count; ++i) sum[i] += w * static_cast<float>(row[i]);
}

// Each output pixel's columns of the averaged row: all channels per tap.
template <int kChannels>
void ShrinkColumns(const float* sum, const AreaTaps& columns, int width,
                   float* out) {
  for (int dx = 0; dx < width; ++dx) {
    float value[kChannels] = {};
    for (int k = columns.begin[dx]; k < columns.begin[dx + 1]; ++k) {
      const float w = columns.weight[k];
      const float* in = sum + size_t(columns.source[k]) * kChannels;
      for (int c = 0; c < kChannels; ++c) value[c] += w * in[c];
    }
    for (int c = 0; c < kChannels; ++c) out[dx * kChannels + c] = value[c];
  }
}

// Area averaging into float, scaled by `scale`: the rows' weighted sum over
// the full width first (vectors), then the columns on that one row.
template <typename T, int kChannels>
cv::Mat ShrinkArea(const cv::Mat& image, cv::Size size, float scale) {
  const int row_values = image.cols * kChannels;
  const AreaTaps rows = ComputeTaps(image.rows, size.height);
  const AreaTaps columns = ComputeTaps(image.cols, size.width);
  cv::Mat out(size, CV_32FC(kChannels));
  std::vector<float> sum(static_cast<size_t>(row_values));
  for (int dy = 0; dy < size.height; ++dy) {
    std::fill(sum.begin(), sum.end(), 0.0f);
    for (int k = rows.begin[dy]; k < rows.begin[dy + 1]; ++k) {
      AddWeightedRow(image.ptr<T>(rows.source[k]), row_values,
                     rows.weight[k] * scale, sum.data());
    }
    ShrinkColumns<kChannels>(sum.data(), columns, size.width,
                             out.ptr<float>(dy));
  }
  return out;
}

template <typename T>
cv::Mat ShrinkArea(const cv::Mat& image, cv::Size size, float scale) {
  switch (image.channels()) {
    case 1:
      return ShrinkArea<T, 1>(image, size, scale);
    case 3:
      return ShrinkArea<T, 3>(image, size, scale);
    case 4:
      return ShrinkArea<T, 4>(image, size, scale);
    default:
      ThrowError("images must have 1, 3 or 4 channels, not {}",
                 image.channels());
  }
}

}  // namespace

cv::Mat ShrinkToRgbFloat(const cv::Mat& image, cv::Size size) {
  if (image.empty()) ThrowError("empty image");
  if (size.width <= 0 || size.height <= 0 || size.width > image.cols ||
      size.height > image.rows) {
    ThrowError("area shrink: {}x{} is not within the image's {}x{}", size.width,
               size.height, image.cols, image.rows);
  }
  const float scale = static_cast<float>(UnitScale(image));
  const cv::Mat shrunk = image.depth() == CV_8U
                             ? ShrinkArea<uint8_t>(image, size, scale)
                             : ShrinkArea<uint16_t>(image, size, scale);
  return ToRgbChannels(shrunk);
}

}  // namespace parallax
