// Enhanced-service schemes and claims: the pure rules (no database).
//
// A commissioner (CCG) defines a scheme: national (a directed enhanced
// service, DES) or local (a locally commissioned service, LCS/LES), with a
// specification, a payment rule, a claim window, how often practices claim
// and what evidence a claim needs. A practice claims a number of units for
// one claim period inside the window; the CCG approves, queries or rejects.
// An approved claim is money: units × the scheme's fee, exact in pence, no
// rounding (both factors are whole). docs/primary-care.md, "Enhanced
// services: schemes and claims", gives the rules with their sources and the
// readings chosen where the sources are silent.
//
// Two payment rules are supported (and only these):
//   item_of_service         a fee per unit delivered (a vaccination, a check):
//                           the practice claims the count of items;
//   per_registered_patient  a fee per registered patient (a capacity or
//                           sign-up payment): the practice claims its
//                           registered list, which may not exceed the list
//                           the reference data holds for it.
// Aspiration-style rules (paid on account, settled later) are not supported.
//
// The claim state machine (every transition audited by the caller):
//   submitted --approve--> approved   (final; joins the payment schedule)
//   submitted --query----> queried    (a question for the practice)
//   queried   --answer---> submitted  (the practice answers, may change units)
//   submitted|queried --reject--> rejected (final, with a reason)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/result.h"

namespace csu::primarycare {

enum class PaymentRule { kItemOfService, kPerRegisteredPatient };
std::string_view PaymentRuleName(PaymentRule r);  // "item_of_service", "per_registered_patient"
std::optional<PaymentRule> ParsePaymentRule(std::string_view text);

enum class ClaimFrequency { kMonthly, kQuarterly };
std::string_view FrequencyName(ClaimFrequency f);  // "monthly", "quarterly"
std::optional<ClaimFrequency> ParseFrequency(std::string_view text);

enum class SchemeKind { kNational, kLocal };
std::string_view SchemeKindName(SchemeKind k);  // "national", "local"
std::optional<SchemeKind> ParseSchemeKind(std::string_view text);

enum class ClaimState { kSubmitted, kQueried, kApproved, kRejected };
std::string_view ClaimStateName(ClaimState s);  // "submitted", "queried", "approved", "rejected"
std::optional<ClaimState> ParseClaimState(std::string_view text);

struct Scheme {
  std::string ccg;   // the commissioner, ODS code in capitals
  std::string code;  // 2-24 of A-Z 0-9 - (e.g. "LES-ANTICOAG"), unique within the CCG
  std::string name;
  SchemeKind kind = SchemeKind::kLocal;
  std::string specification;  // what the practice must do
  PaymentRule rule = PaymentRule::kItemOfService;
  int64_t fee_pence = 0;              // per unit, > 0
  Date window_from, window_to;        // claim periods must lie inside, inclusive
  ClaimFrequency frequency = ClaimFrequency::kMonthly;
  int64_t max_units_per_claim = 0;    // > 0: the cap a claim may not exceed
  std::string evidence;               // what a claim must be supported by
  bool evidence_file = false;         // a claim must come with an uploaded file (primarycare/evidence.h)
};

// Every field checked; the error names the field and why. Normalises codes
// to capitals and trims text in place.
Status ValidateScheme(Scheme& s);

// One claim period: a calendar month, or a quarter of the financial year
// (April-June, July-September, October-December, January-March).
struct ClaimPeriod {
  Date first, last;
  std::string label;  // "2024-05" or "2024-04..2024-06"
};

// The period that starts with `first_month` ("YYYY-MM") under `f`: for a
// quarterly scheme the month must begin a financial quarter.
Result<ClaimPeriod> ParseClaimPeriod(std::string_view first_month, ClaimFrequency f);

// Whether a practice may claim `units` for `period` under `scheme`:
// the period inside the window, 1 <= units <= the cap, and for a
// per-registered-patient scheme units <= the practice's registered list
// (`registered`; nullopt when the reference data has none, which refuses).
Status CheckClaim(const Scheme& scheme, const ClaimPeriod& period, int64_t units, std::optional<int64_t> registered);

// The approved amount and its explanation: "120 units × £7.50 = £900.00".
// Error when the product does not fit in int64 pence.
struct ClaimMoney {
  int64_t pence = 0;
  std::string explanation;
};
Result<ClaimMoney> PriceClaim(const Scheme& scheme, int64_t units);

// Free text of a question, answer, reason or specification: 1..max code
// points after trimming, no control characters except newline and tab.
Result<std::string> CleanText(std::string_view field, std::string_view text, size_t max_chars);

}  // namespace csu::primarycare
