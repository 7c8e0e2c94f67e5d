#include "parallax/model/checkpoint.h"

#include <cstring>

#include <torch/cuda.h>
#include <torch/torch.h>

#include "parallax/model/checkpoint_file.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

constexpr char kWeightPrefix[] = "weights/";
constexpr char kOptimizerBlob[] = "state/optimizer";
constexpr char kTrainerBlob[] = "state/trainer";
constexpr char kAveragedBlob[] = "state/averaged_weights";

CheckpointBlob TensorToBlob(const std::string& name, const torch::Tensor& t,
                            bool fp16) {
  torch::Tensor cpu = t.detach().to(torch::kCPU).contiguous();
  cpu = fp16 && cpu.is_floating_point() ? cpu.to(torch::kFloat16)
                                        : cpu.to(torch::kFloat32);
  CheckpointBlob blob;
  blob.name = name;
  blob.dtype = cpu.scalar_type() == torch::kFloat16 ? "float16" : "float32";
  blob.shape.assign(cpu.sizes().begin(), cpu.sizes().end());
  blob.data.assign(static_cast<const char*>(cpu.data_ptr()),
                   cpu.numel() * cpu.element_size());
  return blob;
}

CheckpointBlob BytesBlob(const std::string& name, const std::string& bytes) {
  CheckpointBlob blob;
  blob.name = name;
  blob.dtype = "bytes";
  blob.shape = {static_cast<int64_t>(bytes.size())};
  blob.data = bytes;
  return blob;
}

// `blob`'s shape has been checked against the network's weight.
torch::Tensor BlobToTensor(const CheckpointBlob& blob,
                           const std::string& path) {
  // Only the dtypes SaveModel writes: any other ("bytes", "int64", ...) has
  // its own element size, and copying it into a float tensor of this shape
  // wrote past the end of the tensor.
  if (blob.dtype != "float32" && blob.dtype != "float16") {
    ThrowError(
        "cannot load model '{}': weight '{}' is stored as {}, not float32 or "
        "float16",
        path, blob.name, blob.dtype);
  }
  const auto dtype =
      blob.dtype == "float16" ? torch::kFloat16 : torch::kFloat32;
  torch::Tensor t = torch::empty(blob.shape, torch::TensorOptions(dtype));
  if (blob.data.size() != t.nbytes()) {
    ThrowError("cannot load model '{}': weight '{}' has {} bytes, expected {}",
               path, blob.name, blob.data.size(), t.nbytes());
  }
  std::memcpy(t.data_ptr(), blob.data.data(), blob.data.size());
  t = t.to(torch::kFloat32);
  // A diverged training run saves NaN weights; they load "fine" and give
  // NaN depth for every image, so they are refused here.
  if (!torch::isfinite(t).all().item<bool>()) {
    ThrowError(
        "cannot load model '{}': weight '{}' has NaN or infinite values (a "
        "damaged file, or a training run that diverged)",
        path, blob.name);
  }
  return t;
}

}  // namespace

void SaveModel(const std::filesystem::path& path, DepthNet& net,
               const SaveModelOptions& options) {
  CheckpointFile file;
  file.model = net->config();
  file.metadata = options.metadata;
  file.metadata["parameters"] = net->NumParameters();
  for (const auto& item : net->named_parameters(/*recurse=*/true)) {
    file.blobs.push_back(
        TensorToBlob(kWeightPrefix + item.key(), item.value(), options.fp16));
  }
  if (!options.optimizer_state.empty()) {
    file.blobs.push_back(BytesBlob(kOptimizerBlob, options.optimizer_state));
  }
  if (!options.trainer_state.empty()) {
    file.blobs.push_back(BytesBlob(kTrainerBlob, options.trainer_state));
  }
  if (!options.averaged_state.empty()) {
    file.blobs.push_back(BytesBlob(kAveragedBlob, options.averaged_state));
  }
  WriteCheckpointFile(path, file);
}

LoadedModel LoadModel(const std::filesystem::path& path, torch::Device device) {
  CheckpointFile file = ReadCheckpointFile(path);
  LoadedModel loaded;
  try {
    loaded.config = file.model.get<ModelConfig>();
  } catch (const Error& e) {
    ThrowError("cannot load model '{}': {}", path.string(), e.what());
  }
  loaded.metadata = file.metadata;
  loaded.net = DepthNet(loaded.config);
  torch::NoGradGuard no_grad;
  size_t matched = 0;
  for (auto& item : loaded.net->named_parameters(/*recurse=*/true)) {
    const CheckpointBlob* blob = file.Find(kWeightPrefix + item.key());
    if (!blob) {
      ThrowError("cannot load model '{}': weight '{}' is missing",
                 path.string(), item.key());
    }
    if (blob->shape != std::vector<int64_t>(item.value().sizes().begin(),
                                            item.value().sizes().end())) {
      ThrowError(
          "cannot load model '{}': weight '{}' has shape [{}], the "
          "network expects [{}]",
          path.string(), item.key(), fmt::join(blob->shape, ","),
          fmt::join(item.value().sizes(), ","));
    }
    item.value().copy_(BlobToTensor(*blob, path.string()));
    ++matched;
  }
  size_t weights_in_file = 0;
  for (const CheckpointBlob& blob : file.blobs) {
    if (blob.name.rfind(kWeightPrefix, 0) == 0) ++weights_in_file;
    if (blob.name == kOptimizerBlob) loaded.optimizer_state = blob.data;
    if (blob.name == kTrainerBlob) loaded.trainer_state = blob.data;
    if (blob.name == kAveragedBlob) loaded.averaged_state = blob.data;
  }
  if (weights_in_file != matched) {
    ThrowError(
        "cannot load model '{}': it has {} weights, the network it "
        "describes has {}",
        path.string(), weights_in_file, matched);
  }
  loaded.net->to(device);
  loaded.net->eval();
  return loaded;
}

torch::Device ResolveDevice(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  if (name == "auto") {
    return torch::cuda::is_available() ? torch::Device(torch::kCUDA)
                                       : torch::Device(torch::kCPU);
  }
  if (name.rfind("cuda", 0) == 0) {
    if (!torch::cuda::is_available()) {
      ThrowError(
          "--device {}: CUDA is not available (this LibTorch build "
          "has no CUDA support or no GPU is visible); use --device "
          "cpu or auto",
          name);
    }
    try {
      return torch::Device(name);
    } catch (const c10::Error&) {
      ThrowError("invalid --device '{}' (auto, cpu, cuda, cuda:N)", name);
    }
  }
  ThrowError("invalid --device '{}' (auto, cpu, cuda, cuda:N)", name);
}

}  // namespace parallax
