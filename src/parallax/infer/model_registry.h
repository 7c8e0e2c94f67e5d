// Named models and the folders they live in, so that
// `--model depth-anything-v2-small` works once the file is installed, and
// `parallax models` can say what is installed.
//
// Model folders, in search order:
//   $PARALLAX_MODEL_DIR (one folder, or several separated by ':'),
//   the user's folder: $XDG_DATA_HOME/parallax/models, else
//     ~/.local/share/parallax/models (where `models fetch` puts files),
//   beside the binary: <exe dir>/models, <exe dir>/../share/parallax/models,
//   a build tree in the source tree: <exe dir>/../models,
//     <exe dir>/../../models,
//   the source tree's models/ this binary was built from.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace parallax {

struct KnownModel {
  std::string name;       // "depth-anything-v2-small"
  std::string file_name;  // "depth_anything_v2_vits.pth"
  std::string description;
  std::string licence;
  std::string url;  // the publisher's release location
  // Pinned SHA-256 (hex) when known; otherwise `models fetch` checks the
  // SHA-256 the server announces for the file (Hugging Face's LFS ETag).
  std::string sha256;
  int64_t approximate_bytes = 0;
};

// The models Parallax knows by name: the shipped default and the official
// Depth Anything V2 checkpoints (relative Small/Base/Large, metric indoor
// and outdoor Small/Base/Large).
const std::vector<KnownModel>& KnownModels();
// nullptr when `name` is not a known model name.
const KnownModel* FindKnownModel(const std::string& name);

// Folders searched for named models, in order (existing or not).
std::vector<std::filesystem::path> ModelFolders();
// Where `models fetch` writes: the user's folder.
std::filesystem::path UserModelFolder();

// The first `file_name` in ModelFolders(), if any.
std::optional<std::filesystem::path> FindModelFile(
    const std::string& file_name);

// What --model accepts: an existing path is itself; a known name (or a
// file name such as depth_anything_v2_vits.pth) is looked up in the model
// folders. Throws parallax::Error that lists the folders searched and says
// how to install a missing known model. An empty `model` is the shipped
// default (FindDefaultModel()).
std::filesystem::path ResolveModelArgument(const std::string& model);

// A model file found in the model folders.
struct InstalledModel {
  std::filesystem::path path;
  std::string name;  // the known name, or empty
  int64_t bytes = 0;
  std::string licence;  // from the known model, or empty
};
// Every .plx / .pth / .pt file in the model folders (first occurrence of
// each file name), known models first.
std::vector<InstalledModel> ListInstalledModels();

}  // namespace parallax
