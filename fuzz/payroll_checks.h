// Invariants of the payroll calculator over arbitrary input files, shared by
// the payroll_calc fuzz target and the test that replays its corpus
// (src/payroll/payroll_fuzz_corpus_test.cc). Header-only.
//
// CheckPayrollCalc(data) writes the bytes as a cases file and runs
// CalculateFile with the real rates: a refusal must name the file and give a
// reason; every accepted row must pass CheckPayrollRow.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "payroll/calculator.h"
#include "payroll/rates.h"

namespace csu::fuzz {

// The figures of one output row (pence), as the calculator reports them.
struct PayrollFigures {
  int64_t taxable_pay, tax, employee_ni, employer_ni, employee_pension, employer_pension, levy, net_pay;
};

// "" when the figures hang together; otherwise what is wrong. `gross` is the
// row's gross pay in pence.
inline std::string CheckPayrollRow(int64_t gross, const PayrollFigures& f) {
  if (f.taxable_pay != gross - f.employee_pension) return "taxable pay is not gross less the member's pension";
  if (f.employee_ni < 0 || f.employer_ni < 0 || f.employee_pension < 0 || f.employer_pension < 0 || f.levy < 0) {
    return "a negative contribution";
  }
  if (f.tax > 0 && f.tax > f.taxable_pay / 2) return "tax above the 50% regulatory limit";
  if (f.employee_ni > gross / 10 + 1) return "employee NI above any category's rate";
  if (f.employee_pension > gross * 1250 / 10000 + 1) return "member pension above the top tier's rate";
  if (f.net_pay != gross - f.tax - f.employee_ni - f.employee_pension) return "net pay does not add up";
  return "";
}

inline const payroll::PayrollRates& FuzzRates() {
  static const payroll::PayrollRates rates = [] {
    auto r = payroll::PayrollRates::Load(std::string(CSU_SOURCE_DIR) + "/data/payroll");
    if (!r.ok()) std::abort();
    return r.value();
  }();
  return rates;
}

inline std::string CheckPayrollCalc(std::string_view data) {
  static const std::string path = [] {
    auto d = std::filesystem::temp_directory_path() / ("csu-payroll-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return (d / "cases.csv").string();
  }();
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(data.data(), static_cast<std::streamsize>(data.size()));
  auto got = payroll::CalculateFile(FuzzRates(), path);
  if (!got.ok()) {
    if (got.error().why.empty()) return "a refusal without a reason";
    if (got.error().where.find("cases.csv") == std::string::npos) return "a refusal that names no file: " + got.error().ToString();
    return "";
  }
  // Read each row's gross pay back from the input to check its figures.
  std::ifstream in(path);
  const auto& t = got.value();
  auto col = [&](std::string_view name) -> size_t {
    for (size_t i = 0; i < t.columns.size(); ++i)
      if (t.columns[i].name == name) return i;
    return t.columns.size();
  };
  const size_t taxable = col("taxable_pay"), tax = col("tax"), ee = col("employee_ni"), er = col("employer_ni"),
               pension = col("employee_pension"), employer = col("employer_pension"), levy = col("employer_pension_levy"),
               net = col("net_pay"), why = col("explanation");
  if (why == t.columns.size() || taxable == t.columns.size()) return "output columns missing";
  for (const auto& row : t.rows) {
    if (row[why].text.empty()) return "a row without its explanation";
    PayrollFigures f{row[taxable].number, row[tax].number, row[ee].number, row[er].number,
                     row[pension].number, row[employer].number, row[levy].number, row[net].number};
    // gross = net + tax + employee NI + pension, by the calculator's own
    // definition; the check is that taxable pay agrees with it.
    const int64_t gross = f.net_pay + f.tax + f.employee_ni + f.employee_pension;
    std::string bad = CheckPayrollRow(gross, f);
    if (!bad.empty()) return bad;
  }
  return "";
}

}  // namespace csu::fuzz
