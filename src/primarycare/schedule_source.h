// One line of a practice's monthly payment schedule, and the seam through
// which payments the primary care module does not compute itself (approved
// enhanced-service claims) join the schedule (docs/primary-care.md,
// "Payment schedule").
//
// Every line explains itself the way a price does: `description` says what
// the payment is ("Global sum, April 2024"), `explanation` the arithmetic or
// the decision behind it ("10,234.5 weighted patients × £112.50 ÷ 12 = …").
// Amounts are pence, + paid to the practice, − deducted from it.
//
// The schedule (payment_schedule.h) calls EnhancedServiceSource once per CCG
// and month; the claims code implements it over its own tables and returns
// one line per approved claim (or per scheme and practice) payable in that
// month, kind kEnhancedService. A CCG without a source has no such lines.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "ledger/ledger_types.h"

namespace csu::primarycare {

enum class LineKind : uint8_t {
  kGlobalSum,        // weighted list × price per weighted patient ÷ 12
  kQofAspiration,    // monthly QOF aspiration payment
  kQofBalancing,     // QOF achievement less aspiration paid (year end; may be negative)
  kEnhancedService,  // approved enhanced-service claims (EnhancedServiceSource)
  kOtherPayment,     // another agreed payment (loaded, with a reason)
  kDeduction,        // an agreed deduction (loaded, with a reason; negative)
};
// "global_sum", "qof_aspiration", "qof_balancing", "enhanced_service",
// "other_payment", "deduction".
std::string_view LineKindName(LineKind k);

struct ScheduleLine {
  std::string practice;  // ODS code, capitals
  ledger::LedgerPeriod month;
  LineKind kind = LineKind::kGlobalSum;
  std::string description;  // one line, what the payment is
  int64_t amount_pence = 0;  // + to the practice, − from it
  std::string explanation;  // one line, the arithmetic or decision behind it
};

// The approved enhanced-service money of a CCG's practices payable in a
// month. Implemented by the claims code; must return only practices of
// `ccg`, each line with kind kEnhancedService and month `month`, and the
// same lines every time it is asked about a month already posted (the
// schedule posts once per CCG and month; a claim approved later belongs to a
// later month).
class EnhancedServiceSource {
 public:
  virtual ~EnhancedServiceSource() = default;
  virtual Result<std::vector<ScheduleLine>> ApprovedClaimLines(const std::string& ccg,
                                                              ledger::LedgerPeriod month) = 0;
};

}  // namespace csu::primarycare
