// The commissioning database (commissioning.sqlite, docs/store-format.md
// §10) into server mode's tables (§10a): contracts and their plan lines with
// their ids, and the challenge log entry for entry (its seq is the order a
// challenge's latest status is read in). The tables are made by the
// contracts module's own server schema, so the challenge log's append-only
// triggers hold on the rows as they arrive.
#include "contracts/contract_store_server.h"
#include "migrate/steps.h"

namespace csu::migrate {
namespace {

constexpr const char* kCommissioningFile = "commissioning.sqlite";

const std::vector<TableSpec>& CommissioningTables() {
  static const std::vector<TableSpec> tables = {
      {"contracts",
       {"id", "commissioner", "provider", "year", "mret_baseline_pence", "mret_rate_percent", "readmission_rule",
        "loaded_at", "loaded_by", "source_sha256"},
       "ittiiiittt", "id", ""},
      {"plan_lines", {"contract_id", "pod", "activity", "value_pence", "profile"}, "itiit", "contract_id, pod", ""},
      {"challenge_log", {"seq", "challenge", "status", "note", "at", "actor"}, "ittttt", "seq", ""},
  };
  return tables;
}

class CommissioningStep final : public MigrationStep {
 public:
  std::string Name() const override { return "commissioning"; }
  std::vector<int64_t> WriteLocks() const override { return {store::kCommissioningWriteLock}; }
  bool NeedsPostgres() const override { return true; }

  Status Check(MigrationSource& source) override {
    CSU_ASSIGN_OR_RETURN(db, source.Database(kCommissioningFile));
    if (db == nullptr) return Status::Ok();  // no contracts loaded: the target gets the empty tables
    return CheckSourceDatabase(*db, "1", CommissioningTables(), {"meta"});
  }

  Result<StepReport> Copy(MigrationSource& source, store::SqlConnection& target, const ProgressFn& progress) override {
    if (Status s = contracts::CreateServerCommissioningSchema(target); !s.ok()) return s.error();
    CSU_ASSIGN_OR_RETURN(db, source.Database(kCommissioningFile));
    StepReport r;
    for (const TableSpec& t : CommissioningTables()) {
      int64_t rows = 0;
      if (db != nullptr) {
        CSU_ASSIGN_OR_RETURN(n, CopyTable(*db, target, t, Name(), progress));
        rows = n;
      }
      r.tables.push_back({t.table, rows, -1});
    }
    if (Status s = ContinueIdentity(target, "contracts", "id"); !s.ok()) return s.error();
    if (Status s = ContinueIdentity(target, "challenge_log", "seq"); !s.ok()) return s.error();
    return r;
  }
};

}  // namespace

std::unique_ptr<MigrationStep> MakeCommissioningStep() { return std::make_unique<CommissioningStep>(); }

}  // namespace csu::migrate
