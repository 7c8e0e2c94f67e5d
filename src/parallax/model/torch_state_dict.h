// Reading PyTorch state dicts as `torch.save(model.state_dict(), path)`
// writes them (PyTorch >= 1.6: a zip archive holding `data.pkl`, a pickled
// collections.OrderedDict of tensors, and one record per storage).
//
// LibTorch's own torch::pickle_load turns an OrderedDict into None, so the
// archive is read with caffe2's PyTorchStreamReader and the pickle by a
// small virtual machine that knows only what a state dict contains: dicts,
// tuples, lists, strings, numbers, and the globals collections.OrderedDict,
// torch._utils._rebuild_tensor_v2 / _rebuild_parameter and the storage
// types. Any other global is refused before anything is built, so a file
// can never make this reader run code.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <torch/types.h>

namespace parallax {

// Keys in file order, with their tensors (float32, float16, bfloat16,
// float64 or integer, on the CPU, as stored).
struct StateDict {
  std::vector<std::pair<std::string, torch::Tensor>> entries;

  // nullptr when absent.
  const torch::Tensor* Find(const std::string& key) const;
  bool Contains(const std::string& key) const { return Find(key) != nullptr; }
  size_t size() const { return entries.size(); }
};

// Throws parallax::Error naming the file for anything that is not a readable
// state dict: not a zip archive, truncated or corrupt records, a pickle that
// is damaged or refers to globals a state dict never needs, a top-level
// object that is not a dict of tensors, tensors that reach past their
// storage.
StateDict ReadTorchStateDict(const std::filesystem::path& path);

// The pickle program alone (`data.pkl`), with `read_record` returning the
// bytes of a storage record ("data/0", ...). Exposed for tests that feed
// hand-made programs; `name` is used in error messages.
StateDict ParseStateDictPickle(
    const std::string& pickle,
    const std::function<std::string(const std::string& record)>& read_record,
    const std::string& name);

}  // namespace parallax
