// Decoding cost of the formats training reads most: a KITTI-sized 8-bit PNG
// and a float PFM disparity map of the same size. PNG encoding: Parallax's
// libdeflate encoder against OpenCV's libpng + zlib one at the same level,
// on a 1080p 16-bit depth map (depth sequences) and a photo-like frame.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <random>

#include <opencv2/imgcodecs.hpp>

#include "parallax/io/image_io.h"
#include "parallax/io/png_encoder.h"

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

// Depth-like: smooth ramps with steps at object edges, 16 bits.
cv::Mat DepthLike() {
  cv::Mat depth(1080, 1920, CV_16UC1);
  for (int y = 0; y < depth.rows; ++y) {
    for (int x = 0; x < depth.cols; ++x) {
      const int object = ((x / 240) + (y / 270)) % 3;
      depth.at<uint16_t>(y, x) =
          static_cast<uint16_t>(9000 + 20 * y + 7 * x + 9000 * object);
    }
  }
  return depth;
}

const cv::Mat& Sample(int which) {
  static const cv::Mat depth = DepthLike();
  static const cv::Mat photo = PhotoLike({1920, 1080}, CV_8UC3);
  return which == 0 ? depth : photo;
}

// Arg: 0 = 16-bit depth map, 1 = 8-bit photo-like frame; level 3 (the
// default of WriteImage).
void BM_EncodePng(benchmark::State& state) {
  const cv::Mat& image = Sample(static_cast<int>(state.range(0)));
  std::vector<uint8_t> bytes;
  for (auto _ : state) bytes = EncodePng(image, {3, PngFilter::kAdaptive});
  state.counters["bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(BM_EncodePng)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_EncodePngOpenCv(benchmark::State& state) {
  const cv::Mat& image = Sample(static_cast<int>(state.range(0)));
  std::vector<uint8_t> bytes;
  for (auto _ : state) {
    cv::imencode(".png", image, bytes, {cv::IMWRITE_PNG_COMPRESSION, 3});
  }
  state.counters["bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(BM_EncodePngOpenCv)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace parallax

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  std::error_code ec;
  std::filesystem::remove_all(parallax::BenchDir(), ec);
  return 0;
}
