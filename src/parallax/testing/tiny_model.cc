#include "parallax/testing/tiny_model.h"

#include <torch/torch.h>

#include "parallax/model/checkpoint.h"
#include "parallax/model/depth_net.h"

namespace parallax::testing {

std::filesystem::path SaveTinyModel(const std::filesystem::path& path,
                                    const TinyModelOptions& options) {
  ModelConfig config;
  config.width = 0.125;
  config.input_channels = options.input_channels;
  config.head = options.head;
  config.train_width = options.train_width;
  config.train_height = options.train_height;
  torch::manual_seed(options.seed);
  DepthNet net(config);
  SaveModel(path, net);
  return path;
}

}  // namespace parallax::testing
