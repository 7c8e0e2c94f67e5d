#include "parallax/model/checkpoint_file.h"

#include <cstring>
#include <limits>

#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

constexpr char kMagic[8] = {'P', 'A', 'R', 'A', 'L', 'L', 'A', 'X'};
constexpr size_t kAlignment = 64;
constexpr size_t kFixedHeader = 8 + 4 + 8;

template <typename T>
void AppendLittleEndian(std::string& out, T value) {
  for (size_t i = 0; i < sizeof(T); ++i) {
    out.push_back(
        static_cast<char>((static_cast<uint64_t>(value) >> (8 * i)) & 0xff));
  }
}

template <typename T>
T ReadLittleEndian(const char* data) {
  uint64_t value = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    value |= static_cast<uint64_t>(static_cast<unsigned char>(data[i]))
             << (8 * i);
  }
  return static_cast<T>(value);
}

size_t AlignUp(size_t value) {
  return (value + kAlignment - 1) / kAlignment * kAlignment;
}

int64_t DtypeSize(const std::string& dtype) {
  if (dtype == "float32") return 4;
  if (dtype == "float16") return 2;
  if (dtype == "int64") return 8;
  if (dtype == "bytes" || dtype == "uint8") return 1;
  return -1;
}

[[noreturn]] void Fail(const std::string& name, const std::string& why) {
  ThrowError("cannot load model '{}': {}", name, why);
}

}  // namespace

uint64_t Fnv1a64(const char* data, size_t size) {
  uint64_t hash = 14695981039346656037ull;
  for (size_t i = 0; i < size; ++i) {
    hash ^= static_cast<unsigned char>(data[i]);
    hash *= 1099511628211ull;
  }
  return hash;
}

const CheckpointBlob* CheckpointFile::Find(const std::string& name) const {
  for (const CheckpointBlob& blob : blobs) {
    if (blob.name == name) return &blob;
  }
  return nullptr;
}

std::string EncodeCheckpointFile(const CheckpointFile& file) {
  nlohmann::json header;
  header["format_version"] = kCheckpointFormatVersion;
  header["model"] = file.model;
  header["metadata"] = file.metadata;
  header["blobs"] = nlohmann::json::array();
  size_t offset = 0;
  for (const CheckpointBlob& blob : file.blobs) {
    header["blobs"].push_back({{"name", blob.name},
                               {"dtype", blob.dtype},
                               {"shape", blob.shape},
                               {"offset", offset},
                               {"size", blob.data.size()}});
    offset = AlignUp(offset + blob.data.size());
  }
  const std::string header_text = header.dump();
  std::string out(kMagic, sizeof(kMagic));
  AppendLittleEndian<uint32_t>(out, kCheckpointFormatVersion);
  AppendLittleEndian<uint64_t>(out, header_text.size());
  out += header_text;
  out.resize(AlignUp(out.size()), '\0');
  const size_t payload_start = out.size();
  for (const CheckpointBlob& blob : file.blobs) {
    out.resize(payload_start + AlignUp(out.size() - payload_start), '\0');
    out += blob.data;
  }
  AppendLittleEndian<uint64_t>(out, Fnv1a64(out.data(), out.size()));
  return out;
}

void WriteCheckpointFile(const std::filesystem::path& path,
                         const CheckpointFile& file) {
  WriteFileAtomic(path, EncodeCheckpointFile(file));
}

CheckpointFile DecodeCheckpointFile(const std::string& bytes,
                                    const std::string& name) {
  if (bytes.size() < sizeof(kMagic) ||
      std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    Fail(name, "not a Parallax model file (bad magic bytes)");
  }
  if (bytes.size() < kFixedHeader + 8) Fail(name, "file is truncated");
  const uint32_t version = ReadLittleEndian<uint32_t>(bytes.data() + 8);
  if (version > kCheckpointFormatVersion) {
    Fail(name,
         fmt::format("format version {} is newer than this Parallax reads "
                     "({}); update Parallax",
                     version, kCheckpointFormatVersion));
  }
  const uint64_t header_size = ReadLittleEndian<uint64_t>(bytes.data() + 12);
  if (header_size > bytes.size() - kFixedHeader - 8)
    Fail(name, "file is truncated");
  const uint64_t stored_checksum =
      ReadLittleEndian<uint64_t>(bytes.data() + bytes.size() - 8);
  if (Fnv1a64(bytes.data(), bytes.size() - 8) != stored_checksum) {
    Fail(name, "checksum mismatch: the file is truncated or corrupt");
  }
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(bytes.substr(kFixedHeader, header_size));
  } catch (const nlohmann::json::exception& e) {
    Fail(name, std::string("corrupt header: ") + e.what());
  }
  CheckpointFile file;
  const size_t payload_start = AlignUp(kFixedHeader + header_size);
  const size_t payload_end = bytes.size() - 8;
  try {
    file.model = header.at("model");
    file.metadata = header.value("metadata", nlohmann::json::object());
    for (const nlohmann::json& entry : header.at("blobs")) {
      CheckpointBlob blob;
      blob.name = entry.at("name").get<std::string>();
      blob.dtype = entry.at("dtype").get<std::string>();
      // Not get<int64_t>(): nlohmann converts a JSON float to an integer
      // with a plain cast, undefined for one out of range (a header saying
      // 2e+120; found by fuzz/checkpoint_fuzzer). Sizes must be integers.
      const nlohmann::json& shape = entry.at("shape");
      if (!shape.is_array()) {
        Fail(name, "blob '" + blob.name + "' has no shape");
      }
      for (const nlohmann::json& d : shape) {
        if (!d.is_number_integer() ||
            (d.is_number_unsigned() &&
             d.get<uint64_t>() >
                 static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))) {
          Fail(name, "blob '" + blob.name + "' has an absurd shape");
        }
        blob.shape.push_back(d.get<int64_t>());
      }
      const auto unsigned_field = [&](const char* key) {
        const nlohmann::json& value = entry.at(key);
        if (!value.is_number_unsigned()) {
          Fail(name, "blob '" + blob.name + "' has an invalid " + key);
        }
        return value.get<uint64_t>();
      };
      const uint64_t offset = unsigned_field("offset");
      const uint64_t size = unsigned_field("size");
      const int64_t element_size = DtypeSize(blob.dtype);
      if (element_size < 0) Fail(name, "unknown dtype '" + blob.dtype + "'");
      // Shapes, offsets and sizes come from the file: every product and
      // sum below is checked so that none can wrap around (a wrapped size
      // or offset passed the checks and pointed anywhere).
      int64_t elements = 1;
      for (int64_t d : blob.shape) {
        if (d < 0) Fail(name, "negative shape in blob '" + blob.name + "'");
        if (d != 0 &&
            elements > std::numeric_limits<int64_t>::max() / element_size / d) {
          Fail(name, "blob '" + blob.name + "' has an absurd shape");
        }
        elements *= d;
      }
      if (blob.dtype != "bytes" &&
          static_cast<uint64_t>(elements * element_size) != size) {
        Fail(name, "blob '" + blob.name + "' has the wrong size for its shape");
      }
      if (payload_start > payload_end || offset > payload_end - payload_start ||
          size > payload_end - payload_start - offset) {
        Fail(name, "blob '" + blob.name + "' lies outside the file");
      }
      blob.data = bytes.substr(payload_start + offset, size);
      file.blobs.push_back(std::move(blob));
    }
  } catch (const nlohmann::json::exception& e) {
    Fail(name, std::string("corrupt header: ") + e.what());
  }
  return file;
}

CheckpointFile ReadCheckpointFile(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) {
    ThrowError("cannot load model '{}': no such file", path.string());
  }
  const std::vector<char> bytes = ReadFileBytes(path);
  return DecodeCheckpointFile(std::string(bytes.begin(), bytes.end()),
                              path.string());
}

}  // namespace parallax
