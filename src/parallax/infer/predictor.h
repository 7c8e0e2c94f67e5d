// The depth predictor: a loaded network plus the pre-processing that feeds it
// images of any size and the post-processing that turns its output into
// disparity in pixels of the input image. LibTorch stays behind a backend
// in the network module (network_module.h), so callers (the CLI, eval,
// render) compile and link without it, and load it only when they build a
// Predictor.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "parallax/data/optic_flow.h"
#include "parallax/infer/network_input.h"
#include "parallax/infer/plane_distributions.h"
#include "parallax/model/model_config.h"

namespace parallax {

class PredictorBackend;

enum class Precision {
  kAuto,     // float32; float16 for Depth Anything on CUDA
  kFloat32,  // exact
  // Half the memory traffic; on GPUs faster. On the CPU here (LibTorch
  // 1.13) it is slower than fp32: predictor_benchmark.
  kBFloat16,
  // Half precision: CUDA only (the CPU kernels here are slow or missing).
  // `auto` picks it for Depth Anything models on CUDA.
  kFloat16,
};
Precision ParsePrecision(const std::string& name);
std::string ToString(Precision precision);

struct PredictorOptions {
  // "auto" (CUDA when available), "cpu", "cuda" or "cuda:N".
  std::string device = "auto";
  // Images per forward pass (frames of a video, files of a folder).
  int batch = 1;
  // Godard's flip post-processing: predict the mirrored image too and blend
  // the two (doubles the network time, removes the left-edge artefact).
  bool flip_postprocess = false;
  Precision precision = Precision::kAuto;
  // Pixels of the network input; 0 = the model's training width x height.
  // Larger sees finer detail and costs time in proportion.
  double target_pixels = 0;
  // Short side of the network input in pixels (aspect kept), used instead
  // of target_pixels when > 0. Depth Anything models always size their
  // input this way (default 518, both sides multiples of 14, as the
  // official code does).
  int net_short_side = 0;
  // min(W, H) of a W x H network size given as target_pixels: what Depth
  // Anything models take as their short side then (0 = none given).
  int target_short_side = 0;
  // Reflected columns on both sides of the network input (a quarter of the
  // model's size multiple: 16 for ResNet encoders), so that the band of
  // wrong disparity networks put in their outermost columns is cropped
  // away (network_input.h). About 12 % more network pixels at 256 wide.
  // RGB models only: flow models are fed as they were trained.
  bool edge_padding = true;
  // Optic flow for 7-channel models.
  FlowMethod flow_method = FlowMethod::kDis;
  // CPU threads for the network; 0 = all cores.
  int threads = 0;
  // Deep3D models only (an error otherwise): also return the plane
  // distributions of a synthesised right view, and of a left view (one more
  // network pass, over the mirrored input, unless flip_postprocess runs it
  // anyway).
  bool right_planes = false;
  bool left_planes = false;

  void Check() const;
};

struct PredictorInput {
  // 8-bit or 16-bit BGR (or gray) image, any size.
  cv::Mat image;
  // 7-channel models only: the previous and next frames (same size as
  // `image`); empty at the ends of a sequence (zero flow).
  cv::Mat previous, next;
};

struct DepthPrediction {
  // CV_32FC1 at geometry.content size: left-view disparity in pixels of the
  // input image (docs/design.md: larger = nearer; signed models also negative).
  cv::Mat disparity;
  NetworkGeometry geometry;
  // Filled when PredictorOptions asks for plane distributions.
  PlaneDistributions planes;
};

// What a predictor runs and what its output means.
struct PredictorModelInfo {
  std::string kind;     // "parallax" (.plx) or "depth-anything-v2" (.pth)
  std::string name;     // e.g. "Depth Anything V2 Small"
  std::string licence;  // empty for Parallax's own models
  // The output is known only up to scale and shift (Depth Anything's
  // relative inverse depth), not disparity in pixels: consumers normalise
  // or align it, and the video stabiliser aligns it fully to its history.
  bool relative = false;
  // Depth Anything metric models: the output is 1 / depth in metres.
  bool metric = false;
  // The network's output is upsampled bilinearly with corner pixels
  // aligned by its reference implementation (Depth Anything).
  bool align_corners = false;
};

class Predictor {
 public:
  // Loads the model: a Parallax .plx file, or a Depth Anything V2
  // checkpoint as published (.pth); throws parallax::Error naming the file
  // (or saying why the network module cannot be loaded).
  Predictor(const std::filesystem::path& model,
            const PredictorOptions& options);
  ~Predictor();
  Predictor(const Predictor&) = delete;
  Predictor& operator=(const Predictor&) = delete;

  // For Depth Anything models: an equivalent RGB, disparity-head
  // configuration whose training size is the default network input.
  const ModelConfig& config() const;
  const PredictorModelInfo& model_info() const;
  const PredictorOptions& options() const;
  // "cpu", "cuda:0", ...
  std::string device() const;
  // One line for progress output: the model, its licence where known, the
  // device and how inputs are sized.
  std::string Describe(const std::string& model_path) const;
  NetworkGeometry Geometry(cv::Size input) const;

  DepthPrediction Predict(const PredictorInput& input);
  // Same-size inputs go through the network options().batch at a time.
  std::vector<DepthPrediction> PredictBatch(
      const std::vector<PredictorInput>& inputs);

 private:
  std::unique_ptr<PredictorBackend> impl_;
};

// 8/16-bit, 1/3/4-channel image -> CV_32FC3 RGB in [0, 1]. Throws
// parallax::Error for other types (e.g. float images with NaN are refused by
// the caller's reader).
cv::Mat ToRgbFloat(const cv::Mat& image);

// Its two halves, for inputs prepared another way (area_shrink.h): the
// factor that takes 8- or 16-bit values to [0, 1], and gray, BGR or BGRA
// (any depth) to RGB. Other depths and channel counts: parallax::Error.
double UnitScale(const cv::Mat& image);
cv::Mat ToRgbChannels(const cv::Mat& image);

}  // namespace parallax
