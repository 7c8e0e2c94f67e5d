// `parallax defocus` over photos, folders or one video, and the desktop
// app's defocus batches (jobs/effect_job.h).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "parallax/effects/defocus_render.h"
#include "parallax/jobs/effect_job.h"

namespace parallax {

struct DefocusJobOptions : EffectJobOptions {
  DefocusSettings settings;
  // Also write the disparity used (one photo).
  std::filesystem::path save_depth;
  // A given Z map (depth.kind "depth") puts the thin lens's focal plane at
  // the focus's distance, unless the focus distance was chosen.
  bool focus_distance_given = false;
  // Videos: the focus follows the depth under the focus point.
  bool track = false;
};

EffectJobReport RunDefocusJob(const std::vector<std::string>& inputs,
                              const DefocusJobOptions& options,
                              const JobControl& control);

}  // namespace parallax
