// The payroll calculator for checking (`csu payroll calc`): one case per row
// of a CSV (format: docs/formats/payroll-calc-v1.md), each priced for PAYE,
// Class 1 NI and the NHS Pension Scheme, with the other columns of the row
// carried through unchanged and a line explaining each figure. A bad row
// refuses the file with "file:line: column: why"; nothing is printed from a
// partly read file.
#pragma once

#include <string>

#include "core/result.h"
#include "payroll/rates.h"
#include "report/report_table.h"

namespace csu::payroll {

Result<report::ReportTable> CalculateFile(const PayrollRates& rates, const std::string& path);

}  // namespace csu::payroll
