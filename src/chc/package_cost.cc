#include "chc/package_cost.h"

#include <algorithm>

#include "core/text.h"

namespace csu::chc {

std::string_view SettingName(Setting s) {
  switch (s) {
    case Setting::kCareHomeNursing: return "care_home_nursing";
    case Setting::kCareHome: return "care_home";
    case Setting::kDomiciliary: return "domiciliary";
    case Setting::kPersonalHealthBudget: return "phb";
  }
  return "?";
}

std::optional<Setting> ParseSetting(std::string_view name) {
  for (Setting s : {Setting::kCareHomeNursing, Setting::kCareHome, Setting::kDomiciliary, Setting::kPersonalHealthBudget})
    if (SettingName(s) == name) return s;
  return std::nullopt;
}

Result<int64_t> ParseUnitsX100(std::string_view text) {
  const std::string t(Trim(text));
  if (t.empty()) return MakeError("units", "empty");
  size_t dot = t.find('.');
  std::string whole = t.substr(0, dot), frac = dot == std::string::npos ? "" : t.substr(dot + 1);
  if (whole.empty() || whole.size() > 6 || frac.size() > 2 ||
      !std::all_of(whole.begin(), whole.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      !std::all_of(frac.begin(), frac.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      (dot != std::string::npos && frac.empty()))
    return MakeError("units", "'" + t + "' is not a number of units per week with at most two decimals");
  while (frac.size() < 2) frac += '0';
  int64_t v = std::stoll(whole) * 100 + std::stoll(frac);
  if (v <= 0) return MakeError("units", "units per week must be more than 0");
  return v;
}

std::string UnitsX100ToString(int64_t u) {
  std::string s = std::to_string(u / 100);
  if (u % 100 != 0) {
    int64_t f = u % 100;
    s += "." + std::string(f < 10 ? "0" : "") + std::to_string(f);
    if (s.back() == '0') s.pop_back();
  }
  return s;
}

Money WeeklyCost(const PackageVersion& v) {
  return Money::FromPence(DivRoundHalfAway(static_cast<Int128>(v.unit_cost.pence()) * v.units_x100, 100));
}

Money CostForDays(const PackageVersion& v, int64_t days) {
  if (days <= 0) return Money();
  return Money::FromPence(
      DivRoundHalfAway(static_cast<Int128>(v.unit_cost.pence()) * v.units_x100 * days, static_cast<Int128>(700)));
}

std::vector<Span> Spans(const Package& p) {
  std::vector<Span> out;
  for (size_t i = 0; i < p.versions.size(); ++i) {
    Span s;
    s.version = &p.versions[i];
    s.from = p.versions[i].start;
    if (i + 1 < p.versions.size()) s.to = p.versions[i + 1].start.AddDays(-1);
    if (p.end && (!s.to || *p.end < *s.to)) s.to = p.end;
    if (s.to && *s.to < s.from) continue;  // a version replaced before it began, or after the end
    out.push_back(s);
  }
  return out;
}

Money CostBetween(const Package& p, Date from, Date to) {
  Money total;
  for (const Span& s : Spans(p)) {
    Date a = std::max(from, s.from);
    Date b = s.to ? std::min(to, *s.to) : to;
    if (b < a) continue;
    total += CostForDays(*s.version, (b - a) + 1);
  }
  return total;
}

std::map<std::string, std::vector<MonthCommitment>> CommittedToYearEnd(const std::vector<Package>& packages,
                                                                        Date as_of) {
  const FinancialYear fy = FinancialYear::Of(as_of);
  const Date year_end = fy.last_day();
  std::vector<Date> month_starts;
  for (Date m = Date::FromYmd(as_of.year(), as_of.month(), 1); m <= year_end;
       m = Date::FromYmd(m.month() == 12 ? m.year() + 1 : m.year(), m.month() == 12 ? 1 : m.month() + 1, 1))
    month_starts.push_back(m);
  std::map<std::string, std::vector<MonthCommitment>> out;
  for (const Package& p : packages) {
    auto& months = out[p.ccg];
    if (months.empty())
      for (Date m : month_starts) months.push_back({m, Money()});
    for (const Span& s : Spans(p)) {
      for (size_t i = 0; i < month_starts.size(); ++i) {
        Date m_from = std::max(month_starts[i], as_of);
        Date m_to = month_starts[i].AddDays(Date::DaysInMonth(month_starts[i].year(), month_starts[i].month()) - 1);
        Date a = std::max(m_from, s.from);
        Date b = s.to ? std::min(m_to, *s.to) : m_to;
        if (b < a) continue;
        months[i].amount += CostForDays(*s.version, (b - a) + 1);
      }
    }
  }
  return out;
}

Status CheckVersion(const PackageVersion& v) {
  if (Trim(v.provider).empty()) return MakeError("provider", "a package needs a provider (ODS code or local register id)");
  if (v.unit_cost.pence() <= 0) return MakeError("unit cost", "must be more than 0");
  if (v.units_x100 <= 0) return MakeError("units", "units per week must be more than 0");
  return Status::Ok();
}

}  // namespace csu::chc
