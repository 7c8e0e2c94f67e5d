// The Parallax model file (.plx): one self-describing, checksummed file.
//
//   bytes 0..7    magic "PARALLAX"
//   bytes 8..11   format version (uint32, little-endian)
//   bytes 12..19  header size in bytes (uint64, little-endian)
//   header        JSON: {"format_version", "model": {...}, "metadata": {...},
//                        "blobs": [{"name", "dtype", "shape", "offset",
//                                   "size"}]}
//   payload       the blobs, each starting at a 64-byte aligned offset
//   last 8 bytes  FNV-1a 64 checksum of everything before them
//
// It knows nothing of LibTorch: blobs are named byte arrays with a dtype and
// shape. checkpoint.h maps networks and optimiser state onto it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace parallax {

constexpr uint32_t kCheckpointFormatVersion = 1;

struct CheckpointBlob {
  std::string name;
  std::string dtype;  // "float32", "float16", "int64", "bytes"
  std::vector<int64_t> shape;
  std::string data;
};

struct CheckpointFile {
  nlohmann::json model;     // ModelConfig as JSON
  nlohmann::json metadata;  // training step, data, command line, ...
  std::vector<CheckpointBlob> blobs;

  // nullptr when absent.
  const CheckpointBlob* Find(const std::string& name) const;
};

// Serialises to bytes / writes atomically.
std::string EncodeCheckpointFile(const CheckpointFile& file);
void WriteCheckpointFile(const std::filesystem::path& path,
                         const CheckpointFile& file);

// Verifies magic, version, sizes and checksum; every failure is a
// parallax::Error naming `name` and what is wrong (not a Parallax model,
// truncated, corrupt, made by a newer Parallax).
CheckpointFile DecodeCheckpointFile(const std::string& bytes,
                                    const std::string& name);
CheckpointFile ReadCheckpointFile(const std::filesystem::path& path);

uint64_t Fnv1a64(const char* data, size_t size);

}  // namespace parallax
