// The pay run input files (docs/formats/payroll-period-v1.md): the period
// file, one row per employee of a run (the calculation's PeriodInput and the
// outputs' EmployeePersonal), and the employer file (EmployerDetails). They
// let a payroll officer produce a run's outputs before the staff records are
// kept in the platform.
//
// All or nothing: the first bad value refuses the file with "file:line:
// column: why". Errors never quote a personal value (a name, an NI number,
// a bank account or an address): they name the row and the column.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "payroll/pay_run.h"

namespace csu::payroll {

struct PayRunFile {
  std::vector<PeriodInput> inputs;
  std::vector<EmployeePersonal> people;  // same order as inputs
};

Result<PayRunFile> ReadPayRunFile(const std::string& path);
// The same for text already read; `name` is how errors name the file.
Result<PayRunFile> ParsePayRunFile(std::string name, std::string_view text);

Result<EmployerDetails> ReadEmployerFile(const std::string& path);
Result<EmployerDetails> ParseEmployerFile(std::string name, std::string_view text);

// An NI number by HMRC's published format rules (NIM39110): two prefix
// letters (the first not D, F, I, Q, U or V; the second not D, F, I, O, Q,
// U or V; not BG, GB, KN, NK, NT, TN or ZZ), six digits and a suffix A–D.
// Upper case, no spaces (the caller normalises).
bool ValidNiNumber(std::string_view ni);

}  // namespace csu::payroll
