#include "payroll/pay_run.h"

namespace csu::payroll {

Result<PayRunRates> PayRunRates::Load(const std::string& dir) {
  PayRunRates r;
  CSU_ASSIGN_OR_RETURN(payroll, PayrollRates::Load(dir));
  r.payroll = std::move(payroll);
  CSU_ASSIGN_OR_RETURN(afc, AfcScales::Load(dir));
  r.afc = std::move(afc);
  return r;
}

Result<Payslip> CalculatePayslip(const PeriodInput& input, const PayRunRates&) {
  return MakeError("employee " + input.employee_id, "the pay run calculation is not built yet");
}

Result<PayRunResult> CalculatePayRun(const std::vector<PeriodInput>& inputs, const PayRunRates& rates) {
  PayRunResult out;
  for (const PeriodInput& in : inputs) {
    CSU_ASSIGN_OR_RETURN(slip, CalculatePayslip(in, rates));
    out.payslips.push_back(std::move(slip));
  }
  return out;
}

}  // namespace csu::payroll
