// What a loaded network does for a Predictor (predictor.h). The LibTorch
// implementation lives in the network module (network_module.h), which the
// process loads only when a network is first needed, so that commands that
// run none (a refocus with a given depth map, compositing, matching) start
// without loading LibTorch.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "parallax/infer/predictor.h"

namespace parallax {

class PredictorBackend {
 public:
  virtual ~PredictorBackend() = default;
  virtual const ModelConfig& config() const = 0;
  virtual const PredictorModelInfo& model_info() const = 0;
  virtual const PredictorOptions& options() const = 0;
  virtual std::string device() const = 0;
  virtual std::string Describe(const std::string& model_path) const = 0;
  virtual NetworkGeometry Geometry(cv::Size input) const = 0;
  virtual std::vector<DepthPrediction> PredictBatch(
      const std::vector<PredictorInput>& inputs) = 0;
};

// Loads `model` on the device the options name; throws parallax::Error.
using PredictorFactory = std::unique_ptr<PredictorBackend> (*)(
    const std::filesystem::path& model, const PredictorOptions& options);

}  // namespace parallax
