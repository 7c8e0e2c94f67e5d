// The flags of `parallax defocus`, `fog` and `composite` that say where the
// depth comes from (jobs/effect_depth.h).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "parallax/jobs/effect_depth.h"

namespace parallax {

// The flags of effect jobs' option fields (CheckJobOptions).
inline const std::vector<std::pair<std::string, std::string>>
    kEffectFieldFlags = {{"kind", "--depth-kind"},
                         {"depth_file", "--depth"},
                         {"track", "--focus-track"}};

// --model, --device, --net-size, --depth-kind, --upsample.
void AddEffectDepthOptions(CLI::App& app, EffectDepthOptions* options);

}  // namespace parallax
