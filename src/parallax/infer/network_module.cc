#include "parallax/infer/network_module.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>

#include "parallax/infer/default_model.h"
#include "parallax/infer/network_module_build.h"
#include "parallax/util/check.h"

// Weak: null unless the module's libraries are linked into this program.
extern "C" const parallax::NetworkModuleApi* ParallaxLinkedNetworkModule()
    __attribute__((weak));

namespace parallax {
namespace {

constexpr const char* kModuleFile = "libparallax_network.so";
constexpr const char* kEntry = "ParallaxLinkedNetworkModule";

// Why the module is refused, or empty when it is this build's.
std::string Mismatch(const NetworkModuleApi* api) {
  if (api == nullptr || api->abi != kNetworkModuleAbi ||
      api->build == nullptr || std::strcmp(api->build, kNetworkModuleBuild) ||
      api->make_predictor == nullptr || api->run_command == nullptr) {
    return "a network module from another Parallax build";
  }
  return {};
}

// --- Deep binding ---------------------------------------------------------
// LibTorch's start-up looks up some 10^5 symbols. Opened plainly, each
// lookup searches every library this program loaded (about 230) before the
// module's own, which made a depth run 0.07 s slower than linking LibTorch
// (docs/performance.md); RTLD_DEEPBIND puts the module's libraries first.
// That is safe only when both sides then find the same objects:
//  - the same allocator: the module links the program's (tcmalloc) first,
//    so this checks that malloc here comes from it (an LD_PRELOADed
//    allocator would not);
//  - no runtime-initialised data that the program copied out of a library
//    (a copy relocation, as of std::cerr in a program built -fPIE): the
//    library's own, never constructed, object is what the module would
//    use (IsConstantData lists the copies that are harmless).
// When either fails, the module is opened plainly. Sanitizers refuse deep
// binding altogether.

bool SameAllocatorAsModule() {
  void* malloc_here = dlsym(RTLD_DEFAULT, "malloc");
  Dl_info info{};
  if (malloc_here == nullptr || !dladdr(malloc_here, &info) ||
      info.dli_fname == nullptr) {
    return false;
  }
  const std::string file =
      std::filesystem::path(info.dli_fname).filename().string();
  return file.rfind(kNetworkModuleAllocator, 0) == 0;
}

// Copies that equal their originals for good: vtables and type information
// (constant), and C's standard stream pointers (set before any code runs,
// to the same FILE objects, and never assigned).
bool IsConstantData(std::string_view symbol) {
  for (std::string_view prefix : {"_ZTV", "_ZTI", "_ZTS", "_ZTT"}) {
    if (symbol.rfind(prefix, 0) == 0) return true;
  }
  return symbol == "stdin" || symbol == "stdout" || symbol == "stderr";
}

#if defined(__x86_64__)
constexpr uint32_t kCopyRelocation = R_X86_64_COPY;
#elif defined(__aarch64__)
constexpr uint32_t kCopyRelocation = R_AARCH64_COPY;
#endif

// Whether the program (not its libraries) holds copies of library data
// other than vtables and type information.
bool ProgramCopiesLibraryData() {
#if defined(__x86_64__) || defined(__aarch64__)
  bool copies = false;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* out) -> int {
        // The first object is the program.
        const ElfW(Dyn)* dynamic = nullptr;
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          if (info->dlpi_phdr[i].p_type == PT_DYNAMIC) {
            dynamic = reinterpret_cast<const ElfW(Dyn)*>(
                info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
          }
        }
        if (dynamic == nullptr) return 1;
        ElfW(Addr) rela = 0, strtab = 0, symtab = 0;
        size_t rela_size = 0;
        for (const ElfW(Dyn)* d = dynamic; d->d_tag != DT_NULL; ++d) {
          if (d->d_tag == DT_RELA) rela = d->d_un.d_ptr;
          if (d->d_tag == DT_RELASZ) rela_size = d->d_un.d_val;
          if (d->d_tag == DT_STRTAB) strtab = d->d_un.d_ptr;
          if (d->d_tag == DT_SYMTAB) symtab = d->d_un.d_ptr;
        }
        // The loader relocates these in place on most targets; where it
        // does not they are offsets from the load address.
        const auto address = [info](ElfW(Addr) p) {
          return p < info->dlpi_addr ? p + info->dlpi_addr : p;
        };
        if (rela == 0 || strtab == 0 || symtab == 0) return 1;
        const auto* relocations =
            reinterpret_cast<const ElfW(Rela)*>(address(rela));
        const auto* symbols =
            reinterpret_cast<const ElfW(Sym)*>(address(symtab));
        const char* names = reinterpret_cast<const char*>(address(strtab));
        for (size_t i = 0; i < rela_size / sizeof(ElfW(Rela)); ++i) {
          if (ELF64_R_TYPE(relocations[i].r_info) != kCopyRelocation) continue;
          const ElfW(Sym)& symbol = symbols[ELF64_R_SYM(relocations[i].r_info)];
          if (!IsConstantData(names + symbol.st_name)) {
            *static_cast<bool*>(out) = true;
          }
        }
        return 1;
      },
      &copies);
  return copies;
#else
  return true;  // not checked here: no deep binding
#endif
}

int OpenFlags() {
  int flags = RTLD_LAZY | RTLD_LOCAL;
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return flags;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
  return flags;
#endif
#endif
  if (SameAllocatorAsModule() && !ProgramCopiesLibraryData()) {
    flags |= RTLD_DEEPBIND;
  }
  return flags;
}

// Loads the first candidate that opens and is this build's module; the
// reasons of the others go into the error.
const NetworkModuleApi* LoadModule() {
  if (ParallaxLinkedNetworkModule != nullptr) {
    const NetworkModuleApi* api = ParallaxLinkedNetworkModule();
    if (const std::string why = Mismatch(api); !why.empty()) {
      ThrowError("the linked network module is {}: rebuild", why);
    }
    return api;
  }
  const int flags = OpenFlags();
  std::string tried;
  for (const std::filesystem::path& path : NetworkModuleCandidates()) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) {
      tried += "\n  " + path.string() + ": not found";
      continue;
    }
    // Local: the module's symbols stay its own, so its copies of Parallax's
    // libraries never stand in for this program's. Lazy: binding all of
    // LibTorch's functions up front cost 0.1 s.
    void* handle = dlopen(path.c_str(), flags);
    if (handle == nullptr) {
      const char* why = dlerror();
      tried += "\n  " + path.string() + ": " + (why ? why : "cannot load");
      continue;
    }
    using Entry = const NetworkModuleApi* (*)();
    auto entry = reinterpret_cast<Entry>(dlsym(handle, kEntry));
    const NetworkModuleApi* api = entry ? entry() : nullptr;
    const std::string why =
        entry ? Mismatch(api) : std::string("no ") + kEntry + " in it";
    if (!why.empty()) {
      tried += "\n  " + path.string() + ": " + why;
      dlclose(handle);
      continue;
    }
    return api;  // kept loaded for good
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
  if (exe_dir.empty()) return candidates;
  for (const char* relative : {".", "../lib/parallax", "../lib"}) {
    candidates.push_back((exe_dir / relative / kModuleFile).lexically_normal());
  }
  // A program in the build tree it came from (a test in build/tests/) also
  // finds that tree's module; an installed copy does not look there.
  const std::filesystem::path build = kNetworkModuleBuildDir;
  const auto [end, _] =
      std::mismatch(build.begin(), build.end(), exe_dir.begin(), exe_dir.end());
  if (!build.empty() && end == build.end()) {
    candidates.push_back(build / "lib" / kModuleFile);
  }
  return candidates;
}

const NetworkModuleApi& NetworkModule() {
  std::lock_guard<std::mutex> lock(ModuleMutex());
  if (g_module == nullptr) g_module = LoadModule();
  return *g_module;
}

bool NetworkModuleLoaded() {
  if (ParallaxLinkedNetworkModule != nullptr) return true;
  std::lock_guard<std::mutex> lock(ModuleMutex());
  return g_module != nullptr;
}

bool NetworkModuleDeepBound() { return (OpenFlags() & RTLD_DEEPBIND) != 0; }

}  // namespace parallax
