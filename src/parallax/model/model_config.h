// What a depth network is: architecture, output head, disparity range and
// input format. Stored in every checkpoint so a model file describes itself.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace parallax {

enum class Architecture {
  kVgg,       // Godard 2017 supplementary Table 1 (7 encoder stages)
  kResNet18,  // Godard's ResNet variant with basic blocks
  kResNet50,  // Godard's ResNet50 variant (bottleneck blocks)
  // Depth Anything V2's DINOv2 transformer and DPT head, fine-tuned with
  // the stereo losses through a learned output scale (and shift)
  // (depth_anything.h; ModelConfig::transformer holds its sizes).
  kDepthAnythingV2,
};

enum class HeadType {
  kDisparity,  // Monodepth: a left and a right disparity map per scale
  kDeep3d,     // Deep3D: a softmax over disparity planes per scale
};

enum class DisparityMode {
  kPositive,  // [0, max]: parallel rigs (Godard: 0.3 * sigmoid)
  kSigned,    // [-max, max]: converging film rigs (3D_learner)
};

// The sizes of a Depth Anything V2 network inside a Parallax model.
struct TransformerSpec {
  int embed_dim = 384;
  int depth = 12;
  int num_heads = 6;
  int patch_size = 14;
  int img_size = 518;  // the positional embedding's square
  int features = 64;
  std::array<int, 4> out_channels = {48, 96, 192, 384};
  std::array<int, 4> layers = {2, 5, 8, 11};
};

struct ModelConfig {
  Architecture architecture = Architecture::kResNet18;
  HeadType head = HeadType::kDisparity;
  DisparityMode disparity_mode = DisparityMode::kPositive;
  // Largest |disparity| as a fraction of the image width. Godard: 0.3.
  double max_disparity = 0.3;
  // 3 = RGB; 7 = flow to previous (x, y), RGB, flow to next (x, y).
  int input_channels = 3;
  // Channel multiplier for every layer (0.25 gives a ~16x cheaper model).
  double width = 1.0;
  // Number of disparity planes of the Deep3D head.
  int planes = 32;
  // The size the network was trained at (inference resizes to about this).
  int train_width = 512;
  int train_height = 256;
  // RGB normalisation applied inside the network: (x - mean) / std, x in
  // [0, 1]. Flow channels are already normalised.
  std::array<float, 3> mean = {0.45f, 0.45f, 0.45f};
  std::array<float, 3> std = {0.225f, 0.225f, 0.225f};
  // Architecture::kDepthAnythingV2 only.
  TransformerSpec transformer;

  // Throws parallax::Error on an inconsistent configuration.
  void Check() const;
  // The smallest step of input sizes the encoder divides evenly.
  int SizeMultiple() const;
};

std::string ToString(Architecture value);
std::string ToString(HeadType value);
std::string ToString(DisparityMode value);
Architecture ParseArchitecture(std::string_view name);
HeadType ParseHeadType(std::string_view name);
DisparityMode ParseDisparityMode(std::string_view name);

void to_json(nlohmann::json& json, const ModelConfig& config);
void from_json(const nlohmann::json& json, ModelConfig& config);

}  // namespace parallax
