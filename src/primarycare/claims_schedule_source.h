// The payment schedule's seam for enhanced services (schedule_source.h),
// implemented over the claims store: one kEnhancedService line per claim
// approved for payment in the month, with the claim's own explanation
// (units × fee). Rules: docs/primary-care.md, "Enhanced services: schemes
// and claims", "Payment".
#pragma once

#include "primarycare/claims_store.h"
#include "primarycare/schedule_source.h"

namespace csu::primarycare {

class ClaimsScheduleSource : public EnhancedServiceSource {
 public:
  // `store` must outlive this source.
  explicit ClaimsScheduleSource(ClaimsStore& store) : store_(store) {}
  // The same lines each time a month is asked about: an approved claim's
  // amount and payment month never change, and an approval made after its
  // month's schedule was posted is paid in a later month.
  Result<std::vector<ScheduleLine>> ApprovedClaimLines(const std::string& ccg, ledger::LedgerPeriod month) override;

 private:
  ClaimsStore& store_;
};

}  // namespace csu::primarycare
