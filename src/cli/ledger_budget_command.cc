// Budgets on the command line (docs/ledger.md, "Budgets"):
//   csu ledger budget set FILE --year 2018/19 --reason ...   a new draft version
//   csu ledger budget approve --year 2018/19 --version N     the budget of record
//   csu ledger budget versions|show|virements --year ...     what is stored
//   csu ledger budget vire --from CC:ACCOUNT --to CC:ACCOUNT --amount £ --period YYYY-MM [--through YYYY-MM]
//   csu ledger budget forecast --period YYYY-MM --line CC:ACCOUNT --outturn £ --note ...
// and the report views `budget` and `position` (csu ledger report). Every
// change is written to the state folder's hash-chained audit log.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/ledger_open.h"
#include "cli/server_mode.h"
#include "cli/state.h"
#include "cli/table_output.h"
#include "core/file.h"
#include "core/text.h"
#include "ledger/budget_file.h"
#include "ledger/budget_reports.h"
#include "store/sha256.h"

namespace csu::cli {
namespace {

using report::Cell;
using report::ColumnType;

struct BudgetArgs {
  StateArgs state;
  std::string database;  // --database: server mode
  std::string entity, file, year, reason, period, through, from, to, amount, line, outturn, note;
  int64_t version = 0;
  std::string format = "table";
  std::string out;
};

Result<FinancialYear> Year(const std::string& text) {
  auto y = FinancialYear::Parse(text);
  if (!y.ok()) return MakeError("--year", y.error().why);
  return y.value();
}

// "CC100:expenses:programme:acute" → cost centre, account.
Result<std::pair<std::string, std::string>> SplitLine(const std::string& text, const char* option) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    return MakeError(option, "\"" + text + "\" is not COST_CENTRE:ACCOUNT, e.g. CC100:expenses:programme:acute");
  return std::pair{text.substr(0, colon), text.substr(colon + 1)};
}

Result<int64_t> PositivePounds(const std::string& text, const char* option) {
  auto m = ledger::ParsePounds(text);
  if (!m.ok()) return MakeError(option, "\"" + text + "\" is not an amount in pounds");
  if (m.value().pence() <= 0) return MakeError(option, "give an amount above zero");
  return m.value().pence();
}

int Set(const Context& ctx, const BudgetArgs& a) {
  auto year = Year(a.year);
  if (!year.ok()) return Fail(year.error().ToString(), kExitUsage);
  auto text = ReadFile(a.file);
  if (!text.ok()) return Fail(text.error().ToString());
  auto lines = ledger::ParseBudgetFile(text.value(), a.file);
  if (!lines.ok()) return Fail(lines.error().ToString() + " (nothing was stored)");
  auto o = OpenLedger(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto v = o->db->SetBudget(a.entity, year.value(), lines.value(), a.reason, a.file, o->actor);
  if (!v.ok()) return Fail(v.error().ToString() + " (nothing was stored)");
  const std::string entity = ToUpper(a.entity);
  int64_t total = 0;
  for (const ledger::BudgetLine& l : lines.value()) total += l.annual();
  nlohmann::json details = {{"entity", entity}, {"year", year.value().ToString()}, {"version", v.value()},
                            {"file", FileName(a.file)}, {"sha256", store::Sha256Hex(text.value())},
                            {"lines", lines.value().size()}, {"reason", a.reason}};
  if (!Audit(*o, "ledger.budget.set", entity, details)) return kExitFailure;
  std::printf("%s budget %s version %lld: %zu lines, draft; approve it with 'csu ledger budget approve'.\n",
              entity.c_str(), year.value().ToString().c_str(), static_cast<long long>(v.value()),
              lines.value().size());
  return kExitOk;
}

int Approve(const Context& ctx, const BudgetArgs& a) {
  auto year = Year(a.year);
  if (!year.ok()) return Fail(year.error().ToString(), kExitUsage);
  auto o = OpenLedger(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto v = o->db->ApproveBudget(a.entity, year.value(), a.version, o->actor);
  if (!v.ok()) return Fail(v.error().ToString());
  const std::string entity = ToUpper(a.entity);
  nlohmann::json details = {{"entity", entity}, {"year", year.value().ToString()}, {"version", a.version},
                            {"income_pence", v.value().income.pence()},
                            {"expenditure_pence", v.value().expenditure.pence()}};
  if (!Audit(*o, "ledger.budget.approve", entity, details)) return kExitFailure;
  std::printf("%s budget %s version %lld is approved: income %s, expenditure %s, planned surplus %s.\n",
              entity.c_str(), year.value().ToString().c_str(), static_cast<long long>(a.version),
              v.value().income.ToString().c_str(), v.value().expenditure.ToString().c_str(),
              (v.value().income - v.value().expenditure).ToString().c_str());
  return kExitOk;
}

int Versions(const Context& ctx, const BudgetArgs& a) {
  if (std::string why = CheckTableFormat(a.format, a.out); !why.empty()) return Fail(why, kExitUsage);
  auto year = Year(a.year);
  if (!year.ok()) return Fail(year.error().ToString(), kExitUsage);
  auto o = OpenLedger(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto vs = o->db->BudgetVersions(a.entity, year.value());
  if (!vs.ok()) return Fail(vs.error().ToString());
  report::ReportTable t{"Budget versions", {{"version", ColumnType::kInteger, "Version"},
                                            {"state", ColumnType::kText, "State"},
                                            {"lines", ColumnType::kInteger, "Lines"},
                                            {"income", ColumnType::kMoney, "Income"},
                                            {"expenditure", ColumnType::kMoney, "Expenditure"},
                                            {"set_by", ColumnType::kText, "Set by"},
                                            {"set_at", ColumnType::kText, "Set at"},
                                            {"approved_by", ColumnType::kText, "Approved by"},
                                            {"reason", ColumnType::kText, "Reason"},
                                            {"source", ColumnType::kText, "File"}}};
  for (const ledger::BudgetVersion& v : vs.value())
    t.AddRow({Cell::Integer(v.version), Cell::Text(std::string(ledger::BudgetStateName(v.state))),
              Cell::Integer(v.lines), Cell::Money(v.income), Cell::Money(v.expenditure), Cell::Text(v.set_by),
              Cell::Text(v.set_at), Cell::Text(v.approved_by), Cell::Text(v.reason), Cell::Text(FileName(v.source))});
  t.notes.push_back(ToUpper(a.entity) + " " + year.value().ToString());
  return WriteTables({t}, a.format, a.out);
}

constexpr const char* kMonthColumns[12] = {"apr", "may", "jun", "jul", "aug", "sep",
                                           "oct", "nov", "dec", "jan", "feb", "mar"};

int Show(const Context& ctx, const BudgetArgs& a) {
  if (std::string why = CheckTableFormat(a.format, a.out); !why.empty()) return Fail(why, kExitUsage);
  auto year = Year(a.year);
  if (!year.ok()) return Fail(year.error().ToString(), kExitUsage);
  auto o = OpenLedger(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto b = o->db->Budget(a.entity, year.value(), a.version);
  if (!b.ok()) return Fail(b.error().ToString());
  report::ReportTable t{"Budget", {{"cost_centre", ColumnType::kText, "Cost centre"},
                                   {"account", ColumnType::kText, "Account"}}};
  for (int32_t m = 1; m <= 12; ++m)
    t.columns.push_back({kMonthColumns[m - 1], ColumnType::kMoney,
                         std::string(FinancialYear::MonthName(m))});
  t.columns.push_back({"annual", ColumnType::kMoney, "Annual"});
  for (const ledger::BudgetLine& l : b.value().lines) {
    std::vector<Cell> row = {Cell::Text(l.cost_centre), Cell::Text(l.account)};
    for (int64_t m : l.months) row.push_back(Cell::Pence(m));
    row.push_back(Cell::Pence(l.annual()));
    t.AddRow(std::move(row));
  }
  t.notes.push_back(ToUpper(a.entity) + " " + year.value().ToString() + ": " +
                    (b.value().version == 0 ? std::string("no budget is approved")
                     : a.version > 0        ? "version " + std::to_string(a.version) + " as set"
                                            : "version " + std::to_string(b.value().version) + " with " +
                                           std::to_string(b.value().virements) + " virement(s)"));
  t.notes.push_back("Income and expenditure budgets are both written positive (each account's own direction).");
  return WriteTables({t}, a.format, a.out);
}

int Vire(const Context& ctx, const BudgetArgs& a) {
  auto from = SplitLine(a.from, "--from");
  if (!from.ok()) return Fail(from.error().ToString(), kExitUsage);
  auto to = SplitLine(a.to, "--to");
  if (!to.ok()) return Fail(to.error().ToString(), kExitUsage);
  auto amount = PositivePounds(a.amount, "--amount");
  if (!amount.ok()) return Fail(amount.error().ToString(), kExitUsage);
  auto first = ledger::LedgerPeriod::Parse(a.period);
  if (!first.ok()) return Fail("--period: " + first.error().why, kExitUsage);
  ledger::LedgerPeriod last = first.value();
  if (!a.through.empty()) {
    auto t = ledger::LedgerPeriod::Parse(a.through);
    if (!t.ok()) return Fail("--through: " + t.error().why, kExitUsage);
    last = t.value();
    if (last.year != first.value().year || last.month < first.value().month)
      return Fail("--through: give a month of the same financial year, not before --period", kExitUsage);
  }
  // The amount spread over the months by cumulative rounding, each month
  // taken from one line and given to the other.
  const std::vector<ledger::VirementLine> lines =
      ledger::SpreadVirement(from.value().first, from.value().second, to.value().first, to.value().second,
                             amount.value(), first.value().month, last.month);
  auto o = OpenLedger(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  const FinancialYear year = first.value().year;
  auto n = o->db->Vire(a.entity, year, lines, a.reason, o->actor);
  if (!n.ok()) return Fail(n.error().ToString() + " (nothing was stored)");
  const std::string entity = ToUpper(a.entity);
  nlohmann::json details = {{"entity", entity},          {"year", year.ToString()},  {"virement", n.value()},
                            {"from", a.from},            {"to", a.to},               {"amount_pence", amount.value()},
                            {"first", first.value().ToString()}, {"last", last.ToString()}, {"reason", a.reason}};
  if (!Audit(*o, "ledger.budget.vire", entity, details)) return kExitFailure;
  std::printf("%s virement %lld (%s): %s moved from %s to %s, %s to %s.\n", entity.c_str(),
              static_cast<long long>(n.value()), year.ToString().c_str(),
              Money::FromPence(amount.value()).ToString().c_str(), a.from.c_str(), a.to.c_str(),
              first.value().ToString().c_str(), last.ToString().c_str());
  return kExitOk;
}

int Virements(const Context& ctx, const BudgetArgs& a) {
  if (std::string why = CheckTableFormat(a.format, a.out); !why.empty()) return Fail(why, kExitUsage);
  auto year = Year(a.year);
  if (!year.ok()) return Fail(year.error().ToString(), kExitUsage);
  auto o = OpenLedger(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto vs = o->db->Virements(a.entity, year.value());
  if (!vs.ok()) return Fail(vs.error().ToString());
  report::ReportTable t{"Virements", {{"number", ColumnType::kInteger, "Virement"},
                                      {"version", ColumnType::kInteger, "Budget version"},
                                      {"cost_centre", ColumnType::kText, "Cost centre"},
                                      {"account", ColumnType::kText, "Account"},
                                      {"month", ColumnType::kText, "Month"},
                                      {"amount", ColumnType::kMoney, "Amount"},
                                      {"by", ColumnType::kText, "By"},
                                      {"at", ColumnType::kText, "At"},
                                      {"reason", ColumnType::kText, "Reason"}}};
  for (const ledger::Virement& v : vs.value())
    for (const ledger::VirementLine& l : v.lines)
      t.AddRow({Cell::Integer(v.number), Cell::Integer(v.version), Cell::Text(l.cost_centre), Cell::Text(l.account),
                Cell::Text(ledger::LedgerPeriod{year.value(), l.month}.ToString()), Cell::Pence(l.amount),
                Cell::Text(v.by), Cell::Text(v.at), Cell::Text(v.reason)});
  t.notes.push_back(ToUpper(a.entity) + " " + year.value().ToString() + ": + adds to a line's budget, − takes from it");
  return WriteTables({t}, a.format, a.out);
}

int Forecast(const Context& ctx, const BudgetArgs& a) {
  auto line = SplitLine(a.line, "--line");
  if (!line.ok()) return Fail(line.error().ToString(), kExitUsage);
  auto p = ledger::LedgerPeriod::Parse(a.period);
  if (!p.ok()) return Fail("--period: " + p.error().why, kExitUsage);
  auto outturn = ledger::ParsePounds(a.outturn);
  if (!outturn.ok()) return Fail("--outturn: \"" + a.outturn + "\" is not an amount in pounds", kExitUsage);
  auto o = OpenLedger(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  ledger::ForecastOverride f;
  f.month = p.value().month, f.cost_centre = line.value().first, f.account = line.value().second;
  f.outturn = outturn.value(), f.note = a.note;
  auto n = o->db->SetForecast(a.entity, p.value().year, f, o->actor);
  if (!n.ok()) return Fail(n.error().ToString() + " (nothing was stored)");
  const std::string entity = ToUpper(a.entity);
  nlohmann::json details = {{"entity", entity}, {"year", p.value().year.ToString()}, {"override", n.value()},
                            {"period", p.value().ToString()}, {"line", a.line},
                            {"outturn_pence", outturn.value().pence()}, {"note", a.note}};
  if (!Audit(*o, "ledger.budget.forecast", entity, details)) return kExitFailure;
  std::printf("%s %s: forecast outturn %s from %s on.\n", entity.c_str(), a.line.c_str(),
              outturn.value().ToString().c_str(), p.value().ToString().c_str());
  return kExitOk;
}

CLI::App* Sub(CLI::App* parent, Context& ctx, const char* name, const char* help, std::shared_ptr<BudgetArgs> args,
              int (*fn)(const Context&, const BudgetArgs&)) {
  CLI::App* cmd = parent->add_subcommand(name, help);
  AddStateOptions(cmd, args->state);
  AddDatabaseOption(cmd, args->database);
  cmd->add_option("--entity", args->entity, "The ledger: the CSU's or a CCG's ODS code")->required();
  cmd->callback([&ctx, args, fn] { ctx.action = [&ctx, args, fn] { return fn(ctx, *args); }; });
  return cmd;
}

void TableOptions(CLI::App* cmd, BudgetArgs& a) {
  cmd->add_option("--format", a.format, "table, csv, json or xlsx")->capture_default_str();
  cmd->add_option("--out", a.out, "Write to this file instead of standard output");
}

}  // namespace

// The running-cost allowance per head when none is given: NHS England's
// indicative CCG allowance for 2015/16 (docs/ledger.md, "The monthly
// financial position", with the source).
constexpr const char* kDefaultAllowancePerHead = "22.07";
constexpr const char* kDefaultAllowanceSource =
    "NHS England, CCG running costs allowances 2014/15 and 2015/16, the 2015/16 figure; "
    "https://www.england.nhs.uk/2014/02/costs-allowances/";

int LedgerBudgetReport(const Context& ctx, const StateArgs& state, const std::string& database, const std::string& view,
                       const std::string& entity,
                       const std::string& period, const std::string& per_head, const std::string& population,
                       const std::string& format, const std::string& out) {
  if (std::string why = CheckTableFormat(format, out); !why.empty()) return Fail(why, kExitUsage);
  if (entity.empty()) return Fail("--entity: which ledger?", kExitUsage);
  auto p = ledger::LedgerPeriod::Parse(period);
  if (period.empty() || !p.ok()) return Fail("--period: the " + view + " view is for a month, YYYY-MM", kExitUsage);
  std::optional<ledger::RunningCostAllowance> rca;
  if (view == "position") {
    ledger::RunningCostAllowance r;
    auto ph = ledger::ParsePounds(per_head.empty() ? kDefaultAllowancePerHead : per_head);
    if (!ph.ok() || ph.value().pence() < 0) return Fail("--allowance-per-head: not an amount in pounds", kExitUsage);
    r.per_head = ph.value();
    r.source = per_head.empty() ? kDefaultAllowanceSource : "given with --allowance-per-head";
    if (!population.empty()) {
      auto n = ParseInt(population);
      if (!n || *n <= 0) return Fail("--population: give a whole number of people", kExitUsage);
      r.population = *n;
      r.population_source = "given with --population";
    }
    rca = r;
  }
  auto o = OpenLedger(ctx, state, database);
  if (!o) return kExitFailure;
  if (rca && !rca->population) {
    if (auto code = OdsCode::Parse(entity); code.ok()) {
      if (const auto* ccg = o->state->ref->FindCcg(code.value()); ccg != nullptr && ccg->registered_patients) {
        rca->population = *ccg->registered_patients;
        rca->population_source = "registered patients, January 2021 GP lists, from the reference data";
      }
    }
  }
  if (view == "budget") {
    auto t = ledger::BudgetMonitoring(*o->db, entity, p.value());
    if (!t.ok()) return Fail(t.error().ToString());
    return WriteTables({t.value()}, format, out);
  }
  auto tables = ledger::MonthlyPosition(*o->db, entity, p.value(), rca);
  if (!tables.ok()) return Fail(tables.error().ToString());
  return WriteTables(tables.value(), format, out);
}

void AddLedgerBudgetCommands(CLI::App& led, Context& ctx) {
  CLI::App* bud = led.add_subcommand("budget", "Budgets per cost centre × account × month, virements, forecasts");
  bud->require_subcommand(1);
  auto a = std::make_shared<BudgetArgs>();
  CLI::App* c = Sub(bud, ctx, "set", "Store a budget file (docs/formats/ledger-budget-v1.md) as a new draft version", a,
                    Set);
  c->add_option("FILE", a->file, "Budget CSV")->required();
  c->add_option("--year", a->year, "Financial year, e.g. 2018/19")->required();
  c->add_option("--reason", a->reason, "Why: the plan it is, who agreed it")->required();
  a = std::make_shared<BudgetArgs>();
  c = Sub(bud, ctx, "approve", "Make a draft version the budget of record", a, Approve);
  c->add_option("--year", a->year, "Financial year, e.g. 2018/19")->required();
  c->add_option("--version", a->version, "The draft version")->required();
  a = std::make_shared<BudgetArgs>();
  c = Sub(bud, ctx, "versions", "List a year's budget versions", a, Versions);
  c->add_option("--year", a->year, "Financial year, e.g. 2018/19")->required();
  TableOptions(c, *a);
  a = std::make_shared<BudgetArgs>();
  c = Sub(bud, ctx, "show", "The budget in force (the approved version with its virements) by month", a, Show);
  c->add_option("--year", a->year, "Financial year, e.g. 2018/19")->required();
  c->add_option("--version", a->version, "Show this version as set instead");
  TableOptions(c, *a);
  a = std::make_shared<BudgetArgs>();
  c = Sub(bud, ctx, "vire", "Move budget from one cost centre × account to another, keeping the total", a, Vire);
  c->add_option("--from", a->from, "COST_CENTRE:ACCOUNT the budget comes from")->required();
  c->add_option("--to", a->to, "COST_CENTRE:ACCOUNT the budget goes to")->required();
  c->add_option("--amount", a->amount, "Pounds moved (over the months: spread by cumulative rounding)")->required();
  c->add_option("--period", a->period, "The (first) month, YYYY-MM")->required();
  c->add_option("--through", a->through, "The last month, YYYY-MM (default: --period only)");
  c->add_option("--reason", a->reason, "Who asked for it and why")->required();
  a = std::make_shared<BudgetArgs>();
  c = Sub(bud, ctx, "virements", "List a year's virements", a, Virements);
  c->add_option("--year", a->year, "Financial year, e.g. 2018/19")->required();
  TableOptions(c, *a);
  a = std::make_shared<BudgetArgs>();
  c = Sub(bud, ctx, "forecast", "Override a line's forecast outturn from a month on, with a note", a, Forecast);
  c->add_option("--line", a->line, "COST_CENTRE:ACCOUNT")->required();
  c->add_option("--period", a->period, "The month it is given at, YYYY-MM")->required();
  c->add_option("--outturn", a->outturn, "The year's forecast in pounds, in the account's own direction")->required();
  c->add_option("--note", a->note, "Why")->required();
}

}  // namespace csu::cli
