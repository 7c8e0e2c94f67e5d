// Decoding cost of the formats training reads most: a KITTI-sized 8-bit PNG
// and a float PFM disparity map of the same size.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <random>

#include "parallax/io/image_io.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

// Smooth content with fine noise compresses like a photo, unlike pure noise.
cv::Mat PhotoLike(cv::Size size, int type) {
  cv::Mat image(size, type);
  cv::randu(image, 0, 255);
  cv::GaussianBlur(image, image, cv::Size(0, 0), 3);
  cv::Mat grain(size, type);
  cv::randu(grain, 0, 8);
  return image + grain;
}

const fs::path& BenchDir() {
  static const fs::path dir = [] {
    const fs::path path =
        fs::temp_directory_path() /
        ("parallax_io_bench_" + std::to_string(std::random_device{}()));
    fs::create_directories(path);
    const cv::Size kitti(1242, 375);
    WriteImage(path / "kitti.png", PhotoLike(kitti, CV_8UC3));
    WriteImage(path / "kitti.jpg", PhotoLike(kitti, CV_8UC3));
    WriteImage(path / "disp.pfm", PhotoLike(kitti, CV_32FC1));
    return path;
  }();
  return dir;
}

void BM_ReadImage(benchmark::State& state, const char* file, ReadMode mode) {
  const fs::path path = BenchDir() / file;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ReadImage(path, mode));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_ReadImage, png_1242x375, "kitti.png", ReadMode::kColor8)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ReadImage, jpeg_1242x375, "kitti.jpg", ReadMode::kColor8)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ReadImage, pfm_1242x375, "disp.pfm", ReadMode::kFloat1)
    ->Unit(benchmark::kMillisecond);

void BM_ProbeImage(benchmark::State& state) {
  const fs::path path = BenchDir() / "kitti.jpg";
  for (auto _ : state) benchmark::DoNotOptimize(ProbeImage(path));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ProbeImage)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace parallax

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  std::error_code ec;
  std::filesystem::remove_all(parallax::BenchDir(), ec);
  return 0;
}
