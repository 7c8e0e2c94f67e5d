#include "parallax/util/option_error.h"

namespace parallax {

namespace {

// Encloses a marked field. A unit separator: no path or value holds one.
constexpr char kFieldMark = '\x1f';

std::string RenderFields(
    const std::string& marked,
    const std::function<std::string(std::string_view)>& name) {
  std::string out;
  size_t at = 0;
  while (at < marked.size()) {
    const size_t open = marked.find(kFieldMark, at);
    const size_t close = open == std::string::npos
                             ? std::string::npos
                             : marked.find(kFieldMark, open + 1);
    if (close == std::string::npos) {
      out.append(marked, at);
      break;
    }
    out.append(marked, at, open - at);
    out += name(std::string_view(marked).substr(open + 1, close - open - 1));
    at = close + 1;
  }
  return out;
}

std::string BareField(std::string_view field) { return std::string(field); }

}  // namespace

OptionError::OptionError(const std::string& marked)
    : Error(RenderFields(marked, BareField)), marked_(marked) {}

std::string OptionError::Render(
    const std::function<std::string(std::string_view)>& name) const {
  return RenderFields(marked_, name);
}

std::string OptionField(std::string_view field) {
  std::string marked(1, kFieldMark);
  marked += field;
  marked += kFieldMark;
  return marked;
}

}  // namespace parallax
