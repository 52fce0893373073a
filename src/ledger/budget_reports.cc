#include "ledger/budget_reports.h"

#include <map>

#include "ledger/ledger_documents.h"

namespace csu::ledger {

using report::Cell;
using report::ColumnType;
using report::ReportTable;

namespace {

std::string MonthLabel(LedgerPeriod p) {
  return std::string(FinancialYear::MonthName(p.month)) + " " + std::to_string(p.first_day().year());
}

// Sums of rows, in the account's own direction.
struct Sums {
  int64_t month_budget = 0, month_actual = 0, ytd_budget = 0, ytd_actual = 0, annual_budget = 0, run_rate = 0,
          profiled = 0, forecast = 0;
  void Add(const BudgetRow& r) {
    month_budget += r.month_budget, month_actual += r.month_actual, ytd_budget += r.ytd_budget;
    ytd_actual += r.ytd_actual, annual_budget += r.annual_budget, run_rate += r.run_rate, profiled += r.profiled;
    forecast += r.forecast();
  }
  // income − expenditure
  static Sums Surplus(const Sums& i, const Sums& e) {
    return {i.month_budget - e.month_budget, i.month_actual - e.month_actual, i.ytd_budget - e.ytd_budget,
            i.ytd_actual - e.ytd_actual,     i.annual_budget - e.annual_budget, i.run_rate - e.run_rate,
            i.profiled - e.profiled,         i.forecast - e.forecast};
  }
};

}  // namespace

std::vector<VirementLine> SpreadVirement(const std::string& from_cc, const std::string& from_account,
                                         const std::string& to_cc, const std::string& to_account, int64_t amount,
                                         int32_t first, int32_t last) {
  std::vector<VirementLine> lines;
  if (first < 1 || last > 12 || last < first) return lines;
  const std::vector<int64_t> spread = CumulativeSpread(amount, last - first + 1);
  for (int32_t i = 0; i <= last - first; ++i) {
    if (spread[static_cast<size_t>(i)] == 0) continue;
    lines.push_back({from_cc, from_account, first + i, -spread[static_cast<size_t>(i)]});
    lines.push_back({to_cc, to_account, first + i, spread[static_cast<size_t>(i)]});
  }
  return lines;
}

bool IsRunningCostAccount(const std::string& account) {
  return account == "expenses:running-costs" || account.rfind("expenses:running-costs:", 0) == 0;
}

Result<BudgetView> ComputeBudgetView(LedgerStore& db, const std::string& entity, LedgerPeriod p) {
  CSU_ASSIGN_OR_RETURN(e, db.GetEntity(entity));
  CSU_ASSIGN_OR_RETURN(budget, db.Budget(e.code, p.year));
  CSU_ASSIGN_OR_RETURN(actuals, db.Actuals(e.code, p.year));
  CSU_ASSIGN_OR_RETURN(overrides, db.Forecasts(e.code, p.year));
  CSU_ASSIGN_OR_RETURN(accounts, db.Accounts(e.code));
  std::map<std::string, AccountType> types;
  for (const Account& a : accounts) types[a.name] = a.type;
  struct Both {
    MonthAmounts budget{}, actual{};
  };
  std::map<std::pair<std::string, std::string>, Both> lines;
  for (const BudgetLine& l : budget.lines) lines[{l.cost_centre, l.account}].budget = l.months;
  for (const BudgetLine& l : actuals) lines[{l.cost_centre, l.account}].actual = l.months;
  // The override in force for each line: the latest given at or before p.
  std::map<std::pair<std::string, std::string>, ForecastOverride> in_force;
  for (const ForecastOverride& f : overrides)
    if (f.month <= p.month) in_force[{f.cost_centre, f.account}] = f;
  BudgetView v;
  v.period = p;
  v.version = budget.version;
  v.virements = budget.virements;
  for (bool income : {true, false}) {
    for (const auto& [key, both] : lines) {
      auto t = types.find(key.second);
      if (t == types.end() || (t->second == AccountType::kIncome) != income) continue;
      BudgetRow r;
      r.cost_centre = key.first, r.account = key.second, r.income = income;
      const int32_t m = p.month;
      r.month_budget = both.budget[m - 1];
      r.month_actual = both.actual[m - 1];
      for (int32_t i = 0; i < 12; ++i) {
        r.annual_budget += both.budget[i];
        if (i < m) r.ytd_budget += both.budget[i], r.ytd_actual += both.actual[i];
      }
      r.run_rate = DivRoundHalfAway(Int128(r.ytd_actual) * 12, m);
      r.profiled = r.ytd_actual + (r.annual_budget - r.ytd_budget);
      if (auto o = in_force.find(key); o != in_force.end()) r.override_ = o->second;
      v.rows.push_back(std::move(r));
    }
  }
  return v;
}

Result<ReportTable> BudgetMonitoring(LedgerStore& db, const std::string& entity, LedgerPeriod p) {
  CSU_ASSIGN_OR_RETURN(e, db.GetEntity(entity));
  CSU_ASSIGN_OR_RETURN(v, ComputeBudgetView(db, e.code, p));
  CSU_ASSIGN_OR_RETURN(ccs, db.CostCentres(e.code));
  std::map<std::string, std::string> cc_names;
  for (const CostCentre& c : ccs) cc_names[c.code] = c.name;
  const std::string month = MonthLabel(p);
  ReportTable t{"Budget monitoring", {{"section", ColumnType::kText, "Section"},
                                      {"cost_centre", ColumnType::kText, "Cost centre"},
                                      {"account", ColumnType::kText, "Account"},
                                      {"month_budget", ColumnType::kMoney, month + " budget"},
                                      {"month_actual", ColumnType::kMoney, month + " actual"},
                                      {"month_variance", ColumnType::kMoney, month + " variance"},
                                      {"ytd_budget", ColumnType::kMoney, "Budget to date"},
                                      {"ytd_actual", ColumnType::kMoney, "Actual to date"},
                                      {"ytd_variance", ColumnType::kMoney, "Variance to date"},
                                      {"annual_budget", ColumnType::kMoney, "Annual budget"},
                                      {"forecast_run_rate", ColumnType::kMoney, "Forecast: run rate"},
                                      {"forecast_profiled", ColumnType::kMoney, "Forecast: profiled"},
                                      {"forecast", ColumnType::kMoney, "Forecast outturn"},
                                      {"forecast_variance", ColumnType::kMoney, "Forecast variance"},
                                      {"forecast_basis", ColumnType::kText, "Forecast basis"}}};
  Sums income, expenditure;
  auto row = [&](const std::string& section, const std::string& cc, const std::string& account, const Sums& s,
                 auto favourable, const std::string& basis) {
    t.AddRow({Cell::Text(section), Cell::Text(cc), Cell::Text(account), Cell::Pence(s.month_budget),
              Cell::Pence(s.month_actual), Cell::Pence(favourable(s.month_budget, s.month_actual)),
              Cell::Pence(s.ytd_budget), Cell::Pence(s.ytd_actual), Cell::Pence(favourable(s.ytd_budget, s.ytd_actual)),
              Cell::Pence(s.annual_budget), Cell::Pence(s.run_rate), Cell::Pence(s.profiled), Cell::Pence(s.forecast),
              Cell::Pence(favourable(s.annual_budget, s.forecast)), Cell::Text(basis)});
  };
  int64_t overrides = 0;
  for (const BudgetRow& r : v.rows) {
    Sums s;
    s.Add(r);
    (r.income ? income : expenditure).Add(r);
    std::string cc = r.cost_centre.empty() ? "(none)" : r.cost_centre;
    if (auto it = cc_names.find(r.cost_centre); it != cc_names.end()) cc += " " + it->second;
    std::string basis = "profiled";
    if (r.override_) {
      ++overrides;
      basis = "override: " + r.override_->note + " (" + r.override_->by + ", " +
              std::string(FinancialYear::MonthName(r.override_->month)) + ")";
    }
    row(r.income ? "Income" : "Expenditure", cc, r.account, s,
        [&](int64_t b, int64_t a) { return r.Favourable(b, a); }, basis);
  }
  auto inc = [](int64_t b, int64_t a) { return a - b; };
  auto exp = [](int64_t b, int64_t a) { return b - a; };
  row("Total", "", "Total income", income, inc, "");
  row("Total", "", "Total expenditure", expenditure, exp, "");
  row("Total", "", "Surplus (deficit)", Sums::Surplus(income, expenditure), inc, "");
  t.notes.push_back(e.code + " " + e.name + ", " + month + " (month " + std::to_string(p.month) + " of " +
                    p.year.ToString() + ")");
  t.notes.push_back(v.version == 0 ? "No budget is approved for " + p.year.ToString() + ": budgets show as zero."
                                   : "Budget version " + std::to_string(v.version) + " with " +
                                         std::to_string(v.virements) + " virement(s).");
  t.notes.push_back("Income and expenditure both shown positive; a variance is favourable when positive.");
  t.notes.push_back("Run rate = actual to date × 12 ÷ " + std::to_string(p.month) +
                    ", rounded once to the penny half away from zero; profiled = actual to date + the budget of "
                    "the months left; the forecast outturn is the profiled one unless overridden (" +
                    std::to_string(overrides) + " override(s) in force).");
  return t;
}

Result<std::vector<ReportTable>> MonthlyPosition(LedgerStore& db, const std::string& entity, LedgerPeriod p,
                                                 const std::optional<RunningCostAllowance>& rca) {
  CSU_ASSIGN_OR_RETURN(e, db.GetEntity(entity));
  CSU_ASSIGN_OR_RETURN(v, ComputeBudgetView(db, e.code, p));
  const std::string month = MonthLabel(p);
  ReportTable t{"Financial position", {{"line", ColumnType::kText, "Line"},
                                       {"month_plan", ColumnType::kMoney, month + " plan"},
                                       {"month_actual", ColumnType::kMoney, month + " actual"},
                                       {"month_variance", ColumnType::kMoney, month + " variance"},
                                       {"ytd_plan", ColumnType::kMoney, "Plan to date"},
                                       {"ytd_actual", ColumnType::kMoney, "Actual to date"},
                                       {"ytd_variance", ColumnType::kMoney, "Variance to date"},
                                       {"annual_plan", ColumnType::kMoney, "Annual plan"},
                                       {"forecast_run_rate", ColumnType::kMoney, "Forecast: run rate"},
                                       {"forecast", ColumnType::kMoney, "Forecast outturn"},
                                       {"forecast_variance", ColumnType::kMoney, "Forecast variance"}}};
  Sums income, expenditure, running;
  for (const BudgetRow& r : v.rows) {
    (r.income ? income : expenditure).Add(r);
    if (!r.income && IsRunningCostAccount(r.account)) running.Add(r);
  }
  auto row = [&](const std::string& label, const Sums& s, bool favourable_up) {
    auto fav = [&](int64_t b, int64_t a) { return favourable_up ? a - b : b - a; };
    t.AddRow({Cell::Text(label), Cell::Pence(s.month_budget), Cell::Pence(s.month_actual),
              Cell::Pence(fav(s.month_budget, s.month_actual)), Cell::Pence(s.ytd_budget), Cell::Pence(s.ytd_actual),
              Cell::Pence(fav(s.ytd_budget, s.ytd_actual)), Cell::Pence(s.annual_budget), Cell::Pence(s.run_rate),
              Cell::Pence(s.forecast), Cell::Pence(fav(s.annual_budget, s.forecast))});
  };
  row("Total income", income, true);
  row("Total expenditure", expenditure, false);
  row("Surplus (deficit) against plan", Sums::Surplus(income, expenditure), true);
  row("Running costs against budget", running, false);
  t.notes.push_back(e.code + " " + e.name + ", " + month + " (month " + std::to_string(p.month) + " of " +
                    p.year.ToString() + ")");
  t.notes.push_back(v.version == 0 ? "No budget is approved for " + p.year.ToString() + ": the plan shows as zero."
                                   : "Plan: budget version " + std::to_string(v.version) + " with " +
                                         std::to_string(v.virements) + " virement(s).");
  if (rca && e.kind == EntityKind::kCcg) {
    if (rca->population) {
      const int64_t annual = rca->per_head.pence() * *rca->population;
      const int64_t to_date = DivRoundHalfAway(Int128(annual) * p.month, 12);
      const int64_t before = DivRoundHalfAway(Int128(annual) * (p.month - 1), 12);
      // The allowance is the plan; running costs the actual.
      t.AddRow({Cell::Text("Running costs against the allowance"), Cell::Pence(to_date - before),
                Cell::Pence(running.month_actual), Cell::Pence(to_date - before - running.month_actual),
                Cell::Pence(to_date), Cell::Pence(running.ytd_actual), Cell::Pence(to_date - running.ytd_actual),
                Cell::Pence(annual), Cell::Pence(running.run_rate), Cell::Pence(running.forecast),
                Cell::Pence(annual - running.forecast)});
      std::string people = std::to_string(*rca->population);
      for (int i = static_cast<int>(people.size()) - 3; i > 0; i -= 3) people.insert(static_cast<size_t>(i), ",");
      t.notes.push_back("Running-cost allowance: " + people + " people (" +
                        rca->population_source + ") × " + rca->per_head.ToString() + " a head (" + rca->source +
                        ") = " + Money::FromPence(annual).ToString() + " a year, by twelfths (cumulative rounding).");
    } else {
      t.notes.push_back("Running-cost allowance: no population is known for " + e.code + ", so it is not shown.");
    }
  }
  t.notes.push_back("Variances are favourable when positive. Forecast outturn: profiled (actual to date + the budget "
                    "of the months left) unless overridden line by line; see the budget monitoring view.");
  // Cash at the month's end.
  CSU_ASSIGN_OR_RETURN(balances, db.Balances(e.code, kBeginning(), p.last_day()));
  ReportTable cash{"Cash", {{"account", ColumnType::kText, "Account"},
                            {"code", ColumnType::kText, "Code"},
                            {"balance", ColumnType::kMoney, "Balance at " + p.last_day().ToString()}}};
  for (const AccountBalance& b : balances) {
    const std::string& n = b.account.name;
    if (b.account.type != AccountType::kAsset) continue;
    if (n.rfind("assets:current:cash", 0) != 0 && n.rfind("assets:cash", 0) != 0) continue;
    cash.AddRow({Cell::Text(n), Cell::Text(b.account.code), Cell::Pence(b.balance.pence())});
  }
  cash.AddTotalRow("Total cash");
  cash.notes.push_back("The balances of the asset accounts under assets:current:cash (or assets:cash).");
  std::vector<ReportTable> out = {std::move(t), std::move(cash)};
  CSU_ASSIGN_OR_RETURN(bppc, Bppc(db, e.code, p.year.first_day(), p.last_day()));
  for (ReportTable& b : bppc) out.push_back(std::move(b));
  return out;
}

}  // namespace csu::ledger
