// The platform's own usage meter: counts per CCG × month × meter × detail in
// billing.sqlite, committed before the counted event is acknowledged
// (docs/billing.md, "Metering").
//
//   CSU_ASSIGN_OR_RETURN(meter, Meter::Open(dir));
//   meter->Count("02E", Period::Of(today), "exports", "monitoring.xlsx");
//   meter->CountOnce("active:17:02E:2026-11", "02E", period, "active_users", "", 1);
//
// Thread-safe (one connection behind a mutex); the web server shares one.
// Its connection uses synchronous=NORMAL: a killed process keeps every count
// it committed; a power cut may lose the last few.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "billing/period.h"
#include "core/result.h"

namespace csu::store {
class SqliteDb;
}

namespace csu::billing {

class Meter {
 public:
  // Opens (creating) DIR/billing.sqlite.
  static Result<std::unique_ptr<Meter>> Open(const std::string& dir);
  ~Meter();

  // Adds `quantity` to the count. For events that are each new (a report
  // run, an API call).
  Status Count(const std::string& ccg, Period p, const std::string& meter, const std::string& detail,
               int64_t quantity = 1);
  // Adds `quantity` once per `key`, in one transaction with the key: returns
  // false (and changes nothing) when the key was counted before.
  Result<bool> CountOnce(const std::string& key, const std::string& ccg, Period p, const std::string& meter,
                         const std::string& detail, int64_t quantity, const std::string& at,
                         const std::string& actor);

  struct PassKey {
    explicit PassKey() = default;
  };
  Meter(PassKey, std::unique_ptr<store::SqliteDb> db);

 private:
  std::mutex mu_;
  std::unique_ptr<store::SqliteDb> db_;
};

}  // namespace csu::billing
