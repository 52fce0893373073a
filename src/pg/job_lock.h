// A singleton job's lock in server mode (docs/server-mode.md, "Singleton
// jobs"): a session-level PostgreSQL advisory lock on a connection of its
// own, held from Take until the JobLock is destroyed (or its connection is
// lost, when the server lets it go), so that the job runs on one machine at
// a time however many nodes or command lines start it. A second Take is
// refused with an error naming who holds it: the holder's application name
// (which Take sets to the job, host and process), PostgreSQL backend, client
// address and since when.
//
//   CSU_ASSIGN_OR_RETURN(job, pg::JobLock::Take(url, billing::kInvoiceRunJobLock, "invoice run"));
//   ... before each unit of work: if (Status s = job->StillHeld(); !s.ok()) stop ...
//
// Not thread-safe (one connection).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/result.h"
#include "store/sql.h"

namespace csu::pg {

class JobLock {
 public:
  // Connects to `url` and takes `key` without waiting. `job` names the job
  // in the holder's application name and in errors ("invoice run").
  static Result<std::unique_ptr<JobLock>> Take(const std::string& url, int64_t key, const std::string& job);
  // OK while this session holds the lock. An Error when it does not any
  // more: the connection was lost (a failover, a restarted or killed
  // backend), so the server has released it and another run may have taken
  // it; the job should stop and be run again.
  Status StillHeld();
  // Releases the lock before the connection closes: a closed connection's
  // backend lets its locks go only when it has exited, a moment after the
  // client has gone, so a run started straight after this one ends (a
  // script's next command, a retry) would otherwise be refused.
  ~JobLock();

  // `scoped_key`: the key as the server took it (SchemaLockKey).
  JobLock(std::unique_ptr<store::SqlConnection> db, int64_t scoped_key, std::string job)
      : db_(std::move(db)), key_(scoped_key), job_(std::move(job)) {}

 private:
  std::unique_ptr<store::SqlConnection> db_;
  int64_t key_;
  std::string job_;
};

// Who holds the session-level advisory lock `key` (store/sql.h's number, in
// `db`'s schema: pg_connection.h's SchemaLockKey) on `db`'s server: "csu
// invoice run on host1 pid 4242 (PostgreSQL backend 977 from 10.0.0.5,
// connected since 2026-12-07T13:40:01Z)", or "" when nobody does.
Result<std::string> LockHolder(store::SqlConnection& db, int64_t key);

}  // namespace csu::pg
