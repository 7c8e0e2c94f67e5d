// `parallax train`, `model-info` and `model-average` need LibTorch: they
// run in the network module, loaded here on first use (network_module.h).
#include <fmt/format.h>

#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/infer/network_module.h"

namespace parallax {
namespace {

// The command reports its own errors; this only those of reaching it.
int RunInModule(const char* name, int argc, char** argv) {
  try {
    return NetworkModule().run_command(name, argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitError;
  }
}

}  // namespace

int RunTrain(int argc, char** argv) { return RunInModule("train", argc, argv); }
int RunModelInfo(int argc, char** argv) {
  return RunInModule("model-info", argc, argv);
}
int RunModelAverage(int argc, char** argv) {
  return RunInModule("model-average", argc, argv);
}

}  // namespace parallax
