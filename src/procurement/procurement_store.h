// The procurement database: each CCG's procurement plan, tenders with lots,
// versioned documents, criteria, declarations of interest, bids, evaluator
// assignments, sealed scores, moderation, exclusions, clarification questions
// and answers, the award with its standstill, representations, contract
// award, and published OCDS releases. Embedded mode keeps it in the state
// folder (procurement.sqlite, docs/store-format.md §14); server mode in
// PostgreSQL (§14a), shared by every node, through the same statements
// (store/sql.h).
// Every change is one transaction (SQLite: WAL, synchronous=FULL;
// PostgreSQL: under kProcurementWriteLock, so that a read-then-write such as
// numbering a release, a representation or a question sees every other
// node's committed writes); the CLI writes the matching audit entry
// (cli::CommandAudit: PostgreSQL's log in server mode).
//
// Isolation is enforced here, not only in the pages that call it:
//   * every call names the CCG, and a tender of another CCG is "not found"
//     (it does not say the tender exists);
//   * an evaluator submits and reads scores only for bids assigned to them,
//     and reads only their own scores (OwnScores); every evaluator's scores
//     (AllScores) are readable only once moderation has been opened, which
//     seals scoring for good;
//   * published releases never change (triggers refuse UPDATE and DELETE,
//     and TRUNCATE on PostgreSQL); a new release supersedes an old one, and
//     PublishNext numbers a stage's releases 1, 2, ... without a gap or a
//     repeat however many nodes publish at once;
//   * an award is recorded once (a second is refused) and document versions
//     never change.
//
//   CSU_ASSIGN_OR_RETURN(db, ProcurementStore::Open(dir));   // or OpenServer(pg::Connect(url))
//   db->AddPlanLine(line, actor);
//   db->CreateTender(tender, actor);
//   db->SubmitScores("05D", "T-1", "alice", scores, actor);
//   db->OwnScores("05D", "T-1", "alice");          // alice's only
//   db->AllScores("05D", "T-1");                   // error until OpenModeration
//
// Not thread-safe; one connection, one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/money.h"
#include "core/result.h"
#include "procurement/evaluation.h"
#include "procurement/standstill.h"

namespace csu::store {
class SqlConnection;
class SqlStatement;
}

namespace csu::procurement {

// The write lock of the procurement database in server mode (listed with
// the others in store/sql.h).
inline constexpr int64_t kProcurementWriteLock = 0x4f70656e435355'0a;

// The server tables that carry a tenant (the CCG a row belongs to), for
// row-level security (pg/tenant_rows.h).
inline constexpr std::pair<const char*, const char*> kServerTenantTables[] = {
    {"procurement_plan_lines", "ccg"},
    {"procurement_tenders", "ccg"},
};
// A tender's rows, keyed by its id (column `tender`), which is unique in the
// database and belongs to one CCG through procurement_tenders: scoped
// through that parent (pg::ScopeChildTable), so the application role sees
// a bid or a score only while its tender is visible to it.
inline constexpr const char* kServerTenderTables[] = {
    "procurement_lots",        "procurement_documents",   "procurement_interests",
    "procurement_bids",        "procurement_assignments", "procurement_scores",
    "procurement_moderations", "procurement_exclusions",  "procurement_awards",
    "procurement_representations", "procurement_clarifications",
};
// Read by the application role and never written by it: the schema version
// (read on open) and the releases, public once published (OCDS) and
// carrying no tenant.
inline constexpr const char* kServerSharedTables[] = {"procurement_meta", "procurement_releases"};

// Who made a change and when (UTC ISO 8601).
struct Actor {
  std::string at;
  std::string user;
};

// The process chosen under the PSR (regulations 6 to 11).
enum class PsrProcess : uint8_t { kNone, kDirectA, kDirectB, kDirectC, kMostSuitable, kCompetitive };
std::string_view ProcessName(PsrProcess p);  // "", "direct_a", ..., "competitive"
std::optional<PsrProcess> ParseProcess(std::string_view s);

struct PlanLine {
  std::string ccg;
  std::string ref;  // unique within the CCG
  std::string title;
  Money value;      // estimated total value, pence
  Regime regime = Regime::kPsr;
  PsrProcess process = PsrProcess::kNone;
  std::string reasons;       // why this process (PSR)
  std::string key_criteria;  // the key criteria considered (PSR regulation 5)
  Date start;                // when the procurement starts
  Date award_by;             // planned award
  std::string created_at, created_by;
};

// Regime dates and the PSR process rules (docs/procurement.md, "Plan").
Status CheckPlanLine(const PlanLine& p);

enum class TenderStatus : uint8_t { kOpen, kModeration, kAwarded, kContracted };
std::string_view StatusName(TenderStatus s);

struct Tender {
  std::string ccg;
  std::string id;  // unique within the folder; the OCDS ocid suffix
  std::string plan_ref;
  std::string title;
  Date bid_deadline;
  TenderStatus status = TenderStatus::kOpen;
  std::optional<Criteria> criteria;
};

struct Lot {
  std::string id;
  std::string title;
  Money value;
};

struct Document {
  std::string name;
  int64_t version = 0;
  std::string sha256;
  int64_t bytes = 0;
  std::string added_at, added_by;
};

struct Interest {
  std::string person;
  std::string interest;    // what was declared ("none" when nothing)
  bool conflict = false;   // a conflict of interest for this procurement
  std::string management;  // how it is managed; required for a conflict (PSR regulation 21)
  std::string declared_at;
};

struct StoredBid {
  Bid bid;
  std::string provider;  // ODS code of the bidder, for the contract (may be empty)
};

struct Award {
  std::string bid;
  std::string provider;
  Money value;
  Regime regime = Regime::kPsr;
  Date notice;
  Date standstill_last_day;
  Date contract_from;
  std::string decision;  // the record: the evaluation steps, or why a tie was decided as it was
  std::string decided_at, decided_by;
};

struct Representation {
  int64_t seq = 0;
  std::string from;
  Date received;
  std::string summary;
  std::string outcome;  // empty until decided
  std::string outcome_at;
};

// A bidder's clarification question and its answer. An answer published to
// all bidders is shared without naming who asked (`asked_by` stays in the
// CCG's own record); an unpublished answer goes to the asker only.
struct Clarification {
  int64_t seq = 0;
  std::string asked_by;  // the bidder who asked; never shown beside a published answer
  Date received;
  std::string question;
  std::string answer;  // empty until answered
  std::optional<Date> answered;
  std::string answered_by;
  bool published = false;  // the answer is shared with every bidder
};

struct Release {
  std::string ocid;
  std::string release_id;
  std::string tag;  // planning, tender, award, contract
  std::string published_at;
  std::string json;
  std::string sha256;
};

// Server mode's tables (§14a) with procurement_meta's schema_version, created
// inside a write transaction the caller holds: what OpenServer creates on
// first open, for `csu migrate`, which creates every store's tables and
// copies their rows in its one transaction (src/migrate/procurement_step.cc).
// PostgreSQL only: a SQLite connection is refused.
Status CreateProcurementServerTables(store::SqlConnection& db);

class ProcurementStore {
 public:
  // Opens (creating) DIR/procurement.sqlite. Errors name the file.
  static Result<std::unique_ptr<ProcurementStore>> Open(const std::string& dir);
  // Server mode: the tables in the connection's PostgreSQL schema (§14a,
  // prefixed procurement_), created on first open under
  // kProcurementWriteLock, so two nodes starting together create them once.
  // Errors name the server, never the password; a SQLite connection is
  // refused (use Open).
  static Result<std::unique_ptr<ProcurementStore>> OpenServer(std::unique_ptr<store::SqlConnection> db);
  ~ProcurementStore();

  // ---- plan
  Status AddPlanLine(const PlanLine& p, const Actor& by);
  Result<std::vector<PlanLine>> PlanLines(const std::string& ccg);
  Result<PlanLine> FindPlanLine(const std::string& ccg, const std::string& ref);

  // ---- tenders
  Status CreateTender(const Tender& t, const Actor& by);  // the plan line must be the CCG's
  Result<Tender> FindTender(const std::string& ccg, const std::string& id);
  Result<std::vector<Tender>> Tenders(const std::string& ccg);
  // Sets the criteria; refused once any score is in.
  Status SetCriteria(const std::string& ccg, const std::string& tender, const Criteria& c, const Actor& by);
  Status AddLot(const std::string& ccg, const std::string& tender, const Lot& lot, const Actor& by);
  Result<std::vector<Lot>> Lots(const std::string& ccg, const std::string& tender);
  // Stores the bytes as the next version of `name` unless they equal the
  // latest version's (then that version is returned, nothing is added).
  Result<Document> AddDocument(const std::string& ccg, const std::string& tender, const std::string& name,
                               const std::string& bytes, const Actor& by);
  Result<std::vector<Document>> Documents(const std::string& ccg, const std::string& tender);
  Result<std::string> DocumentBytes(const std::string& ccg, const std::string& tender, const std::string& name,
                                    int64_t version);

  // ---- conflicts of interest
  Status DeclareInterest(const std::string& ccg, const std::string& tender, const Interest& i, const Actor& by);
  Result<std::vector<Interest>> Interests(const std::string& ccg, const std::string& tender);

  // ---- bids and evaluation
  Status AddBid(const std::string& ccg, const std::string& tender, const StoredBid& b, const Actor& by);
  Result<std::vector<StoredBid>> Bids(const std::string& ccg, const std::string& tender);
  // Assigns an evaluator (a user id) to a bid. An evaluator who declared an
  // unmanaged conflict cannot be assigned.
  Status AssignEvaluator(const std::string& ccg, const std::string& tender, const std::string& evaluator,
                         const std::string& bid, const Actor& by);
  // The bids assigned to the evaluator (the only bids they may see).
  Result<std::vector<StoredBid>> AssignedBids(const std::string& ccg, const std::string& tender,
                                              const std::string& evaluator);
  // Every tender of the CCG where the user is an evaluator.
  Result<std::vector<std::string>> TendersEvaluatedBy(const std::string& ccg, const std::string& evaluator);
  // Stores one evaluator's scores, all or none: each for a bid assigned to
  // them, a sub-criterion of the tender's criteria and a score on the scale;
  // a score already given is replaced (until moderation opens). Errors name
  // the score by bid and criterion.
  Status SubmitScores(const std::string& ccg, const std::string& tender, const std::string& evaluator,
                      const std::vector<EvaluatorScore>& scores, const Actor& by);
  Result<std::vector<EvaluatorScore>> OwnScores(const std::string& ccg, const std::string& tender,
                                                const std::string& evaluator);
  // Seals scoring and opens moderation. Every assigned evaluator must have
  // scored every sub-criterion of every bid assigned to them.
  Status OpenModeration(const std::string& ccg, const std::string& tender, const Actor& by);
  // Every evaluator's scores: only once moderation is open.
  Result<std::vector<EvaluatorScore>> AllScores(const std::string& ccg, const std::string& tender);
  Status Moderate(const std::string& ccg, const std::string& tender, const Moderation& m, const Actor& by);
  Status Exclude(const std::string& ccg, const std::string& tender, const Exclusion& x, const Actor& by);
  // The whole input to Evaluate(): only once moderation is open.
  Result<EvaluationInput> EvaluationInputOf(const std::string& ccg, const std::string& tender);

  // ---- award, standstill, representations, contract
  Status RecordAward(const std::string& ccg, const std::string& tender, const Award& a);
  Result<std::optional<Award>> AwardOf(const std::string& ccg, const std::string& tender);
  // A representation must be received on or before the standstill's last day.
  Result<int64_t> AddRepresentation(const std::string& ccg, const std::string& tender, const Representation& r,
                                    const Actor& by);
  Status DecideRepresentation(const std::string& ccg, const std::string& tender, int64_t seq,
                              const std::string& outcome, const Actor& by);
  Result<std::vector<Representation>> Representations(const std::string& ccg, const std::string& tender);
  // Marks the tender contracted on `signed_on`: not before the standstill
  // ends, and not while a representation awaits its outcome.
  Status MarkContracted(const std::string& ccg, const std::string& tender, Date signed_on, const Actor& by);
  Result<std::optional<Date>> ContractSigned(const std::string& ccg, const std::string& tender);

  // ---- clarification questions and answers (while the tender is open)
  Result<int64_t> AddClarification(const std::string& ccg, const std::string& tender, const Clarification& q,
                                   const Actor& by);
  // Refused for a question that does not exist or is already answered, for
  // an empty answer, and for an answer dated before the question arrived.
  Status AnswerClarification(const std::string& ccg, const std::string& tender, int64_t seq,
                             const std::string& answer, Date answered, bool publish, const Actor& by);
  Result<std::vector<Clarification>> Clarifications(const std::string& ccg, const std::string& tender);

  // ---- publication
  // Stores a release; refused if the release id is already published.
  Status Publish(const Release& r);
  // Publishes the next release of `stage` for `ocid` in one write
  // transaction: numbers it one past the stage's releases already published
  // (1 for the first), has `build(seq)` make it (its ocid and tag must be
  // these) and stores it. Under the write lock, so publishers on several
  // nodes at once get consecutive numbers, never the same one. Refused when
  // the release is dated before the ocid's latest (releases list in the
  // order they were numbered).
  Result<Release> PublishNext(const std::string& ocid, const std::string& stage,
                              const std::function<Result<Release>(int64_t seq)>& build);
  // In publication order: by date, then as published.
  Result<std::vector<Release>> Releases(const std::string& ocid);

  struct PassKey {
    explicit PassKey() = default;
  };
  ProcurementStore(PassKey, std::unique_ptr<store::SqlConnection> db);

 private:
  Result<Tender> TenderFor(const std::string& ccg, const std::string& id);
  // A statement with its `@table` names spelled for the engine.
  Result<store::SqlStatement> Prep(std::string_view sql);
  Result<bool> Exists(std::string_view sql, const std::vector<std::string>& args);
  Status InsertRelease(const Release& r);
  std::unique_ptr<store::SqlConnection> db_;
};

}  // namespace csu::procurement
