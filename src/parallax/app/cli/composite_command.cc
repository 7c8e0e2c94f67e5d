// parallax composite: a foreground layer over a background by depth.
#include <fmt/format.h>
#include <opencv2/imgproc.hpp>

#include <memory>

#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/app/cli/effect_depth_flags.h"
#include "parallax/effects/composite.h"
#include "parallax/effects/linear_light.h"
#include "parallax/infer/disparity_output.h"
#include "parallax/io/image_io.h"
#include "parallax/jobs/memory_needs.h"
#include "parallax/stereo/parallax_map.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"
#include "parallax/util/existing_outputs.h"

namespace parallax {

int RunComposite(int argc, char** argv) {
  CLI::App app(
      "Depth compositing: a foreground layer goes over a background where it "
      "is nearer, pixel by pixel, with soft edges; --fg-offset moves it in "
      "depth so subjects pass behind parts of the background. Estimated "
      "depths are normalised per image to 0 (farthest) .. 1 (nearest); "
      "given maps are used as they are (give both in one unit).\n\n"
      "Examples:\n"
      "  parallax composite actor.png plate.jpg -o shot.png\n"
      "  parallax composite actor.png plate.jpg -o shot.png --fg-offset "
      "-0.3 --feather 2\n"
      "  parallax composite fg.png bg.png --fg-depth fg_z.exr --bg-depth "
      "bg_z.exr --depth-kind depth -o out.png",
      "parallax composite");
  app.get_formatter()->column_width(36);
  std::string fg_path, bg_path, output, fg_depth, bg_depth, fg_alpha;
  CompositeOptions options;
  EffectDepthOptions depth_options;
  app.add_option("foreground", fg_path,
                 "Foreground layer (an alpha channel is its matte)")
      ->required();
  app.add_option("background", bg_path, "Background plate")->required();
  app.add_option("-o,--output", output, "Output image")->required();
  app.add_option("--fg-depth", fg_depth, "Depth map of the foreground")
      ->type_name("FILE");
  app.add_option("--bg-depth", bg_depth, "Depth map of the background")
      ->type_name("FILE");
  app.add_option("--fg-alpha", fg_alpha,
                 "Matte of the foreground (gray image, white = opaque); "
                 "default: its alpha channel, else opaque")
      ->type_name("FILE");
  app.add_option("--fg-offset", options.fg_offset,
                 "Move the foreground in depth: + nearer, - behind (depth "
                 "units; 0..1 for estimated maps)")
      ->capture_default_str();
  app.add_option("--softness", options.softness,
                 "Depth difference over which the two layers blend")
      ->capture_default_str();
  app.add_option("--feather", options.feather,
                 "Feather of the depth-test edge in pixels")
      ->capture_default_str();
  AddEffectDepthOptions(app, &depth_options);

  bool overwrite = false;
  AddOverwriteFlag(app, &overwrite);
  return RunCli(app, argc, argv, [&]() -> int {
    options.Check();
    std::vector<std::filesystem::path> inputs = {fg_path, bg_path};
    for (const std::string& file : {fg_depth, bg_depth, fg_alpha}) {
      if (!file.empty()) inputs.push_back(file);
    }
    CheckNotAnInput(output, inputs);
    RefuseExistingOutput(output, ExistingOutputsFromFlags(overwrite, false),
                         /*resumable=*/false);
    if (fg_depth.empty() != bg_depth.empty()) {
      ThrowError(
          "give both --fg-depth and --bg-depth, or neither: an estimated map "
          "and a given one have no common scale");
    }
    // 8- or 16-bit layers keep their precision (the output is 16-bit when
    // either is).
    const auto read_layer = [](const std::string& path) {
      const cv::Mat raw =
          ReadImage(path, ReadMode::kUnchanged,
                    CommandImageLimits("composite", kCompositeBytesPerPixel));
      if (raw.depth() != CV_8U && raw.depth() != CV_16U) {
        ThrowError("{}: layers must be 8- or 16-bit images", path);
      }
      return raw;
    };
    const cv::Mat fg_raw = read_layer(fg_path);
    const cv::Mat fg = ToBgr(fg_raw), bg = ToBgr(read_layer(bg_path));
    if (fg.size() != bg.size()) {
      ThrowError(
          "the foreground is {}x{} but the background {}x{}: give layers of "
          "one size",
          fg.cols, fg.rows, bg.cols, bg.rows);
    }
    cv::Mat alpha;
    if (!fg_alpha.empty()) {
      alpha = ReadImage(fg_alpha, ReadMode::kFloat1);
      if (alpha.size() != fg.size()) {
        ThrowError("{} is {}x{} but the foreground {}x{}", fg_alpha, alpha.cols,
                   alpha.rows, fg.cols, fg.rows);
      }
      double high = 0;
      cv::minMaxLoc(alpha, nullptr, &high);
      if (high > 1.0) alpha /= high > 255.5 ? 65535.0 : 255.0;
    } else if (fg_raw.channels() == 4) {
      std::vector<cv::Mat> channels;
      cv::split(fg_raw, channels);
      channels.back().convertTo(
          alpha, CV_32F, fg_raw.depth() == CV_16U ? 1 / 65535.0 : 1 / 255.0);
    }
    std::unique_ptr<EffectDepth> depth_source;
    CheckJobOptions(
        [&] { depth_source = std::make_unique<EffectDepth>(depth_options); },
        {{"kind", "--depth-kind"}});
    EffectDepth& depth = *depth_source;
    // Estimated maps have no common scale: each is normalised to 0..1
    // (1 = its nearest content) by its robust range, so --fg-offset means
    // the same for any pair.
    const auto layer_depth = [&](const cv::Mat& image,
                                 const std::string& given) {
      const cv::Mat disparity = depth.For(image, given);
      return depth.estimated()
                 ? NormalizeDisparity(disparity, RobustRange(disparity))
                 : disparity;
    };
    const cv::Mat fg_disparity = layer_depth(fg, fg_depth);
    const cv::Mat bg_disparity = layer_depth(bg, bg_depth);
    WriteImage(output, DepthComposite(fg, fg_disparity, alpha, bg, bg_disparity,
                                      options));
    return kExitOk;
  });
}

}  // namespace parallax
