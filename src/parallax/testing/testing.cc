#include "parallax/testing/testing.h"

#include <unistd.h>

#include <cstdlib>
#include <random>

#include <fmt/format.h>

#include "parallax/util/check.h"

namespace parallax::testing {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::random_device random;
  path_ = fs::temp_directory_path() /
          fmt::format("parallax_test_{}_{:x}", ::getpid(), random());
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

fs::path SourceDir() {
  if (const char* dir = std::getenv("PARALLAX_SOURCE_DIR")) return dir;
  return fs::current_path();
}

std::optional<fs::path> SharedStereoDir() {
  if (const char* dir = std::getenv("PARALLAX_SHARED_STEREO")) return dir;
  const fs::path candidate = SourceDir() / ".." / "shared" / "data" / "stereo";
  if (fs::is_directory(candidate)) return fs::canonical(candidate);
  return std::nullopt;
}

std::string ErrorOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace parallax::testing
