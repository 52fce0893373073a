#include "http/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
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

// epoll tags for the two descriptors that are not connections (connection
// ids count up from 0 and never reach these).
constexpr uint64_t kListenTag = ~uint64_t{0};
constexpr uint64_t kWakeTag = ~uint64_t{0} - 1;

// An output buffer keeps its allocation between answers up to this size;
// a larger one (a big page) is given back once sent, so an idle keep-alive
// connection does not sit on the memory of its largest answer.
constexpr size_t kKeepOutputCapacity = 64 * 1024;

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

// Sends what the socket takes now, without blocking: the 503 to a connection
// refused at accept, which has nothing queued before it.
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
  uint64_t id = 0;
  int fd = -1;
  std::string remote;
  RequestParser parser;
  std::string in;    // received bytes the parser has not consumed (a pipelined next request)
  std::string out;   // answers queued for the client; out[0, sent) is already sent
  size_t sent = 0;
  ReadPhase phase = ReadPhase::kUnset;
  Clock::time_point deadline;        // the read phase's, or the linger's
  Clock::time_point write_deadline;  // while output is queued: last progress + write_timeout
  uint32_t interest = 0;             // epoll events asked for now
  bool busy = false;                 // its request is with the workers
  bool continue_sent = false;
  bool closing = false;  // the last answer is queued: half-close once it is sent
  bool lingering = false;
  size_t linger_bytes = 0;
  size_t requests = 0;

  explicit Connection(const ParserLimits& limits) : parser(limits) {}
  size_t pending() const { return out.size() - sent; }
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
  s.write_timeouts = write_timeouts_.load();
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
  ev.data.u64 = kListenTag;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  ev.data.u64 = kWakeTag;
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

bool Server::Reading(const Connection& c) const {
  return !c.lingering && !c.closing && !c.busy && c.pending() <= options_.max_output_bytes;
}

Server::Clock::time_point Server::Due(const Connection& c) const {
  if (c.lingering) return c.deadline;
  Clock::time_point due = Clock::time_point::max();
  if (c.pending() > 0) due = c.write_deadline;
  // A read deadline runs only while the loop is reading; the idle one counts
  // from the last answer having been sent, not queued.
  if (Reading(c) && c.phase != ReadPhase::kUnset && !(c.phase == ReadPhase::kIdle && c.pending() > 0)) {
    due = std::min(due, c.deadline);
  }
  return due;
}

void Server::SetInterest(Connection& c) {
  uint32_t want = 0;
  // EPOLLRDHUP only while reading: level-triggered, it would otherwise wake
  // the loop again and again for a paused connection whose client shut down.
  if (c.lingering || Reading(c)) want |= EPOLLIN | EPOLLRDHUP;
  if (c.pending() > 0) want |= EPOLLOUT;
  if (want == c.interest) return;
  epoll_event ev{};
  ev.events = want;
  ev.data.u64 = c.id;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
  c.interest = want;
}

void Server::CloseConnection(uint64_t id) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, it->second->fd, nullptr);
  ::close(it->second->fd);
  conns_.erase(it);
}

void Server::Queue(Connection& c, std::string bytes) {
  if (c.pending() == 0) {
    c.out = std::move(bytes);
    c.sent = 0;
    c.write_deadline = Clock::now() + options_.write_timeout;
    return;
  }
  c.out.erase(0, c.sent);
  c.sent = 0;
  c.out += bytes;
}

bool Server::Flush(Connection& c) {
  const size_t before = c.pending();
  while (c.pending() > 0) {
    ssize_t n = ::send(c.fd, c.out.data() + c.sent, c.pending(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      c.sent += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      break;
    } else {
      return false;  // the client is gone
    }
  }
  if (c.pending() == before) return true;
  const Clock::time_point now = Clock::now();
  c.write_deadline = now + options_.write_timeout;  // progress: the no-progress clock restarts
  if (c.pending() == 0) {
    if (c.out.capacity() > kKeepOutputCapacity) {
      std::string().swap(c.out);
    } else {
      c.out.clear();
    }
    c.sent = 0;
    // The idle wait for the next request starts when the answer is sent.
    if (c.phase == ReadPhase::kIdle) c.deadline = now + options_.idle_timeout;
  }
  return true;
}

void Server::Advance(Connection& c) {
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
      Job job;
      job.connection = c.id;
      job.request = std::move(c.parser.request());
      job.request.remote_address = c.remote;
      job.ready = now;
      job.number = ++c.requests;
      queue_.push_back(std::move(job));
      ++with_workers_;
      lock.unlock();
      work_cv_.notify_one();
      c.busy = true;
      c.parser.Reset();
      c.continue_sent = false;
      c.phase = ReadPhase::kUnset;
      return;
    }
    case RequestParser::State::kIncomplete:
      if (c.parser.expects_continue() && !c.continue_sent) {
        // Queued behind any answer still unsent, so responses stay in order.
        Queue(c, "HTTP/1.1 100 Continue\r\n\r\n");
        c.continue_sent = true;
      }
      ArmDeadline(c, now);
      return;
  }
}

bool Server::Pump(Connection& c) {
  const uint64_t id = c.id;
  if (!Flush(c)) {
    CloseConnection(id);
    return false;
  }
  if (Reading(c)) {
    if (stopping_ && c.parser.idle() && c.in.empty() && c.pending() == 0) {
      CloseConnection(id);  // between requests while stopping
      return false;
    }
    Advance(c);
    if (!Flush(c)) {
      CloseConnection(id);
      return false;
    }
  }
  if (c.closing && c.pending() == 0 && !c.lingering) {
    // Half-close and read on until the client closes, so our last answer is
    // read rather than lost to a reset caused by unread request bytes.
    ::shutdown(c.fd, SHUT_WR);
    c.lingering = true;
    c.deadline = Clock::now() + options_.linger_timeout;
  }
  SetInterest(c);
  return true;
}

void Server::LoopThread() {
  bool stop_handled = false;
  std::vector<epoll_event> events(64);
  while (true) {
    std::vector<Done> done;
    {
      std::lock_guard<std::mutex> lock(mu_);
      done.swap(done_);
    }
    for (Done& d : done) {
      auto it = conns_.find(d.connection);
      if (it == conns_.end()) continue;  // the client went away while its request ran
      Connection& c = *it->second;
      c.busy = false;
      Queue(c, std::move(d.wire));
      if (!d.keep) c.closing = true;
      Pump(c);
    }
    done.clear();
    if (stopping_ && !stop_handled) {
      // Stop accepting, and close connections that are between requests.
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
      ::close(listen_fd_);
      listen_fd_ = -1;
      std::vector<uint64_t> idle;
      for (auto& [id, c] : conns_) {
        if (Reading(*c) && c->pending() == 0 && c->parser.idle() && c->in.empty()) idle.push_back(id);
      }
      for (uint64_t id : idle) CloseConnection(id);
      stop_handled = true;
    }
    if (stop_handled && conns_.empty()) {
      std::lock_guard<std::mutex> lock(mu_);
      if (with_workers_ == 0 && done_.empty()) break;
    }

    Clock::time_point now = Clock::now();
    if (accept_paused_until_ != Clock::time_point() && now >= accept_paused_until_ && listen_fd_ >= 0) {
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = kListenTag;
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
      accept_paused_until_ = Clock::time_point();
    }
    int timeout_ms = -1;
    if (accept_paused_until_ != Clock::time_point()) timeout_ms = 100;
    for (auto& [id, c] : conns_) {
      const Clock::time_point due = Due(*c);
      if (due == Clock::time_point::max()) continue;
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(due - now).count() + 1;
      ms = std::max<int64_t>(ms, 0);
      if (timeout_ms < 0 || ms < timeout_ms) timeout_ms = static_cast<int>(std::min<int64_t>(ms, 60000));
    }
    int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout_ms);
    if (n < 0 && errno != EINTR) break;  // cannot happen with valid fds; leave rather than spin
    for (int i = 0; i < n; ++i) {
      const uint64_t tag = events[i].data.u64;
      const uint32_t ev = events[i].events;
      if (tag == kWakeTag) {
        uint64_t v;
        [[maybe_unused]] ssize_t r = ::read(wake_fd_, &v, sizeof(v));
        continue;
      }
      if (tag == kListenTag) {
        AcceptAll();
        continue;
      }
      auto it = conns_.find(tag);
      if (it == conns_.end()) continue;
      Connection& c = *it->second;
      if (ev & (EPOLLERR | EPOLLHUP)) {
        // Reset, or shut down both ways: nothing more can be said or heard.
        CloseConnection(tag);
        continue;
      }
      if (c.lingering) {
        // Discard what the client still sends until it closes, so our
        // refusal is read rather than lost to a reset.
        char buf[16384];
        ssize_t r;
        while ((r = ::recv(c.fd, buf, sizeof(buf), 0)) > 0) c.linger_bytes += static_cast<size_t>(r);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR) || c.linger_bytes > kMaxLingerBytes) {
          CloseConnection(tag);
        }
        continue;
      }
      if ((ev & (EPOLLIN | EPOLLRDHUP)) && Reading(c)) {
        bool closed = false;
        char buf[16384];
        while (true) {
          ssize_t r = ::recv(c.fd, buf, sizeof(buf), 0);
          if (r > 0) {
            c.in.append(buf, static_cast<size_t>(r));
            // The parser consumes whatever it can; a complete request goes
            // to the workers (or is refused), which ends this read: bytes
            // past it wait in c.in, so one client cannot make us buffer
            // without bound.
            Advance(c);
            if (!Reading(c) || c.parser.state() != RequestParser::State::kIncomplete) break;
            continue;
          }
          if (r < 0 && errno == EINTR) continue;
          if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
          // EOF or error: the client is gone; nothing can be answered.
          closed = true;
          break;
        }
        if (closed) {
          CloseConnection(tag);
          continue;
        }
      }
      Pump(c);
    }

    now = Clock::now();
    std::vector<uint64_t> expired;
    for (auto& [id, c] : conns_) {
      if (Due(*c) <= now) expired.push_back(id);
    }
    for (uint64_t id : expired) {
      Connection& c = *conns_[id];
      if (c.lingering) {
        CloseConnection(id);
      } else if (c.pending() > 0 && c.write_deadline <= now) {
        // The client took nothing for write_timeout: a slow or absent
        // reader. Nothing more can reach it.
        write_timeouts_++;
        CloseConnection(id);
      } else if (c.parser.idle() && c.in.empty()) {
        timeouts_++;
        CloseConnection(id);
      } else {
        timeouts_++;
        Refuse(c, 408, "the request was not received in time");
        Pump(c);
      }
    }
  }
  // Connections still open here are only lingering ones, or none.
  for (auto& [id, c] : conns_) ::close(c->fd);
  conns_.clear();
  {
    std::lock_guard<std::mutex> lock(mu_);
    loop_done_ = true;
  }
  work_cv_.notify_all();
}

void Server::AcceptAll() {
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
    if (conns_.size() >= options_.max_connections) {
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
    c->id = next_connection_id_++;
    c->fd = fd;
    c->remote = PeerAddress(ss);
    c->interest = EPOLLIN | EPOLLRDHUP;
    epoll_event ev{};
    ev.events = c->interest;
    ev.data.u64 = c->id;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
    ArmDeadline(*c, Clock::now());
    conns_[c->id] = std::move(c);
  }
}

void Server::Refuse(Connection& c, int status, std::string_view message) {
  Response r = Response::Error(status, message);
  if (status == 503) r.SetHeader("Retry-After", std::to_string(options_.retry_after_seconds));
  const std::string id = NextRequestId();
  const Request& partial = c.parser.request();
  const bool known = !partial.raw_path.empty();
  Queue(c, Serialize(r, {known && partial.method == Method::kHead, false, id, HttpDateNow()}));
  Log(id, known ? MethodName(partial.method) : "-", known ? std::string_view(partial.raw_path) : "-", status,
      r.body().size(), Clock::now());
  c.closing = true;
}

// ---- Worker threads ----------------------------------------------------------

void Server::WorkerThread() {
  while (true) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_cv_.wait(lock, [this] { return !queue_.empty() || loop_done_; });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    Done done = Serve(job);
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_.push_back(std::move(done));
      --with_workers_;
    }
    Wake();
  }
}

Server::Done Server::Serve(Job& job) {
  Request& req = job.request;
  req.request_id = NextRequestId();
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
  Done done;
  done.connection = job.connection;
  done.keep = req.WantsKeepAlive() && job.number < options_.max_requests_per_connection && !stopping_;
  const bool head = req.method == Method::kHead;
  done.wire = Serialize(response, {head, done.keep, req.request_id, HttpDateNow()});
  // Logged when the answer is handed to the loop: the worker is the one that
  // knows the request, and a connection dropped later does not unmake it.
  Log(req.request_id, MethodName(req.method), req.raw_path, response.status(), head ? 0 : response.body().size(),
      job.ready);
  return done;
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
