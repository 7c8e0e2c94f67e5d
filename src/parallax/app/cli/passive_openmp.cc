#include "parallax/app/cli/passive_openmp.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <thread>

#include "parallax/jobs/media_inputs.h"

namespace parallax {

namespace {

// True when argv's -o / --output names a video file.
bool WritesVideo(int argc, const char* const* argv) {
  for (int i = 2; i + 1 < argc; ++i) {
    if (!std::strcmp(argv[i], "-o") || !std::strcmp(argv[i], "--output")) {
      return HasVideoExtension(argv[i + 1]);
    }
  }
  return false;
}

}  // namespace

bool IsVideoJob(int argc, const char* const* argv) {
  if (argc < 3) return false;
  bool video_command = false;
  for (const char* name : {"stereo", "defocus", "fog", "depth"}) {
    video_command = video_command || !std::strcmp(argv[1], name);
  }
  if (!video_command) return false;
  // Depth only when it writes a video: the encoder's threads then compete
  // with the network's (scripts/bench_depth_video at veryfast: 1.89-1.91x
  // the ffmpeg floor's time spinning, 1.66-1.75x passive). To frames its
  // network dominates and passive threads gained nothing (9.74-9.87 s
  // spinning, 9.76-10.04 s passive for the bench's clip).
  if (!std::strcmp(argv[1], "depth")) return WritesVideo(argc, argv);
  for (int i = 2; i < argc; ++i) {
    if (argv[i][0] != '-' && HasVideoExtension(argv[i])) return true;
  }
  return false;
}

int VideoJobNetworkThreads() {
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  // 2 cores: one thread, no OpenMP team. `parallax depth` of the bench's
  // 1080p clip took 3.83-3.89 s against 4.16-4.35 s with two passive
  // threads and the restart; `stereo` 6.68 s against 6.87-7.01 s.
  return cores < 4 ? 1 : cores / 2;
}

void UseVideoJobThreads(const std::string& output, PredictorOptions* options) {
  if (HasVideoExtension(output) && options->threads == 0) {
    options->threads = VideoJobNetworkThreads();
  }
}

void RestartVideoJobsWithPassiveOpenMp(int argc, char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr || !IsVideoJob(argc, argv)) {
    return;
  }
  // A job writing a video gives its network VideoJobNetworkThreads(): with
  // one, LibTorch starts no OpenMP team that could spin.
  if (WritesVideo(argc, argv) && VideoJobNetworkThreads() <= 1) return;
  // Set before the exec, so the new process never restarts again.
  if (setenv("OMP_WAIT_POLICY", "PASSIVE", /*overwrite=*/1) != 0) return;
  execv("/proc/self/exe", argv);
  // The exec failed (no /proc): run here, with spinning threads.
}

}  // namespace parallax
