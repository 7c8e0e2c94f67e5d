#include "parallax/effects/lens_blur.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "parallax/effects/linear_light.h"
#include "parallax/effects/run_filter.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

// Layer centres in blur radius (working pixels): 0, then rings growing by
// kRingRatio. Between two centres a pixel is split linearly, so a radius
// between rings is a mix of the two blurs.
constexpr double kFirstRing = 1.0;
constexpr double kRingRatio = 1.6;
constexpr int kTile = 128;  // working pixels per tile side
constexpr float kNoMass = 1e-6f;

std::vector<float> LayerCentres(double max_radius) {
  std::vector<float> rings;
  for (double r = kFirstRing; rings.empty() || rings.back() < max_radius;
       r *= kRingRatio) {
    rings.push_back(static_cast<float>(r));
  }
  std::vector<float> centres;
  for (auto it = rings.rbegin(); it != rings.rend(); ++it) {
    centres.push_back(-*it);
  }
  centres.push_back(0.0f);
  centres.insert(centres.end(), rings.begin(), rings.end());
  return centres;  // ascending: far (negative) to near (positive)
}

// Tent membership of radius r in layer k.
float Membership(float r, const std::vector<float>& c, int k) {
  const int last = static_cast<int>(c.size()) - 1;
  if (r == c[k]) return 1.0f;
  if (r < c[k]) {
    if (k == 0) return 1.0f;  // beyond the farthest centre: all in it
    if (r <= c[k - 1]) return 0.0f;
    return (r - c[k - 1]) / (c[k] - c[k - 1]);
  }
  if (k == last) return 1.0f;
  if (r >= c[k + 1]) return 0.0f;
  return (c[k + 1] - r) / (c[k + 1] - c[k]);
}

// How much more a pixel weighs in the blur than its light alone: bright
// points dominate the discs they spread into (bokeh highlights), while a
// flat bright area keeps its brightness, because each layer's light is
// divided by its summed weight.
cv::Mat HighlightWeight(const cv::Mat& linear, double amount,
                        double threshold) {
  cv::Mat weight(linear.size(), CV_32F, cv::Scalar(1));
  if (amount <= 0) return weight;
  const float t = static_cast<float>(threshold);
  const float gain = static_cast<float>(8 * amount);
  cv::parallel_for_(cv::Range(0, linear.rows), [&](const cv::Range& rows) {
    for (int y = rows.start; y < rows.end; ++y) {
      const cv::Vec3f* p = linear.ptr<cv::Vec3f>(y);
      float* w = weight.ptr<float>(y);
      for (int x = 0; x < linear.cols; ++x) {
        const float lum =
            0.0722f * p[x][0] + 0.7152f * p[x][1] + 0.2126f * p[x][2];
        if (lum <= t) continue;
        const float s = std::min(1.0f, (lum - t) / (1.0f - t));
        w[x] = 1.0f + gain * s * s;
      }
    }
  });
  return weight;
}

int FloorDiv(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// A layer's kernel (flipped: filter2D correlates, light spreads by
// convolution) and its runs. Kernels up to 11 x 11 are cheaper as
// filter2D's direct taps on the tile, larger ones as runs
// (run_filter_benchmark: BM_Filter2DTile against BM_FilterByRuns).
struct LayerKernel {
  explicit LayerKernel(const cv::Mat& flipped) : taps(flipped), runs(flipped) {}
  cv::Mat taps;
  RunKernel runs;
};
constexpr int kRunsFromSide = 13;

// The kernel applied to `src` for the pixels of `out`, which lie inside src
// with the kernel's radius around them (filter2D then reads the pixels
// around the rectangle, not a border).
cv::Mat FilterRect(const cv::Mat& src, const LayerKernel& kernel,
                   const cv::Rect& out) {
  const int hx = kernel.runs.half_width(), hy = kernel.runs.half_height();
  [[maybe_unused]] const cv::Rect reach(
      out.x - hx, out.y - hy, out.width + 2 * hx, out.height + 2 * hy);
  CV_DbgAssert((reach & cv::Rect(0, 0, src.cols, src.rows)) == reach);
  if (kernel.taps.cols >= kRunsFromSide) {
    return FilterByRuns(src, kernel.runs, out);
  }
  cv::Mat dst;
  cv::filter2D(src(out), dst, -1, kernel.taps, {-1, -1}, 0,
               cv::BORDER_CONSTANT);
  return dst;
}

// Blurs `layer` by the kernel at 1/s of its resolution and back, computing
// only the pixels of `out` (in layer coordinates); `layer`'s size is a
// multiple of s and it reaches the kernel's radius (at 1/s) plus one small
// pixel beyond `out`.
cv::Mat BlurAtScale(const cv::Mat& layer, const LayerKernel& kernel, int s,
                    const cv::Rect& out) {
  if (s == 1) return FilterRect(layer, kernel, out);
  cv::Mat small;
  cv::resize(layer, small, cv::Size(layer.cols / s, layer.rows / s), 0, 0,
             cv::INTER_AREA);
  // The small pixels under `out`, and one more on each side for the
  // bilinear taps of its edge pixels.
  const int x0 = FloorDiv(out.x, s) - 1, y0 = FloorDiv(out.y, s) - 1;
  const int x1 = -FloorDiv(-out.br().x, s) + 1;
  const int y1 = -FloorDiv(-out.br().y, s) + 1;
  const cv::Mat blurred =
      FilterRect(small, kernel, cv::Rect(x0, y0, x1 - x0, y1 - y0));
  cv::Mat up;
  cv::resize(blurred, up, cv::Size(blurred.cols * s, blurred.rows * s), 0, 0,
             cv::INTER_LINEAR);
  return up(out - cv::Point(x0 * s, y0 * s)).clone();
}

}  // namespace

void LensBlurOptions::Check() const {
  blur.Check();
  aperture.Check();
  if (!(highlights >= 0 && highlights <= 10)) {
    ThrowError("--highlights must be in 0..10, got {}", highlights);
  }
  if (!(highlight_threshold >= 0 && highlight_threshold < 1)) {
    ThrowError("highlight threshold must be in 0..1");
  }
  if (!(shape_detail >= 1 && shape_detail <= 64)) {
    ThrowError("--shape-detail must be in 1..64, got {}", shape_detail);
  }
}

struct Refocuser::Impl {
  int depth = CV_8U;
  cv::Mat linear;          // full resolution, CV_32FC3
  cv::Mat disparity;       // full resolution
  cv::Mat working_linear;  // the blurred layers' resolution
  cv::Mat working_disparity;
  double scale = 1;  // working / full

  cv::Mat Render(float focus, const LensBlurOptions& options) const;
};

Refocuser::Refocuser(const cv::Mat& image, const cv::Mat& disparity,
                     const RefocusPrepareOptions& options)
    : impl_(std::make_unique<Impl>()) {
  if (image.empty()) ThrowError("defocus: empty image");
  CheckDisparityMap(disparity, image.size());
  impl_->depth = image.depth() == CV_16U ? CV_16U : CV_8U;
  impl_->linear = SrgbToLinear(image);
  impl_->disparity = disparity.clone();
  const double pixels = static_cast<double>(image.total());
  if (options.max_working_pixels > 0 && pixels > options.max_working_pixels) {
    impl_->scale = std::sqrt(options.max_working_pixels / pixels);
    const cv::Size working(
        std::max(1, static_cast<int>(std::lround(image.cols * impl_->scale))),
        std::max(1, static_cast<int>(std::lround(image.rows * impl_->scale))));
    cv::resize(impl_->linear, impl_->working_linear, working, 0, 0,
               cv::INTER_AREA);
    cv::resize(impl_->disparity, impl_->working_disparity, working, 0, 0,
               cv::INTER_AREA);
  } else {
    impl_->working_linear = impl_->linear;
    impl_->working_disparity = impl_->disparity;
  }
}

Refocuser::~Refocuser() = default;
Refocuser::Refocuser(Refocuser&&) noexcept = default;
Refocuser& Refocuser::operator=(Refocuser&&) noexcept = default;

cv::Size Refocuser::size() const { return impl_->linear.size(); }
const cv::Mat& Refocuser::disparity() const { return impl_->disparity; }

float Refocuser::FocusAt(cv::Point point) const {
  return FocusDisparityAt(impl_->disparity, point);
}

cv::Mat Refocuser::Render(float focus_disparity,
                          const LensBlurOptions& options) const {
  return impl_->Render(focus_disparity, options);
}

cv::Mat Refocuser::Impl::Render(float focus,
                                const LensBlurOptions& options) const {
  options.Check();
  // Radii in working pixels, from the working-resolution map.
  const BlurModel& model = options.blur;
  cv::Mat radius = SignedBlurRadius(working_disparity, focus, model);
  // Thin-lens radii scale with the map's width by themselves; --max-blur
  // is in full-resolution pixels.
  if (scale != 1 && model.f_number <= 0) radius *= scale;
  cv::max(cv::min(radius, 500.0 * scale), -500.0 * scale, radius);
  double low = 0, high = 0;
  cv::minMaxLoc(radius, &low, &high);
  const double reach = std::max(-low, high);
  const std::vector<float> centres = LayerCentres(std::max(reach, 1.0));
  const int layers = static_cast<int>(centres.size());
  const int sharp_layer = static_cast<int>(
      std::find(centres.begin(), centres.end(), 0.0f) - centres.begin());

  // Each layer blurs with the mean radius of its members, not its centre:
  // a frame blurred by 12 px everywhere then gets 12 px discs, not a mix
  // of the two neighbouring rings' discs.
  std::vector<double> layer_radius(layers, 0), layer_mass(layers, 0);
  for (int y = 0; y < radius.rows; ++y) {
    const float* rr = radius.ptr<float>(y);
    for (int x = 0; x < radius.cols; ++x) {
      const int upper = static_cast<int>(
          std::upper_bound(centres.begin(), centres.end(), rr[x]) -
          centres.begin());
      for (int k : {upper - 1, upper}) {
        if (k < 0 || k >= layers) continue;
        const float m = Membership(rr[x], centres, k);
        layer_radius[k] += m * std::abs(rr[x]);
        layer_mass[k] += m;
      }
    }
  }
  // Per layer: its blur scale (layers are blurred at 1/s of working
  // resolution with a kernel of about shape_detail pixels) and kernel.
  std::vector<int> layer_scale(layers);
  std::vector<LayerKernel> kernels;
  kernels.reserve(layers);
  for (int k = 0; k < layers; ++k) {
    const double r = layer_mass[k] > 0 ? layer_radius[k] / layer_mass[k]
                                       : std::abs(centres[k]);
    layer_scale[k] =
        std::max(1, static_cast<int>(std::floor(r / options.shape_detail)));
    cv::Mat flipped;
    cv::flip(ApertureKernel(r / layer_scale[k], options.aperture), flipped, -1);
    kernels.emplace_back(flipped);
  }

  // Without highlights every pixel weighs 1: no weight map.
  const bool weight_is_membership = !(options.highlights > 0);
  const cv::Mat highlight =
      weight_is_membership ? cv::Mat()
                           : HighlightWeight(working_linear, options.highlights,
                                             options.highlight_threshold);

  const cv::Size working = working_linear.size();
  const int tiles_x = (working.width + kTile - 1) / kTile;
  const int tiles_y = (working.height + kTile - 1) / kTile;
  // Per tile, the range of radii in it: a layer is visited only where it
  // has pixels within its own reach.
  cv::Mat tile_low(tiles_y, tiles_x, CV_32F),
      tile_high(tiles_y, tiles_x, CV_32F);
  for (int ty = 0; ty < tiles_y; ++ty) {
    for (int tx = 0; tx < tiles_x; ++tx) {
      const cv::Rect t = cv::Rect(tx * kTile, ty * kTile, kTile, kTile) &
                         cv::Rect(0, 0, working.width, working.height);
      double lo = 0, hi = 0;
      cv::minMaxLoc(radius(t), &lo, &hi);
      tile_low.at<float>(ty, tx) = static_cast<float>(lo);
      tile_high.at<float>(ty, tx) = static_cast<float>(hi);
    }
  }

  // Blurred light (premultiplied), its coverage, and the visible weight of
  // the unblurred layer, at working resolution.
  cv::Mat blurred(working, CV_32FC3, cv::Scalar::all(0));
  cv::Mat coverage(working, CV_32F, cv::Scalar(0));
  cv::Mat sharp_weight(working, CV_32F, cv::Scalar(0));
  const cv::Rect frame(0, 0, working.width, working.height);

  cv::parallel_for_(cv::Range(0, tiles_x * tiles_y), [&](const cv::Range& r) {
    for (int index = r.start; index < r.end; ++index) {
      const int tx = index % tiles_x, ty = index / tiles_x;
      const cv::Rect tile =
          cv::Rect(tx * kTile, ty * kTile, kTile, kTile) & frame;
      cv::Mat acc_light(tile.size(), CV_32FC3, cv::Scalar::all(0));
      cv::Mat acc_alpha(tile.size(), CV_32F, cv::Scalar(0));
      cv::Mat acc_sharp(tile.size(), CV_32F, cv::Scalar(0));
      for (int k = 0; k < layers; ++k) {
        const float lo_c = k > 0 ? centres[k - 1] : -1e9f;
        const float hi_c = k + 1 < layers ? centres[k + 1] : 1e9f;
        const int reach_px =
            kernels[k].runs.half_width() * layer_scale[k] + layer_scale[k] + 1;
        const int reach_tiles = (reach_px + kTile - 1) / kTile;
        bool active = false;
        for (int ny = std::max(0, ty - reach_tiles);
             ny <= std::min(tiles_y - 1, ty + reach_tiles) && !active; ++ny) {
          for (int nx = std::max(0, tx - reach_tiles);
               nx <= std::min(tiles_x - 1, tx + reach_tiles); ++nx) {
            if (tile_high.at<float>(ny, nx) > lo_c &&
                tile_low.at<float>(ny, nx) < hi_c) {
              active = true;
              break;
            }
          }
        }
        if (!active) continue;
        const int s = layer_scale[k];
        // The region whose pixels can reach the tile, on the global grid of
        // multiples of s (so every tile downsamples the same pixels
        // together: no seams), zero beyond the frame.
        const int margin = reach_px;
        const int x0 = FloorDiv(tile.x - margin, s) * s;
        const int y0 = FloorDiv(tile.y - margin, s) * s;
        const int x1 = -FloorDiv(-(tile.br().x + margin), s) * s;
        const int y1 = -FloorDiv(-(tile.br().y + margin), s) * s;
        const cv::Rect region(x0, y0, x1 - x0, y1 - y0);
        const cv::Rect inside = region & frame;
        // Weighted light (light * membership * highlight weight) with its
        // weight, and the plain membership, which is the layer's coverage
        // (the weight itself without highlights: no separate map then).
        cv::Mat weighted(region.size(), CV_32FC4, cv::Scalar::all(0));
        cv::Mat member;
        if (!weight_is_membership) {
          member = cv::Mat(region.size(), CV_32F, cv::Scalar(0));
        }
        double mass = 0;
        for (int y = inside.y; y < inside.br().y; ++y) {
          const float* rr = radius.ptr<float>(y);
          const float* hw =
              weight_is_membership ? nullptr : highlight.ptr<float>(y);
          const cv::Vec3f* src = working_linear.ptr<cv::Vec3f>(y);
          cv::Vec4f* dst = weighted.ptr<cv::Vec4f>(y - y0);
          float* mem =
              weight_is_membership ? nullptr : member.ptr<float>(y - y0);
          for (int x = inside.x; x < inside.br().x; ++x) {
            const float m = Membership(rr[x], centres, k);
            if (m <= 0) continue;
            const float w = hw ? m * hw[x] : m;
            dst[x - x0] =
                cv::Vec4f(src[x][0] * w, src[x][1] * w, src[x][2] * w, w);
            if (mem) mem[x - x0] = m;
            mass += m;
          }
        }
        if (mass < kNoMass) continue;
        const cv::Rect inner(tile.x - x0, tile.y - y0, tile.width, tile.height);
        const cv::Mat light_w =
            k == sharp_layer ? weighted(inner)
                             : BlurAtScale(weighted, kernels[k], s, inner);
        // Without highlights a pixel's weight is its membership: the
        // (blurred) weight channel is the coverage, and one blur less.
        cv::Mat coverage_k;
        if (weight_is_membership) {
          cv::extractChannel(light_w, coverage_k, 3);
        } else if (k == sharp_layer) {
          coverage_k = member(inner);
        } else {
          coverage_k = BlurAtScale(member, kernels[k], s, inner);
        }
        // Over: the layer (its weighted mean light, at its coverage) covers
        // what is behind it by that coverage.
        for (int y = 0; y < tile.height; ++y) {
          const cv::Vec4f* lw = light_w.ptr<cv::Vec4f>(y);
          const float* cov = coverage_k.ptr<float>(y);
          cv::Vec3f* light = acc_light.ptr<cv::Vec3f>(y);
          float* alpha = acc_alpha.ptr<float>(y);
          float* sharp = acc_sharp.ptr<float>(y);
          for (int x = 0; x < tile.width; ++x) {
            const float a = std::clamp(cov[x], 0.0f, 1.0f);
            const float keep = 1.0f - a;
            sharp[x] *= keep;
            light[x] *= keep;
            alpha[x] *= keep;
            if (k == sharp_layer) {
              // Its light comes from the full-resolution image later.
              sharp[x] += a;
            } else if (lw[x][3] > kNoMass) {
              const float scale = a / lw[x][3];
              light[x] += cv::Vec3f(lw[x][0], lw[x][1], lw[x][2]) * scale;
              alpha[x] += a;
            }
          }
        }
      }
      acc_light.copyTo(blurred(tile));
      acc_alpha.copyTo(coverage(tile));
      acc_sharp.copyTo(sharp_weight(tile));
    }
  });

  // To full resolution: the sharp layer's share takes the original pixels.
  if (scale != 1) {
    cv::resize(blurred, blurred, linear.size(), 0, 0, cv::INTER_LINEAR);
    cv::resize(coverage, coverage, linear.size(), 0, 0, cv::INTER_LINEAR);
    cv::resize(sharp_weight, sharp_weight, linear.size(), 0, 0,
               cv::INTER_LINEAR);
  }
  cv::Mat result(linear.size(), CV_32FC3);
  cv::parallel_for_(cv::Range(0, linear.rows), [&](const cv::Range& rows) {
    for (int y = rows.start; y < rows.end; ++y) {
      const cv::Vec3f* b = blurred.ptr<cv::Vec3f>(y);
      const cv::Vec3f* o = linear.ptr<cv::Vec3f>(y);
      const float* a = coverage.ptr<float>(y);
      const float* w = sharp_weight.ptr<float>(y);
      cv::Vec3f* out = result.ptr<cv::Vec3f>(y);
      for (int x = 0; x < linear.cols; ++x) {
        const float total = a[x] + w[x];
        out[x] = total > kNoMass ? (b[x] + o[x] * w[x]) / total : o[x];
      }
    }
  });
  return LinearToSrgb(result, depth);
}

cv::Mat LensBlur(const cv::Mat& image, const cv::Mat& disparity,
                 float focus_disparity, const LensBlurOptions& options) {
  return Refocuser(image, disparity).Render(focus_disparity, options);
}

}  // namespace parallax
