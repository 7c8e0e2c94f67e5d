#include "parallax/app/cli/version.h"

#include <fmt/format.h>
#include <torch/version.h>
#include <opencv2/core/version.hpp>

namespace parallax {

const char* const kVersion = PARALLAX_VERSION;

std::string VersionString() {
  return fmt::format("{} (LibTorch {}, OpenCV {})", kVersion, TORCH_VERSION,
                     CV_VERSION);
}

}  // namespace parallax
