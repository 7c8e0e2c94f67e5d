// One place that says what a path is before Parallax opens it, so that every
// command reports a directory, a FIFO, a device, a symbolic-link loop or a
// missing file the same way, naming the path (instead of "no such file" for
// all of them, or std::bad_alloc from reading a directory as a stream).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace parallax {

enum class PathKind {
  kMissing,       // nothing there (or a dangling symbolic link)
  kFile,          // a regular file (symbolic links followed)
  kDirectory,     // a folder
  kSymlinkLoop,   // symbolic links that never reach a file
  kSpecial,       // FIFO, socket, character or block device
  kInaccessible,  // the OS refused to look (permissions on a parent folder)
};

PathKind ClassifyPath(const std::filesystem::path& path);

// "is a directory", "is a FIFO, device or socket, not a regular file", ...
// (empty for kFile). Phrased to follow "'NAME' ".
std::string DescribePathKind(const std::filesystem::path& path, PathKind kind);

// Throws parallax::Error "cannot <verb> 'PATH': <why>" unless `path` is a
// regular file: "cannot read 'shots': is a directory, not a file".
void RequireRegularFile(const std::filesystem::path& path,
                        std::string_view verb = "read");

}  // namespace parallax
