// Invariants of the enhanced-service claim rules (primarycare/claims.h):
// the text a practice or a commissioner types into a claim or scheme form
// (or the command line) through ParseClaimPeriod, CleanText, ValidateScheme,
// CheckClaim and PriceClaim. Shared by the claims_rules fuzz target and the
// test that replays its corpus (src/primarycare/claims_fuzz_corpus_test.cc).
// Header-only so that the fuzz build needs no test framework.
//
// CheckClaimRules(data): the input is split at newlines into fields, in
// order: period text, frequency ("q" quarterly, else monthly), units, fee
// in pence, cap, window from, window to (YYYY-MM-DD), scheme code, scheme
// name, free text. Missing fields are empty. Refusals must name a field and
// say why; anything accepted is checked by a second route: a period's days
// by the calendar, money by 128-bit multiplication, text by re-reading it.
#pragma once

#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "core/money.h"
#include "primarycare/claims.h"

namespace csu::fuzz {

inline std::vector<std::string> SplitFields(std::string_view data, size_t n) {
  std::vector<std::string> out;
  size_t at = 0;
  while (out.size() + 1 < n && at <= data.size()) {
    const size_t nl = data.find('\n', at);
    if (nl == std::string_view::npos) break;
    out.emplace_back(data.substr(at, nl - at));
    at = nl + 1;
  }
  if (at <= data.size()) out.emplace_back(data.substr(at));
  out.resize(n);
  return out;
}

inline int64_t NumberOr(const std::string& s, int64_t fallback) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() ? v : fallback;
}

inline std::string CheckPeriod(const std::string& text, primarycare::ClaimFrequency f) {
  auto p = primarycare::ParseClaimPeriod(text, f);
  if (!p.ok()) return p.error().where == "period" && !p.error().why.empty() ? "" : "period refusal names no field";
  const Date first = p.value().first, last = p.value().last;
  if (first.day() != 1) return "period does not start on the 1st";
  if (last.day() != Date::DaysInMonth(last.year(), last.month())) return "period does not end on a month's last day";
  const int months = (last.year() - first.year()) * 12 + last.month() - first.month() + 1;
  if (f == primarycare::ClaimFrequency::kMonthly && months != 1) return "a monthly period is not one month";
  if (f == primarycare::ClaimFrequency::kQuarterly) {
    if (months != 3) return "a quarterly period is not three months";
    if (first.month() % 3 != 1) return "a quarter does not start in January, April, July or October";
  }
  if (p.value().label.empty()) return "period without a label";
  if (text.find(p.value().label.substr(0, 7)) == std::string::npos) return "label does not name the month typed";
  return "";
}

inline std::string CheckText(const std::string& text) {
  auto t = primarycare::CleanText("note", text, 50);
  if (!t.ok()) return t.error().where == "note" && !t.error().why.empty() ? "" : "text refusal names no field";
  const std::string& s = t.value();
  if (s.empty()) return "empty text accepted";
  if (s.front() == ' ' || s.back() == ' ') return "text not trimmed";
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7F) return "control character accepted";
  // Accepted text is accepted again unchanged (well-formed and in bounds).
  auto again = primarycare::CleanText("note", s, 50);
  if (!again.ok() || again.value() != s) return "cleaned text not stable";
  return "";
}

inline std::string CheckClaimRules(std::string_view data) {
  const auto f = SplitFields(data, 10);
  const auto freq = f[1] == "q" ? primarycare::ClaimFrequency::kQuarterly : primarycare::ClaimFrequency::kMonthly;
  if (std::string p = CheckPeriod(f[0], freq); !p.empty()) return p;
  if (std::string t = CheckText(f[9]); !t.empty()) return t;

  primarycare::Scheme s;
  s.ccg = "02E";
  s.code = f[7].empty() ? "LES-X" : f[7];
  s.name = f[8].empty() ? "Scheme" : f[8];
  s.specification = "Specification";
  s.evidence = "Evidence";
  s.fee_pence = NumberOr(f[3], 750);
  s.max_units_per_claim = NumberOr(f[4], 400);
  s.frequency = freq;
  auto from = Date::Parse(f[5]);
  auto to = Date::Parse(f[6]);
  s.window_from = from.ok() ? from.value() : Date::FromYmd(2024, 4, 1);
  s.window_to = to.ok() ? to.value() : Date::FromYmd(2025, 3, 31);
  Status v = primarycare::ValidateScheme(s);
  if (!v.ok()) return v.error().where.empty() || v.error().why.empty() ? "scheme refusal names no field" : "";
  for (char c : s.code)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return "scheme code with a bad character";
  if (s.fee_pence <= 0 || s.max_units_per_claim <= 0 || s.window_to < s.window_from) return "bad scheme accepted";

  auto period = primarycare::ParseClaimPeriod(f[0], freq);
  if (!period.ok()) return "";
  const int64_t units = NumberOr(f[2], 1);
  Status claim = primarycare::CheckClaim(s, period.value(), units, std::nullopt);
  if (!claim.ok()) return claim.error().where.empty() || claim.error().why.empty() ? "claim refusal names no field" : "";
  if (period.value().first < s.window_from || period.value().last > s.window_to) return "period outside the window accepted";
  if (units < 1 || units > s.max_units_per_claim) return "units outside 1..cap accepted";
  auto money = primarycare::PriceClaim(s, units);
  if (!money.ok()) return "an accepted claim cannot be priced";
  if (static_cast<Int128>(money.value().pence) != static_cast<Int128>(units) * s.fee_pence)
    return "amount is not units × fee";
  if (money.value().explanation.find(Money::FromPence(money.value().pence).ToString()) == std::string::npos)
    return "explanation does not show the amount";
  return "";
}

}  // namespace csu::fuzz
