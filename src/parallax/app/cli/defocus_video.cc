#include "parallax/app/cli/defocus_video.h"

#include <map>
#include <memory>
#include <vector>

#include "parallax/app/cli/depth_output.h"
#include "parallax/infer/depth_estimator.h"
#include "parallax/io/video_reader.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"
#include "parallax/util/interrupt.h"
#include "parallax/util/progress.h"

namespace parallax {

namespace fs = std::filesystem;

namespace {

// Share of a new focus measurement per frame when tracking: the focus
// settles within about half a second at 24 frames/s.
constexpr float kTrackRate = 0.25f;

}  // namespace

void DefocusVideo(const fs::path& input, const fs::path& output,
                  const DefocusSettings& settings, Predictor& predictor,
                  const DefocusVideoOptions& options) {
  if (ClassifyOutput(output) != OutputTarget::kVideo) {
    ThrowError("-o {}: a video gives a video (.mp4, .mkv, ...)",
               output.string());
  }
  CheckNotAnInput(output, std::span(&input, 1));
  VideoReader reader(input, {});
  const VideoInfo& info = reader.info();
  VideoOutputSpec spec;
  spec.width = reader.frame_size().width;
  spec.height = reader.frame_size().height;
  spec.frame_rate = info.frame_rate;
  spec.time_base = info.time_base;
  spec.copy_streams_from = input;
  spec.trim_copied_streams = true;
  VideoWriter writer(output, spec, options.encode);

  std::unique_ptr<ProgressBar> progress;
  if (options.show_progress) {
    progress = std::make_unique<ProgressBar>(
        input.filename().string(), reader.expected_frames(), "frames/s");
  }
  SequenceDepthOptions depth_options;
  depth_options.upsample = options.upsample;
  SequenceDepthEstimator estimator(predictor, depth_options);
  std::map<int64_t, int64_t> pts_by_index;
  std::optional<float> focus;
  int64_t written = 0;
  const auto emit = [&](std::vector<DepthFrame> frames) {
    for (DepthFrame& frame : frames) {
      if (InterruptRequested()) throw Cancelled();
      if (!focus || (options.track && !settings.focus_disparity)) {
        const float measured = ResolveFocus(frame.disparity, settings);
        // A new shot starts from its own measurement.
        focus = focus && !frame.scene_cut
                    ? *focus + kTrackRate * (measured - *focus)
                    : measured;
      }
      const cv::Mat out =
          RenderDefocus(frame.image, frame.disparity, *focus, settings);
      writer.Write(out, pts_by_index.at(frame.index));
      pts_by_index.erase(frame.index);
      ++written;
      if (progress) progress->Update(written);
    }
  };
  VideoFrame frame;
  while (reader.Read(&frame)) {
    if (InterruptRequested()) throw Cancelled();
    pts_by_index[frame.index] = frame.pts;
    emit(estimator.Push(frame.index, frame.image));
  }
  emit(estimator.Finish());
  if (written == 0) ThrowError("{}: no frames decoded", input.string());
  writer.Finish();
  if (progress) progress->Finish();
}

}  // namespace parallax
