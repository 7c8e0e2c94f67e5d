// parallax match: disparity of a rectified stereo pair by classical
// semi-global matching, kept only where the left and right estimates agree
// on a textured patch.
// For people who shot stereo and want its depth directly, and for proxy
// ground truth on real pairs (`parallax eval --gt` reads S.png + S_gt.pfm).
#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <opencv2/core.hpp>

#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/data/stereo_hints.h"
#include "parallax/io/image_io.h"
#include "parallax/jobs/depth_output.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"
#include "parallax/util/existing_outputs.h"

namespace parallax {

int RunMatch(int argc, char** argv) {
  CLI::App app(
      "Disparity of a rectified stereo pair by semi-global matching "
      "(OpenCV StereoSGBM), kept where the left and right estimates agree. "
      "Float outputs (pfm, npy, exr) hold pixels of disparity of the left "
      "view and NaN where no match was trusted; png is 16-bit normalised "
      "(unmatched = far), --colormap an 8-bit preview.\n\nExamples:\n"
      "  parallax match left.png right.png -o disp.pfm\n"
      "  parallax match left.png right.png -o preview.png --colormap turbo\n"
      "  parallax match im0.png im1.png -o scene_gt.pfm   # next to "
      "scene.png: proxy truth for parallax eval",
      "parallax match");
  std::filesystem::path left_path, right_path, output;
  std::string colormap = "none";
  StereoHintOptions options;
  double fraction_matched_min = 0;
  app.add_option("left", left_path, "Left image")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("right", right_path, "Right image (same size, rectified)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("-o,--output", output, "Disparity file: pfm, npy, exr, png")
      ->required();
  app.add_option("--max-disparity", options.max_disparity_fraction,
                 "Searched disparity range as a fraction of the width")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 0.9));
  app.add_option("--max-width", options.max_width,
                 "Match on the pair scaled down to at most this width "
                 "(cost grows with width x range); the result is scaled back")
      ->capture_default_str()
      ->check(CLI::Range(64, 8192));
  app.add_option("--lr-tolerance", options.lr_tolerance,
                 "Pixels the left and right estimates may disagree by (at "
                 "matching scale) and still be kept")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 16.0));
  options.min_texture = 1.0;
  app.add_option("--min-texture", options.min_texture,
                 "Drop pixels whose 5x5 window's mean horizontal gradient "
                 "(at matching scale) is below this many gray levels per "
                 "pixel: flat patches match anywhere; 0 keeps them")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 64.0));
  app.add_option("--min-matched", fraction_matched_min,
                 "Fail (exit 1, nothing written) when fewer than this "
                 "fraction of pixels are matched")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--colormap", colormap,
                 "8-bit preview instead of data: gray, turbo, inferno")
      ->capture_default_str();

  bool overwrite = false;
  AddOverwriteFlag(app, &overwrite);
  return RunCli(app, argc, argv, [&]() -> int {
    // CLI11's range checks let NaN through.
    if (!(fraction_matched_min >= 0 && fraction_matched_min <= 1)) {
      ThrowError("--min-matched must be in [0, 1]");
    }
    const std::filesystem::path inputs[] = {left_path, right_path};
    CheckNotAnInput(output, inputs);
    RefuseExistingOutput(output, ExistingOutputsFromFlags(overwrite, false),
                         /*resumable=*/false);
    DisparityFileOptions file;
    file.colormap = ParseColormap(colormap);
    const std::string extension = ImageExtension(output);
    if (file.colormap != Colormap::kNone && IsFloatFormat(extension)) {
      ThrowError("--colormap makes an 8-bit preview; '{}' is a float format",
                 output.string());
    }
    const cv::Mat left = ReadImage(left_path);
    const cv::Mat right = ReadImage(right_path);
    if (left.size() != right.size()) {
      ThrowError(
          "'{}' is {}x{} but '{}' is {}x{}: a rectified pair has one "
          "size",
          left_path.string(), left.cols, left.rows, right_path.string(),
          right.cols, right.rows);
    }
    const StereoHints hints = ComputeStereoHints(left, right, options);
    const cv::Mat finite = hints.left == hints.left;  // 0 on NaN
    const double matched =
        cv::countNonZero(finite) / static_cast<double>(left.total());
    if (matched < fraction_matched_min) {
      ThrowError(
          "only {:.1f}% of '{}' matched (--min-matched {}): is the "
          "pair rectified, left first?",
          100 * matched, left_path.string(), fraction_matched_min);
    }
    if (IsFloatFormat(extension)) {
      WriteDisparityFile(output, hints.left, file, {});
    } else {
      double low = 0;
      if (matched > 0) {
        cv::minMaxLoc(hints.left, &low, nullptr, nullptr, nullptr, finite);
      }
      // Normalised and preview formats cannot hold NaN: unmatched = far.
      cv::Mat filled = hints.left.clone();
      cv::patchNaNs(filled, low);
      WriteDisparityFile(output, filled, file, RobustRange(filled));
    }
    fmt::print("{}: {}x{}, {:.1f}% of pixels matched -> {}\n",
               left_path.filename().string(), left.cols, left.rows,
               100 * matched, output.string());
    return kExitOk;
  });
}

}  // namespace parallax
