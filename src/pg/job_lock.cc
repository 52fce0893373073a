#include "pg/job_lock.h"

#include <unistd.h>

#include <climits>

#include "pg/pg_connection.h"

namespace csu::pg {
namespace {

// pg_locks shows an advisory lock on one bigint as classid (the high 32
// bits) and objid (the low 32 bits), with objsubid 1.
constexpr const char* kThisLock =
    "l.locktype = 'advisory' AND l.granted AND l.classid::bigint = ?1 AND l.objid::bigint = ?2 AND l.objsubid = 1";

int64_t High(int64_t key) { return static_cast<int64_t>((static_cast<uint64_t>(key) >> 32) & 0xffffffffu); }
int64_t Low(int64_t key) { return static_cast<int64_t>(static_cast<uint64_t>(key) & 0xffffffffu); }

std::string HostName() {
  char host[HOST_NAME_MAX + 1] = {};
  if (::gethostname(host, sizeof host - 1) != 0) return "unknown host";
  return host;
}

}  // namespace

Result<std::string> LockHolder(store::SqlConnection& db, int64_t raw_key) {
  CSU_ASSIGN_OR_RETURN(key, SchemaLockKey(db, raw_key));
  CSU_ASSIGN_OR_RETURN(q, db.Prepare(std::string(
                              "SELECT l.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), ''), "
                              "coalesce(to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') "
                              "FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid WHERE ") +
                          kThisLock + " ORDER BY l.pid LIMIT 1"));
  q.Bind(1, High(key)).Bind(2, Low(key));
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return std::string();
  const std::string app = q.Text(1), from = q.Text(2), since = q.Text(3);
  std::string out = app.empty() ? "a session" : app;
  out += " (PostgreSQL backend " + std::to_string(q.Int(0));
  out += from.empty() ? ", a local connection" : " from " + from;
  if (!since.empty()) out += ", connected since " + since;
  return out + ")";
}

Result<std::unique_ptr<JobLock>> JobLock::Take(const std::string& url, int64_t key, const std::string& job) {
  CSU_ASSIGN_OR_RETURN(db, Connect(url));
  // Named, so that a refused run can say who holds the lock (PostgreSQL
  // keeps the first 63 bytes).
  CSU_ASSIGN_OR_RETURN(name, db->Prepare("SELECT set_config('application_name', ?1, false)"));
  name.Bind(1, "csu " + job + " on " + HostName() + " pid " + std::to_string(::getpid()));
  if (Status s = name.Run(); !s.ok()) return s.error();
  // The key in this installation's schema (pg_connection.h), kept for the
  // unlock and the checks.
  CSU_ASSIGN_OR_RETURN(scoped, SchemaLockKey(*db, key));
  CSU_ASSIGN_OR_RETURN(q, db->Prepare("SELECT CASE WHEN pg_try_advisory_lock(?1) THEN 1 ELSE 0 END"));
  q.Bind(1, scoped);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  const bool got = row && q.Int(0) == 1;
  q.Reset();
  if (!got) {
    CSU_ASSIGN_OR_RETURN(holder, LockHolder(*db, key));
    return MakeError(db->Name(), "another " + job + " is running against this database" +
                                     (holder.empty() ? std::string() : ": " + holder + " holds its lock") +
                                     "; nothing was done, try again when it has finished");
  }
  return std::make_unique<JobLock>(std::move(db), scoped, job);
}

JobLock::~JobLock() {
  // Best effort: a lost connection has no lock to give back.
  auto q = db_->Prepare("SELECT pg_advisory_unlock(?1)");
  if (q.ok()) (void)q.value().Bind(1, key_).Step();
}

Status JobLock::StillHeld() {
  auto check = [&]() -> Result<bool> {
    CSU_ASSIGN_OR_RETURN(q, db_->Prepare(std::string("SELECT count(*) FROM pg_locks l WHERE l.pid = pg_backend_pid() "
                                                     "AND ") +
                                         kThisLock));
    q.Bind(1, High(key_)).Bind(2, Low(key_));
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    return row && q.Int(0) > 0;
  };
  auto held = check();
  if (held.ok() && held.value()) return Status::Ok();
  return MakeError(db_->Name(), "the " + job_ + " lost its lock (its connection to the database was lost" +
                                    (held.ok() ? std::string() : ": " + held.error().why) +
                                    "), so another " + job_ + " may have started: stopped; run it again to finish");
}

}  // namespace csu::pg
