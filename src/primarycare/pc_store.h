// The primary care database (rules in docs/primary-care.md): the GP practices
// a CCG commissions, their contracts (GMS, PMS, APMS) with dates, quarterly
// registered and weighted list sizes, each practice's QOF figures per year,
// other agreed payments and deductions, and which CCG months' payment
// schedules were posted to the ledger. Embedded mode keeps it in the state
// folder (primary-care.sqlite, docs/store-format.md §17); server mode in
// PostgreSQL (§17a), shared by every node, through the same statements
// (store/sql.h).
//
// Every change is one transaction (SQLite: WAL, synchronous=FULL; PostgreSQL:
// under kPrimaryCareWriteLock below): it lands whole or not at all and is
// durable when the call returns. A load of a file stores all its rows or none.
//
// The enhanced-service claims (claims_store.h) keep their own es_ tables in
// the same file or schema, written under the same lock, so an approval and
// the posting of the month it is paid in are serialised on both engines.
//
// Not thread-safe: one user at a time (the CLI; the web under a mutex).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "ledger/ledger_types.h"
#include "primarycare/schedule_source.h"

namespace csu::store {
class SqlConnection;
}

namespace csu::primarycare {

// Server mode's write lock of the primary care tables, the practices' and
// the claims' (a PostgreSQL advisory lock; listed with the others in
// store/sql.h): one writer at a time across nodes, so a claim's duplicate
// check, its payment month and a schedule's posting each see the last
// committed change.
inline constexpr int64_t kPrimaryCareWriteLock = 0x4f70656e435355'0c;

// The server tables carrying a tenant, with the column naming the CCG whose
// rows they are (the lead applies row-level security from this list,
// pg/tenant_rows.h). A practice belongs to one CCG (practices.ccg); the
// practice-keyed tables (contracts, list_sizes, qof_years, qof_indicators,
// adjustments) and the claims' children (es_claim_events, es_evidence) carry
// no CCG column of their own and are reached through these in every read;
// es_evidence_files is keyed by content hash only (the bytes, shared by
// claims that attach the same file).
inline constexpr std::pair<const char*, const char*> kServerTenantTables[] = {
    {"practices", "ccg"},         {"schedule_postings", "ccg"}, {"schedule_lines", "ccg"},
    {"es_schemes", "ccg"},        {"es_claims", "ccg"},
};
// A practice's rows (column `practice`): scoped through the practice, whose
// CCG is on `practices`, so the application role sees a practice's
// contract, lists, QOF and adjustments only while the practice is its
// CCG's. (In PostgreSQL the contracts table is gp_contracts.)
inline constexpr const char* kServerPracticeTables[] = {"gp_contracts", "list_sizes", "qof_years", "qof_indicators",
                                                       "adjustments"};
// A claim's rows (column `claim_id`), scoped through the claim; then an
// evidence file's bytes through the evidence rows that name its hash.
inline constexpr const char* kServerClaimTables[] = {"es_claim_events", "es_evidence"};
// Read by the application role and never written by it: the schema versions.
inline constexpr const char* kServerSharedTables[] = {"primary_care_meta", "es_meta"};

struct Actor {
  std::string at;  // UTC ISO 8601
  std::string by;  // "cli:<login>" or a user name
};

struct PracticeRow {
  std::string code;      // ODS code, capitals
  std::string ccg;       // ODS code of the commissioning CCG, capitals
  std::string name;      // "" when the reference data has none (the shipped list has no names)
  std::string postcode;
  int64_t reference_list = 0;  // registered patients in the reference data's list (January 2021)
};

enum class ContractType : uint8_t { kGms, kPms, kApms };
std::string_view ContractTypeName(ContractType t);  // "GMS", "PMS", "APMS"
std::optional<ContractType> ParseContractType(std::string_view s);  // exact, capitals

struct Contract {
  int64_t id = 0;
  std::string practice;
  ContractType type = ContractType::kGms;
  Date start;
  std::optional<Date> end;  // inclusive; none = open-ended
  std::string reference;    // the commissioner's contract reference, may be ""
  std::string recorded_at, recorded_by;
};

// A practice's list at the start of a quarter (1 April, 1 July, 1 October,
// 1 January): registered patients and the weighted list (the Global Sum
// allocation formula's), the latter exact in millionths of a patient.
struct ListSize {
  std::string practice;
  Date quarter;  // the quarter's first day
  int64_t registered = 0;
  int64_t weighted_millionths = 0;
  std::string source;  // file the row was loaded from
};

// A practice's QOF figures for a year, from a loaded QOF input pair: the
// achievement payment (the sum of its indicator payments) when the year's
// indicators were given, and the aspiration from the prior year's figures
// when those were given (qof.h, CalculateAspiration).
struct QofYear {
  std::string practice;
  std::string year;  // "2024/25"
  std::optional<int64_t> achievement_pence, points_hundredths;
  std::optional<int64_t> aspiration_annual_pence, aspiration_monthly_pence;
  std::string aspiration_explanation, achievement_explanation;
  std::string source;
};
struct QofIndicatorRow {
  std::string practice, year, indicator;
  std::optional<int64_t> achievement_hundredths;
  int64_t points_hundredths = 0, points_available = 0, payment_pence = 0;
};

// Another agreed payment (+) or a deduction (−) for a practice in a month,
// with its reason (docs/formats/primary-care-adjustments-v1.md).
struct Adjustment {
  int64_t id = 0;
  std::string practice;
  ledger::LedgerPeriod month;
  LineKind kind = LineKind::kOtherPayment;  // kOtherPayment or kDeduction
  std::string description;
  int64_t amount_pence = 0;  // deductions negative
  std::string reason, source;
};

// The description of a practice's QOF balancing line for `year` ("QOF
// balancing payment 2024/25"): how a posted balancing is recognised.
std::string BalancingDescription(const std::string& year);

// A CCG's month posted to its ledger.
struct PostedSchedule {
  std::string ccg;
  ledger::LedgerPeriod month;
  int64_t journal = 0;
  int64_t total_pence = 0, lines = 0;
  std::string posted_at, posted_by;
};

// The first day of the quarter holding `day` (1 January, 1 April, 1 July or
// 1 October).
Date QuarterStart(Date day);

class PcStore {
 public:
  // Opens (creating) DIR/primary-care.sqlite. Errors name the file.
  static Result<std::unique_ptr<PcStore>> Open(const std::string& dir);
  // Server mode: the tables in the connection's PostgreSQL schema (§17a),
  // created on first open under kPrimaryCareWriteLock, so two nodes starting
  // together create them once. Errors name the server, never the password;
  // a SQLite connection is refused (use Open).
  static Result<std::unique_ptr<PcStore>> OpenServer(std::unique_ptr<store::SqlConnection> db);
  ~PcStore();

  // ---- practices
  // Adds practices (a CCG's, from the reference data) in one transaction;
  // a practice already here is left as it is. Returns how many were added.
  Result<int64_t> AddPractices(const std::vector<PracticeRow>& rows, const Actor& actor);
  Result<std::optional<PracticeRow>> FindPractice(const std::string& code);
  // A CCG's practices by code; every practice when `ccg` is empty.
  Result<std::vector<PracticeRow>> Practices(const std::string& ccg);
  // The CCGs that have practices here, in order.
  Result<std::vector<std::string>> Ccgs();

  // ---- contracts
  // Records a contract. Refused, storing nothing, when the practice is not
  // here, the end is before the start, or it overlaps another contract of
  // the practice (a practice holds one contract at a time).
  Result<int64_t> AddContract(const Contract& c, const Actor& actor);
  // Ends an open-ended contract on `end` (inclusive, not before its start).
  Status EndContract(int64_t id, Date end, const Actor& actor);
  // A practice's contracts by start date; every practice's of `ccg` when
  // `practice` is empty.
  Result<std::vector<Contract>> Contracts(const std::string& ccg, const std::string& practice);
  // The contract in force on `day`, if any.
  Result<std::optional<Contract>> ContractOn(const std::string& practice, Date day);

  // ---- list sizes
  // Stores the rows of one file (all or none): a row for a practice not here
  // is refused naming `source:line`; a practice × quarter already loaded is
  // replaced (a corrected list), and the count of replaced rows returned.
  struct ListLoad {
    int64_t added = 0, replaced = 0;
  };
  Result<ListLoad> LoadListSizes(const std::vector<ListSize>& rows, const std::vector<int64_t>& lines,
                                 const std::string& source, const Actor& actor);
  // The list of `practice` at the start of the quarter holding `day`.
  Result<std::optional<ListSize>> ListSizeFor(const std::string& practice, Date day);
  Result<std::vector<ListSize>> ListSizes(const std::string& practice);
  // The quarters (their first days) with a list for any of a CCG's
  // practices, in order: what a page offers when none is as old as today.
  Result<std::vector<Date>> ListQuarters(const std::string& ccg);

  // ---- QOF
  // Stores the practice-years (replacing any stored for the same practice
  // and year, with their indicator rows) in one transaction. Refused,
  // storing nothing, for a practice not here or a year whose balancing
  // payment was already posted for the practice.
  Status StoreQof(const std::vector<QofYear>& years, const std::vector<QofIndicatorRow>& indicators,
                  const Actor& actor);
  Result<std::optional<QofYear>> FindQofYear(const std::string& practice, const std::string& year);
  // The practice-years of a CCG's practices (every CCG's when empty) for `year`.
  Result<std::vector<QofYear>> QofYears(const std::string& ccg, const std::string& year);
  Result<std::vector<QofIndicatorRow>> QofIndicators(const std::string& ccg, const std::string& year);
  // The QOF years stored for a CCG's practices (every CCG's when empty),
  // latest first ("2024/25"): what a page offers when today's year has none.
  Result<std::vector<std::string>> QofYearsStored(const std::string& ccg);
  // Whether a posted schedule paid the practice's balancing payment for `year`.
  Result<bool> BalancingPosted(const std::string& practice, const std::string& year);

  // ---- other payments and deductions
  // Stores a file's adjustments, all or none: refused (naming source:line)
  // for a practice not here or a month its CCG has already posted.
  Result<int64_t> AddAdjustments(const std::vector<Adjustment>& rows, const std::vector<int64_t>& lines,
                                 const std::string& source, const Actor& actor);
  Result<std::vector<Adjustment>> Adjustments(const std::string& ccg, ledger::LedgerPeriod month);

  // ---- posted schedules
  Result<std::optional<PostedSchedule>> FindPosting(const std::string& ccg, ledger::LedgerPeriod month);
  // A CCG's postings by month (every CCG's when empty).
  Result<std::vector<PostedSchedule>> Postings(const std::string& ccg);
  // Records a schedule as posted with its lines; refused when the CCG's
  // month is posted already.
  Status RecordPosting(const PostedSchedule& p, const std::vector<ScheduleLine>& lines);
  Result<std::vector<ScheduleLine>> PostedLines(const std::string& ccg, ledger::LedgerPeriod month);
  // The sum of a practice's posted lines of `kind` with `description`
  // (what the platform has paid of, say, "QOF aspiration payment 2024/25"),
  // and how many there were.
  struct PostedSum {
    int64_t pence = 0, lines = 0;
  };
  Result<PostedSum> SumPosted(const std::string& practice, LineKind kind, const std::string& description);
  // Every posted line of one practice, by month: its payment history.
  Result<std::vector<ScheduleLine>> PracticeHistory(const std::string& practice);

  struct PassKey {
    explicit PassKey() = default;
  };
  PcStore(PassKey, std::unique_ptr<store::SqlConnection> db);

 private:
  std::unique_ptr<store::SqlConnection> db_;
};

}  // namespace csu::primarycare
