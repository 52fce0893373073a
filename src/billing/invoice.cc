#include "billing/invoice.h"

#include <algorithm>
#include <optional>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "core/uk_time.h"

namespace csu::billing {
namespace {

// "£1.50 per 1,000" / "£3.20".
std::string PriceText(const ItemVersion& v) {
  std::string s = v.price.ToString();
  if (v.per != 1) s += " per " + WithThousands(v.per);
  return s;
}

std::string MeterNoun(std::string_view meter) {
  std::string s(meter);
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

Result<InvoiceLine> LineFor(const Subscription& s, const ItemVersion& v, const InvoiceInputs& in) {
  InvoiceLine line;
  line.item = v.code;
  line.description = v.name;
  if (v.kind == ItemKind::kPackage) {
    std::string list;
    for (const std::string& code : v.includes) list += (list.empty() ? "" : ", ") + code;
    line.description += " (package: " + list + ")";
  }
  line.unit_price = v.price;
  line.per = v.per;
  line.vat = v.vat;
  line.subscription_id = s.id;
  const int64_t p = v.price.pence();
  switch (v.unit) {
    case Unit::kPerHeadYear:
      if (!in.population)
        return MakeError(s.ccg + " " + v.code, "a per-head charge needs the CCG's registered population, and none is "
                                                 "in force: set one with csu population set");
      line.quantity = *in.population;
      line.amount = Money::FromPence(DivRoundHalfAway(Int128{*in.population} * p, 12));
      line.basis = WithThousands(*in.population) + " patients × " + v.price.ToString() + " a year ÷ 12";
      break;
    case Unit::kPerUserMonth: {
      auto it = in.usage.find("active_users");
      line.quantity = it == in.usage.end() ? 0 : it->second;
      line.amount = Money::FromPence(p * line.quantity);
      line.basis = WithThousands(line.quantity) + " active users × " + v.price.ToString();
      break;
    }
    case Unit::kPerUse: {
      auto it = in.usage.find(v.meter);
      line.quantity = it == in.usage.end() ? 0 : it->second;
      line.amount = Money::FromPence(DivRoundHalfAway(Int128{line.quantity} * p, v.per));
      line.basis = WithThousands(line.quantity) + " " + MeterNoun(v.meter) + " × " + PriceText(v);
      break;
    }
    case Unit::kFixedYear:
      line.quantity = 1;
      line.amount = Money::FromPence(DivRoundHalfAway(p, 12));
      line.basis = v.price.ToString() + " a year ÷ 12";
      break;
    case Unit::kFixedMonth:
      line.quantity = 1;
      line.amount = v.price;
      line.basis = v.price.ToString() + " a month";
      break;
  }
  return line;
}

}  // namespace

std::string_view DocumentKindName(DocumentKind k) { return k == DocumentKind::kInvoice ? "invoice" : "credit_note"; }

Result<Invoice> ComputeInvoice(const std::string& ccg, Period period, const InvoiceInputs& in) {
  Invoice inv;
  inv.ccg = ccg;
  inv.period = period;
  inv.vat_rate_bp = in.vat_rate_bp;
  inv.population = in.population.value_or(0);
  std::vector<Subscription> subs = in.subscriptions;
  std::sort(subs.begin(), subs.end(), [](const Subscription& a, const Subscription& b) { return a.id < b.id; });
  // Subscriptions and catalogue loads refuse double charges; an invoice
  // refuses one in its own month again rather than bill it.
  std::vector<const Subscription*> covering;
  for (const Subscription& s : subs)
    if (s.ccg == ccg && s.Covers(period)) covering.push_back(&s);
  for (size_t i = 0; i < covering.size(); ++i)
    for (size_t j = i + 1; j < covering.size(); ++j)
      if (std::string why = DoubleChargeIn(*covering[i], *covering[j], *in.catalogue, period); !why.empty())
        return MakeError(ccg + " " + period.ToString(), why);
  for (const Subscription* covered : covering) {
    const Subscription& s = *covered;
    const ItemVersion* v = in.catalogue->InForce(s.item, period.first_day());
    if (!v)
      return MakeError("subscription " + std::to_string(s.id),
                       s.item + " has no catalogue version in force in " + period.ToString());
    CSU_ASSIGN_OR_RETURN(line, LineFor(s, *v, in));
    Money amount = line.amount;
    inv.lines.push_back(std::move(line));
    if (s.discount_bp != 0 && amount.pence() != 0) {
      InvoiceLine d;
      d.item = v->code;
      d.description = "Discount " + PercentText(s.discount_bp) + " on " + v->name;
      d.basis = PercentText(s.discount_bp) + " of " + amount.ToString();
      d.quantity = 1;
      d.amount = Money::FromPence(-DivRoundHalfAway(Int128{amount.pence()} * s.discount_bp, 10000));
      d.unit_price = d.amount;
      d.vat = v->vat;
      d.subscription_id = s.id;
      inv.lines.push_back(std::move(d));
    }
  }
  SetTotals(inv);
  return inv;
}

void SetTotals(Invoice& inv) {
  inv.net_standard = inv.net_zero = inv.net_exempt = Money();
  for (const InvoiceLine& l : inv.lines) {
    switch (l.vat) {
      case Vat::kStandard: inv.net_standard += l.amount; break;
      case Vat::kZero: inv.net_zero += l.amount; break;
      case Vat::kExempt: inv.net_exempt += l.amount; break;
    }
  }
  inv.net = inv.net_standard + inv.net_zero + inv.net_exempt;
  inv.vat = Money::FromPence(DivRoundHalfAway(Int128{inv.net_standard.pence()} * inv.vat_rate_bp, 10000));
  inv.total = inv.net + inv.vat;
}

std::string IssueDate(const Invoice& inv) {
  std::optional<Date> d = UkDateOfTimestamp(inv.issued_at);
  return d ? d->ToString() : "";
}

std::string DueDate(const Invoice& inv) {
  std::optional<Date> d = UkDateOfTimestamp(inv.issued_at);
  return d ? d->AddDays(inv.supplier.payment_days).ToString() : "";
}

Invoice CreditNoteFor(const Invoice& inv, const std::string& reason) {
  Invoice cn = inv;
  cn.number.clear();
  cn.kind = DocumentKind::kCreditNote;
  cn.credits = inv.number;
  cn.reason = reason;
  cn.issued_at.clear();
  cn.issued_by.clear();
  cn.sha256.clear();
  // Quantities and amounts change sign, prices do not: a credit note's line
  // reads "-220,471 patients at £4.10" and its amount is negative.
  for (InvoiceLine& l : cn.lines) {
    l.quantity = -l.quantity;
    l.amount = -l.amount;
    l.description = "Credit: " + l.description;
  }
  SetTotals(cn);
  return cn;
}

std::string CanonicalJson(const Invoice& inv) {
  nlohmann::ordered_json j;
  j["number"] = inv.number;
  j["kind"] = DocumentKindName(inv.kind);
  j["ccg"] = inv.ccg;
  j["ccg_name"] = inv.ccg_name;
  j["period"] = inv.period.ToString();
  j["issued_at"] = inv.issued_at;
  j["issued_by"] = inv.issued_by;
  j["supplier"] = {{"name", inv.supplier.name},
                   {"address", inv.supplier.address},
                   {"vat_number", inv.supplier.vat_number},
                   {"payment_days", inv.supplier.payment_days}};
  // Added after the first documents were issued: present only when set, so
  // an older document's canonical form, and its SHA-256, are unchanged.
  if (!inv.supplier.remittance.empty()) j["supplier"]["remittance"] = inv.supplier.remittance;
  if (!inv.purchase_order.empty()) j["purchase_order"] = inv.purchase_order;
  if (!inv.customer_address.empty()) j["customer_address"] = inv.customer_address;
  if (inv.kind == DocumentKind::kInvoice) j["due_date"] = DueDate(inv);
  if (inv.kind == DocumentKind::kCreditNote) {
    j["credits"] = inv.credits;
    j["reason"] = inv.reason;
  }
  j["vat_rate_bp"] = inv.vat_rate_bp;
  j["population"] = inv.population;
  nlohmann::ordered_json lines = nlohmann::ordered_json::array();
  for (const InvoiceLine& l : inv.lines) {
    nlohmann::ordered_json o;
    o["item"] = l.item;
    o["description"] = l.description;
    o["basis"] = l.basis;
    o["quantity"] = l.quantity;
    o["unit_price_pence"] = l.unit_price.pence();
    o["per"] = l.per;
    o["amount_pence"] = l.amount.pence();
    o["vat"] = VatName(l.vat);
    o["subscription"] = l.subscription_id;
    lines.push_back(std::move(o));
  }
  j["lines"] = std::move(lines);
  j["net_standard_pence"] = inv.net_standard.pence();
  j["net_zero_pence"] = inv.net_zero.pence();
  j["net_exempt_pence"] = inv.net_exempt.pence();
  j["net_pence"] = inv.net.pence();
  j["vat_pence"] = inv.vat.pence();
  j["total_pence"] = inv.total.pence();
  return j.dump();
}

}  // namespace csu::billing
