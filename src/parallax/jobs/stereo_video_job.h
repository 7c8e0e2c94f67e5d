// `parallax stereo` for a video to a video, crash-safe: frames are encoded in
// closed segments inside a hidden parts folder beside the output
// (".<name>.parts/"), and joined with the source's audio and subtitles at
// the end. Killed at any point (Ctrl-C, kill -9, power loss), the same
// command with --resume continues at the first unfinished segment and gives
// the same file an uninterrupted run gives.
//
// Every segment starts with a fresh depth stabiliser and range tracker fed
// with the `warmup` frames before it (predicted, not written), in an
// uninterrupted run as in a resumed one: that is what makes them equal.
#pragma once

#include <filesystem>

#include "parallax/jobs/media_inputs.h"
#include "parallax/jobs/stereo_job.h"

namespace parallax {

// `report` gets frames and per-stage times. Throws parallax::Error (the
// parts are kept for --resume) and parallax::Cancelled.
void ConvertVideoToStereoVideo(const MediaInput& input, Predictor& predictor,
                               const StereoJobOptions& options,
                               StereoJobReport* report,
                               const JobControl& control = {});

// The parts folder of an output video.
std::filesystem::path StereoPartsFolder(const std::filesystem::path& output);

}  // namespace parallax
