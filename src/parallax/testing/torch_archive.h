// Test helpers for PyTorch files: writes state dicts in torch.save's zip
// format with a small pickler (protocol 2, the opcodes torch.save emits),
// so tests can build good and bad checkpoints without Python; and reads
// float32 .npy arrays of any rank into tensors.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <torch/types.h>

namespace parallax::testing {

struct PickleOptions {
  // Replaces the storage class of every tensor (e.g. "torch\nEvilStorage").
  std::string storage_global_override;
  // Emitted before the dict: a GLOBAL + REDUCE of this "module\nname" pair
  // (how a malicious pickle would call os.system).
  std::string injected_call;
  // Wraps the dict in another one under this key ({"model": {...}}).
  std::string wrap_key;
  // Replaces the size and stride tuples of every tensor (hostile files).
  std::vector<int64_t> size_override, stride_override;
};

// The pickle program of an OrderedDict of `tensors` (float32, float16 or
// int64; contiguous), each with its own storage record "data/<i>".
std::string PickleStateDict(
    const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
    const PickleOptions& options = {});

// A zip archive as torch.save writes it: ARCHIVE/data.pkl, ARCHIVE/data/<i>,
// ARCHIVE/version.
void WriteStateDictArchive(
    const std::filesystem::path& path,
    const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
    const PickleOptions& options = {});

// A little-endian float32 C-order .npy file of any rank.
torch::Tensor ReadNpyTensor(const std::filesystem::path& path);

// ../shared/fixtures/depth-anything-v2 beside the repository, if present.
std::optional<std::filesystem::path> DepthAnythingFixtureDir();

}  // namespace parallax::testing
