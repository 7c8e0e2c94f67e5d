#include "parallax/infer/model_registry.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <system_error>

#include "parallax/infer/default_model.h"
#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

KnownModel DepthAnything(const std::string& name, const std::string& file,
                         const std::string& repo, const std::string& what,
                         bool commercial, int64_t bytes) {
  KnownModel model;
  model.name = name;
  model.file_name = file;
  model.description = what;
  model.licence = commercial ? "Apache-2.0" : "CC-BY-NC-4.0";
  model.url =
      "https://huggingface.co/depth-anything/" + repo + "/resolve/main/" + file;
  model.approximate_bytes = bytes;
  return model;
}

}  // namespace

const std::vector<KnownModel>& KnownModels() {
  static const std::vector<KnownModel> models = [] {
    std::vector<KnownModel> list;
    KnownModel shipped;
    shipped.name = "default";
    shipped.file_name = kDefaultModelName;
    shipped.description =
        "Parallax's shipped ResNet18 (trained here on a CPU; see "
        "models/README.md)";
    list.push_back(shipped);
    const int64_t mb = 1000 * 1000;
    list.push_back(
        DepthAnything("depth-anything-v2-small", "depth_anything_v2_vits.pth",
                      "Depth-Anything-V2-Small",
                      "Depth Anything V2 Small (ViT-S, 24.8 M), relative depth",
                      true, 99 * mb));
    list.push_back(
        DepthAnything("depth-anything-v2-base", "depth_anything_v2_vitb.pth",
                      "Depth-Anything-V2-Base",
                      "Depth Anything V2 Base (ViT-B, 97.5 M), relative depth",
                      false, 390 * mb));
    list.push_back(DepthAnything(
        "depth-anything-v2-large", "depth_anything_v2_vitl.pth",
        "Depth-Anything-V2-Large",
        "Depth Anything V2 Large (ViT-L, 335.3 M), relative depth", false,
        1340 * mb));
    for (const auto& [scene, repo_scene, what] :
         std::vector<std::tuple<std::string, std::string, std::string>>{
             {"hypersim", "Hypersim", "indoor, up to 20 m"},
             {"vkitti", "VKITTI", "outdoor, up to 80 m"}}) {
      for (const auto& [size, code, repo_size, bytes] : std::vector<
               std::tuple<std::string, std::string, std::string, int64_t>>{
               {"small", "vits", "Small", 99},
               {"base", "vitb", "Base", 390},
               {"large", "vitl", "Large", 1340}}) {
        list.push_back(DepthAnything(
            "depth-anything-v2-metric-" + scene + "-" + size,
            "depth_anything_v2_metric_" + scene + "_" + code + ".pth",
            "Depth-Anything-V2-Metric-" + repo_scene + "-" + repo_size,
            "Depth Anything V2 Metric " + repo_size + ", " + what,
            code == "vits", bytes * mb));
      }
    }
    return list;
  }();
  return models;
}

const KnownModel* FindKnownModel(const std::string& name) {
  const std::string lower = ToLower(name);
  for (const KnownModel& model : KnownModels()) {
    if (model.name == lower || model.file_name == name) return &model;
  }
  return nullptr;
}

fs::path UserModelFolder() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
    return fs::path(xdg) / "parallax" / "models";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return fs::path(home) / ".local" / "share" / "parallax" / "models";
  }
  return fs::path(".parallax") / "models";
}

std::vector<fs::path> ModelFolders() {
  std::vector<fs::path> folders;
  if (const char* env = std::getenv("PARALLAX_MODEL_DIR"); env && *env) {
    for (const std::string& part : Split(env, ':')) {
      if (!part.empty()) folders.emplace_back(part);
    }
  }
  folders.push_back(UserModelFolder());
  for (const fs::path& folder : BinaryModelFolders()) folders.push_back(folder);
  // Keep the first of any duplicates.
  std::vector<fs::path> unique;
  std::set<std::string> seen;
  for (const fs::path& folder : folders) {
    if (seen.insert(folder.lexically_normal().string()).second) {
      unique.push_back(folder);
    }
  }
  return unique;
}

std::optional<fs::path> FindModelFile(const std::string& file_name) {
  for (const fs::path& folder : ModelFolders()) {
    std::error_code error;
    const fs::path candidate = folder / file_name;
    if (fs::is_regular_file(candidate, error)) return candidate;
  }
  return std::nullopt;
}

fs::path ResolveModelArgument(const std::string& model) {
  if (model.empty()) return FindDefaultModel();
  std::error_code error;
  if (fs::exists(model, error)) return model;
  const KnownModel* known = FindKnownModel(model);
  const bool bare_name = model.find('/') == std::string::npos;
  if (!known && !bare_name) ThrowError("{}: no such file", model);
  if (known && known->name == "default") return FindDefaultModel();
  const std::string file = known ? known->file_name : model;
  if (const auto found = FindModelFile(file)) return *found;
  std::string folders;
  for (const fs::path& folder : ModelFolders()) {
    folders += "\n  " + folder.string();
  }
  if (!known) {
    std::string names;
    for (const KnownModel& k : KnownModels()) names += " " + k.name;
    ThrowError(
        "{}: no such file, and not a model name (known:{}); model folders "
        "searched:{}",
        model, names, folders);
  }
  ThrowError(
      "model '{}' ({}) is not installed; looked for {} in:{}\nInstall it "
      "with `parallax models fetch {}` (licence: {}), or put the file in "
      "one of those folders",
      known->name, known->description, known->file_name, folders, known->name,
      known->licence);
}

std::vector<InstalledModel> ListInstalledModels() {
  std::vector<InstalledModel> out;
  std::set<std::string> seen;
  for (const fs::path& folder : ModelFolders()) {
    std::error_code error;
    if (!fs::is_directory(folder, error)) continue;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(folder, error)) {
      const std::string ext = ToLower(entry.path().extension().string());
      if (ext != ".plx" && ext != ".pth" && ext != ".pt") continue;
      if (!entry.is_regular_file(error)) continue;
      files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      const std::string name = file.filename().string();
      if (!seen.insert(name).second) continue;
      InstalledModel model;
      model.path = file;
      model.bytes = static_cast<int64_t>(fs::file_size(file, error));
      if (const KnownModel* known = FindKnownModel(name)) {
        model.name = known->name;
        model.licence = known->licence;
      }
      out.push_back(std::move(model));
    }
  }
  std::stable_partition(out.begin(), out.end(), [](const InstalledModel& m) {
    return !m.name.empty();
  });
  return out;
}

}  // namespace parallax
