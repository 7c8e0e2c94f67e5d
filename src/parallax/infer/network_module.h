// The network module: everything that needs LibTorch (the predictor's
// backend and the commands that train or read model weights), built as a
// shared library (libparallax_network.so) and loaded on first use, as
// OIDN loads its device modules. Loading LibTorch costs about 0.4 s of
// process start on this machine (docs/performance.md); a process that runs
// no network never pays it.
//
// A program that links the module's libraries directly (the tests, the
// benchmarks) uses them as linked and loads nothing.
#pragma once

#include <filesystem>
#include <vector>

#include "parallax/infer/predictor_backend.h"

namespace parallax {

// Bumped whenever this struct or a type crossing it changes: a module from
// another build is refused instead of crashing.
inline constexpr int kNetworkModuleAbi = 1;

struct NetworkModuleApi {
  int abi = kNetworkModuleAbi;
  PredictorFactory make_predictor = nullptr;
  // Commands that live in the module (`train`, `model-info`,
  // `model-average`): a command's exit status, as the CLI's commands.
  int (*run_command)(const char* name, int argc, char** argv) = nullptr;
};

// The module: the one linked into this program, else the shared library,
// loaded once (thread-safe). Throws parallax::Error naming every place it
// looked and why each failed.
const NetworkModuleApi& NetworkModule();

// Whether this process has the module's code (linked or loaded): tests use
// it to check that a job ran without LibTorch.
bool NetworkModuleLoaded();

// Where the shared library is looked for: $PARALLAX_NETWORK_MODULE (a file)
// alone when it is set; else, in order, next to the executable, <exe
// dir>/../lib/parallax/ (an install), <exe dir>/../lib/ (the build tree), and
// the build tree this binary came from.
std::vector<std::filesystem::path> NetworkModuleCandidates();

}  // namespace parallax

// Defined by the module's libraries: a program that links them gets this
// symbol and uses the module in-process.
extern "C" const parallax::NetworkModuleApi* ParallaxLinkedNetworkModule();
