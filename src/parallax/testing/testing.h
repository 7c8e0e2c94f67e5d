// Helpers shared by the unit tests.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace parallax::testing {

// A fresh, empty folder under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const {
    return path_ / name;
  }

 private:
  std::filesystem::path path_;
};

// The repository root (CTest sets PARALLAX_SOURCE_DIR).
std::filesystem::path SourceDir();
// ../shared/data/stereo beside the repository, if present (it is in CI).
std::optional<std::filesystem::path> SharedStereoDir();

// The message of the parallax::Error that `action` throws, or "no error".
std::string ErrorOf(const std::function<void()>& action);

}  // namespace parallax::testing
