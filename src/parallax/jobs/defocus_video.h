// `parallax defocus` on a video (jobs/effect_video.h): the focus fixed at
// the first frame's depth or tracking the depth under the focus pixel.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "parallax/effects/defocus_render.h"
#include "parallax/infer/predictor.h"
#include "parallax/jobs/effect_video.h"
#include "parallax/jobs/job_control.h"
#include "parallax/jobs/segmented_video.h"

namespace parallax {

struct DefocusVideoOptions : EffectVideoOptions {
  // The focus follows the depth under the focus pixel (smoothed over a few
  // frames so it does not hunt); otherwise the first frame's focus depth
  // holds for the whole video.
  bool track = false;
};

// The settings of a defocused video's frames (resume checks).
std::string DefocusVideoSettings(const DefocusSettings& settings, bool track);

// The renderer of refocused frames (jobs/segmented_video.h).
std::unique_ptr<FrameRenderer> MakeDefocusFrameRenderer(
    const DefocusSettings& settings, bool track);

// Writes `output` (a video file) atomically; throws parallax::Error or
// parallax::Cancelled (nothing is left at `output` then).
void DefocusVideo(const std::filesystem::path& input,
                  const std::filesystem::path& output,
                  const DefocusSettings& settings, Predictor& predictor,
                  const DefocusVideoOptions& options,
                  const JobControl& control = {});

}  // namespace parallax
