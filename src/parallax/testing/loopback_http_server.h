// A tiny HTTP/1.1 server on 127.0.0.1 for tests of downloads: serves byte
// strings at paths, honours "Range: bytes=N-", can announce a SHA-256 as
// X-Linked-Etag, and can cut a connection part-way once, so resume logic is
// tested against real sockets. One connection at a time, closed after each
// response; stops with the object.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace parallax::testing {

class LoopbackHttpServer {
 public:
  struct Resource {
    std::string body;
    std::string linked_etag;  // sent as X-Linked-Etag when not empty
    bool honour_range = true;
    // Close the connection after this many body bytes, on the first
    // request only (-1: never).
    int64_t cut_after = -1;
  };

  LoopbackHttpServer();
  ~LoopbackHttpServer();
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  void Serve(const std::string& path, Resource resource);
  std::string Url(const std::string& path) const;
  // The Range header of every request so far ("" when none).
  std::vector<std::string> ranges() const;

 private:
  void Loop();
  void Handle(int client);

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::map<std::string, Resource> resources_;
  std::map<std::string, bool> cut_done_;
  std::vector<std::string> ranges_;
  std::thread thread_;
};

}  // namespace parallax::testing
