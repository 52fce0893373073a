// The ledger database (ledger.sqlite, docs/store-format.md §13) into server
// mode's tables (§13a, each named ledger_*): the entities and their charts,
// periods, journals with their numbers and batches as they are (so the
// series continue on the target without a gap), postings, the per-day
// totals, the sales and purchase ledgers' documents, budgets, virements and
// forecasts. The tables are made by the ledger's own server schema, so
// posted journals, postings and documents are immutable on the target as
// the rows arrive. A file from before the documents and budgets were added
// simply has none of them.
#include "ledger/ledger_store.h"
#include "ledger/ledger_store_server.h"
#include "migrate/steps.h"

namespace csu::migrate {
namespace {

constexpr const char* kLedgerFile = "ledger.sqlite";

// Columns as in §13 (kinds: t text, i integer), parents before children.
const std::vector<TableSpec>& LedgerTables() {
  static const std::vector<TableSpec> tables = {
      {"entities", {"code", "kind", "name", "approval_threshold_pence", "general_fund", "created_at", "created_by"},
       "tttittt", "code", "ledger_entities"},
      {"accounts", {"entity", "name", "code", "type", "description"}, "ttttt", "entity, name", "ledger_accounts"},
      {"cost_centres", {"entity", "code", "name", "budget_holder"}, "tttt", "entity, code", "ledger_cost_centres"},
      {"counterparties", {"entity", "code", "name"}, "ttt", "entity, code", "ledger_counterparties"},
      {"periods", {"entity", "year", "month", "state", "changed_at", "changed_by"}, "tiittt", "entity, year, month",
       "ledger_periods"},
      {"journals",
       {"entity", "number", "batch", "kind", "state", "date", "status", "code", "description", "reverse_next",
        "reverses", "raised_by", "raised_at", "approved_by", "approved_at", "reason", "source_line"},
       "tiitttttt" "ii" "ttttt" "i", "entity, number", "ledger_journals"},
      {"postings",
       {"entity", "number", "line_no", "account", "amount_pence", "cost_centre", "counterparty", "comment"},
       "tiitittt", "entity, number, line_no", "ledger_postings"},
      {"daily_balances", {"entity", "account", "date", "closing", "amount_pence"}, "tttii",
       "entity, account, date, closing", "ledger_daily_balances"},
      {"documents",
       {"entity", "document", "kind", "side", "counterparty", "applies_to", "date", "due", "amount_pence", "journal"},
       "ttttttttii", "entity, document", "ledger_documents"},
      {"budget_versions",
       {"entity", "year", "version", "state", "reason", "source", "set_by", "set_at", "approved_by", "approved_at"},
       "tiittttttt", "entity, year, version", "ledger_budget_versions"},
      {"budget_lines",
       {"entity", "year", "version", "cost_centre", "account", "month", "amount_pence", "source_line"}, "tiittiii",
       "entity, year, version, cost_centre, account, month", "ledger_budget_lines"},
      {"virements", {"entity", "year", "number", "version", "reason", "made_by", "made_at"}, "tiiittt",
       "entity, year, number", "ledger_virements"},
      {"virement_lines",
       {"entity", "year", "number", "line_no", "cost_centre", "account", "month", "amount_pence"}, "tiiittii",
       "entity, year, number, line_no", "ledger_virement_lines"},
      {"forecast_overrides",
       {"entity", "year", "number", "month", "cost_centre", "account", "outturn_pence", "note", "made_by", "made_at"},
       "tiiittittt", "entity, year, number", "ledger_forecast_overrides"},
  };
  return tables;
}

class LedgerStep final : public MigrationStep {
 public:
  std::string Name() const override { return "ledger"; }
  std::vector<int64_t> WriteLocks() const override { return {ledger::kLedgerWriteLock}; }
  bool NeedsPostgres() const override { return true; }

  Status Check(MigrationSource& source) override {
    CSU_ASSIGN_OR_RETURN(db, source.Database(kLedgerFile));
    if (db == nullptr) return Status::Ok();  // no ledgers: the target gets the empty tables
    return CheckSourceDatabase(*db, "1", LedgerTables(), {"meta", "sqlite_sequence"});
  }

  Result<StepReport> Copy(MigrationSource& source, store::SqlConnection& target, const ProgressFn& progress) override {
    if (Status s = ledger::CreateServerLedgerSchema(target); !s.ok()) return s.error();
    CSU_ASSIGN_OR_RETURN(db, source.Database(kLedgerFile));
    StepReport r;
    for (const TableSpec& t : LedgerTables()) {
      int64_t rows = 0;
      if (db != nullptr) {
        CSU_ASSIGN_OR_RETURN(n, CopyTable(*db, target, t, Name(), progress));
        rows = n;
      }
      r.tables.push_back({t.target_table, rows, -1});
    }
    return r;
  }
};

}  // namespace

std::unique_ptr<MigrationStep> MakeLedgerStep() { return std::make_unique<LedgerStep>(); }

}  // namespace csu::migrate
