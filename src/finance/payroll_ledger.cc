#include "finance/payroll_ledger.h"

#include <cstdio>
#include <map>

#include "payroll/bank_file.h"

namespace csu::finance {
namespace {

bool Has(const std::vector<ledger::Account>& chart, const std::string& name) {
  for (const ledger::Account& a : chart)
    if (a.name == name) return true;
  return false;
}

// A CCG's running-cost staff accounts; its budget for pay may sit on the
// general pay account beside them, which the pay cost budget counts too.
constexpr const char* kCcgGeneralPay = "expenses:running-costs:pay";

}  // namespace

PayrollAccounts PayrollAccountsFor(const std::vector<ledger::Account>& chart) {
  PayrollAccounts a;
  if (!Has(chart, a.salaries) && Has(chart, "expenses:running-costs:staff-salaries")) {
    a.salaries = "expenses:running-costs:staff-salaries";
    a.employer_ni = "expenses:running-costs:staff-employer-ni";
    a.employer_pension = "expenses:running-costs:staff-employer-pension";
  }
  return a;
}

Result<PayRunPosting> PostPayRun(payroll::PayrollStore& payroll, ledger::LedgerStore& ledger, int64_t run_id,
                                 const ledger::OrgDirectory& orgs, const payroll::Actor& actor) {
  const std::string where = "pay run " + std::to_string(run_id);
  CSU_ASSIGN_OR_RETURN(run, payroll.FindRun(run_id));
  if (!run) return MakeError(where, "no such pay run");
  if (run->state != payroll::RunState::kApproved)
    return MakeError(where, "is calculated, not final: only an approved (final) run is posted to the ledger");
  CSU_ASSIGN_OR_RETURN(had, payroll.FindPosting(run_id));
  if (had)
    return MakeError(where, "was posted already as journal " + std::to_string(had->journal) + " of " + had->entity +
                                "'s ledger; a run posts once: correct it with a reversal in the ledger");
  auto entity = ledger.GetEntity(run->employer);
  if (!entity.ok())
    return MakeError(where, "employer " + run->employer + " has no ledger here (csu ledger entity add --entity " +
                                run->employer + ")");
  CSU_ASSIGN_OR_RETURN(chart, ledger.Accounts(entity.value().code));
  CSU_ASSIGN_OR_RETURN(result, payroll.RunResult(run_id));
  if (result.payslips.empty()) return MakeError(where, "has no payslips");
  const std::string reference = payroll::RunReference(result);
  const Date pay_date = result.payslips.front().pay_date;
  CSU_ASSIGN_OR_RETURN(txn, PayRunJournal(result, reference, pay_date, chart, PayrollAccountsFor(chart)));

  PayRunPosting out;
  out.reference = reference;
  for (const ledger::Posting& p : txn.postings)
    if (p.amount > Money()) out.debits += p.amount;
  // An earlier call that raised the journal and stopped before recording it.
  const Date month_start = Date::FromYmd(pay_date.year(), pay_date.month(), 1);
  const Date month_end = Date::FromYmd(pay_date.year(), pay_date.month(), Date::DaysInMonth(pay_date.year(), pay_date.month()));
  CSU_ASSIGN_OR_RETURN(month, ledger.Journals(entity.value().code, month_start, month_end));
  for (const ledger::Journal& j : month) {
    if (j.txn.code == reference && j.kind == ledger::JournalKind::kImport && j.reverses == 0) {
      out.journal = j.number;
      out.batch = j.batch;
      out.pending = !j.posted;
      out.recovered = true;
    }
  }
  if (!out.recovered) {
    CSU_ASSIGN_OR_RETURN(b, ledger.Raise(entity.value().code, {txn},
                                         {ledger::JournalKind::kImport,
                                          "pay run " + std::to_string(run_id) + " (" + run->tax_year + " period " +
                                              std::to_string(run->period) + ")",
                                          "payroll run " + std::to_string(run_id)},
                                         orgs, {actor.at, actor.by}));
    if (b.numbers.size() != 1) return MakeError(where, "the ledger raised an unexpected number of journals");
    out.journal = b.numbers[0];
    out.batch = b.batch;
    out.pending = b.pending;
  }
  payroll::RunPosting rec{run_id, entity.value().code, out.journal, out.batch, out.pending, actor.at, actor.by};
  if (Status s = payroll.RecordPosting(rec, actor); !s.ok()) return s.error();
  return out;
}

Result<report::ReportTable> PayCostTable(ledger::LedgerStore& ledger, const std::string& entity, FinancialYear year) {
  CSU_ASSIGN_OR_RETURN(e, ledger.GetEntity(entity));
  CSU_ASSIGN_OR_RETURN(chart, ledger.Accounts(e.code));
  const PayrollAccounts a = PayrollAccountsFor(chart);
  enum Part { kSalaries, kEmployerNi, kEmployerPension };
  std::map<std::string, Part> actual_accounts{
      {a.salaries, kSalaries}, {a.employer_ni, kEmployerNi}, {a.employer_pension, kEmployerPension}};
  struct Sums {
    int64_t budget = 0, part[3] = {0, 0, 0};
    bool any = false;
  };
  std::map<std::pair<std::string, int>, Sums> cells;  // cost centre × month (1 = April)
  CSU_ASSIGN_OR_RETURN(budget, ledger.Budget(e.code, year));
  for (const ledger::BudgetLine& l : budget.lines) {
    if (!actual_accounts.count(l.account) && !(l.account == kCcgGeneralPay && a.salaries != PayrollAccounts{}.salaries))
      continue;
    for (int m = 0; m < 12; ++m) {
      if (l.months[m] == 0) continue;
      Sums& c = cells[{l.cost_centre, m + 1}];
      c.budget += l.months[m];
      c.any = true;
    }
  }
  CSU_ASSIGN_OR_RETURN(actuals, ledger.Actuals(e.code, year));
  for (const ledger::BudgetLine& l : actuals) {
    auto it = actual_accounts.find(l.account);
    if (it == actual_accounts.end()) continue;
    for (int m = 0; m < 12; ++m) {
      if (l.months[m] == 0) continue;
      Sums& c = cells[{l.cost_centre, m + 1}];
      c.part[it->second] += l.months[m];
      c.any = true;
    }
  }
  using report::Cell;
  using report::ColumnType;
  report::ReportTable t;
  t.title = "Pay cost against budget, " + year.ToString();
  t.columns = {{"cost_centre", ColumnType::kText, "Cost centre"},
               {"month", ColumnType::kText, "Month"},
               {"budget", ColumnType::kMoney, "Budget"},
               {"salaries", ColumnType::kMoney, "Salaries"},
               {"employer_ni", ColumnType::kMoney, "Employer NI"},
               {"employer_pension", ColumnType::kMoney, "Employer pension"},
               {"actual", ColumnType::kMoney, "Actual pay cost"},
               {"variance", ColumnType::kMoney, "Variance (budget − actual)"}};
  for (const auto& [key, c] : cells) {
    if (!c.any) continue;
    const auto& [cc, m] = key;
    int month = 3 + m, y = year.start_year();
    if (month > 12) month -= 12, ++y;
    char label[24];
    std::snprintf(label, sizeof label, "%04d-%02d", y, month);
    const int64_t actual = c.part[0] + c.part[1] + c.part[2];
    t.AddRow({Cell::Text(cc.empty() ? "(none)" : cc), Cell::Text(label), Cell::Pence(c.budget), Cell::Pence(c.part[0]),
              Cell::Pence(c.part[1]), Cell::Pence(c.part[2]), Cell::Pence(actual), Cell::Pence(c.budget - actual)});
  }
  t.AddTotalRow("Total");
  t.notes.push_back("Actual: the ledger's posted journals on " + a.salaries + ", " + a.employer_ni + " and " +
                    a.employer_pension +
                    " (the pay runs posted with csu payroll run post, and any other journal to them), year-end closes "
                    "left out. Budget: the approved budget with its virements on the same accounts" +
                    std::string(a.salaries != PayrollAccounts{}.salaries ? " and on " + std::string(kCcgGeneralPay) : "") +
                    ". Variance: budget − actual; positive is an underspend.");
  return t;
}

}  // namespace csu::finance
