#include "parallax/model/model_config.h"

#include <limits>

#include <nlohmann/json.hpp>

#include "parallax/util/check.h"

namespace parallax {

void ModelConfig::Check() const {
  if (!(max_disparity > 0 && max_disparity <= 1)) {
    ThrowError("max disparity must be in (0, 1] of the image width, got {}",
               max_disparity);
  }
  if (input_channels != 3 && input_channels != 7) {
    ThrowError("input channels must be 3 (RGB) or 7 (flow+RGB+flow), got {}",
               input_channels);
  }
  if (!(width > 0 && width <= 4)) {
    ThrowError("width multiplier must be in (0, 4], got {}", width);
  }
  if (head == HeadType::kDeep3d && (planes < 2 || planes > 256)) {
    ThrowError("Deep3D planes must be in 2..256, got {}", planes);
  }
  if (train_width < 16 || train_height < 16) {
    ThrowError("training size {}x{} is too small", train_width, train_height);
  }
  // Larger than any network input Parallax can run (16 Mpx of activations
  // is tens of GiB): a damaged or hand-edited model file.
  if (train_width > 8192 || train_height > 8192 ||
      int64_t{train_width} * train_height > (int64_t{1} << 24)) {
    ThrowError(
        "training size {}x{} is too large (at most 8192 per side, 16 Mpx)",
        train_width, train_height);
  }
  for (float s : std) {
    if (!(s > 0)) ThrowError("normalisation std must be positive");
  }
  if (architecture == Architecture::kDepthAnythingV2) {
    if (input_channels != 3) {
      ThrowError("Depth Anything models take RGB only (3 input channels)");
    }
    if (head != HeadType::kDisparity) {
      ThrowError("Depth Anything models have the disparity head only");
    }
    const int patch = transformer.patch_size;
    if (patch < 1 || train_width % patch != 0 || train_height % patch != 0) {
      ThrowError(
          "a Depth Anything model trains at sizes that are multiples "
          "of {}; {}x{} is not (e.g. 518x266)",
          patch, train_width, train_height);
    }
    if (transformer.embed_dim < 1 || transformer.num_heads < 1 ||
        transformer.embed_dim % transformer.num_heads != 0) {
      ThrowError("bad transformer width {} for {} heads", transformer.embed_dim,
                 transformer.num_heads);
    }
  }
}

int ModelConfig::SizeMultiple() const {
  switch (architecture) {
    case Architecture::kVgg:
      return 128;
    case Architecture::kDepthAnythingV2:
      return transformer.patch_size;
    default:
      return 64;
  }
}

std::string ToString(Architecture value) {
  switch (value) {
    case Architecture::kVgg:
      return "vgg";
    case Architecture::kResNet18:
      return "resnet18";
    case Architecture::kResNet50:
      return "resnet50";
    case Architecture::kDepthAnythingV2:
      return "depth-anything-v2";
  }
  return "?";
}

std::string ToString(HeadType value) {
  return value == HeadType::kDeep3d ? "deep3d" : "disparity";
}

std::string ToString(DisparityMode value) {
  return value == DisparityMode::kSigned ? "signed" : "positive";
}

Architecture ParseArchitecture(std::string_view name) {
  if (name == "vgg") return Architecture::kVgg;
  if (name == "resnet18") return Architecture::kResNet18;
  if (name == "resnet50") return Architecture::kResNet50;
  if (name == "depth-anything-v2") return Architecture::kDepthAnythingV2;
  ThrowError(
      "unknown architecture '{}' (vgg, resnet18, resnet50, depth-anything-v2)",
      name);
}

HeadType ParseHeadType(std::string_view name) {
  if (name == "disparity" || name == "monodepth") return HeadType::kDisparity;
  if (name == "deep3d") return HeadType::kDeep3d;
  ThrowError("unknown head '{}' (disparity, deep3d)", name);
}

DisparityMode ParseDisparityMode(std::string_view name) {
  if (name == "positive") return DisparityMode::kPositive;
  if (name == "signed") return DisparityMode::kSigned;
  ThrowError("unknown disparity mode '{}' (positive, signed)", name);
}

void to_json(nlohmann::json& json, const ModelConfig& config) {
  json = nlohmann::json{
      {"architecture", ToString(config.architecture)},
      {"head", ToString(config.head)},
      {"disparity_mode", ToString(config.disparity_mode)},
      {"max_disparity", config.max_disparity},
      {"input_channels", config.input_channels},
      {"width", config.width},
      {"planes", config.planes},
      {"train_size", {config.train_width, config.train_height}},
      {"normalization", {{"mean", config.mean}, {"std", config.std}}},
  };
  if (config.architecture == Architecture::kDepthAnythingV2) {
    const TransformerSpec& t = config.transformer;
    json["transformer"] = {
        {"embed_dim", t.embed_dim},       {"depth", t.depth},
        {"num_heads", t.num_heads},       {"patch_size", t.patch_size},
        {"img_size", t.img_size},         {"features", t.features},
        {"out_channels", t.out_channels}, {"layers", t.layers}};
  }
}

namespace {

// Not get<int>(): nlohmann converts a JSON float with a plain cast, which is
// undefined for one out of range (2e+120 in a model file; found by
// fuzz/checkpoint_fuzzer), and a large integer would be truncated.
int IntOf(const nlohmann::json& value) {
  if (!value.is_number_integer() ||
      (value.is_number_unsigned() &&
       value.get<uint64_t>() > uint64_t{std::numeric_limits<int>::max()}) ||
      (!value.is_number_unsigned() &&
       (value.get<int64_t>() < std::numeric_limits<int>::min() ||
        value.get<int64_t>() > std::numeric_limits<int>::max()))) {
    ThrowError("invalid model description: {} is not an int", value.dump());
  }
  return static_cast<int>(value.get<int64_t>());
}

std::array<int, 4> FourIntsOf(const nlohmann::json& value) {
  if (!value.is_array() || value.size() != 4) {
    ThrowError("invalid model description: {} is not 4 ints", value.dump());
  }
  return {IntOf(value[0]), IntOf(value[1]), IntOf(value[2]), IntOf(value[3])};
}

}  // namespace

void from_json(const nlohmann::json& json, ModelConfig& config) {
  try {
    config.architecture =
        ParseArchitecture(json.at("architecture").get<std::string>());
    config.head = ParseHeadType(json.at("head").get<std::string>());
    config.disparity_mode =
        ParseDisparityMode(json.at("disparity_mode").get<std::string>());
    config.max_disparity = json.at("max_disparity").get<double>();
    config.input_channels = IntOf(json.at("input_channels"));
    config.width = json.at("width").get<double>();
    config.planes = IntOf(json.at("planes"));
    config.train_width = IntOf(json.at("train_size").at(0));
    config.train_height = IntOf(json.at("train_size").at(1));
    config.mean =
        json.at("normalization").at("mean").get<std::array<float, 3>>();
    config.std = json.at("normalization").at("std").get<std::array<float, 3>>();
    if (config.architecture == Architecture::kDepthAnythingV2) {
      const nlohmann::json& t = json.at("transformer");
      TransformerSpec& spec = config.transformer;
      spec.embed_dim = IntOf(t.at("embed_dim"));
      spec.depth = IntOf(t.at("depth"));
      spec.num_heads = IntOf(t.at("num_heads"));
      spec.patch_size = IntOf(t.at("patch_size"));
      spec.img_size = IntOf(t.at("img_size"));
      spec.features = IntOf(t.at("features"));
      spec.out_channels = FourIntsOf(t.at("out_channels"));
      spec.layers = FourIntsOf(t.at("layers"));
    }
  } catch (const nlohmann::json::exception& e) {
    ThrowError("invalid model description: {}", e.what());
  }
  config.Check();
}

}  // namespace parallax
