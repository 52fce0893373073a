// The HTTP/1.1 server: a listening socket, one event-loop thread and a fixed
// pool of worker threads.
//
// The event loop (epoll) accepts connections and reads requests with
// non-blocking sockets until a whole request (headers and body) is parsed;
// only then does it hand the connection to a worker through a bounded
// queue. So a slow client (slowloris, a trickled body) or an idle keep-alive
// connection costs a file descriptor and a bounded buffer, never a worker;
// workers only run handlers and write responses. After a response on a
// keep-alive connection the worker answers any request already pipelined
// behind it, then gives the connection back to the loop.
//
// Limits and answers (docs/http.md has the full list):
//  - request syntax and sizes: RequestParser (400/411/413/414/417/431/501/505);
//  - queue of complete requests full: 503 with Retry-After, connection closed;
//  - open connections at max_connections: 503 at accept, closed;
//  - idle_timeout with no byte of a request: closed silently;
//  - header_timeout from a request's first byte to the end of its headers,
//    body_timeout from there to the end of the body: 408, closed;
//  - write_timeout for a response to drain: connection dropped;
//  - max_requests_per_connection: the last response says Connection: close;
//  - a handler that throws: 500 with a generic message (never the exception's).
// Every refusal closes the connection after a short lingering read so the
// client sees the answer rather than a reset.
//
// Thread-safety: Start() once; Stop(), port() and stats() from any thread.
// The handler runs on worker threads concurrently and must be thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "http/access_log.h"
#include "http/request.h"
#include "http/request_parser.h"
#include "http/response.h"

namespace csu::http {

// Handles one request; may throw (the server answers 500). The request is
// mutable so a Router can fill in path parameters.
using RequestHandler = std::function<Response(Request&)>;

struct ServerOptions {
  std::string address = "127.0.0.1";  // numeric IPv4 or IPv6 address to bind
  uint16_t port = 8080;                // 0: any free port (see Server::port())
  size_t worker_threads = 0;           // 0: one per hardware thread, at least 2
  size_t max_queued_requests = 64;     // complete requests waiting for a worker
  size_t max_connections = 1024;       // open connections, idle ones included
  size_t max_requests_per_connection = 1000;
  std::chrono::milliseconds idle_timeout{5000};    // keep-alive wait for the next request
  std::chrono::milliseconds header_timeout{10000}; // first byte to end of headers
  std::chrono::milliseconds body_timeout{30000};   // end of headers to end of body
  std::chrono::milliseconds write_timeout{30000};  // one response to drain
  std::chrono::milliseconds linger_timeout{1000};  // reading after a refusal, before close
  int retry_after_seconds = 1;                     // in 503 answers
  ParserLimits limits;
  AccessLogSink access_log = StderrAccessLog();  // empty (nullptr): no access log
};

// Counters for tests and monitoring; each is monotonic.
struct ServerStats {
  uint64_t connections_accepted = 0;
  uint64_t requests_handled = 0;     // reached the handler
  uint64_t overload_rejections = 0;  // 503 for a full queue or too many connections
  uint64_t timeouts = 0;             // 408 answers and silent idle closes
  uint64_t handler_errors = 0;       // handler threw: 500
  uint64_t in_flight = 0;            // requests inside the handler right now (not monotonic)
  uint64_t queued = 0;               // complete requests waiting for a worker now (not monotonic)
};

class Server {
 public:
  Server(ServerOptions options, RequestHandler handler);
  // Stops (gracefully) if still running.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the threads. Returns an error naming the
  // address when the socket cannot be bound (in use, not an address, ...).
  Status Start();

  // Graceful stop: stops accepting, closes idle keep-alive connections,
  // lets every request already received (in a handler, queued, or partly
  // read within its deadlines) be answered with "Connection: close", then
  // joins every thread. Idempotent; blocks until done. A handler that never
  // returns blocks Stop() too: handlers must finish.
  void Stop();

  // The bound port (the real one when options.port was 0); 0 before Start().
  uint16_t port() const { return bound_port_; }
  ServerStats stats() const;  // takes the queue lock briefly

 private:
  struct Connection;
  using Clock = std::chrono::steady_clock;

  void LoopThread();
  void WorkerThread();
  // Accepts every pending connection into pending_accepts_ (loop thread);
  // `loop_open` is how many connections the loop holds now.
  void AcceptAll(size_t loop_open);
  // Sets the read deadline when the connection enters a new read phase.
  void ArmDeadline(Connection& c, Clock::time_point now);
  // Answers `status` with Connection: close from the loop thread, then lingers.
  void Refuse(Connection& c, int status, std::string_view message);
  void Wake();
  // Runs the handler for c's complete request (and any pipelined after it)
  // and writes the responses; then returns c to the loop or closes it.
  void ServeOnWorker(std::unique_ptr<Connection> c);
  // Blocking write bounded by write_timeout; false when the client is gone or too slow.
  bool WriteAll(int fd, std::string_view data);
  void Log(std::string_view request_id, std::string_view method, std::string_view path, int status,
           uint64_t bytes, Clock::time_point start);
  std::string NextRequestId();

  const ServerOptions options_;
  const RequestHandler handler_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: Stop() and workers returning connections
  uint16_t bound_port_ = 0;
  bool started_ = false;

  std::thread loop_;
  std::vector<std::thread> workers_;

  // Owned by the loop thread only (AcceptAll runs on it).
  std::vector<std::unique_ptr<Connection>> pending_accepts_;
  Clock::time_point accept_paused_until_{};  // set while out of file descriptors

  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  std::deque<std::unique_ptr<Connection>> queue_;     // complete requests for workers
  std::vector<std::unique_ptr<Connection>> returned_;  // keep-alive connections back from workers
  size_t with_workers_ = 0;  // connections queued or held by a worker
  bool loop_done_ = false;   // the loop has exited: workers exit when the queue is empty

  std::atomic<bool> stopping_{false};
  std::mutex stop_mu_;  // serialises Stop()
  uint64_t id_prefix_ = 0;
  std::atomic<uint64_t> id_counter_{0};

  std::atomic<uint64_t> accepted_{0}, handled_{0}, overloads_{0}, timeouts_{0}, handler_errors_{0}, in_flight_{0};
};

// Splits "host:port" or "[v6]:port" for --listen. Returns an error for a
// missing or out-of-range port.
Result<std::pair<std::string, uint16_t>> ParseListenAddress(std::string_view text);

}  // namespace csu::http
