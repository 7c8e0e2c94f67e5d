#include "parallax/util/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <random>

#include "parallax/util/check.h"
#include "parallax/util/path_kind.h"

namespace parallax {
namespace fs = std::filesystem;
namespace {

fs::path TempPathFor(const fs::path& path) {
  static std::atomic<uint64_t> counter{0};
  const uint64_t unique = (static_cast<uint64_t>(::getpid()) << 32) ^
                          counter.fetch_add(1) ^ std::random_device{}();
  return path.parent_path() /
         fmt::format(".{}.tmp{:x}", path.filename().string(), unique);
}

void FsyncFile(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

void RenameOrThrow(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (ec) {
    fs::remove(from, ec);
    ThrowError("cannot write '{}': {}", to.string(), ec.message());
  }
}

}  // namespace

void WriteFileAtomic(const fs::path& path, std::span<const char> bytes) {
  AtomicFileWriter writer(path);
  writer.stream().write(bytes.data(),
                        static_cast<std::streamsize>(bytes.size()));
  writer.Commit();
}

void WriteFileAtomic(const fs::path& path, const std::string& bytes) {
  WriteFileAtomic(path, std::span<const char>(bytes.data(), bytes.size()));
}

AtomicFileWriter::AtomicFileWriter(fs::path path)
    : path_(std::move(path)), temp_path_(TempPathFor(path_)) {
  if (!path_.parent_path().empty() && !fs::is_directory(path_.parent_path())) {
    ThrowError("cannot write '{}': folder '{}' does not exist", path_.string(),
               path_.parent_path().string());
  }
  stream_.open(temp_path_, std::ios::binary | std::ios::trunc);
  if (!stream_) {
    ThrowError("cannot write '{}': {}", path_.string(), std::strerror(errno));
  }
}

AtomicFileWriter::~AtomicFileWriter() {
  if (!committed_) {
    stream_.close();
    std::error_code ec;
    fs::remove(temp_path_, ec);
  }
}

void AtomicFileWriter::Commit() {
  THROW_CHECK(!committed_);
  stream_.flush();
  const bool ok = static_cast<bool>(stream_);
  const int saved_errno = errno;
  stream_.close();
  if (!ok || stream_.fail()) {
    std::error_code ec;
    fs::remove(temp_path_, ec);
    committed_ = true;
    ThrowError("cannot write '{}': {}", path_.string(),
               saved_errno ? std::strerror(saved_errno) : "write failed");
  }
  FsyncFile(temp_path_);
  committed_ = true;
  RenameOrThrow(temp_path_, path_);
}

std::vector<char> ReadFileBytes(const fs::path& path) {
  // A directory opens as a stream whose size is garbage (bad_alloc), and a
  // FIFO or /dev/urandom never ends: only regular files are read.
  RequireRegularFile(path);
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    ThrowError("cannot read '{}': {}", path.string(), std::strerror(errno));
  }
  const std::streamsize size = in.tellg();
  if (size < 0)
    ThrowError("cannot read '{}': not a regular file", path.string());
  std::vector<char> bytes(static_cast<size_t>(size));
  in.seekg(0);
  if (size > 0 && !in.read(bytes.data(), size)) {
    ThrowError("cannot read '{}': read failed", path.string());
  }
  return bytes;
}

namespace {

bool IsHexRun(const std::string& text, size_t begin, size_t end) {
  if (begin >= end) return false;
  for (size_t i = begin; i < end; ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

// ".NAME.tmpHEX" (WriteFileAtomic) or ".STEM.tmpHEX.EXT" (VideoWriter),
// for the given output file name, or for any name when `filename` is empty.
bool IsTempFileOf(const std::string& name, const std::string& filename) {
  if (name.size() < 6 || name[0] != '.') return false;
  const size_t tmp = name.rfind(".tmp");
  if (tmp == std::string::npos || tmp == 0) return false;
  const std::string owner = name.substr(1, tmp - 1);
  const size_t dot = name.find('.', tmp + 4);
  const size_t hex_end = dot == std::string::npos ? name.size() : dot;
  if (!IsHexRun(name, tmp + 4, hex_end)) return false;
  if (filename.empty()) return true;
  if (dot == std::string::npos) return owner == filename;
  // Video temporaries keep the extension after the hex run.
  const fs::path target(filename);
  return owner == target.stem().string() &&
         name.substr(dot) == target.extension().string();
}

int RemoveMatching(const fs::path& folder, const std::string& filename) {
  std::error_code error;
  int removed = 0;
  const fs::path dir = folder.empty() ? fs::path(".") : folder;
  if (!fs::is_directory(dir, error)) return 0;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    if (!entry.is_regular_file(error)) continue;
    if (IsTempFileOf(entry.path().filename().string(), filename) &&
        fs::remove(entry.path(), error)) {
      ++removed;
    }
  }
  return removed;
}

}  // namespace

int RemoveStaleTempFiles(const fs::path& output) {
  return RemoveMatching(output.parent_path(), output.filename().string());
}

int RemoveStaleTempFilesIn(const fs::path& folder) {
  return RemoveMatching(folder, "");
}

int RemoveStaleTempFilesOf(const fs::path& output, bool folder) {
  return folder ? RemoveStaleTempFilesIn(output) : RemoveStaleTempFiles(output);
}

void CheckNotAnInput(const fs::path& output, std::span<const fs::path> inputs) {
  std::error_code ec;
  if (!fs::exists(output, ec)) return;  // a new file overwrites nothing
  for (const fs::path& input : inputs) {
    if (fs::equivalent(output, input, ec)) {
      ThrowError("refusing to overwrite the input file '{}'", input.string());
    }
  }
}

}  // namespace parallax
