#include "payroll/afc_pay.h"

namespace csu::payroll {

Result<AfcScales> AfcScales::Load(const std::string& dir) {
  return MakeError(dir, "the Agenda for Change scales are not loaded yet");
}

}  // namespace csu::payroll
