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

constexpr const char* kAddKey =
    "INSERT INTO usage_keys(key, ccg, period, meter, quantity, at, actor) VALUES (?1,?2,?3,?4,?5,?6,?7) "
    "ON CONFLICT(key) DO NOTHING";

Meter::Meter(PassKey, std::unique_ptr<store::SqliteDb> db, store::Statement add, store::Statement add_key,
             store::Statement changes)
    : db_(std::move(db)), add_(std::move(add)), add_key_(std::move(add_key)), changes_(std::move(changes)) {}
Meter::~Meter() = default;

Result<std::unique_ptr<Meter>> Meter::Open(const std::string& dir) {
  CSU_ASSIGN_OR_RETURN(db, store::SqliteDb::Open(dir + "/billing.sqlite", ""));
  if (Status s = PrepareBillingDb(*db, "PRAGMA synchronous=NORMAL"); !s.ok()) return s.error();
  CSU_ASSIGN_OR_RETURN(add, db->Prepare(kAdd));
  CSU_ASSIGN_OR_RETURN(add_key, db->Prepare(kAddKey));
  CSU_ASSIGN_OR_RETURN(changes, db->Prepare("SELECT changes()"));
  return std::make_unique<Meter>(PassKey(), std::move(db), std::move(add), std::move(add_key), std::move(changes));
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
  return store::InTransaction(*db_, [&]() -> Status {
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
  store::SqliteDb& d = *db_;
  Status s = store::InTransaction(d, [&]() -> Status {
    store::Statement& key_ins = add_key_;
    key_ins.Reset();
    key_ins.Bind(1, key).Bind(2, CanonicalCcg(ccg)).Bind(3, p.ToString()).Bind(4, meter).Bind(5, quantity).Bind(6, at).Bind(7, actor);
    if (Status r = key_ins.Run(); !r.ok()) return r;
    changes_.Reset();
    CSU_ASSIGN_OR_RETURN(has, changes_.Step());
    const bool fresh = has && changes_.Int(0) != 0;
    changes_.Reset();
    if (!fresh) return Status::Ok();
    store::Statement& add = add_;
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
