// Video jobs run their stages at once (jobs/segmented_video.h); LibTorch's
// OpenMP threads, which by default spin after every network call, then take
// CPU from the decoder, renderer and encoder: `parallax stereo` on 1080p ran
// 1.73-1.80x the ffmpeg floor's time with OMP_WAIT_POLICY=PASSIVE against
// 2.11-2.24x without (docs/performance.md). libgomp reads the variable when
// it loads, before main(), so a video job restarts itself once with it set.
//
// With 2 cores the network of a video job runs on one thread instead
// (VideoJobNetworkThreads): LibTorch then starts no OpenMP team, nothing
// spins, and the restart is skipped.
#pragma once

#include <string>

#include "parallax/infer/predictor.h"

namespace parallax {

// The network's CPU threads in a job that writes a video. The job's other
// stages (decoding, rendering, encoding) run at the same time on the other
// cores, so with 2 cores the network gets one; from 4 cores, half of them.
int VideoJobNetworkThreads();

// Gives the network VideoJobNetworkThreads() when `output` is a video file
// (the pipelined jobs) and no thread count was chosen. Photo batches and
// frame folders keep every core.
void UseVideoJobThreads(const std::string& output, PredictorOptions* options);

// True when argv (`parallax <command> ...`) is a stereo, defocus or fog job
// with a video among its arguments, or a depth job writing a video.
bool IsVideoJob(int argc, const char* const* argv);

// For a video job while OMP_WAIT_POLICY is unset, unless it writes a video
// with a one-thread network (nothing to spin): sets it to PASSIVE and execs
// this program again with the same arguments (not returning).
// Otherwise, or when the exec fails, returns and the job runs as it is.
void RestartVideoJobsWithPassiveOpenMp(int argc, char** argv);

}  // namespace parallax
