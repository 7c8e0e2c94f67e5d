// parallax model-info: what a model file holds (.plx, or an official Depth
// Anything V2 checkpoint).
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/module_commands.h"
#include "parallax/model/checkpoint.h"
#include "parallax/model/depth_anything_file.h"

namespace parallax {
namespace {

int DescribeDepthAnything(const std::string& path, bool json) {
  const LoadedDepthAnything model = LoadDepthAnything(path);
  const DepthAnythingConfig& c = model.config;
  const std::string output =
      c.metric ? fmt::format(
                     "depth in metres (up to {:g} m); Parallax uses "
                     "1 / depth",
                     c.max_depth)
               : "relative inverse depth (larger = nearer, known up to "
                 "scale and shift)";
  if (json) {
    fmt::print("{}\n",
               nlohmann::json{{"kind", "depth-anything-v2"},
                              {"name", c.DisplayName()},
                              {"encoder", c.EncoderName()},
                              {"embed_dim", c.vit.embed_dim},
                              {"blocks", c.vit.depth},
                              {"heads", c.vit.num_heads},
                              {"features", c.dpt.features},
                              {"out_channels", c.dpt.out_channels},
                              {"layers", c.layers},
                              {"metric", c.metric},
                              {"max_depth", c.max_depth},
                              {"parameters", model.net->NumParameters()},
                              {"stored_dtype", model.stored_dtype},
                              {"file_bytes", model.file_bytes},
                              {"licence", c.Licence()}}
                   .dump(2));
    return kExitOk;
  }
  fmt::print("{}\n", path);
  fmt::print("  model           {}\n", c.DisplayName());
  fmt::print(
      "  architecture    DINOv2 ViT ({} blocks, width {}, {} heads, "
      "patch {}) + DPT head ({} features, layers {})\n",
      c.vit.depth, c.vit.embed_dim, c.vit.num_heads, c.vit.patch_size,
      c.dpt.features, fmt::join(c.layers, "/"));
  fmt::print("  parameters      {:.2f} M, stored as {}\n",
             model.net->NumParameters() / 1e6, model.stored_dtype);
  fmt::print("  output          {}\n", output);
  fmt::print(
      "  input           RGB, short side 518 by default "
      "(--net-size N), sides multiples of {}\n",
      c.vit.patch_size);
  fmt::print("  licence         {}\n", c.Licence());
  return kExitOk;
}

}  // namespace

int ModelInfoCommand(int argc, char** argv) {
  CLI::App app(
      "Describe a model file: a Parallax .plx (architecture, head, "
      "disparity range, input, training size and how it was trained) or a "
      "Depth Anything V2 checkpoint (configuration, output, licence). The "
      "file is fully loaded, so this also verifies it.",
      "parallax model-info");
  std::string path;
  bool json = false;
  app.add_option("model", path, "Model file (.plx or Depth Anything .pth)")
      ->required();
  app.add_flag("--json", json, "Print the description as JSON");
  return RunCli(app, argc, argv, [&]() -> int {
    if (IsTorchCheckpoint(path)) return DescribeDepthAnything(path, json);
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
