// Where the shared stereo data is, for benchmarks that read it: the folder
// PARALLAX_SHARED_STEREO names, else ../shared/data/stereo beside the source
// tree. Header-only: benchmarks are built without the test libraries.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <optional>

namespace parallax::testing {

// Its train/ folder, or none when there is none.
inline std::optional<std::filesystem::path> SharedStereoTrainDir(
    const std::filesystem::path& source_dir) {
  if (const char* dir = std::getenv("PARALLAX_SHARED_STEREO")) {
    return std::filesystem::path(dir) / "train";
  }
  const std::filesystem::path candidate =
      source_dir / ".." / "shared" / "data" / "stereo" / "train";
  if (std::filesystem::is_directory(candidate)) return candidate;
  return std::nullopt;
}

}  // namespace parallax::testing
