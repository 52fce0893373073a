// The platform's own usage meter: counts per CCG × month × meter × detail in
// the billing database (billing.sqlite, or PostgreSQL's `usage` in server
// mode: every node counts into the same rows), committed before the counted
// event is acknowledged (docs/billing.md, "Metering").
//
//   CSU_ASSIGN_OR_RETURN(meter, Meter::Open(dir));
//   meter->Count("02E", Period::Of(today), "exports", "monitoring.xlsx");
//   meter->CountOnce("active:17:02E:2026-11", "02E", period, "active_users", "", 1);
//
// Thread-safe (one connection behind a mutex); the web server shares one.
// On SQLite its connection uses synchronous=NORMAL: a killed process keeps
// every count it committed; a power cut may lose the last few. On PostgreSQL
// a count is committed as the server commits anything (synchronous standby).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "billing/period.h"
#include "core/result.h"
#include "store/sql.h"

namespace csu::billing {

class Meter {
 public:
  // Opens (creating) DIR/billing.sqlite.
  static Result<std::unique_ptr<Meter>> Open(const std::string& dir);
  // Server mode: the billing tables in PostgreSQL (BillingStore::OpenServer),
  // on this connection of its own.
  static Result<std::unique_ptr<Meter>> OpenServer(std::unique_ptr<store::SqlConnection> db);
  ~Meter();

  // Adds `quantity` to the count. For events that are each new (a report
  // run, an API call).
  Status Count(const std::string& ccg, Period p, const std::string& meter, const std::string& detail,
               int64_t quantity = 1);
  // Several counts for one event (an API call that is also a report run), in
  // one transaction: one commit instead of one each.
  struct Tally {
    std::string meter;
    std::string detail;
    int64_t quantity = 1;
  };
  Status CountAll(const std::string& ccg, Period p, const std::vector<Tally>& tallies);
  // Adds `quantity` once per `key`, in one transaction with the key: returns
  // false (and changes nothing) when the key was counted before.
  Result<bool> CountOnce(const std::string& key, const std::string& ccg, Period p, const std::string& meter,
                         const std::string& detail, int64_t quantity, const std::string& at,
                         const std::string& actor);

  struct PassKey {
    explicit PassKey() = default;
  };
  Meter(PassKey, std::unique_ptr<store::SqlConnection> db, store::SqlStatement add, store::SqlStatement add_key);

 private:
  static Result<std::unique_ptr<Meter>> Adopt(std::unique_ptr<store::SqlConnection> db);
  std::mutex mu_;
  std::unique_ptr<store::SqlConnection> db_;
  // Prepared once: the web server counts on every request, and preparing
  // costs as much as the insert.
  store::SqlStatement add_, add_key_;
};

}  // namespace csu::billing
