#include "parallax/effects/linear_light.h"

#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "parallax/util/check.h"

namespace parallax {
namespace {

float DecodeSrgb(float v) {
  return v <= 0.04045f ? v / 12.92f : std::pow((v + 0.055f) / 1.055f, 2.4f);
}

float EncodeSrgb(float v) {
  return v <= 0.0031308f ? 12.92f * v
                         : 1.055f * std::pow(v, 1.0f / 2.4f) - 0.055f;
}

// Decoding tables for 8- and 16-bit codes.
const std::vector<float>& DecodeTable(int levels) {
  static const std::vector<float> table8 = [] {
    std::vector<float> t(256);
    for (int i = 0; i < 256; ++i) t[i] = DecodeSrgb(i / 255.0f);
    return t;
  }();
  static const std::vector<float> table16 = [] {
    std::vector<float> t(65536);
    for (int i = 0; i < 65536; ++i) t[i] = DecodeSrgb(i / 65535.0f);
    return t;
  }();
  return levels == 256 ? table8 : table16;
}

// Encoding through a fine table of linear values (4096 steps, interpolated):
// pow() per pixel would dominate a 12-megapixel render.
constexpr int kEncodeSteps = 4096;
const std::vector<float>& EncodeTable() {
  static const std::vector<float> table = [] {
    std::vector<float> t(kEncodeSteps + 1);
    for (int i = 0; i <= kEncodeSteps; ++i) {
      t[i] = EncodeSrgb(static_cast<float>(i) / kEncodeSteps);
    }
    return t;
  }();
  return table;
}

}  // namespace

cv::Mat ToBgr(const cv::Mat& image) {
  if (image.empty()) ThrowError("empty image");
  cv::Mat bgr;
  switch (image.channels()) {
    case 1:
      cv::cvtColor(image, bgr, cv::COLOR_GRAY2BGR);
      return bgr;
    case 2: {  // gray + alpha: the gray plane
      cv::Mat gray;
      cv::extractChannel(image, gray, 0);
      cv::cvtColor(gray, bgr, cv::COLOR_GRAY2BGR);
      return bgr;
    }
    case 3:
      return image;
    case 4:
      cv::cvtColor(image, bgr, cv::COLOR_BGRA2BGR);
      return bgr;
    default:
      ThrowError("effects: images must have 1 to 4 channels, not {}",
                 image.channels());
  }
}

cv::Mat SrgbToLinear(const cv::Mat& image) {
  const cv::Mat bgr = ToBgr(image);
  if (bgr.depth() != CV_8U && bgr.depth() != CV_16U) {
    ThrowError("effects: images must be 8- or 16-bit");
  }
  const bool eight = bgr.depth() == CV_8U;
  const std::vector<float>& table = DecodeTable(eight ? 256 : 65536);
  cv::Mat linear(bgr.size(), CV_32FC3);
  cv::parallel_for_(cv::Range(0, bgr.rows), [&](const cv::Range& rows) {
    for (int y = rows.start; y < rows.end; ++y) {
      float* out = linear.ptr<float>(y);
      const int n = bgr.cols * 3;
      if (eight) {
        const uchar* in = bgr.ptr<uchar>(y);
        for (int i = 0; i < n; ++i) out[i] = table[in[i]];
      } else {
        const ushort* in = bgr.ptr<ushort>(y);
        for (int i = 0; i < n; ++i) out[i] = table[in[i]];
      }
    }
  });
  return linear;
}

cv::Mat LinearToSrgb(const cv::Mat& linear, int depth) {
  THROW_CHECK(linear.type() == CV_32FC3);
  THROW_CHECK(depth == CV_8U || depth == CV_16U);
  const std::vector<float>& table = EncodeTable();
  const float max_code = depth == CV_8U ? 255.0f : 65535.0f;
  cv::Mat out(linear.size(), CV_MAKETYPE(depth, 3));
  cv::parallel_for_(cv::Range(0, linear.rows), [&](const cv::Range& rows) {
    for (int y = rows.start; y < rows.end; ++y) {
      const float* in = linear.ptr<float>(y);
      const int n = linear.cols * 3;
      for (int i = 0; i < n; ++i) {
        const float v = in[i] >= 0.0f ? (in[i] <= 1.0f ? in[i] : 1.0f) : 0.0f;
        const float pos = v * kEncodeSteps;
        const int i0 = std::min(static_cast<int>(pos), kEncodeSteps - 1);
        const float f = pos - i0;
        const float code =
            (table[i0] + f * (table[i0 + 1] - table[i0])) * max_code + 0.5f;
        if (depth == CV_8U) {
          out.ptr<uchar>(y)[i] = static_cast<uchar>(code);
        } else {
          out.ptr<ushort>(y)[i] = static_cast<ushort>(code);
        }
      }
    }
  });
  return out;
}

}  // namespace parallax
