#include "parallax/stereo/view_synthesis.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

#include "parallax/util/check.h"
#include "parallax/util/fast_round.h"

namespace parallax {
namespace {

// A target pixel's splats so far: none, one (written into the sums), more
// (recorded), and settled (the recorded ones being summed).
enum : uint8_t { kEmpty, kSingle, kShared, kSettled };

void CheckInputs(const cv::Mat& image, const cv::Mat& disparity) {
  if (image.empty()) ThrowError("view synthesis: empty image");
  if (image.channels() != 1 && image.channels() != 3) {
    ThrowError("view synthesis: images need 1 or 3 channels, not {}",
               image.channels());
  }
  if (image.depth() != CV_8U && image.depth() != CV_32F) {
    ThrowError("view synthesis: images must be 8-bit or float");
  }
  if (disparity.type() != CV_32FC1) {
    ThrowError("view synthesis: disparity must be one float channel");
  }
  if (disparity.size() != image.size()) {
    ThrowError("view synthesis: disparity is {}x{} but the image {}x{}",
               disparity.cols, disparity.rows, image.cols, image.rows);
  }
  if (!cv::checkRange(disparity)) {
    ThrowError("view synthesis: disparity has NaN or infinite values");
  }
}

// One thread's buffers for a row, kept across rows and frames: no
// allocation per row or per frame once they have grown.
struct RowScratch {
  std::vector<float> source;    // the source row as float
  std::vector<float> t;         // each source pixel's target position
  std::vector<uint8_t> joined;  // x and x + 1 form a span
  std::vector<float> nearest;   // largest disparity reaching each pixel
  std::vector<float> color;     // accumulated, then the row's colour
  std::vector<float> disparity;
  std::vector<float> weight;
  std::vector<uint8_t> original_holes;
  std::vector<uint8_t> state;  // per target pixel: how many splats so far
  // The later splats of target pixels reached more than once.
  struct Splat {
    int target, source;
    float a, z;
  };
  std::vector<Splat> splats;

  void Resize(int width, int channels, float edge_threshold) {
    const size_t w = static_cast<size_t>(width);
    // A span joins pixels whose targets are at most `edge_threshold`
    // apart, so it covers at most that many pixels plus one; an isolated
    // pixel covers one.
    const size_t per_pixel =
        static_cast<size_t>(std::ceil(std::max(edge_threshold, 0.0f))) + 2;
    if (splats.size() < per_pixel * w) splats.resize(per_pixel * w);
    source.resize(w * channels);
    t.resize(w);
    joined.resize(w);
    nearest.resize(w);
    color.resize(w * channels);
    disparity.resize(w);
    weight.resize(w);
    original_holes.resize(w);
    state.resize(w);
  }
};

// Where each source pixel lands, and which neighbours form spans. Targets
// far outside the row are clamped: a span's two ends are within
// `edge_threshold` of each other, so clamping only moves spans that cover
// no pixel of the row.
void TargetPositions(const float* d, int width, float scale,
                     float edge_threshold, float* t, uint8_t* joined) {
  const float low = -16.0f, high = static_cast<float>(width) + 16.0f;
  for (int x = 0; x < width; ++x) {
    t[x] = std::clamp(static_cast<float>(x) - scale * d[x], low, high);
  }
  for (int x = 0; x + 1 < width; ++x) {
    joined[x] = std::abs(scale * (d[x + 1] - d[x])) <= edge_threshold;
  }
  joined[width - 1] = 0;
}

// Calls emit(target_x, x, a, disparity) for every target pixel the source
// row covers: a in [0, 1] interpolates from source pixel x to x + 1 along a
// span, or is 0 for an isolated pixel's own splat. `t` holds each source
// pixel's target position, `joined[x]` whether x and x + 1 form a span.
template <typename Emit>
void TraverseRow(const float* d, const float* t, const uint8_t* joined,
                 int width, Emit&& emit) {
  for (int x = 0; x < width; ++x) {
    const bool right_joined = joined[x];
    if (!right_joined) {
      if (!(x > 0 && joined[x - 1])) {
        // An isolated pixel (a thin structure): its nearest target pixel.
        const int xi = FloorToInt(t[x] + 0.5f);
        if (xi >= 0 && xi < width) emit(xi, x, 0.0f, d[x]);
      }
      continue;
    }
    const float t0 = t[x], t1 = t[x + 1];
    const int lo = std::max(0, CeilToInt(std::min(t0, t1)));
    const int hi = std::min(width - 1, FloorToInt(std::max(t0, t1)));
    if (lo > hi) continue;
    const float span = t1 - t0;
    const float inverse = span == 0 ? 0.0f : 1.0f / span;
    const float d0 = d[x], dd = d[x + 1] - d[x];
    for (int xi = lo; xi <= hi; ++xi) {
      const float a =
          std::clamp((static_cast<float>(xi) - t0) * inverse, 0.0f, 1.0f);
      emit(xi, x, a, d0 + a * dd);
    }
  }
}

// Fills the hole runs of one row from their background side. `original`
// is scratch of the row's width.
void FillRow(float* color, float* disparity, const uint8_t* hole,
             uint8_t* original, int width, int channels, float tolerance) {
  std::copy_n(hole, static_cast<size_t>(width), original);
  int x = 0;
  while (x < width) {
    if (!original[x]) {
      ++x;
      continue;
    }
    const int a = x;
    while (x < width && original[x]) ++x;
    const int b = x;  // hole run [a, b)
    const bool has_left = a > 0, has_right = b < width;
    if (!has_left && !has_right) return;  // nothing visible on this row
    // The farther side (smaller disparity) is what the hole uncovers.
    const bool from_right =
        !has_left || (has_right && disparity[b] <= disparity[a - 1]);
    const int edge = from_right ? b : a - 1;
    const int step = from_right ? 1 : -1;  // away from the hole
    const float background = disparity[edge];
    const int w = b - a;
    int last = edge;
    for (int k = 0; k < w; ++k) {
      const int p = from_right ? b - 1 - k : a + k;
      // Continue the background by repeating the strip beside the hole
      // (shifted by the hole's width, so slanted texture keeps its
      // direction), as long as that strip is visible background; else
      // repeat the last good pixel.
      const int m = p + step * w;
      if (m >= 0 && m < width && !original[m] &&
          std::abs(disparity[m] - background) <= tolerance) {
        last = m;
      }
      std::copy_n(color + size_t(last) * channels, channels,
                  color + size_t(p) * channels);
      disparity[p] = background;
    }
  }
}

// One row of one view: splat, normalise, fill. Leaves the colour in
// `s.color`; writes the row's disparity and hole flags.
template <int kChannels>
void SynthesizeRow(const float* source, const float* d, int width, float scale,
                   const ViewSynthesisOptions& options, RowScratch& s,
                   float* disp, uint8_t* hole) {
  TargetPositions(d, width, scale, options.edge_threshold, s.t.data(),
                  s.joined.data());
  const size_t n = static_cast<size_t>(width);
  // One traversal writes each target pixel's first splat straight into the
  // sums and records only the later splats of pixels reached more than once
  // (occlusions, a small share). Those pixels are then settled: their
  // nearest surface is known, and the splats within the tolerance of it are
  // summed in emission order, the first one as written. Every pixel gets
  // the same sums, in the same order, as replaying all splats would give.
  float* nearest = s.nearest.data();
  float* color = s.color.data();
  float* disparity = s.disparity.data();
  float* weight = s.weight.data();
  uint8_t* state = s.state.data();  // kEmpty, kSingle, kShared, kSettled
  std::fill_n(state, n, kEmpty);
  RowScratch::Splat* const extra = s.splats.data();  // sized by Resize
  size_t extras = 0;
  TraverseRow(d, s.t.data(), s.joined.data(), width,
              [&](int xi, int x, float a, float z) {
                if (state[xi] == kEmpty) {
                  const float* c0 = source + size_t(x) * kChannels;
                  const float* c1 = a > 0 ? c0 + kChannels : c0;
                  float* acc = color + size_t(xi) * kChannels;
                  for (int k = 0; k < kChannels; ++k) {
                    acc[k] = 0.0f + (c0[k] + a * (c1[k] - c0[k]));
                  }
                  disparity[xi] = 0.0f + z;
                  weight[xi] = 1.0f;
                  nearest[xi] = z;
                  state[xi] = kSingle;
                  return;
                }
                state[xi] = kShared;
                nearest[xi] = std::max(nearest[xi], z);
                extra[extras++] = {xi, x, a, z};
              });
  const float tolerance = options.depth_tolerance;
  for (size_t i = 0; i < extras; ++i) {
    const RowScratch::Splat& splat = extra[i];
    const int xi = splat.target;
    float* acc = color + size_t(xi) * kChannels;
    if (state[xi] == kShared) {
      // The first splat, written above, is the sums' start if it is near
      // enough; else the sums start from nothing.
      state[xi] = kSettled;
      if (disparity[xi] < nearest[xi] - tolerance) {
        std::fill_n(acc, kChannels, 0.0f);
        disparity[xi] = 0.0f;
        weight[xi] = 0.0f;
      }
    }
    if (splat.z < nearest[xi] - tolerance) continue;
    const float a = splat.a;
    const float* c0 = source + size_t(splat.source) * kChannels;
    const float* c1 = a > 0 ? c0 + kChannels : c0;
    for (int k = 0; k < kChannels; ++k) {
      acc[k] += c0[k] + a * (c1[k] - c0[k]);
    }
    disparity[xi] += splat.z;
    weight[xi] += 1.0f;
  }
  for (int x = 0; x < width; ++x) {
    float* c = color + size_t(x) * kChannels;
    if (state[x] == kEmpty) {  // nothing reached it: its sums were not set
      hole[x] = 255;
      disp[x] = 0.0f;
      std::fill_n(c, kChannels, 0.0f);
      continue;
    }
    const float inverse = 1.0f / weight[x];  // >= 1: the nearest is kept
    hole[x] = 0;
    disp[x] = disparity[x] * inverse;
    for (int k = 0; k < kChannels; ++k) c[k] *= inverse;
  }
  if (options.fill_holes) {
    FillRow(color, disp, hole, s.original_holes.data(), width, kChannels,
            options.edge_threshold + options.depth_tolerance);
  }
}

// The row's colour in the image's type (8-bit rounds as convertTo does:
// it is convertTo, vectorised).
void StoreRow(float* color, int count, uchar* out, int depth) {
  cv::Mat(1, count, CV_32F, color)
      .convertTo(cv::Mat(1, count, depth, out), depth);
}

void LoadRow(const uchar* in, int count, int depth, float* row) {
  cv::Mat(1, count, depth, const_cast<uchar*>(in))
      .convertTo(cv::Mat(1, count, CV_32F, row), CV_32F);
}

// Softens the copied fill inside the holes: a blur normalised over the hole
// and background pixels only (normalised convolution), so no foreground
// colour bleeds in, the seams between copied rows disappear, and wide holes
// get the smooth continuation of their background. (Blending in Telea
// inpainting of the same holes scored the same in the quality
// table at 3x the cost.) Reads the `roi` of the view, returns the softened
// region (CV_32F).
//
// The weighted colour and its weight are blurred together as the four
// channels of one image, by one separable filter with a kernel made once:
// per channel the same sums as blurring each plane on its own with
// cv::GaussianBlur (whose kernel it is), without its per-call kernel
// construction, which dominated on these small regions.
cv::Mat SoftenFill(const cv::Mat& image, const cv::Mat& disparity,
                   const cv::Mat& holes, float tolerance) {
  constexpr int kSize = 13;
  constexpr double kSigma = 3.0;
  static const cv::Mat kGaussian = cv::getGaussianKernel(kSize, kSigma, CV_32F);
  static const cv::Mat kWindow = cv::Mat::ones(7, 7, CV_8U);
  // Background near a depth edge: within `tolerance` of the window minimum.
  cv::Mat local_min;
  cv::erode(disparity, local_min, kWindow);
  const int channels = image.channels();
  cv::Mat source;
  image.convertTo(source, CV_32F);
  cv::Mat weighted(image.size(), CV_32FC(channels + 1));
  for (int y = 0; y < image.rows; ++y) {
    const float* d = disparity.ptr<float>(y);
    const float* low = local_min.ptr<float>(y);
    const uint8_t* hole = holes.ptr<uint8_t>(y);
    const float* in = source.ptr<float>(y);
    float* out = weighted.ptr<float>(y);
    for (int x = 0; x < image.cols; ++x) {
      const float w = (d[x] <= low[x] + tolerance || hole[x]) ? 1.0f : 0.0f;
      for (int c = 0; c < channels; ++c) *out++ = *in++ * w;
      *out++ = w;
    }
  }
  cv::Mat blurred;
  cv::sepFilter2D(weighted, blurred, CV_32F, kGaussian, kGaussian, {-1, -1}, 0,
                  cv::BORDER_REFLECT_101);
  cv::Mat softened(image.size(), CV_32FC(channels));
  for (int y = 0; y < image.rows; ++y) {
    const float* b = blurred.ptr<float>(y);
    float* out = softened.ptr<float>(y);
    for (int x = 0; x < image.cols; ++x) {
      const float* p = b + x * (channels + 1);
      const float norm = std::max(p[channels], 1e-6f);
      for (int c = 0; c < channels; ++c) out[x * channels + c] = p[c] / norm;
    }
  }
  return softened;
}

// The kTile x kTile tiles that hold a hole: `outer` is the tile grown by a
// margin the filters need, `inner` the tile. Far cheaper than whole-frame
// filters, since holes cover a small part of a frame.
struct HoleTile {
  cv::Rect inner, outer;
};

std::vector<HoleTile> HoleTiles(const cv::Mat& holes) {
  constexpr int kTile = 64, kMargin = 12;
  const cv::Rect frame(0, 0, holes.cols, holes.rows);
  std::vector<HoleTile> tiles;
  for (int y = 0; y < holes.rows; y += kTile) {
    for (int x = 0; x < holes.cols; x += kTile) {
      const cv::Rect inner = cv::Rect(x, y, kTile, kTile) & frame;
      if (cv::countNonZero(holes(inner)) == 0) continue;
      tiles.push_back(
          {inner, cv::Rect(x - kMargin, y - kMargin, kTile + 2 * kMargin,
                           kTile + 2 * kMargin) &
                      frame});
    }
  }
  return tiles;
}

// Softens one view's hole tiles in a fixed (raster) order, each from a
// copy of its own region: a margin sees the softened pixels of the tiles
// before it, always the same ones. (Tiles computed all from the unsoftened
// view, in parallel, scored 0.05 dB lower in the disocclusions of the
// quality report.)
//
// Only the holes' bounding box within the tile is written, so only that box
// grown by the blur's radius (6) and the erosion's (3) is filtered: each
// hole pixel still sees every pixel it saw in the whole tile, so the values
// are the same, at a fraction of the cost (holes are thin strips).
void SoftenHoles(SynthesizedView& view, float tolerance) {
  constexpr int kReach = 6 + 3;
  for (const HoleTile& tile : HoleTiles(view.holes)) {
    const cv::Rect box =
        cv::boundingRect(view.holes(tile.inner)) + tile.inner.tl();
    const cv::Rect roi =
        (box + cv::Point(-kReach, -kReach) + cv::Size(2 * kReach, 2 * kReach)) &
        tile.outer;
    const cv::Mat softened = SoftenFill(view.image(roi), view.disparity(roi),
                                        view.holes(roi), tolerance);
    cv::Mat patch;
    softened(box - roi.tl()).convertTo(patch, view.image.type());
    patch.copyTo(view.image(box), view.holes(box));
  }
}

}  // namespace

std::vector<SynthesizedView> SynthesizeViews(
    const cv::Mat& image, const cv::Mat& disparity,
    const std::vector<float>& scales, const ViewSynthesisOptions& options) {
  CheckInputs(image, disparity);
  for (const float scale : scales) {
    if (!std::isfinite(scale)) {
      ThrowError("view synthesis: scale is not finite");
    }
  }
  // A pixel's nearest splat must always pass the depth test.
  if (!(options.depth_tolerance >= 0 && options.edge_threshold >= 0) ||
      !std::isfinite(options.depth_tolerance) ||
      !std::isfinite(options.edge_threshold)) {
    ThrowError(
        "view synthesis: depth tolerance and edge threshold must be finite "
        "and >= 0");
  }
  const int width = image.cols, height = image.rows;
  const int channels = image.channels();
  std::vector<SynthesizedView> views(scales.size());
  for (SynthesizedView& view : views) {
    view.image.create(image.size(), image.type());
    view.disparity.create(image.size(), CV_32F);
    view.holes.create(image.size(), CV_8U);
  }
  cv::parallel_for_(cv::Range(0, height), [&](const cv::Range& rows) {
    thread_local RowScratch scratch;
    scratch.Resize(width, channels, options.edge_threshold);
    for (int y = rows.start; y < rows.end; ++y) {
      const float* d = disparity.ptr<float>(y);
      LoadRow(image.ptr(y), width * channels, image.depth(),
              scratch.source.data());
      for (size_t v = 0; v < views.size(); ++v) {
        SynthesizedView& view = views[v];
        float* disp = view.disparity.ptr<float>(y);
        uint8_t* hole = view.holes.ptr<uint8_t>(y);
        if (channels == 3) {
          SynthesizeRow<3>(scratch.source.data(), d, width, scales[v], options,
                           scratch, disp, hole);
        } else {
          SynthesizeRow<1>(scratch.source.data(), d, width, scales[v], options,
                           scratch, disp, hole);
        }
        StoreRow(scratch.color.data(), width * channels, view.image.ptr(y),
                 image.depth());
      }
    }
  });
  if (options.fill_holes) {
    // The views are independent: one thread each.
    cv::parallel_for_(cv::Range(0, static_cast<int>(views.size())),
                      [&](const cv::Range& range) {
                        for (int v = range.start; v < range.end; ++v) {
                          SoftenHoles(
                              views[static_cast<size_t>(v)],
                              options.edge_threshold + options.depth_tolerance);
                        }
                      });
  }
  return views;
}

SynthesizedView SynthesizeView(const cv::Mat& image, const cv::Mat& disparity,
                               float scale,
                               const ViewSynthesisOptions& options) {
  return std::move(SynthesizeViews(image, disparity, {scale}, options).front());
}

cv::Mat SharpenDepthEdges(const cv::Mat& disparity, int radius,
                          float min_step) {
  if (disparity.type() != CV_32FC1) {
    ThrowError("edge sharpening: disparity must be one float channel");
  }
  if (radius < 0) ThrowError("edge sharpening: radius must be >= 0");
  if (radius == 0) return disparity.clone();
  const cv::Mat kernel =
      cv::getStructuringElement(cv::MORPH_RECT, cv::Size(2 * radius + 1, 1));
  cv::Mat low, high;
  cv::erode(disparity, low, kernel, {-1, -1}, 1, cv::BORDER_REPLICATE);
  cv::dilate(disparity, high, kernel, {-1, -1}, 1, cv::BORDER_REPLICATE);
  cv::Mat sharp(disparity.size(), CV_32F);
  cv::parallel_for_(cv::Range(0, disparity.rows), [&](const cv::Range& rows) {
    for (int y = rows.start; y < rows.end; ++y) {
      const float* d = disparity.ptr<float>(y);
      const float* lo = low.ptr<float>(y);
      const float* hi = high.ptr<float>(y);
      float* out = sharp.ptr<float>(y);
      for (int x = 0; x < disparity.cols; ++x) {
        const float value = d[x];
        out[x] = hi[x] - lo[x] < min_step        ? value
                 : value - lo[x] < hi[x] - value ? lo[x]
                                                 : hi[x];
      }
    }
  });
  return sharp;
}

cv::Mat NaiveBackwardWarp(const cv::Mat& image, const cv::Mat& disparity,
                          float scale) {
  CheckInputs(image, disparity);
  cv::Mat map_x(image.size(), CV_32F), map_y(image.size(), CV_32F);
  for (int y = 0; y < image.rows; ++y) {
    const float* d = disparity.ptr<float>(y);
    float* mx = map_x.ptr<float>(y);
    float* my = map_y.ptr<float>(y);
    for (int x = 0; x < image.cols; ++x) {
      mx[x] = x + scale * d[x];
      my[x] = static_cast<float>(y);
    }
  }
  cv::Mat warped;
  cv::remap(image, warped, map_x, map_y, cv::INTER_LINEAR,
            cv::BORDER_REPLICATE);
  return warped;
}

}  // namespace parallax
