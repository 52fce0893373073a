#include "pg/batch_listener.h"

#include <libpq-fe.h>
#include <poll.h>

#include <thread>

#include "pg/batch_chunks.h"
#include "pg/pg_connection.h"

namespace csu::pg {

struct BatchListener::Conn {
  std::string url;
  PGconn* pg = nullptr;
  ~Conn() {
    if (pg != nullptr) PQfinish(pg);
  }
};

namespace {

void IgnoreNotice(void*, const char*) {}

// LISTEN on a fresh or reset connection; false when it failed.
bool Listen(PGconn* pg) {
  if (PQstatus(pg) != CONNECTION_OK) return false;
  PQsetNoticeProcessor(pg, IgnoreNotice, nullptr);
  PGresult* r = PQexec(pg, (std::string("LISTEN ") + kBatchChannel).c_str());
  const bool ok = r != nullptr && PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  return ok;
}

}  // namespace

BatchListener::BatchListener(std::unique_ptr<Conn> conn) : conn_(std::move(conn)) {}
BatchListener::~BatchListener() = default;

Result<std::unique_ptr<BatchListener>> BatchListener::Open(const std::string& url) {
  auto conn = std::make_unique<Conn>();
  conn->url = url;
  conn->pg = PQconnectdb(url.c_str());
  if (conn->pg == nullptr || !Listen(conn->pg)) {
    std::string why = conn->pg != nullptr ? PQerrorMessage(conn->pg) : "out of memory";
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return MakeError(RedactedUrl(url), "cannot LISTEN for batches: " + why);
  }
  return std::unique_ptr<BatchListener>(new BatchListener(std::move(conn)));
}

bool BatchListener::Wait(std::chrono::milliseconds timeout) {
  PGconn* pg = conn_->pg;
  if (PQstatus(pg) != CONNECTION_OK) {
    PQreset(pg);
    if (!Listen(pg)) {
      std::this_thread::sleep_for(timeout);
      return false;
    }
  }
  auto drain = [pg] {
    bool heard = false;
    while (PGnotify* n = PQnotifies(pg)) {
      heard = true;
      PQfreemem(n);
    }
    return heard;
  };
  if (drain()) return true;
  pollfd p{PQsocket(pg), POLLIN, 0};
  if (p.fd < 0) {
    std::this_thread::sleep_for(timeout);
    return false;
  }
  const int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (ready <= 0) return false;
  if (PQconsumeInput(pg) == 0) return false;  // broken: made again on the next call
  return drain();
}

}  // namespace csu::pg
