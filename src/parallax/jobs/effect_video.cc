#include "parallax/jobs/effect_video.h"

#include <span>

#include <fmt/format.h>

#include "parallax/jobs/depth_output.h"
#include "parallax/jobs/memory_needs.h"
#include "parallax/util/atomic_file.h"

namespace parallax {

SegmentedVideoReport RunEffectVideo(
    const std::filesystem::path& input, const std::filesystem::path& output,
    const VideoEffect& effect, FrameRenderer& renderer, Predictor& predictor,
    const EffectVideoOptions& options, const JobControl& control) {
  if (ClassifyOutput(output) != OutputTarget::kVideo) {
    throw OptionError(
        fmt::format("{} {}: a video gives a video (.mp4, .mkv, ...)",
                    OptionField("output"), output.string()));
  }
  CheckNotAnInput(output, std::span(&input, 1));
  SegmentedVideoOptions video;
  video.output = output;
  video.encode = options.encode;
  video.sequence.upsample = options.upsample;
  video.resume = options.resume;
  video.segment_frames = options.segment_frames;
  video.warmup_frames = options.warmup_frames;
  video.frame_limits = CommandImageLimits(effect.job, effect.bytes_per_pixel);
  video.settings = options.model_id + effect.settings +
                   PredictorSettings(predictor.options());
  video.on_frame = options.on_frame;
  video.show_progress = options.show_progress;
  return RunSegmentedVideo(input, predictor, renderer, video, control);
}

}  // namespace parallax
