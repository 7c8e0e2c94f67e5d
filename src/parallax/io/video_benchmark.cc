// Video decoding and encoding speed at 1080p, the size films come in:
// what bounds `parallax depth` and `parallax stereo` on a video besides the
// network. Needs the ffmpeg CLI to make the input.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "parallax/io/video_reader.h"
#include "parallax/io/video_writer.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

constexpr int kWidth = 1920;
constexpr int kHeight = 1080;

struct BenchVideo {
  fs::path dir;
  fs::path h264;  // 48 frames of 1080p24 H.264 at crf 18
  bool ok = false;
};

// testsrc2 with light grain: plain testsrc2 compresses to almost nothing,
// which would flatter the decoder; the grain gives ~10 Mbit/s, a typical
// 1080p H.264 film bitrate (decoding time grows with the bitrate).
const BenchVideo& Video() {
  static const BenchVideo video = [] {
    BenchVideo v;
    v.dir = fs::temp_directory_path() /
            ("parallax_video_bench_" + std::to_string(std::random_device{}()));
    fs::create_directories(v.dir);
    v.h264 = v.dir / "film.mp4";
    const std::string command =
        "ffmpeg -nostdin -v error -y -f lavfi -i "
        "testsrc2=size=1920x1080:rate=24:duration=2 -vf noise=alls=3:allf=t "
        "-c:v libx264 -preset veryfast -crf 18 -pix_fmt yuv420p '" +
        v.h264.string() + "'";
    v.ok = std::system(command.c_str()) == 0;
    return v;
  }();
  return video;
}

struct Cleanup {
  ~Cleanup() {
    std::error_code ec;
    if (!Video().dir.empty()) fs::remove_all(Video().dir, ec);
  }
};

void BM_DecodeH264_1080p(benchmark::State& state) {
  if (!Video().ok) {
    state.SkipWithError("the ffmpeg CLI could not make the input video");
    return;
  }
  int64_t frames = 0;
  for (auto _ : state) {
    VideoReader reader(Video().h264);
    VideoFrame frame;
    while (reader.Read(&frame)) ++frames;
    benchmark::DoNotOptimize(frame.image.data);
  }
  state.SetItemsProcessed(frames);
  state.counters["fps"] = benchmark::Counter(static_cast<double>(frames),
                                             benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DecodeH264_1080p)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_EncodeH264_1080p(benchmark::State& state, const char* preset) {
  if (!Video().ok) {
    state.SkipWithError("the ffmpeg CLI could not make the input video");
    return;
  }
  std::vector<VideoFrame> input;
  {
    VideoReader reader(Video().h264);
    VideoFrame frame;
    while (static_cast<int>(input.size()) < 24 && reader.Read(&frame)) {
      input.push_back(frame);
    }
  }
  VideoOutputSpec spec;
  spec.width = kWidth;
  spec.height = kHeight;
  spec.frame_rate = {24, 1};
  VideoEncodeOptions options;
  options.codec = "h264";
  options.crf = 18;
  options.preset = preset;
  int64_t frames = 0;
  for (auto _ : state) {
    VideoWriter writer(Video().dir / "out.mp4", spec, options);
    for (size_t i = 0; i < input.size(); ++i) {
      writer.Write(input[i].image, static_cast<int64_t>(i));
    }
    writer.Finish();
    frames += writer.frames_written();
  }
  state.SetItemsProcessed(frames);
  state.counters["fps"] = benchmark::Counter(static_cast<double>(frames),
                                             benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_EncodeH264_1080p, crf18_medium, "medium")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_EncodeH264_1080p, crf18_veryfast, "veryfast")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace parallax

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  parallax::Cleanup cleanup;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
