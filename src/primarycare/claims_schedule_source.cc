#include "primarycare/claims_schedule_source.h"

namespace csu::primarycare {

Result<std::vector<ScheduleLine>> ClaimsScheduleSource::ApprovedClaimLines(const std::string& ccg,
                                                                           ledger::LedgerPeriod month) {
  CSU_ASSIGN_OR_RETURN(lines, store_.ApprovedClaimLines(ccg, month.ToString()));
  std::vector<ScheduleLine> out;
  out.reserve(lines.size());
  for (const ClaimPaymentLine& l : lines) {
    ScheduleLine s;
    s.practice = l.practice;
    s.month = month;
    s.kind = LineKind::kEnhancedService;
    s.description = "Enhanced service " + l.scheme_code + " (" + l.scheme_name + "), " + l.period_label + ", claim " +
                    std::to_string(l.claim_id);
    s.amount_pence = l.amount_pence;
    s.explanation = l.explanation;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace csu::primarycare
