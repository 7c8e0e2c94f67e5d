// The LibTorch predictor: parallax::Predictor's backend in the network
// module (network_module.h). Loads Parallax models (.plx) and Depth Anything
// V2 checkpoints, and runs them on the CPU or CUDA.
#include <algorithm>
#include <cmath>
#include <memory>
#include <thread>

#include <torch/torch.h>
#include <opencv2/imgproc.hpp>

#include "parallax/infer/flip_postprocess.h"
#include "parallax/infer/network_module.h"
#include "parallax/infer/network_module_build.h"
#include "parallax/infer/predictor_backend.h"
#include "parallax/model/checkpoint.h"
#include "parallax/model/depth_anything_file.h"
#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {

namespace {

cv::Mat To8BitBgr(const cv::Mat& image) {
  cv::Mat eight = image;
  if (image.depth() == CV_16U) image.convertTo(eight, CV_8U, 1.0 / 257.0);
  if (eight.channels() == 1) cv::cvtColor(eight, eight, cv::COLOR_GRAY2BGR);
  if (eight.channels() == 4) cv::cvtColor(eight, eight, cv::COLOR_BGRA2BGR);
  return eight;
}

// Flow from `current` to `neighbour` at network size, normalised as in
// training; zero when there is no neighbour.
cv::Mat NetworkFlow(const cv::Mat& current8, const cv::Mat& neighbour,
                    const NetworkGeometry& geometry, FlowMethod method) {
  if (neighbour.empty()) {
    return cv::Mat(geometry.padded, CV_32FC2, cv::Scalar::all(0));
  }
  if (neighbour.size() != geometry.input) {
    ThrowError("neighbouring frame is {}x{}, the frame {}x{}", neighbour.cols,
               neighbour.rows, geometry.input.width, geometry.input.height);
  }
  cv::Mat flow = ComputeOpticFlow(
      current8, PrepareNetworkImage(To8BitBgr(neighbour), geometry), method);
  NormalizeFlowMagnitude(flow);
  return flow;
}

}  // namespace

// Reflected columns on each side: a quarter of the size multiple for the
// convolutional encoders (whose decoders round odd sizes), half a patch
// for a transformer, whose input must stay a whole number of patches.
static int EdgeColumns(const ModelConfig& config) {
  return config.architecture == Architecture::kDepthAnythingV2
             ? config.SizeMultiple() / 2
             : config.SizeMultiple() / 4;
}

// Depth Anything's default network input: short side 518 (37 patches).
constexpr int kDepthAnythingShortSide = 518;

struct TorchPredictorImpl {
  PredictorOptions options;
  torch::Device device{torch::kCPU};
  LoadedModel model;                   // Parallax models
  LoadedDepthAnything depth_anything;  // Depth Anything checkpoints
  ModelConfig config;
  PredictorModelInfo info;
  torch::Dtype dtype = torch::kFloat32;

  bool IsDepthAnything() const { return static_cast<bool>(depth_anything.net); }

  // The network input of one image as an H x W x C float Mat (channel order
  // of ModelConfig: RGB, or flow_prev, RGB, flow_next).
  cv::Mat BuildInput(const PredictorInput& input,
                     const NetworkGeometry& geometry) const {
    if (IsDepthAnything()) {
      // As the official code: bicubic resize of the [0, 1] RGB image.
      cv::Mat rgb;
      cv::resize(ToRgbFloat(input.image), rgb, geometry.content, 0, 0,
                 cv::INTER_CUBIC);
      return rgb;
    }
    cv::Mat rgb = PrepareNetworkRgb(input.image, geometry);
    if (model.config.input_channels == 3) return rgb;
    const cv::Mat current8 =
        PrepareNetworkImage(To8BitBgr(input.image), geometry);
    const cv::Mat flow_prev =
        NetworkFlow(current8, input.previous, geometry, options.flow_method);
    const cv::Mat flow_next =
        NetworkFlow(current8, input.next, geometry, options.flow_method);
    cv::Mat stacked;
    cv::merge(std::vector<cv::Mat>{flow_prev, rgb, flow_next}, stacked);
    return stacked;
  }

  static cv::Mat Mirror(const cv::Mat& input) {
    cv::Mat mirrored;
    cv::flip(input, mirrored, 1);
    if (input.channels() == 7) {
      // Mirroring x -> W-1-x turns a flow (fx, fy) into (-fx, fy).
      std::vector<cv::Mat> channels;
      cv::split(mirrored, channels);
      channels[0] *= -1.0;
      channels[5] *= -1.0;
      cv::merge(channels, mirrored);
    }
    return mirrored;
  }

  // The network's outputs for a batch, on the CPU in float32.
  struct NetworkOutput {
    torch::Tensor disparity;    // [N, H, W], fractions of the width
    torch::Tensor right_probs;  // [N, P, H, W] when planes are asked for
  };

  // Runs the network on same-size inputs.
  NetworkOutput Forward(const std::vector<cv::Mat>& inputs) {
    const cv::Mat& first = inputs.front();
    const int64_t n = static_cast<int64_t>(inputs.size());
    torch::Tensor nhwc = torch::empty(
        {n, first.rows, first.cols, first.channels()}, torch::kFloat32);
    for (int64_t i = 0; i < n; ++i) {
      const cv::Mat& m = inputs[i];
      THROW_CHECK(m.isContinuous() && m.size() == first.size());
      nhwc[i].copy_(torch::from_blob(m.data, {m.rows, m.cols, m.channels()},
                                     torch::kFloat32));
    }
    // The NCHW view of NHWC memory is channels-last: no copy for the CPU net.
    torch::Tensor x = nhwc.permute({0, 3, 1, 2}).to(device, dtype);
    c10::InferenceMode guard;
    NetworkOutput out;
    if (IsDepthAnything()) {
      torch::Tensor y = depth_anything.net->ForwardRgb(x.contiguous())
                            .to(torch::kCPU, torch::kFloat32);
      // Metric models give metres; Parallax's maps are "larger = nearer".
      if (info.metric) y = 1.0 / y.clamp_min(1e-3);
      out.disparity = y.contiguous();
      return out;
    }
    DisparityPyramid pyramid = model.net->forward(x);
    out.disparity = pyramid.left[0]
                        .squeeze(1)
                        .to(torch::kCPU, torch::kFloat32)
                        .contiguous();
    if (WantsPlanes()) {
      out.right_probs =
          pyramid.right_probs[0].to(torch::kCPU, torch::kFloat32).contiguous();
    }
    return out;
  }

  bool WantsPlanes() const {
    return options.right_planes || options.left_planes;
  }

  // [P, H, W] probabilities -> one content-size map per plane; `mirrored`
  // flips them back from a pass over the mirrored input.
  static std::vector<cv::Mat> ToPlaneMaps(const torch::Tensor& probs,
                                          const NetworkGeometry& geometry,
                                          bool mirrored) {
    std::vector<cv::Mat> maps;
    for (int64_t k = 0; k < probs.size(0); ++k) {
      const torch::Tensor plane = probs[k].contiguous();
      const cv::Mat view(static_cast<int>(plane.size(0)),
                         static_cast<int>(plane.size(1)), CV_32FC1,
                         const_cast<float*>(plane.data_ptr<float>()));
      cv::Mat map = view(geometry.ContentRect()).clone();
      if (mirrored) cv::flip(map, map, 1);
      maps.push_back(std::move(map));
    }
    return maps;
  }

  PlaneDistributions ToPlanes(const NetworkOutput& out, int64_t row,
                              bool has_mirror,
                              const NetworkGeometry& geometry) const {
    PlaneDistributions planes;
    const torch::Tensor values =
        model.net->planes().to(torch::kCPU, torch::kFloat32).contiguous();
    const double to_pixels = geometry.FractionToInputPixels();
    for (int64_t k = 0; k < values.size(0); ++k) {
      planes.disparities.push_back(
          static_cast<float>(values[k].item<double>() * to_pixels));
    }
    if (options.right_planes) {
      planes.right = ToPlaneMaps(out.right_probs[row], geometry, false);
    }
    if (options.left_planes && has_mirror) {
      planes.left = ToPlaneMaps(out.right_probs[row + 1], geometry, true);
    }
    return planes;
  }

  // One output plane -> disparity in input pixels at content size (for
  // relative models: the network's own units).
  cv::Mat ToDisparity(const torch::Tensor& plane,
                      const NetworkGeometry& geometry) const {
    cv::Mat view(static_cast<int>(plane.size(0)),
                 static_cast<int>(plane.size(1)), CV_32FC1,
                 const_cast<float*>(plane.data_ptr<float>()));
    cv::Mat disparity;
    const double scale =
        IsDepthAnything() ? 1.0 : geometry.FractionToInputPixels();
    view(geometry.ContentRect()).convertTo(disparity, CV_32F, scale);
    return disparity;
  }

  void LoadDepthAnythingModel(const std::filesystem::path& path) {
    depth_anything = LoadDepthAnything(path, device);
    const DepthAnythingConfig& c = depth_anything.config;
    info.kind = "depth-anything-v2";
    info.name = c.DisplayName();
    info.licence = c.Licence();
    info.metric = c.metric;
    info.relative = !c.metric;
    info.align_corners = true;
    config = ModelConfig();
    config.input_channels = 3;
    config.train_width = config.train_height = kDepthAnythingShortSide;
    config.mean = {0.485f, 0.456f, 0.406f};
    config.std = {0.229f, 0.224f, 0.225f};
    if (options.precision == Precision::kBFloat16) {
      dtype = torch::kBFloat16;
    } else if (options.precision == Precision::kFloat16 ||
               (options.precision == Precision::kAuto && device.is_cuda())) {
      dtype = torch::kFloat16;
    }
    if (dtype != torch::kFloat32) depth_anything.net->to(dtype);
  }

  void PredictGroup(const std::vector<PredictorInput>& inputs, size_t begin,
                    size_t end, const NetworkGeometry& geometry,
                    std::vector<DepthPrediction>* out) {
    // The mirrored input serves flip post-processing and left-view planes.
    const bool mirror = options.flip_postprocess || options.left_planes;
    std::vector<cv::Mat> network_inputs;
    for (size_t i = begin; i < end; ++i) {
      network_inputs.push_back(BuildInput(inputs[i], geometry));
      if (mirror) network_inputs.push_back(Mirror(network_inputs.back()));
    }
    const NetworkOutput output = Forward(network_inputs);
    const int per_input = mirror ? 2 : 1;
    for (size_t i = begin; i < end; ++i) {
      const int64_t row = static_cast<int64_t>(i - begin) * per_input;
      DepthPrediction prediction;
      prediction.geometry = geometry;
      prediction.disparity = ToDisparity(output.disparity[row], geometry);
      if (options.flip_postprocess) {
        prediction.disparity =
            FlipPostProcess(prediction.disparity,
                            ToDisparity(output.disparity[row + 1], geometry));
      }
      if (WantsPlanes()) {
        prediction.planes = ToPlanes(output, row, mirror, geometry);
      }
      (*out)[i] = std::move(prediction);
    }
  }
};

// The LibTorch predictor behind parallax::Predictor (predictor_backend.h).
class TorchPredictor final : public PredictorBackend {
 public:
  TorchPredictor(const std::filesystem::path& model,
                 const PredictorOptions& options);
  const ModelConfig& config() const override;
  const PredictorModelInfo& model_info() const override;
  const PredictorOptions& options() const override;
  std::string device() const override;
  std::string Describe(const std::string& model_path) const override;
  NetworkGeometry Geometry(cv::Size input) const override;
  std::vector<DepthPrediction> PredictBatch(
      const std::vector<PredictorInput>& inputs) override;

 private:
  std::unique_ptr<TorchPredictorImpl> impl_ =
      std::make_unique<TorchPredictorImpl>();
};

TorchPredictor::TorchPredictor(const std::filesystem::path& model,
                               const PredictorOptions& options) {
  options.Check();
  impl_->options = options;
  impl_->device = ResolveDevice(options.device);
  if (options.precision == Precision::kFloat16 && !impl_->device.is_cuda()) {
    ThrowError(
        "--precision fp16 runs on CUDA only; on the CPU use bf16 "
        "(or fp32)");
  }
  if (impl_->device.is_cpu()) {
    // LibTorch here defaults to one thread; denormals make oneDNN crawl.
    const int threads = options.threads > 0
                            ? options.threads
                            : static_cast<int>(std::max(
                                  1u, std::thread::hardware_concurrency()));
    torch::set_num_threads(threads);
    at::globalContext().setFlushDenormal(true);
  }
  if (IsTorchCheckpoint(model)) {
    if (options.right_planes || options.left_planes) {
      ThrowError(
          "{} is a Depth Anything model: it has no plane distributions (the "
          "deep3d renderer needs a model trained with --head deep3d)",
          model.string());
    }
    impl_->LoadDepthAnythingModel(model);
    return;
  }
  impl_->model = LoadModel(model, impl_->device);
  impl_->config = impl_->model.config;
  impl_->info.kind = "parallax";
  impl_->info.name = model.filename().string();
  if ((options.right_planes || options.left_planes) &&
      impl_->model.config.head != HeadType::kDeep3d) {
    ThrowError(
        "{} has a plain disparity head: plane distributions (the deep3d "
        "renderer) need a model trained with --head deep3d",
        model.string());
  }
  impl_->model.net->eval();
  if (impl_->device.is_cpu()) impl_->model.net->SetChannelsLast(true);
  if (options.precision == Precision::kBFloat16 ||
      options.precision == Precision::kFloat16) {
    impl_->dtype = options.precision == Precision::kBFloat16 ? torch::kBFloat16
                                                             : torch::kFloat16;
    impl_->model.net->to(impl_->dtype);
  }
}

const ModelConfig& TorchPredictor::config() const { return impl_->config; }
const PredictorModelInfo& TorchPredictor::model_info() const {
  return impl_->info;
}
const PredictorOptions& TorchPredictor::options() const {
  return impl_->options;
}
std::string TorchPredictor::device() const { return impl_->device.str(); }

std::string TorchPredictor::Describe(const std::string& model_path) const {
  const PredictorOptions& o = impl_->options;
  if (impl_->IsDepthAnything()) {
    int side = o.net_short_side > 0 ? o.net_short_side : o.target_short_side;
    if (side == 0) side = kDepthAnythingShortSide;
    return fmt::format(
        "model {} ({}, licence {}) on {} (network input: short side {}, "
        "sides multiples of {}, aspect kept)",
        model_path, impl_->info.name, impl_->info.licence, device(), side,
        impl_->depth_anything.config.vit.patch_size);
  }
  const ModelConfig& c = impl_->config;
  const std::string size =
      o.net_short_side > 0 ? fmt::format("short side {}", o.net_short_side)
      : o.target_pixels > 0
          ? fmt::format("{:.0f} pixels", o.target_pixels)
          : fmt::format("{}x{} pixels' worth", c.train_width, c.train_height);
  return fmt::format(
      "model {} on {} (network input: {}, aspect kept{})", model_path, device(),
      size,
      o.edge_padding && c.input_channels == 3 ? ", plus edge padding" : "");
}

NetworkGeometry TorchPredictor::Geometry(cv::Size input) const {
  const PredictorOptions& options = impl_->options;
  if (impl_->IsDepthAnything()) {
    int short_side = options.net_short_side;
    if (short_side == 0) short_side = options.target_short_side;
    if (short_side == 0 && options.target_pixels > 0) {
      short_side =
          static_cast<int>(std::lround(std::sqrt(options.target_pixels)));
    }
    if (short_side == 0) short_side = kDepthAnythingShortSide;
    return ComputeShortSideGeometry(
        input, short_side, impl_->depth_anything.config.vit.patch_size);
  }
  const ModelConfig& config = impl_->model.config;
  if (options.net_short_side > 0) {
    const double aspect =
        static_cast<double>(std::max(input.width, input.height)) /
        std::min(input.width, input.height);
    const double side = options.net_short_side;
    const bool pad = options.edge_padding && config.input_channels == 3;
    return ComputeNetworkGeometry(input, side * side * aspect,
                                  config.SizeMultiple(),
                                  pad ? EdgeColumns(config) : 0);
  }
  const double target =
      impl_->options.target_pixels > 0
          ? impl_->options.target_pixels
          : static_cast<double>(config.train_width) * config.train_height;
  // Flow models (7 channels) normalise the flow over the whole input, as
  // they did in training: reflected columns would change that, so they go
  // without. The padded width is then an odd multiple of half the size
  // multiple, so the deepest feature level rounds up to m + 1 columns
  // under the next level's 2m + 1; nearest upsampling maps column i to
  // i / 2 there, exactly, so nothing shifts.
  const bool pad = impl_->options.edge_padding && config.input_channels == 3;
  const int edge_columns = pad ? EdgeColumns(config) : 0;
  return ComputeNetworkGeometry(input, target, config.SizeMultiple(),
                                edge_columns);
}

std::vector<DepthPrediction> TorchPredictor::PredictBatch(
    const std::vector<PredictorInput>& inputs) {
  // Flush-to-zero is a property of the calling thread, and a predictor may
  // be used from another thread than the one that made it (the desktop
  // app's worker): denormals would make oneDNN crawl there.
  if (impl_->device.is_cpu()) at::globalContext().setFlushDenormal(true);
  std::vector<DepthPrediction> out(inputs.size());
  const size_t batch = static_cast<size_t>(impl_->options.batch);
  size_t begin = 0;
  while (begin < inputs.size()) {
    const cv::Size size = inputs[begin].image.size();
    size_t end = begin + 1;
    while (end < inputs.size() && end - begin < batch &&
           inputs[end].image.size() == size) {
      ++end;
    }
    impl_->PredictGroup(inputs, begin, end, Geometry(size), &out);
    begin = end;
  }
  return out;
}

namespace {

std::unique_ptr<PredictorBackend> MakeTorchPredictor(
    const std::filesystem::path& model, const PredictorOptions& options) {
  return std::make_unique<TorchPredictor>(model, options);
}

int NoModuleCommands(const char* name, int, char**) {
  ThrowError(
      "'{}' is not linked into this program, which links the network "
      "libraries without the module's commands (parallax_cli_torch)",
      name);
}

}  // namespace
}  // namespace parallax

// The commands the shared module carries (app/cli/module_commands.cc), when
// they are linked.
extern "C" int ParallaxRunModuleCommand(const char* name, int argc, char** argv)
    __attribute__((weak));

extern "C" const parallax::NetworkModuleApi* ParallaxLinkedNetworkModule() {
  static const parallax::NetworkModuleApi api{
      parallax::kNetworkModuleAbi, parallax::kNetworkModuleBuild,
      &parallax::MakeTorchPredictor,
      ParallaxRunModuleCommand != nullptr ? &ParallaxRunModuleCommand
                                          : &parallax::NoModuleCommands};
  return &api;
}
