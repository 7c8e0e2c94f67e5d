// Data-parallel training across processes (and machines, and GPUs) with
// LibTorch's c10d over Gloo: every rank trains on its own stream of samples,
// gradients are averaged with one allreduce per step, so the weights stay
// identical on every rank. Rank 0 writes checkpoints, the model and the log.
//
// Start one `parallax train` per rank with the same flags plus
//   --world-size N --rank R --master HOST:PORT
// (or the WORLD_SIZE, RANK, MASTER_ADDR, MASTER_PORT variables torchrun
// sets). The run folder must be shared by the ranks for --resume.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <torch/types.h>

namespace c10d {
class ProcessGroup;
}  // namespace c10d

namespace parallax {

struct DistributedOptions {
  int world_size = 1;
  int rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;

  bool enabled() const { return world_size > 1; }
  void Check() const;
};

class ProcessGroup {
 public:
  // Blocks until all ranks have joined (or the timeout passes, with an
  // error naming the master address).
  explicit ProcessGroup(const DistributedOptions& options);
  ~ProcessGroup();

  // Averages every parameter's gradient across ranks (one flat allreduce).
  void AverageGradients(const std::vector<torch::Tensor>& parameters);
  // Copies rank 0's parameters to every rank.
  void Broadcast(const std::vector<torch::Tensor>& parameters);
  // True on every rank if it is true on any: how a Ctrl-C on one rank
  // stops all of them at the same step.
  bool AnyRank(bool value);

  int rank() const { return options_.rank; }
  int world_size() const { return options_.world_size; }

 private:
  DistributedOptions options_;
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace parallax
