// A CCG's subscription to a service or package of the catalogue, and the
// rules a new one must pass (docs/billing.md, "Subscriptions").
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "billing/catalogue.h"
#include "billing/percent.h"
#include "billing/period.h"
#include "core/date.h"
#include "core/result.h"

namespace csu::billing {

inline constexpr int32_t kMinTermMonths = 18;
inline constexpr int32_t kMaxTermMonths = 60;
inline constexpr int32_t kMaxNoticeMonths = 12;
inline constexpr int64_t kMaxDiscountBp = 5000;  // 50 %

struct Subscription {
  int64_t id = 0;  // assigned by the store
  std::string ccg;
  std::string item;  // a service or package code
  Date start;        // first day of a month
  int32_t term_months = 36;
  int32_t notice_months = 6;
  int64_t discount_bp = 0;  // hundredths of a per cent
  std::string purchase_order;  // the CCG's PO for it; empty when it has not given one
  std::string created_at;
  std::string created_by;

  Period first_period() const { return Period::Of(start); }
  // The first month no longer covered.
  Period end_period() const { return first_period().AddMonths(term_months); }
  // The first day no longer covered.
  Date end() const { return end_period().first_day(); }
  // The last day a CCG can give notice to leave at the end of the term.
  Date notice_date() const { return end_period().AddMonths(-notice_months).first_day().AddDays(-1); }
  bool Covers(Period p) const { return p >= first_period() && p < end_period(); }
};

// Checks `s` (id not yet assigned) against the catalogue and the CCG's
// existing subscriptions. `known_ccg` says whether a code is a CCG. The Error
// names the rule broken and the subscription(s) it conflicts with.
Status ValidateSubscription(const Subscription& s, const std::vector<Subscription>& existing, const Catalogue& catalogue,
                            const std::function<bool(const std::string&)>& known_ccg);

// How two subscriptions of one CCG would charge twice for the same thing in
// a month they share — a service both alone and in a package (or in two
// packages), or two items billed from one meter — as a sentence naming the
// month; "" when they would not. Uses the catalogue versions of each month.
std::string DoubleCharge(const Subscription& a, const Subscription& b, const Catalogue& catalogue);
// The same for one month (both must cover it).
std::string DoubleChargeIn(const Subscription& a, const Subscription& b, const Catalogue& catalogue, Period p);

// Every pair of each CCG's subscriptions, for a catalogue change (a new
// package version may include a service a CCG already buys on its own).
Status CheckNoDoubleCharges(const std::vector<Subscription>& subs, const Catalogue& catalogue);

// The service codes a subscription puts in force in `p`: the service itself,
// or the services of the package version in force.
std::vector<std::string> ServicesCovered(const Subscription& s, const Catalogue& catalogue, Period p);

}  // namespace csu::billing
