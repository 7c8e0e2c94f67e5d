#include "parallax/model/depth_anything_file.h"

#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {

namespace {

std::string ShapeString(at::IntArrayRef sizes) {
  std::string out = "[";
  for (size_t i = 0; i < sizes.size(); ++i) {
    out += (i ? ", " : "") + std::to_string(sizes[i]);
  }
  return out + "]";
}

const torch::Tensor& Require(const StateDict& weights, const std::string& key,
                             int64_t dims, const std::string& name) {
  const torch::Tensor* tensor = weights.Find(key);
  if (!tensor) {
    ThrowError("{}: not a Depth Anything V2 model: it has no '{}'", name, key);
  }
  if (tensor->dim() != dims) {
    ThrowError(
        "{}: '{}' has shape {}, a Depth Anything V2 model has {} "
        "dimensions there",
        name, key, ShapeString(tensor->sizes()), dims);
  }
  return *tensor;
}

// The optional NAME.json beside a checkpoint.
nlohmann::json SidecarJson(const std::filesystem::path& path) {
  std::filesystem::path sidecar = path;
  sidecar.replace_extension(".json");
  std::error_code error;
  if (!std::filesystem::is_regular_file(sidecar, error)) {
    return nlohmann::json::object();
  }
  std::ifstream in(sidecar);
  nlohmann::json json = nlohmann::json::parse(in, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    ThrowError("{}: not a JSON object", sidecar.string());
  }
  return json;
}

int OfficialHeads(int width) {
  switch (width) {
    case 384:
      return 6;
    case 768:
      return 12;
    case 1024:
      return 16;
  }
  return 0;
}

}  // namespace

bool IsTorchCheckpoint(const std::filesystem::path& path) {
  const std::string extension = ToLower(path.extension().string());
  if (extension == ".pth" || extension == ".pt" || extension == ".bin") {
    return true;
  }
  if (extension == ".plx") return false;
  // A zip archive ("PK\3\4") whatever its name.
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  return in.gcount() == 4 && magic[0] == 'P' && magic[1] == 'K' &&
         magic[2] == 3 && magic[3] == 4;
}

DepthAnythingConfig RecogniseDepthAnything(const StateDict& weights,
                                           const std::filesystem::path& path) {
  const std::string name = path.string();
  if (!weights.Contains("pretrained.cls_token")) {
    std::string first = weights.size() ? weights.entries.front().first : "";
    ThrowError(
        "{}: not a Depth Anything V2 model: it has no "
        "'pretrained.cls_token' ({} keys{}{})",
        name, weights.size(), first.empty() ? "" : ", the first is '",
        first.empty() ? "" : first + "'");
  }
  DepthAnythingConfig config;
  const torch::Tensor& cls = Require(weights, "pretrained.cls_token", 3, name);
  const int width = static_cast<int>(cls.size(2));
  config.vit.embed_dim = width;
  const torch::Tensor& proj =
      Require(weights, "pretrained.patch_embed.proj.weight", 4, name);
  config.vit.patch_size = static_cast<int>(proj.size(2));
  const torch::Tensor& pos = Require(weights, "pretrained.pos_embed", 3, name);
  const int64_t grid =
      std::llround(std::sqrt(static_cast<double>(pos.size(1) - 1)));
  if (grid * grid + 1 != pos.size(1)) {
    ThrowError(
        "{}: 'pretrained.pos_embed' has shape {}: not a square grid "
        "plus a class token",
        name, ShapeString(pos.sizes()));
  }
  config.vit.img_size = static_cast<int>(grid) * config.vit.patch_size;

  int depth = 0;
  const std::string block_prefix = "pretrained.blocks.";
  for (const auto& [key, tensor] : weights.entries) {
    if (key.rfind(block_prefix, 0) != 0) continue;
    const size_t dot = key.find('.', block_prefix.size());
    const std::string index =
        key.substr(block_prefix.size(), dot - block_prefix.size());
    if (index.empty() ||
        index.find_first_not_of("0123456789") != std::string::npos ||
        index.size() > 4) {
      ThrowError("{}: unexpected key '{}'", name, key);
    }
    depth = std::max(depth, std::stoi(index) + 1);
  }
  if (depth == 0) ThrowError("{}: the transformer has no blocks", name);
  config.vit.depth = depth;
  config.vit.layer_scale = weights.Contains("pretrained.blocks.0.ls1.gamma");

  for (int i = 0; i < 4; ++i) {
    config.dpt.out_channels[i] = static_cast<int>(
        Require(weights, fmt::format("depth_head.projects.{}.weight", i), 4,
                name)
            .size(0));
  }
  config.dpt.features = static_cast<int>(
      Require(weights, "depth_head.scratch.layer1_rn.weight", 4, name).size(0));
  config.dpt.in_channels = width;
  if (weights.Contains("depth_head.readout_projects.0.0.weight")) {
    ThrowError(
        "{}: a DPT head that reads the class token: not a Depth "
        "Anything V2 configuration Parallax knows",
        name);
  }

  const nlohmann::json sidecar = SidecarJson(path);
  config.vit.num_heads = sidecar.value("num_heads", OfficialHeads(width));
  if (config.vit.num_heads == 0) {
    ThrowError(
        "{}: transformer width {} is not an official one, and the "
        "number of attention heads cannot be seen in the weights: put "
        "{{\"num_heads\": N}} in {}",
        name, width,
        std::filesystem::path(path).replace_extension(".json").string());
  }
  if (sidecar.contains("intermediate_layers")) {
    config.layers = sidecar["intermediate_layers"].get<std::vector<int>>();
  } else if (depth == 24) {
    config.layers = {4, 11, 17, 23};
  } else if (depth == 12) {
    config.layers = {2, 5, 8, 11};
  } else {
    ThrowError(
        "{}: {} transformer blocks: which 4 feed the head is not "
        "known; put {{\"intermediate_layers\": [a, b, c, d]}} beside it",
        name, depth);
  }
  config.vit.interpolate_offset = sidecar.value("interpolate_offset", 0.1);

  // Metric models have the same tensors; their names say what they are.
  const std::string file = ToLower(path.filename().string());
  if (file.find("metric") != std::string::npos) {
    config.metric = true;
    if (file.find("hypersim") != std::string::npos) config.max_depth = 20;
    if (file.find("vkitti") != std::string::npos) config.max_depth = 80;
  }
  if (sidecar.contains("max_depth")) {
    config.metric = true;
    config.max_depth = sidecar["max_depth"].get<double>();
  }
  if (config.metric && !(config.max_depth > 0)) {
    ThrowError(
        "{}: a metric model, but its maximum depth is not known: "
        "name it ..._hypersim_... (20 m) or ..._vkitti_... (80 m), or "
        "put {{\"max_depth\": METRES}} beside it",
        name);
  }

  config.encoder = DepthAnythingEncoder::kCustom;
  for (DepthAnythingEncoder encoder :
       {DepthAnythingEncoder::kVitS, DepthAnythingEncoder::kVitB,
        DepthAnythingEncoder::kVitL}) {
    const DepthAnythingConfig official = DepthAnythingConfig::Official(encoder);
    if (official.vit.embed_dim == width &&
        official.vit.depth == config.vit.depth &&
        official.vit.num_heads == config.vit.num_heads &&
        official.vit.img_size == config.vit.img_size &&
        official.vit.patch_size == config.vit.patch_size &&
        official.dpt.features == config.dpt.features &&
        official.dpt.out_channels == config.dpt.out_channels &&
        official.layers == config.layers) {
      config.encoder = encoder;
    }
  }
  try {
    config.Check();
  } catch (const Error& e) {
    ThrowError("{}: {}", name, e.what());
  }
  return config;
}

void LoadDepthAnythingWeights(DepthAnythingV2& net, const StateDict& weights,
                              const std::string& name) {
  std::map<std::string, torch::Tensor> targets;
  for (const auto& item : net->named_parameters(/*recurse=*/true)) {
    targets[item.key()] = item.value();
  }
  for (const auto& item : net->named_buffers(/*recurse=*/true)) {
    targets[item.key()] = item.value();
  }
  for (const auto& [key, tensor] : weights.entries) {
    if (!targets.count(key)) {
      ThrowError(
          "{}: unexpected key '{}' (shape {}): the file holds more "
          "than a Depth Anything V2 {} has",
          name, key, ShapeString(tensor.sizes()), net->config().EncoderName());
    }
  }
  torch::NoGradGuard no_grad;
  for (auto& [key, target] : targets) {
    const torch::Tensor* source = weights.Find(key);
    if (!source) {
      ThrowError(
          "{}: missing key '{}' (a Depth Anything V2 {} needs it, "
          "shape {})",
          name, key, net->config().EncoderName(), ShapeString(target.sizes()));
    }
    torch::Tensor widened;
    const bool last_conv =
        key.rfind("depth_head.scratch.output_conv2.2.", 0) == 0;
    if (last_conv && source->size(0) == 1 && target.size(0) > 1 &&
        source->sizes().slice(1) == target.sizes().slice(1)) {
      // One official output map becomes Parallax's left and right maps,
      // both starting from the pretrained one.
      std::vector<int64_t> repeats(source->dim(), 1);
      repeats[0] = target.size(0);
      widened = source->repeat(repeats);
      source = &widened;
    }
    if (source->sizes() != target.sizes()) {
      ThrowError("{}: '{}' has shape {}, the recognised {} needs {}", name, key,
                 ShapeString(source->sizes()), net->config().EncoderName(),
                 ShapeString(target.sizes()));
    }
    if (!source->is_floating_point()) {
      ThrowError("{}: '{}' holds {} values, not floating point", name, key,
                 std::string(c10::toString(source->scalar_type())));
    }
    const torch::Tensor values = source->to(torch::kFloat32);
    if (!torch::isfinite(values).all().item<bool>()) {
      ThrowError("{}: '{}' holds NaN or infinite weights", name, key);
    }
    target.copy_(values);
  }
}

LoadedDepthAnything LoadDepthAnything(const std::filesystem::path& path,
                                      torch::Device device) {
  const StateDict weights = ReadTorchStateDict(path);
  LoadedDepthAnything out;
  out.config = RecogniseDepthAnything(weights, path);
  out.net = DepthAnythingV2(out.config);
  LoadDepthAnythingWeights(out.net, weights, path.string());
  std::set<torch::Dtype> dtypes;
  for (const auto& entry : weights.entries) {
    dtypes.insert(entry.second.scalar_type());
  }
  out.stored_dtype = dtypes.size() != 1                    ? "mixed"
                     : *dtypes.begin() == torch::kFloat16  ? "float16"
                     : *dtypes.begin() == torch::kBFloat16 ? "bfloat16"
                     : *dtypes.begin() == torch::kFloat32  ? "float32"
                                                           : "other";
  std::error_code error;
  out.file_bytes =
      static_cast<int64_t>(std::filesystem::file_size(path, error));
  out.net->to(device);
  out.net->eval();
  return out;
}

}  // namespace parallax
