// Validation on held-out stereo pairs: the photometric loss of the
// reconstructed views and, where the pairs carry ground truth, disparity
// errors in pixels at the training resolution.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <torch/types.h>

#include "parallax/data/optic_flow.h"
#include "parallax/data/stereo_dataset.h"
#include "parallax/loss/stereo_loss.h"
#include "parallax/model/depth_net.h"

namespace parallax {

class Validator {
 public:
  // Decodes and resizes every pair once (no augmentation).
  Validator(const StereoDataset& dataset, const ModelConfig& config,
            FlowMethod flow);

  // Keys: "photometric", and with ground truth "epe_px", "bad3_percent".
  std::map<std::string, double> Run(DepthNet& net, torch::Device device,
                                    const LossWeights& weights) const;

  size_t size() const { return inputs_.size(); }

 private:
  std::vector<torch::Tensor> inputs_, lefts_, rights_, gts_;  // [1,C,H,W]
};

}  // namespace parallax
