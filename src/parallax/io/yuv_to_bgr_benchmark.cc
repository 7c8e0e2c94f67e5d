// 1080p 8-bit 4:2:0 to BGR: Yuv420ToBgr against libswscale's path of the
// same quality (bilinear, accurate rounding, full chroma interpolation),
// which the video reader used before. One thread each.
//
//   build/benchmarks/yuv_to_bgr_benchmark
#include <benchmark/benchmark.h>

extern "C" {
#include <libswscale/swscale.h>
}

#include <opencv2/imgproc.hpp>

#include "parallax/io/yuv_to_bgr.h"

namespace parallax {
namespace {

struct Planes {
  cv::Mat y, u, v;
  Planes() : y(1080, 1920, CV_8U), u(540, 960, CV_8U), v(540, 960, CV_8U) {
    cv::RNG rng(1);
    for (cv::Mat* plane : {&y, &u, &v}) {
      rng.fill(*plane, cv::RNG::UNIFORM, 16, 236);
      cv::GaussianBlur(*plane, *plane, {0, 0}, 2);
    }
  }
};

void BM_Yuv420ToBgr(benchmark::State& state) {
  const Planes p;
  const Yuv420Planes planes{p.y.data, p.u.data, p.v.data, 1920,
                            960,      960,      1920,     1080};
  cv::Mat out;
  for (auto _ : state) {
    Yuv420ToBgr(planes, YuvMatrix::kBt709, false, ChromaSiting::kLeft, out);
    benchmark::DoNotOptimize(out.data);
  }
}
BENCHMARK(BM_Yuv420ToBgr)->Unit(benchmark::kMillisecond);

void BM_SwscaleAccurate(benchmark::State& state) {
  const Planes p;
  SwsContext* sws = sws_getContext(
      1920, 1080, AV_PIX_FMT_YUV420P, 1920, 1080, AV_PIX_FMT_BGR24,
      SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, nullptr, nullptr,
      nullptr);
  sws_setColorspaceDetails(sws, sws_getCoefficients(SWS_CS_ITU709), 0,
                           sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16,
                           1 << 16);
  const uint8_t* src[4] = {p.y.data, p.u.data, p.v.data, nullptr};
  const int src_stride[4] = {1920, 960, 960, 0};
  cv::Mat out(1080, 1920, CV_8UC3);
  uint8_t* dst[4] = {out.data, nullptr, nullptr, nullptr};
  const int dst_stride[4] = {static_cast<int>(out.step), 0, 0, 0};
  for (auto _ : state) {
    sws_scale(sws, src, src_stride, 0, 1080, dst, dst_stride);
    benchmark::DoNotOptimize(out.data);
  }
  sws_freeContext(sws);
}
BENCHMARK(BM_SwscaleAccurate)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace parallax

BENCHMARK_MAIN();
