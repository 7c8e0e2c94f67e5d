// `parallax fog` over photos, folders or one video, and the desktop app's
// fog batches (jobs/effect_job.h).
#pragma once

#include <string>
#include <vector>

#include "parallax/effects/fog.h"
#include "parallax/jobs/effect_job.h"

namespace parallax {

struct FogJobOptions : EffectJobOptions {
  FogOptions fog;
};

EffectJobReport RunFogJob(const std::vector<std::string>& inputs,
                          const FogJobOptions& options,
                          const JobControl& control);

}  // namespace parallax
