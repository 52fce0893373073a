// The RTI Full Payment Submission body (IRenvelope) of one pay run, in
// HMRC's published FPS schema for the run's tax year: element names, order
// and what each holds in docs/formats/rti-fps-v1.md. The transport envelope
// and IRmark around it: fps_envelope.h.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "payroll/pay_run.h"

namespace csu::payroll {

// `people` give each employee's FPS details (matched by employee id). An
// employee without a name, birth date or address, or a run of a tax year
// with no known schema namespace, is an error naming the payroll number.
Result<std::string> WriteFps(const PayRunResult& run, const std::vector<EmployeePersonal>& people,
                             const EmployerDetails& employer);

// "2025/26" -> "25-26"; the namespace version for that year.
std::string FpsYear(const std::string& tax_year);

}  // namespace csu::payroll
