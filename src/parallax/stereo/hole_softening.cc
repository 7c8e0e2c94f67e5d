#include "parallax/stereo/hole_softening.h"

#include <algorithm>
#include <array>
#include <vector>

#include <opencv2/core/hal/intrin.hpp>
#include <opencv2/imgproc.hpp>

namespace parallax {
namespace {

constexpr int kTile = 64;
constexpr int kRadius = 6;  // the blur's 13 taps
constexpr int kTaps = 2 * kRadius + 1;
constexpr double kSigma = 3.0;  // cv::GaussianBlur's kernel for 13 taps
constexpr int kWindow = 7;      // where a pixel's background is sought

const std::array<float, kTaps>& GaussianTaps() {
  static const std::array<float, kTaps> taps = [] {
    const cv::Mat kernel = cv::getGaussianKernel(kTaps, kSigma, CV_32F);
    std::array<float, kTaps> t;
    std::copy_n(kernel.ptr<float>(), kTaps, t.begin());
    return t;
  }();
  return taps;
}

// Buffers of one thread, grown once and kept.
struct Scratch {
  // Per pixel of the blur's reach: colour times weight, and the weight, as
  // the four lanes of a vector (colour in lanes 0-2, weight in lane 3).
  std::vector<float> weighted;
  // The horizontal pass over the reach's rows, on every column of the
  // holes' bounding box in the tile.
  std::vector<float> across;
};

// Pixel `x` of an image row in lanes 0-2 (one-channel images: lane 0
// only) and 1 in lane 3: a counted pixel's weighted colour and weight.
template <typename T, int kChannels>
cv::v_float32x4 CountedPixel(const T* row, int x) {
  const T* p = row + size_t(x) * kChannels;
  if constexpr (kChannels == 3) {
    return cv::v_float32x4(static_cast<float>(p[0]), static_cast<float>(p[1]),
                           static_cast<float>(p[2]), 1.0f);
  } else {
    return cv::v_float32x4(static_cast<float>(p[0]), 0.0f, 0.0f, 1.0f);
  }
}

// The weighted colour of every pixel in `reach`: weight 1 for holes and
// for background (within `tolerance` of the smallest disparity of its
// window), 0 for the rest, in lane 3.
template <typename T, int kChannels>
void WeightReach(const cv::Mat& image, const cv::Mat& disparity,
                 const cv::Mat& holes, const cv::Rect& reach, float tolerance,
                 float* weighted) {
  static const cv::Mat kWindowShape = cv::Mat::ones(kWindow, kWindow, CV_8U);
  cv::Mat local_min;
  // Not isolated: the window looks past the reach into the rest of the
  // view, as it would on the whole view.
  cv::erode(disparity(reach), local_min, kWindowShape);
  for (int r = 0; r < reach.height; ++r) {
    const int y = reach.y + r;
    const T* in = image.ptr<T>(y);
    const float* d = disparity.ptr<float>(y) + reach.x;
    const uint8_t* hole = holes.ptr<uint8_t>(y) + reach.x;
    const float* low = local_min.ptr<float>(r);
    float* out = weighted + size_t(r) * reach.width * 4;
    for (int c = 0; c < reach.width; ++c) {
      const bool counts = d[c] <= low[c] + tolerance || hole[c];
      cv::v_store(out + c * 4, counts
                                   ? CountedPixel<T, kChannels>(in, reach.x + c)
                                   : cv::v_setzero_f32());
    }
  }
}

template <typename T, int kChannels>
void StorePixel(const cv::v_float32x4& sums, T* row, int x) {
  float s[4];
  cv::v_store(s, sums);
  const float norm = std::max(s[3], 1e-6f);
  T* p = row + size_t(x) * kChannels;
  for (int k = 0; k < kChannels; ++k) p[k] = cv::saturate_cast<T>(s[k] / norm);
}

// Softens the holes inside `box` (their bounding box within one tile).
template <typename T, int kChannels>
void SoftenBox(cv::Mat& image, const cv::Mat& disparity, const cv::Mat& holes,
               const cv::Rect& box, float tolerance, Scratch& s) {
  const cv::Rect frame(0, 0, image.cols, image.rows);
  const cv::Rect reach =
      cv::Rect(box.x - kRadius, box.y - kRadius, box.width + 2 * kRadius,
               box.height + 2 * kRadius) &
      frame;
  s.weighted.resize(size_t(reach.area()) * 4);
  s.across.resize(size_t(reach.height) * box.width * 4);
  WeightReach<T, kChannels>(image, disparity, holes, reach, tolerance,
                            s.weighted.data());
  const std::array<float, kTaps>& taps = GaussianTaps();
  // Positions outside the view mirror back in (BORDER_REFLECT_101), onto
  // pixels within the reach.
  std::array<int, kTaps> columns;
  for (int c = 0; c < box.width; ++c) {
    const int x = box.x + c;
    for (int k = 0; k < kTaps; ++k) {
      columns[k] = cv::borderInterpolate(x + k - kRadius, image.cols,
                                         cv::BORDER_REFLECT_101) -
                   reach.x;
    }
    for (int r = 0; r < reach.height; ++r) {
      const float* in = s.weighted.data() + size_t(r) * reach.width * 4;
      cv::v_float32x4 sum = cv::v_setzero_f32();
      for (int k = 0; k < kTaps; ++k) {
        sum = cv::v_muladd(cv::v_load(in + columns[k] * 4),
                           cv::v_setall_f32(taps[k]), sum);
      }
      cv::v_store(s.across.data() + (size_t(r) * box.width + c) * 4, sum);
    }
  }
  std::array<int, kTaps> rows;
  for (int y = box.y; y < box.y + box.height; ++y) {
    for (int k = 0; k < kTaps; ++k) {
      rows[k] = cv::borderInterpolate(y + k - kRadius, image.rows,
                                      cv::BORDER_REFLECT_101) -
                reach.y;
    }
    const uint8_t* hole = holes.ptr<uint8_t>(y);
    T* out = image.ptr<T>(y);
    for (int x = box.x; x < box.x + box.width; ++x) {
      if (!hole[x]) continue;
      const float* column = s.across.data() + size_t(x - box.x) * 4;
      cv::v_float32x4 sum = cv::v_setzero_f32();
      for (int k = 0; k < kTaps; ++k) {
        sum = cv::v_muladd(cv::v_load(column + size_t(rows[k]) * box.width * 4),
                           cv::v_setall_f32(taps[k]), sum);
      }
      StorePixel<T, kChannels>(sum, out, x);
    }
  }
}

template <typename T, int kChannels>
void SoftenTiles(cv::Mat& image, const cv::Mat& disparity, const cv::Mat& holes,
                 float tolerance) {
  thread_local Scratch scratch;
  const cv::Rect frame(0, 0, image.cols, image.rows);
  for (int y = 0; y < image.rows; y += kTile) {
    for (int x = 0; x < image.cols; x += kTile) {
      const cv::Rect tile = cv::Rect(x, y, kTile, kTile) & frame;
      const cv::Rect box = cv::boundingRect(holes(tile));
      if (box.empty()) continue;
      SoftenBox<T, kChannels>(image, disparity, holes, box + tile.tl(),
                              tolerance, scratch);
    }
  }
}

}  // namespace

void SoftenHoles(cv::Mat& image, const cv::Mat& disparity, const cv::Mat& holes,
                 float tolerance) {
  CV_Assert(disparity.type() == CV_32FC1 && holes.type() == CV_8UC1 &&
            image.size() == disparity.size() && image.size() == holes.size());
  switch (image.type()) {
    case CV_8UC3:
      return SoftenTiles<uint8_t, 3>(image, disparity, holes, tolerance);
    case CV_8UC1:
      return SoftenTiles<uint8_t, 1>(image, disparity, holes, tolerance);
    case CV_32FC3:
      return SoftenTiles<float, 3>(image, disparity, holes, tolerance);
    case CV_32FC1:
      return SoftenTiles<float, 1>(image, disparity, holes, tolerance);
    default:
      CV_Error(cv::Error::StsUnsupportedFormat,
               "8-bit or float, 1 or 3 channels");
  }
}

}  // namespace parallax
