#include "parallax/app/cli/passive_openmp.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "parallax/jobs/media_inputs.h"

namespace parallax {

bool IsVideoJob(int argc, const char* const* argv) {
  if (argc < 3) return false;
  bool video_command = false;
  // Depth too since its video encodes at veryfast: its encoder no longer
  // hides the spinning (scripts/bench_depth_video: 1.91x the ffmpeg
  // floor's time with spinning threads, 1.66-1.75x passive; at medium, passive
  // had been 2-5 % slower).
  for (const char* name : {"stereo", "defocus", "fog", "depth"}) {
    video_command = video_command || !std::strcmp(argv[1], name);
  }
  if (!video_command) return false;
  for (int i = 2; i < argc; ++i) {
    if (argv[i][0] != '-' && HasVideoExtension(argv[i])) return true;
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
