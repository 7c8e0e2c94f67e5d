#include "parallax/io/video_position.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {
namespace {

[[noreturn]] void ThrowBadPosition(std::string_view text) {
  ThrowError(
      "invalid video position '{}': expected a frame number (120), seconds "
      "(12.5s) or [h:]mm:ss[.fff] (1:02.5)",
      text);
}

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
}

// Non-negative decimal without sign or exponent: from_chars alone would
// accept "1e3", "inf" and "-0".
bool ParseDecimal(std::string_view text, double* value) {
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  if (!AllDigits(whole)) return false;
  if (dot != std::string_view::npos && !AllDigits(text.substr(dot + 1))) {
    return false;
  }
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), *value);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string VideoPosition::ToString() const {
  return frame ? fmt::format("frame {}", *frame)
               : fmt::format("{:.3f} s", seconds);
}

VideoPosition ParseVideoPosition(std::string_view text) {
  if (AllDigits(text)) {
    int64_t frame = 0;
    const auto [end, ec] =
        std::from_chars(text.data(), text.data() + text.size(), frame);
    if (ec != std::errc() || end != text.data() + text.size()) {
      ThrowBadPosition(text);
    }
    return VideoPosition::Frame(frame);
  }
  double seconds = 0;
  if (text.size() > 1 && text.back() == 's') {
    if (!ParseDecimal(text.substr(0, text.size() - 1), &seconds)) {
      ThrowBadPosition(text);
    }
    return VideoPosition::Seconds(seconds);
  }
  const std::vector<std::string> parts = Split(text, ':');
  if (parts.size() < 2 || parts.size() > 3) ThrowBadPosition(text);
  // Leading field unbounded ("90:00" is 90 minutes); the rest below 60.
  double total = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const bool last = i + 1 == parts.size();
    double value = 0;
    if (last ? !ParseDecimal(parts[i], &value) : !AllDigits(parts[i])) {
      ThrowBadPosition(text);
    }
    if (!last) value = static_cast<double>(ParseInt(parts[i], "position"));
    if (i > 0 && value >= 60) ThrowBadPosition(text);
    total = total * 60 + value;
  }
  if (!std::isfinite(total)) ThrowBadPosition(text);
  return VideoPosition::Seconds(total);
}

}  // namespace parallax
