// Budgets, virements and forecast overrides in ledger.sqlite or its server
// tables (docs/store-format.md §13 and §13a, rules in docs/ledger.md "Budgets"). Every
// change is one transaction; stored rows are never changed (triggers), but
// a version's state moves draft → approved → superseded.
#include <map>
#include <set>

#include "core/text.h"
#include "ledger/budget_reports.h"
#include "ledger/ledger_store.h"
#include "store/sql.h"

namespace csu::ledger {

namespace internal {
const char* const kBudgetSchema = R"sql(
CREATE TABLE IF NOT EXISTS budget_versions(
  entity TEXT NOT NULL, year INTEGER NOT NULL, version INTEGER NOT NULL,
  state TEXT NOT NULL, reason TEXT NOT NULL, source TEXT NOT NULL,
  set_by TEXT NOT NULL, set_at TEXT NOT NULL, approved_by TEXT NOT NULL, approved_at TEXT NOT NULL,
  PRIMARY KEY(entity, year, version));
CREATE TABLE IF NOT EXISTS budget_lines(
  entity TEXT NOT NULL, year INTEGER NOT NULL, version INTEGER NOT NULL,
  cost_centre TEXT NOT NULL, account TEXT NOT NULL, month INTEGER NOT NULL,
  amount_pence INTEGER NOT NULL, source_line INTEGER NOT NULL,
  PRIMARY KEY(entity, year, version, cost_centre, account, month));
CREATE TABLE IF NOT EXISTS virements(
  entity TEXT NOT NULL, year INTEGER NOT NULL, number INTEGER NOT NULL, version INTEGER NOT NULL,
  reason TEXT NOT NULL, made_by TEXT NOT NULL, made_at TEXT NOT NULL,
  PRIMARY KEY(entity, year, number));
CREATE TABLE IF NOT EXISTS virement_lines(
  entity TEXT NOT NULL, year INTEGER NOT NULL, number INTEGER NOT NULL, line_no INTEGER NOT NULL,
  cost_centre TEXT NOT NULL, account TEXT NOT NULL, month INTEGER NOT NULL, amount_pence INTEGER NOT NULL,
  PRIMARY KEY(entity, year, number, line_no));
CREATE TABLE IF NOT EXISTS forecast_overrides(
  entity TEXT NOT NULL, year INTEGER NOT NULL, number INTEGER NOT NULL, month INTEGER NOT NULL,
  cost_centre TEXT NOT NULL, account TEXT NOT NULL, outturn_pence INTEGER NOT NULL,
  note TEXT NOT NULL, made_by TEXT NOT NULL, made_at TEXT NOT NULL,
  PRIMARY KEY(entity, year, number));
CREATE TRIGGER IF NOT EXISTS budget_versions_no_delete BEFORE DELETE ON budget_versions
  BEGIN SELECT RAISE(ABORT, 'budget versions are kept for good'); END;
CREATE TRIGGER IF NOT EXISTS budget_versions_only_state BEFORE UPDATE ON budget_versions
  WHEN NEW.entity IS NOT OLD.entity OR NEW.year IS NOT OLD.year OR NEW.version IS NOT OLD.version
    OR NEW.reason IS NOT OLD.reason OR NEW.source IS NOT OLD.source OR NEW.set_by IS NOT OLD.set_by
    OR NEW.set_at IS NOT OLD.set_at
    OR NOT ((OLD.state = 'draft' AND NEW.state = 'approved')
            OR (OLD.state = 'approved' AND NEW.state = 'superseded' AND NEW.approved_by IS OLD.approved_by
                AND NEW.approved_at IS OLD.approved_at))
  BEGIN SELECT RAISE(ABORT, 'a budget version only moves draft to approved to superseded'); END;
CREATE TRIGGER IF NOT EXISTS budget_lines_no_update BEFORE UPDATE ON budget_lines
  BEGIN SELECT RAISE(ABORT, 'budget lines are immutable'); END;
CREATE TRIGGER IF NOT EXISTS budget_lines_no_delete BEFORE DELETE ON budget_lines
  BEGIN SELECT RAISE(ABORT, 'budget lines are immutable'); END;
CREATE TRIGGER IF NOT EXISTS virements_no_update BEFORE UPDATE ON virements
  BEGIN SELECT RAISE(ABORT, 'virements are immutable'); END;
CREATE TRIGGER IF NOT EXISTS virements_no_delete BEFORE DELETE ON virements
  BEGIN SELECT RAISE(ABORT, 'virements are immutable'); END;
CREATE TRIGGER IF NOT EXISTS virement_lines_no_update BEFORE UPDATE ON virement_lines
  BEGIN SELECT RAISE(ABORT, 'virements are immutable'); END;
CREATE TRIGGER IF NOT EXISTS virement_lines_no_delete BEFORE DELETE ON virement_lines
  BEGIN SELECT RAISE(ABORT, 'virements are immutable'); END;
CREATE TRIGGER IF NOT EXISTS forecast_overrides_no_update BEFORE UPDATE ON forecast_overrides
  BEGIN SELECT RAISE(ABORT, 'forecast overrides are immutable'); END;
CREATE TRIGGER IF NOT EXISTS forecast_overrides_no_delete BEFORE DELETE ON forecast_overrides
  BEGIN SELECT RAISE(ABORT, 'forecast overrides are immutable'); END;
)sql";

// The same tables in PostgreSQL (docs/store-format.md §13a), prefixed
// ledger_, BIGINT for integers, text compared in byte order (COLLATE "C" as
// SQLite does), the rules as PL/pgSQL triggers (ledger_refuse_change, made
// with the ledger's tables) that also refuse TRUNCATE.
const char* const kPostgresBudgetSchema = R"sql(
CREATE TABLE ledger_budget_versions(
  entity TEXT COLLATE "C" NOT NULL, year BIGINT NOT NULL, version BIGINT NOT NULL,
  state TEXT COLLATE "C" NOT NULL, reason TEXT NOT NULL, source TEXT NOT NULL,
  set_by TEXT NOT NULL, set_at TEXT NOT NULL, approved_by TEXT NOT NULL, approved_at TEXT NOT NULL,
  PRIMARY KEY(entity, year, version));
CREATE TABLE ledger_budget_lines(
  entity TEXT COLLATE "C" NOT NULL, year BIGINT NOT NULL, version BIGINT NOT NULL,
  cost_centre TEXT COLLATE "C" NOT NULL, account TEXT COLLATE "C" NOT NULL, month BIGINT NOT NULL,
  amount_pence BIGINT NOT NULL, source_line BIGINT NOT NULL,
  PRIMARY KEY(entity, year, version, cost_centre, account, month));
CREATE TABLE ledger_virements(
  entity TEXT COLLATE "C" NOT NULL, year BIGINT NOT NULL, number BIGINT NOT NULL, version BIGINT NOT NULL,
  reason TEXT NOT NULL, made_by TEXT NOT NULL, made_at TEXT NOT NULL,
  PRIMARY KEY(entity, year, number));
CREATE TABLE ledger_virement_lines(
  entity TEXT COLLATE "C" NOT NULL, year BIGINT NOT NULL, number BIGINT NOT NULL, line_no BIGINT NOT NULL,
  cost_centre TEXT COLLATE "C" NOT NULL, account TEXT COLLATE "C" NOT NULL, month BIGINT NOT NULL,
  amount_pence BIGINT NOT NULL, PRIMARY KEY(entity, year, number, line_no));
CREATE TABLE ledger_forecast_overrides(
  entity TEXT COLLATE "C" NOT NULL, year BIGINT NOT NULL, number BIGINT NOT NULL, month BIGINT NOT NULL,
  cost_centre TEXT COLLATE "C" NOT NULL, account TEXT COLLATE "C" NOT NULL, outturn_pence BIGINT NOT NULL,
  note TEXT NOT NULL, made_by TEXT NOT NULL, made_at TEXT NOT NULL,
  PRIMARY KEY(entity, year, number));
CREATE TRIGGER budget_versions_no_delete BEFORE DELETE ON ledger_budget_versions FOR EACH ROW
  EXECUTE FUNCTION ledger_refuse_change('budget versions are kept for good');
CREATE TRIGGER budget_versions_no_truncate BEFORE TRUNCATE ON ledger_budget_versions FOR EACH STATEMENT
  EXECUTE FUNCTION ledger_refuse_change('budget versions are kept for good');
CREATE TRIGGER budget_versions_only_state BEFORE UPDATE ON ledger_budget_versions FOR EACH ROW
  WHEN (NEW.entity IS DISTINCT FROM OLD.entity OR NEW.year IS DISTINCT FROM OLD.year
    OR NEW.version IS DISTINCT FROM OLD.version OR NEW.reason IS DISTINCT FROM OLD.reason
    OR NEW.source IS DISTINCT FROM OLD.source OR NEW.set_by IS DISTINCT FROM OLD.set_by
    OR NEW.set_at IS DISTINCT FROM OLD.set_at
    OR NOT ((OLD.state = 'draft' AND NEW.state = 'approved')
            OR (OLD.state = 'approved' AND NEW.state = 'superseded'
                AND NEW.approved_by IS NOT DISTINCT FROM OLD.approved_by
                AND NEW.approved_at IS NOT DISTINCT FROM OLD.approved_at)))
  EXECUTE FUNCTION ledger_refuse_change('a budget version only moves draft to approved to superseded');
CREATE TRIGGER budget_lines_no_change BEFORE UPDATE OR DELETE ON ledger_budget_lines FOR EACH ROW
  EXECUTE FUNCTION ledger_refuse_change('budget lines are immutable');
CREATE TRIGGER budget_lines_no_truncate BEFORE TRUNCATE ON ledger_budget_lines FOR EACH STATEMENT
  EXECUTE FUNCTION ledger_refuse_change('budget lines are immutable');
CREATE TRIGGER virements_no_change BEFORE UPDATE OR DELETE ON ledger_virements FOR EACH ROW
  EXECUTE FUNCTION ledger_refuse_change('virements are immutable');
CREATE TRIGGER virements_no_truncate BEFORE TRUNCATE ON ledger_virements FOR EACH STATEMENT
  EXECUTE FUNCTION ledger_refuse_change('virements are immutable');
CREATE TRIGGER virement_lines_no_change BEFORE UPDATE OR DELETE ON ledger_virement_lines FOR EACH ROW
  EXECUTE FUNCTION ledger_refuse_change('virements are immutable');
CREATE TRIGGER virement_lines_no_truncate BEFORE TRUNCATE ON ledger_virement_lines FOR EACH STATEMENT
  EXECUTE FUNCTION ledger_refuse_change('virements are immutable');
CREATE TRIGGER forecast_overrides_no_change BEFORE UPDATE OR DELETE ON ledger_forecast_overrides FOR EACH ROW
  EXECUTE FUNCTION ledger_refuse_change('forecast overrides are immutable');
CREATE TRIGGER forecast_overrides_no_truncate BEFORE TRUNCATE ON ledger_forecast_overrides FOR EACH STATEMENT
  EXECUTE FUNCTION ledger_refuse_change('forecast overrides are immutable');
)sql";
}  // namespace internal

namespace {

std::optional<BudgetState> ParseState(std::string_view s) {
  for (BudgetState b : {BudgetState::kDraft, BudgetState::kApproved, BudgetState::kSuperseded})
    if (BudgetStateName(b) == s) return b;
  return std::nullopt;
}

using Key = std::pair<std::string, std::string>;  // cost centre, account

}  // namespace

std::string_view BudgetStateName(BudgetState s) {
  switch (s) {
    case BudgetState::kDraft: return "draft";
    case BudgetState::kApproved: return "approved";
    case BudgetState::kSuperseded: return "superseded";
  }
  return "draft";
}

// The chart's income and expense accounts by name, and its cost centres.
struct BudgetChart {
  std::map<std::string, AccountType> accounts;
  std::set<std::string> cost_centres;
  // Why cost centre × account cannot carry a budget ("" = it can).
  std::string Problem(const std::string& cc, const std::string& account) const {
    if (!cost_centres.count(cc)) return "cost centre " + cc + " is not in the chart";
    auto it = accounts.find(account);
    if (it == accounts.end()) return "account " + account + " is not in the chart";
    if (!IsIncomeOrExpense(it->second))
      return "account " + account + " is " + std::string(AccountTypeName(it->second)) +
             ": only income and expense accounts carry budgets";
    return "";
  }
};

static Result<BudgetChart> LoadBudgetChart(LedgerStore& db, const std::string& entity) {
  BudgetChart c;
  CSU_ASSIGN_OR_RETURN(accounts, db.Accounts(entity));
  for (const Account& a : accounts) c.accounts[a.name] = a.type;
  CSU_ASSIGN_OR_RETURN(ccs, db.CostCentres(entity));
  for (const CostCentre& cc : ccs) c.cost_centres.insert(cc.code);
  return c;
}

Result<int64_t> LedgerStore::SetBudget(const std::string& entity, FinancialYear year,
                                       const std::vector<BudgetLine>& lines, const std::string& reason,
                                       const std::string& source, const Actor& actor) {
  CSU_ASSIGN_OR_RETURN(e, GetEntity(entity));
  if (Trim(reason).empty()) return MakeError(e.code, "a budget needs a reason");
  if (lines.empty()) return MakeError(source, "the budget has no lines");
  CSU_ASSIGN_OR_RETURN(chart, LoadBudgetChart(*this, e.code));
  std::set<Key> seen;
  for (const BudgetLine& l : lines) {
    const std::string where = source + ":" + std::to_string(l.line);
    if (std::string why = chart.Problem(l.cost_centre, l.account); !why.empty()) return MakeError(where, why);
    if (!seen.insert({l.cost_centre, l.account}).second)
      return MakeError(where, l.cost_centre + " " + l.account + " is budgeted twice");
    for (int64_t m : l.months)
      if (m < 0) return MakeError(where, "a month's budget is negative");
  }
  int64_t version = 0;
  Status s = InWrite([&]() -> Status {
    CSU_ASSIGN_OR_RETURN(q, Prepare(
        "SELECT COALESCE(MAX(version), 0) FROM budget_versions WHERE entity=?1 AND year=?2"));
    q.Bind(1, e.code).Bind(2, year.start_year());
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    version = (row ? q.Int(0) : 0) + 1;
    CSU_ASSIGN_OR_RETURN(v, Prepare(
        "INSERT INTO budget_versions(entity, year, version, state, reason, source, set_by, set_at, approved_by, "
        "approved_at) VALUES (?1,?2,?3,'draft',?4,?5,?6,?7,'','')"));
    v.Bind(1, e.code).Bind(2, year.start_year()).Bind(3, version).Bind(4, std::string(Trim(reason)));
    v.Bind(5, source).Bind(6, actor.by).Bind(7, actor.at);
    if (Status st = v.Run(); !st.ok()) return st;
    CSU_ASSIGN_OR_RETURN(ins, Prepare(
        "INSERT INTO budget_lines(entity, year, version, cost_centre, account, month, amount_pence, source_line) "
        "VALUES (?1,?2,?3,?4,?5,?6,?7,?8)"));
    for (const BudgetLine& l : lines) {
      for (int32_t m = 1; m <= 12; ++m) {
        ins.Bind(1, e.code).Bind(2, year.start_year()).Bind(3, version).Bind(4, l.cost_centre).Bind(5, l.account);
        ins.Bind(6, m).Bind(7, l.months[m - 1]).Bind(8, l.line);
        if (Status st = ins.Run(); !st.ok()) return st;
        ins.Reset();
      }
    }
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return version;
}

Result<std::vector<BudgetVersion>> LedgerStore::BudgetVersions(const std::string& entity, FinancialYear year) {
  CSU_ASSIGN_OR_RETURN(e, GetEntity(entity));
  CSU_ASSIGN_OR_RETURN(chart, LoadBudgetChart(*this, e.code));
  CSU_ASSIGN_OR_RETURN(q, Prepare(
      "SELECT v.version, v.state, v.reason, v.source, v.set_by, v.set_at, v.approved_by, v.approved_at, "
      "l.account, SUM(l.amount_pence), COUNT(DISTINCT l.cost_centre || ' ' || l.account) "
      "FROM budget_versions v LEFT JOIN budget_lines l ON l.entity=v.entity AND l.year=v.year AND l.version=v.version "
      "WHERE v.entity=?1 AND v.year=?2 GROUP BY v.entity, v.year, v.version, l.account ORDER BY v.version"));
  q.Bind(1, e.code).Bind(2, year.start_year());
  std::vector<BudgetVersion> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    if (out.empty() || out.back().version != q.Int(0)) {
      BudgetVersion v;
      v.version = q.Int(0);
      auto st = ParseState(q.Text(1));
      if (!st) return MakeError(db_->Name(), "budget version " + std::to_string(v.version) + " has an unknown state");
      v.state = *st;
      v.reason = q.Text(2), v.source = q.Text(3), v.set_by = q.Text(4), v.set_at = q.Text(5);
      v.approved_by = q.Text(6), v.approved_at = q.Text(7);
      out.push_back(std::move(v));
    }
    BudgetVersion& v = out.back();
    auto it = chart.accounts.find(q.Text(8));
    if (it == chart.accounts.end()) continue;
    v.lines += q.Int(10);
    (it->second == AccountType::kIncome ? v.income : v.expenditure) += Money::FromPence(q.Int(9));
  }
  return out;
}

Result<BudgetVersion> LedgerStore::ApproveBudget(const std::string& entity, FinancialYear year, int64_t version,
                                                 const Actor& actor) {
  CSU_ASSIGN_OR_RETURN(e, GetEntity(entity));
  CSU_ASSIGN_OR_RETURN(versions, BudgetVersions(e.code, year));
  const BudgetVersion* v = nullptr;
  for (const BudgetVersion& x : versions)
    if (x.version == version) v = &x;
  const std::string where = e.code + " budget " + year.ToString() + " version " + std::to_string(version);
  if (v == nullptr) return MakeError(where, "there is no such version");
  if (v->state != BudgetState::kDraft)
    return MakeError(where, "the version is " + std::string(BudgetStateName(v->state)) + ", not a draft");
  Status s = InWrite([&]() -> Status {
    CSU_ASSIGN_OR_RETURN(sup, Prepare(
        "UPDATE budget_versions SET state='superseded' WHERE entity=?1 AND year=?2 AND state='approved'"));
    sup.Bind(1, e.code).Bind(2, year.start_year());
    if (Status st = sup.Run(); !st.ok()) return st;
    CSU_ASSIGN_OR_RETURN(ap, Prepare(
        "UPDATE budget_versions SET state='approved', approved_by=?4, approved_at=?5 "
        "WHERE entity=?1 AND year=?2 AND version=?3 AND state='draft'"));
    ap.Bind(1, e.code).Bind(2, year.start_year()).Bind(3, version).Bind(4, actor.by).Bind(5, actor.at);
    return ap.Run();
  });
  if (!s.ok()) return s.error();
  BudgetVersion out = *v;
  out.state = BudgetState::kApproved;
  out.approved_by = actor.by;
  out.approved_at = actor.at;
  return out;
}

Result<CurrentBudget> LedgerStore::Budget(const std::string& entity, FinancialYear year, int64_t version) {
  CSU_ASSIGN_OR_RETURN(e, GetEntity(entity));
  CurrentBudget out;
  const bool current = version == 0;
  if (current) {
    CSU_ASSIGN_OR_RETURN(q, Prepare(
        "SELECT version FROM budget_versions WHERE entity=?1 AND year=?2 AND state='approved'"));
    q.Bind(1, e.code).Bind(2, year.start_year());
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) return out;
    version = q.Int(0);
  }
  out.version = version;
  std::map<Key, BudgetLine> lines;
  CSU_ASSIGN_OR_RETURN(q, Prepare(
      "SELECT cost_centre, account, month, amount_pence, source_line FROM budget_lines "
      "WHERE entity=?1 AND year=?2 AND version=?3"));
  q.Bind(1, e.code).Bind(2, year.start_year()).Bind(3, version);
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    BudgetLine& l = lines[{q.Text(0), q.Text(1)}];
    l.cost_centre = q.Text(0), l.account = q.Text(1), l.line = q.Int(4);
    const int64_t m = q.Int(2);
    if (m < 1 || m > 12) return MakeError(db_->Name(), "a budget line has month " + std::to_string(m));
    l.months[m - 1] += q.Int(3);
  }
  if (current) {
    CSU_ASSIGN_OR_RETURN(vq, Prepare(
        "SELECT l.cost_centre, l.account, l.month, l.amount_pence, l.number FROM virement_lines l "
        "JOIN virements v ON v.entity=l.entity AND v.year=l.year AND v.number=l.number "
        "WHERE l.entity=?1 AND l.year=?2 AND v.version=?3 ORDER BY l.number, l.line_no"));
    vq.Bind(1, e.code).Bind(2, year.start_year()).Bind(3, version);
    std::set<int64_t> numbers;
    while (true) {
      CSU_ASSIGN_OR_RETURN(row, vq.Step());
      if (!row) break;
      BudgetLine& l = lines[{vq.Text(0), vq.Text(1)}];
      l.cost_centre = vq.Text(0), l.account = vq.Text(1);
      const int64_t m = vq.Int(2);
      if (m < 1 || m > 12) return MakeError(db_->Name(), "a virement line has month " + std::to_string(m));
      l.months[m - 1] += vq.Int(3);
      numbers.insert(vq.Int(4));
    }
    out.virements = static_cast<int64_t>(numbers.size());
  }
  for (auto& [k, l] : lines) out.lines.push_back(std::move(l));
  return out;
}

Result<int64_t> LedgerStore::Vire(const std::string& entity, FinancialYear year,
                                  const std::vector<VirementLine>& lines, const std::string& reason,
                                  const Actor& actor) {
  CSU_ASSIGN_OR_RETURN(e, GetEntity(entity));
  const std::string where = e.code + " virement " + year.ToString();
  if (Trim(reason).empty()) return MakeError(where, "a virement needs a reason: who asked for it and why");
  if (lines.size() < 2) return MakeError(where, "a virement moves budget from one line to another: give two lines or more");
  CSU_ASSIGN_OR_RETURN(chart, LoadBudgetChart(*this, e.code));
  int64_t income = 0, expenditure = 0;
  for (const VirementLine& l : lines) {
    if (std::string why = chart.Problem(l.cost_centre, l.account); !why.empty()) return MakeError(where, why);
    if (l.month < 1 || l.month > 12) return MakeError(where, "month " + std::to_string(l.month) + " is not 1..12");
    if (l.amount == 0) return MakeError(where, "a virement line of zero moves nothing");
    if (l.amount > kMaxBudgetPence || l.amount < -kMaxBudgetPence) return MakeError(where, "an amount is too large");
    (chart.accounts.at(l.account) == AccountType::kIncome ? income : expenditure) += l.amount;
  }
  std::map<Key, int64_t> net;
  for (const VirementLine& l : lines) net[{l.cost_centre, l.account}] += l.amount;
  bool moves = false;
  for (const auto& [k, n] : net) moves = moves || n != 0;
  if (!moves) return MakeError(where, "the virement moves nothing: it takes from and gives to the same line");
  if (income != 0 || expenditure != 0)
    return MakeError(where, "the virement does not balance: it would change the income budget by " +
                                Money::FromPence(income).ToString() + " and the expenditure budget by " +
                                Money::FromPence(expenditure).ToString() +
                                " (a virement moves budget between lines of the same kind and keeps the total)");
  int64_t number = 0;
  Status s = InWrite([&]() -> Status {
    // Read inside the transaction, so the check and the write see the same budget.
    CSU_ASSIGN_OR_RETURN(now, Budget(e.code, year));
    if (now.version == 0)
      return MakeError(where, "there is no approved budget for " + year.ToString() + " to move budget within");
    std::map<Key, MonthAmounts> after;
    for (const BudgetLine& l : now.lines) after[{l.cost_centre, l.account}] = l.months;
    for (const VirementLine& l : lines) {
      int64_t& m = after[{l.cost_centre, l.account}][l.month - 1];
      m += l.amount;
      if (m < 0)
        return MakeError(where, "it would leave " + l.cost_centre + " " + l.account + " in " +
                                    std::string(FinancialYear::MonthName(l.month)) + " with a budget of " +
                                    Money::FromPence(m).ToString() + ": there is not that much to move");
    }
    CSU_ASSIGN_OR_RETURN(q, Prepare("SELECT COALESCE(MAX(number), 0) FROM virements WHERE entity=?1 AND year=?2"));
    q.Bind(1, e.code).Bind(2, year.start_year());
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    number = (row ? q.Int(0) : 0) + 1;
    CSU_ASSIGN_OR_RETURN(v, Prepare(
        "INSERT INTO virements(entity, year, number, version, reason, made_by, made_at) VALUES (?1,?2,?3,?4,?5,?6,?7)"));
    v.Bind(1, e.code).Bind(2, year.start_year()).Bind(3, number).Bind(4, now.version);
    v.Bind(5, std::string(Trim(reason))).Bind(6, actor.by).Bind(7, actor.at);
    if (Status st = v.Run(); !st.ok()) return st;
    CSU_ASSIGN_OR_RETURN(ins, Prepare(
        "INSERT INTO virement_lines(entity, year, number, line_no, cost_centre, account, month, amount_pence) "
        "VALUES (?1,?2,?3,?4,?5,?6,?7,?8)"));
    for (size_t i = 0; i < lines.size(); ++i) {
      const VirementLine& l = lines[i];
      ins.Bind(1, e.code).Bind(2, year.start_year()).Bind(3, number).Bind(4, static_cast<int64_t>(i + 1));
      ins.Bind(5, l.cost_centre).Bind(6, l.account).Bind(7, l.month).Bind(8, l.amount);
      if (Status st = ins.Run(); !st.ok()) return st;
      ins.Reset();
    }
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return number;
}

Result<std::vector<Virement>> LedgerStore::Virements(const std::string& entity, FinancialYear year) {
  CSU_ASSIGN_OR_RETURN(e, GetEntity(entity));
  CSU_ASSIGN_OR_RETURN(q, Prepare(
      "SELECT v.number, v.version, v.reason, v.made_by, v.made_at, l.cost_centre, l.account, l.month, l.amount_pence "
      "FROM virements v JOIN virement_lines l ON l.entity=v.entity AND l.year=v.year AND l.number=v.number "
      "WHERE v.entity=?1 AND v.year=?2 ORDER BY v.number, l.line_no"));
  q.Bind(1, e.code).Bind(2, year.start_year());
  std::vector<Virement> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    if (out.empty() || out.back().number != q.Int(0)) {
      Virement v;
      v.number = q.Int(0), v.version = q.Int(1), v.reason = q.Text(2), v.by = q.Text(3), v.at = q.Text(4);
      out.push_back(std::move(v));
    }
    out.back().lines.push_back({q.Text(5), q.Text(6), static_cast<int32_t>(q.Int(7)), q.Int(8)});
  }
  return out;
}

Result<int64_t> LedgerStore::SetForecast(const std::string& entity, FinancialYear year, const ForecastOverride& f,
                                         const Actor& actor) {
  CSU_ASSIGN_OR_RETURN(e, GetEntity(entity));
  const std::string where = e.code + " forecast " + year.ToString();
  CSU_ASSIGN_OR_RETURN(chart, LoadBudgetChart(*this, e.code));
  if (std::string why = chart.Problem(f.cost_centre, f.account); !why.empty()) return MakeError(where, why);
  if (f.month < 1 || f.month > 12) return MakeError(where, "month " + std::to_string(f.month) + " is not 1..12");
  if (Trim(f.note).empty()) return MakeError(where, "a forecast override needs a note saying why");
  if (f.outturn.pence() < 0 || f.outturn.pence() > kMaxBudgetPence)
    return MakeError(where, "the outturn must be zero or more, in the account's own direction");
  int64_t number = 0;
  Status s = InWrite([&]() -> Status {
    CSU_ASSIGN_OR_RETURN(q, Prepare(
        "SELECT COALESCE(MAX(number), 0) FROM forecast_overrides WHERE entity=?1 AND year=?2"));
    q.Bind(1, e.code).Bind(2, year.start_year());
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    number = (row ? q.Int(0) : 0) + 1;
    CSU_ASSIGN_OR_RETURN(ins, Prepare(
        "INSERT INTO forecast_overrides(entity, year, number, month, cost_centre, account, outturn_pence, note, "
        "made_by, made_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)"));
    ins.Bind(1, e.code).Bind(2, year.start_year()).Bind(3, number).Bind(4, f.month).Bind(5, f.cost_centre);
    ins.Bind(6, f.account).Bind(7, f.outturn.pence()).Bind(8, std::string(Trim(f.note))).Bind(9, actor.by);
    ins.Bind(10, actor.at);
    return ins.Run();
  });
  if (!s.ok()) return s.error();
  return number;
}

Result<std::vector<ForecastOverride>> LedgerStore::Forecasts(const std::string& entity, FinancialYear year) {
  CSU_ASSIGN_OR_RETURN(e, GetEntity(entity));
  CSU_ASSIGN_OR_RETURN(q, Prepare(
      "SELECT number, month, cost_centre, account, outturn_pence, note, made_by, made_at FROM forecast_overrides "
      "WHERE entity=?1 AND year=?2 ORDER BY number"));
  q.Bind(1, e.code).Bind(2, year.start_year());
  std::vector<ForecastOverride> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    ForecastOverride f;
    f.number = q.Int(0), f.month = static_cast<int32_t>(q.Int(1)), f.cost_centre = q.Text(2), f.account = q.Text(3);
    f.outturn = Money::FromPence(q.Int(4)), f.note = q.Text(5), f.by = q.Text(6), f.at = q.Text(7);
    out.push_back(std::move(f));
  }
  return out;
}

Result<std::optional<Date>> LedgerStore::LatestPostedDate(const std::string& entity) {
  CSU_ASSIGN_OR_RETURN(q, Prepare("SELECT MAX(date) FROM journals WHERE entity=?1 AND state='posted'"));
  q.Bind(1, ToUpper(entity));
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row || q.Text(0).empty()) return std::optional<Date>();
  auto d = Date::Parse(q.Text(0));
  if (!d.ok()) return MakeError(db_->Name(), "a journal has the date " + q.Text(0));
  return std::optional<Date>(d.value());
}

Result<std::vector<BudgetLine>> LedgerStore::Actuals(const std::string& entity, FinancialYear year) {
  CSU_ASSIGN_OR_RETURN(e, GetEntity(entity));
  CSU_ASSIGN_OR_RETURN(chart, LoadBudgetChart(*this, e.code));
  CSU_ASSIGN_OR_RETURN(q, Prepare(
      "SELECT p.cost_centre, p.account, substr(j.date, 1, 7), SUM(p.amount_pence) FROM journals j "
      "JOIN postings p ON p.entity=j.entity AND p.number=j.number "
      "WHERE j.entity=?1 AND j.state='posted' AND j.date BETWEEN ?2 AND ?3 AND j.kind <> 'year_end' "
      "AND NOT (j.kind = 'reversal' AND j.reverses IN "
      "  (SELECT number FROM journals WHERE entity=?1 AND kind='year_end')) "
      "GROUP BY p.cost_centre, p.account, substr(j.date, 1, 7)"));
  q.Bind(1, e.code).Bind(2, year.first_day().ToString()).Bind(3, year.last_day().ToString());
  std::map<Key, BudgetLine> lines;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    auto it = chart.accounts.find(q.Text(1));
    if (it == chart.accounts.end() || !IsIncomeOrExpense(it->second)) continue;
    auto first = Date::Parse(q.Text(2) + "-01");
    if (!first.ok()) return MakeError(db_->Name(), "a journal has the date " + q.Text(2));
    BudgetLine& l = lines[{q.Text(0), q.Text(1)}];
    l.cost_centre = q.Text(0), l.account = q.Text(1);
    const int64_t signed_pence = q.Int(3);
    l.months[year.MonthOf(first.value()) - 1] += it->second == AccountType::kIncome ? -signed_pence : signed_pence;
  }
  std::vector<BudgetLine> out;
  for (auto& [k, l] : lines) out.push_back(std::move(l));
  return out;
}

}  // namespace csu::ledger
