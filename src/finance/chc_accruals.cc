#include "finance/chc_accruals.h"

#include <map>

#include "finance/accruals.h"  // kAccruals

namespace csu::finance {
namespace {

Date MonthEnd(Date first) { return first.AddDays(Date::DaysInMonth(first.year(), first.month()) - 1); }
Date NextMonth(Date first) { return MonthEnd(first).AddDays(1); }

// The cost of one span within one calendar month, rounded once.
Money SpanInMonth(const chc::Span& s, Date month_first) {
  Date a = std::max(month_first, s.from);
  Date b = s.to ? std::min(MonthEnd(month_first), *s.to) : MonthEnd(month_first);
  if (b < a) return Money();
  return chc::CostForDays(*s.version, (b - a) + 1);
}

// CC400 × continuing-care actuals of months 1..m of the year.
Result<Money> ChcActual(ledger::LedgerStore& db, const std::string& entity, ledger::LedgerPeriod period) {
  CSU_ASSIGN_OR_RETURN(lines, db.Actuals(entity, period.year));
  int64_t pence = 0;
  for (const ledger::BudgetLine& l : lines) {
    if (l.cost_centre != kChcCostCentre || l.account != kChcExpense) continue;
    for (int32_t m = 1; m <= period.month; ++m) pence += l.months[m - 1];
  }
  return Money::FromPence(pence);
}

}  // namespace

Money ChcCostByMonths(const chc::Package& p, Date from, Date to) {
  Money total;
  for (const chc::Span& s : chc::Spans(p))
    for (Date m = from; m <= to; m = NextMonth(m)) total += SpanInMonth(s, m);
  return total;
}

std::string ChcAccrualDocument(ledger::LedgerPeriod period) { return "CHC-ACCRUAL-" + period.ToString(); }

Result<ChcAccrual> ProposeChcAccrual(const std::vector<chc::Package>& packages, ledger::LedgerStore& db,
                                     const std::string& entity, ledger::LedgerPeriod period) {
  CSU_ASSIGN_OR_RETURN(e, db.GetEntity(entity));
  if (e.kind != ledger::EntityKind::kCcg) return MakeError(e.code, "a CHC accrual is a CCG's");
  ChcAccrual a;
  a.entity = e.code;
  a.period = period;
  const Date month = period.first_day();
  std::map<std::string, ChcProviderCost> by;
  for (const chc::Package& p : packages) {
    if (p.ccg != e.code) continue;
    std::map<std::string, bool> live_in_month;  // provider -> a version of this package was live in the month
    for (const chc::Span& s : chc::Spans(p)) {
      ChcProviderCost& c = by[s.version->provider];
      c.provider = s.version->provider;
      for (Date m = period.year.first_day(); m <= month; m = NextMonth(m)) c.ytd_cost += SpanInMonth(s, m);
      Date a_from = std::max(month, s.from);
      Date a_to = s.to ? std::min(period.last_day(), *s.to) : period.last_day();
      if (a_from <= a_to) {
        c.month_cost += SpanInMonth(s, month);
        live_in_month[c.provider] = true;
      }
    }
    for (const auto& [provider, live] : live_in_month) by[provider].packages += live ? 1 : 0;
  }
  for (auto& [provider, c] : by) {
    if (c.ytd_cost == Money() && c.packages == 0) continue;
    a.cost_ytd += c.ytd_cost;
    a.providers.push_back(std::move(c));
  }
  CSU_ASSIGN_OR_RETURN(spent, ChcActual(db, e.code, period));
  a.spent_ytd = spent;
  a.accrual = a.cost_ytd - a.spent_ytd;
  return a;
}

report::ReportTable ChcAccrualTable(const ChcAccrual& a) {
  using report::Cell;
  using report::ColumnType;
  report::ReportTable t{"Continuing healthcare accrual", {{"provider", ColumnType::kText, "Provider"},
                                                         {"packages", ColumnType::kCount, "Packages live in month"},
                                                         {"month_cost", ColumnType::kMoney, "Cost of the month"},
                                                         {"ytd_cost", ColumnType::kMoney, "Cost to date"}}};
  for (const ChcProviderCost& c : a.providers)
    t.AddRow({Cell::Text(c.provider), Cell::Count(c.packages), Cell::Money(c.month_cost), Cell::Money(c.ytd_cost)});
  t.AddTotalRow("Total");
  t.notes.push_back(a.entity + " " + a.period.ToString() + " (month " + std::to_string(a.period.month) + " of " +
                    a.period.year.ToString() + "): package cost to date " + a.cost_ytd.ToString() + ", less " +
                    kChcCostCentre + " " + kChcExpense + " to date " + a.spent_ytd.ToString() + ", accrual " +
                    a.accrual.ToString());
  return t;
}

Result<Posting> ChcAccrualJournal(const ChcAccrual& a) {
  if (a.accrual == Money()) return MakeError(a.entity + " " + a.period.ToString(), "the CHC accrual is £0.00");
  Posting p;
  p.txn.date = a.period.last_day();
  p.txn.code = ChcAccrualDocument(a.period);
  p.txn.description = "Continuing healthcare accrual " + a.period.ToString() + " from live care packages";
  p.txn.reverse_next_period = true;
  const std::string figure = "CHC packages " + a.period.year.ToString() + " month " + std::to_string(a.period.month) +
                             ", cost to date " + a.cost_ytd.ToString() + " less booked to date " +
                             a.spent_ytd.ToString();
  p.txn.postings.push_back({kChcExpense, a.accrual, kChcCostCentre, "", figure});
  p.txn.postings.push_back({kAccruals, -a.accrual, "", "", ""});
  p.link.document = p.txn.code;
  p.link.kind = ledger::DocumentType::kAccrual;
  p.link.side = ledger::DocumentSide::kPayable;
  p.link.date = p.link.due = p.txn.date;
  return p;
}

Result<ChcForecast> ProposeChcForecast(const std::vector<chc::Package>& packages, ledger::LedgerStore& db,
                                       const std::string& entity, ledger::LedgerPeriod period) {
  CSU_ASSIGN_OR_RETURN(e, db.GetEntity(entity));
  if (e.kind != ledger::EntityKind::kCcg) return MakeError(e.code, "a CHC forecast is a CCG's");
  ChcForecast f;
  CSU_ASSIGN_OR_RETURN(actual, ChcActual(db, e.code, period));
  f.actual_ytd = actual;
  if (period.month < 12) {
    const Date from = period.Next().first_day();
    const Date to = period.year.MonthStart(12);
    for (const chc::Package& p : packages)
      if (p.ccg == e.code) f.committed += ChcCostByMonths(p, from, to);
  }
  f.outturn = f.actual_ytd + f.committed;
  CSU_ASSIGN_OR_RETURN(doc, db.FindDocument(e.code, ChcAccrualDocument(period)));
  f.month_accrued = doc.has_value();
  f.override_.month = period.month;
  f.override_.cost_centre = kChcCostCentre;
  f.override_.account = kChcExpense;
  f.override_.outturn = f.outturn;
  f.override_.note = "CHC: actual to " + period.ToString() + " " + f.actual_ytd.ToString() +
                     " + committed package cost to 31 March " + f.committed.ToString();
  return f;
}

}  // namespace csu::finance
