#include "billing/billing_store.h"

#include <algorithm>
#include <array>

#include "core/text.h"
#include "store/sha256.h"
#include "store/sqlite_db.h"

namespace csu::billing {
namespace {

constexpr int kSchemaVersion = 1;

const char* kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE catalogue(
  code TEXT NOT NULL, effective_from TEXT NOT NULL,
  kind TEXT NOT NULL, name TEXT NOT NULL, function TEXT NOT NULL,
  unit TEXT NOT NULL, price_pence INTEGER NOT NULL, per INTEGER NOT NULL,
  meter TEXT NOT NULL, vat TEXT NOT NULL, includes TEXT NOT NULL, description TEXT NOT NULL,
  loaded_at TEXT NOT NULL, loaded_by TEXT NOT NULL,
  PRIMARY KEY(code, effective_from));
CREATE TABLE subscriptions(
  id INTEGER PRIMARY KEY, ccg TEXT NOT NULL, item TEXT NOT NULL,
  start TEXT NOT NULL, term_months INTEGER NOT NULL, notice_months INTEGER NOT NULL,
  discount_bp INTEGER NOT NULL, created_at TEXT NOT NULL, created_by TEXT NOT NULL);
CREATE TABLE population(
  ccg TEXT NOT NULL, effective_from TEXT NOT NULL, patients INTEGER NOT NULL,
  set_at TEXT NOT NULL, set_by TEXT NOT NULL, PRIMARY KEY(ccg, effective_from));
CREATE TABLE usage(
  ccg TEXT NOT NULL, period TEXT NOT NULL, meter TEXT NOT NULL, detail TEXT NOT NULL,
  quantity INTEGER NOT NULL, PRIMARY KEY(ccg, period, meter, detail));
CREATE TABLE usage_keys(
  key TEXT PRIMARY KEY, ccg TEXT NOT NULL, period TEXT NOT NULL, meter TEXT NOT NULL,
  quantity INTEGER NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL);
CREATE TABLE counters(series TEXT PRIMARY KEY, last INTEGER NOT NULL);
CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents(
  number TEXT PRIMARY KEY, kind TEXT NOT NULL, ccg TEXT NOT NULL, ccg_name TEXT NOT NULL,
  period TEXT NOT NULL, issued_at TEXT NOT NULL, issued_by TEXT NOT NULL,
  credits TEXT NOT NULL, reason TEXT NOT NULL,
  supplier_name TEXT NOT NULL, supplier_address TEXT NOT NULL, supplier_vat_number TEXT NOT NULL,
  payment_days INTEGER NOT NULL,
  vat_rate_bp INTEGER NOT NULL, population INTEGER NOT NULL,
  net_pence INTEGER NOT NULL, vat_pence INTEGER NOT NULL, total_pence INTEGER NOT NULL,
  sha256 TEXT NOT NULL);
CREATE INDEX documents_by_ccg ON documents(ccg, period);
CREATE TABLE document_lines(
  number TEXT NOT NULL, line_no INTEGER NOT NULL, item TEXT NOT NULL,
  description TEXT NOT NULL, basis TEXT NOT NULL, quantity INTEGER NOT NULL,
  unit_price_pence INTEGER NOT NULL, per INTEGER NOT NULL, amount_pence INTEGER NOT NULL,
  vat TEXT NOT NULL, subscription INTEGER NOT NULL, PRIMARY KEY(number, line_no));
CREATE TRIGGER catalogue_no_update BEFORE UPDATE ON catalogue
  BEGIN SELECT RAISE(ABORT, 'catalogue versions are never changed: add a later version'); END;
CREATE TRIGGER catalogue_no_delete BEFORE DELETE ON catalogue
  BEGIN SELECT RAISE(ABORT, 'catalogue versions are never changed: add a later version'); END;
CREATE TRIGGER documents_no_update BEFORE UPDATE ON documents
  BEGIN SELECT RAISE(ABORT, 'issued invoices and credit notes are immutable'); END;
CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents
  BEGIN SELECT RAISE(ABORT, 'issued invoices and credit notes are immutable'); END;
CREATE TRIGGER document_lines_no_update BEFORE UPDATE ON document_lines
  BEGIN SELECT RAISE(ABORT, 'issued invoices and credit notes are immutable'); END;
CREATE TRIGGER document_lines_no_delete BEFORE DELETE ON document_lines
  BEGIN SELECT RAISE(ABORT, 'issued invoices and credit notes are immutable'); END;
)sql";

std::string Joined(const std::vector<std::string>& parts) {
  std::string s;
  for (const std::string& p : parts) s += (s.empty() ? "" : ";") + p;
  return s;
}

Result<Date> StoredDate(const std::string& text, const std::string& where) {
  Result<Date> d = Date::Parse(text);
  if (!d.ok()) return MakeError(where, "damaged date \"" + text + "\"");
  return d;
}

Result<Period> StoredPeriod(const std::string& text, const std::string& where) {
  Result<Period> p = Period::Parse(text);
  if (!p.ok()) return MakeError(where, "damaged period \"" + text + "\"");
  return p;
}

std::string Numbered(const std::string& series, int64_t n) {
  std::string digits = std::to_string(n);
  if (digits.size() < 6) digits.insert(0, 6 - digits.size(), '0');
  return series + "-" + digits;
}

std::string HashOf(Invoice inv) {
  inv.sha256.clear();
  return store::HexOf(store::Sha256Of(CanonicalJson(inv)));
}

}  // namespace

// Added to schema version 1 without a version change (docs/store-format.md
// §12, "Invoice parties"): additive, applied to new and existing databases.
constexpr const char* kPartiesSchema = R"sql(
ALTER TABLE subscriptions ADD COLUMN purchase_order TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN purchase_order TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN customer_address TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN remittance TEXT NOT NULL DEFAULT '';
CREATE TABLE customers(ccg TEXT PRIMARY KEY, address TEXT NOT NULL, set_at TEXT NOT NULL, set_by TEXT NOT NULL);
)sql";

Status PrepareBillingDb(store::SqliteDb& db, const std::string& pragmas) {
  if (Status s = store::PrepareSchema(db, pragmas, kSchema, kSchemaVersion, "billing database"); !s.ok()) return s;
  CSU_ASSIGN_OR_RETURN(q, db.Prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='customers'"));
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  const bool present = row && q.Int(0) != 0;
  q.Reset();
  if (present) return Status::Ok();  // nothing to write
  return store::InTransaction(db, [&]() -> Status {
    // Another process may have added them while this one waited.
    CSU_ASSIGN_OR_RETURN(again, db.Prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='customers'"));
    CSU_ASSIGN_OR_RETURN(r, again.Step());
    if (r && again.Int(0) != 0) return Status::Ok();
    again.Reset();
    return db.Exec(kPartiesSchema);
  });
}

BillingStore::BillingStore(PassKey, std::unique_ptr<store::SqliteDb> db) : db_(std::move(db)) {}
BillingStore::~BillingStore() = default;

Result<std::unique_ptr<BillingStore>> BillingStore::Open(const std::string& dir) {
  CSU_ASSIGN_OR_RETURN(db, store::SqliteDb::Open(dir + "/billing.sqlite", ""));
  if (Status s = PrepareBillingDb(*db, "PRAGMA synchronous=FULL"); !s.ok()) return s.error();
  return std::make_unique<BillingStore>(PassKey(), std::move(db));
}

// ---------------------------------------------------------------- catalogue

Result<std::vector<ItemVersion>> BillingStore::Versions() {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(
      "SELECT code, effective_from, kind, name, function, unit, price_pence, per, meter, vat, includes, description "
      "FROM catalogue ORDER BY code, effective_from"));
  std::vector<ItemVersion> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    const std::string where = db_->path() + ": catalogue " + q.Text(0);
    ItemVersion v;
    v.code = q.Text(0);
    CSU_ASSIGN_OR_RETURN(from, StoredDate(q.Text(1), where));
    v.effective_from = from;
    std::optional<ItemKind> kind = ParseKind(q.Text(2));
    std::optional<Unit> unit = ParseUnit(q.Text(5));
    std::optional<Vat> vat = ParseVat(q.Text(9));
    if (!kind || !unit || !vat) return MakeError(where, "damaged catalogue row");
    v.kind = *kind;
    v.name = q.Text(3);
    v.function = q.Text(4);
    v.unit = *unit;
    v.price = Money::FromPence(q.Int(6));
    v.per = q.Int(7);
    v.meter = q.Text(8);
    v.vat = *vat;
    const std::string includes = q.Text(10);  // Split's views point into it
    for (std::string_view part : Split(includes, ';'))
      if (!part.empty()) v.includes.emplace_back(part);
    v.description = q.Text(11);
    out.push_back(std::move(v));
  }
  return out;
}

Result<Catalogue> BillingStore::LoadCatalogue() {
  CSU_ASSIGN_OR_RETURN(versions, Versions());
  return Catalogue(std::move(versions));
}

Result<int64_t> BillingStore::AddVersions(const std::vector<ItemVersion>& versions, const Actor& actor) {
  int64_t added = 0;
  store::SqliteDb& d = *db_;
  Status s = store::InTransaction(d, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(stored, Versions());
    std::vector<ItemVersion> merged = stored;
    std::vector<const ItemVersion*> fresh;
    for (const ItemVersion& v : versions) {
      auto same = std::find_if(stored.begin(), stored.end(), [&](const ItemVersion& o) {
        return o.code == v.code && o.effective_from == v.effective_from;
      });
      if (same != stored.end()) {
        if (!(*same == v))
          return MakeError(v.code + " from " + v.effective_from.ToString(),
                           "a different version is already stored for this date; versions are never changed "
                           "(an invoice may have used it): add one with a later effective_from");
        continue;
      }
      merged.push_back(v);
      fresh.push_back(&v);
    }
    if (Status st = CheckCatalogue(merged, "catalogue"); !st.ok()) return st;
    for (const ItemVersion* v : fresh)
      if (Status st = ValidateVersion(*v); !st.ok()) return st;
    // A price may not reach back into a month already invoiced with the
    // code: that invoice (and a replacement after a credit note) must keep
    // the price it was issued with.
    CSU_ASSIGN_OR_RETURN(last_used, d.Prepare(
        "SELECT max(d.period) FROM document_lines l JOIN documents d ON d.number=l.number WHERE l.item=?1"));
    for (const ItemVersion* v : fresh) {
      last_used.Reset();
      last_used.Bind(1, v->code);
      CSU_ASSIGN_OR_RETURN(row, last_used.Step());
      if (row && !last_used.IsNull(0) && Period::Of(v->effective_from).ToString() <= last_used.Text(0))
        return MakeError(v->code + " from " + v->effective_from.ToString(),
                         "invoices up to " + last_used.Text(0) + " already used " + v->code +
                             "'s price; a new price takes effect after the last month invoiced");
    }
    // A new package version must not make a CCG pay twice for a service it
    // already buys on its own.
    CSU_ASSIGN_OR_RETURN(subs, Subscriptions());
    if (Status st = CheckNoDoubleCharges(subs, Catalogue(merged)); !st.ok())
      return MakeError(st.error().where, st.error().why + " with this catalogue; nothing was loaded");
    CSU_ASSIGN_OR_RETURN(ins, d.Prepare(
        "INSERT INTO catalogue(code, effective_from, kind, name, function, unit, price_pence, per, meter, vat, "
        "includes, description, loaded_at, loaded_by) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)"));
    for (const ItemVersion* v : fresh) {
      ins.Bind(1, v->code).Bind(2, v->effective_from.ToString()).Bind(3, KindName(v->kind)).Bind(4, v->name);
      ins.Bind(5, v->function).Bind(6, UnitName(v->unit)).Bind(7, v->price.pence()).Bind(8, v->per);
      ins.Bind(9, v->meter).Bind(10, VatName(v->vat)).Bind(11, Joined(v->includes)).Bind(12, v->description);
      ins.Bind(13, actor.at).Bind(14, actor.by);
      if (Status st = ins.Run(); !st.ok()) return st;
      ++added;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return added;
}

// ------------------------------------------------------------ subscriptions

Result<std::vector<Subscription>> BillingStore::Subscriptions() {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(
      "SELECT id, ccg, item, start, term_months, notice_months, discount_bp, created_at, created_by, purchase_order "
      "FROM subscriptions ORDER BY id"));
  std::vector<Subscription> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    Subscription s;
    s.id = q.Int(0);
    s.ccg = q.Text(1);
    s.item = q.Text(2);
    CSU_ASSIGN_OR_RETURN(start, StoredDate(q.Text(3), db_->path() + ": subscription " + std::to_string(s.id)));
    s.start = start;
    s.term_months = static_cast<int32_t>(q.Int(4));
    s.notice_months = static_cast<int32_t>(q.Int(5));
    s.discount_bp = q.Int(6);
    s.created_at = q.Text(7);
    s.purchase_order = q.Text(9);
    s.created_by = q.Text(8);
    out.push_back(std::move(s));
  }
  return out;
}

Result<Subscription> BillingStore::AddSubscription(Subscription s,
                                                   const std::function<bool(const std::string&)>& known_ccg,
                                                   const Actor& actor) {
  s.ccg = CanonicalCcg(s.ccg);
  store::SqliteDb& d = *db_;
  Status st = store::InTransaction(d, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(catalogue, LoadCatalogue());
    CSU_ASSIGN_OR_RETURN(existing, Subscriptions());
    if (Status v = ValidateSubscription(s, existing, catalogue, known_ccg); !v.ok()) return v;
    CSU_ASSIGN_OR_RETURN(ins, d.Prepare(
        "INSERT INTO subscriptions(ccg, item, start, term_months, notice_months, discount_bp, created_at, "
        "created_by, purchase_order) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)"));
    ins.Bind(1, s.ccg).Bind(2, s.item).Bind(3, s.start.ToString()).Bind(4, int64_t{s.term_months});
    ins.Bind(5, int64_t{s.notice_months}).Bind(6, s.discount_bp).Bind(7, actor.at).Bind(8, actor.by);
    ins.Bind(9, s.purchase_order);
    if (Status r = ins.Run(); !r.ok()) return r;
    CSU_ASSIGN_OR_RETURN(last, d.Prepare("SELECT last_insert_rowid()"));
    CSU_ASSIGN_OR_RETURN(has, last.Step());
    if (!has) return MakeError(d.path(), "no id for the new subscription");
    s.id = last.Int(0);
    s.created_at = actor.at;
    s.created_by = actor.by;
    return Status::Ok();
  });
  if (!st.ok()) return st.error();
  return s;
}

// --------------------------------------------------------------- population

Result<std::vector<PopulationUpdate>> BillingStore::PopulationUpdates() {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(
      "SELECT ccg, effective_from, patients, set_at, set_by FROM population ORDER BY ccg, effective_from"));
  std::vector<PopulationUpdate> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    PopulationUpdate u;
    u.ccg = q.Text(0);
    CSU_ASSIGN_OR_RETURN(from, StoredDate(q.Text(1), db_->path() + ": population " + u.ccg));
    u.effective_from = from;
    u.patients = q.Int(2);
    u.set_at = q.Text(3);
    u.set_by = q.Text(4);
    out.push_back(std::move(u));
  }
  return out;
}

Status BillingStore::SetPopulation(const std::string& ccg_text, Date from, int64_t patients, const Actor& actor) {
  const std::string ccg = CanonicalCcg(ccg_text);
  const std::string where = "population " + ccg + " from " + from.ToString();
  if (from.day() != 1) return MakeError(where, "a population takes effect on the first day of a month");
  if (patients < 1 || patients > 20'000'000)
    return MakeError(where, std::to_string(patients) + " is not a registered population (1–20,000,000)");
  store::SqliteDb& d = *db_;
  return store::InTransaction(d, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(issued, d.Prepare(
        "SELECT number, period FROM documents d WHERE ccg=?1 AND kind='invoice' AND period>=?2 "
        "AND NOT EXISTS (SELECT 1 FROM documents c WHERE c.kind='credit_note' AND c.credits=d.number) "
        "ORDER BY number LIMIT 1"));
    issued.Bind(1, ccg).Bind(2, Period::Of(from).ToString());
    CSU_ASSIGN_OR_RETURN(any, issued.Step());
    if (any)
      return MakeError(where, "invoice " + issued.Text(0) + " for " + issued.Text(1) +
                                  " was issued with the population then in force; credit it first, or set the "
                                  "update from a later month");
    CSU_ASSIGN_OR_RETURN(ins, d.Prepare(
        "INSERT INTO population(ccg, effective_from, patients, set_at, set_by) VALUES (?1,?2,?3,?4,?5) "
        "ON CONFLICT(ccg, effective_from) DO UPDATE SET patients=excluded.patients, set_at=excluded.set_at, "
        "set_by=excluded.set_by"));
    ins.Bind(1, ccg).Bind(2, from.ToString()).Bind(3, patients).Bind(4, actor.at).Bind(5, actor.by);
    return ins.Run();
  });
}

// -------------------------------------------------------------------- usage

Result<std::map<std::string, int64_t, std::less<>>> BillingStore::UsageTotals(const std::string& ccg_text, Period p) {
  const std::string ccg = CanonicalCcg(ccg_text);
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(
      "SELECT meter, sum(quantity) FROM usage WHERE ccg=?1 AND period=?2 GROUP BY meter"));
  q.Bind(1, ccg).Bind(2, p.ToString());
  std::map<std::string, int64_t, std::less<>> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out[q.Text(0)] = q.Int(1);
  }
  return out;
}

Result<std::vector<UsageRow>> BillingStore::Usage(const std::string& ccg_text) {
  const std::string ccg_or_empty = ccg_text.empty() ? "" : CanonicalCcg(ccg_text);
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(
      "SELECT ccg, period, meter, detail, quantity FROM usage WHERE ?1='' OR ccg=?1 "
      "ORDER BY ccg, period, meter, detail"));
  q.Bind(1, ccg_or_empty);
  std::vector<UsageRow> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    UsageRow u;
    u.ccg = q.Text(0);
    CSU_ASSIGN_OR_RETURN(p, StoredPeriod(q.Text(1), db_->path() + ": usage"));
    u.period = p;
    u.meter = q.Text(2);
    u.detail = q.Text(3);
    u.quantity = q.Int(4);
    out.push_back(std::move(u));
  }
  return out;
}

Result<bool> BillingStore::RecordUsage(const std::string& ccg_text, Period p, const std::string& meter,
                                       int64_t quantity, const std::string& reference, const Actor& actor) {
  const std::string ccg = CanonicalCcg(ccg_text);
  const std::string where = "usage " + ccg + " " + p.ToString() + " " + meter;
  if (!IsRecordedMeter(meter))
    return MakeError(where, "\"" + meter + "\" is not a meter recorded from other systems (the platform counts its own)");
  if (quantity < -100'000'000 || quantity > 100'000'000)
    return MakeError(where, "the quantity must be -100,000,000 to 100,000,000 (negative: a correction)");
  if (reference.empty() || reference.size() > 100 || !IsValidUtf8(reference))
    return MakeError(where, "a reference (1–100 characters) is required, so that a retry never counts twice");
  bool counted = false;
  store::SqliteDb& d = *db_;
  Status s = store::InTransaction(d, [&]() -> Status {
    const std::string key = "recorded:" + reference;
    CSU_ASSIGN_OR_RETURN(seen, d.Prepare("SELECT ccg, period, meter, quantity FROM usage_keys WHERE key=?1"));
    seen.Bind(1, key);
    CSU_ASSIGN_OR_RETURN(was, seen.Step());
    if (was) {
      if (seen.Text(0) == ccg && seen.Text(1) == p.ToString() && seen.Text(2) == meter && seen.Int(3) == quantity)
        return Status::Ok();
      return MakeError(where, "reference \"" + reference + "\" was already recorded as " + seen.Text(2) + " " +
                                  std::to_string(seen.Int(3)) + " for " + seen.Text(0) + " " + seen.Text(1));
    }
    CSU_ASSIGN_OR_RETURN(live, LiveInvoice(ccg, p));
    if (live)
      return MakeError(where, live->number + " already invoices " + ccg + " for " + p.ToString() +
                                  "; usage for an invoiced month is corrected by a credit note and a new invoice");
    CSU_ASSIGN_OR_RETURN(key_ins, d.Prepare(
        "INSERT INTO usage_keys(key, ccg, period, meter, quantity, at, actor) VALUES (?1,?2,?3,?4,?5,?6,?7)"));
    key_ins.Bind(1, key).Bind(2, ccg).Bind(3, p.ToString()).Bind(4, meter).Bind(5, quantity);
    key_ins.Bind(6, actor.at).Bind(7, actor.by);
    if (Status r = key_ins.Run(); !r.ok()) return r;
    CSU_ASSIGN_OR_RETURN(add, d.Prepare(
        "INSERT INTO usage(ccg, period, meter, detail, quantity) VALUES (?1,?2,?3,'',?4) "
        "ON CONFLICT(ccg, period, meter, detail) DO UPDATE SET quantity=quantity+excluded.quantity"));
    add.Bind(1, ccg).Bind(2, p.ToString()).Bind(3, meter).Bind(4, quantity);
    if (Status r = add.Run(); !r.ok()) return r;
    // A correction may take back what was recorded, never more.
    CSU_ASSIGN_OR_RETURN(total, d.Prepare("SELECT quantity FROM usage WHERE ccg=?1 AND period=?2 AND meter=?3 AND detail=''"));
    total.Bind(1, ccg).Bind(2, p.ToString()).Bind(3, meter);
    CSU_ASSIGN_OR_RETURN(has_total, total.Step());
    if (has_total && total.Int(0) < 0)
      return MakeError(where, "a correction of " + std::to_string(quantity) + " would leave " +
                                  std::to_string(total.Int(0)) + " " + meter + " recorded for the month");
    counted = true;
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return counted;
}

// ----------------------------------------------------------------- supplier

Result<Supplier> BillingStore::GetSupplier() {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT key, value FROM settings"));
  Supplier out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    const std::string key = q.Text(0), value = q.Text(1);
    if (key == "supplier_name") out.name = value;
    else if (key == "supplier_address") out.address = value;
    else if (key == "supplier_vat_number") out.vat_number = value;
    else if (key == "payment_days") out.payment_days = static_cast<int32_t>(ParseInt(value).value_or(30));
    else if (key == "remittance") out.remittance = value;
  }
  return out;
}

Result<std::string> BillingStore::CustomerAddress(const std::string& ccg) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT address FROM customers WHERE ccg=?1"));
  q.Bind(1, CanonicalCcg(ccg));
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  return row ? q.Text(0) : std::string();
}

Status BillingStore::SetCustomerAddress(const std::string& ccg_text, const std::string& address, const Actor& actor) {
  const std::string ccg = CanonicalCcg(ccg_text);
  if (address.empty() || address.size() > 400 || !IsValidUtf8(address))
    return MakeError(ccg, "the invoice address must be 1–400 characters of UTF-8");
  return store::InTransaction(*db_, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(put, db_->Prepare(
        "INSERT INTO customers(ccg, address, set_at, set_by) VALUES (?1, ?2, ?3, ?4) ON CONFLICT(ccg) DO UPDATE SET "
        "address=excluded.address, set_at=excluded.set_at, set_by=excluded.set_by"));
    put.Bind(1, ccg).Bind(2, address).Bind(3, actor.at).Bind(4, actor.by);
    return put.Run();
  });
}

Status BillingStore::SetSupplier(const Supplier& s) {
  if (s.name.size() > 200 || s.address.size() > 400 || !IsValidUtf8(s.name) || !IsValidUtf8(s.address))
    return MakeError("supplier", "the name (200 characters) or address (400) is too long or not UTF-8");
  if (!s.vat_number.empty() && !ValidVatNumber(s.vat_number))
    return MakeError("supplier", "\"" + s.vat_number + "\" is not a UK VAT registration number (GB and 9 digits)");
  if (s.payment_days < 0 || s.payment_days > 120) return MakeError("supplier", "payment terms must be 0–120 days");
  if (s.remittance.size() > 400 || !IsValidUtf8(s.remittance))
    return MakeError("supplier", "the remittance details are too long (400 characters) or not UTF-8");
  return store::InTransaction(*db_, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(put, db_->Prepare(
        "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value=excluded.value"));
    for (const auto& [k, v] : {std::pair<const char*, std::string>{"supplier_name", s.name},
                               {"supplier_address", s.address},
                               {"supplier_vat_number", s.vat_number},
                               {"payment_days", std::to_string(s.payment_days)},
                               {"remittance", s.remittance}}) {
      put.Reset();
      put.Bind(1, k).Bind(2, v);
      if (Status r = put.Run(); !r.ok()) return r;
    }
    return Status::Ok();
  });
}

std::vector<std::string> CheckAgainstAudit(const std::vector<Invoice>& docs,
                                           const std::vector<std::pair<std::string, std::string>>& audited) {
  std::map<std::string, std::string> fingerprint;  // number -> sha256 as audited
  std::vector<std::string> problems;
  for (const auto& [number, sha] : audited) {
    if (fingerprint.count(number)) problems.push_back(number + ": issued twice in the audit log");
    fingerprint[number] = sha;
  }
  for (const Invoice& d : docs) {
    auto it = fingerprint.find(d.number);
    if (it == fingerprint.end()) {
      problems.push_back(d.number + ": not in the audit log (issued outside the platform, or its audit entry failed)");
      continue;
    }
    if (it->second != d.sha256)
      problems.push_back(d.number + ": its fingerprint differs from the one the audit log recorded at issue");
    fingerprint.erase(it);
  }
  for (const auto& [number, sha] : fingerprint)
    problems.push_back(number + ": in the audit log but no longer in the billing database");
  return problems;
}

bool ValidVatNumber(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c == ' ') continue;
    digits += c;
  }
  if (digits.rfind("GB", 0) == 0) digits.erase(0, 2);
  if (digits.size() != 9 && digits.size() != 12) return false;
  return std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// ---------------------------------------------------------------- documents

Result<std::vector<Invoice>> BillingStore::LoadDocuments(const std::string& where_sql, const std::string& arg) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(
      "SELECT number, kind, ccg, ccg_name, period, issued_at, issued_by, credits, reason, vat_rate_bp, population, "
      "sha256, supplier_name, supplier_address, supplier_vat_number, payment_days, remittance, purchase_order, "
      "customer_address FROM documents " + where_sql +
      " ORDER BY kind DESC, number"));
  if (!where_sql.empty()) q.Bind(1, arg);
  CSU_ASSIGN_OR_RETURN(lines, db_->Prepare(
      "SELECT item, description, basis, quantity, unit_price_pence, per, amount_pence, vat, subscription "
      "FROM document_lines WHERE number=?1 ORDER BY line_no"));
  std::vector<Invoice> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    Invoice inv;
    inv.number = q.Text(0);
    const std::string where = db_->path() + ": " + inv.number;
    inv.kind = q.Text(1) == "invoice" ? DocumentKind::kInvoice : DocumentKind::kCreditNote;
    inv.ccg = q.Text(2);
    inv.ccg_name = q.Text(3);
    CSU_ASSIGN_OR_RETURN(period, StoredPeriod(q.Text(4), where));
    inv.period = period;
    inv.issued_at = q.Text(5);
    inv.issued_by = q.Text(6);
    inv.credits = q.Text(7);
    inv.reason = q.Text(8);
    inv.vat_rate_bp = q.Int(9);
    inv.population = q.Int(10);
    inv.sha256 = q.Text(11);
    inv.supplier = {q.Text(12), q.Text(13), q.Text(14), static_cast<int32_t>(q.Int(15)), q.Text(16)};
    inv.purchase_order = q.Text(17);
    inv.customer_address = q.Text(18);
    lines.Reset();
    lines.Bind(1, inv.number);
    while (true) {
      CSU_ASSIGN_OR_RETURN(lr, lines.Step());
      if (!lr) break;
      InvoiceLine l;
      l.item = lines.Text(0);
      l.description = lines.Text(1);
      l.basis = lines.Text(2);
      l.quantity = lines.Int(3);
      l.unit_price = Money::FromPence(lines.Int(4));
      l.per = lines.Int(5);
      l.amount = Money::FromPence(lines.Int(6));
      std::optional<Vat> vat = ParseVat(lines.Text(7));
      if (!vat) return MakeError(where, "damaged line VAT");
      l.vat = *vat;
      l.subscription_id = lines.Int(8);
      inv.lines.push_back(std::move(l));
    }
    SetTotals(inv);
    out.push_back(std::move(inv));
  }
  return out;
}

Result<std::vector<Invoice>> BillingStore::Documents(const std::string& ccg_or_empty) {
  if (ccg_or_empty.empty()) return LoadDocuments("", "");
  return LoadDocuments("WHERE ccg=?1", CanonicalCcg(ccg_or_empty));
}

Result<std::optional<Invoice>> BillingStore::Document(const std::string& number) {
  CSU_ASSIGN_OR_RETURN(docs, LoadDocuments("WHERE number=?1", number));
  if (docs.empty()) return std::optional<Invoice>();
  return std::optional<Invoice>(std::move(docs.front()));
}

Result<std::optional<Invoice>> BillingStore::LiveInvoice(const std::string& ccg_text, Period p) {
  const std::string ccg = CanonicalCcg(ccg_text);
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(
      "SELECT d.number FROM documents d WHERE d.kind='invoice' AND d.ccg=?1 AND d.period=?2 "
      "AND NOT EXISTS (SELECT 1 FROM documents c WHERE c.kind='credit_note' AND c.credits=d.number)"));
  q.Bind(1, ccg).Bind(2, p.ToString());
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return std::optional<Invoice>();
  return Document(q.Text(0));
}

Status BillingStore::StoreDocument(Invoice& inv, const Actor& actor) {
  store::SqliteDb& d = *db_;
  if (inv.kind == DocumentKind::kInvoice) {
    CSU_ASSIGN_OR_RETURN(live, LiveInvoice(inv.ccg, inv.period));
    if (live)
      return MakeError(inv.ccg + " " + inv.period.ToString(),
                       "already invoiced by " + live->number + " (credit it first to issue a replacement)");
  } else {
    CSU_ASSIGN_OR_RETURN(prior, d.Prepare("SELECT number FROM documents WHERE kind='credit_note' AND credits=?1"));
    prior.Bind(1, inv.credits);
    CSU_ASSIGN_OR_RETURN(credited, prior.Step());
    if (credited) return MakeError(inv.credits, "already credited by " + prior.Text(0));
  }
  const std::string series = inv.kind == DocumentKind::kInvoice ? "INV" : "CN";
  CSU_ASSIGN_OR_RETURN(counter, d.Prepare("SELECT last FROM counters WHERE series=?1"));
  counter.Bind(1, series);
  CSU_ASSIGN_OR_RETURN(has, counter.Step());
  const int64_t next = (has ? counter.Int(0) : 0) + 1;
  counter.Reset();
  CSU_ASSIGN_OR_RETURN(bump, d.Prepare(
      "INSERT INTO counters(series, last) VALUES (?1, ?2) ON CONFLICT(series) DO UPDATE SET last=excluded.last"));
  bump.Bind(1, series).Bind(2, next);
  if (Status r = bump.Run(); !r.ok()) return r;
  inv.number = Numbered(series, next);
  inv.issued_at = actor.at;
  inv.issued_by = actor.by;
  CSU_ASSIGN_OR_RETURN(supplier, GetSupplier());
  inv.supplier = supplier;
  CSU_ASSIGN_OR_RETURN(address, CustomerAddress(inv.ccg));
  inv.customer_address = address;
  // An invoice quotes the PO of each subscription it bills; a credit note
  // keeps the one of the invoice it reverses (CreditNoteFor copies it).
  if (inv.kind == DocumentKind::kInvoice) {
    CSU_ASSIGN_OR_RETURN(subs, Subscriptions());
    std::vector<std::string> pos;
    for (const InvoiceLine& l : inv.lines)
      for (const Subscription& s : subs)
        if (s.id == l.subscription_id && !s.purchase_order.empty() &&
            std::find(pos.begin(), pos.end(), s.purchase_order) == pos.end())
          pos.push_back(s.purchase_order);
    inv.purchase_order.clear();
    for (const std::string& po : pos) inv.purchase_order += (inv.purchase_order.empty() ? "" : "; ") + po;
  }
  SetTotals(inv);
  inv.sha256 = HashOf(inv);
  CSU_ASSIGN_OR_RETURN(doc, d.Prepare(
      "INSERT INTO documents(number, kind, ccg, ccg_name, period, issued_at, issued_by, credits, reason, "
      "vat_rate_bp, population, net_pence, vat_pence, total_pence, sha256, supplier_name, supplier_address, "
      "supplier_vat_number, payment_days, remittance, purchase_order, customer_address) "
      "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22)"));
  doc.Bind(1, inv.number).Bind(2, DocumentKindName(inv.kind)).Bind(3, inv.ccg).Bind(4, inv.ccg_name);
  doc.Bind(5, inv.period.ToString()).Bind(6, inv.issued_at).Bind(7, inv.issued_by).Bind(8, inv.credits);
  doc.Bind(9, inv.reason).Bind(10, inv.vat_rate_bp).Bind(11, inv.population).Bind(12, inv.net.pence());
  doc.Bind(13, inv.vat.pence()).Bind(14, inv.total.pence()).Bind(15, inv.sha256);
  doc.Bind(16, inv.supplier.name).Bind(17, inv.supplier.address).Bind(18, inv.supplier.vat_number);
  doc.Bind(19, int64_t{inv.supplier.payment_days}).Bind(20, inv.supplier.remittance);
  doc.Bind(21, inv.purchase_order).Bind(22, inv.customer_address);
  if (Status r = doc.Run(); !r.ok()) return r;
  CSU_ASSIGN_OR_RETURN(line, d.Prepare(
      "INSERT INTO document_lines(number, line_no, item, description, basis, quantity, unit_price_pence, per, "
      "amount_pence, vat, subscription) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)"));
  int64_t n = 0;
  for (const InvoiceLine& l : inv.lines) {
    line.Bind(1, inv.number).Bind(2, ++n).Bind(3, l.item).Bind(4, l.description).Bind(5, l.basis);
    line.Bind(6, l.quantity).Bind(7, l.unit_price.pence()).Bind(8, l.per).Bind(9, l.amount.pence());
    line.Bind(10, VatName(l.vat)).Bind(11, l.subscription_id);
    if (Status r = line.Run(); !r.ok()) return r;
  }
  return Status::Ok();
}

Result<Invoice> BillingStore::Issue(Invoice inv, const Actor& actor) {
  Status s = store::InTransaction(*db_, [&]() -> Status { return StoreDocument(inv, actor); });
  if (!s.ok()) return s.error();
  return inv;
}

Result<std::optional<Invoice>> BillingStore::IssueInvoice(const std::string& ccg_text, Period p,
                                                          const std::function<Result<Invoice>()>& compute,
                                                          const Actor& actor) {
  const std::string ccg = CanonicalCcg(ccg_text);
  std::optional<Invoice> issued;
  Status s = store::InTransaction(*db_, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(live, LiveInvoice(ccg, p));
    if (live) return Status::Ok();
    CSU_ASSIGN_OR_RETURN(inv, compute());
    if (inv.lines.empty() || std::all_of(inv.lines.begin(), inv.lines.end(),
                                         [](const InvoiceLine& l) { return l.amount.pence() == 0; }))
      return Status::Ok();  // nothing to charge: no document, no number used
    if (Status st = StoreDocument(inv, actor); !st.ok()) return st;
    issued = std::move(inv);
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return issued;
}

Result<Invoice> BillingStore::Credit(const std::string& number, const std::string& reason, const Actor& actor) {
  if (reason.empty() || reason.size() > 400 || !IsValidUtf8(reason))
    return MakeError(number, "a credit note needs a reason (1–400 characters)");
  CSU_ASSIGN_OR_RETURN(doc, Document(number));
  if (!doc) return MakeError(number, "no such invoice");
  if (doc->kind != DocumentKind::kInvoice) return MakeError(number, "is a credit note; only invoices are credited");
  // Issue refuses a second credit note for the same invoice inside its transaction.
  return Issue(CreditNoteFor(*doc, reason), actor);
}

Result<std::vector<std::string>> BillingStore::Verify() {
  CSU_ASSIGN_OR_RETURN(docs, Documents(""));
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT number, net_pence, vat_pence, total_pence FROM documents ORDER BY number"));
  std::map<std::string, std::array<int64_t, 3>> totals;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    totals[q.Text(0)] = {q.Int(1), q.Int(2), q.Int(3)};
  }
  std::vector<std::string> problems;
  for (const Invoice& inv : docs) {
    if (HashOf(inv) != inv.sha256) problems.push_back(inv.number + ": its content does not match its SHA-256");
    const auto& t = totals[inv.number];
    if (t[0] != inv.net.pence() || t[1] != inv.vat.pence() || t[2] != inv.total.pence())
      problems.push_back(inv.number + ": its stored totals do not match its lines");
  }
  // A credit note reverses its invoice line for line.
  std::map<std::string, const Invoice*> by_number;
  for (const Invoice& inv : docs) by_number[inv.number] = &inv;
  for (const Invoice& cn : docs) {
    if (cn.kind != DocumentKind::kCreditNote) continue;
    auto it = by_number.find(cn.credits);
    bool reverses = it != by_number.end() && it->second->lines.size() == cn.lines.size();
    for (size_t i = 0; reverses && i < cn.lines.size(); ++i)
      reverses = cn.lines[i].amount == -it->second->lines[i].amount;
    if (!reverses) problems.push_back(cn.number + ": does not reverse " + cn.credits + " line for line");
  }
  std::map<std::string, std::vector<int64_t>> series;
  for (const Invoice& inv : docs) {
    auto dash = inv.number.find('-');
    std::optional<int64_t> n = ParseInt(std::string_view(inv.number).substr(dash + 1));
    series[inv.number.substr(0, dash)].push_back(n.value_or(-1));
  }
  CSU_ASSIGN_OR_RETURN(counters, db_->Prepare("SELECT series, last FROM counters"));
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, counters.Step());
    if (!row) break;
    const int64_t held = static_cast<int64_t>(series[counters.Text(0)].size());
    if (counters.Int(1) != held)
      problems.push_back(counters.Text(0) + ": " + std::to_string(counters.Int(1)) + " numbers issued but " +
                         std::to_string(held) + " documents held (the last may have been deleted)");
  }
  for (auto& [name, numbers] : series) {
    std::sort(numbers.begin(), numbers.end());
    for (size_t i = 0; i < numbers.size(); ++i)
      if (numbers[i] != static_cast<int64_t>(i) + 1) {
        problems.push_back(name + " numbers are not 1.." + std::to_string(numbers.size()) + " without gaps");
        break;
      }
  }
  return problems;
}

}  // namespace csu::billing
