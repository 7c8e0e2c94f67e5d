#include "parallax/effects/run_filter.h"

#include <algorithm>

#include <opencv2/core/hal/intrin.hpp>

#include "parallax/util/check.h"

namespace parallax {

RunKernel::RunKernel(const cv::Mat& kernel) {
  if (kernel.type() != CV_32F || kernel.cols % 2 == 0 || kernel.rows % 2 == 0) {
    ThrowError("RunKernel: expected a CV_32F kernel with odd sides, got {}x{}",
               kernel.cols, kernel.rows);
  }
  half_width_ = kernel.cols / 2;
  half_height_ = kernel.rows / 2;
  for (int y = 0; y < kernel.rows; ++y) {
    const float* k = kernel.ptr<float>(y);
    for (int x = 0; x < kernel.cols;) {
      int end = x + 1;
      while (end < kernel.cols && k[end] == k[x]) ++end;
      if (k[x] != 0) runs_.push_back({y, x, end - x, k[x]});
      x = end;
    }
  }
}

int RunKernel::cost() const {
  int total = 0;
  for (const Run& run : runs_) total += run.length == 1 ? 1 : 2;
  return total;
}

namespace {

// One run on one output row: value * (hi[i] - lo[i]), or value * hi[i]
// for a run of one tap (lo null).
struct RowRun {
  const float* hi;
  const float* lo;
  float value;
};

float RunAt(const RowRun& run, int i) {
  return run.value * (run.lo ? run.hi[i] - run.lo[i] : run.hi[i]);
}

// d[i] = sum of the runs at i, for i < n. Four vectors of accumulators stay
// in registers across all runs, so each output is stored once. Multiply
// and add are separate, as in the scalar tail, so that no platform fuses
// one path and not the other (a pixel's bits would depend on its column).
void SumRuns(const std::vector<RowRun>& runs, int n, float* d) {
  constexpr int kBlock = 16;
  int i = 0;
  for (; i + kBlock <= n; i += kBlock) {
    cv::v_float32x4 a0 = cv::v_setzero_f32(), a1 = a0, a2 = a0, a3 = a0;
    for (const RowRun& run : runs) {
      const cv::v_float32x4 v = cv::v_setall_f32(run.value);
      const float* hi = run.hi + i;
      if (run.lo) {
        const float* lo = run.lo + i;
        a0 = a0 + (cv::v_load(hi) - cv::v_load(lo)) * v;
        a1 = a1 + (cv::v_load(hi + 4) - cv::v_load(lo + 4)) * v;
        a2 = a2 + (cv::v_load(hi + 8) - cv::v_load(lo + 8)) * v;
        a3 = a3 + (cv::v_load(hi + 12) - cv::v_load(lo + 12)) * v;
      } else {
        a0 = a0 + cv::v_load(hi) * v;
        a1 = a1 + cv::v_load(hi + 4) * v;
        a2 = a2 + cv::v_load(hi + 8) * v;
        a3 = a3 + cv::v_load(hi + 12) * v;
      }
    }
    cv::v_store(d + i, a0);
    cv::v_store(d + i + 4, a1);
    cv::v_store(d + i + 8, a2);
    cv::v_store(d + i + 12, a3);
  }
  for (; i < n; ++i) {
    float sum = 0;
    for (const RowRun& run : runs) sum += RunAt(run, i);
    d[i] = sum;
  }
}

// prefix[x * CN + c] = sum of channel c of the row's first x pixels; the
// running sums stay in registers (a sum read back from memory would chain
// every add through a store).
template <int CN>
void PrefixRow(const float* row, int width, float* prefix) {
  float sum[CN] = {};
  for (int c = 0; c < CN; ++c) prefix[c] = 0;
  for (int x = 0; x < width; ++x) {
    for (int c = 0; c < CN; ++c) {
      sum[c] += row[x * CN + c];
      prefix[(x + 1) * CN + c] = sum[c];
    }
  }
}

template <>
void PrefixRow<4>(const float* row, int width, float* prefix) {
  cv::v_float32x4 sum = cv::v_setzero_f32();
  cv::v_store(prefix, sum);
  for (int x = 0; x < width; ++x) {
    sum = sum + cv::v_load(row + 4 * x);
    cv::v_store(prefix + 4 * (x + 1), sum);
  }
}

}  // namespace

cv::Mat FilterByRuns(const cv::Mat& src, const RunKernel& kernel,
                     const cv::Rect& out) {
  if (src.depth() != CV_32F || src.channels() > 4) {
    ThrowError("FilterByRuns: expected float pixels of 1 to 4 channels");
  }
  const int cn = src.channels();
  const int hx = kernel.half_width(), hy = kernel.half_height();
  // The source pixels the output reads, zero-padded where they leave src.
  const cv::Rect need(out.x - hx, out.y - hy, out.width + 2 * hx,
                      out.height + 2 * hy);
  const cv::Rect inside = need & cv::Rect(0, 0, src.cols, src.rows);
  cv::Mat padded;
  if (inside == need) {
    padded = src(need);
  } else {
    padded = cv::Mat(need.size(), src.type(), cv::Scalar::all(0));
    if (!inside.empty()) src(inside).copyTo(padded(inside - need.tl()));
  }

  // Per row and channel, prefix sums, where runs longer than a tap need them.
  const bool long_runs =
      std::any_of(kernel.runs().begin(), kernel.runs().end(),
                  [](const RunKernel::Run& run) { return run.length > 1; });
  cv::Mat prefix;
  if (long_runs) {
    static constexpr void (*kPrefixRow[])(const float*, int, float*) = {
        PrefixRow<1>, PrefixRow<2>, PrefixRow<3>, PrefixRow<4>};
    prefix.create(need.height, (need.width + 1) * cn, CV_32F);
    for (int y = 0; y < need.height; ++y) {
      kPrefixRow[cn - 1](padded.ptr<float>(y), need.width,
                         prefix.ptr<float>(y));
    }
  }

  cv::Mat dst(out.size(), src.type());
  std::vector<RowRun> row_runs(kernel.runs().size());
  for (int y = 0; y < out.height; ++y) {
    for (size_t r = 0; r < row_runs.size(); ++r) {
      const RunKernel::Run& run = kernel.runs()[r];
      if (run.length == 1) {
        row_runs[r] = {padded.ptr<float>(y + run.row) + cn * run.begin, nullptr,
                       run.value};
      } else {
        const float* p = prefix.ptr<float>(y + run.row);
        row_runs[r] = {p + cn * (run.begin + run.length), p + cn * run.begin,
                       run.value};
      }
    }
    SumRuns(row_runs, out.width * cn, dst.ptr<float>(y));
  }
  return dst;
}

}  // namespace parallax
