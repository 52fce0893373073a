#include "primarycare/claims.h"

#include <charconv>
#include <cstdio>

#include "core/money.h"
#include "core/text.h"

namespace csu::primarycare {

std::string_view PaymentRuleName(PaymentRule r) {
  return r == PaymentRule::kItemOfService ? "item_of_service" : "per_registered_patient";
}
std::optional<PaymentRule> ParsePaymentRule(std::string_view t) {
  if (t == "item_of_service") return PaymentRule::kItemOfService;
  if (t == "per_registered_patient") return PaymentRule::kPerRegisteredPatient;
  return std::nullopt;
}
std::string_view FrequencyName(ClaimFrequency f) { return f == ClaimFrequency::kMonthly ? "monthly" : "quarterly"; }
std::optional<ClaimFrequency> ParseFrequency(std::string_view t) {
  if (t == "monthly") return ClaimFrequency::kMonthly;
  if (t == "quarterly") return ClaimFrequency::kQuarterly;
  return std::nullopt;
}
std::string_view SchemeKindName(SchemeKind k) { return k == SchemeKind::kNational ? "national" : "local"; }
std::optional<SchemeKind> ParseSchemeKind(std::string_view t) {
  if (t == "national") return SchemeKind::kNational;
  if (t == "local") return SchemeKind::kLocal;
  return std::nullopt;
}
std::string_view ClaimStateName(ClaimState s) {
  switch (s) {
    case ClaimState::kSubmitted: return "submitted";
    case ClaimState::kQueried: return "queried";
    case ClaimState::kApproved: return "approved";
    case ClaimState::kRejected: return "rejected";
  }
  return "?";
}
std::optional<ClaimState> ParseClaimState(std::string_view t) {
  for (ClaimState s : {ClaimState::kSubmitted, ClaimState::kQueried, ClaimState::kApproved, ClaimState::kRejected})
    if (ClaimStateName(s) == t) return s;
  return std::nullopt;
}

namespace {
// Code points of well-formed UTF-8 (no overlongs, surrogates or values past
// U+10FFFF); nullopt otherwise.
std::optional<size_t> CodePoints(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return std::nullopt;
    uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < len; ++k) {
      const unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d >> 6) != 2) return std::nullopt;
      cp = (cp << 6) | (d & 0x3F);
    }
    const uint32_t min = len == 1 ? 0 : len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    i += len;
  }
  return n;
}
}  // namespace

Result<std::string> CleanText(std::string_view field, std::string_view text, size_t max_chars) {
  std::string out(Trim(text));
  std::optional<size_t> n = CodePoints(out);
  if (!n) return MakeError(std::string(field), "is not valid UTF-8");
  if (*n == 0) return MakeError(std::string(field), "is required");
  if (*n > max_chars) return MakeError(std::string(field), "is longer than " + std::to_string(max_chars) + " characters");
  for (unsigned char c : out)
    if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7F)
      return MakeError(std::string(field), "contains a control character");
  return out;
}

Status ValidateScheme(Scheme& s) {
  s.ccg = ToUpper(Trim(s.ccg));
  if (s.ccg.size() < 3 || s.ccg.size() > 5) return MakeError("ccg", "'" + s.ccg + "' is not a CCG code");
  for (char c : s.ccg)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return MakeError("ccg", "'" + s.ccg + "' is not a CCG code");
  s.code = ToUpper(Trim(s.code));
  if (s.code.size() < 2 || s.code.size() > 24)
    return MakeError("scheme code", "must be 2 to 24 characters of A-Z, 0-9 and -");
  for (char c : s.code)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
      return MakeError("scheme code", "must be 2 to 24 characters of A-Z, 0-9 and -");
  CSU_ASSIGN_OR_RETURN(name, CleanText("scheme name", s.name, 200));
  s.name = name;
  CSU_ASSIGN_OR_RETURN(spec, CleanText("specification", s.specification, 20000));
  s.specification = spec;
  CSU_ASSIGN_OR_RETURN(ev, CleanText("evidence required", s.evidence, 4000));
  s.evidence = ev;
  if (s.fee_pence <= 0) return MakeError("fee", "must be more than £0.00 a unit");
  // A fee above £1,000,000 a unit is a typing error, and the cap keeps
  // units × fee far inside int64 pence.
  if (s.fee_pence > 100'000'000) return MakeError("fee", "must be at most £1,000,000.00 a unit");
  if (s.max_units_per_claim <= 0) return MakeError("cap", "the most units a claim may have must be at least 1");
  if (s.max_units_per_claim > 10'000'000) return MakeError("cap", "must be at most 10,000,000 units a claim");
  if (s.window_to < s.window_from) return MakeError("claim window", "ends (" + s.window_to.ToString() +
                                                                        ") before it starts (" +
                                                                        s.window_from.ToString() + ")");
  return Status::Ok();
}

Result<ClaimPeriod> ParseClaimPeriod(std::string_view text, ClaimFrequency f) {
  const std::string t(Trim(text));
  auto bad = [&]() { return MakeError("period", "'" + t + "' is not a month written YYYY-MM"); };
  if (t.size() != 7 || t[4] != '-') return bad();
  int y = 0, m = 0;
  if (std::from_chars(t.data(), t.data() + 4, y).ptr != t.data() + 4) return bad();
  if (std::from_chars(t.data() + 5, t.data() + 7, m).ptr != t.data() + 7) return bad();
  if (y < 2000 || y > 2100 || m < 1 || m > 12) return bad();
  ClaimPeriod p;
  p.first = Date::FromYmd(y, m, 1);
  if (f == ClaimFrequency::kMonthly) {
    p.last = Date::FromYmd(y, m, Date::DaysInMonth(y, m));
    p.label = t;
    return p;
  }
  if (m != 4 && m != 7 && m != 10 && m != 1)
    return MakeError("period", "'" + t + "': a quarterly claim starts in April, July, October or January");
  const int lm = m + 2;
  p.last = Date::FromYmd(y, lm, Date::DaysInMonth(y, lm));
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04d-%02d..%04d-%02d", y, m, y, lm);
  p.label = buf;
  return p;
}

Status CheckClaim(const Scheme& s, const ClaimPeriod& p, int64_t units, std::optional<int64_t> registered) {
  if (p.first < s.window_from || p.last > s.window_to)
    return MakeError("period", p.label + " is outside the scheme's claim window (" + s.window_from.ToString() +
                                   " to " + s.window_to.ToString() + ")");
  if (units < 1) return MakeError("units", "must be at least 1");
  if (units > s.max_units_per_claim)
    return MakeError("units", std::to_string(units) + " is above the scheme's cap of " +
                                  std::to_string(s.max_units_per_claim) + " units a claim");
  if (s.rule == PaymentRule::kPerRegisteredPatient) {
    if (!registered)
      return MakeError("units", "the practice's registered list is not in the reference data, so a "
                                "per-registered-patient claim cannot be checked");
    if (units > *registered)
      return MakeError("units", std::to_string(units) + " is more than the practice's " +
                                    std::to_string(*registered) + " registered patients");
  }
  return Status::Ok();
}

Result<ClaimMoney> PriceClaim(const Scheme& s, int64_t units) {
  const Int128 exact = static_cast<Int128>(units) * s.fee_pence;
  if (units < 0 || exact > static_cast<Int128>(INT64_MAX)) return MakeError("units", "the claim's amount is too large");
  ClaimMoney m;
  m.pence = static_cast<int64_t>(exact);
  const std::string unit = s.rule == PaymentRule::kPerRegisteredPatient ? "registered patients" : "units";
  m.explanation = WithThousands(units) + " " + unit + " × " + Money::FromPence(s.fee_pence).ToString() + " = " +
                  Money::FromPence(m.pence).ToString();
  return m;
}

}  // namespace csu::primarycare
