// The payroll staff file (docs/formats/payroll-staff-v1.md): an employer's
// staff moved from another system. ReadStaffFile checks every row and
// returns either all records or every problem (line and column); it never
// repeats a value in a problem, because the file holds personal data. Pure:
// the caller stores the records (PayrollStore::ImportStaff), all or nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/fixed_csv.h"
#include "payroll/payroll_store.h"

namespace csu::payroll {

struct StaffFile {
  std::vector<PayrollStore::StaffRecord> rows;  // empty when there are problems
  std::vector<int64_t> lines;                   // the line of each row
  std::vector<FileProblem> problems;
};

StaffFile ReadStaffFile(std::string_view text, const std::string& employer);

inline constexpr std::string_view kStaffHeader =
    "staff_number,name,address,date_of_birth,ni_number,sort_code,account_number,start_date,continuous_service_date,"
    "post,hours,fte,band,spine_point,incremental_date,annual_salary,hcas,tax_code,ni_category,pension_member";

}  // namespace csu::payroll
