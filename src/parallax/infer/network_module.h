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

// Bumped whenever this struct changes. Types crossing it (PredictorOptions,
// DepthPrediction, ...) may change with any edit, so a module must also come
// from this very build (`build`, a token made when the build was
// configured): one from another build is refused instead of run.
inline constexpr int kNetworkModuleAbi = 2;

struct NetworkModuleApi {
  int abi = kNetworkModuleAbi;
  const char* build = nullptr;
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

// Whether this program would open the module with deep binding (its own
// libraries first: faster start-up of LibTorch), which is done only where
// that is safe (network_module.cc).
bool NetworkModuleDeepBound();

// Where the shared library is looked for: $PARALLAX_NETWORK_MODULE (a file)
// alone when it is set; else, in order, next to the executable,
// <exe dir>/../lib/parallax/ (an install), <exe dir>/../lib/ (the build
// tree), and, for a program inside the build tree it was built in, that
// tree's lib/.
std::vector<std::filesystem::path> NetworkModuleCandidates();

}  // namespace parallax

// Defined by the module's libraries: a program that links them gets this
// symbol and uses the module in-process.
extern "C" const parallax::NetworkModuleApi* ParallaxLinkedNetworkModule();
