// The HTTP/1.1 server: a listening socket, one event-loop thread and a fixed
// pool of worker threads.
//
// The event loop (epoll) owns every socket. It accepts connections, reads
// requests with non-blocking sockets until a whole request (headers and
// body) is parsed, and only then hands the request (never the socket) to a
// worker through a bounded queue. The worker runs the handler, serialises the
// response and hands the bytes back; the loop writes them as the socket
// becomes writable. So a slow client (slowloris, a trickled body, a reader
// that never reads) or an idle keep-alive connection costs a file descriptor
// and bounded buffers, never a worker. A connection has at most one request
// with the workers at a time, so its answers leave in order.
//
// Limits and answers (docs/http.md has the full list):
//  - request syntax and sizes: RequestParser (400/411/413/414/417/431/501/505);
//  - queue of complete requests full: 503 with Retry-After, connection closed;
//  - open connections at max_connections: 503 at accept, closed;
//  - idle_timeout with no byte of a request: closed silently;
//  - header_timeout from a request's first byte to the end of its headers,
//    body_timeout from there to the end of the body: 408, closed;
//  - output queued above max_output_bytes: the connection's next request is
//    not read until the client has taken enough (backpressure);
//  - write_timeout without the client taking a byte of queued output:
//    connection dropped;
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
#include <unordered_map>
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
  std::chrono::milliseconds idle_timeout{5000};    // last response sent to the next request's first byte
  std::chrono::milliseconds header_timeout{10000}; // first byte to end of headers
  std::chrono::milliseconds body_timeout{30000};   // end of headers to end of body
  // A connection whose queued output makes no progress (not one byte
  // taken by the socket) for this long is dropped.
  std::chrono::milliseconds write_timeout{10000};
  // Output queued for one connection above which its next request is not
  // read or parsed until the client has taken enough (backpressure). A
  // connection holds at most this plus one response.
  size_t max_output_bytes = 1024 * 1024;
  std::chrono::milliseconds linger_timeout{1000};  // reading after a last answer or refusal, before close
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
  uint64_t write_timeouts = 0;       // connections dropped after write_timeout without write progress
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
  // A complete request on its way to a worker, and its answer on the way back.
  struct Job {
    uint64_t connection = 0;  // Connection::id, never the socket
    Request request;
    Clock::time_point ready;  // when the request became complete (access log duration)
    size_t number = 0;        // requests on the connection so far, this one included
  };
  struct Done {
    uint64_t connection = 0;
    std::string wire;  // the serialised response
    bool keep = true;  // false: the last answer on the connection
  };

  void LoopThread();
  void WorkerThread();
  // Accepts every pending connection into conns_ (loop thread).
  void AcceptAll();
  // Sets the read deadline when the connection enters a new read phase.
  void ArmDeadline(Connection& c, Clock::time_point now);
  // When c's next deadline falls (read, write or linger, whichever applies now).
  Clock::time_point Due(const Connection& c) const;
  // True while the loop reads and parses c's next request: not lingering or
  // closing, no request with the workers, output at or under the cap.
  bool Reading(const Connection& c) const;
  // Feeds c's buffered bytes to its parser: a complete request goes to the
  // workers (or is refused 503 with the queue full), an error is refused, a
  // partial one gets its deadline and its 100 Continue.
  void Advance(Connection& c);
  // Writes what the socket takes, parses on if allowed, half-closes after a
  // last answer and sets the epoll interest. False when c was closed (the
  // reference is then dangling).
  bool Pump(Connection& c);
  // Sends queued output without blocking; false when the client is gone.
  bool Flush(Connection& c);
  void Queue(Connection& c, std::string bytes);
  void SetInterest(Connection& c);
  void CloseConnection(uint64_t id);
  // Queues `status` with Connection: close; once sent, the connection lingers.
  void Refuse(Connection& c, int status, std::string_view message);
  void Wake();
  // Runs the handler on a worker and serialises the answer.
  Done Serve(Job& job);
  void Log(std::string_view request_id, std::string_view method, std::string_view path, int status,
           uint64_t bytes, Clock::time_point start);
  std::string NextRequestId();

  const ServerOptions options_;
  const RequestHandler handler_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: Stop() and workers handing back answers
  uint16_t bound_port_ = 0;
  bool started_ = false;

  std::thread loop_;
  std::vector<std::thread> workers_;

  // Owned by the loop thread only.
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> conns_;  // every open connection, by id
  uint64_t next_connection_id_ = 0;
  Clock::time_point accept_paused_until_{};  // set while out of file descriptors

  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  std::deque<Job> queue_;   // complete requests for workers
  std::vector<Done> done_;  // answers back from workers, for the loop to write
  size_t with_workers_ = 0;  // jobs queued or running (not yet in done_)
  bool loop_done_ = false;   // the loop has exited: workers exit when the queue is empty

  std::atomic<bool> stopping_{false};
  std::mutex stop_mu_;  // serialises Stop()
  uint64_t id_prefix_ = 0;
  std::atomic<uint64_t> id_counter_{0};

  std::atomic<uint64_t> accepted_{0}, handled_{0}, overloads_{0}, timeouts_{0}, handler_errors_{0}, in_flight_{0},
      write_timeouts_{0};
};

// Splits "host:port" or "[v6]:port" for --listen. Returns an error for a
// missing or out-of-range port.
Result<std::pair<std::string, uint16_t>> ParseListenAddress(std::string_view text);

}  // namespace csu::http
