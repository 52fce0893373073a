// The billing database (billing.sqlite, docs/store-format.md §12) into
// server mode's tables (§12a): the catalogue's price versions, the
// subscriptions with their ids, population updates, usage and the meter's
// counts (with the references counted once), the supplier's and customers'
// details, the number counters, and every issued invoice and credit note
// with its lines, as issued (number, stamps, SHA-256). The tables are made
// by billing's own server schema, so the immutability triggers hold on the
// documents as they arrive, and the counters carry on where the folder's
// stopped: the next invoice issued in server mode takes the next number of
// its series, without a gap.
#include "billing/billing_store_server.h"
#include "migrate/steps.h"

namespace csu::migrate {
namespace {

constexpr const char* kBillingFile = "billing.sqlite";

// The tables in copy order. A billing.sqlite last opened before the
// "Invoice parties" columns (§12) has no customers table and lacks
// purchase_order, customer_address and remittance: those take the server
// schema's default, '' (which is what the folder's csu would have added).
std::vector<TableSpec> BillingTables(bool parties) {
  std::vector<TableSpec> tables = {
      {"catalogue",
       {"code", "effective_from", "kind", "name", "function", "unit", "price_pence", "per", "meter", "vat", "includes",
        "description", "loaded_at", "loaded_by"},
       "ttttttiitttttt", "code, effective_from", ""},
      {"subscriptions",
       {"id", "ccg", "item", "start", "term_months", "notice_months", "discount_bp", "created_at", "created_by"},
       "itttiiitt", "id", ""},
      {"population", {"ccg", "effective_from", "patients", "set_at", "set_by"}, "ttitt", "ccg, effective_from", ""},
      {"usage", {"ccg", "period", "meter", "detail", "quantity"}, "tttti", "ccg, period, meter, detail", ""},
      {"usage_keys", {"key", "ccg", "period", "meter", "quantity", "at", "actor"}, "ttttitt", "key", ""},
      {"counters", {"series", "last"}, "ti", "series", ""},
      {"settings", {"key", "value"}, "tt", "key", ""},
      {"documents",
       {"number", "kind", "ccg", "ccg_name", "period", "issued_at", "issued_by", "credits", "reason", "supplier_name",
        "supplier_address", "supplier_vat_number", "payment_days", "vat_rate_bp", "population", "net_pence",
        "vat_pence", "total_pence", "sha256"},
       "ttttttttttttiiiiiit", "number", ""},
      {"document_lines",
       {"number", "line_no", "item", "description", "basis", "quantity", "unit_price_pence", "per", "amount_pence", "vat",
        "subscription"},
       "titttiiiiti", "number, line_no", ""},
  };
  if (parties) {
    for (TableSpec& t : tables) {
      if (t.table == "subscriptions") {
        t.columns.push_back("purchase_order");
        t.kinds += "t";
      } else if (t.table == "documents") {
        for (const char* c : {"purchase_order", "customer_address", "remittance"}) t.columns.push_back(c);
        t.kinds += "ttt";
      }
    }
    tables.insert(tables.begin() + 7, TableSpec{"customers", {"ccg", "address", "set_at", "set_by"}, "tttt", "ccg", ""});
  }
  return tables;
}

class BillingStep final : public MigrationStep {
 public:
  std::string Name() const override { return "billing"; }
  std::vector<int64_t> WriteLocks() const override { return {store::kBillingWriteLock}; }
  bool NeedsPostgres() const override { return true; }

  Status Check(MigrationSource& source) override {
    CSU_ASSIGN_OR_RETURN(db, source.Database(kBillingFile));
    if (db == nullptr) return Status::Ok();  // nothing billed yet: the target gets the empty tables
    CSU_ASSIGN_OR_RETURN(parties, MigrationSource::HasTable(*db, "customers"));
    parties_ = parties;
    return CheckSourceDatabase(*db, "1", BillingTables(parties_), {"meta"});
  }

  Result<StepReport> Copy(MigrationSource& source, store::SqlConnection& target, const ProgressFn& progress) override {
    if (Status s = billing::CreateServerBillingSchema(target); !s.ok()) return s.error();
    CSU_ASSIGN_OR_RETURN(db, source.Database(kBillingFile));
    StepReport r;
    for (const TableSpec& t : BillingTables(parties_)) {
      int64_t rows = 0;
      if (db != nullptr) {
        CSU_ASSIGN_OR_RETURN(n, CopyTable(*db, target, t, Name(), progress));
        rows = n;
      }
      r.tables.push_back({t.table, rows, -1});
    }
    if (!parties_) r.tables.push_back({"customers", 0, -1});
    if (Status s = ContinueIdentity(target, "subscriptions", "id"); !s.ok()) return s.error();
    // The series where the next numbers come from, as the target holds them.
    CSU_ASSIGN_OR_RETURN(q, target.Prepare("SELECT series, last FROM counters ORDER BY series"));
    std::string next;
    while (true) {
      CSU_ASSIGN_OR_RETURN(row, q.Step());
      if (!row) break;
      next += (next.empty() ? "" : ", ") + q.Text(0) + " after " + std::to_string(q.Int(1));
    }
    r.checks.push_back({"numbering", next.empty() ? "no document issued yet" : "continues " + next});
    return r;
  }

 private:
  bool parties_ = true;
};

}  // namespace

std::unique_ptr<MigrationStep> MakeBillingStep() { return std::make_unique<BillingStep>(); }

}  // namespace csu::migrate
