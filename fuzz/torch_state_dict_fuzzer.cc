// Fuzzes the PyTorch checkpoint reader (src/parallax/model/torch_state_dict.h)
// and the Depth Anything recogniser on its output (depth_anything_file.h).
//
// Two ways in, chosen by the input itself so that one corpus covers both:
//  - inputs that start like a zip archive ("PK") are written to a file and
//    read with ReadTorchStateDict: the zip directory, record CRCs and the
//    pickle of a real archive;
//  - anything else is taken as the `data.pkl` program alone and run through
//    ParseStateDictPickle, the restricted pickle VM, with every storage
//    record ("data/0", ...) answered by the same 4 KiB of bytes. Mutating a
//    bare pickle reaches far more of the VM than mutating it inside a zip
//    whose CRCs then fail.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>

#include "parallax/model/depth_anything_file.h"
#include "parallax/model/torch_state_dict.h"

namespace {

const std::filesystem::path& TempPath() {
  static const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("parallax_state_dict_fuzzer_" + std::to_string(getpid()) + ".pth");
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  parallax::StateDict weights;
  try {
    if (bytes.size() >= 2 && bytes[0] == 'P' && bytes[1] == 'K') {
      {
        std::ofstream out(TempPath(), std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      }
      weights = parallax::ReadTorchStateDict(TempPath());
    } else {
      static const std::string kRecord(4096, '\x3f');
      weights = parallax::ParseStateDictPickle(
          bytes, [](const std::string&) { return kRecord; }, "fuzz.pkl");
    }
  } catch (const std::exception&) {
    return 0;
  }
  try {
    (void)parallax::RecogniseDepthAnything(weights, "fuzz.pth");
  } catch (const std::exception&) {
  }
  return 0;
}
