#include "parallax/testing/torch_archive.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

#include <caffe2/serialize/inline_container.h>
#include <torch/torch.h>

#include "parallax/testing/testing.h"
#include "parallax/util/check.h"

namespace parallax::testing {

namespace {

void Int(std::string& out, int64_t value) {
  if (value >= 0 && value < 256) {
    out += 'K';
    out += static_cast<char>(value);
  } else {
    if (value >= INT32_MIN && value <= INT32_MAX) {
      out += 'J';
      const int32_t v = static_cast<int32_t>(value);
      out.append(reinterpret_cast<const char*>(&v), 4);
    } else {
      out += '\x8a';  // LONG1, 8 bytes little-endian
      out += '\x08';
      out.append(reinterpret_cast<const char*>(&value), 8);
    }
  }
}

void Unicode(std::string& out, const std::string& text) {
  out += 'X';
  const uint32_t size = static_cast<uint32_t>(text.size());
  out.append(reinterpret_cast<const char*>(&size), 4);
  out += text;
}

void IntTuple(std::string& out, at::IntArrayRef values) {
  out += '(';
  for (int64_t v : values) Int(out, v);
  out += 't';
}

std::string StorageGlobal(const torch::Tensor& t) {
  switch (t.scalar_type()) {
    case torch::kFloat32:
      return "torch\nFloatStorage";
    case torch::kFloat16:
      return "torch\nHalfStorage";
    case torch::kInt64:
      return "torch\nLongStorage";
    default:
      THROW_CHECK_MSG(false, "unsupported dtype in the test pickler");
  }
}

}  // namespace

std::string PickleStateDict(
    const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
    const PickleOptions& options) {
  std::string out = "\x80\x02";
  if (!options.injected_call.empty()) {
    out += "c" + options.injected_call + "\n";
    out += '(';
    Unicode(out, "echo pwned");
    out += "tR0";  // call, then POP the result
  }
  if (!options.wrap_key.empty()) {
    out += "}(";  // EMPTY_DICT, MARK
    Unicode(out, options.wrap_key);
  }
  out += "ccollections\nOrderedDict\n)R(";
  for (size_t i = 0; i < tensors.size(); ++i) {
    const auto& [key, tensor] = tensors[i];
    Unicode(out, key);
    out += "ctorch._utils\n_rebuild_tensor_v2\n(";
    // Persistent id ('storage', type, key, 'cpu', numel).
    out += '(';
    Unicode(out, "storage");
    out += "c" +
           (options.storage_global_override.empty()
                ? StorageGlobal(tensor)
                : options.storage_global_override) +
           "\n";
    Unicode(out, std::to_string(i));
    Unicode(out, "cpu");
    Int(out, tensor.numel());
    out += "tQ";
    Int(out, 0);
    IntTuple(out, options.size_override.empty()
                      ? tensor.sizes()
                      : at::IntArrayRef(options.size_override));
    IntTuple(out, options.stride_override.empty()
                      ? tensor.strides()
                      : at::IntArrayRef(options.stride_override));
    out += "\x89";  // requires_grad False
    out += "ccollections\nOrderedDict\n)R";
    out += "tR";
  }
  out += 'u';
  if (!options.wrap_key.empty()) out += 'u';
  out += '.';
  return out;
}

void WriteStateDictArchive(
    const std::filesystem::path& path,
    const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
    const PickleOptions& options) {
  caffe2::serialize::PyTorchStreamWriter writer(path.string());
  const std::string pickle = PickleStateDict(tensors, options);
  writer.writeRecord("data.pkl", pickle.data(), pickle.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    const torch::Tensor t = tensors[i].second.contiguous();
    writer.writeRecord("data/" + std::to_string(i), t.data_ptr(),
                       t.numel() * t.element_size());
  }
  writer.writeEndOfFile();
}

torch::Tensor ReadNpyTensor(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = buffer.str();
  THROW_CHECK_MSG(bytes.size() > 10 && bytes.compare(1, 5, "NUMPY") == 0,
                  "{} is not a .npy file", path.string());
  const uint8_t major = static_cast<uint8_t>(bytes[6]);
  size_t header_length = 0, header_start = 0;
  if (major == 1) {
    header_length =
        static_cast<uint8_t>(bytes[8]) | (static_cast<uint8_t>(bytes[9]) << 8);
    header_start = 10;
  } else {
    uint32_t length;
    std::memcpy(&length, bytes.data() + 8, 4);
    header_length = length;
    header_start = 12;
  }
  const std::string header = bytes.substr(header_start, header_length);
  THROW_CHECK_MSG(
      header.find("'<f4'") != std::string::npos &&
          header.find("'fortran_order': False") != std::string::npos,
      "{}: only little-endian float32 C-order arrays", path.string());
  std::smatch match;
  THROW_CHECK(std::regex_search(header, match,
                                std::regex("'shape': \\(([0-9, ]*)\\)")));
  std::vector<int64_t> shape;
  std::stringstream dims(match[1].str());
  std::string item;
  while (std::getline(dims, item, ',')) {
    if (item.find_first_not_of(' ') != std::string::npos) {
      shape.push_back(std::stoll(item));
    }
  }
  torch::Tensor out = torch::empty(shape, torch::kFloat32);
  const size_t data_start = header_start + header_length;
  THROW_CHECK_EQ(bytes.size() - data_start, out.numel() * sizeof(float));
  std::memcpy(out.data_ptr<float>(), bytes.data() + data_start,
              out.numel() * sizeof(float));
  return out;
}

std::optional<std::filesystem::path> DepthAnythingFixtureDir() {
  if (const char* dir = std::getenv("PARALLAX_DA2_FIXTURES")) return dir;
  const std::filesystem::path candidate =
      SourceDir() / ".." / "shared" / "fixtures" / "depth-anything-v2";
  if (std::filesystem::is_directory(candidate)) {
    return std::filesystem::canonical(candidate);
  }
  return std::nullopt;
}

}  // namespace parallax::testing
