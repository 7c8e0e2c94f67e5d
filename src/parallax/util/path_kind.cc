#include "parallax/util/path_kind.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "parallax/util/check.h"

namespace parallax {

PathKind ClassifyPath(const std::filesystem::path& path) {
  struct stat info {};
  // stat() follows links; its errno tells a loop from a missing target.
  if (::stat(path.c_str(), &info) != 0) {
    switch (errno) {
      case ELOOP:
        return PathKind::kSymlinkLoop;
      case EACCES:
        return PathKind::kInaccessible;
      default:
        return PathKind::kMissing;
    }
  }
  if (S_ISREG(info.st_mode)) return PathKind::kFile;
  if (S_ISDIR(info.st_mode)) return PathKind::kDirectory;
  return PathKind::kSpecial;
}

std::string DescribePathKind(const std::filesystem::path& path, PathKind kind) {
  switch (kind) {
    case PathKind::kFile:
      return "";
    case PathKind::kMissing: {
      struct stat link {};
      if (::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
        return "is a symbolic link to nothing (its target is missing)";
      }
      return "no such file";
    }
    case PathKind::kDirectory:
      return "is a directory, not a file";
    case PathKind::kSymlinkLoop:
      return "is a loop of symbolic links";
    case PathKind::kSpecial:
      return "is a FIFO, device or socket, not a regular file";
    case PathKind::kInaccessible:
      return "permission denied (a folder on its path cannot be searched)";
  }
  return "";
}

void RequireRegularFile(const std::filesystem::path& path,
                        std::string_view verb) {
  const PathKind kind = ClassifyPath(path);
  if (kind == PathKind::kFile) return;
  ThrowError("cannot {} '{}': {}", verb, path.string(),
             DescribePathKind(path, kind));
}

}  // namespace parallax
