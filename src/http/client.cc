#include "http/client.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <fcntl.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace csu::http {
namespace {

using Clock = std::chrono::steady_clock;

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

int RemainingMs(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(left);
}

// Waits for `events` on fd until the deadline; false on timeout or error.
bool WaitFor(int fd, short events, Clock::time_point deadline) {
  while (true) {
    pollfd p{fd, events, 0};
    const int ms = RemainingMs(deadline);
    if (ms == 0) return false;
    const int n = ::poll(&p, 1, ms);
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

}  // namespace

Result<ClientResponse> ParseResponse(std::string_view bytes) {
  const size_t end = bytes.find("\r\n\r\n");
  if (end == std::string_view::npos) return MakeError("http response", "no end of headers");
  std::string_view head = bytes.substr(0, end);
  const size_t eol = head.find("\r\n");
  std::string_view status_line = head.substr(0, eol);
  if (status_line.size() < 12 || (status_line.substr(0, 9) != "HTTP/1.1 " && status_line.substr(0, 9) != "HTTP/1.0 "))
    return MakeError("http response", "not an HTTP/1.x status line");
  ClientResponse r;
  for (size_t i = 9; i < 12; ++i) {
    if (status_line[i] < '0' || status_line[i] > '9') return MakeError("http response", "the status is not three digits");
    r.status = r.status * 10 + (status_line[i] - '0');
  }
  if (status_line.size() > 12 && status_line[12] != ' ') return MakeError("http response", "the status is not three digits");
  std::string_view rest = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 2);
  long long content_length = -1;
  while (!rest.empty()) {
    const size_t e = rest.find("\r\n");
    std::string_view line = rest.substr(0, e);
    rest = e == std::string_view::npos ? std::string_view() : rest.substr(e + 2);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return MakeError("http response", "a header line has no name");
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    if (name == "transfer-encoding") return MakeError("http response", "a transfer encoding is not accepted");
    if (name == "content-length") {
      if (value.empty() || value.size() > 15) return MakeError("http response", "a bad Content-Length");
      long long n = 0;
      for (char c : value) {
        if (c < '0' || c > '9') return MakeError("http response", "a bad Content-Length");
        n = n * 10 + (c - '0');
      }
      if (content_length >= 0 && content_length != n) return MakeError("http response", "two different Content-Lengths");
      content_length = n;
    }
    r.headers.emplace_back(std::move(name), std::string(value));
  }
  std::string_view body = bytes.substr(end + 4);
  if (content_length >= 0) {
    if (body.size() < static_cast<size_t>(content_length)) return MakeError("http response", "the body is cut short");
    body = body.substr(0, static_cast<size_t>(content_length));
  }
  r.body = std::string(body);
  return r;
}

Result<ClientResponse> Send(const ClientRequest& req, bool* connected) {
  if (connected != nullptr) *connected = false;
  const std::string& base_url = req.base_url;
  const std::string& target = req.target;
  const std::string where = base_url + target.substr(0, target.find('?'));
  const std::string scheme = "http://";
  if (base_url.compare(0, scheme.size(), scheme) != 0) return MakeError(where, "only http:// base URLs are supported");
  const std::string authority = base_url.substr(scheme.size());
  const size_t colon = authority.rfind(':');
  if (colon == std::string::npos) return MakeError(where, "the base URL has no port");
  std::string host = authority.substr(0, colon);
  const std::string port = authority.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (target.empty() || target[0] != '/' || target.find_first_of(" \r\n") != std::string::npos)
    return MakeError(where, "the target must start with / and hold no space or line break");
  if (req.method.empty() || req.method.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos)
    return MakeError(where, "the method must be upper-case letters");
  for (const auto& [k, v] : req.headers)
    if (k.empty() || k.find_first_of("\r\n: ") != std::string::npos || v.find_first_of("\r\n") != std::string::npos)
      return MakeError(where, "a header holds a line break");
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(req.timeout_ms);

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0)
    return MakeError(where, std::string("cannot resolve the host: ") + ::gai_strerror(rc));
  Fd sock;
  std::string last_error = "no address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    Fd s;
    s.fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (s.fd < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    if (::connect(s.fd, a->ai_addr, a->ai_addrlen) != 0) {
      if (errno != EINPROGRESS) {
        last_error = std::strerror(errno);
        continue;
      }
      if (!WaitFor(s.fd, POLLOUT, deadline)) {
        last_error = "connect timed out";
        continue;
      }
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        last_error = std::strerror(err);
        continue;
      }
    }
    std::swap(sock.fd, s.fd);
    break;
  }
  ::freeaddrinfo(found);
  if (sock.fd < 0) return MakeError(where, "cannot connect: " + last_error);
  if (connected != nullptr) *connected = true;

  std::string request = req.method + " " + target + " HTTP/1.1\r\nHost: " + authority + "\r\nConnection: close\r\n";
  for (const auto& [k, v] : req.headers) request += k + ": " + v + "\r\n";
  if (!req.body.empty() || req.method == "POST") request += "Content-Length: " + std::to_string(req.body.size()) + "\r\n";
  request += "\r\n";
  request += req.body;
  for (size_t sent = 0; sent < request.size();) {
    const ssize_t n = ::send(sock.fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!WaitFor(sock.fd, POLLOUT, deadline)) return MakeError(where, "sending timed out");
      continue;
    }
    return MakeError(where, std::string("sending failed: ") + std::strerror(errno));
  }
  std::string answer;
  char buf[65536];
  while (true) {
    const ssize_t n = ::recv(sock.fd, buf, sizeof buf, 0);
    if (n > 0) {
      answer.append(buf, static_cast<size_t>(n));
      if (answer.size() > req.max_bytes)
        return MakeError(where, "the answer is larger than " + std::to_string(req.max_bytes) + " bytes");
      continue;
    }
    if (n == 0) break;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!WaitFor(sock.fd, POLLIN, deadline)) return MakeError(where, "the answer timed out");
      continue;
    }
    return MakeError(where, std::string("receiving failed: ") + std::strerror(errno));
  }
  auto parsed = ParseResponse(answer);
  if (!parsed.ok()) return MakeError(where, parsed.error().why);
  return parsed;
}

Result<ClientResponse> Get(const std::string& base_url, const std::string& target,
                           const std::vector<std::pair<std::string, std::string>>& headers, int timeout_ms,
                           size_t max_bytes) {
  ClientRequest r;
  r.base_url = base_url;
  r.target = target;
  r.headers = headers;
  r.timeout_ms = timeout_ms;
  r.max_bytes = max_bytes;
  return Send(r);
}

}  // namespace csu::http
