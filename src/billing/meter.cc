#include "billing/meter.h"

#include "billing/billing_store.h"
#include "billing/population.h"
#include "store/sqlite_db.h"

namespace csu::billing {
namespace {

constexpr const char* kAdd =
    "INSERT INTO usage(ccg, period, meter, detail, quantity) VALUES (?1,?2,?3,?4,?5) "
    "ON CONFLICT(ccg, period, meter, detail) DO UPDATE SET quantity=quantity+excluded.quantity";

}  // namespace

Meter::Meter(PassKey, std::unique_ptr<store::SqliteDb> db) : db_(std::move(db)) {}
Meter::~Meter() = default;

Result<std::unique_ptr<Meter>> Meter::Open(const std::string& dir) {
  CSU_ASSIGN_OR_RETURN(db, store::SqliteDb::Open(dir + "/billing.sqlite", ""));
  if (Status s = PrepareBillingDb(*db, "PRAGMA synchronous=NORMAL"); !s.ok()) return s.error();
  return std::make_unique<Meter>(PassKey(), std::move(db));
}

Status Meter::Count(const std::string& ccg, Period p, const std::string& meter, const std::string& detail,
                    int64_t quantity) {
  std::lock_guard<std::mutex> lock(mu_);
  // One statement is one (autocommit) transaction.
  CSU_ASSIGN_OR_RETURN(add, db_->Prepare(kAdd));
  add.Bind(1, CanonicalCcg(ccg)).Bind(2, p.ToString()).Bind(3, meter).Bind(4, detail).Bind(5, quantity);
  return add.Run();
}

Result<bool> Meter::CountOnce(const std::string& key, const std::string& ccg, Period p, const std::string& meter,
                              const std::string& detail, int64_t quantity, const std::string& at,
                              const std::string& actor) {
  std::lock_guard<std::mutex> lock(mu_);
  bool counted = false;
  store::SqliteDb& d = *db_;
  Status s = store::InTransaction(d, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(key_ins, d.Prepare(
        "INSERT INTO usage_keys(key, ccg, period, meter, quantity, at, actor) VALUES (?1,?2,?3,?4,?5,?6,?7) "
        "ON CONFLICT(key) DO NOTHING"));
    key_ins.Bind(1, key).Bind(2, CanonicalCcg(ccg)).Bind(3, p.ToString()).Bind(4, meter).Bind(5, quantity).Bind(6, at).Bind(7, actor);
    if (Status r = key_ins.Run(); !r.ok()) return r;
    CSU_ASSIGN_OR_RETURN(changes, d.Prepare("SELECT changes()"));
    CSU_ASSIGN_OR_RETURN(has, changes.Step());
    if (!has || changes.Int(0) == 0) return Status::Ok();
    CSU_ASSIGN_OR_RETURN(add, d.Prepare(kAdd));
    add.Bind(1, CanonicalCcg(ccg)).Bind(2, p.ToString()).Bind(3, meter).Bind(4, detail).Bind(5, quantity);
    if (Status r = add.Run(); !r.ok()) return r;
    counted = true;
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return counted;
}

}  // namespace csu::billing
