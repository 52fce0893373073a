// The catalog's hash-chained audit log (docs/store-format.md §2) into
// server mode's audit_log (§11a): verified whole before anything is
// written, copied entry for entry, verified again as the target holds it and
// its head compared hash for hash.
#include "migrate/steps.h"
#include "store/audit_chain.h"
#include "store/sql_audit_log.h"

namespace csu::migrate {
namespace {

constexpr const char* kCatalogFile = "catalog.sqlite";

Result<std::vector<store::AuditEntry>> ReadEntries(store::SqlConnection& db) {
  CSU_ASSIGN_OR_RETURN(q, db.Prepare(
      "SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_log ORDER BY seq"));
  std::vector<store::AuditEntry> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) return out;
    out.push_back({q.Int(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4), q.Text(5), q.Text(6), q.Text(7)});
  }
}

class AuditLogStep final : public MigrationStep {
 public:
  std::string Name() const override { return "audit log"; }

  // The whole chain is verified before anything is written: a log that
  // was edited is refused, naming its first broken entry, rather than
  // carried into the system of record looking sound.
  Status Check(MigrationSource& source) override {
    CSU_ASSIGN_OR_RETURN(db, source.Database(kCatalogFile));
    if (db == nullptr) return MakeError(source.dir(), "is not a state folder (it has no catalog.sqlite)");
    CSU_ASSIGN_OR_RETURN(q, db->Prepare(
        "SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit ORDER BY seq"));
    CSU_ASSIGN_OR_RETURN(entries, store::AllRows<store::AuditEntry>(q, [&] {
      return store::AuditEntry{q.Int(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4), q.Text(5), q.Text(6), q.Text(7)};
    }));
    auto n = store::VerifyAuditChain(entries);
    if (!n.ok())
      return MakeError(db->path(), n.error().where + ": " + n.error().why +
                                       "; the audit chain is broken, so the log is not migrated");
    head_ = entries.empty() ? store::AuditHead{} : store::AuditHead{entries.back().seq, entries.back().hash};
    count_ = static_cast<int64_t>(entries.size());
    return Status::Ok();
  }

  Result<StepReport> Copy(MigrationSource& source, store::SqlConnection& target, const ProgressFn& progress) override {
    if (Status s = store::CreateAuditLogTable(target); !s.ok()) return s.error();
    CSU_ASSIGN_OR_RETURN(db, source.Database(kCatalogFile));
    const TableSpec spec{"audit",
                         {"seq", "at", "actor", "action", "subject", "details", "prev_hash", "hash"},
                         "ittttttt",
                         "seq",
                         "audit_log"};
    CSU_ASSIGN_OR_RETURN(copied, CopyTable(*db, target, spec, Name(), progress));
    if (copied != count_)
      return MakeError(db->path(), "the audit log changed while it was read (" + std::to_string(copied) +
                                       " entries, " + std::to_string(count_) + " checked)");
    // The chain as the target stores it: verified again, and its head must
    // be the source's, hash for hash.
    CSU_ASSIGN_OR_RETURN(entries, ReadEntries(target));
    auto n = store::VerifyAuditChain(entries);
    if (!n.ok()) return MakeError(target.Name(), n.error().where + ": " + n.error().why + " after the copy");
    const store::AuditHead there =
        entries.empty() ? store::AuditHead{} : store::AuditHead{entries.back().seq, entries.back().hash};
    if (there.seq != head_.seq || there.hash != head_.hash)
      return MakeError(target.Name(), "the audit chain's head after the copy (entry " + std::to_string(there.seq) +
                                          ") is not the source's (entry " + std::to_string(head_.seq) + ")");
    StepReport r;
    r.tables.push_back({"audit_log", count_, -1});
    r.checks.push_back({"audit chain", "verified in both, " + std::to_string(n.value()) + " entries"});
    r.checks.push_back({"head hash", "entry " + std::to_string(head_.seq) + " " + head_.hash + " in both"});
    return r;
  }

 private:
  store::AuditHead head_;
  int64_t count_ = 0;
};

}  // namespace

std::unique_ptr<MigrationStep> MakeAuditLogStep() { return std::make_unique<AuditLogStep>(); }

}  // namespace csu::migrate
