// parallax model-info: what a .plx file holds.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/model/checkpoint.h"

namespace parallax {

int RunModelInfo(int argc, char** argv) {
  CLI::App app(
      "Describe a Parallax model file: architecture, head, disparity range, "
      "input, training size and how it was trained. The file is fully "
      "loaded, so this also verifies it.",
      "parallax model-info");
  std::string path;
  bool json = false;
  app.add_option("model", path, "Model file (.plx)")->required();
  app.add_flag("--json", json, "Print the description as JSON");
  return RunCli(app, argc, argv, [&]() -> int {
    const LoadedModel model = LoadModel(path);
    const ModelConfig& c = model.config;
    if (json) {
      fmt::print(
          "{}\n",
          nlohmann::json{{"model", c}, {"metadata", model.metadata}}.dump(2));
      return kExitOk;
    }
    fmt::print("{}\n", path);
    fmt::print("  architecture    {} (width x{})\n", ToString(c.architecture),
               c.width);
    fmt::print("  parameters      {:.2f} M\n",
               model.net->NumParameters() / 1e6);
    fmt::print("  head            {}{}\n", ToString(c.head),
               c.head == HeadType::kDeep3d
                   ? fmt::format(" ({} planes)", c.planes)
                   : "");
    fmt::print("  disparity       {}, |d| <= {} of the image width\n",
               ToString(c.disparity_mode), c.max_disparity);
    fmt::print("  input           {} channels{}\n", c.input_channels,
               c.input_channels == 7 ? " (flow prev x,y, RGB, flow next x,y)"
                                     : " (RGB)");
    fmt::print("  training size   {}x{}\n", c.train_width, c.train_height);
    if (model.metadata.contains("step")) {
      fmt::print("  trained steps   {}\n", model.metadata["step"].dump());
    }
    fmt::print("  training state  {}\n", model.optimizer_state.empty()
                                             ? "no (weights only)"
                                             : "yes (resumable checkpoint)");
    // Runs with --ema hand out the moving average of their weights.
    const double ema = model.metadata.contains("options")
                           ? model.metadata["options"].value("ema_decay", 0.0)
                           : 0.0;
    if (ema > 0) {
      fmt::print("  weight average  exponential, decay {}{}\n", ema,
                 model.averaged_state.empty() ? "" : " (kept for --resume)");
    }
    return kExitOk;
  });
}

}  // namespace parallax
