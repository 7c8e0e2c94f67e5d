#include "parallax/train/distributed.h"

#include <chrono>

#include <torch/torch.h>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "parallax/util/check.h"

namespace parallax {

void DistributedOptions::Check() const {
  if (world_size < 1) ThrowError("--world-size must be >= 1");
  if (rank < 0 || rank >= world_size) {
    ThrowError("--rank must be in 0..{} for --world-size {}", world_size - 1,
               world_size);
  }
  if (master_port < 1 || master_port > 65535) {
    ThrowError("invalid master port {}", master_port);
  }
}

struct ProcessGroup::State {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

ProcessGroup::ProcessGroup(const DistributedOptions& options)
    : options_(options), state_(std::make_unique<State>()) {
  options_.Check();
  constexpr auto kTimeout = std::chrono::minutes(5);
  try {
    c10d::TCPStoreOptions store_options;
    store_options.port = static_cast<uint16_t>(options_.master_port);
    store_options.isServer = options_.rank == 0;
    store_options.numWorkers = options_.world_size;
    store_options.waitWorkers = true;
    store_options.timeout = kTimeout;
    state_->store = c10::make_intrusive<c10d::TCPStore>(options_.master_addr,
                                                        store_options);
    auto group_options = c10d::ProcessGroupGloo::Options::create(kTimeout);
    group_options->devices.push_back(
        options_.master_addr == "127.0.0.1" ||
                options_.master_addr == "localhost"
            ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
            : c10d::ProcessGroupGloo::createDefaultDevice());
    group_options->threads = 2;
    state_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(
        state_->store, options_.rank, options_.world_size, group_options);
  } catch (const std::exception& e) {
    ThrowError("rank {} of {} could not join the group at {}:{}: {}",
               options_.rank, options_.world_size, options_.master_addr,
               options_.master_port, e.what());
  }
}

ProcessGroup::~ProcessGroup() = default;

void ProcessGroup::AverageGradients(
    const std::vector<torch::Tensor>& parameters) {
  std::vector<torch::Tensor> grads;
  for (const torch::Tensor& p : parameters) {
    if (p.grad().defined()) grads.push_back(p.grad().reshape({-1}));
  }
  if (grads.empty()) return;
  std::vector<torch::Tensor> flat = {torch::cat(grads)};
  state_->group->allreduce(flat)->wait();
  flat[0].div_(options_.world_size);
  int64_t offset = 0;
  torch::NoGradGuard no_grad;
  for (const torch::Tensor& p : parameters) {
    if (!p.grad().defined()) continue;
    const int64_t n = p.grad().numel();
    p.grad().copy_(flat[0].narrow(0, offset, n).view_as(p.grad()));
    offset += n;
  }
}

void ProcessGroup::Broadcast(const std::vector<torch::Tensor>& parameters) {
  torch::NoGradGuard no_grad;
  for (const torch::Tensor& p : parameters) {
    std::vector<torch::Tensor> one = {p.detach().contiguous()};
    state_->group->broadcast(one)->wait();
    p.copy_(one[0]);
  }
}

bool ProcessGroup::AnyRank(bool value) {
  std::vector<torch::Tensor> flag = {torch::full({1}, value ? 1.0f : 0.0f)};
  c10d::AllreduceOptions max;
  max.reduceOp = c10d::ReduceOp::MAX;
  state_->group->allreduce(flag, max)->wait();
  return flag[0].item<float>() > 0;
}

}  // namespace parallax
