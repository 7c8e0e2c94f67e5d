#include "parallax/stereo/view_synthesis.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <vector>

#include <opencv2/core/hal/intrin.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

#include "parallax/stereo/hole_softening.h"
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
}

[[noreturn]] void ThrowNotFinite() {
  ThrowError("view synthesis: disparity has NaN or infinite values");
}

// Whether a row of disparity is all finite: x * 0 is 0 for finite x and NaN
// for infinities and NaN, and NaN survives the sums.
bool RowIsFinite(const float* d, int width) {
  int x = 0;
  cv::v_float32x4 sum = cv::v_setzero_f32();
  const cv::v_float32x4 zero = cv::v_setzero_f32();
  for (; x + 4 <= width; x += 4) sum += cv::v_load(d + x) * zero;
  float tail = cv::v_reduce_sum(sum);
  for (; x < width; ++x) tail += d[x] * 0.0f;
  return tail == 0.0f;
}

// Target positions are clamped to [-kClamp, width + kClamp] (see
// TargetPositions), and the per-target buffers have kPad spare pixels on
// each side, so every splat has a slot and the traversal needs no bounds
// checks: the ones outside the row land in the margins, which are ignored.
constexpr int kClamp = 16;
constexpr int kPad = kClamp + 2;

// One thread's buffers for a row, kept across rows and frames: no
// allocation per row or per frame once they have grown.
struct RowScratch {
  std::vector<float> source;    // the source row as float
  std::vector<float> t;         // each source pixel's target position
  std::vector<uint8_t> joined;  // x and x + 1 form a span
  std::vector<int> lo, hi;      // the first and last target pixel of a span
  std::vector<float> inverse;   // 1 / the span's length (0 for none)
  // Per target pixel, with kPad margins (the pointers below skip them).
  std::vector<float> nearest_buffer;  // largest disparity reaching it
  std::vector<float> color_buffer;    // accumulated, then the row's colour
  std::vector<float> disparity_buffer;
  std::vector<float> weight_buffer;
  std::vector<uint8_t> state_buffer;  // how many splats so far
  // The later splats of target pixels reached more than once.
  struct Splat {
    int target, source;
    float a, z;
  };
  std::vector<Splat> splats;
  int channels = 0;

  void Resize(int width, int row_channels, float edge_threshold) {
    const size_t w = static_cast<size_t>(width);
    const size_t padded = w + 2 * kPad;
    channels = row_channels;
    // A span joins pixels whose targets are at most `edge_threshold`
    // apart, so it covers at most that many pixels plus one, and no more
    // than the clamped range of targets; an isolated pixel covers one.
    const double longest =
        std::min(std::ceil(std::max(double(edge_threshold), 0.0)),
                 double(w + 2 * kClamp));
    const size_t per_pixel = static_cast<size_t>(longest) + 2;
    if (splats.size() < per_pixel * w) splats.resize(per_pixel * w);
    source.resize(w * channels);
    t.resize(w);
    joined.resize(w);
    lo.resize(w);
    hi.resize(w);
    inverse.resize(w);
    nearest_buffer.resize(padded);
    color_buffer.resize(padded * channels);
    disparity_buffer.resize(padded);
    weight_buffer.resize(padded);
    state_buffer.resize(padded);
  }
  float* nearest() { return nearest_buffer.data() + kPad; }
  float* color() { return color_buffer.data() + size_t(kPad) * channels; }
  float* disparity() { return disparity_buffer.data() + kPad; }
  float* weight() { return weight_buffer.data() + kPad; }
  uint8_t* state() { return state_buffer.data() + kPad; }
};

// Where each source pixel lands, and which neighbours form spans: a span
// x, x + 1 covers the target pixels lo[x]..hi[x] (none if lo > hi). Targets
// far outside the row are clamped: a span's two ends are within
// `edge_threshold` of each other, so clamping only moves spans that cover
// no pixel of the row.
void TargetPositions(const float* d, int width, float scale,
                     float edge_threshold, RowScratch& s) {
  float* t = s.t.data();
  uint8_t* joined = s.joined.data();
  int* lo = s.lo.data();
  int* hi = s.hi.data();
  float* inverse = s.inverse.data();
  const float low = -kClamp, high = static_cast<float>(width) + kClamp;
  for (int x = 0; x < width; ++x) {
    t[x] = std::clamp(static_cast<float>(x) - scale * d[x], low, high);
  }
  for (int x = 0; x + 1 < width; ++x) {
    joined[x] = std::abs(scale * (d[x + 1] - d[x])) <= edge_threshold;
  }
  // A span that ends exactly on a pixel where the next span starts leaves
  // that pixel to the next one: both would splat the same source pixel
  // there, counting it twice against any other surface at that pixel (and
  // costing a second splat, everywhere on integer disparities).
  int x = 0;
  // The same as the scalar loop below, four spans at a time (the compiler
  // does not vectorise that loop: the conversions to int block it).
  const cv::v_float32x4 zero = cv::v_setzero_f32(), one = cv::v_setall_f32(1);
  const cv::v_float32x4 vscale = cv::v_setall_f32(scale);
  const cv::v_float32x4 vedge = cv::v_setall_f32(edge_threshold);
  for (; x + 5 < width; x += 4) {
    const cv::v_float32x4 t0 = cv::v_load(t + x), t1 = cv::v_load(t + x + 1);
    cv::v_int32x4 first = cv::v_ceil(cv::v_min(t0, t1));
    cv::v_int32x4 last = cv::v_floor(cv::v_max(t0, t1));
    // joined[x + 1], recomputed from the disparity by the same expression
    // (cheaper than widening its bytes into lanes).
    const cv::v_float32x4 next_joined =
        cv::v_abs(vscale * (cv::v_load(d + x + 2) - cv::v_load(d + x + 1))) <=
        vedge;
    const cv::v_float32x4 ends_up =
        (t1 > t0) & (cv::v_cvt_f32(last) == t1) & next_joined;
    const cv::v_float32x4 ends_down =
        (t1 < t0) & (cv::v_cvt_f32(first) == t1) & next_joined;
    // Masks are -1 where set.
    last += cv::v_reinterpret_as_s32(ends_up);
    first -= cv::v_reinterpret_as_s32(ends_down);
    cv::v_store(lo + x, first);
    cv::v_store(hi + x, last);
    const cv::v_float32x4 span = t1 - t0, none = span == zero;
    const cv::v_float32x4 q = one / cv::v_select(none, one, span);
    cv::v_store(inverse + x, cv::v_select(none, zero, q));
  }
  for (; x + 1 < width; ++x) {
    const float t0 = t[x], t1 = t[x + 1];
    lo[x] = CeilToInt(std::min(t0, t1));
    hi[x] = FloorToInt(std::max(t0, t1));
    const bool next_joined = x + 2 < width && joined[x + 1];
    if (next_joined && t1 > t0 && static_cast<float>(hi[x]) == t1) --hi[x];
    if (next_joined && t1 < t0 && static_cast<float>(lo[x]) == t1) ++lo[x];
    const float span = t1 - t0;
    inverse[x] = span == 0 ? 0.0f : 1.0f / span;
  }
  joined[width - 1] = 0;
}

// Calls emit(target_x, x, a, disparity) for every target pixel the source
// row covers, margins included: a in [0, 1] interpolates from source pixel x
// to x + 1 along a span, or is 0 for an isolated pixel's own splat.
template <typename Emit>
void TraverseRow(const float* d, const RowScratch& s, int width, Emit&& emit) {
  const float* t = s.t.data();
  const uint8_t* joined = s.joined.data();
  const int* lo = s.lo.data();
  const int* hi = s.hi.data();
  const float* inverse = s.inverse.data();
  for (int x = 0; x < width; ++x) {
    if (!joined[x]) {
      if (!(x > 0 && joined[x - 1])) {
        // An isolated pixel (a thin structure): its nearest target pixel.
        emit(FloorToInt(t[x] + 0.5f), x, 0.0f, d[x]);
      }
      continue;
    }
    const float t0 = t[x], inv = inverse[x];
    const float d0 = d[x], dd = d[x + 1] - d[x];
    for (int xi = lo[x]; xi <= hi[x]; ++xi) {
      const float a =
          std::clamp((static_cast<float>(xi) - t0) * inv, 0.0f, 1.0f);
      emit(xi, x, a, d0 + a * dd);
    }
  }
}

// The runs of hole pixels (255) in a row of hole flags, found with memchr
// (holes are a small share of a row).
struct HoleRuns {
  HoleRuns(const uint8_t* row, int width) : row(row), width(width) {}
  bool Next() {
    const void* found = end < width
                            ? std::memchr(row + end, 255, size_t(width - end))
                            : nullptr;
    if (found == nullptr) return false;
    begin = static_cast<int>(static_cast<const uint8_t*>(found) - row);
    end = begin + 1;
    while (end < width && row[end]) ++end;
    return true;
  }
  const uint8_t* row;
  int width;
  int begin = 0, end = 0;  // the current run, [begin, end)
};

// Fills the hole runs of one row from their background side.
void FillRow(float* color, float* disparity, const uint8_t* hole, int width,
             int channels, float tolerance) {
  for (HoleRuns runs(hole, width); runs.Next();) {
    const int a = runs.begin, b = runs.end;
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
      if (m >= 0 && m < width && !hole[m] &&
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
// `s.color()`; writes the row's disparity and hole flags.
template <int kChannels>
void SynthesizeRow(const float* source, const float* d, int width, float scale,
                   const ViewSynthesisOptions& options, RowScratch& s,
                   float* disp, uint8_t* hole) {
  TargetPositions(d, width, scale, options.edge_threshold, s);
  // One traversal writes each target pixel's first splat straight into the
  // sums and records only the later splats of pixels reached more than once
  // (occlusions, a small share). Those pixels are then settled: their
  // nearest surface is known, and the splats within the tolerance of it are
  // summed in emission order, the first one as written. Every pixel gets
  // the same sums, in the same order, as replaying all splats would give.
  float* nearest = s.nearest();
  float* color = s.color();
  float* disparity = s.disparity();
  float* weight = s.weight();
  uint8_t* state = s.state();  // kEmpty, kSingle, kShared, kSettled
  std::fill(s.state_buffer.begin(), s.state_buffer.end(), kEmpty);
  RowScratch::Splat* const extra = s.splats.data();  // sized by Resize
  size_t extras = 0;
  TraverseRow(d, s, width, [&](int xi, int x, float a, float z) {
    if (state[xi] == kEmpty) {
      const float* c0 = source + size_t(x) * kChannels;
      const float* c1 = a > 0 ? c0 + kChannels : c0;
      float* acc = color + ptrdiff_t(xi) * kChannels;
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
    float* acc = color + ptrdiff_t(xi) * kChannels;
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
  // Normalise. A pixel reached once holds its splat as is (weight 1); only
  // the settled ones are divided, and the empty ones set to zero.
  int x = 0;
  // Sixteen at a time (the compiler leaves the scalar loop as it is).
  static_assert(kEmpty == 0);
  for (; x + 16 <= width; x += 16) {
    const cv::v_uint8x16 empty = cv::v_load(state + x) == cv::v_setzero_u8();
    cv::v_store(hole + x, empty);  // 255 where empty
    // Widened with sign extension: each 0xff becomes an all-ones lane.
    cv::v_int16x8 half[2];
    cv::v_expand(cv::v_reinterpret_as_s8(empty), half[0], half[1]);
    for (int h = 0; h < 2; ++h) {
      cv::v_int32x4 quarter[2];
      cv::v_expand(half[h], quarter[0], quarter[1]);
      for (int q = 0; q < 2; ++q) {
        const int at = x + 8 * h + 4 * q;
        cv::v_store(
            disp + at,
            cv::v_select(cv::v_reinterpret_as_f32(quarter[q]),
                         cv::v_setzero_f32(), cv::v_load(disparity + at)));
      }
    }
  }
  for (; x < width; ++x) {
    const bool empty = state[x] == kEmpty;
    hole[x] = empty ? 255 : 0;
    disp[x] = empty ? 0.0f : disparity[x];
  }
  for (size_t i = 0; i < extras; ++i) {
    const int xi = extra[i].target;
    if (state[xi] != kSettled) continue;
    state[xi] = kSingle;                      // done
    if (xi < 0 || xi >= width) continue;      // in a margin
    const float inverse = 1.0f / weight[xi];  // >= 1: the nearest is kept
    disp[xi] = disparity[xi] * inverse;
    float* c = color + size_t(xi) * kChannels;
    for (int k = 0; k < kChannels; ++k) c[k] *= inverse;
  }
  for (HoleRuns runs(hole, width); runs.Next();) {
    std::fill(color + size_t(runs.begin) * kChannels,
              color + size_t(runs.end) * kChannels, 0.0f);
  }
  if (options.fill_holes) {
    FillRow(color, disp, hole, width, kChannels,
            options.edge_threshold + options.depth_tolerance);
  }
}

// The row's colour in the image's type; 8-bit rounds to nearest even and
// saturates, as convertTo does (a row at a time, its per-call overhead
// counted).
void StoreRow(const float* color, int count, uchar* out, int depth) {
  if (depth == CV_32F) {
    std::copy_n(color, count, reinterpret_cast<float*>(out));
    return;
  }
  int i = 0;
  for (; i + 16 <= count; i += 16) {
    const cv::v_int32x4 a = cv::v_round(cv::v_load(color + i));
    const cv::v_int32x4 b = cv::v_round(cv::v_load(color + i + 4));
    const cv::v_int32x4 c = cv::v_round(cv::v_load(color + i + 8));
    const cv::v_int32x4 d = cv::v_round(cv::v_load(color + i + 12));
    cv::v_store(out + i, cv::v_pack_u(cv::v_pack(a, b), cv::v_pack(c, d)));
  }
  for (; i < count; ++i) out[i] = cv::saturate_cast<uchar>(color[i]);
}

void LoadRow(const uchar* in, int count, int depth, float* row) {
  if (depth == CV_32F) {
    std::copy_n(reinterpret_cast<const float*>(in), count, row);
    return;
  }
  for (int i = 0; i < count; ++i) row[i] = in[i];
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
  // Rows check their own disparity (in parallel, where a whole-map check
  // first cost a serial millisecond at 1080p); a bad one fails the call.
  std::atomic<bool> not_finite = false;
  cv::parallel_for_(cv::Range(0, height), [&](const cv::Range& rows) {
    thread_local RowScratch scratch;
    scratch.Resize(width, channels, options.edge_threshold);
    for (int y = rows.start; y < rows.end; ++y) {
      if (not_finite.load(std::memory_order_relaxed)) return;  // failing
      const float* d = disparity.ptr<float>(y);
      if (!RowIsFinite(d, width)) {
        not_finite = true;
        return;
      }
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
        StoreRow(scratch.color(), width * channels, view.image.ptr(y),
                 image.depth());
      }
    }
  });
  if (not_finite) ThrowNotFinite();
  if (options.fill_holes) {
    // The views are independent: one thread each.
    cv::parallel_for_(cv::Range(0, static_cast<int>(views.size())),
                      [&](const cv::Range& range) {
                        for (int v = range.start; v < range.end; ++v) {
                          SynthesizedView& view = views[size_t(v)];
                          SoftenHoles(
                              view.image, view.disparity, view.holes,
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

cv::Mat NaiveBackwardWarp(const cv::Mat& image, const cv::Mat& disparity,
                          float scale) {
  CheckInputs(image, disparity);
  if (!cv::checkRange(disparity)) ThrowNotFinite();
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
