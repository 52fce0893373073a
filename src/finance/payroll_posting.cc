#include "finance/payroll_posting.h"

#include <map>

namespace csu::finance {
namespace {

struct CostCentreCost {
  Money gross, employer_ni, employer_pension;
};

}  // namespace

Result<ledger::Transaction> PayRunJournal(const payroll::PayRunResult& run, const std::string& reference, Date pay_date,
                                          const std::vector<ledger::Account>& chart, const PayrollAccounts& a) {
  if (run.payslips.empty()) return MakeError(reference, "the run has no payslips to post");
  for (const std::string* name : {&a.salaries, &a.employer_ni, &a.employer_pension, &a.hmrc, &a.nhs_pensions,
                                   &a.other_deductions, &a.net_pay}) {
    bool found = false;
    for (const ledger::Account& acc : chart) found = found || acc.name == *name;
    if (!found) return MakeError(reference, "the ledger's chart has no account " + *name + " (see data/ledger and docs/ledger.md)");
  }
  // Costs per cost centre, in cost-centre order (a map) so the journal reads
  // the same every time.
  std::map<std::string, CostCentreCost> costs;
  Money hmrc, pensions, other, net;
  for (const payroll::Payslip& s : run.payslips) {
    if (s.cost_centre.empty()) return MakeError("employee " + s.employee_id, "cost_centre: value missing");
    CostCentreCost& c = costs[s.cost_centre];
    c.gross += s.gross;
    c.employer_ni += s.employer_ni;
    c.employer_pension += s.employer_pension + s.pension_levy;
    hmrc += s.tax + s.employee_ni + s.employer_ni;
    pensions += s.employee_pension + s.employer_pension + s.pension_levy;
    other += s.other_deductions;
    net += s.net;
  }
  ledger::Transaction t;
  t.date = pay_date;
  t.code = reference;
  t.description = "Pay run " + reference + ": " + std::to_string(run.payslips.size()) + " payslips";
  for (const auto& [cc, c] : costs) {
    if (c.gross != Money()) t.postings.push_back({a.salaries, c.gross, cc, "", "gross pay"});
    if (c.employer_ni != Money()) t.postings.push_back({a.employer_ni, c.employer_ni, cc, "", "employer's Class 1 NI"});
    if (c.employer_pension != Money()) {
      t.postings.push_back({a.employer_pension, c.employer_pension, cc, "", "employer contribution and administration levy"});
    }
  }
  if (hmrc != Money()) t.postings.push_back({a.hmrc, -hmrc, "", "", "PAYE tax, employee and employer NI"});
  if (pensions != Money()) t.postings.push_back({a.nhs_pensions, -pensions, "", "", "member and employer contributions and levy"});
  if (other != Money()) t.postings.push_back({a.other_deductions, -other, "", "", "other deductions from pay"});
  if (net != Money()) t.postings.push_back({a.net_pay, -net, "", "", "net pay to staff"});
  if (Status ok = ledger::CheckBalanced(t, reference); !ok.ok()) return ok.error();
  return t;
}

}  // namespace csu::finance
