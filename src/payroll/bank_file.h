// The bank payment file of a pay run: Bacs Standard 18 payment records, one
// credit per employee paid and a contra debiting the employer's account with
// the total (layout, widths, characters and sources:
// docs/formats/bank-payment-standard18-v1.md).
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "payroll/pay_run.h"

namespace csu::payroll {

struct BankFile {
  std::string text;  // CR LF records of 100 characters
  int64_t payments = 0;
  Money total;
};

// `people` give each employee's account (matched by employee id). An
// employee without bank details, a negative net pay or an invalid sort code
// or account refuses the file with the payroll number (never the account).
Result<BankFile> WriteBankFile(const PayRunResult& run, const std::vector<EmployeePersonal>& people,
                               const EmployerDetails& employer);

// The reference on every record: "PAY 2025-26 M01" (or "W07").
std::string RunReference(const PayRunResult& run);

}  // namespace csu::payroll
