// csu migrate's step for the primary care database (migrate.h): the state
// folder's primary-care.sqlite, its practices and payments tables (§17) and
// its enhanced-service `es_` tables (§18), into server mode's tables (§17a,
// §18a), with the evidence files of primary-care-evidence/ copied into
// es_evidence_files, each checked against its SHA-256 first. A folder
// without the file gets the empty tables.
#include "migrate/steps.h"

#include <set>

#include "core/file.h"
#include "primarycare/pc_server_schema.h"
#include "primarycare/pc_store.h"
#include "store/sha256.h"

namespace csu::migrate {
namespace {

constexpr const char* kFile = "primary-care.sqlite";

// Every table of the file with its columns, parents before children (the
// foreign keys). The meta tables are not copied: the target's are written
// by its own schema. "end" is quoted: a reserved word in PostgreSQL, where
// the contracts table is gp_contracts (TargetName).
const std::vector<TableSpec>& Tables() {
  static const std::vector<TableSpec> tables = {
      {"practices", {"code", "ccg", "name", "postcode", "reference_list", "added_at", "added_by"}, "ttttitt", "code", ""},
      {"contracts", {"id", "practice", "type", "start", "\"end\"", "reference", "recorded_at", "recorded_by"},
       "ittttttt", "id", ""},
      {"list_sizes", {"practice", "quarter", "registered", "weighted_millionths", "source", "loaded_at", "loaded_by"},
       "ttiittt", "practice, quarter", ""},
      {"qof_years",
       {"practice", "year", "achievement_pence", "points_hundredths", "aspiration_annual_pence",
        "aspiration_monthly_pence", "aspiration_explanation", "achievement_explanation", "source", "loaded_at",
        "loaded_by"},
       "ttiiiittttt", "practice, year", ""},
      {"qof_indicators",
       {"practice", "year", "indicator", "achievement_hundredths", "points_hundredths", "points_available",
        "payment_pence"},
       "tttiiii", "practice, year, indicator", ""},
      {"adjustments",
       {"id", "practice", "month", "kind", "description", "amount_pence", "reason", "source", "recorded_at",
        "recorded_by"},
       "ittttitttt", "id", ""},
      {"schedule_postings", {"ccg", "month", "journal", "total_pence", "lines", "posted_at", "posted_by"}, "ttiiitt",
       "ccg, month", ""},
      {"schedule_lines",
       {"ccg", "month", "line_no", "practice", "kind", "description", "amount_pence", "explanation"}, "ttitttit",
       "ccg, month, line_no", ""},
      {"es_schemes",
       {"ccg", "code", "name", "kind", "specification", "rule", "fee_pence", "window_from", "window_to", "frequency",
        "max_units", "evidence", "evidence_file", "created_at", "created_by", "updated_at", "updated_by"},
       "ttttttitttititttt", "ccg, code", ""},
      {"es_claims",
       {"id", "ccg", "scheme_code", "practice", "period_first", "period_last", "period_label", "units", "state",
        "evidence_note", "question", "answer", "reason", "amount_pence", "explanation", "payment_month",
        "submitted_at", "submitted_by", "decided_at", "decided_by"},
       "ittttttitttttittttt" "t", "id", ""},
      {"es_claim_events", {"seq", "claim_id", "at", "by", "kind", "detail"}, "iitttt", "seq", ""},
      {"es_evidence",
       {"id", "claim_id", "file_name", "media_type", "sha256", "bytes", "uploaded_at", "uploaded_by"}, "iitttitt", "id",
       ""},
  };
  return tables;
}

// A table's name in the target: PostgreSQL's schema is shared with the
// commissioning database, whose contracts table has the plain name.
std::string TargetName(const store::SqlConnection& target, const std::string& table) {
  return table == "contracts" && target.Backend() == "postgresql" ? "gp_contracts" : table;
}

// The identity columns PostgreSQL must continue after the copied ids.
constexpr std::pair<const char*, const char*> kIdentities[] = {
    {"gp_contracts", "id"}, {"adjustments", "id"}, {"es_claims", "id"}, {"es_claim_events", "seq"}, {"es_evidence", "id"}};

Result<std::string> Version(store::SqliteDb& db, const std::string& meta) {
  CSU_ASSIGN_OR_RETURN(q, db.Prepare("SELECT value FROM " + meta + " WHERE key = 'schema_version'"));
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return MakeError(db.path(), "has no schema_version in " + meta);
  return q.Text(0);
}

class PrimaryCareStepImpl final : public MigrationStep {
 public:
  std::string Name() const override { return "primary care"; }
  std::vector<int64_t> WriteLocks() const override { return {primarycare::kPrimaryCareWriteLock}; }

  // The versions this csu writes, no table it does not know, and every
  // evidence file a row names present with the bytes of its hash.
  Status Check(MigrationSource& source) override {
    hashes_.clear();
    CSU_ASSIGN_OR_RETURN(db, source.Database(kFile));
    if (db == nullptr) return Status::Ok();
    CSU_ASSIGN_OR_RETURN(has_meta, MigrationSource::HasTable(*db, "meta"));
    if (has_meta) {
      CSU_ASSIGN_OR_RETURN(v, Version(*db, "meta"));
      if (v != "1") return MakeError(db->path(), "primary care schema version " + v + " is not one this csu can migrate (it knows 1)");
    }
    CSU_ASSIGN_OR_RETURN(has_es, MigrationSource::HasTable(*db, "es_meta"));
    if (has_es) {
      CSU_ASSIGN_OR_RETURN(v, Version(*db, "es_meta"));
      if (v != "2")
        return MakeError(db->path(), "enhanced-service claims schema version " + v +
                                         " is not one this csu can migrate (it knows 2; any csu primary-care claims "
                                         "command brings a version 1 file up to 2)");
    }
    std::set<std::string> known = {"meta", "es_meta", "sqlite_sequence"};
    for (const TableSpec& t : Tables()) known.insert(t.table);
    CSU_ASSIGN_OR_RETURN(q, db->Prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"));
    while (true) {
      CSU_ASSIGN_OR_RETURN(row, q.Step());
      if (!row) break;
      if (!known.count(q.Text(0)))
        return MakeError(db->path(), "has a table '" + q.Text(0) + "' this csu does not know how to migrate");
    }
    CSU_ASSIGN_OR_RETURN(has_evidence, MigrationSource::HasTable(*db, "es_evidence"));
    if (!has_evidence) return Status::Ok();
    CSU_ASSIGN_OR_RETURN(e, db->Prepare("SELECT DISTINCT sha256 FROM es_evidence ORDER BY sha256"));
    while (true) {
      CSU_ASSIGN_OR_RETURN(row, e.Step());
      if (!row) break;
      const std::string hash = e.Text(0);
      CSU_ASSIGN_OR_RETURN(bytes, Evidence(source, hash));
      (void)bytes;
      hashes_.push_back(hash);
    }
    return Status::Ok();
  }

  Result<StepReport> Copy(MigrationSource& source, store::SqlConnection& target, const ProgressFn& progress) override {
    if (Status s = primarycare::CreatePrimaryCareServerTables(target); !s.ok()) return s.error();
    if (Status s = primarycare::CreateClaimsServerTables(target); !s.ok()) return s.error();
    CSU_ASSIGN_OR_RETURN(db, source.Database(kFile));
    StepReport r;
    for (TableSpec t : Tables()) {
      t.target_table = TargetName(target, t.table);
      int64_t rows = 0;
      if (db != nullptr) {
        CSU_ASSIGN_OR_RETURN(n, CopyTable(*db, target, t, Name(), progress));
        rows = n;
      }
      r.tables.push_back({t.target_table, rows, -1});
    }
    // The evidence bytes, read and checked again (the folder is locked, but
    // a file could have been damaged since Check: refused, not carried).
    CSU_ASSIGN_OR_RETURN(put, target.Prepare("INSERT INTO es_evidence_files(sha256, content_hex) VALUES (?1, ?2)"));
    int64_t done = 0;
    for (const std::string& hash : hashes_) {
      CSU_ASSIGN_OR_RETURN(bytes, Evidence(source, hash));
      if (Status s = put.Bind(1, hash).Bind(2, primarycare::EvidenceContentHex(bytes)).Run(); !s.ok()) return s.error();
      put.Reset();
      ++done;
      if (progress) progress(MigrateProgress{"primary care", "es_evidence_files", done, int64_t(hashes_.size())});
    }
    r.tables.push_back({"es_evidence_files", static_cast<int64_t>(hashes_.size()), -1});
    r.checks.push_back({"evidence files", std::to_string(hashes_.size()) + " copied, each matching its SHA-256"});
    // Ids were copied as they were: PostgreSQL's identity columns must
    // continue after them (SQLite's own keys follow by themselves).
    if (target.Backend() == "postgresql") {
      for (const auto& [table, column] : kIdentities) {
        CSU_ASSIGN_OR_RETURN(q, target.Prepare(std::string("SELECT setval(pg_get_serial_sequence('") + table + "', '" +
                                               column + "'), COALESCE((SELECT max(" + column + ") FROM " + table +
                                               "), 1), (SELECT count(*) FROM " + table + ") > 0)"));
        if (Status s = q.Run(); !s.ok()) return s.error();
      }
    }
    return r;
  }

 private:
  // One evidence file's bytes from the folder, checked against its name.
  static Result<std::string> Evidence(MigrationSource& source, const std::string& hash) {
    const std::string path = source.dir() + "/primary-care-evidence/" + hash;
    auto bytes = ReadFile(path);
    if (!bytes.ok()) return MakeError(path, "an evidence file a claim names is missing, so primary care is not migrated");
    if (store::Sha256Hex(bytes.value()) != hash)
      return MakeError(path, "the evidence file no longer matches its SHA-256, so primary care is not migrated");
    return std::move(bytes).value();
  }

  std::vector<std::string> hashes_;
};

}  // namespace

std::unique_ptr<MigrationStep> MakePrimaryCareStep() { return std::make_unique<PrimaryCareStepImpl>(); }

}  // namespace csu::migrate
