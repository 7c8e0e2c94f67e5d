// Runs a `parallax` subcommand in-process with a command line given as
// strings, the way the CLI tests call RunDepth, RunEval, ... (COLMAP style).
#pragma once

#include <string>
#include <vector>

namespace parallax::testing {

// `args` are the arguments after the program name, which is `program`.
inline int RunCommandLine(int (*command)(int, char**),
                          std::vector<std::string> args,
                          const std::string& program = "parallax-test") {
  args.insert(args.begin(), program);
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  return command(static_cast<int>(argv.size()), argv.data());
}

}  // namespace parallax::testing
