#include "billing/subscription.h"

#include <algorithm>

#include "core/text.h"

namespace csu::billing {
namespace {

std::string Describe(const Subscription& s) {
  return "subscription " + std::to_string(s.id) + " (" + s.ccg + " " + s.item + ", " + s.first_period().ToString() +
         " to " + s.end_period().AddMonths(-1).ToString() + ")";
}

bool Overlap(const Subscription& a, const Subscription& b) {
  return a.first_period() < b.end_period() && b.first_period() < a.end_period();
}

}  // namespace

std::vector<std::string> ServicesCovered(const Subscription& s, const Catalogue& catalogue, Period p) {
  const ItemVersion* v = catalogue.InForce(s.item, p.first_day());
  if (!v) return {};
  if (v->kind == ItemKind::kService) return {v->code};
  return v->includes;
}

std::string DoubleChargeIn(const Subscription& a, const Subscription& b, const Catalogue& catalogue, Period p) {
  const ItemVersion* va = catalogue.InForce(a.item, p.first_day());
  const ItemVersion* vb = catalogue.InForce(b.item, p.first_day());
  if (va && vb && !va->meter.empty() && va->meter == vb->meter)
    return "in " + p.ToString() + " the " + va->meter + " meter would be billed twice (" + a.item + " and " + b.item + ")";
  std::vector<std::string> sa = ServicesCovered(a, catalogue, p);
  std::vector<std::string> sb = ServicesCovered(b, catalogue, p);
  for (const std::string& code : sa)
    if (std::find(sb.begin(), sb.end(), code) != sb.end())
      return "in " + p.ToString() + " " + code + " would be charged twice";
  return "";
}

std::string DoubleCharge(const Subscription& a, const Subscription& b, const Catalogue& catalogue) {
  if (a.ccg != b.ccg || !Overlap(a, b)) return "";
  const Period to = std::min(a.end_period(), b.end_period());
  for (Period p = std::max(a.first_period(), b.first_period()); p < to; p = p.AddMonths(1))
    if (std::string why = DoubleChargeIn(a, b, catalogue, p); !why.empty()) return why;
  return "";
}

Status CheckNoDoubleCharges(const std::vector<Subscription>& subs, const Catalogue& catalogue) {
  for (size_t i = 0; i < subs.size(); ++i)
    for (size_t j = i + 1; j < subs.size(); ++j)
      if (std::string why = DoubleCharge(subs[i], subs[j], catalogue); !why.empty())
        return MakeError(Describe(subs[i]) + " and " + Describe(subs[j]), why);
  return Status::Ok();
}

Status ValidateSubscription(const Subscription& s, const std::vector<Subscription>& existing, const Catalogue& catalogue,
                            const std::function<bool(const std::string&)>& known_ccg) {
  const std::string where = "subscription " + s.ccg + " " + s.item;
  if (!known_ccg(s.ccg)) return MakeError(where, s.ccg + " is not a CCG in the reference data");
  if (s.start.day() != 1)
    return MakeError(where, "the start " + s.start.ToString() + " is not the first day of a month (billing is monthly)");
  if (s.term_months < kMinTermMonths || s.term_months > kMaxTermMonths)
    return MakeError(where, "a term of " + std::to_string(s.term_months) + " months is outside " +
                                std::to_string(kMinTermMonths) + "–" + std::to_string(kMaxTermMonths) + " months");
  if (s.notice_months < 0 || s.notice_months > kMaxNoticeMonths || s.notice_months >= s.term_months)
    return MakeError(where, "a notice period of " + std::to_string(s.notice_months) + " months is outside 0–" +
                                std::to_string(kMaxNoticeMonths) + " months");
  if (s.discount_bp < 0 || s.discount_bp > kMaxDiscountBp)
    return MakeError(where, "a discount of " + PercentText(s.discount_bp) + " is outside 0–50%");
  if (catalogue.History(s.item).empty()) return MakeError(where, s.item + " is not in the catalogue");
  if (!catalogue.InForce(s.item, s.start))
    return MakeError(where, s.item + " has no price in force on " + s.start.ToString() + " (its first version is from " +
                                catalogue.History(s.item).front().effective_from.ToString() + ")");

  for (const Subscription& e : existing) {
    if (e.ccg != s.ccg || !Overlap(e, s)) continue;
    if (e.item == s.item)
      return MakeError(where, "overlaps " + Describe(e) + ": a CCG holds one subscription to an item at a time");
    if (std::string why = DoubleCharge(s, e, catalogue); !why.empty())
      return MakeError(where, why + ": it is also in " + Describe(e));
  }
  return Status::Ok();
}

}  // namespace csu::billing
