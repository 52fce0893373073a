#include "http/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>
#include <unordered_map>

namespace csu::http {
namespace {

// Where a connection is in reading a request; each phase has its own
// deadline, set once when the phase begins and never extended by progress
// (a byte every few seconds must not keep a request alive: slowloris).
enum class ReadPhase { kUnset, kIdle, kHeaders, kBody };

// After a refusal, at most this much more is read and discarded before the
// socket is closed (enough to drain a typical refused body).
constexpr size_t kMaxLingerBytes = 1024 * 1024;

std::string ErrnoText(int err) { return std::strerror(err); }

std::string PeerAddress(const sockaddr_storage& ss) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (ss.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
    ::inet_ntop(AF_INET, &in->sin_addr, buf, sizeof(buf));
  } else if (ss.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof(buf));
  }
  return buf;
}

// Sends what the socket takes now, without blocking: used on the loop thread
// for small refusals, where a slow reader must not stall every connection.
void SendNow(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return;
    }
  }
}

}  // namespace

struct Server::Connection {
  int fd = -1;
  std::string remote;
  RequestParser parser;
  std::string in;  // received bytes the parser has not consumed (a pipelined next request)
  ReadPhase phase = ReadPhase::kUnset;
  Clock::time_point deadline;
  Clock::time_point ready;  // when the current request became complete
  bool continue_sent = false;
  bool lingering = false;
  size_t linger_bytes = 0;
  size_t requests = 0;

  explicit Connection(const ParserLimits& limits) : parser(limits) {}
};

Server::Server(ServerOptions options, RequestHandler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {}

Server::~Server() { Stop(); }

ServerStats Server::stats() const {
  ServerStats s;
  s.connections_accepted = accepted_.load();
  s.requests_handled = handled_.load();
  s.overload_rejections = overloads_.load();
  s.timeouts = timeouts_.load();
  s.handler_errors = handler_errors_.load();
  s.in_flight = in_flight_.load();
  std::lock_guard<std::mutex> lock(mu_);
  s.queued = queue_.size();
  return s;
}

Status Server::Start() {
  const std::string where = options_.address + ":" + std::to_string(options_.port);
  if (started_) return MakeError(where, "the server is already running");
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
  addrinfo* info = nullptr;
  const std::string port_text = std::to_string(options_.port);
  if (int rc = ::getaddrinfo(options_.address.c_str(), port_text.c_str(), &hints, &info); rc != 0) {
    return MakeError(where, std::string("not a numeric address to listen on: ") + ::gai_strerror(rc));
  }
  int fd = ::socket(info->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    ::freeaddrinfo(info);
    return MakeError(where, "cannot create a socket: " + ErrnoText(errno));
  }
  int one = 1;
  // A restarted server can bind while old connections sit in TIME_WAIT.
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(fd, info->ai_addr, info->ai_addrlen) != 0 || ::listen(fd, 511) != 0) {
    int err = errno;
    ::freeaddrinfo(info);
    ::close(fd);
    return MakeError(where, "cannot listen: " + ErrnoText(err));
  }
  ::freeaddrinfo(info);
  sockaddr_storage bound{};
  socklen_t len = sizeof(bound);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  bound_port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                                  : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  listen_fd_ = fd;
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0) {
    const int err = errno;
    for (int* p : {&listen_fd_, &epoll_fd_, &wake_fd_}) {
      if (*p >= 0) ::close(*p);
      *p = -1;
    }
    return MakeError(where, "cannot create the event loop: " + ErrnoText(err));
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listen_fd_;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  ev.data.fd = wake_fd_;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);

  // Request ids: a random per-process prefix and a counter, so ids from two
  // runs (or two servers behind one proxy) do not collide in shipped logs.
  id_prefix_ = (static_cast<uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
  size_t workers = options_.worker_threads;
  if (workers == 0) workers = std::max<size_t>(2, std::thread::hardware_concurrency());
  stopping_ = false;
  loop_done_ = false;
  started_ = true;
  loop_ = std::thread([this] { LoopThread(); });
  for (size_t i = 0; i < workers; ++i) workers_.emplace_back([this] { WorkerThread(); });
  return Status::Ok();
}

void Server::Stop() {
  std::lock_guard<std::mutex> stop_lock(stop_mu_);
  if (!started_) return;
  stopping_ = true;
  Wake();
  loop_.join();
  for (auto& w : workers_) w.join();
  workers_.clear();
  ::close(listen_fd_);  // already closed by the loop when it began stopping; harmless EBADF otherwise
  ::close(epoll_fd_);
  ::close(wake_fd_);
  listen_fd_ = epoll_fd_ = wake_fd_ = -1;
  started_ = false;
}

void Server::Wake() {
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof(one));
}

std::string Server::NextRequestId() {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%016llx-%llu", static_cast<unsigned long long>(id_prefix_),
                static_cast<unsigned long long>(++id_counter_));
  return buf;
}

void Server::Log(std::string_view request_id, std::string_view method, std::string_view path, int status,
                 uint64_t bytes, Clock::time_point start) {
  if (!options_.access_log) return;
  AccessLogEntry e;
  e.time = std::chrono::system_clock::now();
  e.request_id = request_id;
  e.method = method;
  e.path = path;
  e.status = status;
  e.bytes = bytes;
  e.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
  options_.access_log(FormatAccessLogLine(e));
}

// ---- The event loop thread -------------------------------------------------

void Server::ArmDeadline(Connection& c, Clock::time_point now) {
  ReadPhase phase = c.parser.idle() && c.in.empty() ? ReadPhase::kIdle
                    : c.parser.headers_complete()   ? ReadPhase::kBody
                                                    : ReadPhase::kHeaders;
  if (phase == c.phase) return;
  c.phase = phase;
  switch (phase) {
    case ReadPhase::kIdle: c.deadline = now + options_.idle_timeout; break;
    case ReadPhase::kHeaders: c.deadline = now + options_.header_timeout; break;
    case ReadPhase::kBody: c.deadline = now + options_.body_timeout; break;
    case ReadPhase::kUnset: break;
  }
}

void Server::LoopThread() {
  // The connections the loop is reading from (or lingering on), by fd.
  std::unordered_map<int, std::unique_ptr<Connection>> conns;
  auto add = [&](std::unique_ptr<Connection> c) {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.fd = c->fd;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c->fd, &ev);
    Connection& ref = *c;
    conns[c->fd] = std::move(c);
    return &ref;
  };
  auto close_conn = [&](int fd) {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    ::close(fd);
    conns.erase(fd);
  };
  // Feeds c's buffered bytes to its parser, then: a complete request goes to
  // the workers (c leaves `conns`) or, with the queue full, is refused with
  // 503; a parse error is refused; a partial request gets its deadline (and
  // its 100 Continue). A refused connection stays in `conns`, lingering.
  auto advance = [&](Connection& c) {
    size_t used = c.parser.Feed(c.in);
    c.in.erase(0, used);
    const Clock::time_point now = Clock::now();
    switch (c.parser.state()) {
      case RequestParser::State::kError:
        Refuse(c, c.parser.error().status, c.parser.error().reason);
        return;
      case RequestParser::State::kComplete: {
        std::unique_lock<std::mutex> lock(mu_);
        if (queue_.size() >= options_.max_queued_requests) {
          lock.unlock();
          overloads_++;
          Refuse(c, 503, "the server is busy; try again shortly");
          return;
        }
        int fd = c.fd;
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
        auto it = conns.find(fd);
        it->second->ready = now;
        queue_.push_back(std::move(it->second));
        ++with_workers_;
        conns.erase(it);
        lock.unlock();
        work_cv_.notify_one();
        return;
      }
      case RequestParser::State::kIncomplete:
        if (c.parser.expects_continue() && !c.continue_sent) {
          SendNow(c.fd, "HTTP/1.1 100 Continue\r\n\r\n");
          c.continue_sent = true;
        }
        ArmDeadline(c, now);
        return;
    }
  };

  bool stop_handled = false;
  std::vector<epoll_event> events(64);
  while (true) {
    std::vector<std::unique_ptr<Connection>> back;
    {
      std::lock_guard<std::mutex> lock(mu_);
      back.swap(returned_);
    }
    for (auto& c : back) {
      if (stopping_ && c->parser.idle() && c->in.empty()) {
        ::close(c->fd);
        continue;
      }
      c->phase = ReadPhase::kUnset;
      advance(*add(std::move(c)));
    }
    if (stopping_ && !stop_handled) {
      // Stop accepting, and close connections that are between requests.
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
      ::close(listen_fd_);
      listen_fd_ = -1;
      std::vector<int> idle;
      for (auto& [fd, c] : conns) {
        if (!c->lingering && c->parser.idle() && c->in.empty()) idle.push_back(fd);
      }
      for (int fd : idle) close_conn(fd);
      stop_handled = true;
    }
    if (stop_handled && conns.empty()) {
      std::lock_guard<std::mutex> lock(mu_);
      if (with_workers_ == 0 && returned_.empty()) break;
    }

    Clock::time_point now = Clock::now();
    if (accept_paused_until_ != Clock::time_point() && now >= accept_paused_until_ && listen_fd_ >= 0) {
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.fd = listen_fd_;
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
      accept_paused_until_ = Clock::time_point();
    }
    int timeout_ms = -1;
    if (accept_paused_until_ != Clock::time_point()) timeout_ms = 100;
    for (auto& [fd, c] : conns) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(c->deadline - now).count() + 1;
      ms = std::max<int64_t>(ms, 0);
      if (timeout_ms < 0 || ms < timeout_ms) timeout_ms = static_cast<int>(std::min<int64_t>(ms, 60000));
    }
    int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout_ms);
    if (n < 0 && errno != EINTR) break;  // cannot happen with valid fds; leave rather than spin
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == wake_fd_) {
        uint64_t v;
        [[maybe_unused]] ssize_t r = ::read(wake_fd_, &v, sizeof(v));
        continue;
      }
      if (fd == listen_fd_) {
        AcceptAll(conns.size());
        // AcceptAll leaves new connections in pending_accepts_.
        for (auto& c : pending_accepts_) {
          Connection* added = add(std::move(c));
          ArmDeadline(*added, Clock::now());
        }
        pending_accepts_.clear();
        continue;
      }
      auto it = conns.find(fd);
      if (it == conns.end()) continue;
      Connection& c = *it->second;
      if (c.lingering) {
        // Discard what the client still sends until it closes, so our
        // refusal is read rather than lost to a reset.
        char buf[16384];
        ssize_t r;
        while ((r = ::recv(fd, buf, sizeof(buf), 0)) > 0) c.linger_bytes += static_cast<size_t>(r);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR) || c.linger_bytes > kMaxLingerBytes) {
          close_conn(fd);
        }
        continue;
      }
      bool closed = false;
      char buf[16384];
      while (true) {
        ssize_t r = ::recv(fd, buf, sizeof(buf), 0);
        if (r > 0) {
          c.in.append(buf, static_cast<size_t>(r));
          // The parser consumes whatever it can; a complete request leaves
          // the loop (or is refused), which ends this read.
          if (c.parser.state() == RequestParser::State::kIncomplete) advance(c);
          if (conns.find(fd) == conns.end() || c.lingering) break;
          // Bytes past a complete request wait in c.in; stop reading so one
          // client cannot make us buffer without bound.
          if (c.parser.state() != RequestParser::State::kIncomplete) break;
          continue;
        }
        if (r < 0 && errno == EINTR) continue;
        if (r < 0 && errno == EAGAIN) break;
        // EOF or error: the client is gone; nothing can be answered.
        closed = true;
        break;
      }
      if (closed) close_conn(fd);
    }

    now = Clock::now();
    std::vector<int> expired;
    for (auto& [fd, c] : conns) {
      if (c->deadline <= now) expired.push_back(fd);
    }
    for (int fd : expired) {
      Connection& c = *conns[fd];
      if (c.lingering) {
        close_conn(fd);
      } else if (c.parser.idle() && c.in.empty()) {
        timeouts_++;
        close_conn(fd);
      } else {
        timeouts_++;
        Refuse(c, 408, "the request was not received in time");
      }
    }
  }
  // Connections still open here are only lingering ones, or none.
  for (auto& [fd, c] : conns) ::close(fd);
  conns.clear();
  {
    std::lock_guard<std::mutex> lock(mu_);
    loop_done_ = true;
  }
  work_cv_.notify_all();
}

void Server::AcceptAll(size_t loop_open) {
  while (true) {
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      // EAGAIN: done. Out of descriptors: the pending connections wait in
      // the backlog; stop watching the listener for a moment, or the
      // level-triggered loop would spin on it.
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
        accept_paused_until_ = Clock::now() + std::chrono::milliseconds(100);
      }
      return;
    }
    accepted_++;
    int one = 1;
    // Without TCP_NODELAY a keep-alive response waits for the delayed ACK
    // (~40 ms per request; research/engineering.md E1).
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    size_t open_now;
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_now = loop_open + pending_accepts_.size() + with_workers_ + returned_.size();
    }
    if (open_now >= options_.max_connections) {
      overloads_++;
      Response r = Response::Error(503, "the server is busy; try again shortly");
      r.SetHeader("Retry-After", std::to_string(options_.retry_after_seconds));
      std::string id = NextRequestId();
      SendNow(fd, Serialize(r, {false, false, id, HttpDateNow()}));
      Log(id, "-", "-", 503, r.body().size(), Clock::now());
      ::close(fd);
      continue;
    }
    auto c = std::make_unique<Connection>(options_.limits);
    c->fd = fd;
    c->remote = PeerAddress(ss);
    pending_accepts_.push_back(std::move(c));
  }
}

void Server::Refuse(Connection& c, int status, std::string_view message) {
  Response r = Response::Error(status, message);
  if (status == 503) r.SetHeader("Retry-After", std::to_string(options_.retry_after_seconds));
  const std::string id = NextRequestId();
  const Request& partial = c.parser.request();
  const bool known = !partial.raw_path.empty();
  SendNow(c.fd, Serialize(r, {known && partial.method == Method::kHead, false, id, HttpDateNow()}));
  Log(id, known ? MethodName(partial.method) : "-", known ? std::string_view(partial.raw_path) : "-", status,
      r.body().size(), Clock::now());
  ::shutdown(c.fd, SHUT_WR);
  c.lingering = true;
  c.deadline = Clock::now() + options_.linger_timeout;
}

// ---- Worker threads ----------------------------------------------------------

void Server::WorkerThread() {
  while (true) {
    std::unique_ptr<Connection> c;
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_cv_.wait(lock, [this] { return !queue_.empty() || loop_done_; });
      if (queue_.empty()) return;
      c = std::move(queue_.front());
      queue_.pop_front();
    }
    ServeOnWorker(std::move(c));
  }
}

bool Server::WriteAll(int fd, std::string_view data) {
  const Clock::time_point deadline = Clock::now() + options_.write_timeout;
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return false;
      pollfd p{fd, POLLOUT, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
      continue;
    }
    return false;
  }
  return true;
}

void Server::ServeOnWorker(std::unique_ptr<Connection> c) {
  bool keep = true;
  while (true) {
    Request& req = c->parser.request();
    req.remote_address = c->remote;
    req.request_id = NextRequestId();
    ++c->requests;
    Response response;
    handled_++;
    in_flight_++;
    try {
      response = handler_(req);
    } catch (...) {
      // The exception's text may hold anything (paths, values, SQL): the
      // client and the access log get a fixed message only.
      handler_errors_++;
      response = Response::Error(500, "internal error");
    }
    in_flight_--;
    keep = req.WantsKeepAlive() && c->requests < options_.max_requests_per_connection && !stopping_;
    const bool head = req.method == Method::kHead;
    const std::string wire = Serialize(response, {head, keep, req.request_id, HttpDateNow()});
    const bool written = WriteAll(c->fd, wire);
    Log(req.request_id, MethodName(req.method), req.raw_path, response.status(),
        head ? 0 : response.body().size(), c->ready);
    if (!written) keep = false;
    if (!keep) break;
    // Answer a request already pipelined behind this one here; anything
    // less than a whole request goes back to the loop to be read there.
    c->parser.Reset();
    c->continue_sent = false;
    size_t used = c->parser.Feed(c->in);
    c->in.erase(0, used);
    if (c->parser.state() != RequestParser::State::kComplete) break;
    c->ready = Clock::now();
  }
  std::lock_guard<std::mutex> lock(mu_);
  --with_workers_;
  if (keep) {
    returned_.push_back(std::move(c));
  } else {
    ::close(c->fd);
  }
  Wake();
}

Result<std::pair<std::string, uint16_t>> ParseListenAddress(std::string_view text) {
  std::string host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return MakeError(std::string(text), "expected [address]:port");
    }
    host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) {
      return MakeError(std::string(text), "expected address:port (IPv6 as [address]:port)");
    }
    host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
  }
  if (host.empty()) return MakeError(std::string(text), "the address is missing");
  if (port.empty() || port.size() > 5) return MakeError(std::string(text), "the port must be 0-65535");
  uint32_t value = 0;
  for (char ch : port) {
    if (ch < '0' || ch > '9') return MakeError(std::string(text), "the port must be 0-65535");
    value = value * 10 + static_cast<uint32_t>(ch - '0');
  }
  if (value > 65535) return MakeError(std::string(text), "the port must be 0-65535");
  return std::make_pair(host, static_cast<uint16_t>(value));
}

}  // namespace csu::http
