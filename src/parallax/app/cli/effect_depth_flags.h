// The flags of `parallax defocus`, `fog` and `composite` that say where the
// depth comes from (jobs/effect_depth.h).
#pragma once

#include <CLI/CLI.hpp>

#include "parallax/jobs/effect_depth.h"

namespace parallax {

// --model, --device, --net-size, --depth-kind, --upsample.
void AddEffectDepthOptions(CLI::App& app, EffectDepthOptions* options);

}  // namespace parallax
