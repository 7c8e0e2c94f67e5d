// Fuzzes the Parallax model file reader (src/parallax/model/checkpoint_file.h
// and checkpoint.h): the container (magic, version, header JSON, blob table),
// the ModelConfig it describes and LoadModel, which builds that network and
// copies the blobs into it.
//
// The last 8 bytes of a .plx are an FNV-1a checksum of the rest; a mutated
// input would almost never match it and the fuzzer would never get past the
// check. So the target rewrites the checksum of every input: what it fuzzes
// is everything behind the checksum. The checksum check itself is trivial
// and covered by checkpoint_file_test.
//
// The shipped models are megabytes; scripts/fuzz gets a small valid seed
// from this binary: PARALLAX_FUZZ_WRITE_SEED=out.plx writes one (a ResNet18
// at 1/16 width, float16) and exits.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>

#include "parallax/model/checkpoint.h"
#include "parallax/model/checkpoint_file.h"

namespace {

// LoadModel reads a path; one file per process, rewritten for every input.
const std::filesystem::path& TempPath() {
  static const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("parallax_checkpoint_fuzzer_" + std::to_string(getpid()) + ".plx");
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  if (const char* seed = std::getenv("PARALLAX_FUZZ_WRITE_SEED")) {
    parallax::ModelConfig config;
    config.width = 1.0 / 16;
    parallax::DepthNet net(config);
    parallax::SaveModelOptions options;
    options.fp16 = true;
    options.metadata = {{"purpose", "fuzzing seed"}};
    parallax::SaveModel(seed, net, options);
    std::exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.size() >= 8) {
    const uint64_t checksum = parallax::Fnv1a64(bytes.data(), bytes.size() - 8);
    for (size_t i = 0; i < 8; ++i) {
      bytes[bytes.size() - 8 + i] = static_cast<char>((checksum >> (8 * i)));
    }
  }
  try {
    (void)parallax::DecodeCheckpointFile(bytes, "fuzz.plx");
  } catch (const std::exception&) {
    return 0;  // LoadModel would fail the same way: save the file write
  }
  {
    std::ofstream out(TempPath(), std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  try {
    (void)parallax::LoadModel(TempPath());
  } catch (const std::exception&) {
  }
  return 0;
}
