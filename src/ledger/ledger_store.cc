#include "ledger/ledger_store.h"
#include "ledger/ledger_store_server.h"

#include <cctype>
#include <cstdint>
#include <map>
#include <set>

#include "core/text.h"
#include "ledger/budget_reports.h"
#include "ledger/ledger_documents.h"
#include "store/sql.h"
#include "store/sql_schema.h"
#include "store/sqlite_db.h"

namespace csu::ledger {
namespace {

constexpr int kSchemaVersion = 1;

const char* kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entities(
  code TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,
  approval_threshold_pence INTEGER NOT NULL, general_fund TEXT NOT NULL,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL);
CREATE TABLE accounts(
  entity TEXT NOT NULL, name TEXT NOT NULL, code TEXT NOT NULL, type TEXT NOT NULL, description TEXT NOT NULL,
  PRIMARY KEY(entity, name), UNIQUE(entity, code));
CREATE TABLE cost_centres(
  entity TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, budget_holder TEXT NOT NULL,
  PRIMARY KEY(entity, code));
CREATE TABLE counterparties(
  entity TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY(entity, code));
CREATE TABLE periods(
  entity TEXT NOT NULL, year INTEGER NOT NULL, month INTEGER NOT NULL, state TEXT NOT NULL,
  changed_at TEXT NOT NULL, changed_by TEXT NOT NULL, PRIMARY KEY(entity, year, month));
CREATE TABLE journals(
  entity TEXT NOT NULL, number INTEGER NOT NULL, batch INTEGER NOT NULL, kind TEXT NOT NULL,
  state TEXT NOT NULL, date TEXT NOT NULL, status TEXT NOT NULL, code TEXT NOT NULL,
  description TEXT NOT NULL, reverse_next INTEGER NOT NULL, reverses INTEGER NOT NULL,
  raised_by TEXT NOT NULL, raised_at TEXT NOT NULL, approved_by TEXT NOT NULL, approved_at TEXT NOT NULL,
  reason TEXT NOT NULL, source_line INTEGER NOT NULL,
  PRIMARY KEY(entity, number));
CREATE INDEX journals_by_date ON journals(entity, date);
CREATE INDEX journals_by_batch ON journals(entity, batch);
CREATE INDEX journals_by_reverses ON journals(entity, reverses) WHERE reverses > 0;
CREATE TABLE postings(
  entity TEXT NOT NULL, number INTEGER NOT NULL, line_no INTEGER NOT NULL, account TEXT NOT NULL,
  amount_pence INTEGER NOT NULL, cost_centre TEXT NOT NULL, counterparty TEXT NOT NULL, comment TEXT NOT NULL,
  PRIMARY KEY(entity, number, line_no));
CREATE TABLE daily_balances(
  entity TEXT NOT NULL, account TEXT NOT NULL, date TEXT NOT NULL, closing INTEGER NOT NULL,
  amount_pence INTEGER NOT NULL, PRIMARY KEY(entity, account, date, closing));
CREATE TRIGGER journals_no_delete BEFORE DELETE ON journals
  BEGIN SELECT RAISE(ABORT, 'journals are never deleted: reverse a posted journal instead'); END;
CREATE TRIGGER journals_posted_immutable BEFORE UPDATE ON journals WHEN OLD.state = 'posted'
  BEGIN SELECT RAISE(ABORT, 'posted journals are immutable: reverse them instead'); END;
CREATE TRIGGER journals_only_approval BEFORE UPDATE ON journals
  WHEN NEW.state <> 'posted' OR NEW.entity <> OLD.entity OR NEW.number <> OLD.number OR NEW.batch <> OLD.batch
    OR NEW.kind <> OLD.kind OR NEW.date <> OLD.date OR NEW.description <> OLD.description
    OR NEW.code <> OLD.code OR NEW.reverse_next <> OLD.reverse_next OR NEW.reverses <> OLD.reverses
    OR NEW.raised_by <> OLD.raised_by OR NEW.raised_at <> OLD.raised_at OR NEW.reason <> OLD.reason
  BEGIN SELECT RAISE(ABORT, 'a pending journal can only be approved'); END;
CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings
  BEGIN SELECT RAISE(ABORT, 'postings are immutable'); END;
CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings
  BEGIN SELECT RAISE(ABORT, 'postings are immutable'); END;
CREATE TRIGGER periods_locked BEFORE UPDATE ON periods WHEN OLD.state = 'locked'
  BEGIN SELECT RAISE(ABORT, 'a locked period never changes'); END;
)sql";

// The sales and purchase ledgers' documents (ledger_documents.h).
const char* kDocumentsSchema = R"sql(
CREATE TABLE IF NOT EXISTS documents(
  entity TEXT NOT NULL, document TEXT NOT NULL, kind TEXT NOT NULL, side TEXT NOT NULL,
  counterparty TEXT NOT NULL, applies_to TEXT NOT NULL, date TEXT NOT NULL, due TEXT NOT NULL,
  amount_pence INTEGER NOT NULL, journal INTEGER NOT NULL,
  PRIMARY KEY(entity, document));
CREATE INDEX IF NOT EXISTS documents_by_invoice ON documents(entity, applies_to);
CREATE TRIGGER IF NOT EXISTS documents_no_update BEFORE UPDATE ON documents
  BEGIN SELECT RAISE(ABORT, 'documents are immutable'); END;
CREATE TRIGGER IF NOT EXISTS documents_no_delete BEFORE DELETE ON documents
  BEGIN SELECT RAISE(ABORT, 'documents are immutable'); END;
)sql";

// The same tables in PostgreSQL (docs/store-format.md §13a), each named
// with the prefix ledger_ because every module shares the connection's
// schema (billing has its own documents): BIGINT for every integer, text
// compared and sorted in byte order (COLLATE "C", as SQLite does, so reports
// list accounts in the same order on both engines), the documents table
// from the start, and the immutability rules as PL/pgSQL triggers that
// also refuse TRUNCATE. PostgreSQL fires a table's triggers in name order,
// hence the digits: a change to a posted journal is refused as such first.
const char* kPostgresSchema = R"sql(
CREATE TABLE ledger_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE ledger_entities(
  code TEXT COLLATE "C" PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,
  approval_threshold_pence BIGINT NOT NULL, general_fund TEXT NOT NULL,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL);
CREATE TABLE ledger_accounts(
  entity TEXT COLLATE "C" NOT NULL, name TEXT COLLATE "C" NOT NULL, code TEXT COLLATE "C" NOT NULL,
  type TEXT COLLATE "C" NOT NULL, description TEXT NOT NULL,
  PRIMARY KEY(entity, name), UNIQUE(entity, code));
CREATE TABLE ledger_cost_centres(
  entity TEXT COLLATE "C" NOT NULL, code TEXT COLLATE "C" NOT NULL, name TEXT NOT NULL,
  budget_holder TEXT NOT NULL, PRIMARY KEY(entity, code));
CREATE TABLE ledger_counterparties(
  entity TEXT COLLATE "C" NOT NULL, code TEXT COLLATE "C" NOT NULL, name TEXT NOT NULL,
  PRIMARY KEY(entity, code));
CREATE TABLE ledger_periods(
  entity TEXT COLLATE "C" NOT NULL, year BIGINT NOT NULL, month BIGINT NOT NULL, state TEXT COLLATE "C" NOT NULL,
  changed_at TEXT NOT NULL, changed_by TEXT NOT NULL, PRIMARY KEY(entity, year, month));
CREATE TABLE ledger_journals(
  entity TEXT COLLATE "C" NOT NULL, number BIGINT NOT NULL, batch BIGINT NOT NULL, kind TEXT COLLATE "C" NOT NULL,
  state TEXT COLLATE "C" NOT NULL, date TEXT COLLATE "C" NOT NULL, status TEXT NOT NULL, code TEXT NOT NULL,
  description TEXT NOT NULL, reverse_next BIGINT NOT NULL, reverses BIGINT NOT NULL,
  raised_by TEXT NOT NULL, raised_at TEXT NOT NULL, approved_by TEXT NOT NULL, approved_at TEXT NOT NULL,
  reason TEXT NOT NULL, source_line BIGINT NOT NULL,
  PRIMARY KEY(entity, number));
CREATE INDEX ledger_journals_by_date ON ledger_journals(entity, date);
CREATE INDEX ledger_journals_by_batch ON ledger_journals(entity, batch);
CREATE INDEX ledger_journals_by_reverses ON ledger_journals(entity, reverses) WHERE reverses > 0;
CREATE TABLE ledger_postings(
  entity TEXT COLLATE "C" NOT NULL, number BIGINT NOT NULL, line_no BIGINT NOT NULL,
  account TEXT COLLATE "C" NOT NULL, amount_pence BIGINT NOT NULL, cost_centre TEXT COLLATE "C" NOT NULL,
  counterparty TEXT COLLATE "C" NOT NULL, comment TEXT NOT NULL,
  PRIMARY KEY(entity, number, line_no));
CREATE TABLE ledger_daily_balances(
  entity TEXT COLLATE "C" NOT NULL, account TEXT COLLATE "C" NOT NULL, date TEXT COLLATE "C" NOT NULL,
  closing BIGINT NOT NULL, amount_pence BIGINT NOT NULL, PRIMARY KEY(entity, account, date, closing));
CREATE TABLE ledger_documents(
  entity TEXT COLLATE "C" NOT NULL, document TEXT COLLATE "C" NOT NULL, kind TEXT COLLATE "C" NOT NULL,
  side TEXT COLLATE "C" NOT NULL, counterparty TEXT COLLATE "C" NOT NULL, applies_to TEXT COLLATE "C" NOT NULL,
  date TEXT COLLATE "C" NOT NULL, due TEXT COLLATE "C" NOT NULL,
  amount_pence BIGINT NOT NULL, journal BIGINT NOT NULL,
  PRIMARY KEY(entity, document));
CREATE INDEX ledger_documents_by_invoice ON ledger_documents(entity, applies_to);
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$;
CREATE TRIGGER journals_0_no_delete BEFORE DELETE ON ledger_journals FOR EACH ROW
  EXECUTE FUNCTION ledger_refuse_change('journals are never deleted: reverse a posted journal instead');
CREATE TRIGGER journals_0_no_truncate BEFORE TRUNCATE ON ledger_journals FOR EACH STATEMENT
  EXECUTE FUNCTION ledger_refuse_change('journals are never deleted: reverse a posted journal instead');
CREATE TRIGGER journals_1_posted_immutable BEFORE UPDATE ON ledger_journals FOR EACH ROW
  WHEN (OLD.state = 'posted')
  EXECUTE FUNCTION ledger_refuse_change('posted journals are immutable: reverse them instead');
CREATE TRIGGER journals_2_only_approval BEFORE UPDATE ON ledger_journals FOR EACH ROW
  WHEN (NEW.state <> 'posted' OR NEW.entity <> OLD.entity OR NEW.number <> OLD.number OR NEW.batch <> OLD.batch
    OR NEW.kind <> OLD.kind OR NEW.date <> OLD.date OR NEW.description <> OLD.description
    OR NEW.code <> OLD.code OR NEW.reverse_next <> OLD.reverse_next OR NEW.reverses <> OLD.reverses
    OR NEW.raised_by <> OLD.raised_by OR NEW.raised_at <> OLD.raised_at OR NEW.reason <> OLD.reason)
  EXECUTE FUNCTION ledger_refuse_change('a pending journal can only be approved');
CREATE TRIGGER postings_no_change BEFORE UPDATE OR DELETE ON ledger_postings FOR EACH ROW
  EXECUTE FUNCTION ledger_refuse_change('postings are immutable');
CREATE TRIGGER postings_no_truncate BEFORE TRUNCATE ON ledger_postings FOR EACH STATEMENT
  EXECUTE FUNCTION ledger_refuse_change('postings are immutable');
CREATE TRIGGER periods_locked BEFORE UPDATE ON ledger_periods FOR EACH ROW WHEN (OLD.state = 'locked')
  EXECUTE FUNCTION ledger_refuse_change('a locked period never changes');
CREATE TRIGGER documents_no_change BEFORE UPDATE OR DELETE ON ledger_documents FOR EACH ROW
  EXECUTE FUNCTION ledger_refuse_change('documents are immutable');
CREATE TRIGGER documents_no_truncate BEFORE TRUNCATE ON ledger_documents FOR EACH STATEMENT
  EXECUTE FUNCTION ledger_refuse_change('documents are immutable');
)sql";

// The tables the statements name, as the SQLite file names them.
constexpr std::string_view kTables[] = {
    "entities", "accounts", "cost_centres", "counterparties", "periods", "journals", "postings",
    "daily_balances", "documents", "budget_versions", "budget_lines", "virements", "virement_lines",
    "forecast_overrides"};

// `sql` with every table name above (a whole identifier outside string
// literals) given the prefix ledger_, as the tables are named in PostgreSQL.
std::string WithServerTableNames(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 64);
  auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  size_t i = 0;
  while (i < sql.size()) {
    if (sql[i] == '\'') {
      const size_t end = sql.find('\'', i + 1);
      const size_t stop = end == std::string_view::npos ? sql.size() : end + 1;
      out.append(sql.substr(i, stop - i));
      i = stop;
      continue;
    }
    if (!ident(sql[i])) {
      out += sql[i++];
      continue;
    }
    size_t j = i;
    while (j < sql.size() && ident(sql[j])) ++j;
    const std::string_view word = sql.substr(i, j - i);
    for (std::string_view t : kTables)
      if (word == t) {
        out += "ledger_";
        break;
      }
    out.append(word);
    i = j;
  }
  return out;
}

const char* kJournalColumns =
    "number, batch, kind, state, date, status, code, description, reverse_next, reverses, raised_by, raised_at, "
    "approved_by, approved_at, reason, source_line";

std::optional<JournalKind> ParseKind(std::string_view s) {
  for (JournalKind k : {JournalKind::kManual, JournalKind::kImport, JournalKind::kReversal,
                        JournalKind::kAccrualReversal, JournalKind::kYearEnd, JournalKind::kDocument})
    if (JournalKindName(k) == s) return k;
  return std::nullopt;
}

std::optional<PeriodState> ParseState(std::string_view s) {
  for (PeriodState p : {PeriodState::kOpen, PeriodState::kClosed, PeriodState::kLocked})
    if (PeriodStateName(p) == s) return p;
  return std::nullopt;
}

// Text stored in a journal must read back the same from an exported journal.
std::string OneLineProblem(std::string_view s, std::string_view what) {
  if (!IsValidUtf8(s)) return std::string(what) + " is not valid UTF-8";
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == ';')
      return std::string(what) + " holds a line break, a tab, another control character or ';'";
  if (s.size() > 500) return std::string(what) + " is longer than 500 bytes";
  return "";
}

LedgerPeriod Previous(LedgerPeriod p) { return LedgerPeriod::Of(p.first_day().AddDays(-1)); }

// Where a problem with transaction `t` is shown.
std::string WhereOf(const Transaction& t, const std::string& source) {
  if (!source.empty() && t.line > 0) return source + ":" + std::to_string(t.line);
  return "transaction dated " + t.date.ToString() + (t.description.empty() ? "" : " (" + t.description + ")");
}

}  // namespace

std::string_view EntityKindName(EntityKind k) { return k == EntityKind::kCsu ? "csu" : "ccg"; }

std::string_view PeriodStateName(PeriodState s) {
  switch (s) {
    case PeriodState::kNotOpen: return "not open";
    case PeriodState::kOpen: return "open";
    case PeriodState::kClosed: return "closed";
    case PeriodState::kLocked: return "locked";
  }
  return "not open";
}

std::string_view JournalKindName(JournalKind k) {
  switch (k) {
    case JournalKind::kManual: return "manual";
    case JournalKind::kImport: return "import";
    case JournalKind::kReversal: return "reversal";
    case JournalKind::kAccrualReversal: return "accrual_reversal";
    case JournalKind::kYearEnd: return "year_end";
    case JournalKind::kDocument: return "document";
  }
  return "manual";
}

LedgerStore::LedgerStore(PassKey, std::unique_ptr<store::SqlConnection> db)
    : db_(std::move(db)), server_(db_->Backend() != "sqlite") {}
LedgerStore::~LedgerStore() = default;

Result<std::unique_ptr<LedgerStore>> LedgerStore::Open(const std::string& dir) {
  CSU_ASSIGN_OR_RETURN(db, store::SqliteDb::Open(dir + "/ledger.sqlite", ""));
  if (Status s = store::PrepareSchema(*db, "PRAGMA synchronous=FULL; PRAGMA cache_size=-65536", kSchema, kSchemaVersion, "ledger database");
      !s.ok())
    return s.error();
  // Added after version 1 shipped: additive, so a file from before gains it.
  if (Status s = db->Exec(kDocumentsSchema); !s.ok()) return s.error();
  if (Status s = db->Exec(internal::kBudgetSchema); !s.ok()) return s.error();
  return std::make_unique<LedgerStore>(PassKey(), std::make_unique<store::SqliteConnection>(std::move(db)));
}

Status CreateServerLedgerSchema(store::SqlConnection& db) {
  if (db.Backend() != "postgresql")
    return MakeError(db.Name(), "server mode needs a PostgreSQL database; a state folder's ledger opens with Open");
  const std::string schema = std::string(kPostgresSchema) + internal::kPostgresBudgetSchema;
  return store::CreateServerSchemaIn(db, "ledger_meta", schema.c_str(), kSchemaVersion);
}

Result<std::unique_ptr<LedgerStore>> LedgerStore::OpenServer(std::unique_ptr<store::SqlConnection> db) {
  if (db->Backend() != "postgresql")
    return MakeError(db->Name(), "server mode needs a PostgreSQL database; a state folder's ledger opens with Open");
  const std::string schema = std::string(kPostgresSchema) + internal::kPostgresBudgetSchema;
  if (Status s = store::PrepareServerSchema(*db, kLedgerWriteLock, "ledger_meta", schema.c_str(), kSchemaVersion,
                                            "ledger database");
      !s.ok())
    return s.error();
  return std::make_unique<LedgerStore>(PassKey(), std::move(db));
}

Result<store::SqlStatement> LedgerStore::Prepare(std::string_view sql) {
  if (!server_) return db_->Prepare(sql);
  auto it = rewritten_.find(std::string(sql));
  if (it == rewritten_.end()) it = rewritten_.emplace(std::string(sql), WithServerTableNames(sql)).first;
  return db_->Prepare(it->second);
}

Status LedgerStore::InWrite(const std::function<Status()>& body) {
  return store::InWriteTransaction(*db_, kLedgerWriteLock, body);
}

// ------------------------------------------------------------------ entities

Result<Entity> LedgerStore::AddEntity(Entity e, const ChartTemplate& chart, const Actor& actor) {
  e.code = ToUpper(e.code);
  e.general_fund = chart.general_fund;
  if (e.approval_threshold < Money()) return MakeError(e.code, "the approval threshold cannot be negative");
  if (Status s = CheckChart(chart.accounts, e.code); !s.ok()) return s.error();
  Status s = InWrite([&]() -> Status {
    CSU_ASSIGN_OR_RETURN(q, Prepare("SELECT 1 FROM entities WHERE code=?1"));
    q.Bind(1, e.code);
    CSU_ASSIGN_OR_RETURN(exists, q.Step());
    if (exists) return MakeError(e.code, "this entity already has a ledger");
    CSU_ASSIGN_OR_RETURN(ins, Prepare(
        "INSERT INTO entities(code, kind, name, approval_threshold_pence, general_fund, created_at, created_by) "
        "VALUES (?1,?2,?3,?4,?5,?6,?7)"));
    ins.Bind(1, e.code).Bind(2, EntityKindName(e.kind)).Bind(3, e.name).Bind(4, e.approval_threshold.pence());
    ins.Bind(5, e.general_fund).Bind(6, actor.at).Bind(7, actor.by);
    if (Status st = ins.Run(); !st.ok()) return st;
    CSU_ASSIGN_OR_RETURN(acc, Prepare(
        "INSERT INTO accounts(entity, name, code, type, description) VALUES (?1,?2,?3,?4,?5)"));
    for (const Account& a : chart.accounts) {
      acc.Reset();
      acc.Bind(1, e.code).Bind(2, a.name).Bind(3, a.code).Bind(4, AccountTypeName(a.type)).Bind(5, a.description);
      if (Status st = acc.Run(); !st.ok()) return st;
    }
    CSU_ASSIGN_OR_RETURN(cc, Prepare(
        "INSERT INTO cost_centres(entity, code, name, budget_holder) VALUES (?1,?2,?3,?4)"));
    for (const CostCentre& c : chart.cost_centres) {
      cc.Reset();
      cc.Bind(1, e.code).Bind(2, c.code).Bind(3, c.name).Bind(4, c.budget_holder);
      if (Status st = cc.Run(); !st.ok()) return st;
    }
    CSU_ASSIGN_OR_RETURN(cp, Prepare("INSERT INTO counterparties(entity, code, name) VALUES (?1,?2,?3)"));
    for (const Counterparty& c : chart.counterparties) {
      cp.Reset();
      cp.Bind(1, e.code).Bind(2, c.code).Bind(3, c.name);
      if (Status st = cp.Run(); !st.ok()) return st;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return e;
}

Result<std::vector<Entity>> LedgerStore::Entities() {
  CSU_ASSIGN_OR_RETURN(q, Prepare(
      "SELECT code, kind, name, approval_threshold_pence, general_fund FROM entities ORDER BY code"));
  std::vector<Entity> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    Entity e;
    e.code = q.Text(0);
    e.kind = q.Text(1) == "csu" ? EntityKind::kCsu : EntityKind::kCcg;
    e.name = q.Text(2);
    e.approval_threshold = Money::FromPence(q.Int(3));
    e.general_fund = q.Text(4);
    out.push_back(std::move(e));
  }
  return out;
}

Result<Entity> LedgerStore::GetEntity(const std::string& code) {
  CSU_ASSIGN_OR_RETURN(all, Entities());
  for (Entity& e : all)
    if (e.code == ToUpper(code)) return std::move(e);
  return MakeError(code, "there is no ledger for this entity; create it with 'csu ledger entity add'");
}

Status LedgerStore::SetApprovalThreshold(const std::string& entity, Money threshold, const Actor&) {
  CSU_ASSIGN_OR_RETURN(e, GetEntity(entity));
  if (threshold < Money()) return MakeError(e.code, "the approval threshold cannot be negative");
  return InWrite([&]() -> Status {
    CSU_ASSIGN_OR_RETURN(q, Prepare("UPDATE entities SET approval_threshold_pence=?1 WHERE code=?2"));
    q.Bind(1, threshold.pence()).Bind(2, e.code);
    return q.Run();
  });
}

Result<std::vector<Account>> LedgerStore::Accounts(const std::string& entity) {
  CSU_ASSIGN_OR_RETURN(q, Prepare(
      "SELECT name, code, type, description FROM accounts WHERE entity=?1 ORDER BY name"));
  q.Bind(1, ToUpper(entity));
  std::vector<Account> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    std::optional<AccountType> t = ParseAccountType(q.Text(2));
    if (!t) return MakeError(db_->Name(), "damaged account type \"" + q.Text(2) + "\"");
    out.push_back({q.Text(0), q.Text(1), *t, q.Text(3)});
  }
  return out;
}

Result<std::vector<CostCentre>> LedgerStore::CostCentres(const std::string& entity) {
  CSU_ASSIGN_OR_RETURN(q, Prepare(
      "SELECT code, name, budget_holder FROM cost_centres WHERE entity=?1 ORDER BY code"));
  q.Bind(1, ToUpper(entity));
  std::vector<CostCentre> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out.push_back({q.Text(0), q.Text(1), q.Text(2)});
  }
  return out;
}

Result<std::vector<Counterparty>> LedgerStore::Counterparties(const std::string& entity) {
  CSU_ASSIGN_OR_RETURN(q, Prepare("SELECT code, name FROM counterparties WHERE entity=?1 ORDER BY code"));
  q.Bind(1, ToUpper(entity));
  std::vector<Counterparty> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out.push_back({q.Text(0), q.Text(1)});
  }
  return out;
}

// ------------------------------------------------------------------- periods

Result<PeriodState> LedgerStore::StateOf(const std::string& entity, LedgerPeriod p) {
  CSU_ASSIGN_OR_RETURN(q, Prepare("SELECT state FROM periods WHERE entity=?1 AND year=?2 AND month=?3"));
  q.Bind(1, ToUpper(entity)).Bind(2, p.year.start_year()).Bind(3, p.month);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return PeriodState::kNotOpen;
  std::optional<PeriodState> s = ParseState(q.Text(0));
  if (!s) return MakeError(db_->Name(), "damaged period state \"" + q.Text(0) + "\"");
  return *s;
}

Result<std::vector<std::pair<LedgerPeriod, PeriodState>>> LedgerStore::Periods(const std::string& entity) {
  CSU_ASSIGN_OR_RETURN(q, Prepare("SELECT year, month, state FROM periods WHERE entity=?1 ORDER BY year, month"));
  q.Bind(1, ToUpper(entity));
  std::vector<std::pair<LedgerPeriod, PeriodState>> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    std::optional<PeriodState> s = ParseState(q.Text(2));
    if (!s || q.Int(1) < 1 || q.Int(1) > 12) return MakeError(db_->Name(), "damaged period row");
    out.emplace_back(LedgerPeriod{FinancialYear(static_cast<int32_t>(q.Int(0))), static_cast<int32_t>(q.Int(1))},
                     *s);
  }
  return out;
}

Result<std::vector<int64_t>> LedgerStore::SetPeriodState(const std::string& entity, LedgerPeriod p, PeriodState to,
                                                         const Actor& actor) {
  CSU_ASSIGN_OR_RETURN(e, GetEntity(entity));
  std::vector<int64_t> reversals;
  const std::string where = e.code + " " + p.ToString();
  Status s = InWrite([&]() -> Status {
    CSU_ASSIGN_OR_RETURN(from, StateOf(e.code, p));
    const bool allowed = (from == PeriodState::kNotOpen && to == PeriodState::kOpen) ||
                         (from == PeriodState::kOpen && to == PeriodState::kClosed) ||
                         (from == PeriodState::kClosed && to == PeriodState::kOpen) ||
                         (from == PeriodState::kClosed && to == PeriodState::kLocked);
    if (!allowed) {
      if (from == PeriodState::kLocked) return MakeError(where, "the period is locked and never changes again");
      return MakeError(where, "a period that is " + std::string(PeriodStateName(from)) + " cannot become " +
                                  std::string(PeriodStateName(to)) +
                                  " (open → closed → locked, and a closed period may reopen)");
    }
    if (to == PeriodState::kClosed) {
      CSU_ASSIGN_OR_RETURN(q, Prepare(
          "SELECT count(*) FROM journals WHERE entity=?1 AND state='pending' AND date>=?2 AND date<=?3"));
      q.Bind(1, e.code).Bind(2, p.first_day().ToString()).Bind(3, p.last_day().ToString());
      CSU_ASSIGN_OR_RETURN(row, q.Step());
      if (row && q.Int(0) > 0)
        return MakeError(where, std::to_string(q.Int(0)) +
                                    " journals in the period wait for approval; approve them before closing it");
    }
    CSU_ASSIGN_OR_RETURN(up, Prepare(
        "INSERT INTO periods(entity, year, month, state, changed_at, changed_by) VALUES (?1,?2,?3,?4,?5,?6) "
        "ON CONFLICT(entity, year, month) DO UPDATE SET state=excluded.state, changed_at=excluded.changed_at, "
        "changed_by=excluded.changed_by"));
    up.Bind(1, e.code).Bind(2, p.year.start_year()).Bind(3, p.month).Bind(4, PeriodStateName(to));
    up.Bind(5, actor.at).Bind(6, actor.by);
    if (Status st = up.Run(); !st.ok()) return st;
    if (to == PeriodState::kOpen) {
      CSU_ASSIGN_OR_RETURN(due, PostDueReversals(e, Previous(p), actor));
      reversals = std::move(due);
    }
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return reversals;
}

// ------------------------------------------------------------------ journals

Result<BatchOutcome> LedgerStore::Raise(const std::string& entity, const std::vector<Transaction>& txns,
                                        const RaiseAs& as, const OrgDirectory& orgs, const Actor& actor) {
  return RaiseImpl(entity, txns, as, 0, orgs, actor);
}

Result<BatchOutcome> LedgerStore::RaiseDocument(const std::string& entity, const Transaction& txn, const RaiseAs& as,
                                                const DocumentLink& link, const OrgDirectory& orgs,
                                                const Actor& actor) {
  return RaiseImpl(entity, {txn}, as, 0, orgs, actor, &link);
}

Result<BatchOutcome> LedgerStore::RaiseImpl(const std::string& entity, const std::vector<Transaction>& txns,
                                            const RaiseAs& as, int64_t reverses, const OrgDirectory& orgs,
                                            const Actor& actor, const DocumentLink* document) {
  CSU_ASSIGN_OR_RETURN(e, GetEntity(entity));
  if (txns.empty()) return MakeError(as.source, "there are no transactions to post");
  if (Trim(as.reason).empty()) return MakeError(e.code, "every journal needs a reason");
  if (std::string why = OneLineProblem(as.reason, "the reason"); !why.empty()) return MakeError(e.code, why);
  CSU_ASSIGN_OR_RETURN(accounts, Accounts(e.code));
  CSU_ASSIGN_OR_RETURN(centres, CostCentres(e.code));
  CSU_ASSIGN_OR_RETURN(parties, Counterparties(e.code));
  std::set<std::string, std::less<>> account_names, centre_codes, party_codes;
  for (const Account& a : accounts) account_names.insert(a.name);
  for (const CostCentre& c : centres) centre_codes.insert(c.code);
  for (const Counterparty& c : parties) party_codes.insert(c.code);
  std::map<std::string, std::string> new_parties;
  BatchOutcome out;
  Status s = InWrite([&]() -> Status {
    std::map<LedgerPeriod, PeriodState> states;
    for (const Transaction& t : txns) {
      const std::string where = WhereOf(t, as.source);
      if (Status st = CheckBalanced(t, where); !st.ok()) return st;
      for (const auto& [text, what] : {std::pair{&t.description, "the description"}, {&t.code, "the code"}})
        if (std::string why = OneLineProblem(*text, what); !why.empty()) return MakeError(where, why);
      if (t.code.find(')') != std::string::npos) return MakeError(where, "the code holds ')'");
      if (t.status != ' ' && t.status != '*' && t.status != '!') return MakeError(where, "unknown status mark");
      for (const Posting& p : t.postings) {
        if (!account_names.count(p.account))
          return MakeError(where, "account " + p.account + " is not in " + e.code + "'s chart of accounts");
        if (!p.cost_centre.empty() && !centre_codes.count(p.cost_centre))
          return MakeError(where, "cost centre " + p.cost_centre + " is not one of " + e.code + "'s");
        // A comment may hold ';' (everything after the first one is comment).
        for (char c : p.comment)
          if (static_cast<unsigned char>(c) < 0x20)
            return MakeError(where, "a posting's comment holds a line break, a tab or another control character");
        if (!IsValidUtf8(p.comment)) return MakeError(where, "a posting's comment is not valid UTF-8");
        if (p.cost_centre.find_first_of(" ,;") != std::string::npos)
          return MakeError(where, "cost centre \"" + p.cost_centre + "\" holds a space, ',' or ';'");
        if (!p.counterparty.empty() && !party_codes.count(p.counterparty)) {
          std::optional<std::string> name = orgs ? orgs(p.counterparty) : std::nullopt;
          if (!name)
            return MakeError(where, "counterparty " + p.counterparty +
                                        " is not a known NHS body (reference data or the chart's counterparties)");
          new_parties.emplace(p.counterparty, *name);
          party_codes.insert(p.counterparty);
        }
      }
      const LedgerPeriod period = LedgerPeriod::Of(t.date);
      auto it = states.find(period);
      if (it == states.end()) {
        CSU_ASSIGN_OR_RETURN(st, StateOf(e.code, period));
        it = states.emplace(period, st).first;
      }
      if (it->second != PeriodState::kOpen)
        return MakeError(where, "period " + period.ToString() + " is " + std::string(PeriodStateName(it->second)) +
                                    ", so it takes no postings");
    }
    CSU_ASSIGN_OR_RETURN(cp, Prepare("INSERT INTO counterparties(entity, code, name) VALUES (?1,?2,?3)"));
    for (const auto& [code, name] : new_parties) {
      cp.Reset();
      cp.Bind(1, e.code).Bind(2, code).Bind(3, name);
      if (Status st = cp.Run(); !st.ok()) return st;
    }
    CSU_ASSIGN_OR_RETURN(batch, StoreBatch(e, txns, as, reverses, as.kind == JournalKind::kDocument, actor));
    out = std::move(batch);
    if (document != nullptr) return InsertDocument(e.code, *document, out.numbers.front());
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return out;
}

Result<BatchOutcome> LedgerStore::StoreBatch(const Entity& e, const std::vector<Transaction>& txns, const RaiseAs& as,
                                             int64_t reverses, bool force_posted, const Actor& actor) {
  CSU_ASSIGN_OR_RETURN(top, Prepare(
      "SELECT coalesce(max(number), 0), coalesce(max(batch), 0) FROM journals WHERE entity=?1"));
  top.Bind(1, e.code);
  CSU_ASSIGN_OR_RETURN(has, top.Step());
  int64_t number = has ? top.Int(0) : 0;
  BatchOutcome out;
  out.batch = (has ? top.Int(1) : 0) + 1;
  top.Reset();
  bool pending = false;
  Int128 debit_sum = 0;
  for (const Transaction& t : txns) {
    const Money debits = DebitTotal(t);
    debit_sum += debits.pence();
    if (debits > e.approval_threshold) pending = true;
  }
  out.debits = Money::FromPence(debit_sum > INT64_MAX ? INT64_MAX : static_cast<int64_t>(debit_sum));
  if (force_posted) pending = false;
  out.pending = pending;
  CSU_ASSIGN_OR_RETURN(ins, Prepare(std::string("INSERT INTO journals(entity, ") + kJournalColumns +
                                      ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)"));
  CSU_ASSIGN_OR_RETURN(post, Prepare(
      "INSERT INTO postings(entity, number, line_no, account, amount_pence, cost_centre, counterparty, comment) "
      "VALUES (?1,?2,?3,?4,?5,?6,?7,?8)"));
  for (const Transaction& t : txns) {
    ++number;
    ins.Reset();
    ins.Bind(1, e.code).Bind(2, number).Bind(3, out.batch).Bind(4, JournalKindName(as.kind));
    ins.Bind(5, pending ? "pending" : "posted").Bind(6, t.date.ToString()).Bind(7, std::string(1, t.status));
    ins.Bind(8, t.code).Bind(9, t.description).Bind(10, t.reverse_next_period ? 1 : 0).Bind(11, reverses);
    ins.Bind(12, actor.by).Bind(13, actor.at).Bind(14, pending ? "" : actor.by).Bind(15, pending ? "" : actor.at);
    ins.Bind(16, as.reason).Bind(17, t.line);
    if (Status st = ins.Run(); !st.ok()) return st.error();
    int64_t line_no = 0;
    for (const Posting& p : t.postings) {
      post.Reset();
      post.Bind(1, e.code).Bind(2, number).Bind(3, ++line_no).Bind(4, p.account).Bind(5, p.amount.pence());
      post.Bind(6, p.cost_centre).Bind(7, p.counterparty).Bind(8, p.comment);
      if (Status st = post.Run(); !st.ok()) return st.error();
    }
    out.postings += line_no;
    out.numbers.push_back(number);
  }
  if (!pending) {
    // A reversal belongs to the close when the journal it reverses is one
    // (the rule AddToDailyBalances states in SQL).
    bool closing = as.kind == JournalKind::kYearEnd;
    if (as.kind == JournalKind::kReversal && reverses > 0) {
      CSU_ASSIGN_OR_RETURN(kq, Prepare("SELECT kind FROM journals WHERE entity=?1 AND number=?2"));
      kq.Bind(1, e.code).Bind(2, reverses);
      CSU_ASSIGN_OR_RETURN(found, kq.Step());
      closing = found && kq.Text(0) == JournalKindName(JournalKind::kYearEnd);
      kq.Reset();
    }
    if (Status st = AddTransactionsToDailyBalances(e.code, txns, closing); !st.ok()) return st.error();
    // An accrual posted into a period whose successor is already open is
    // reversed now; otherwise when the next period opens.
    std::set<LedgerPeriod> periods;
    for (const Transaction& t : txns)
      if (t.reverse_next_period) periods.insert(LedgerPeriod::Of(t.date));
    for (LedgerPeriod p : periods) {
      CSU_ASSIGN_OR_RETURN(next, StateOf(e.code, p.Next()));
      if (next == PeriodState::kClosed || next == PeriodState::kLocked)
        return MakeError(WhereOf(txns.front(), as.source),
                         "an accrual in " + p.ToString() + " reverses in " + p.Next().ToString() + ", which is " +
                             std::string(PeriodStateName(next)));
      if (next == PeriodState::kOpen) {
        CSU_ASSIGN_OR_RETURN(rev, PostDueReversals(e, p, actor));
        out.reversals.insert(out.reversals.end(), rev.begin(), rev.end());
      }
    }
  }
  return out;
}

Status LedgerStore::AddToDailyBalances(const std::string& entity, int64_t batch) {
  // One grouped insert per batch: a million postings of a year touch at
  // most accounts × days rows.
  CSU_ASSIGN_OR_RETURN(q, Prepare(
      "INSERT INTO daily_balances(entity, account, date, closing, amount_pence) "
      "SELECT p.entity, p.account, j.date, "
      "  CASE WHEN j.kind = 'year_end' OR (j.kind = 'reversal' AND EXISTS (SELECT 1 FROM journals y WHERE "
      "   y.entity = j.entity AND y.number = j.reverses AND y.kind = 'year_end')) THEN 1 ELSE 0 END, "
      "  sum(p.amount_pence) "
      "FROM journals j JOIN postings p ON p.entity = j.entity AND p.number = j.number "
      "WHERE j.entity = ?1 AND j.batch = ?2 AND j.state = 'posted' GROUP BY 1, 2, 3, 4 "
      "ON CONFLICT(entity, account, date, closing) DO UPDATE SET amount_pence = daily_balances.amount_pence + excluded.amount_pence"));
  q.Bind(1, entity).Bind(2, batch);
  return q.Run();
}

Status LedgerStore::AddTransactionsToDailyBalances(const std::string& entity, const std::vector<Transaction>& txns,
                                                   bool closing) {
  // Summed in Int128: a day's total of many postings may pass int64 on the
  // way even when the stored sum fits; the upsert refuses one that does not.
  std::map<std::pair<std::string_view, int32_t>, Int128> sums;  // (account, day number) -> pence
  for (const Transaction& t : txns)
    for (const Posting& p : t.postings) sums[{p.account, t.date.days()}] += p.amount.pence();
  CSU_ASSIGN_OR_RETURN(q, Prepare(
      "INSERT INTO daily_balances(entity, account, date, closing, amount_pence) VALUES (?1,?2,?3,?4,?5) "
      "ON CONFLICT(entity, account, date, closing) DO UPDATE SET amount_pence = daily_balances.amount_pence + excluded.amount_pence"));
  for (const auto& [key, sum] : sums) {
    if (sum > INT64_MAX || sum < INT64_MIN) return MakeError(entity, "a day's total of " + std::string(key.first) + " is too large");
    q.Reset();
    q.Bind(1, entity).Bind(2, std::string(key.first)).Bind(3, Date::FromDays(key.second).ToString());
    q.Bind(4, closing ? 1 : 0).Bind(5, static_cast<int64_t>(sum));
    if (Status st = q.Run(); !st.ok()) return st;
  }
  return Status::Ok();
}

Result<std::vector<int64_t>> LedgerStore::PostDueReversals(const Entity& e, LedgerPeriod accruals_of,
                                                           const Actor& actor) {
  CSU_ASSIGN_OR_RETURN(q, Prepare(
      "SELECT j.number FROM journals j WHERE j.entity=?1 AND j.state='posted' AND j.reverse_next=1 "
      "AND j.date>=?2 AND j.date<=?3 AND NOT EXISTS (SELECT 1 FROM journals r WHERE r.entity=j.entity "
      "AND r.reverses=j.number) ORDER BY j.number"));
  q.Bind(1, e.code).Bind(2, accruals_of.first_day().ToString()).Bind(3, accruals_of.last_day().ToString());
  std::vector<int64_t> due;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    due.push_back(q.Int(0));
  }
  q.Reset();
  std::vector<int64_t> posted;
  for (int64_t n : due) {
    CSU_ASSIGN_OR_RETURN(found, LoadJournals(e.code, "number=?2", std::to_string(n), ""));
    if (found.size() != 1) return MakeError(db_->Name(), "journal " + std::to_string(n) + " vanished");
    const Journal& j = found.front();
    Transaction r = j.txn;
    r.date = accruals_of.Next().first_day();
    r.reverse_next_period = false;
    r.line = 0;
    r.description = "Reversal of accrual " + std::to_string(n) + (j.txn.description.empty() ? "" : ": ") +
                    j.txn.description;
    for (Posting& p : r.postings) p.amount = -p.amount;
    RaiseAs as{JournalKind::kAccrualReversal, "accrual " + std::to_string(n) + " reverses on the first day of " +
                                                  accruals_of.Next().ToString(),
               ""};
    CSU_ASSIGN_OR_RETURN(b, StoreBatch(e, {r}, as, n, true, actor));
    posted.insert(posted.end(), b.numbers.begin(), b.numbers.end());
  }
  return posted;
}

Result<std::vector<Journal>> LedgerStore::LoadJournals(const std::string& entity, const std::string& condition,
                                                       const std::string& a, const std::string& b) {
  CSU_ASSIGN_OR_RETURN(q, Prepare(std::string("SELECT ") + kJournalColumns +
                                       " FROM journals WHERE entity=?1 AND " + condition + " ORDER BY number"));
  q.Bind(1, ToUpper(entity));
  if (condition.find("?2") != std::string::npos) {
    if (condition.find("number=?2") != std::string::npos || condition.find("batch=?2") != std::string::npos ||
        condition.find("reverses=?2") != std::string::npos)
      q.Bind(2, std::stoll(a));
    else
      q.Bind(2, a);
  }
  if (condition.find("?3") != std::string::npos) q.Bind(3, b);
  CSU_ASSIGN_OR_RETURN(ps, Prepare(
      "SELECT account, amount_pence, cost_centre, counterparty, comment FROM postings "
      "WHERE entity=?1 AND number=?2 ORDER BY line_no"));
  std::vector<Journal> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    Journal j;
    const std::string where = db_->Name() + ": journal " + std::to_string(q.Int(0));
    j.number = q.Int(0);
    j.batch = q.Int(1);
    std::optional<JournalKind> kind = ParseKind(q.Text(2));
    Result<Date> date = Date::Parse(q.Text(4));
    const std::string status = q.Text(5);
    if (!kind || !date.ok() || status.size() != 1) return MakeError(where, "damaged journal row");
    j.kind = *kind;
    j.posted = q.Text(3) == "posted";
    j.txn.date = date.value();
    j.txn.status = status[0];
    j.txn.code = q.Text(6);
    j.txn.description = q.Text(7);
    j.txn.reverse_next_period = q.Int(8) != 0;
    j.reverses = q.Int(9);
    j.raised_by = q.Text(10);
    j.raised_at = q.Text(11);
    j.approved_by = q.Text(12);
    j.approved_at = q.Text(13);
    j.reason = q.Text(14);
    j.txn.line = q.Int(15);
    ps.Reset();
    ps.Bind(1, ToUpper(entity)).Bind(2, j.number);
    while (true) {
      CSU_ASSIGN_OR_RETURN(prow, ps.Step());
      if (!prow) break;
      j.txn.postings.push_back({ps.Text(0), Money::FromPence(ps.Int(1)), ps.Text(2), ps.Text(3), ps.Text(4)});
    }
    out.push_back(std::move(j));
  }
  return out;
}

Result<BatchOutcome> LedgerStore::Approve(const std::string& entity, int64_t batch, const Actor& actor) {
  CSU_ASSIGN_OR_RETURN(e, GetEntity(entity));
  const std::string where = e.code + " batch " + std::to_string(batch);
  BatchOutcome out;
  out.batch = batch;
  Status s = InWrite([&]() -> Status {
    CSU_ASSIGN_OR_RETURN(journals, LoadJournals(e.code, "batch=?2", std::to_string(batch), ""));
    if (journals.empty()) return MakeError(where, "there is no such batch");
    if (journals.front().posted) return MakeError(where, "the batch is posted already");
    if (journals.front().raised_by == actor.by)
      return MakeError(where, "the person who raised a journal cannot approve it: a second person must "
                              "(segregation of duties)");
    std::set<LedgerPeriod> periods;
    for (const Journal& j : journals) {
      periods.insert(LedgerPeriod::Of(j.txn.date));
      out.numbers.push_back(j.number);
      out.postings += static_cast<int64_t>(j.txn.postings.size());
      out.debits += DebitTotal(j.txn);
    }
    for (LedgerPeriod p : periods) {
      CSU_ASSIGN_OR_RETURN(st, StateOf(e.code, p));
      if (st != PeriodState::kOpen)
        return MakeError(where, "period " + p.ToString() + " is " + std::string(PeriodStateName(st)) +
                                    " now, so the batch cannot post; reopen it or reverse and raise again");
    }
    CSU_ASSIGN_OR_RETURN(up, Prepare(
        "UPDATE journals SET state='posted', approved_by=?3, approved_at=?4 WHERE entity=?1 AND batch=?2"));
    up.Bind(1, e.code).Bind(2, batch).Bind(3, actor.by).Bind(4, actor.at);
    if (Status st = up.Run(); !st.ok()) return st;
    if (Status st = AddToDailyBalances(e.code, batch); !st.ok()) return st;
    for (LedgerPeriod p : periods) {
      CSU_ASSIGN_OR_RETURN(next, StateOf(e.code, p.Next()));
      bool has_accrual = false;
      for (const Journal& j : journals)
        has_accrual |= j.txn.reverse_next_period && LedgerPeriod::Of(j.txn.date) == p;
      if (!has_accrual) continue;
      if (next == PeriodState::kClosed || next == PeriodState::kLocked)
        return MakeError(where, "an accrual in " + p.ToString() + " reverses in " + p.Next().ToString() +
                                    ", which is " + std::string(PeriodStateName(next)));
      if (next == PeriodState::kOpen) {
        CSU_ASSIGN_OR_RETURN(rev, PostDueReversals(e, p, actor));
        out.reversals.insert(out.reversals.end(), rev.begin(), rev.end());
      }
    }
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return out;
}

Result<BatchOutcome> LedgerStore::Reverse(const std::string& entity, int64_t number, Date on,
                                          const std::string& reason, const Actor& actor) {
  CSU_ASSIGN_OR_RETURN(e, GetEntity(entity));
  const std::string where = e.code + " journal " + std::to_string(number);
  CSU_ASSIGN_OR_RETURN(found, LoadJournals(e.code, "number=?2", std::to_string(number), ""));
  if (found.empty()) return MakeError(where, "there is no such journal");
  const Journal& j = found.front();
  if (!j.posted) return MakeError(where, "the journal is not posted yet; only posted journals are reversed");
  // A document's journal stays: reversing it would leave the document
  // counted in aged debt and the agreement of balances (ledger_documents.h).
  CSU_ASSIGN_OR_RETURN(doc, Prepare("SELECT document FROM documents WHERE entity=?1 AND journal=?2"));
  doc.Bind(1, e.code).Bind(2, number);
  CSU_ASSIGN_OR_RETURN(is_doc, doc.Step());
  if (is_doc)
    return MakeError(where, "it posts document " + doc.Text(0) +
                                "; correct an invoice with a credit note, a receipt or payment with a journal by hand");
  doc.Reset();
  CSU_ASSIGN_OR_RETURN(already, LoadJournals(e.code, "reverses=?2", std::to_string(number), ""));
  if (!already.empty())
    return MakeError(where, "journal " + std::to_string(already.front().number) + " already reverses it");
  Transaction r = j.txn;
  r.date = on;
  r.line = 0;
  r.reverse_next_period = false;
  r.description = "Reversal of journal " + std::to_string(number) + (j.txn.description.empty() ? "" : ": ") +
                  j.txn.description;
  for (Posting& p : r.postings) p.amount = -p.amount;
  if (Trim(reason).empty()) return MakeError(where, "a reversal needs a reason");
  // The reversal goes through the same checks as any journal; its
  // counterparties are already known to the entity.
  return RaiseImpl(e.code, {r}, {JournalKind::kReversal, reason, ""}, number, nullptr, actor);
}

namespace {
// Year-end closing journals and the reversals of them, which balances of
// income and expenditure "for the year" leave out together.
const char* kNotYearEnd =
    " AND j.kind <> 'year_end' AND NOT (j.kind = 'reversal' AND j.reverses IN "
    "(SELECT y.number FROM journals y WHERE y.entity = j.entity AND y.kind = 'year_end'))";
}  // namespace

Result<BatchOutcome> LedgerStore::CloseYear(const std::string& entity, FinancialYear year, const Actor& actor) {
  CSU_ASSIGN_OR_RETURN(e, GetEntity(entity));
  const std::string where = e.code + " " + year.ToString();
  BatchOutcome out;
  Status s = InWrite([&]() -> Status {
    const LedgerPeriod march{year, 12};
    CSU_ASSIGN_OR_RETURN(st, StateOf(e.code, march));
    if (st != PeriodState::kOpen)
      return MakeError(where, "month 12 (" + march.ToString() + ") is " + std::string(PeriodStateName(st)) +
                                  "; the closing journal is dated 31 March, so it must be open");
    const std::string from = year.first_day().ToString(), to = year.last_day().ToString();
    CSU_ASSIGN_OR_RETURN(closed, LoadJournals(e.code,
        "kind='year_end' AND date>=?2 AND date<=?3 AND NOT EXISTS (SELECT 1 FROM journals r WHERE "
        "r.entity=journals.entity AND r.reverses=journals.number)", from, to));
    if (!closed.empty())
      return MakeError(where, "the year was closed already by journal " + std::to_string(closed.front().number) +
                                  " (reverse it to close again)");
    CSU_ASSIGN_OR_RETURN(pending, Prepare(
        "SELECT count(*) FROM journals WHERE entity=?1 AND state='pending' AND date>=?2 AND date<=?3"));
    pending.Bind(1, e.code).Bind(2, from).Bind(3, to);
    CSU_ASSIGN_OR_RETURN(prow, pending.Step());
    if (prow && pending.Int(0) > 0)
      return MakeError(where, std::to_string(pending.Int(0)) + " journals of the year wait for approval");
    CSU_ASSIGN_OR_RETURN(balances, Balances(e.code, year.first_day(), year.last_day(), true));
    Transaction t;
    t.date = year.last_day();
    t.status = '*';
    t.code = "YE-" + year.ToString();
    t.description = "Year-end close of " + year.ToString() + ": income and expenditure to the general fund";
    Money net;
    for (const AccountBalance& b : balances) {
      if (!IsIncomeOrExpense(b.account.type) || b.balance == Money()) continue;
      t.postings.push_back({b.account.name, -b.balance, "", "", ""});
      net += b.balance;
    }
    if (t.postings.empty()) return MakeError(where, "no income or expenditure was posted in the year");
    // A surplus (income above expenditure: net negative) credits the fund.
    if (net != Money()) t.postings.push_back({e.general_fund, net, "", "", "surplus (−) or deficit (+) for the year"});
    if (Status c = CheckBalanced(t, where); !c.ok()) return c;
    CSU_ASSIGN_OR_RETURN(b, StoreBatch(e, {t}, {JournalKind::kYearEnd, "year-end close of " + year.ToString(), ""},
                                       0, true, actor));
    out = std::move(b);
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return out;
}

Result<std::vector<Journal>> LedgerStore::Journals(const std::string& entity, Date from, Date to) {
  CSU_ASSIGN_OR_RETURN(e, GetEntity(entity));
  return LoadJournals(e.code, "date>=?2 AND date<=?3", from.ToString(), to.ToString());
}

Result<std::vector<Journal>> LedgerStore::JournalsOfBatch(const std::string& entity, int64_t batch) {
  CSU_ASSIGN_OR_RETURN(e, GetEntity(entity));
  return LoadJournals(e.code, "batch=?2", std::to_string(batch), "");
}

Result<std::optional<Journal>> LedgerStore::GetJournal(const std::string& entity, int64_t number) {
  CSU_ASSIGN_OR_RETURN(e, GetEntity(entity));
  CSU_ASSIGN_OR_RETURN(found, LoadJournals(e.code, "number=?2", std::to_string(number), ""));
  if (found.empty()) return std::optional<Journal>();
  return std::optional<Journal>(std::move(found.front()));
}

Status LedgerStore::ForEachPosted(const std::string& entity, const std::function<Status(const Journal&)>& each) {
  CSU_ASSIGN_OR_RETURN(e, GetEntity(entity));
  CSU_ASSIGN_OR_RETURN(q, Prepare(
      "SELECT j.number, j.kind, j.date, j.status, j.code, j.description, j.reverse_next, j.reverses, "
      "p.account, p.amount_pence, p.cost_centre, p.counterparty, p.comment "
      "FROM journals j JOIN postings p ON p.entity=j.entity AND p.number=j.number "
      "WHERE j.entity=?1 AND j.state='posted' ORDER BY j.date, j.number, p.line_no"));
  q.Bind(1, e.code);
  Journal j;
  auto flush = [&]() -> Status {
    if (j.number == 0) return Status::Ok();
    Status st = each(j);
    j = Journal();
    return st;
  };
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    if (q.Int(0) != j.number) {
      if (Status st = flush(); !st.ok()) return st;
      j.number = q.Int(0);
      j.posted = true;
      std::optional<JournalKind> kind = ParseKind(q.Text(1));
      Result<Date> date = Date::Parse(q.Text(2));
      const std::string status = q.Text(3);
      if (!kind || !date.ok() || status.size() != 1)
        return MakeError(db_->Name() + ": journal " + std::to_string(j.number), "damaged journal row");
      j.kind = *kind;
      j.txn.date = date.value();
      j.txn.status = status[0];
      j.txn.code = q.Text(4);
      j.txn.description = q.Text(5);
      j.txn.reverse_next_period = q.Int(6) != 0;
      j.reverses = q.Int(7);
    }
    j.txn.postings.push_back({q.Text(8), Money::FromPence(q.Int(9)), q.Text(10), q.Text(11), q.Text(12)});
  }
  return flush();
}

Result<std::vector<AccountBalance>> LedgerStore::Balances(const std::string& entity, Date from, Date to,
                                                          bool without_year_end) {
  CSU_ASSIGN_OR_RETURN(e, GetEntity(entity));
  CSU_ASSIGN_OR_RETURN(accounts, Accounts(e.code));
  CSU_ASSIGN_OR_RETURN(q, Prepare(
      std::string("SELECT account, sum(amount_pence) FROM daily_balances "
                  "WHERE entity=?1 AND date>=?2 AND date<=?3") +
      (without_year_end ? " AND closing=0" : "") + " GROUP BY account"));
  q.Bind(1, e.code).Bind(2, from.ToString()).Bind(3, to.ToString());
  std::map<std::string, int64_t, std::less<>> sums;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    sums[q.Text(0)] = q.Int(1);
  }
  std::vector<AccountBalance> out;
  for (Account& a : accounts) {
    auto it = sums.find(a.name);
    const int64_t pence = it == sums.end() ? 0 : it->second;
    if (it != sums.end()) sums.erase(it);
    out.push_back({std::move(a), Money::FromPence(pence)});
  }
  if (!sums.empty()) return MakeError(db_->Name(), "postings to " + sums.begin()->first + " name no account");
  return out;
}

Result<std::vector<AccountBalance>> LedgerStore::BalancesFromPostings(const std::string& entity, Date from, Date to,
                                                                      bool without_year_end) {
  CSU_ASSIGN_OR_RETURN(e, GetEntity(entity));
  CSU_ASSIGN_OR_RETURN(accounts, Accounts(e.code));
  CSU_ASSIGN_OR_RETURN(q, Prepare(
      std::string("SELECT p.account, sum(p.amount_pence) FROM journals j JOIN postings p "
                  "ON p.entity=j.entity AND p.number=j.number "
                  "WHERE j.entity=?1 AND j.state='posted' AND j.date>=?2 AND j.date<=?3") +
      (without_year_end ? kNotYearEnd : "") + " GROUP BY p.account"));
  q.Bind(1, e.code).Bind(2, from.ToString()).Bind(3, to.ToString());
  std::map<std::string, int64_t, std::less<>> sums;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    sums[q.Text(0)] = q.Int(1);
  }
  std::vector<AccountBalance> out;
  for (Account& a : accounts) {
    auto it = sums.find(a.name);
    out.push_back({std::move(a), Money::FromPence(it == sums.end() ? 0 : it->second)});
  }
  return out;
}

}  // namespace csu::ledger
