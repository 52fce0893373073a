#include "finance/accruals.h"

namespace csu::finance {

Result<std::vector<AccrualLine>> ProposeAccruals(const analytics::Monitoring& m, ledger::LedgerStore& db,
                                                 const std::string& entity, ledger::LedgerPeriod period) {
  CSU_ASSIGN_OR_RETURN(e, db.GetEntity(entity));
  if (m.year != period.year || m.month != period.month)
    return MakeError(e.code + " " + period.ToString(), "the monitoring given is of another month");
  std::vector<AccrualLine> out;
  for (const auto* list : {&m.contracts, &m.non_contract}) {
    for (const analytics::ContractMonitoring& c : *list) {
      if (std::string(c.commissioner.view()) != e.code) continue;
      AccrualLine l;
      l.provider = std::string(c.provider.view());
      l.has_contract = c.has_contract;
      l.actual_ytd = Money::FromPence(c.total.actual_ytd.pence);
      l.withheld_readmissions = Money::FromPence(c.readmissions_withheld_pence);
      l.mret_reduction = Money::FromPence(c.mret_reduction_pence);
      l.payable = Money::FromPence(c.payable_ytd_pence());
      CSU_ASSIGN_OR_RETURN(spent, db.SpendWith(e.code, l.provider, period.year.first_day(), period.last_day()));
      l.spent = spent;
      l.accrual = l.payable - l.spent;
      l.figure = std::string(c.has_contract ? "contract" : "non-contract activity") + " monitoring " +
                 period.year.ToString() + " month " + std::to_string(period.month) + " " + e.code + " x " +
                 l.provider + ", actual " + l.actual_ytd.ToString() + " less readmissions " +
                 l.withheld_readmissions.ToString() + " less MRET " + l.mret_reduction.ToString() + " = payable " +
                 l.payable.ToString() + ", less spent " + l.spent.ToString();
      out.push_back(std::move(l));
    }
  }
  return out;
}

report::ReportTable AccrualTable(const std::vector<AccrualLine>& lines, const std::string& entity,
                                 ledger::LedgerPeriod period) {
  using report::Cell;
  using report::ColumnType;
  report::ReportTable t{"Activity accruals", {{"provider", ColumnType::kText, "Provider"},
                                              {"contract", ColumnType::kText, "Contract"},
                                              {"actual_ytd", ColumnType::kMoney, "Actual to date"},
                                              {"readmissions", ColumnType::kMoney, "Readmissions withheld"},
                                              {"mret", ColumnType::kMoney, "MRET reduction"},
                                              {"payable", ColumnType::kMoney, "Payable to date"},
                                              {"spent", ColumnType::kMoney, "Spent to date"},
                                              {"accrual", ColumnType::kMoney, "Accrual"},
                                              {"figure", ColumnType::kText, "From"}}};
  for (const AccrualLine& l : lines)
    t.AddRow({Cell::Text(l.provider), Cell::Text(l.has_contract ? "yes" : "no (NCA)"), Cell::Money(l.actual_ytd),
              Cell::Money(l.withheld_readmissions), Cell::Money(l.mret_reduction), Cell::Money(l.payable),
              Cell::Money(l.spent), Cell::Money(l.accrual), Cell::Text(l.figure)});
  t.AddTotalRow("Total");
  t.notes.push_back(entity + " " + period.ToString() + " (month " + std::to_string(period.month) + " of " +
                    period.year.ToString() + "): payable after contract rules less spent with the provider this year");
  return t;
}

Result<std::pair<ledger::Transaction, ledger::DocumentLink>> AccrualJournal(const std::vector<AccrualLine>& lines,
                                                                            const std::string& entity,
                                                                            ledger::LedgerPeriod period) {
  ledger::Transaction t;
  t.date = period.last_day();
  t.code = "ACCRUAL-" + period.ToString();
  t.description = "Activity accruals " + period.ToString() + " from contract monitoring";
  t.reverse_next_period = true;
  for (const AccrualLine& l : lines) {
    if (l.accrual == Money()) continue;
    t.postings.push_back({kAccrualExpense, l.accrual, "", l.provider, l.figure});
    t.postings.push_back({kAccruals, -l.accrual, "", l.provider, ""});
  }
  if (t.postings.empty()) return MakeError(entity + " " + period.ToString(), "every proposed accrual is £0.00");
  ledger::DocumentLink link;
  link.document = t.code;
  link.kind = ledger::DocumentType::kAccrual;
  link.side = ledger::DocumentSide::kPayable;
  link.date = link.due = t.date;
  return std::pair{std::move(t), std::move(link)};
}

}  // namespace csu::finance
