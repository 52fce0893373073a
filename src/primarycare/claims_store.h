// Enhanced-service schemes and claims: in the state folder's
// primary-care.sqlite in embedded mode (docs/store-format.md, "Primary care:
// enhanced-service claims", §18), in PostgreSQL in server mode (§18a), shared
// by every node through the same statements (store/sql.h); rules in
// docs/primary-care.md and primarycare/claims.h.
//
// The file (or schema) is shared with the practices and payments store
// (pc_store.h): this class owns only the tables whose names begin `es_` and
// keeps its own schema version in `es_meta`, so either class may open it
// first. In server mode every change is taken under the practices store's
// kPrimaryCareWriteLock, so claim numbers are unique, a claim is made once
// and an approval's payment month is decided one writer at a time across
// nodes.
//
// Scope is the caller's to derive from the signed-in principal, never from a
// request: every read and change takes a ClaimScope (the CCG, and for a
// practice user its own practice). A claim outside the scope answers exactly
// as a claim that does not exist, so nobody learns another practice's claim
// ids. Every state change is one SQLite transaction (synchronous=FULL), is
// recorded in the claim's own history (es_claim_events) in that transaction,
// and then in the platform's hash-chained audit log through `audit` (in
// server mode, PostgreSQL's log); a change whose audit entry could not be
// written is reported as such.
//
// Evidence files a practice uploads for its claims (primarycare/evidence.h)
// are kept beside the database by content hash (DIR/primary-care-evidence/
// <sha256>, written and fsync'd before the row that names them is
// committed, and checked against the hash when read); in server mode their
// bytes are in es_evidence_files, in the transaction of the row that names
// them, so every node reads them. es_evidence holds their names, types and
// sizes. A practice sees only its own claims' files.
//
// Not thread-safe: one user at a time (the web server holds a lock).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "primarycare/claims.h"

namespace csu::store {
class SqlConnection;
}

namespace csu::primarycare {

// Appends one entry to the audit log (actor, action, subject, details JSON).
using ClaimsAuditFn = std::function<Status(const std::string& actor, const std::string& action,
                                           const std::string& subject, const std::string& details_json)>;

struct ClaimsActor {
  std::string at;  // UTC ISO 8601
  std::string by;  // "cli:<login>" or a user name
  // The platform's today, YYYY-MM-DD, when the folder has a platform date
  // (store/platform_date.h); "" = the date `at` begins with. An approval's
  // payment month is this day's month.
  std::string today;
};

// What a caller may see and touch: the CCG's, and when `practice` is set,
// only that practice's.
struct ClaimScope {
  std::string ccg;
  std::string practice;  // "" = every practice of the CCG
};

struct NewClaim {
  std::string scheme_code;
  std::string practice;               // ODS code, capitals; must equal the scope's practice when that is set
  std::string period;                 // first month, "YYYY-MM"
  int64_t units = 0;
  std::string evidence_note;          // what the practice supplies (may be empty)
  std::optional<int64_t> registered;  // the practice's registered list (reference data) for per-patient rules
  // A file attached with the claim in the same transaction; required when
  // the scheme says `evidence_file` (file_name as sent; bytes checked by
  // CheckEvidence).
  struct File {
    std::string file_name, bytes;
  };
  std::optional<File> file;
};

// One evidence file of a claim.
struct EvidenceRow {
  int64_t id = 0, claim_id = 0;
  std::string practice, file_name, media_type, sha256;
  int64_t bytes = 0;
  std::string uploaded_at, uploaded_by;
};

struct ClaimEvent {
  std::string at, by, kind, detail;  // kind: submitted, queried, answered, approved, rejected
};

struct ClaimRow {
  int64_t id = 0;
  std::string ccg, scheme_code, scheme_name, practice;
  std::string period_label;
  Date period_first, period_last;
  int64_t units = 0;
  ClaimState state = ClaimState::kSubmitted;
  std::string evidence_note;
  std::string question, answer, reason;  // the last query, the practice's answer, the rejection's reason
  int64_t amount_pence = 0;              // approved only
  std::string explanation;               // approved only: "120 units × £7.50 = £900.00"
  std::string payment_month;             // approved only: "YYYY-MM", the schedule it joins
  std::string submitted_at, submitted_by, decided_at, decided_by;
};

// One approved claim as a line of a month's payment schedule.
struct ClaimPaymentLine {
  int64_t claim_id = 0;
  std::string practice, scheme_code, scheme_name, period_label;
  int64_t amount_pence = 0;
  std::string explanation;  // "LES-ANTICOAG 2024-05: 120 units × £7.50 = £900.00 (claim 7)"
};

class ClaimsStore {
 public:
  // Opens (creating) DIR/primary-care.sqlite and this class's tables.
  static Result<std::unique_ptr<ClaimsStore>> Open(const std::string& dir, ClaimsAuditFn audit);
  // Server mode: the es_ tables in the connection's PostgreSQL schema
  // (§18a), created on first open under kPrimaryCareWriteLock. Errors name
  // the server, never the password; a SQLite connection is refused.
  static Result<std::unique_ptr<ClaimsStore>> OpenServer(std::unique_ptr<store::SqlConnection> db,
                                                         ClaimsAuditFn audit);
  ~ClaimsStore();

  // ---- schemes (the commissioner; manage_schemes) ----
  // Adds a scheme (validated); a code the CCG already uses is refused.
  Status AddScheme(Scheme scheme, const ClaimsActor& a);
  // Replaces a scheme's details. The code and CCG stay; a change of fee
  // applies to claims approved afterwards (an approved amount never moves).
  Status UpdateScheme(Scheme scheme, const ClaimsActor& a);
  Result<std::vector<Scheme>> Schemes(const std::string& ccg);
  Result<std::optional<Scheme>> FindScheme(const std::string& ccg, const std::string& code);

  // ---- claims ----
  // A practice's claim (submit_claims). Refused with why: an unknown
  // scheme, a period outside the window or malformed, units above the cap,
  // or a claim of the practice for the same scheme and period that is not
  // rejected (a rejected claim may be claimed again).
  Result<int64_t> Submit(const ClaimScope& scope, NewClaim claim, const ClaimsActor& a);
  // The CCG's decisions (approve_claims); each only from the states the
  // machine in claims.h allows.
  Status Approve(const ClaimScope& scope, int64_t id, const ClaimsActor& a);
  Status Query(const ClaimScope& scope, int64_t id, const std::string& question, const ClaimsActor& a);
  Status Reject(const ClaimScope& scope, int64_t id, const std::string& reason, const ClaimsActor& a);
  // The practice answers a query and resubmits, with units changed when
  // `units` is set (checked again against the scheme).
  Status Answer(const ClaimScope& scope, int64_t id, const std::string& answer, std::optional<int64_t> units,
                std::optional<int64_t> registered, const ClaimsActor& a);

  // Claims in scope, newest first; `state` filters when set.
  Result<std::vector<ClaimRow>> Claims(const ClaimScope& scope, std::optional<ClaimState> state = std::nullopt);
  // nullopt when not in scope or absent (indistinguishable on purpose).
  Result<std::optional<ClaimRow>> FindClaim(const ClaimScope& scope, int64_t id);
  Result<std::vector<ClaimEvent>> History(const ClaimScope& scope, int64_t id);

  // ---- evidence ----
  // The practice attaches a file to its own claim while the claim is
  // submitted or queried (a decided claim's evidence is what it was decided
  // on). Refused with why: a claim out of scope (as absent), a decided
  // claim, a file CheckEvidence refuses, or a scope without a practice (only
  // the practice supplies evidence). Audited (primary_care.claim.evidence).
  Result<int64_t> AttachEvidence(const ClaimScope& scope, int64_t claim, const NewClaim::File& file,
                                 const ClaimsActor& a);
  // A claim's files, or every file of the claims in scope when `claim` is 0.
  Result<std::vector<EvidenceRow>> Evidence(const ClaimScope& scope, int64_t claim = 0);
  // One file and its bytes; nullopt when not in scope or absent. An error
  // when the stored bytes no longer match their hash.
  struct EvidenceFile {
    EvidenceRow row;
    std::string bytes;
  };
  Result<std::optional<EvidenceFile>> ReadEvidence(const ClaimScope& scope, int64_t evidence_id);

  // The payment schedule's hook: the CCG's claims approved for payment in
  // `month` ("YYYY-MM"), by practice then claim id. A claim is paid in the
  // month it was approved (docs/primary-care.md, "Payment").
  Result<std::vector<ClaimPaymentLine>> ApprovedClaimLines(const std::string& ccg, const std::string& month);

  struct PassKey {
    explicit PassKey() = default;
  };
  // `dir` is the folder of the evidence files; "" in server mode.
  ClaimsStore(PassKey, std::unique_ptr<store::SqlConnection> db, ClaimsAuditFn audit, std::string dir);

 private:
  // Writes the bytes under their hash (if not there already) and inserts
  // the row, inside the caller's transaction. Returns the row's id.
  Result<int64_t> StoreEvidence(int64_t claim, const NewClaim::File& file, const ClaimsActor& a,
                                std::string* sha256);
  Status Decide(const ClaimScope& scope, int64_t id, ClaimState to, const std::string& text, const ClaimsActor& a);
  Status Audit(const ClaimsActor& a, const std::string& action, const std::string& subject, const std::string& json);
  std::unique_ptr<store::SqlConnection> db_;
  ClaimsAuditFn audit_;
  std::string dir_;
};

}  // namespace csu::primarycare
