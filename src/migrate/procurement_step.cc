// The procurement database (procurement.sqlite, docs/store-format.md §14)
// into server mode's tables (§14a, each named procurement_*): plan lines,
// tenders with their lots, documents (every version's bytes, each checked
// against its SHA-256 before anything is written and carried into BYTEA),
// declarations of interest, bids, evaluators' assignments and scores,
// moderation, exclusions, awards, representations, clarifications and the
// published OCDS releases. Releases are copied in the order they were
// published (SQLite's rowid), so the target's identity column `seq` gives
// the same order and a release published after the move follows them. The
// tables are made by the store's own server schema, so releases and document
// versions are immutable on the target as the rows arrive.
#include "migrate/steps.h"
#include "procurement/procurement_store.h"
#include "store/sha256.h"

namespace csu::migrate {
namespace {

constexpr const char* kFile = "procurement.sqlite";

// Columns as in §14 (kinds: t text, i integer, x bytes), parents before
// children. "by" is quoted: a reserved word in PostgreSQL.
const std::vector<TableSpec>& ProcurementTables() {
  static const std::vector<TableSpec> tables = {
      {"plan_lines",
       {"ccg", "ref", "title", "value_pence", "regime", "process", "reasons", "key_criteria", "start_date", "award_by",
        "created_at", "created_by"},
       "tttittttttt" "t", "ccg, ref", "procurement_plan_lines"},
      {"tenders",
       {"id", "ccg", "plan_ref", "title", "bid_deadline", "status", "criteria_json", "created_at", "created_by"},
       "ttttttttt", "id", "procurement_tenders"},
      {"lots", {"tender", "lot", "title", "value_pence"}, "ttti", "tender, lot", "procurement_lots"},
      {"documents", {"tender", "name", "version", "sha256", "content", "added_at", "added_by"}, "ttitxtt",
       "tender, name, version", "procurement_documents"},
      {"interests", {"tender", "person", "interest", "conflict", "management", "declared_at"}, "tttitt",
       "tender, person", "procurement_interests"},
      {"bids", {"tender", "bid", "bidder", "provider", "price_pence"}, "tttti", "tender, bid", "procurement_bids"},
      {"assignments", {"tender", "evaluator", "bid"}, "ttt", "tender, evaluator, bid", "procurement_assignments"},
      {"scores", {"tender", "bid", "criterion", "evaluator", "score", "comment", "at"}, "ttttitt",
       "tender, bid, criterion, evaluator", "procurement_scores"},
      {"moderations", {"tender", "bid", "criterion", "agreed", "reason", "at", "\"by\""}, "tttittt",
       "tender, bid, criterion", "procurement_moderations"},
      {"exclusions", {"tender", "bid", "ground", "at", "\"by\""}, "ttttt", "tender, bid", "procurement_exclusions"},
      {"awards",
       {"tender", "bid", "provider", "value_pence", "regime", "notice", "standstill_last_day", "contract_from",
        "decision", "decided_at", "decided_by", "contract_signed"},
       "tttitttttttt", "tender", "procurement_awards"},
      {"representations", {"tender", "seq", "from_party", "received", "summary", "outcome", "outcome_at"}, "titttt" "t",
       "tender, seq", "procurement_representations"},
      {"clarifications",
       {"tender", "seq", "asked_by", "received", "question", "answer", "answered", "answered_by", "published"},
       "titttttti", "tender, seq", "procurement_clarifications"},
      {"releases", {"release_id", "ocid", "tag", "published_at", "json", "sha256"}, "tttttt", "rowid",
       "procurement_releases"},
  };
  return tables;
}

class ProcurementStep final : public MigrationStep {
 public:
  std::string Name() const override { return "procurement"; }
  std::vector<int64_t> WriteLocks() const override { return {procurement::kProcurementWriteLock}; }
  bool NeedsPostgres() const override { return true; }

  // The version this csu writes, no table it does not know, and every
  // document version's bytes matching the SHA-256 stored with them (a
  // damaged version would otherwise become the server's record).
  Status Check(MigrationSource& source) override {
    CSU_ASSIGN_OR_RETURN(db, source.Database(kFile));
    if (db == nullptr) return Status::Ok();  // no procurement yet: the target gets the empty tables
    if (Status s = CheckSourceDatabase(*db, "1", ProcurementTables(), {"meta"}); !s.ok()) return s;
    CSU_ASSIGN_OR_RETURN(has, MigrationSource::HasTable(*db, "documents"));
    if (!has) return Status::Ok();
    CSU_ASSIGN_OR_RETURN(q, db->Prepare("SELECT tender, name, version, sha256, content FROM documents "
                                        "ORDER BY tender, name, version"));
    while (true) {
      CSU_ASSIGN_OR_RETURN(row, q.Step());
      if (!row) break;
      if (store::Sha256Hex(q.Text(4)) != q.Text(3))
        return MakeError(db->path(), "tender " + q.Text(0) + " document " + q.Text(1) + " version " +
                                         std::to_string(q.Int(2)) +
                                         ": its content does not match its SHA-256; nothing was moved");
    }
    return Status::Ok();
  }

  Result<StepReport> Copy(MigrationSource& source, store::SqlConnection& target, const ProgressFn& progress) override {
    if (Status s = procurement::CreateProcurementServerTables(target); !s.ok()) return s.error();
    CSU_ASSIGN_OR_RETURN(db, source.Database(kFile));
    StepReport r;
    for (const TableSpec& t : ProcurementTables()) {
      int64_t rows = 0;
      if (db != nullptr) {
        CSU_ASSIGN_OR_RETURN(n, CopyTable(*db, target, t, Name(), progress));
        rows = n;
      }
      r.tables.push_back({t.target_table, rows, -1});
    }
    // The bytes as stored on the target, checked again against their hashes.
    CSU_ASSIGN_OR_RETURN(q, target.Prepare("SELECT count(*) FROM procurement_documents WHERE "
                                           "encode(sha256(content), 'hex') <> sha256"));
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row || q.Int(0) != 0)
      return MakeError(target.Name(), "a document's bytes differ from their SHA-256 after the copy");
    const int64_t documents = r.tables[3].source_rows;
    r.checks.push_back({"document versions", std::to_string(documents) + " copied, each matching its SHA-256"});
    return r;
  }
};

}  // namespace

std::unique_ptr<MigrationStep> MakeProcurementStep() { return std::make_unique<ProcurementStep>(); }

}  // namespace csu::migrate
