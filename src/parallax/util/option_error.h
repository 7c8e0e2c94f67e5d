// Errors about options that each front end words in its own names: the
// command line names flags, the desktop app its controls.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "parallax/util/check.h"

namespace parallax {

// An option with a value the job cannot run with. The message names
// options by their field names, each marked with OptionField(), so that a
// front end shows its own names for them (the command line: its flags,
// app/cli/command_runner.h; the desktop app: its labels). what() reads with
// the bare field names. Only marked words are options: a path that happens
// to hold "layout" stays as it is.
class OptionError : public Error {
 public:
  // `marked` is built with OptionField(): "{} deep3d cannot use {}".
  explicit OptionError(const std::string& marked);
  // The message with each marked field replaced by `name(field)`.
  std::string Render(
      const std::function<std::string(std::string_view field)>& name) const;

 private:
  std::string marked_;
};

// `field` marked for OptionError.
std::string OptionField(std::string_view field);

}  // namespace parallax
