#include "parallax/app/cli/passive_openmp.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "parallax/jobs/media_inputs.h"

namespace parallax {

bool IsVideoJob(int argc, const char* const* argv) {
  if (argc < 3) return false;
  bool video_command = false;
  for (const char* name : {"stereo", "defocus", "fog", "depth"}) {
    video_command = video_command || !std::strcmp(argv[1], name);
  }
  if (!video_command) return false;
  // Depth only when it writes a video: with its encoder at veryfast the
  // spinning threads no longer hide behind it (scripts/bench_depth_video:
  // 1.89-1.91x the ffmpeg floor's time spinning, 1.66-1.75x passive). To
  // frames its network dominates and passive threads gained nothing
  // (9.74-9.87 s spinning, 9.76-10.04 s passive for the bench's clip).
  const bool depth = !std::strcmp(argv[1], "depth");
  for (int i = 2; i < argc; ++i) {
    if (argv[i][0] == '-' || !HasVideoExtension(argv[i])) continue;
    const bool output = !std::strcmp(argv[i - 1], "-o") ||
                        !std::strcmp(argv[i - 1], "--output");
    if (!depth || output) return true;
  }
  return false;
}

void RestartVideoJobsWithPassiveOpenMp(int argc, char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr || !IsVideoJob(argc, argv)) {
    return;
  }
  // Set before the exec, so the new process never restarts again.
  if (setenv("OMP_WAIT_POLICY", "PASSIVE", /*overwrite=*/1) != 0) return;
  execv("/proc/self/exe", argv);
  // The exec failed (no /proc): run here, with spinning threads.
}

}  // namespace parallax
