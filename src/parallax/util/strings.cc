#include "parallax/util/strings.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "parallax/util/check.h"

namespace parallax {

std::vector<std::string> Split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t begin = 0;
  for (;;) {
    const size_t end = text.find(separator, begin);
    parts.emplace_back(text.substr(begin, end - begin));
    if (end == std::string_view::npos) break;
    begin = end + 1;
  }
  return parts;
}

std::string ToLower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return lower;
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.substr(text.size() - suffix.size()) == suffix;
}

double ParseDouble(std::string_view text, std::string_view what) {
  double value = 0;
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    ThrowError("invalid {} '{}': expected a number", what, text);
  }
  return value;
}

int64_t ParseInt(std::string_view text, std::string_view what) {
  int64_t value = 0;
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    ThrowError("invalid {} '{}': expected an integer", what, text);
  }
  return value;
}

std::pair<int, int> ParseSize(std::string_view text, std::string_view what) {
  const std::vector<std::string> parts = Split(ToLower(text), 'x');
  if (parts.size() != 2) {
    ThrowError("invalid {} '{}': expected WxH, e.g. 512x256", what, text);
  }
  const int64_t width = ParseInt(parts[0], what);
  const int64_t height = ParseInt(parts[1], what);
  if (width <= 0 || height <= 0 || width > 65536 || height > 65536) {
    ThrowError("invalid {} '{}': sides must be in 1..65536", what, text);
  }
  return {static_cast<int>(width), static_cast<int>(height)};
}

}  // namespace parallax
