// The ledger database of a state folder (ledger.sqlite, docs/store-format.md
// §13; rules in docs/ledger.md): one ledger per entity (the CSU and each CCG
// whose finance it keeps), each with its chart of accounts, cost centres,
// financial periods and journals. Every change is one SQLite transaction
// with synchronous=FULL: it lands whole or not at all and is on disk when
// the call returns. Posted journals are immutable (triggers); corrections
// are reversals.
//
//   CSU_ASSIGN_OR_RETURN(db, LedgerStore::Open(dir));
//   CSU_ASSIGN_OR_RETURN(e, db->AddEntity({"02E", EntityKind::kCcg, "NHS ..."}, chart, actor));
//   CSU_ASSIGN_OR_RETURN(p, db->SetPeriodState("02E", period, PeriodState::kOpen, actor));
//   CSU_ASSIGN_OR_RETURN(b, db->Raise("02E", txns, {JournalKind::kManual, "why", "file"}, orgs, actor));
//   if (b.pending) ... a second person calls db->Approve("02E", b.batch, actor2)
//
// Journals are raised in batches: a `csu ledger post` file or an import is
// one batch. A batch holding a journal whose debits exceed the entity's
// approval threshold waits, pending, until a different person approves it
// (segregation of duties); other batches post at once, approved by whoever
// raised them. Pending journals count in no balance.
//
// Not thread-safe: one user at a time (the CLI under the state folder's lock).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "ledger/budget_file.h"
#include "ledger/chart.h"
#include "ledger/ledger_types.h"

namespace csu::store {
class SqlConnection;
class SqlStatement;
}  // namespace csu::store

namespace csu::ledger {

// The write lock of the ledger database in server mode (store/sql.h lists
// every key): every change to a ledger, its budgets and its documents.
inline constexpr int64_t kLedgerWriteLock = 0x4f70656e435355'08;

// The ledger's tables in PostgreSQL that carry a tenant, with its column:
// the entity whose ledger a row belongs to (a CCG's ODS code, or the CSU's).
// The lead applies row-level security from this list (pg/tenant_rows.h).
inline constexpr std::pair<const char*, const char*> kServerTenantTables[] = {
    {"ledger_entities", "code"},           {"ledger_accounts", "entity"},
    {"ledger_cost_centres", "entity"},     {"ledger_counterparties", "entity"},
    {"ledger_periods", "entity"},          {"ledger_journals", "entity"},
    {"ledger_postings", "entity"},         {"ledger_daily_balances", "entity"},
    {"ledger_documents", "entity"},        {"ledger_budget_versions", "entity"},
    {"ledger_budget_lines", "entity"},     {"ledger_virements", "entity"},
    {"ledger_virement_lines", "entity"},   {"ledger_forecast_overrides", "entity"},
};

struct Actor {
  std::string at;  // UTC ISO 8601
  std::string by;  // user name or "cli:<login>"
};

enum class EntityKind : uint8_t { kCsu, kCcg };
std::string_view EntityKindName(EntityKind k);  // "csu", "ccg"

struct Entity {
  std::string code;  // ODS code, capitals
  EntityKind kind = EntityKind::kCcg;
  std::string name;
  // A journal whose debits exceed this needs a second person's approval.
  Money approval_threshold = Money::FromPounds(10'000);
  std::string general_fund;  // the equity account year-end close credits
};

enum class PeriodState : uint8_t { kNotOpen, kOpen, kClosed, kLocked };
std::string_view PeriodStateName(PeriodState s);  // "not open", "open", "closed", "locked"

enum class JournalKind : uint8_t {
  kManual,           // raised by a person (csu ledger post)
  kImport,           // read from a journal or CSV file
  kReversal,         // a person's correction of an earlier journal
  kAccrualReversal,  // the platform's reversal of an accrual on the next period's first day
  kYearEnd,          // the platform's year-end close to the general fund
  kDocument,         // the platform's posting of an issued invoice or credit note (ledger_documents.h)
};
std::string_view JournalKindName(JournalKind k);  // "manual", "import", "reversal", "accrual_reversal", "year_end", "document"

struct Journal {
  int64_t number = 0;  // per entity, from 1, without gaps
  int64_t batch = 0;
  JournalKind kind = JournalKind::kManual;
  bool posted = false;  // false = pending approval
  Transaction txn;
  std::string raised_by, raised_at, approved_by, approved_at, reason;
  int64_t reverses = 0;  // the journal this one reverses, 0 = none
};

// What a raise, approval or close did.
struct BatchOutcome {
  int64_t batch = 0;
  std::vector<int64_t> numbers;  // journals of the batch
  bool pending = false;          // waiting for a second person's approval
  int64_t postings = 0;
  Money debits;                  // sum of the batch's debits
  std::vector<int64_t> reversals;  // accrual reversals the platform posted with it
};

// A document of the sales or purchase ledger a one-journal batch posts
// (ledger_documents.h): an invoice or credit note, or a receipt or payment
// settling one. Stored with the journal in the same transaction; a document
// posts once per entity (its number is unique there), which is what makes
// posting invoices again do nothing.
enum class DocumentSide : uint8_t { kReceivable, kPayable };
enum class DocumentType : uint8_t { kInvoice, kCreditNote, kReceipt, kPayment, kAccrual };
struct DocumentLink {
  std::string document;      // "INV-000001", "CN-000001", or a receipt's/payment's reference
  DocumentType kind = DocumentType::kInvoice;
  DocumentSide side = DocumentSide::kReceivable;
  std::string counterparty;  // ODS code of the other body
  std::string applies_to;    // the invoice a credit note, receipt or payment settles ("" for an invoice)
  Date date;                 // document date (an invoice's tax point; the day money moved)
  Date due;                  // invoices: when payment is due; others: = date
  Money amount;              // what it adds to the amount outstanding: + invoice, − the others
};

// How a batch came about, for its journals' records.
struct RaiseAs {
  JournalKind kind = JournalKind::kManual;
  std::string reason;  // why: required, one line
  std::string source;  // the file the transactions were read from (errors name source:line)
};

// ---- budgets (budget_store.cc; rules in docs/ledger.md, "Budgets")
// A version of an entity's budget for a year. Stored whole and never
// changed; `csu ledger budget approve` makes one the budget of record
// (the one approved before is then superseded).
enum class BudgetState : uint8_t { kDraft, kApproved, kSuperseded };
std::string_view BudgetStateName(BudgetState s);  // "draft", "approved", "superseded"
struct BudgetVersion {
  int64_t version = 0;  // per entity × year, from 1
  BudgetState state = BudgetState::kDraft;
  std::string reason, source, set_by, set_at, approved_by, approved_at;
  int64_t lines = 0;
  Money income, expenditure;  // annual totals of the version as set (before virements)
};
// One line of a virement: + adds to the budget of cost centre × account in
// month, − takes from it.
struct VirementLine {
  std::string cost_centre, account;
  int32_t month = 1;  // 1 = April .. 12 = March
  int64_t amount = 0;  // pence
  bool operator==(const VirementLine&) const = default;
};
struct Virement {
  int64_t number = 0;   // per entity × year, from 1
  int64_t version = 0;  // the approved budget version it moved budget within
  std::string reason, by, at;
  std::vector<VirementLine> lines;
};
// The budget in force for a year: the approved version with its virements.
struct CurrentBudget {
  int64_t version = 0;  // 0 = no budget approved for the year
  std::vector<BudgetLine> lines;  // by cost centre then account
  int64_t virements = 0;
};
// A manual forecast of a cost centre × account's outturn for the year,
// given at a month; it stands in the reports of that month and later ones
// until another is given for the same line.
struct ForecastOverride {
  int64_t number = 0;
  int32_t month = 1;
  std::string cost_centre, account;
  Money outturn;  // in the account's own direction, like budgets
  std::string note, by, at;
};

// The name of a known NHS body by ODS code, or nullopt (the CLI answers from
// the reference data: CCGs, trusts, CSUs, practices).
using OrgDirectory = std::function<std::optional<std::string>(const std::string& ods)>;

// An account's signed balance (+ debit, − credit).
struct AccountBalance {
  Account account;
  Money balance;
};

class LedgerStore {
 public:
  // Opens (creating) DIR/ledger.sqlite. Errors name the file.
  static Result<std::unique_ptr<LedgerStore>> Open(const std::string& dir);
  // Server mode: the tables in the connection's PostgreSQL schema (§13a),
  // created on first open under kLedgerWriteLock. Errors name the server,
  // never the password; a SQLite connection is refused (use Open).
  static Result<std::unique_ptr<LedgerStore>> OpenServer(std::unique_ptr<store::SqlConnection> db);
  ~LedgerStore();

  // ---- entities and charts
  // Creates the entity's ledger with the template's accounts, cost centres
  // and counterparties. Refused when the code is already a ledger.
  Result<Entity> AddEntity(Entity e, const ChartTemplate& chart, const Actor& actor);
  Result<std::vector<Entity>> Entities();
  // Error when there is no ledger for `code`.
  Result<Entity> GetEntity(const std::string& code);
  Status SetApprovalThreshold(const std::string& entity, Money threshold, const Actor& actor);
  Result<std::vector<Account>> Accounts(const std::string& entity);
  Result<std::vector<CostCentre>> CostCentres(const std::string& entity);
  Result<std::vector<Counterparty>> Counterparties(const std::string& entity);

  // ---- periods
  Result<PeriodState> StateOf(const std::string& entity, LedgerPeriod p);
  // Every period ever opened, in order.
  Result<std::vector<std::pair<LedgerPeriod, PeriodState>>> Periods(const std::string& entity);
  // Moves a period: not open → open, open → closed, closed → open (reopen),
  // closed → locked. Locked is final; a period cannot close while it holds
  // pending journals. Opening a period posts the reversals of the accruals
  // of the period before it that are due (returned).
  Result<std::vector<int64_t>> SetPeriodState(const std::string& entity, LedgerPeriod p, PeriodState to,
                                              const Actor& actor);

  // ---- journals
  // Checks every transaction (balanced, accounts in the chart, cost centres
  // and counterparties known, its period open, description and codes on one
  // line) and stores them as one batch, or stores nothing and returns the
  // first problem, named `source:line` (or the transaction's date when it
  // did not come from a file).
  Result<BatchOutcome> Raise(const std::string& entity, const std::vector<Transaction>& txns, const RaiseAs& as,
                             const OrgDirectory& orgs, const Actor& actor);
  // Raise for a batch of one journal posting document `link`, stored with
  // it; refused when the entity already has a document of that number.
  // Batches of kind kDocument post at once whatever their size: they follow
  // from documents billing issued and audited.
  Result<BatchOutcome> RaiseDocument(const std::string& entity, const Transaction& txn, const RaiseAs& as,
                                     const DocumentLink& link, const OrgDirectory& orgs, const Actor& actor);
  // Posts a pending batch. Refused for the person who raised it, for a batch
  // already posted, and when one of its periods is no longer open.
  Result<BatchOutcome> Approve(const std::string& entity, int64_t batch, const Actor& actor);
  // Raises a journal reversing posted journal `number` in full, dated `on`
  // (in an open period), as a batch of its own (so above the threshold it
  // waits for approval like any other). Refused for a pending journal and
  // for one already reversed.
  Result<BatchOutcome> Reverse(const std::string& entity, int64_t number, Date on, const std::string& reason,
                               const Actor& actor);
  // Year-end close: one journal dated 31 March of `year` (month 12 must be
  // open) moving the balance of every income and expense account for the
  // year to the general fund. Refused when the year was closed already or
  // has pending journals. Posted at once: it is computed, not judged.
  Result<BatchOutcome> CloseYear(const std::string& entity, FinancialYear year, const Actor& actor);

  // Journals dated from..to (inclusive), pending ones too, by number.
  Result<std::vector<Journal>> Journals(const std::string& entity, Date from, Date to);
  Result<std::optional<Journal>> GetJournal(const std::string& entity, int64_t number);
  // The journals of batch `batch`, by number (one query, whatever the
  // batch's size: an import's audit fingerprint reads them back).
  Result<std::vector<Journal>> JournalsOfBatch(const std::string& entity, int64_t batch);
  // The date of the entity's latest posted journal; nullopt when none.
  Result<std::optional<Date>> LatestPostedDate(const std::string& entity);
  // Calls `each` with every posted journal by date then number, without
  // holding them all in memory (an export of millions of postings).
  Status ForEachPosted(const std::string& entity, const std::function<Status(const Journal&)>& each);

  // ---- budgets (budget_store.cc)
  // Stores `lines` as a new draft version of the entity's budget for
  // `year`, or nothing when a line names a cost centre or account not in
  // the chart or an account that is neither income nor expense (errors name
  // source:line). Returns the version number.
  Result<int64_t> SetBudget(const std::string& entity, FinancialYear year, const std::vector<BudgetLine>& lines,
                            const std::string& reason, const std::string& source, const Actor& actor);
  // Makes a draft version the budget of record; the approved one before it
  // is superseded, and with it its virements (a new version is expected to
  // carry them). Refused for a version that is not a draft.
  Result<BudgetVersion> ApproveBudget(const std::string& entity, FinancialYear year, int64_t version,
                                      const Actor& actor);
  Result<std::vector<BudgetVersion>> BudgetVersions(const std::string& entity, FinancialYear year);
  // The approved version with its virements applied (version 0, no lines,
  // when none is approved). `version` > 0 reads that version as set instead.
  Result<CurrentBudget> Budget(const std::string& entity, FinancialYear year, int64_t version = 0);
  // Moves budget within the approved version. Refused, storing nothing, when
  // there is no approved budget, a line names something not in the chart or
  // a month outside 1..12, the lines do not add up to zero within income and
  // within expenditure (a virement moves budget, it never makes or removes
  // it, so the planned surplus stays), or a line would leave a month's
  // budget below zero. Returns the virement's number.
  Result<int64_t> Vire(const std::string& entity, FinancialYear year, const std::vector<VirementLine>& lines,
                       const std::string& reason, const Actor& actor);
  Result<std::vector<Virement>> Virements(const std::string& entity, FinancialYear year);
  Result<int64_t> SetForecast(const std::string& entity, FinancialYear year, const ForecastOverride& f,
                              const Actor& actor);
  Result<std::vector<ForecastOverride>> Forecasts(const std::string& entity, FinancialYear year);
  // Posted actuals of the year's income and expense accounts per cost
  // centre ("" = none) × account × month, in the account's own direction
  // (income as a positive credit, expenditure as a positive debit), year-end
  // closing journals left out. Summed from the postings (the per-day totals
  // carry no cost centre).
  Result<std::vector<BudgetLine>> Actuals(const std::string& entity, FinancialYear year);

  // ---- documents (ledger_documents.cc)
  struct StoredDocument {
    DocumentLink link;
    int64_t journal = 0;
    bool posted = false;  // its journal is posted (not waiting for approval)
  };
  // Every document of the entity, by date then document.
  Result<std::vector<StoredDocument>> Documents(const std::string& entity);
  // The document `number` of the entity, if it was posted there.
  Result<std::optional<StoredDocument>> FindDocument(const std::string& entity, const std::string& number);
  // The signed balance of `account` in postings naming `counterparty`, of
  // posted journals dated up to `to`.
  Result<Money> BalanceWith(const std::string& entity, const std::string& account, const std::string& counterparty,
                            Date to);
  // The sum of postings to expense accounts naming `counterparty`, of
  // posted journals dated from..to that are neither accruals nor accrual
  // reversals: what was spent with a provider (block payments, invoices).
  Result<Money> SpendWith(const std::string& entity, const std::string& counterparty, Date from, Date to);

  // Balances of every account of the chart from postings dated from..to
  // (inclusive) of posted journals, in account-name order; accounts without
  // postings have a zero balance. `without_year_end` leaves out year-end
  // closing journals (income and expenditure for a year that was closed).
  // Read from the per-day totals each posting adds to in its own
  // transaction (docs/store-format.md §13), so the cost is accounts × days,
  // not postings.
  Result<std::vector<AccountBalance>> Balances(const std::string& entity, Date from, Date to,
                                               bool without_year_end = false);

  // The same balances summed from the postings themselves rather than the
  // per-day totals kept beside them: slower, for checks that the two agree.
  Result<std::vector<AccountBalance>> BalancesFromPostings(const std::string& entity, Date from, Date to,
                                                           bool without_year_end = false);

  struct PassKey {
    explicit PassKey() = default;
  };
  LedgerStore(PassKey, std::unique_ptr<store::SqlConnection> db);

 private:
  Result<BatchOutcome> RaiseImpl(const std::string& entity, const std::vector<Transaction>& txns, const RaiseAs& as,
                                 int64_t reverses, const OrgDirectory& orgs, const Actor& actor,
                                 const DocumentLink* document = nullptr);
  Result<BatchOutcome> StoreBatch(const Entity& e, const std::vector<Transaction>& txns, const RaiseAs& as,
                                  int64_t reverses, bool force_posted, const Actor& actor);
  Result<std::vector<int64_t>> PostDueReversals(const Entity& e, LedgerPeriod accruals_of, const Actor& actor);
  // Adds a batch just posted to daily_balances; the caller holds a transaction.
  Status AddToDailyBalances(const std::string& entity, int64_t batch);
  // The same for a batch posted as it is raised, from the transactions in
  // hand: a sum per account × day in memory and one upsert per sum, where
  // the SQL above joins and sorts every posting again (a fifth of an
  // import's time; docs/ledger.md, "Performance"). `closing`: the batch is a
  // year-end close or the reversal of one.
  Status AddTransactionsToDailyBalances(const std::string& entity, const std::vector<Transaction>& txns,
                                        bool closing);
  // Journals of `entity` matching `condition` (SQL over the journals table,
  // with ?2 and ?3 bound to `a` and `b`), with their postings, by number.
  Result<std::vector<Journal>> LoadJournals(const std::string& entity, const std::string& condition,
                                            const std::string& a, const std::string& b);
  // Stores `link` for `journal` (ledger_documents.cc); refused when the
  // entity has that document already. The caller holds a transaction.
  Status InsertDocument(const std::string& entity, const DocumentLink& link, int64_t journal);
  // Prepares `sql`, written with the SQLite file's table names; in
  // PostgreSQL those names get the prefix ledger_ (the rewritten text is
  // kept, so each statement is rewritten once).
  Result<store::SqlStatement> Prepare(std::string_view sql);
  // Runs `body` as one write transaction (under kLedgerWriteLock in
  // PostgreSQL, BEGIN IMMEDIATE in SQLite).
  Status InWrite(const std::function<Status()>& body);
  std::unique_ptr<store::SqlConnection> db_;
  bool server_ = false;
  std::unordered_map<std::string, std::string> rewritten_;
};

// Date bounds meaning "from the first posting" and "to the last".
inline Date kBeginning() { return Date::FromYmd(1800, 1, 1); }
inline Date kEnd() { return Date::FromYmd(2999, 12, 31); }

}  // namespace csu::ledger
