// Exponential moving average of a network's weights (Polyak averaging), kept
// beside the trained network. Short fine-tuning runs at a constant rate
// wander: one checkpoint can order a scene near-to-far and the next,
// 250 steps on, far-to-near. The average over the last ~1/(1 - decay)
// steps sits between those swings and is the model worth saving.
#pragma once

#include <cstdint>
#include <string>

#include <torch/types.h>

#include "parallax/model/depth_net.h"

namespace parallax {

class WeightAverage {
 public:
  // Starts as a copy of `net`'s weights, on its device. `decay` in [0, 1).
  WeightAverage(const DepthNet& net, double decay);

  // Folds in the weights after one optimiser step. The k-th update uses
  // min(decay, (1 + k) / (10 + k)), so the starting weights are forgotten
  // within tens of steps rather than thousands.
  void Update(const DepthNet& net);

  // The averaged weights as a network of the same configuration.
  DepthNet& averaged() { return averaged_; }
  int64_t updates() const { return updates_; }
  // Rate used by update number `k` (1-based).
  static double DecayAt(double decay, int64_t k);

  // To and from bytes (LibTorch archive) for training checkpoints, so a
  // resumed run continues the same average. Deserialize throws
  // parallax::Error when the bytes do not fit this network.
  std::string Serialize() const;
  void Deserialize(const std::string& bytes);

 private:
  double decay_;
  int64_t updates_ = 0;
  torch::Device device_;
  DepthNet averaged_{nullptr};
};

}  // namespace parallax
