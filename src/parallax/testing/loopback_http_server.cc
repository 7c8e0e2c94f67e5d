#include "parallax/testing/loopback_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include "parallax/util/check.h"

namespace parallax::testing {
namespace {

bool SendAll(int socket, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t sent = send(socket, data, size, MSG_NOSIGNAL);
    if (sent <= 0) return false;
    data += sent;
    size -= static_cast<size_t>(sent);
  }
  return true;
}

}  // namespace

LoopbackHttpServer::LoopbackHttpServer() {
  listener_ = socket(AF_INET, SOCK_STREAM, 0);
  THROW_CHECK(listener_ >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  THROW_CHECK(bind(listener_, reinterpret_cast<sockaddr*>(&address),
                   sizeof(address)) == 0);
  THROW_CHECK(listen(listener_, 8) == 0);
  socklen_t length = sizeof(address);
  getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { Loop(); });
}

LoopbackHttpServer::~LoopbackHttpServer() {
  stop_ = true;
  thread_.join();
  close(listener_);
}

void LoopbackHttpServer::Serve(const std::string& path, Resource resource) {
  std::lock_guard<std::mutex> lock(mutex_);
  resources_[path] = std::move(resource);
  cut_done_[path] = false;
}

std::string LoopbackHttpServer::Url(const std::string& path) const {
  return fmt::format("http://127.0.0.1:{}{}", port_, path);
}

std::vector<std::string> LoopbackHttpServer::ranges() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return ranges_;
}

void LoopbackHttpServer::Loop() {
  while (!stop_) {
    pollfd poll_fd{listener_, POLLIN, 0};
    if (poll(&poll_fd, 1, 50) <= 0) continue;
    const int client = accept(listener_, nullptr, nullptr);
    if (client < 0) continue;
    Handle(client);
    close(client);
  }
}

void LoopbackHttpServer::Handle(int client) {
  std::string request;
  char buffer[4096];
  while (request.find("\r\n\r\n") == std::string::npos &&
         request.size() < 65536) {
    pollfd poll_fd{client, POLLIN, 0};
    if (poll(&poll_fd, 1, 2000) <= 0) return;
    const ssize_t got = recv(client, buffer, sizeof(buffer), 0);
    if (got <= 0) return;
    request.append(buffer, static_cast<size_t>(got));
  }
  const size_t path_start = request.find(' ') + 1;
  const std::string path =
      request.substr(path_start, request.find(' ', path_start) - path_start);
  std::string range;
  const size_t range_at = request.find("Range: bytes=");
  if (range_at != std::string::npos) {
    const size_t begin = range_at + 13;
    range = request.substr(begin, request.find("\r\n", begin) - begin);
  }
  Resource resource;
  bool found = false, cut = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ranges_.push_back(range);
    const auto it = resources_.find(path);
    if (it != resources_.end()) {
      resource = it->second;
      found = true;
      if (resource.cut_after >= 0 && !cut_done_[path]) {
        cut = true;
        cut_done_[path] = true;
      }
    }
  }
  if (!found) {
    const std::string response =
        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: "
        "close\r\n\r\n";
    SendAll(client, response.data(), response.size());
    return;
  }
  const int64_t total = static_cast<int64_t>(resource.body.size());
  int64_t from = 0;
  if (!range.empty() && resource.honour_range) from = std::stoll(range);
  if (from > total) {
    const std::string response = fmt::format(
        "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{}\r\n"
        "Content-Length: 0\r\nConnection: close\r\n\r\n",
        total);
    SendAll(client, response.data(), response.size());
    return;
  }
  std::string header =
      from > 0 ? fmt::format(
                     "HTTP/1.1 206 Partial Content\r\nContent-Range: "
                     "bytes {}-{}/{}\r\n",
                     from, total - 1, total)
               : std::string("HTTP/1.1 200 OK\r\n");
  header += fmt::format("Content-Length: {}\r\n", total - from);
  if (!resource.linked_etag.empty()) {
    header += "X-Linked-Etag: \"" + resource.linked_etag + "\"\r\n";
  }
  header += "Accept-Ranges: bytes\r\nConnection: close\r\n\r\n";
  if (!SendAll(client, header.data(), header.size())) return;
  int64_t size = total - from;
  if (cut) size = std::min(size, resource.cut_after);
  SendAll(client, resource.body.data() + from, static_cast<size_t>(size));
}

}  // namespace parallax::testing
