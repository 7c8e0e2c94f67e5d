#include "parallax/util/existing_outputs.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "parallax/util/check.h"
#include "parallax/util/option_error.h"

namespace parallax {

namespace fs = std::filesystem;

ExistingOutputs ExistingOutputsFromFlags(bool overwrite, bool resume) {
  if (overwrite && resume) {
    const std::string overwrite = OptionField("overwrite");
    const std::string resume = OptionField("resume");
    throw OptionError(fmt::format(
        "{} and {} contradict each other: {} replaces existing outputs, {} "
        "keeps them",
        overwrite, resume, overwrite, resume));
  }
  if (overwrite) return ExistingOutputs::kOverwrite;
  if (resume) return ExistingOutputs::kResume;
  return ExistingOutputs::kRefuse;
}

void RefuseExistingOutputs(const std::vector<fs::path>& existing,
                           ExistingOutputs policy, bool resumable) {
  if (existing.empty() || policy != ExistingOutputs::kRefuse) return;
  const bool one = existing.size() == 1;
  const std::string what =
      one ? fmt::format("{} exists", existing.front().string())
          : fmt::format("{} and {} more outputs exist",
                        existing.front().string(), existing.size() - 1);
  const char* them = one ? "it" : "them";
  if (resumable) {
    throw OptionError(fmt::format(
        "{}: give {} to replace {}, or {} to keep {} and continue", what,
        OptionField("overwrite"), them, OptionField("resume"), them));
  }
  throw OptionError(fmt::format("{}: give {} to replace {}", what,
                                OptionField("overwrite"), them));
}

void RefuseExistingOutput(const fs::path& output, ExistingOutputs policy,
                          bool resumable) {
  std::error_code error;
  if (policy != ExistingOutputs::kRefuse || output.empty() ||
      !fs::exists(fs::symlink_status(output, error))) {
    return;
  }
  RefuseExistingOutputs({output}, policy, resumable);
}

std::vector<fs::path> ExistingNumberedFiles(const fs::path& folder,
                                            const std::string& prefix,
                                            const std::string& suffix,
                                            int digits) {
  std::vector<fs::path> files;
  std::error_code error;
  if (!fs::is_directory(folder, error)) return files;
  const size_t length =
      prefix.size() + static_cast<size_t>(digits) + suffix.size();
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    const std::string name = entry.path().filename().string();
    if (name.size() != length || name.compare(0, prefix.size(), prefix) != 0 ||
        name.compare(length - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    const bool numbered = std::all_of(
        name.begin() + static_cast<std::ptrdiff_t>(prefix.size()),
        name.begin() + static_cast<std::ptrdiff_t>(prefix.size() + digits),
        [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    if (numbered) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace parallax
