#include "parallax/infer/default_model.h"

#include <cstdlib>
#include <string>
#include <system_error>

#include "parallax/infer/model_registry.h"
#include "parallax/util/check.h"

namespace parallax {

std::filesystem::path ExecutableDir() {
  std::error_code error;
  const std::filesystem::path exe =
      std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::path() : exe.parent_path();
}

std::vector<std::filesystem::path> BinaryModelFolders() {
  std::vector<std::filesystem::path> folders;
  const std::filesystem::path exe_dir = ExecutableDir();
  if (!exe_dir.empty()) {
    for (const char* relative :
         {"models", "../share/parallax/models", "../models", "../../models"}) {
      folders.push_back((exe_dir / relative).lexically_normal());
    }
  }
#ifdef PARALLAX_SOURCE_MODELS_DIR
  folders.emplace_back(PARALLAX_SOURCE_MODELS_DIR);
#endif
  return folders;
}

std::vector<std::filesystem::path> DefaultModelCandidates() {
  std::vector<std::filesystem::path> candidates;
  if (const char* env = std::getenv("PARALLAX_MODEL"); env && *env) {
    candidates.emplace_back(env);
  }
  for (const std::filesystem::path& folder : BinaryModelFolders()) {
    candidates.push_back(folder / kDefaultModelName);
  }
  return candidates;
}

std::filesystem::path FindDefaultModel() {
  const std::vector<std::filesystem::path> candidates =
      DefaultModelCandidates();
  std::string tried;
  for (const std::filesystem::path& candidate : candidates) {
    std::error_code error;
    if (std::filesystem::is_regular_file(candidate, error)) return candidate;
    tried += "\n  " + candidate.string();
  }
  ThrowError(
      "no default model found; looked in:{}\nPass --model FILE, set "
      "PARALLAX_MODEL, or train one with `parallax train` (models/README.md "
      "has the recipe)",
      tried);
}

std::filesystem::path ResolveModelPath(const std::filesystem::path& model) {
  if (model.empty()) return FindDefaultModel();
  // A known name that is not a file here ("depth-anything-v2-small",
  // "depth_anything_v2_vits.pth") is looked up in the model folders; any
  // other path is given to the loader as it is (its errors name the file).
  std::error_code error;
  if (!std::filesystem::exists(model, error) &&
      FindKnownModel(model.string())) {
    return ResolveModelArgument(model.string());
  }
  return model;
}

}  // namespace parallax
