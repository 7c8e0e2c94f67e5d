// The command line's face of a segmented video job: a progress bar on
// stderr (frames per second, ETA) while it runs, closed however it ends.
#pragma once

#include <filesystem>

#include "parallax/jobs/segmented_video.h"

namespace parallax {

// RunSegmentedVideo with `options.progress` bound to a bar when `show`.
SegmentedVideoReport RunSegmentedVideoWithProgress(
    const std::filesystem::path& input, Predictor& predictor,
    FrameRenderer& renderer, SegmentedVideoOptions options, bool show);

}  // namespace parallax
