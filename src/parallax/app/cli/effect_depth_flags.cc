#include "parallax/app/cli/effect_depth_flags.h"

#include "parallax/app/cli/command_runner.h"

namespace parallax {

void AddEffectDepthOptions(CLI::App& app, EffectDepthOptions* options) {
  app.add_option("--model", options->model,
                 "Model (.plx, Depth Anything .pth, or a name from `parallax "
                 "models`) for estimated depth; default: the "
                 "shipped model")
      ->type_name("FILE");
  AddDeviceOption(app, &options->device);
  AddNetworkInputOptions(app, &options->predictor);
  AddPrecisionOption(app, &options->predictor);
  app.add_option("--depth-kind", options->kind,
                 "What given depth files hold: disparity (larger = nearer, "
                 "as `parallax depth` writes) or depth (Z, inverted)")
      ->capture_default_str();
  app.add_option("--upsample", options->upsample,
                 "Estimated depth to full resolution: guided, "
                 "joint-bilateral or bilinear")
      ->capture_default_str();
}

}  // namespace parallax
