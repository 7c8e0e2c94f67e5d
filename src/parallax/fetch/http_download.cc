#include "parallax/fetch/http_download.h"

#include <cstdio>
#include <memory>
#include <system_error>

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include "parallax/fetch/sha256.h"
#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

std::string Trim(const std::string& text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  const size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

struct Transfer {
  std::FILE* file = nullptr;
  int64_t offset = 0;    // bytes in the .part file before this request
  int64_t received = 0;  // body bytes of this response written
  bool write_failed = false;
  std::string announced_sha256;
  const DownloadOptions* options = nullptr;
  bool cancelled = false;
};

// Header lines of every response (redirects included): the status line
// resets per response; an LFS file's SHA-256 comes as X-Linked-Etag on the
// redirect and as ETag on some servers.
size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string line(data, size * count);
  const size_t colon = line.find(':');
  if (colon != std::string::npos) {
    const std::string name = ToLower(Trim(line.substr(0, colon)));
    std::string value = Trim(line.substr(colon + 1));
    if (!value.empty() && value.front() == 'W' && value.size() > 2 &&
        value[1] == '/') {
      value = value.substr(2);
    }
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if ((name == "x-linked-etag" || name == "etag") && LooksLikeSha256(value)) {
      t->announced_sha256 = ToLower(value);
    }
  }
  return size * count;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  if (std::fwrite(data, 1, bytes, t->file) != bytes) {
    t->write_failed = true;
    return 0;  // aborts the transfer
  }
  t->received += static_cast<int64_t>(bytes);
  return bytes;
}

int OnProgress(void* user, curl_off_t total, curl_off_t now, curl_off_t,
               curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (!t->options->progress) return 0;
  const int64_t done = t->offset + static_cast<int64_t>(now);
  const int64_t all = total > 0 ? t->offset + static_cast<int64_t>(total) : 0;
  if (!t->options->progress(done, all)) {
    t->cancelled = true;
    return 1;
  }
  return 0;
}

void EnsureCurlInitialised() {
  static const bool done = [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return true;
  }();
  (void)done;
}

}  // namespace

DownloadResult DownloadFile(const std::string& url, const fs::path& destination,
                            const DownloadOptions& options) {
  EnsureCurlInitialised();
  std::error_code error;
  const fs::path folder = destination.parent_path().empty()
                              ? fs::path(".")
                              : destination.parent_path();
  fs::create_directories(folder, error);
  if (!fs::is_directory(folder, error)) {
    ThrowError("{}: cannot create the folder", folder.string());
  }
  if (fs::exists(destination, error)) {
    ThrowError("{}: already exists (remove it to fetch again)",
               destination.string());
  }
  const fs::path part = destination.string() + ".part";
  int64_t offset = 0;
  if (fs::is_regular_file(part, error)) {
    offset = static_cast<int64_t>(fs::file_size(part, error));
  }

  Transfer t;
  t.options = &options;
  t.offset = offset;
  t.file = std::fopen(part.c_str(), offset > 0 ? "ab" : "wb");
  if (!t.file) ThrowError("{}: cannot be written", part.string());

  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(),
                                              curl_easy_cleanup);
  THROW_CHECK(curl);
  char curl_error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(curl.get(), CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, curl_error);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(curl.get(), CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl.get(), CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(curl.get(), CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT,
                   static_cast<long>(options.connect_timeout_seconds));
  curl_easy_setopt(curl.get(), CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(curl.get(), CURLOPT_LOW_SPEED_TIME,
                   static_cast<long>(options.stall_seconds));
  curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, "parallax-models-fetch");
  if (offset > 0) {
    curl_easy_setopt(curl.get(), CURLOPT_RESUME_FROM_LARGE,
                     static_cast<curl_off_t>(offset));
  }
  CURLcode code = curl_easy_perform(curl.get());
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  std::fflush(t.file);
  fsync(fileno(t.file));
  std::fclose(t.file);

  // A server that ignores the range answers 200 with the whole file (curl
  // then stops with a range error, or appends): start over once, from 0.
  if (offset > 0 && status == 200 &&
      (code == CURLE_OK || code == CURLE_RANGE_ERROR)) {
    fs::remove(part, error);
    return DownloadFile(url, destination, options);
  }
  if (offset > 0 && (code == CURLE_RANGE_ERROR || status == 416)) {
    // The part is longer than the file: it cannot be the same file.
    fs::remove(part, error);
    ThrowError(
        "{}: the partial download {} did not fit the file on the "
        "server and was removed; run the command again",
        url, part.string());
  }
  if (t.cancelled) throw Cancelled();
  if (t.write_failed) {
    ThrowError(
        "{}: writing failed (disk full?); the {} bytes so far are "
        "kept in {} and the next fetch resumes them",
        destination.string(), offset + t.received, part.string());
  }
  if (code == CURLE_HTTP_RETURNED_ERROR) {
    if (offset == 0) fs::remove(part, error);
    ThrowError("{}: the server answered HTTP {}", url, status);
  }
  if (code != CURLE_OK) {
    ThrowError(
        "{}: {} after {} bytes; they are kept in {}: run the same "
        "command again to resume",
        url, curl_error[0] ? curl_error : curl_easy_strerror(code),
        offset + t.received, part.string());
  }

  DownloadResult result;
  result.resumed_from = offset;
  result.sha256 = Sha256OfFile(part);
  result.bytes = static_cast<int64_t>(fs::file_size(part, error));
  std::string expected = ToLower(options.expected_sha256);
  result.checked_against = "given";
  if (expected.empty()) {
    expected = t.announced_sha256;
    result.checked_against = "server";
  }
  if (expected.empty()) {
    if (!options.allow_unverified) {
      fs::remove(part, error);
      ThrowError(
          "{}: no SHA-256 to check the file against (none given, "
          "none announced by the server); give one, or allow an "
          "unverified download",
          url);
    }
    result.checked_against = "none";
  } else if (expected != result.sha256) {
    fs::remove(part, error);
    ThrowError(
        "{}: SHA-256 mismatch: expected {}, got {} ({} bytes); the "
        "download was removed",
        url, expected, result.sha256, result.bytes);
  }
  fs::rename(part, destination, error);
  if (error) {
    ThrowError("{}: cannot move the download into place: {}",
               destination.string(), error.message());
  }
  return result;
}

}  // namespace parallax
