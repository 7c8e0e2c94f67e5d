// Downloading one file over HTTP(S) (libcurl) into place: resumable,
// checksummed, atomic.
//
// Bytes go to DEST.part beside the destination. A cut connection, an error
// or a cancel keeps the .part file, and the next call continues it with an
// HTTP Range request (a server that ignores the range restarts it). Once
// complete, the SHA-256 is checked against the expected one, or else the
// one the server announces (Hugging Face's X-Linked-Etag for LFS files);
// only a match is renamed to DEST. A mismatch deletes the .part file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace parallax {

struct DownloadOptions {
  // Lowercase or uppercase hex; empty = take the server's announced one.
  std::string expected_sha256;
  // Without any checksum (none given, none announced) the download is
  // refused unless this is set.
  bool allow_unverified = false;
  // Called as bytes arrive (total 0 when unknown); return false to cancel
  // (throws parallax::Cancelled, keeping the .part file).
  std::function<bool(int64_t done, int64_t total)> progress;
  // A transfer slower than 1 KiB/s for this long counts as cut.
  int stall_seconds = 60;
  int connect_timeout_seconds = 30;
};

struct DownloadResult {
  std::string sha256;           // of the installed file
  std::string checked_against;  // "given", "server" or "none"
  int64_t bytes = 0;
  int64_t resumed_from = 0;  // bytes already in the .part file, if used
};

// Throws parallax::Error naming the URL or file: HTTP errors (404, ...),
// connection failures ("run the same command again to resume"), checksum
// mismatches, unwritable destinations.
DownloadResult DownloadFile(const std::string& url,
                            const std::filesystem::path& destination,
                            const DownloadOptions& options = {});

}  // namespace parallax
