// Invariants of the pay run input reader and everything a run produces from
// it, over arbitrary bytes; shared by the pay_run_file fuzz target and the
// test that replays its corpus (src/payroll/pay_run_fuzz_corpus_test.cc).
// Header-only.
//
// CheckPayRunFile(data) parses the bytes as a period file (and, apart, as an
// employer file). A refusal must name the file (and line) or the employee and
// give a reason (that no personal value is quoted is pay_run_outputs_test's). An
// accepted file is calculated with the real rates; each payslip must add up
// (gross = net + tax + employee NI + member pension + other deductions, its
// lines explained), the run's totals must be the payslips' sums, and the
// bank file (100-character records, the contra the sum of the credits) and
// the FPS must be written or refused with a reason.
#pragma once

#include <cstdlib>
#include <string>
#include <string_view>

#include "payroll/bank_file.h"
#include "payroll/fps_xml.h"
#include "payroll/pay_run.h"
#include "payroll/pay_run_file.h"

namespace csu::fuzz {

inline const payroll::PayRunRates& PayRunFuzzRates() {
  static const payroll::PayRunRates rates = [] {
    auto r = payroll::PayRunRates::Load(std::string(CSU_SOURCE_DIR) + "/data/payroll");
    if (!r.ok()) std::abort();
    return r.value();
  }();
  return rates;
}

inline std::string CheckPayslip(const payroll::Payslip& s) {
  if (s.gross != s.net + s.tax + s.employee_ni + s.employee_pension + s.other_deductions) return "a payslip does not add up";
  if (s.gross != s.basic_pay + s.hcas + s.other_pay) return "gross is not basic + HCAS + other pay";
  if (s.employee_ni < Money() || s.employer_ni < Money() || s.employee_pension < Money() || s.employer_pension < Money() ||
      s.pension_levy < Money() || s.basic_pay < Money() || s.hcas < Money()) {
    return "a negative contribution or basic pay";
  }
  if (s.tax > Money() && s.tax.pence() > s.taxable.pence() / 2) return "tax above the 50% regulatory limit";
  for (const payroll::PayLine& l : s.lines) {
    if (l.explanation.empty()) return "a payslip line without its working";
  }
  return "";
}

inline std::string CheckRefusal(const Error& e) {
  if (e.why.empty()) return "a refusal without a reason";
  if (e.where.find("run.csv") == std::string::npos && e.where.find("employee") == std::string::npos) {
    return "a refusal that names no file or employee: " + e.ToString();
  }
  return "";
}

inline std::string CheckPayRunFile(std::string_view data) {
  auto employer = payroll::ParseEmployerFile("employer.csv", data);
  if (!employer.ok() && employer.error().why.empty()) return "an employer refusal without a reason";
  auto file = payroll::ParsePayRunFile("run.csv", data);
  if (!file.ok()) return CheckRefusal(file.error());
  if (file.value().inputs.size() != file.value().people.size()) return "inputs and people differ in number";
  auto run = payroll::CalculatePayRun(file.value().inputs, PayRunFuzzRates());
  if (!run.ok()) return CheckRefusal(run.error());
  Money gross, net;
  for (const payroll::Payslip& s : run.value().payslips) {
    std::string bad = CheckPayslip(s);
    if (!bad.empty()) return bad + " (" + s.employee_id + ")";
    gross += s.gross;
    net += s.net;
  }
  if (run.value().totals.gross != gross || run.value().totals.net != net) return "the run's totals are not the payslips' sums";
  const payroll::EmployerDetails e{"E", "Employer", "635", "A635", "123PA00012345", "309999", "87654321", "PAYROLL", "123456"};
  auto bank = payroll::WriteBankFile(run.value(), file.value().people, e);
  if (bank.ok()) {
    const std::string& t = bank.value().text;
    if (t.size() % 102 != 0) return "a bank record that is not 100 characters";
    Money credits;
    for (size_t at = 0; at + 102 < t.size(); at += 102) credits += Money::FromPence(std::stoll(t.substr(at + 35, 11)));
    if (credits != bank.value().total || std::stoll(t.substr(t.size() - 102 + 35, 11)) != credits.pence()) {
      return "the contra is not the sum of the credits";
    }
  } else if (bank.error().why.empty()) {
    return "a bank file refusal without a reason";
  }
  auto fps = payroll::WriteFps(run.value(), file.value().people, e);
  if (!fps.ok() && fps.error().why.empty()) return "an FPS refusal without a reason";
  if (fps.ok() && fps.value().find("</IRenvelope>") == std::string::npos) return "an FPS without its end";
  return "";
}

}  // namespace csu::fuzz
