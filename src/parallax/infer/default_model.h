// Finding the shipped default model without flags, so that
// `parallax depth photo.jpg` works out of the box.
#pragma once

#include <filesystem>
#include <vector>

namespace parallax {

// The file name of the shipped model in models/ (and in an install's
// share/parallax/models/).
inline constexpr const char* kDefaultModelName = "default.plx";

// The model folders that come with the binary, in search order:
// <exe dir>/models/, <exe dir>/../share/parallax/models/ (an install),
// <exe dir>/../models/ and <exe dir>/../../models/ (a build tree inside the
// source tree), and the source tree's models/ this binary was built from.
// Shared by the default model's search and the named models'
// (model_registry.h).
std::vector<std::filesystem::path> BinaryModelFolders();

// The folder of the running executable (empty when it cannot be read):
// where files that come with it (models, the network module) are looked for.
std::filesystem::path ExecutableDir();

// Where the default model is looked for, in order:
//   $PARALLAX_MODEL (a file),
//   <exe dir>/models/, <exe dir>/../share/parallax/models/ (an install),
//   <exe dir>/../models/ and <exe dir>/../../models/ (a build tree inside
//   the source tree, e.g. build/bin/parallax),
//   the source tree this binary was built from.
std::vector<std::filesystem::path> DefaultModelCandidates();

// The first candidate that exists. Throws parallax::Error listing every place
// tried and how to proceed when none does.
std::filesystem::path FindDefaultModel();

// `model` when given, else FindDefaultModel(). A known model name
// (model_registry.h) that is not a file here is found in the model folders.
std::filesystem::path ResolveModelPath(const std::filesystem::path& model);

}  // namespace parallax
