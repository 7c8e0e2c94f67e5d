#include "parallax/infer/network_module.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>
#include <string>
#include <system_error>

#include "parallax/util/check.h"

// Weak: null unless the module's libraries are linked into this program.
extern "C" const parallax::NetworkModuleApi* ParallaxLinkedNetworkModule()
    __attribute__((weak));

namespace parallax {
namespace {

constexpr const char* kModuleFile = "libparallax_network.so";
#if defined(__SANITIZE_ADDRESS__)
constexpr int kOpenFlags = RTLD_LAZY | RTLD_LOCAL;
#else
constexpr int kOpenFlags = RTLD_LAZY | RTLD_LOCAL | RTLD_DEEPBIND;
#endif
constexpr const char* kEntry = "ParallaxLinkedNetworkModule";

std::filesystem::path ExecutableDir() {
  std::error_code error;
  const std::filesystem::path exe =
      std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::path() : exe.parent_path();
}

const NetworkModuleApi* CheckedApi(const NetworkModuleApi* api,
                                   const std::string& where) {
  if (api == nullptr || api->abi != kNetworkModuleAbi ||
      api->make_predictor == nullptr || api->run_command == nullptr) {
    ThrowError(
        "{} is a network module from another Parallax build (interface {}, "
        "this program needs {}): rebuild or reinstall Parallax",
        where, api ? api->abi : 0, kNetworkModuleAbi);
  }
  return api;
}

// Loads the first candidate that opens; the reasons of the others go into
// the error.
const NetworkModuleApi* LoadModule() {
  if (ParallaxLinkedNetworkModule != nullptr) {
    return CheckedApi(ParallaxLinkedNetworkModule(), "the linked module");
  }
  std::string tried;
  for (const std::filesystem::path& path : NetworkModuleCandidates()) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) {
      tried += "\n  " + path.string() + ": not found";
      continue;
    }
    // Local: the module's symbols stay its own, so its copies of Parallax's
    // libraries never stand in for this program's. Deep binding: LibTorch's
    // start-up looks up some 10^5 symbols, and would otherwise search every
    // library this program loaded (about 230) before its own for each,
    // which made a depth run 0.07 s slower than linking LibTorch; so the
    // module's own libraries come first. The module links the program's
    // allocator (tcmalloc) first among them, so memory still crosses the
    // boundary. AddressSanitizer refuses deep binding.
    void* handle = dlopen(path.c_str(), kOpenFlags);
    if (handle == nullptr) {
      const char* why = dlerror();
      tried += "\n  " + path.string() + ": " + (why ? why : "cannot load");
      continue;
    }
    using Entry = const NetworkModuleApi* (*)();
    auto entry = reinterpret_cast<Entry>(dlsym(handle, kEntry));
    if (entry == nullptr) {
      tried += "\n  " + path.string() + ": no " + kEntry;
      continue;
    }
    return CheckedApi(entry(), path.string());  // kept loaded for good
  }
  ThrowError(
      "cannot load Parallax's network module ({}), which runs the depth "
      "networks; looked in:{}\nSet PARALLAX_NETWORK_MODULE to the file, or "
      "reinstall Parallax",
      kModuleFile, tried);
}

std::mutex& ModuleMutex() {
  static std::mutex mutex;
  return mutex;
}
const NetworkModuleApi* g_module = nullptr;

}  // namespace

std::vector<std::filesystem::path> NetworkModuleCandidates() {
  std::vector<std::filesystem::path> candidates;
  if (const char* env = std::getenv("PARALLAX_NETWORK_MODULE"); env && *env) {
    candidates.emplace_back(env);  // given: the only place to look
    return candidates;
  }
  const std::filesystem::path exe_dir = ExecutableDir();
  if (!exe_dir.empty()) {
    for (const char* relative : {".", "../lib/parallax", "../lib"}) {
      candidates.push_back(
          (exe_dir / relative / kModuleFile).lexically_normal());
    }
  }
#ifdef PARALLAX_BUILD_MODULE_PATH
  candidates.emplace_back(PARALLAX_BUILD_MODULE_PATH);
#endif
  return candidates;
}

const NetworkModuleApi& NetworkModule() {
  std::lock_guard<std::mutex> lock(ModuleMutex());
  if (g_module == nullptr) g_module = LoadModule();
  return *g_module;
}

bool NetworkModuleLoaded() {
  std::lock_guard<std::mutex> lock(ModuleMutex());
  return g_module != nullptr || ParallaxLinkedNetworkModule != nullptr;
}

}  // namespace parallax
