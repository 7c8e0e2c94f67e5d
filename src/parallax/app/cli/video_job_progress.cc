#include "parallax/app/cli/video_job_progress.h"

#include <memory>

#include "parallax/util/progress.h"

namespace parallax {

SegmentedVideoReport RunSegmentedVideoWithProgress(
    const std::filesystem::path& input, Predictor& predictor,
    FrameRenderer& renderer, SegmentedVideoOptions options, bool show) {
  // Made at the first frame, when the job knows how many to expect.
  std::unique_ptr<ProgressBar> bar;
  if (show) {
    options.progress = [&](int64_t done, int64_t total) {
      if (!bar) {
        bar = std::make_unique<ProgressBar>(input.filename().string(), total,
                                            "frames/s");
      }
      bar->Update(done);
      return true;
    };
  }
  try {
    SegmentedVideoReport report =
        RunSegmentedVideo(input, predictor, renderer, options);
    if (bar) bar->Finish();
    return report;
  } catch (...) {
    if (bar) bar->Finish();
    throw;
  }
}

}  // namespace parallax
