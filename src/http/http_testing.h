// Test helpers for anything served by http::Server: a raw loopback client
// that sends exactly the bytes a test means (malformed ones included) and
// reads Content-Length framed responses. Header-only; tests only.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace csu::http::testing {

// A raw client socket, so tests can send exactly the bytes they mean.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  struct Reply {
    int status = 0;  // 0: connection closed (or timed out) before a response
    std::string head;
    std::string body;
    bool Has(std::string_view header_line) const { return head.find(header_line) != std::string::npos; }
  };

  // Reads one response (Content-Length framed; HEAD replies pass head_only).
  Reply Read(bool head_only = false, std::chrono::milliseconds wait = std::chrono::seconds(10)) {
    Reply r;
    auto deadline = std::chrono::steady_clock::now() + wait;
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill(deadline)) return r;
    }
    r.head = buf_.substr(0, end + 4);
    buf_.erase(0, end + 4);
    r.status = std::stoi(r.head.substr(9, 3));
    size_t length = 0;
    if (size_t at = r.head.find("Content-Length: "); at != std::string::npos && !head_only) {
      length = std::stoul(r.head.substr(at + 16));
    }
    while (buf_.size() < length) {
      if (!Fill(deadline)) return Reply{};
    }
    r.body = buf_.substr(0, length);
    buf_.erase(0, length);
    return r;
  }

  // True when the server closes the connection within `wait` (nothing more to read).
  bool ClosedWithin(std::chrono::milliseconds wait) {
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (true) {
      size_t before = buf_.size();
      if (!Fill(deadline)) return eof_;
      if (buf_.size() == before) return eof_;
    }
  }

 private:
  bool Fill(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char chunk[8192];
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buf_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  std::string buf_;
};

}  // namespace csu::http::testing
