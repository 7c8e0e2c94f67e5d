// Optic flow for the 7-channel models: OpenCV DIS at its FAST and MEDIUM
// presets on consecutive frames of the shared training sequences (the
// KITTI drive: fast motion outdoors; EuRoC: slow, weakly textured indoors)
// at 640x256, the size `parallax extract` writes. Reports the time per
// flow and the warp error: the mean absolute difference (gray levels)
// between a frame and the next one warped back by the flow, a check of the
// flow that needs no ground truth. Why ComputeOpticFlow uses FAST.
//
//   build/benchmarks/optic_flow_benchmark
//   PARALLAX_SHARED_STEREO=/path/to/stereo build/benchmarks/...
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/video.hpp>

#include "parallax/data/optic_flow.h"
#include "parallax/io/image_io.h"
#include "parallax/testing/shared_data.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

std::optional<fs::path> TrainDir() {
  return testing::SharedStereoTrainDir(PARALLAX_SOURCE_DIR);
}

// Eight consecutive gray frames of a sequence at 640x256.
std::vector<cv::Mat> Frames(int sequence) {
  const std::optional<fs::path> train = TrainDir();
  if (!train) return {};
  const fs::path folder =
      sequence == 0 ? *train / "kitti-raw-2011_09_26_drive_0001/image_2"
                    : *train / "euroc-v1-01-easy/left";
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<cv::Mat> frames;
  for (size_t i = 20; i < files.size() && frames.size() < 8; ++i) {
    cv::Mat gray = cv::imread(files[i].string(), cv::IMREAD_GRAYSCALE);
    if (gray.empty()) continue;
    cv::resize(gray, gray, {640, 256}, 0, 0, cv::INTER_AREA);
    frames.push_back(gray);
  }
  return frames;
}

double WarpError(const cv::Mat& from, const cv::Mat& to, const cv::Mat& flow) {
  cv::Mat map(flow.size(), CV_32FC2);
  for (int y = 0; y < flow.rows; ++y) {
    for (int x = 0; x < flow.cols; ++x) {
      const cv::Vec2f f = flow.at<cv::Vec2f>(y, x);
      map.at<cv::Vec2f>(y, x) = {x + f[0], y + f[1]};
    }
  }
  cv::Mat warped, error;
  cv::remap(to, warped, map, cv::noArray(), cv::INTER_LINEAR,
            cv::BORDER_REPLICATE);
  cv::absdiff(warped, from, error);
  return cv::mean(error)[0];
}

// Args: OpenCV preset (0 ultrafast, 1 fast, 2 medium), sequence (0 KITTI,
// 1 EuRoC).
void BM_DisPreset(benchmark::State& state) {
  const std::vector<cv::Mat> frames = Frames(static_cast<int>(state.range(1)));
  if (frames.size() < 2) {
    state.SkipWithError("shared stereo data not found");
    return;
  }
  cv::setNumThreads(1);
  cv::Ptr<cv::DISOpticalFlow> dis =
      cv::DISOpticalFlow::create(static_cast<int>(state.range(0)));
  cv::Mat flow;
  size_t pair = 0;
  for (auto _ : state) {
    dis->calc(frames[pair], frames[pair + 1], flow);
    pair = (pair + 1) % (frames.size() - 1);
  }
  double error = 0;
  for (size_t i = 0; i + 1 < frames.size(); ++i) {
    dis->calc(frames[i], frames[i + 1], flow);
    error += WarpError(frames[i], frames[i + 1], flow);
  }
  state.counters["warp_error"] = error / static_cast<double>(frames.size() - 1);
  cv::setNumThreads(-1);
}
BENCHMARK(BM_DisPreset)
    ->ArgsProduct({{0, 1, 2}, {0, 1}})
    ->Unit(benchmark::kMillisecond);

// What the loader and `parallax extract` call: colour in, DIS.
void BM_ComputeOpticFlow(benchmark::State& state) {
  const std::vector<cv::Mat> frames = Frames(0);
  if (frames.size() < 2) {
    state.SkipWithError("shared stereo data not found");
    return;
  }
  cv::Mat a, b;
  cv::cvtColor(frames[0], a, cv::COLOR_GRAY2BGR);
  cv::cvtColor(frames[1], b, cv::COLOR_GRAY2BGR);
  for (auto _ : state) {
    benchmark::DoNotOptimize(ComputeOpticFlow(a, b, FlowMethod::kDis).data);
  }
}
BENCHMARK(BM_ComputeOpticFlow)->Unit(benchmark::kMillisecond);

// How `parallax extract` stores a frame's two flows (to the previous and
// the next frame, normalised): 4-channel half-float EXR. Arg 0: zip (the
// EXR default), 1: PIZ, 2: PIZ after rounding to 1/64 (what extract
// writes). Counter: bytes per file.
void BM_EncodeFlowExr(benchmark::State& state) {
  const std::vector<cv::Mat> frames = Frames(0);
  if (frames.size() < 3) {
    state.SkipWithError("shared stereo data not found");
    return;
  }
  if (!ExrSupported()) {  // also switches OpenCV's EXR codec on
    state.SkipWithError("no EXR in this OpenCV build");
    return;
  }
  cv::Mat to_previous = ComputeOpticFlow(frames[1], frames[0]);
  cv::Mat to_next = ComputeOpticFlow(frames[1], frames[2]);
  NormalizeFlowMagnitude(to_previous);
  NormalizeFlowMagnitude(to_next);
  cv::Mat packed(to_previous.size(), CV_32FC4);
  const cv::Mat inputs[] = {to_previous, to_next};
  const int from_to[] = {0, 0, 1, 1, 2, 2, 3, 3};
  cv::mixChannels(inputs, 2, &packed, 1, from_to, 4);
  const int mode = static_cast<int>(state.range(0));
  std::vector<uchar> bytes;
  const std::vector<int> params = {cv::IMWRITE_EXR_TYPE,
                                   cv::IMWRITE_EXR_TYPE_HALF,
                                   cv::IMWRITE_EXR_COMPRESSION,
                                   mode == 0 ? cv::IMWRITE_EXR_COMPRESSION_ZIP
                                             : cv::IMWRITE_EXR_COMPRESSION_PIZ};
  for (auto _ : state) {
    cv::Mat values = packed;
    if (mode == 2) {
      values = packed.clone();
      values.forEach<cv::Vec4f>([](cv::Vec4f& v, const int*) {
        for (int c = 0; c < 4; ++c) v[c] = std::round(v[c] * 64) / 64;
      });
    }
    cv::imencode(".exr", values, bytes, params);
  }
  state.counters["bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(BM_EncodeFlowExr)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace parallax

BENCHMARK_MAIN();
