#include "billing/meter.h"

#include "billing/billing_store.h"
#include "billing/population.h"
#include "store/sql.h"
#include "store/sqlite_db.h"

namespace csu::billing {
namespace {

constexpr const char* kAdd =
    "INSERT INTO usage(ccg, period, meter, detail, quantity) VALUES (?1,?2,?3,?4,?5) "
    "ON CONFLICT(ccg, period, meter, detail) DO UPDATE SET quantity=usage.quantity+excluded.quantity";

}  // namespace

constexpr const char* kAddKey =
    "INSERT INTO usage_keys(key, ccg, period, meter, quantity, at, actor) VALUES (?1,?2,?3,?4,?5,?6,?7) "
    "ON CONFLICT(key) DO NOTHING RETURNING key";

Meter::Meter(PassKey, std::unique_ptr<store::SqlConnection> db, store::SqlStatement add, store::SqlStatement add_key)
    : db_(std::move(db)), add_(std::move(add)), add_key_(std::move(add_key)) {}
Meter::~Meter() = default;

Result<std::unique_ptr<Meter>> Meter::Adopt(std::unique_ptr<store::SqlConnection> db) {
  CSU_ASSIGN_OR_RETURN(add, db->Prepare(kAdd));
  CSU_ASSIGN_OR_RETURN(add_key, db->Prepare(kAddKey));
  return std::make_unique<Meter>(PassKey(), std::move(db), std::move(add), std::move(add_key));
}

Result<std::unique_ptr<Meter>> Meter::Open(const std::string& dir) {
  CSU_ASSIGN_OR_RETURN(db, store::SqliteDb::Open(dir + "/billing.sqlite", ""));
  if (Status s = PrepareBillingDb(*db, "PRAGMA synchronous=NORMAL"); !s.ok()) return s.error();
  return Adopt(std::make_unique<store::SqliteConnection>(std::move(db)));
}

Result<std::unique_ptr<Meter>> Meter::OpenServer(std::unique_ptr<store::SqlConnection> db) {
  if (Status s = PrepareServerBillingDb(*db); !s.ok()) return s.error();
  return Adopt(std::move(db));
}

Status Meter::Count(const std::string& ccg, Period p, const std::string& meter, const std::string& detail,
                    int64_t quantity) {
  std::lock_guard<std::mutex> lock(mu_);
  // One statement is one (autocommit) transaction.
  add_.Reset();
  add_.Bind(1, CanonicalCcg(ccg)).Bind(2, p.ToString()).Bind(3, meter).Bind(4, detail).Bind(5, quantity);
  return add_.Run();
}

Status Meter::CountAll(const std::string& ccg, Period p, const std::vector<Tally>& tallies) {
  if (tallies.size() == 1) return Count(ccg, p, tallies[0].meter, tallies[0].detail, tallies[0].quantity);
  std::lock_guard<std::mutex> lock(mu_);
  const std::string code = CanonicalCcg(ccg);
  const std::string period = p.ToString();
  // Under the billing lock like every other write, as SQLite has one writer.
  return store::InWriteTransaction(*db_, store::kBillingWriteLock, [&]() -> Status {
    for (const Tally& t : tallies) {
      add_.Reset();
      add_.Bind(1, code).Bind(2, period).Bind(3, t.meter).Bind(4, t.detail).Bind(5, t.quantity);
      if (Status r = add_.Run(); !r.ok()) return r;
    }
    return Status::Ok();
  });
}

Result<bool> Meter::CountOnce(const std::string& key, const std::string& ccg, Period p, const std::string& meter,
                              const std::string& detail, int64_t quantity, const std::string& at,
                              const std::string& actor) {
  std::lock_guard<std::mutex> lock(mu_);
  bool counted = false;
  Status s = store::InWriteTransaction(*db_, store::kBillingWriteLock, [&]() -> Status {
    store::SqlStatement& key_ins = add_key_;
    key_ins.Reset();
    key_ins.Bind(1, key).Bind(2, CanonicalCcg(ccg)).Bind(3, p.ToString()).Bind(4, meter).Bind(5, quantity).Bind(6, at).Bind(7, actor);
    // A row comes back only when the key is new.
    CSU_ASSIGN_OR_RETURN(fresh, key_ins.Step());
    key_ins.Reset();
    if (!fresh) return Status::Ok();
    store::SqlStatement& add = add_;
    add.Reset();
    add.Bind(1, CanonicalCcg(ccg)).Bind(2, p.ToString()).Bind(3, meter).Bind(4, detail).Bind(5, quantity);
    if (Status r = add.Run(); !r.ok()) return r;
    counted = true;
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return counted;
}

}  // namespace csu::billing
