// What `parallax defocus`, `fog` and `composite` share: where each image's
// depth comes from (a given map, or the network), and running an effect
// over photos into one file or a folder.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <opencv2/core.hpp>

#include "parallax/infer/depth_estimator.h"
#include "parallax/util/existing_outputs.h"

namespace parallax {

struct EffectDepthOptions {
  std::filesystem::path model;  // empty = the default model
  PredictorOptions predictor;
  std::string device = "auto";
  std::string kind = "disparity";  // of given maps: disparity or depth
  std::string upsample = "guided";
};

// --model, --device, --net-size, --depth-kind, --upsample.
void AddEffectDepthOptions(CLI::App& app, EffectDepthOptions* options);

// Disparity maps (CV_32F, larger = nearer) for images.
class EffectDepth {
 public:
  explicit EffectDepth(const EffectDepthOptions& options);
  ~EffectDepth();

  // `given` non-empty: that file (disparity, or depth inverted when the
  // kind is depth); it must have the image's size and finite values.
  // Otherwise the network's estimate, upsampled to the image.
  cv::Mat For(const cv::Mat& image, const std::filesystem::path& given);
  // True when For() without a file ran the network (relative scale).
  bool estimated() const { return estimated_; }
  // Loaded on first use; printed once on stderr unless quiet.
  Predictor& predictor(bool quiet = true);
  // The model file for resume checks (ModelFileSettings).
  std::string model_id() const;

 private:
  EffectDepthOptions options_;
  std::unique_ptr<Predictor> predictor_;
  bool estimated_ = false;
};

// A given Z map: size and NaN checked; Z <= 0 or infinite is +infinity.
cv::Mat LoadMetricDepth(const std::filesystem::path& path, cv::Size size);

// A given map as disparity: `kind` "depth" inverts (z <= 0 or infinite ->
// 0, at infinity). Errors name the file and what is wrong.
cv::Mat LoadEffectDepth(const std::filesystem::path& path, cv::Size size,
                        const std::string& kind);

// How RunImageEffect runs.
struct ImageEffectRun {
  // Folder outputs are `<stem><suffix>.<ext of the input or png>`.
  std::string suffix;
  bool show_progress = true;
  // Non-empty = the name of a flag that needs exactly one image (a given
  // depth map, --save-depth); more is an error naming it.
  std::string single_image;
  // Outputs that exist: refused (before any work), replaced, or kept and
  // skipped (files are written atomically, so one that exists is complete).
  ExistingOutputs existing = ExistingOutputs::kRefuse;
  // Other files the job writes (--save-depth), checked with the outputs.
  std::vector<std::filesystem::path> side_outputs;
  // Memory the effect needs per image pixel (checked from the header).
  double bytes_per_pixel = 64;
};

// Runs `render` on every image input into `output`: one file for one
// input, else a folder. Inputs are never overwritten; each file is written
// atomically; a failing image is reported and the rest still run. `render`
// gets 3-channel BGR (8- or 16-bit); an alpha channel is set aside and put
// back on outputs that hold one (PNG, WebP, TIFF). Returns the failures.
std::vector<std::string> RunImageEffect(
    const std::vector<std::string>& inputs, const std::filesystem::path& output,
    const ImageEffectRun& run,
    const std::function<cv::Mat(const cv::Mat& image,
                                const std::filesystem::path& input)>& render);

// Prints the failures (if any) and returns the exit code for them.
int ReportFailures(const std::vector<std::string>& failures);

}  // namespace parallax
