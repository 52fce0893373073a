// Report tables of contract monitoring, NCA and challenges (report_views.h).
#include <map>
#include <optional>
#include <tuple>

#include "analytics/challenges.h"
#include "core/money.h"
#include "core/text.h"
#include "analytics/monitoring.h"
#include "analytics/report_views.h"
#include "contracts/contract_store.h"
#include "refdata/refdata.h"

namespace csu::analytics {
namespace {

using report::Cell;
using report::Column;
using report::ColumnType;

std::string ProviderName(const ViewScope& s, const OdsCode& code) {
  if (s.ref)
    if (const refdata::Trust* t = s.ref->FindTrust(code)) return t->name;
  return "";
}

std::string PodLabel(pricing::Pod pod) {
  return pod == pricing::Pod::kNone ? "NP" : std::string(pricing::PodCode(pod));
}

// A line's POD as the tables show it: a not-priced line says which records
// its activity counts, "NP spells", "NP appointments" or "NP attendances".
std::string PodLabel(const MonitoringLine& l) {
  if (!l.not_priced_kind) return PodLabel(l.pod);
  switch (*l.not_priced_kind) {
    case RecordKind::kSpell: return "NP spells";
    case RecordKind::kAppointment: return "NP appointments";
    case RecordKind::kAttendance: return "NP attendances";
  }
  return "NP";
}

std::string Period(const ViewScope& s) {
  return std::string(FinancialYear::MonthName(s.month)) + " (month " + std::to_string(s.month) + ") of " +
         s.year.ToString();
}

std::vector<Column> MonitoringColumns(bool with_plan) {
  std::vector<Column> c = {{"commissioner", ColumnType::kText, "CCG"},
                           {"provider", ColumnType::kText, "Provider"},
                           {"provider_name", ColumnType::kText, "Provider name"},
                           {"pod", ColumnType::kText, "POD"}};
  auto add = [&](const char* name, ColumnType t, const char* label) { c.push_back({name, t, label}); };
  if (with_plan) add("plan_month_activity", ColumnType::kCount, "Plan activity (month)");
  add("actual_month_activity", ColumnType::kCount, "Actual activity (month)");
  if (with_plan) add("plan_month", ColumnType::kMoney, "Plan £ (month)");
  add("actual_month", ColumnType::kMoney, "Actual £ (month)");
  if (with_plan) add("plan_ytd_activity", ColumnType::kCount, "Plan activity (YTD)");
  add("actual_ytd_activity", ColumnType::kCount, "Actual activity (YTD)");
  if (with_plan) add("variance_ytd_activity", ColumnType::kInteger, "Activity variance (YTD)");
  if (with_plan) add("plan_ytd", ColumnType::kMoney, "Plan £ (YTD)");
  add("actual_ytd", ColumnType::kMoney, "Actual £ (YTD)");
  if (with_plan) {
    add("variance_ytd", ColumnType::kMoney, "Variance £ (YTD)");
    c.push_back({"variance_pct", ColumnType::kPercent, "Variance % (YTD)", 1});
    add("volume_variance", ColumnType::kMoney, "Volume variance £");
    add("price_variance", ColumnType::kMoney, "Price variance £");
  }
  add("forecast_run_rate", ColumnType::kMoney, "Forecast outturn £ (run rate)");
  if (with_plan) {
    add("forecast_profiled", ColumnType::kMoney, "Forecast outturn £ (profiled)");
    add("plan_year", ColumnType::kMoney, "Annual plan £");
  }
  return c;
}

// `money_only`: a TOTAL or ALL row, whose lines count in different
// currencies (spells, appointments, attendances) that must not be added:
// its activity cells stay empty, and the summary totals each currency.
std::vector<Cell> LineCells(const ContractMonitoring& cm, const std::string& name, const std::string& pod,
                            const MonitoringLine& l, bool with_plan, bool money_only = false) {
  std::vector<Cell> r = {Cell::Text(cm.commissioner.ToString()), Cell::Text(cm.provider.ToString()), Cell::Text(name),
                         Cell::Text(pod)};
  auto count = [money_only](int64_t n) { return money_only ? Cell{} : Cell::Count(n); };
  if (with_plan) r.push_back(count(l.plan_month.activity));
  r.push_back(count(l.actual_month.activity));
  if (with_plan) r.push_back(Cell::Pence(l.plan_month.pence));
  r.push_back(Cell::Pence(l.actual_month.pence));
  if (with_plan) r.push_back(count(l.plan_ytd.activity));
  r.push_back(count(l.actual_ytd.activity));
  if (with_plan) r.push_back(money_only ? Cell{} : Cell::Integer(l.actual_ytd.activity - l.plan_ytd.activity));
  if (with_plan) r.push_back(Cell::Pence(l.plan_ytd.pence));
  r.push_back(Cell::Pence(l.actual_ytd.pence));
  if (with_plan) {
    r.push_back(Cell::Pence(l.actual_ytd.pence - l.plan_ytd.pence));
    // Of the plan to date; none without one.
    r.push_back(l.plan_ytd.pence == 0 ? Cell{}
                                      : Cell::Real(double(l.actual_ytd.pence - l.plan_ytd.pence) / double(l.plan_ytd.pence)));
    r.push_back(Cell::Pence(l.volume_variance_pence));
    r.push_back(Cell::Pence(l.price_variance_pence));
  }
  r.push_back(Cell::Pence(l.forecast_run_rate.pence));
  if (with_plan) {
    r.push_back(Cell::Pence(l.forecast_profiled.pence));
    r.push_back(Cell::Pence(l.plan_year.pence));
  }
  return r;
}

// A contract rule's row: only the £ columns it changes (actual and variance,
// to date) and, for a rule that withholds whole spells, how many: the £ is
// those spells' prices, so the count must be there for disclosure control
// to hide the £ of a few patients.
std::vector<Cell> RuleCells(const ContractMonitoring& cm, const std::string& name, const std::string& label,
                            int64_t pence, std::optional<int64_t> spells, size_t columns) {
  std::vector<Cell> r(columns);
  r[0] = Cell::Text(cm.commissioner.ToString());
  r[1] = Cell::Text(cm.provider.ToString());
  r[2] = Cell::Text(name);
  r[3] = Cell::Text(label);
  // Column positions in MonitoringColumns(true): actual_ytd_activity = 9,
  // actual_ytd = 12, variance_ytd = 13.
  if (spells) r[9] = Cell::Count(*spells);
  r[12] = Cell::Pence(pence);
  r[13] = Cell::Pence(pence);
  return r;
}

// The monitoring figures computed from others in their row, so that shared
// output computes them again from the published figures (report/disclosure.h):
// variances are actual − plan; the volume variance is the activity variance
// at the plan's unit price (the whole £ variance with no planned activity)
// and the price variance is the rest. In a TOTAL or ALL row the volume and
// price variances are the sums of the lines', as the unshared table shows
// them (volume + price + rules = variance).
void DeclareDerived(report::ReportTable& t, bool with_plan) {
  if (!with_plan) return;
  using report::Derivation;
  t.Derive("variance_ytd_activity", Derivation::Difference("actual_ytd_activity", "plan_ytd_activity"));
  t.Derive("variance_ytd", Derivation::Difference("actual_ytd", "plan_ytd"));
  t.Derive("variance_pct", Derivation::Ratio("variance_ytd", "plan_ytd"));
  t.Derive("volume_variance", Derivation::DifferenceAtRate("actual_ytd_activity", "plan_ytd_activity", "plan_ytd",
                                                           "plan_ytd_activity", "variance_ytd"));
  Derivation price = Derivation::Difference("variance_ytd", "volume_variance");
  price.total_is_sum = true;
  t.Derive("price_variance", std::move(price));
}

}  // namespace

report::ReportTable MonitoringTable(const Monitoring& m, const ViewScope& s) {
  report::ReportTable t("Contract monitoring", MonitoringColumns(true));
  DeclareDerived(t, true);
  const size_t n = t.columns.size();
  MonitoringLine all;
  int64_t all_rules = 0;
  for (const ContractMonitoring& cm : m.contracts) {
    const std::string name = ProviderName(s, cm.provider);
    const size_t first = t.rows.size();
    for (const MonitoringLine& l : cm.lines) t.AddRow(LineCells(cm, name, PodLabel(l), l, true));
    int64_t rules = 0;
    if (cm.readmissions_withheld_pence != 0) {
      t.AddRow(RuleCells(cm, name, "READM", -cm.readmissions_withheld_pence, cm.readmissions_withheld_spells, n));
      rules -= cm.readmissions_withheld_pence;
    }
    if (cm.mret_reduction_pence != 0) {
      // Computed from the emergency lines' £: for disclosure it is a
      // subtotal of them, hidden where one of them is.
      t.AddRow(RuleCells(cm, name, "MRET", -cm.mret_reduction_pence, std::nullopt, n));
      t.MarkLastRowSubtotalFrom(first);
      rules -= cm.mret_reduction_pence;
    }
    MonitoringLine total = cm.total;
    total.actual_ytd.pence += rules;
    // Net of the rules, like the actual beside them.
    total.forecast_run_rate.pence += cm.rules_forecast_pence;
    total.forecast_profiled.pence += cm.rules_forecast_pence;
    t.AddRow(LineCells(cm, name, "TOTAL", total, true, /*money_only=*/true));
    t.MarkLastRowSubtotalFrom(first);
    all.plan_month += cm.total.plan_month;
    all.actual_month += cm.total.actual_month;
    all.plan_ytd += cm.total.plan_ytd;
    all.actual_ytd += cm.total.actual_ytd;
    all.plan_year += cm.total.plan_year;
    all.volume_variance_pence += cm.total.volume_variance_pence;
    all.price_variance_pence += cm.total.price_variance_pence;
    all.forecast_run_rate += total.forecast_run_rate;
    all.forecast_profiled += total.forecast_profiled;
    all_rules += rules;
  }
  if (!m.contracts.empty()) {
    ContractMonitoring label;
    all.actual_ytd.pence += all_rules;
    std::vector<Cell> r = LineCells(label, "", "ALL", all, true, /*money_only=*/true);
    r[0] = Cell::Text(s.commissioner_label);
    r[1] = Cell::Text("ALL");
    t.AddRow(std::move(r));
    t.MarkLastRowSubtotalFrom(0);
  }
  t.notes.push_back("Commissioner " + s.commissioner_label + ", " + Period(s) +
                    ". YTD = April to the month reported. Spells count in the month of discharge.");
  t.notes.push_back(
      "READM: emergency readmissions within 30 days of an elective spell, not paid (actual activity = the spells "
      "withheld, already counted in their POD). MRET: emergency income above the "
      "contract baseline paid at the marginal rate. TOTAL and ALL rows show actual £ after these rules; volume + price "
      "variance + rules = variance. NP = activity with no national price (£0), one line per kind of record "
      "(spells, appointments, attendances). TOTAL and ALL rows total money only: "
      "spells, appointments and attendances do not add up (the summary totals each).");
  t.notes.push_back("Forecast outturn: run rate = YTD × 12 ÷ months; profiled = YTD ÷ the plan profile's share of the "
                    "year to date; on TOTAL and ALL rows net of READM and MRET at their run rate (docs/monitoring.md).");
  if (m.contracts.empty()) t.notes.push_back("No contracts are loaded for this year: see csu contracts load.");
  return t;
}

Result<RagThresholds> ParseRagThresholds(std::string_view text) {
  const std::vector<std::string_view> parts = Split(text, ',');
  if (parts.size() != 2) return Error{"--rag", "two thresholds in per cent, amber then red, such as 2,5"};
  RagThresholds t;
  int64_t* out[2] = {&t.amber_basis_points, &t.red_basis_points};
  for (size_t i = 0; i < 2; ++i) {
    auto bp = ParseScaled(Trim(parts[i]), 2);
    if (!bp || *bp < 0 || *bp > 1'000'000)
      return Error{"--rag", "\"" + std::string(Trim(parts[i])) + "\" is not a per cent from 0 to 10,000 with at most "
                                                                     "two decimals"};
    *out[i] = *bp;
  }
  if (t.amber_basis_points >= t.red_basis_points)
    return Error{"--rag", "the amber threshold must be below the red one (amber,red)"};
  return t;
}

std::string RagStatus(int64_t variance, int64_t plan, const RagThresholds& t) {
  if (plan == 0) return variance == 0 ? "Green" : "Red";
  // |variance| ÷ |plan| against basis points, exactly: |variance| × 10,000
  // against bp × |plan| (pence below 2^63 ÷ 10^4: £9 × 10^12, no overflow).
  const Int128 v = variance < 0 ? -static_cast<Int128>(variance) : variance;
  const Int128 p = plan < 0 ? -static_cast<Int128>(plan) : plan;
  if (v * 10'000 >= p * t.red_basis_points) return "Red";
  if (v * 10'000 >= p * t.amber_basis_points) return "Amber";
  return "Green";
}

report::ReportTable MonitoringSummaryTable(const Monitoring& m, const ViewScope& s, const RagThresholds& rag) {
  // One CCG's page shows one CCG: its code is in the title, not in a column
  // the summary has no width for. The whole CSU's names each row's CCG.
  const bool one_ccg = s.commissioner.has_value();
  std::vector<Column> cols;
  if (!one_ccg) cols.push_back({"commissioner", ColumnType::kText, "CCG"});
  for (Column c : std::vector<Column>{{"provider", ColumnType::kText, "Provider"},
                                      {"provider_name", ColumnType::kText, "Provider name"},
                                      {"plan_ytd", ColumnType::kMoney, "Plan £ (YTD)"},
                                      {"actual_ytd", ColumnType::kMoney, "Actual £ (YTD, after rules)"},
                                      {"variance_ytd", ColumnType::kMoney, "Variance £ (YTD)"},
                                      {"variance_pct", ColumnType::kPercent, "Variance %", 1},
                                      {"forecast", ColumnType::kMoney, "Forecast outturn £"},
                                      {"plan_year", ColumnType::kMoney, "Annual plan £"},
                                      {"forecast_variance", ColumnType::kMoney, "Forecast variance £"},
                                      {"status", ColumnType::kText, "Status"},
                                      {"spells_ytd", ColumnType::kCount, "Spells (YTD)"},
                                      {"appointments_ytd", ColumnType::kCount, "Outpatient appts (YTD)"},
                                      {"attendances_ytd", ColumnType::kCount, "A&E attendances (YTD)"}})
    cols.push_back(std::move(c));
  report::ReportTable t("Contract monitoring summary", std::move(cols));
  using report::Derivation;
  t.Derive("variance_ytd", Derivation::Difference("actual_ytd", "plan_ytd"));
  t.Derive("variance_pct", Derivation::Ratio("variance_ytd", "plan_ytd"));
  t.Derive("forecast_variance", Derivation::Difference("forecast", "plan_year"));
  auto row_of = [&](const std::string& ccg, const std::string& provider, const std::string& name, int64_t plan,
                    int64_t actual, int64_t forecast, int64_t plan_year, int64_t spells, int64_t appointments,
                    int64_t attendances) {
    std::vector<Cell> r;
    if (!one_ccg) r.push_back(Cell::Text(ccg));
    r.push_back(Cell::Text(provider));
    r.push_back(Cell::Text(name));
    r.push_back(Cell::Pence(plan));
    r.push_back(Cell::Pence(actual));
    r.push_back(Cell::Pence(actual - plan));
    r.push_back(plan == 0 ? Cell{} : Cell::Real(double(actual - plan) / double(plan)));
    r.push_back(Cell::Pence(forecast));
    r.push_back(Cell::Pence(plan_year));
    r.push_back(Cell::Pence(forecast - plan_year));
    r.push_back(Cell::Text(RagStatus(actual - plan, plan, rag)));
    r.push_back(Cell::Count(spells));
    r.push_back(Cell::Count(appointments));
    r.push_back(Cell::Count(attendances));
    return r;
  };
  int64_t plan = 0, actual = 0, forecast = 0, plan_year = 0;
  for (const ContractMonitoring& cm : m.contracts) {
    int64_t spells = 0, appointments = 0, attendances = 0;
    for (const MonitoringLine& l : cm.lines) {
      // Each currency apart, not-priced lines (NP, £0) by their kind of
      // record; an NP line mixing kinds (a contract with an NP plan line)
      // is in none of them: its records are on the POD lines.
      if (l.not_priced_kind) {
        if (*l.not_priced_kind == RecordKind::kSpell) spells += l.actual_ytd.activity;
        else if (*l.not_priced_kind == RecordKind::kAppointment) appointments += l.actual_ytd.activity;
        else attendances += l.actual_ytd.activity;
      } else if (l.pod == pricing::Pod::kAe) {
        attendances += l.actual_ytd.activity;
      } else if (l.pod >= pricing::Pod::kOpFirst && l.pod <= pricing::Pod::kOpProcedure) {
        appointments += l.actual_ytd.activity;
      } else if (l.pod != pricing::Pod::kNone) {
        spells += l.actual_ytd.activity;
      }
    }
    const int64_t f = cm.total.forecast_profiled.pence + cm.rules_forecast_pence;
    t.AddRow(row_of(cm.commissioner.ToString(), cm.provider.ToString(), ProviderName(s, cm.provider),
                    cm.total.plan_ytd.pence, cm.payable_ytd_pence(), f, cm.total.plan_year.pence, spells,
                    appointments, attendances));
    plan += cm.total.plan_ytd.pence;
    actual += cm.payable_ytd_pence();
    forecast += f;
    plan_year += cm.total.plan_year.pence;
  }
  if (!m.contracts.empty()) {
    t.AddTotalRow("ALL");
    // The total row's derived figures and status, from its own totals.
    const size_t all = t.rows.size() - 1;
    std::vector<Cell>& r = t.rows[all];
    r[t.ColumnIndex("variance_pct")] = plan == 0 ? Cell{} : Cell::Real(double(actual - plan) / double(plan));
    r[t.ColumnIndex("status")] = Cell::Text(RagStatus(actual - plan, plan, rag));
  }
  auto pct = [](int64_t bp) {
    std::string text = std::to_string(bp / 100);
    if (const int64_t hundredths = bp % 100; hundredths != 0) {
      text += "." + std::string(hundredths < 10 ? "0" : "") + std::to_string(hundredths);
      if (text.back() == '0') text.pop_back();
    }
    return text + "%";
  };
  t.notes.push_back("Commissioner " + s.commissioner_label + ", " + Period(s) +
                    ". One row per contract; YTD = April to the month reported. Actual £ is payable: after 30-day "
                    "readmissions and MRET. Forecast outturn is profiled and net of those rules (docs/monitoring.md).");
  t.notes.push_back("Status by the variance to date as a share of plan, over or under: Green below " +
                    pct(rag.amber_basis_points) + ", Amber from " + pct(rag.amber_basis_points) + ", Red from " +
                    pct(rag.red_basis_points) + " (no plan: Red if any spend).");
  t.notes.push_back("Activity is counted in its own currency: spells, outpatient appointments and A&E attendances "
                    "never add up; activity with no national price (NP, £0) counts in its own kind's column.");
  if (m.contracts.empty()) t.notes.push_back("No contracts are loaded for this year: see csu contracts load.");
  return t;
}

report::ReportTable NonContractTable(const Monitoring& m, const ViewScope& s) {
  report::ReportTable t("Non-contract activity", MonitoringColumns(false));
  MonitoringLine all;
  for (const ContractMonitoring& cm : m.non_contract) {
    const std::string name = ProviderName(s, cm.provider);
    for (const MonitoringLine& l : cm.lines) t.AddRow(LineCells(cm, name, PodLabel(l), l, false));
    all.actual_month += cm.total.actual_month;
    all.actual_ytd += cm.total.actual_ytd;
    all.forecast_run_rate += cm.total.forecast_run_rate;
  }
  if (!m.non_contract.empty()) {
    ContractMonitoring label;
    std::vector<Cell> r = LineCells(label, "", "ALL", all, false, /*money_only=*/true);
    r[0] = Cell::Text(s.commissioner_label);
    r[1] = Cell::Text("ALL");
    t.AddRow(std::move(r));
    t.MarkLastRowSubtotalFrom(0);
  }
  t.notes.push_back("Commissioner " + s.commissioner_label + ", " + Period(s) +
                    ". Activity with providers the commissioner holds no contract with for the year (NCA), "
                    "largest first; invoiced at national tariff. The ALL row totals money only: spells, appointments "
                    "and attendances do not add up.");
  return t;
}

report::ReportTable ChallengesTable(const Challenges& c, const std::map<std::string, contracts::ChallengeLogEntry>& log,
                                    const ViewScope& s) {
  report::ReportTable t("Challenges", {{"id", ColumnType::kText, "Challenge"},
                                       {"commissioner", ColumnType::kText, "CCG"},
                                       {"provider", ColumnType::kText, "Provider"},
                                       {"rule", ColumnType::kText, "Rule"},
                                       {"kind", ColumnType::kText, "Kind"},
                                       {"date", ColumnType::kText, "Date"},
                                       {"month", ColumnType::kInteger, "Month"},
                                       {"code", ColumnType::kText, "HRG / TFC"},
                                       // Money and status before the long texts, so a
                                       // 1366 px screen shows them beside the row's codes.
                                       {"at_stake", ColumnType::kMoney, "£ at stake"},
                                       {"status", ColumnType::kText, "Status"},
                                       {"reason", ColumnType::kText, "Reason"},
                                       {"status_note", ColumnType::kText, "Status note"}});
  std::map<std::string, std::pair<int64_t, int64_t>> by_rule;
  for (const Challenge& ch : c.items) {
    auto it = log.find(ch.id);
    const std::string status = it == log.end() ? "raised" : std::string(contracts::StatusName(it->second.status));
    t.AddRow({Cell::Text(ch.id), Cell::Text(ch.commissioner.ToString()), Cell::Text(ch.provider.ToString()),
              Cell::Text(std::string(RuleName(ch.rule))),
              Cell::Text(ch.kind ? std::string(ingest::KindName(*ch.kind)) : "aggregate"),
              Cell::Text(ch.month ? ch.date.ToString() : ""), ch.month ? Cell::Integer(ch.month) : Cell{},
              Cell::Text(ch.hrg), Cell::Pence(ch.at_stake_pence), Cell::Text(status), Cell::Text(ch.reason),
              Cell::Text(it == log.end() ? "" : it->second.note)});
    by_rule[std::string(RuleName(ch.rule))].first += 1;
    by_rule[std::string(RuleName(ch.rule))].second += ch.at_stake_pence;
  }
  t.notes.push_back("Commissioner " + s.commissioner_label + ", " + s.year.ToString() + " to month " +
                    std::to_string(s.month) + ". " + std::to_string(c.items.size()) + " challenges, " +
                    Money::FromPence(c.total_at_stake_pence).ToString() + " at stake.");
  for (const auto& [rule, v] : by_rule)
    t.notes.push_back("  " + rule + ": " + std::to_string(v.first) + ", " + Money::FromPence(v.second).ToString());
  t.notes.push_back("Set a status with: csu challenges set --data DIR ID agreed|rejected|raised --note TEXT");
  return t;
}

report::ReportTable ChallengeSummaryTable(const Challenges& c, const ViewScope& s) {
  report::ReportTable t("Challenges", {{"commissioner", ColumnType::kText, "CCG"},
                                       {"provider", ColumnType::kText, "Provider"},
                                       {"rule", ColumnType::kText, "Rule"},
                                       {"challenges", ColumnType::kCount, "Challenges"},
                                       {"at_stake", ColumnType::kMoney, "£ at stake"}});
  std::map<std::tuple<std::string, std::string, std::string>, std::pair<int64_t, int64_t>> by;
  for (const Challenge& ch : c.items) {
    auto& x = by[{ch.commissioner.ToString(), ch.provider.ToString(), std::string(RuleName(ch.rule))}];
    x.first += 1;
    x.second += ch.at_stake_pence;
  }
  for (const auto& [key, x] : by)
    t.AddRow({Cell::Text(std::get<0>(key)), Cell::Text(std::get<1>(key)), Cell::Text(std::get<2>(key)),
              Cell::Count(x.first), Cell::Pence(x.second)});
  t.AddTotalRow("Total");
  t.notes.push_back("Commissioner " + s.commissioner_label + ", " + s.year.ToString() + " to month " +
                    std::to_string(s.month) + ". Challenges by provider and rule (docs/monitoring.md).");
  return t;
}

}  // namespace csu::analytics
