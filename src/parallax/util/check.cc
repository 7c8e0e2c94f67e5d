#include "parallax/util/check.h"

#include <filesystem>

namespace parallax::internal {

void ThrowCheckFailure(const char* file, int line, const char* condition,
                       const std::string& message) {
  const std::string base = std::filesystem::path(file).filename().string();
  std::string what =
      fmt::format("{}:{}: check failed: {}", base, line, condition);
  if (!message.empty()) what += " (" + message + ")";
  throw std::logic_error(what);
}

}  // namespace parallax::internal
