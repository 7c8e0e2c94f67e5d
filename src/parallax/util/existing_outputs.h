// The policy for outputs that already exist, the same in every command:
// Parallax never replaces a file without being told. --overwrite replaces,
// --resume keeps what is there and continues, and without either the
// command stops before doing any work, naming the file and both flags.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace parallax {

enum class ExistingOutputs {
  kRefuse,     // the default: an existing output is an error
  kOverwrite,  // --overwrite: replace it
  kResume,     // --resume: keep it and skip (or continue) that output
};

// The policy a command's --overwrite and --resume flags give (both set is an
// error).
ExistingOutputs ExistingOutputsFromFlags(bool overwrite, bool resume);

// Throws parallax::Error when `existing` (the outputs of this job that exist
// now) is not empty and `policy` is kRefuse:
//   "out.png exists: give --overwrite to replace it, or --resume to keep it
//    and continue"
// `resumable`: whether the command has --resume (else only --overwrite is
// offered).
void RefuseExistingOutputs(const std::vector<std::filesystem::path>& existing,
                           ExistingOutputs policy, bool resumable = true);

// The same for one output path: checks whether it exists first.
void RefuseExistingOutput(const std::filesystem::path& output,
                          ExistingOutputs policy, bool resumable = true);

// Files in `folder` named <prefix><`digits` digits><suffix> (the numbered
// frames a video job writes to a folder), sorted.
std::vector<std::filesystem::path> ExistingNumberedFiles(
    const std::filesystem::path& folder, const std::string& prefix,
    const std::string& suffix, int digits = 6);

}  // namespace parallax
