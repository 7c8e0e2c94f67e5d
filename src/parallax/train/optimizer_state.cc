#include "parallax/train/optimizer_state.h"

#include <sstream>

#include <torch/torch.h>

#include "parallax/util/check.h"

namespace parallax {

std::string SerializeOptimizer(torch::optim::Optimizer& optimizer) {
  torch::serialize::OutputArchive archive;
  optimizer.save(archive);
  std::ostringstream stream;
  archive.save_to(stream);
  return stream.str();
}

void DeserializeOptimizer(torch::optim::Optimizer& optimizer,
                          const std::string& bytes, torch::Device device) {
  try {
    std::istringstream stream(bytes);
    torch::serialize::InputArchive archive;
    archive.load_from(stream, device);
    optimizer.load(archive);
  } catch (const c10::Error& e) {
    ThrowError("cannot restore the optimiser state: {}",
               e.what_without_backtrace());
  }
}

}  // namespace parallax
