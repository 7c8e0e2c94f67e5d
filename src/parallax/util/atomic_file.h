// Atomic file output: write to a temporary file beside the target, flush and
// fsync it, then rename over the target. A crash, Ctrl-C or a full disk never
// leaves a half-written output under the final name.
#pragma once

#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <vector>

namespace parallax {

// Writes `bytes` to `path` atomically. Throws parallax::Error naming `path`
// (and the OS reason, e.g. "No space left on device") on failure; the
// temporary file is removed then.
void WriteFileAtomic(const std::filesystem::path& path,
                     std::span<const char> bytes);
void WriteFileAtomic(const std::filesystem::path& path,
                     const std::string& bytes);

// Streaming variant for writers that produce output piecewise:
//   AtomicFileWriter out(path);
//   out.stream() << ...;
//   out.Commit();  // without Commit() the temporary file is deleted.
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::filesystem::path path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  std::ostream& stream() { return stream_; }
  void Commit();

 private:
  std::filesystem::path path_;
  std::filesystem::path temp_path_;
  std::ofstream stream_;
  bool committed_ = false;
};

// Removes what an atomic write killed mid-way (kill -9, power loss) left
// beside `output`: its hidden temporary files (".NAME.tmpXXXX",
// ".STEM.tmpXXXXXXXX.EXT"). Called when a job starts, so that a resumed or
// repeated run leaves none behind. Returns how many were removed.
int RemoveStaleTempFiles(const std::filesystem::path& output);

// The same for every Parallax temporary file directly in `folder` (frame
// folders, whose outputs are many).
int RemoveStaleTempFilesIn(const std::filesystem::path& folder);

// RemoveStaleTempFilesIn(output) for a folder output, else
// RemoveStaleTempFiles(output).
int RemoveStaleTempFilesOf(const std::filesystem::path& output, bool folder);

// Reads a whole file. Throws parallax::Error naming the file.
std::vector<char> ReadFileBytes(const std::filesystem::path& path);

// Throws parallax::Error if `output` is the same file as any of `inputs`:
// Parallax never overwrites its inputs.
void CheckNotAnInput(const std::filesystem::path& output,
                     std::span<const std::filesystem::path> inputs);

}  // namespace parallax
