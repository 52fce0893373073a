#include "primarycare/payment_schedule.h"

#include <map>
#include <set>

#include "core/text.h"

namespace csu::primarycare {
namespace {

std::string AspirationDescription(const std::string& year) { return "QOF aspiration payment " + year; }

Money P(int64_t pence) { return Money::FromPence(pence); }

}  // namespace

int64_t Schedule::total_pence() const {
  int64_t t = 0;
  for (const ScheduleLine& l : lines) t += l.amount_pence;
  return t;
}

std::string QofYearOf(ledger::LedgerPeriod month) { return month.year.ToString(); }

std::string ScheduleJournalCode(ledger::LedgerPeriod month) { return "PCS-" + month.ToString(); }

Result<Schedule> BuildSchedule(PcStore& store, const GlobalSumRates& rates, EnhancedServiceSource* enhanced,
                               const std::string& ccg_in, ledger::LedgerPeriod month) {
  Schedule s;
  s.ccg = ToUpper(ccg_in);
  s.month = month;
  CSU_ASSIGN_OR_RETURN(posted, store.FindPosting(s.ccg, month));
  if (posted) {
    CSU_ASSIGN_OR_RETURN(lines, store.PostedLines(s.ccg, month));
    s.lines = std::move(lines);
    s.posted = true;
    s.journal = posted->journal;
    return s;
  }
  CSU_ASSIGN_OR_RETURN(practices, store.Practices(s.ccg));
  if (practices.empty()) return MakeError("CCG " + s.ccg, "has no practices here (csu primary-care practices add)");
  const Date first = month.first_day();
  const std::string qof_year = QofYearOf(month);
  // The balancing payment of the QOF year before falls due from June
  // (month 3) of the next year.
  const std::string prior_year =
      month.month >= 3 ? FinancialYear::Of(month.year.first_day().AddDays(-1)).ToString() : std::string();

  std::map<std::string, std::vector<ScheduleLine>> enhanced_by_practice;
  if (enhanced != nullptr) {
    CSU_ASSIGN_OR_RETURN(lines, enhanced->ApprovedClaimLines(s.ccg, month));
    std::set<std::string> ours;
    for (const PracticeRow& p : practices) ours.insert(p.code);
    for (ScheduleLine& l : lines) {
      const std::string where = "enhanced services " + s.ccg + " " + month.ToString();
      if (!ours.count(l.practice)) return MakeError(where, "a claim line names practice " + l.practice + ", not one of the CCG's");
      if (l.kind != LineKind::kEnhancedService || l.month != month)
        return MakeError(where, "a claim line for " + l.practice + " is not an enhanced service line of the month");
      enhanced_by_practice[l.practice].push_back(std::move(l));
    }
  }
  CSU_ASSIGN_OR_RETURN(adjustments, store.Adjustments(s.ccg, month));
  std::map<std::string, std::vector<const Adjustment*>> adjustments_by_practice;
  for (const Adjustment& a : adjustments) adjustments_by_practice[a.practice].push_back(&a);

  for (const PracticeRow& p : practices) {
    auto add = [&](LineKind kind, std::string description, int64_t pence, std::string explanation) {
      s.lines.push_back({p.code, month, kind, std::move(description), pence, std::move(explanation)});
    };
    // Global sum: GMS and PMS contracts in force on the month's first day.
    CSU_ASSIGN_OR_RETURN(contract, store.ContractOn(p.code, first));
    if (contract && contract->type != ContractType::kApms) {
      CSU_ASSIGN_OR_RETURN(rate, rates.For(month.year));
      CSU_ASSIGN_OR_RETURN(list, store.ListSizeFor(p.code, first));
      if (!list)
        return MakeError("practice " + p.code, "has a " + std::string(ContractTypeName(contract->type)) +
                                                   " contract but no list size for the quarter from " +
                                                   QuarterStart(first).ToString() +
                                                   " (csu primary-care lists load)");
      const GlobalSumMonth g = CalculateGlobalSumMonth(list->weighted_millionths, list->registered, rate, month,
                                                       list->quarter);
      add(LineKind::kGlobalSum, "Global sum " + month.ToString() + " (" +
                                    std::string(ContractTypeName(contract->type)) + ")",
          g.amount.pence(), g.explanation);
    }
    // QOF aspiration for this QOF year.
    CSU_ASSIGN_OR_RETURN(qof, store.FindQofYear(p.code, qof_year));
    if (qof && qof->aspiration_monthly_pence) {
      add(LineKind::kQofAspiration, AspirationDescription(qof_year), *qof->aspiration_monthly_pence,
          "month " + std::to_string(month.month) + " of 12: " + P(*qof->aspiration_annual_pence).ToString() +
              " a year ÷ 12 = " + P(*qof->aspiration_monthly_pence).ToString() + " (" + qof->aspiration_explanation +
              ")");
    }
    // QOF balancing for the year before, once its achievement is stored.
    if (!prior_year.empty()) {
      CSU_ASSIGN_OR_RETURN(prior, store.FindQofYear(p.code, prior_year));
      CSU_ASSIGN_OR_RETURN(done, store.BalancingPosted(p.code, prior_year));
      if (prior && prior->achievement_pence && !done) {
        CSU_ASSIGN_OR_RETURN(paid, store.SumPosted(p.code, LineKind::kQofAspiration, AspirationDescription(prior_year)));
        const int64_t balancing = *prior->achievement_pence - paid.pence;
        add(LineKind::kQofBalancing, BalancingDescription(prior_year), balancing,
            "achievement " + P(*prior->achievement_pence).ToString() + " (" + prior->achievement_explanation +
                ") less aspiration paid " + P(paid.pence).ToString() + " in " + std::to_string(paid.lines) +
                " posted month" + (paid.lines == 1 ? "" : "s") + " = " + P(balancing).ToString() +
                (balancing < 0 ? " (recovered from the practice)" : ""));
      }
    }
    for (ScheduleLine& l : enhanced_by_practice[p.code]) s.lines.push_back(std::move(l));
    for (const Adjustment* a : adjustments_by_practice[p.code])
      add(a->kind, a->description, a->amount_pence,
          std::string(a->kind == LineKind::kDeduction ? "deduction" : "agreed payment") + " of " +
              P(a->amount_pence).ToString() + ": " + a->reason + " (" + a->source + ")");
  }
  return s;
}

report::ReportTable ScheduleTable(const Schedule& s) {
  using report::Cell;
  using report::ColumnType;
  report::ReportTable t{"Primary care payment schedule " + s.ccg + " " + s.month.ToString(),
                        {{"practice_code", ColumnType::kText, "Practice"},
                         {"kind", ColumnType::kText, "Kind"},
                         {"description", ColumnType::kText, "Payment"},
                         {"amount", ColumnType::kMoney, "Amount"},
                         {"explanation", ColumnType::kText, "How it was worked out"}}};
  size_t first = 0;
  for (size_t i = 0; i < s.lines.size(); ++i) {
    const ScheduleLine& l = s.lines[i];
    t.AddRow({Cell::Text(l.practice), Cell::Text(std::string(LineKindName(l.kind))), Cell::Text(l.description),
              Cell::Pence(l.amount_pence), Cell::Text(l.explanation)});
    if (i + 1 == s.lines.size() || s.lines[i + 1].practice != l.practice) {
      int64_t sum = 0;
      for (size_t k = first; k <= i; ++k) sum += s.lines[k].amount_pence;
      t.AddRow({Cell::Text(l.practice), Cell::Text("total"), Cell::Text("Total for " + l.practice), Cell::Pence(sum),
                Cell::Text("sum of " + std::to_string(i + 1 - first) + " line" + (i == first ? "" : "s"))});
      t.MarkLastRowSubtotalFrom(t.rows.size() - (i + 1 - first) - 1);
      first = i + 1;
    }
  }
  t.AddTotalRow("Total for " + s.ccg);
  t.notes.push_back(s.posted ? "Posted to the CCG's ledger as journal " + std::to_string(s.journal) + "."
                             : "Not posted yet: finance posts it from the schedule page, or csu primary-care schedule-post.");
  t.notes.push_back("Rules and sources: docs/primary-care.md, \"Payment schedule\".");
  return t;
}

Result<ledger::Transaction> ScheduleJournal(const Schedule& s, const std::vector<ledger::Account>& chart,
                                            const std::vector<ledger::CostCentre>& cost_centres) {
  const std::string where = "schedule " + s.ccg + " " + s.month.ToString();
  for (const char* name : {kPrimaryCareExpense, kPracticePayables}) {
    bool found = false;
    for (const ledger::Account& a : chart) found = found || a.name == name;
    if (!found) return MakeError(where, std::string("the CCG's chart has no account ") + name);
  }
  bool cc = false;
  for (const ledger::CostCentre& c : cost_centres) cc = cc || c.code == kPrimaryCareCostCentre;
  if (!cc) return MakeError(where, std::string("the CCG's chart has no cost centre ") + kPrimaryCareCostCentre);
  ledger::Transaction t;
  t.date = s.month.last_day();
  t.code = ScheduleJournalCode(s.month);
  t.description = "Primary care payment schedule " + s.ccg + " " + s.month.ToString();
  // Practice → kind → sum, in practice order then the kinds' order.
  std::map<std::string, std::map<LineKind, int64_t>> sums;
  std::vector<std::string> order;
  for (const ScheduleLine& l : s.lines) {
    if (!sums.count(l.practice)) order.push_back(l.practice);
    sums[l.practice][l.kind] += l.amount_pence;
  }
  for (const std::string& practice : order) {
    int64_t net = 0;
    for (const auto& [kind, pence] : sums[practice]) {
      if (pence == 0) continue;
      t.postings.push_back({kPrimaryCareExpense, Money::FromPence(pence), kPrimaryCareCostCentre, practice,
                            std::string(LineKindName(kind))});
      net += pence;
    }
    if (net != 0) t.postings.push_back({kPracticePayables, Money::FromPence(-net), "", practice, "payment schedule"});
  }
  if (t.postings.empty()) return MakeError(where, "nothing to post: every line is zero");
  if (Status b = ledger::CheckBalanced(t, where); !b.ok()) return b.error();
  return t;
}

}  // namespace csu::primarycare
