// The continuing healthcare database (chc.sqlite, docs/store-format.md §15)
// into server mode's tables (§15a). The identifiable fields move as they are
// stored, sealed: the run never holds the CHC key, and the key's fingerprint
// moves into chc_meta, so the target accepts only the key they were sealed
// under (docs/deploy.md, "The CHC key in server mode").
#include "chc/chc_schema.h"
#include "chc/chc_store.h"
#include "migrate/steps.h"

namespace csu::migrate {
namespace {

// chc.sqlite's tables, parents before children. The identifiable fields
// move as they are stored, sealed: the migration never holds the CHC key,
// and the key's fingerprint moves with them (chc_meta), so the target
// accepts only the key they were sealed under.
const std::vector<TableSpec>& ChcTables() {
  static const std::vector<TableSpec> tables = {
      {"cases",
       {"id", "ccg", "pseudonym", "fast_track", "status", "referred_on", "checklist_received", "checklist_positive",
        "decided_on", "eligible", "decision_reason", "closed_on", "ft_received", "ft_in_place", "created_at",
        "created_by"},
       "ittitttititttttt", "id", ""},
      {"identities", {"case_id", "field", "sealed"}, "itt", "case_id, field", "chc_identities"},
      {"events", {"id", "case_id", "at", "by", "kind", "detail"}, "iitttt", "id", ""},
      {"assessments",
       {"id", "case_id", "assessed_on", "acute", "indication", "recommendation", "recorded_at", "recorded_by"},
       "iititttt", "id", ""},
      {"assessment_levels", {"assessment_id", "domain", "level"}, "itt", "assessment_id, domain", ""},
      {"delays", {"id", "case_id", "kind", "reason", "recorded_at", "recorded_by"}, "iitttt", "id", ""},
      {"packages", {"id", "case_id", "ccg", "ended_on"}, "iitt", "id", ""},
      {"package_versions",
       {"package_id", "version", "start", "provider", "setting", "unit_cost_pence", "units_x100", "reason",
        "recorded_at", "recorded_by"},
       "iitttiittt", "package_id, version", ""},
      {"reviews", {"id", "case_id", "reviewed_on", "outcome", "recorded_at", "recorded_by"}, "iitttt", "id", ""},
      {"appeals",
       {"id", "case_id", "stage", "received_on", "outcome", "decided_on", "reason", "recorded_at", "recorded_by"},
       "iittttttt", "id", ""},
      {"provider_invoices",
       {"id", "ccg", "provider", "invoice_ref", "case_ref", "case_id", "period_from", "period_to", "amount_pence",
        "expected_pence", "outcome", "reason", "source", "checked_at", "checked_by"},
       "ittttittiitt" "ttt", "id", ""},
      {"retro_claims",
       {"id", "case_id", "ccg", "received_on", "period_from", "period_to", "status", "decided_on", "eligible_from",
        "eligible_to", "reason", "awarded_pence", "recorded_at", "recorded_by"},
       "iitttttttttitt", "id", ""},
      {"retro_claim_costs", {"claim_id", "line", "cost_from", "cost_to", "weekly_pence"}, "iitti", "claim_id, line", ""},
  };
  return tables;
}

constexpr const char* kChcFile = "chc.sqlite";

class ChcStep final : public MigrationStep {
 public:
  std::string Name() const override { return "continuing healthcare"; }
  std::vector<int64_t> WriteLocks() const override { return {chc::kChcWriteLock}; }
  // The sealed fields' table is chc_identities there (payroll's share the
  // schema), so the target is PostgreSQL.
  bool NeedsPostgres() const override { return true; }

  Status Check(MigrationSource& source) override {
    CSU_ASSIGN_OR_RETURN(db, source.Database(kChcFile));
    if (db == nullptr) return Status::Ok();  // no CHC cases: the target gets the empty tables
    return CheckSourceDatabase(*db, std::to_string(chc::ServerSchemaVersion()), ChcTables(),
                               {"meta", "sqlite_sequence"});
  }

  Result<StepReport> Copy(MigrationSource& source, store::SqlConnection& target, const ProgressFn& progress) override {
    if (Status s = target.Exec(chc::ServerSchemaFor(target.Backend())); !s.ok()) return s.error();
    CSU_ASSIGN_OR_RETURN(ver, target.Prepare("INSERT INTO chc_meta(key, value) VALUES ('schema_version', ?1)"));
    if (Status s = ver.Bind(1, std::to_string(chc::ServerSchemaVersion())).Run(); !s.ok()) return s.error();
    CSU_ASSIGN_OR_RETURN(db, source.Database(kChcFile));
    StepReport r;
    if (db != nullptr) {
      CSU_ASSIGN_OR_RETURN(fp, db->Prepare("SELECT value FROM meta WHERE key = 'chc_key_fingerprint'"));
      CSU_ASSIGN_OR_RETURN(has, fp.Step());
      if (has) {
        CSU_ASSIGN_OR_RETURN(put, target.Prepare("INSERT INTO chc_meta(key, value) VALUES ('chc_key_fingerprint', ?1)"));
        if (Status s = put.Bind(1, fp.Text(0)).Run(); !s.ok()) return s.error();
        r.checks.push_back({"CHC key fingerprint", fp.Text(0) + " (the fields stay sealed under that key)"});
      }
    }
    for (const TableSpec& t : ChcTables()) {
      int64_t rows = 0;
      if (db != nullptr) {
        CSU_ASSIGN_OR_RETURN(n, CopyTable(*db, target, t, Name(), progress));
        rows = n;
      }
      r.tables.push_back({t.target_table.empty() ? t.table : t.target_table, rows, -1});
    }
    // Identity columns continue after the copied ids (SQLite's rowids do).
    for (const char* table : {"cases", "events", "assessments", "delays", "packages", "reviews", "appeals",
                              "provider_invoices", "retro_claims"})
      if (Status s = ContinueIdentity(target, table, "id"); !s.ok()) return s.error();
    return r;
  }
};

}  // namespace

std::unique_ptr<MigrationStep> MakeChcStep() { return std::make_unique<ChcStep>(); }

}  // namespace csu::migrate
