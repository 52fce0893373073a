// The Continuing Healthcare database of a state folder (chc.sqlite,
// docs/store-format.md §15; rules in docs/chc.md): cases keyed by CCG and
// pseudonym with their timeline, Checklists, DST assessments with the level
// of each domain, eligibility decisions with reasons, valid reasons for
// delay, care packages as immutable versions, and reviews. A case's
// identifiable fields (name, NHS number, date of birth, address) are held in
// their own table, each sealed by FieldCipher with the case id bound in, and
// are read only through ReadIdentity, whose caller audits the view with its
// purpose. Nothing identifiable is ever put in an event, an error or a row of
// any other table.
//
// Embedded mode keeps the database in the state folder; server mode in
// PostgreSQL (§15a), shared by every node, through the same statements
// (store/sql.h). Every change is one transaction (SQLite: synchronous=FULL;
// PostgreSQL: under kChcWriteLock, so every node's changes to cases,
// packages, appeals and claims are checked and applied one at a time): it
// lands whole or not at all. What stays fixed once written, on both
// engines: a package's versions (a change is a new version, the database
// refuses UPDATE, DELETE and, on PostgreSQL, TRUNCATE), a checked provider
// invoice, a claim's stated costs; a decision is recorded once per case
// (another needs a new assessment, never an edit), an appeal's outcome once.
// The key: the identifiable fields are sealed in the database, so in server
// mode the rows in PostgreSQL are as opaque as the file; every node that
// opens them (OpenServer) is given the same key file, and the database's
// recorded fingerprint refuses any other (docs/deploy.md).
//
//   CSU_ASSIGN_OR_RETURN(db, ChcStore::Open(dir, cipher));   // or OpenServer(pg::Connect(url), cipher)
//   CSU_ASSIGN_OR_RETURN(id, db->Refer(new_case, identity, cipher, actor));
//
// Not thread-safe: one user at a time.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chc/assurance.h"
#include "chc/dst.h"
#include "chc/invoice_check.h"
#include "chc/package_cost.h"
#include "chc/retro_claim.h"
#include "chc/timeliness.h"
#include "core/date.h"
#include "core/result.h"
#include "store/field_cipher.h"

namespace csu::store {
class SqlConnection;
class SqlStatement;
}

namespace csu::chc {

// Server mode's write lock of the CHC tables (listed with the others in
// store/sql.h).
inline constexpr int64_t kChcWriteLock = 0x4f70656e435355'0b;

// The server tables that carry a tenant (the CCG a row belongs to), for
// row-level security (pg/tenant_rows.h). Every other CHC table hangs off a
// case (identities, events, assessments and their levels, delays, reviews,
// appeals), a package (package_versions) or a claim (retro_claim_costs) by
// its id, and is reached only through one of these.
inline constexpr std::pair<const char*, const char*> kServerTenantTables[] = {
    {"cases", "ccg"}, {"packages", "ccg"}, {"provider_invoices", "ccg"}, {"retro_claims", "ccg"}};

// The shared sealing of identifiable fields (store/field_cipher.h), under
// CHC's own domain (store::kChcCipherDomain).
using store::FieldCipher;

struct CaseloadRow;  // caseload_file.h

struct Actor {
  std::string at;  // UTC ISO 8601
  std::string by;  // "cli:<login>" or a user name
};

// The identifiable fields of a person. Transient: held only to seal or to
// show to someone permitted, never logged or copied into an error.
struct Identity {
  std::string name;
  std::string nhs_number;     // 10 digits, checked by the caller
  std::string date_of_birth;  // YYYY-MM-DD
  std::string address;
};

struct NewCase {
  std::string ccg;        // ODS code, capitals
  std::string pseudonym;  // hex HMAC of the NHS number (ingest::Pseudonymiser)
  Date referred_on;
  bool fast_track = false;
  std::optional<DateTime> fast_track_received;  // Fast Track: when the referral reached the CCG
};

struct CaseRow {
  int64_t id = 0;
  std::string ccg, pseudonym, status;  // status: referred, screened_out, assessment, eligible, not_eligible, closed
  bool fast_track = false;
  Date referred_on;
  std::optional<Date> checklist_received;
  std::optional<bool> checklist_positive;
  std::optional<Date> decided_on;
  std::optional<bool> eligible;
  std::string decision_reason;
  std::optional<Date> closed_on;
  std::optional<DateTime> ft_received, ft_in_place;
  std::optional<Date> last_review;
  bool valid_delay = false;
  int64_t assessments = 0;
};

struct Event {
  std::string at, by, kind, detail;
};

struct Assessment {
  int64_t id = 0;
  int64_t case_id = 0;
  Date assessed_on;
  bool acute = false;         // done in an acute hospital
  DstLevels levels;
  std::string recommendation;  // the MDT's: "eligible" or "not_eligible"
};

class ChcStore {
 public:
  // Opens (creating) DIR/chc.sqlite. The cipher's fingerprint is recorded on
  // creation and must match afterwards.
  static Result<std::unique_ptr<ChcStore>> Open(const std::string& dir, const FieldCipher& cipher);
  // Opens an existing DIR/chc.sqlite without the CHC key, for the web
  // server's pseudonymised pages: it can read every case but open no
  // identifiable field, because it never holds the key. nullptr when the
  // folder has no CHC database.
  static Result<std::unique_ptr<ChcStore>> OpenPseudonymised(const std::string& dir);
  // Server mode (docs/store-format.md §15a): the tables in the connection's
  // PostgreSQL schema, created on first open under kChcWriteLock (two nodes
  // starting together create them once). OpenServer holds the key: its
  // fingerprint is recorded by the first keyed open and must match on every
  // later one, on any node. OpenServerPseudonymised holds none, like
  // OpenPseudonymised. Errors name the server, never the password; a SQLite
  // connection is refused (use Open).
  static Result<std::unique_ptr<ChcStore>> OpenServer(std::unique_ptr<store::SqlConnection> db,
                                                      const FieldCipher& cipher);
  static Result<std::unique_ptr<ChcStore>> OpenServerPseudonymised(std::unique_ptr<store::SqlConnection> db);
  // Server mode: whether a key's fingerprint is recorded yet (a command may
  // create a new key file only while none is), and tying an open store to
  // `cipher` as OpenServer does (recording its fingerprint on first use).
  Result<bool> KeyRecorded();
  Status CheckKey(const FieldCipher& cipher);
  ~ChcStore();

  Result<int64_t> Refer(const NewCase& c, const Identity& who, const FieldCipher& cipher, const Actor& actor);
  Status RecordChecklist(int64_t case_id, Date received, bool positive, const Actor& actor);
  Result<int64_t> RecordAssessment(const Assessment& a, const Actor& actor);
  Status Decide(int64_t case_id, Date on, bool eligible, const std::string& reason, const Actor& actor);
  Status RecordDelay(int64_t case_id, DelayReason kind, const std::string& reason, const Actor& actor);
  Status FastTrackInPlace(int64_t case_id, DateTime at, const Actor& actor);
  Status RecordReview(int64_t case_id, Date on, const std::string& outcome, const Actor& actor);
  Status Close(int64_t case_id, Date on, const std::string& reason, const Actor& actor);

  // A request to look again at the decision (docs/chc.md, "Appeals"): at
  // local resolution, or at NHS England's independent review after it.
  // AppealOutcome closes it; an upheld appeal is recorded, and the decision
  // itself is changed by a new assessment and decision, never in place.
  enum class AppealStage : uint8_t { kLocalResolution, kIndependentReview };
  Result<int64_t> RecordAppeal(int64_t case_id, AppealStage stage, Date received, const Actor& actor);
  Status AppealOutcome(int64_t appeal_id, Date on, bool upheld, const std::string& reason, const Actor& actor);
  struct Appeal {
    int64_t id = 0, case_id = 0;
    std::string stage, outcome, reason;
    Date received_on;
    std::optional<Date> decided_on;
  };
  Result<std::vector<Appeal>> Appeals(int64_t case_id);

  Result<int64_t> AddPackage(int64_t case_id, const PackageVersion& v, const Actor& actor);
  // A new version from v.start (after the latest version's start, not after an end).
  Status ChangePackage(int64_t package_id, const PackageVersion& v, const std::string& reason, const Actor& actor);
  Status EndPackage(int64_t package_id, Date last_day, const std::string& reason, const Actor& actor);

  // An imported caseload (caseload_file.h), all cases in one transaction:
  // all stored or, on any error, none. pseudonyms[i] is rows[i]'s. Returns
  // the new case ids in row order.
  Result<std::vector<int64_t>> Import(const std::vector<CaseloadRow>& rows, const std::vector<std::string>& pseudonyms,
                                      const FieldCipher& cipher, const Actor& actor, const std::string& source);

  // Reads. `ccg` empty = every CCG.
  Result<std::optional<CaseRow>> FindCase(int64_t case_id);
  Result<std::vector<CaseRow>> Cases(const std::string& ccg);
  Result<std::vector<CaseFacts>> Facts(const std::string& ccg);
  Result<std::vector<Package>> Packages(const std::string& ccg);
  Result<std::vector<Event>> Timeline(int64_t case_id);
  Result<std::vector<Assessment>> Assessments(int64_t case_id);
  // The identifiable fields; the caller has checked permission and audits the view.
  Result<Identity> ReadIdentity(int64_t case_id, const FieldCipher& cipher);


  // ---- provider invoices and retrospective claims (chc_store_finance.cc;
  // docs/chc.md, "Provider invoices" and "Retrospective claims")
  // Stores checked invoices, all in one transaction; returns their ids.
  Result<std::vector<int64_t>> StoreInvoices(const std::vector<CheckedInvoice>& checked, const Actor& actor);
  // `ccg` empty = every CCG; by id.
  Result<std::vector<CheckedInvoice>> Invoices(const std::string& ccg);

  // A claim for a previously unassessed period of care, with the costs the
  // claimant states were paid (retro_claim.h).
  struct Claim {
    int64_t id = 0, case_id = 0;
    std::string ccg, status;  // open, eligible, not_eligible
    Date received_on, from, to;
    std::vector<ClaimCost> costs;
    std::optional<Date> decided_on, eligible_from, eligible_to;
    std::string reason;
    Money stated;   // the costs stated over the claim's period
    Money awarded;  // the costs stated over the eligible days (0 unless eligible)
  };
  Result<int64_t> RecordClaim(int64_t case_id, Date received, Date from, Date to, const std::vector<ClaimCost>& costs,
                              const Actor& actor);
  // Eligible for [eligible_from, eligible_to] within the claim's period, or
  // not eligible (both nullopt); reasons required; the award is computed.
  Status DecideClaim(int64_t claim_id, Date on, std::optional<std::pair<Date, Date>> eligible,
                     const std::string& reason, const Actor& actor);
  // `ccg` empty = every CCG; by id.
  Result<std::vector<Claim>> Claims(const std::string& ccg);

  // For tests and the crash test: the database itself.
  store::SqlConnection& db() { return *db_; }

  struct PassKey {
    explicit PassKey() = default;
  };
  ChcStore(PassKey, std::unique_ptr<store::SqlConnection> db);

 private:
  Status SealIdentity(int64_t case_id, const Identity& who, const FieldCipher& cipher);
  // Steps an INSERT ... RETURNING id (bound) and gives the new row's id.
  Result<int64_t> InsertedId(store::SqlStatement& ins, const char* what);
  Status AddEvent(int64_t case_id, const std::string& kind, const std::string& detail, const Actor& actor);
  Result<CaseRow> Need(int64_t case_id);
  std::unique_ptr<store::SqlConnection> db_;
};

}  // namespace csu::chc
