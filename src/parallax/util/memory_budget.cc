#include "parallax/util/memory_budget.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "parallax/util/check.h"

namespace parallax {

std::optional<int64_t> ParseByteSize(std::string_view text) {
  if (text.empty()) return std::nullopt;
  size_t digits = 0;
  while (digits < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[digits])) ||
          text[digits] == '.')) {
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  char* end = nullptr;
  const std::string number(text.substr(0, digits));
  const double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size()) return std::nullopt;
  std::string_view unit = text.substr(digits);
  if (!unit.empty() && (unit.back() == 'B' || unit.back() == 'b')) {
    unit.remove_suffix(1);
  }
  if (!unit.empty() && (unit.back() == 'i')) unit.remove_suffix(1);
  double scale = 1;
  if (unit.size() > 1) return std::nullopt;
  if (unit.size() == 1) {
    switch (std::tolower(static_cast<unsigned char>(unit[0]))) {
      case 'k':
        scale = 1024.0;
        break;
      case 'm':
        scale = 1024.0 * 1024;
        break;
      case 'g':
        scale = 1024.0 * 1024 * 1024;
        break;
      case 't':
        scale = 1024.0 * 1024 * 1024 * 1024;
        break;
      default:
        return std::nullopt;
    }
  }
  const double bytes = value * scale;
  if (!(bytes >= 1) || bytes > 9e18) return std::nullopt;
  return static_cast<int64_t>(bytes);
}

std::string FormatBytes(int64_t bytes) {
  const double gib = static_cast<double>(bytes) / (int64_t{1} << 30);
  if (gib >= 1) return fmt::format("{:.1f} GiB", gib);
  return fmt::format("{:.0f} MiB",
                     static_cast<double>(bytes) / (int64_t{1} << 20));
}

int64_t MemoryBudget() {
  const char* text = std::getenv("PARALLAX_MEMORY_BUDGET");
  if (text == nullptr || *text == '\0') return kDefaultMemoryBudget;
  const std::optional<int64_t> bytes = ParseByteSize(text);
  if (!bytes) {
    ThrowError(
        "PARALLAX_MEMORY_BUDGET={}: give a size such as 8G, 512M or a number "
        "of bytes",
        text);
  }
  return *bytes;
}

int64_t MaxPixelsWithinBudget(double bytes_per_pixel, int64_t fixed_bytes) {
  THROW_CHECK_GT(bytes_per_pixel, 0.0);
  const double room = static_cast<double>(MemoryBudget() - fixed_bytes);
  if (room <= 0) return 0;
  return static_cast<int64_t>(room / bytes_per_pixel);
}

void CheckMemoryBudget(const std::string& name, int64_t width, int64_t height,
                       double bytes_per_pixel, int64_t fixed_bytes,
                       std::string_view job) {
  const double pixels =
      static_cast<double>(width) * static_cast<double>(height);
  const double need =
      pixels * bytes_per_pixel + static_cast<double>(fixed_bytes);
  const int64_t budget = MemoryBudget();
  if (need <= static_cast<double>(budget)) return;
  // Suggest a round number of GiB that would suffice.
  const int64_t suggest_gib =
      static_cast<int64_t>(std::ceil(need / (int64_t{1} << 30))) + 1;
  ThrowError(
      "{}: {}x{} ({:.0f} Mpx) needs about {} for {}, over the {} memory "
      "budget (set PARALLAX_MEMORY_BUDGET={}G to allow it, or give a smaller "
      "image)",
      name, width, height, pixels / 1e6,
      FormatBytes(static_cast<int64_t>(std::min(need, 9e18))), job,
      FormatBytes(budget), suggest_gib);
}

}  // namespace parallax
