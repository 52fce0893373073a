#include "payroll/afc_pay.h"

#include <algorithm>
#include <utility>

#include "core/text.h"
#include "payroll/explain_text.h"
#include "refdata/table.h"

namespace csu::payroll {
namespace {

using refdata::Table;
using refdata::TableRow;

Result<std::string> PayYear(const TableRow& row) {
  CSU_ASSIGN_OR_RETURN(s, row.Required("pay_year"));
  auto year = FinancialYear::Parse(s);
  if (!year.ok()) return row.Fail("pay_year: '" + std::string(s) + "' is not a pay year such as 2025/26");
  return year.value().ToString();
}

bool KnownBand(std::string_view b) {
  static constexpr std::string_view kBands[] = {"1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9"};
  return std::find(std::begin(kBands), std::end(kBands), b) != std::end(kBands);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

}  // namespace

std::string_view HcasZoneName(HcasZone z) {
  switch (z) {
    case HcasZone::kNone: return "";
    case HcasZone::kInnerLondon: return "inner_london";
    case HcasZone::kOuterLondon: return "outer_london";
    case HcasZone::kFringe: return "fringe";
  }
  return "";
}

std::optional<HcasZone> ParseHcasZone(std::string_view s) {
  const std::string l = Lower(s);
  if (l.empty() || l == "none") return HcasZone::kNone;
  if (l == "inner_london" || l == "inner") return HcasZone::kInnerLondon;
  if (l == "outer_london" || l == "outer") return HcasZone::kOuterLondon;
  if (l == "fringe") return HcasZone::kFringe;
  return std::nullopt;
}

const AfcPayPoint* AfcYear::Point(std::string_view band, int step) const {
  for (const AfcPayPoint& p : points) {
    if (p.band == band && p.step == step) return &p;
  }
  return nullptr;
}

int AfcYear::LastStep(std::string_view band) const {
  int last = 0;
  for (const AfcPayPoint& p : points) {
    if (p.band == band) last = std::max(last, p.step);
  }
  return last;
}

const HcasRate* AfcYear::Hcas(HcasZone z) const {
  for (const HcasRate& h : hcas) {
    if (h.zone == z) return &h;
  }
  return nullptr;
}

Result<AfcScales> AfcScales::Load(const std::string& dir) {
  AfcScales scales;
  CSU_ASSIGN_OR_RETURN(points, Table::Load(dir + "/afc_pay_points.csv",
                                           {"pay_year", "band", "step", "years_to_reach", "annual_pay", "source"}));
  for (const TableRow& row : points.rows()) {
    CSU_ASSIGN_OR_RETURN(year, PayYear(row));
    CSU_ASSIGN_OR_RETURN(band_text, row.Required("band"));
    const std::string band = Lower(band_text);
    if (!KnownBand(band)) return row.Fail("band: '" + std::string(band_text) + "' is not an Agenda for Change band (1–9, 8a–8d)");
    CSU_ASSIGN_OR_RETURN(step, row.Int("step"));
    CSU_ASSIGN_OR_RETURN(years, row.Int("years_to_reach"));
    CSU_ASSIGN_OR_RETURN(annual, row.Int("annual_pay"));
    CSU_ASSIGN_OR_RETURN(source, row.Required("source"));
    (void)source;
    AfcYear& y = scales.years_[year];
    y.year = year;
    const int last = y.LastStep(band);
    if (step != last + 1) {
      return row.Fail("step: band " + band + " step " + std::to_string(step) + " follows step " + std::to_string(last) +
                      "; steps must be 1, 2, 3 … in order");
    }
    if (step == 1 && years != 0) return row.Fail("years_to_reach: the entry step point (step 1) is reached at 0 years");
    if (step > 1 && years <= y.Point(band, last)->years_to_reach) {
      return row.Fail("years_to_reach: must be more than the step before it");
    }
    if (annual <= 0 || annual > 10'000'000) return row.Fail("annual_pay: must be a whole number of pounds above 0");
    if (step > 1 && annual <= y.Point(band, last)->annual_pounds) return row.Fail("annual_pay: must rise step by step");
    y.points.push_back({band, static_cast<int>(step), static_cast<int>(years), annual});
  }

  CSU_ASSIGN_OR_RETURN(hcas, Table::Load(dir + "/afc_hcas.csv", {"pay_year", "zone", "percent", "minimum", "maximum", "source"}));
  for (const TableRow& row : hcas.rows()) {
    CSU_ASSIGN_OR_RETURN(year, PayYear(row));
    CSU_ASSIGN_OR_RETURN(zone_text, row.Required("zone"));
    auto zone = ParseHcasZone(zone_text);
    if (!zone || *zone == HcasZone::kNone) {
      return row.Fail("zone: '" + std::string(zone_text) + "' is not inner_london, outer_london or fringe");
    }
    CSU_ASSIGN_OR_RETURN(bp, row.Scaled("percent", 2));
    if (bp <= 0 || bp > 10000) return row.Fail("percent: must lie above 0 and at most 100");
    CSU_ASSIGN_OR_RETURN(min, row.Int("minimum"));
    CSU_ASSIGN_OR_RETURN(max, row.Int("maximum"));
    if (min < 0 || max < min) return row.Fail("maximum: must not be below the minimum (and neither negative)");
    AfcYear& y = scales.years_[year];
    y.year = year;
    if (y.Hcas(*zone) != nullptr) return row.Fail("zone: " + std::string(HcasZoneName(*zone)) + " appears twice for " + year);
    y.hcas.push_back({*zone, bp, min, max});
  }
  for (const auto& [name, y] : scales.years_) {
    if (!y.hcas.empty() && y.hcas.size() != 3) {
      return MakeError("afc_hcas.csv", name + " has some high cost area zones but not all three");
    }
  }
  return scales;
}

const AfcYear* AfcScales::Year(std::string_view year) const {
  auto it = years_.find(year);
  return it == years_.end() ? nullptr : &it->second;
}

std::vector<std::string> AfcScales::Years() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : years_) out.push_back(k);
  return out;
}

int AfcStepOn(const AfcYear& year, std::string_view band, int step, std::optional<Date> incremental_date, Date day) {
  const int last = year.LastStep(band);
  Date due = incremental_date.value_or(Date());
  while (incremental_date && step < last && day >= due) {
    const AfcPayPoint* from = year.Point(band, step);
    const AfcPayPoint* to = year.Point(band, step + 1);
    ++step;
    if (step >= last || from == nullptr || to == nullptr) break;
    // The next step is due the further years its step point needs after this one.
    const int gap = year.Point(band, step + 1)->years_to_reach - to->years_to_reach;
    due = Date::FromYmd(due.year() + gap, due.month(), due.month() == 2 && due.day() == 29 ? 28 : due.day());
  }
  return step;
}

Money HcasAnnual(const HcasRate& rate, Money annual_basic) {
  const int64_t pct = DivRoundHalfAway(static_cast<Int128>(annual_basic.pence()) * rate.percent_bp, 10'000);
  return Money::FromPence(std::clamp(pct, rate.minimum_pounds * 100, rate.maximum_pounds * 100));
}

Result<AfcPeriodPay> AfcPayForPeriod(const AfcYear& year, std::string_view band, int step,
                                     std::optional<Date> incremental_date, const Fte& fte, HcasZone zone,
                                     Frequency frequency, Date period_start, Date period_end) {
  const int last = year.LastStep(band);
  if (last == 0) {
    std::string known;
    for (const AfcPayPoint& p : year.points) {
      if (known.find(" " + p.band + ",") == std::string::npos && p.step == 1) known += " " + p.band + ",";
    }
    if (!known.empty()) known.pop_back();
    return MakeError("afc_band", "'" + std::string(band) + "' has no pay points for " + year.year + " (the reference data has" +
                                     known + ")");
  }
  if (step < 1 || step > last) {
    return MakeError("afc_step", std::to_string(step) + " is not a step point of band " + std::string(band) + " (1–" +
                                     std::to_string(last) + ")");
  }
  if (fte.contracted_centihours <= 0 || fte.full_time_centihours <= 0 || fte.contracted_centihours > fte.full_time_centihours) {
    return MakeError("contracted_hours", "must be above 0 and not above the full-time hours");
  }
  const HcasRate* hcas = nullptr;
  if (zone != HcasZone::kNone) {
    hcas = year.Hcas(zone);
    if (hcas == nullptr) {
      return MakeError("hcas_zone", "no high cost area supplement rates for " + year.year +
                                        " in the reference data (data/payroll/afc_hcas.csv)");
    }
  }
  const int32_t days = period_end - period_start + 1;
  const int32_t period_days = frequency == Frequency::kMonthly ? Date::DaysInMonth(period_end.year(), period_end.month()) : 7;
  if (days < 1 || days > period_days) {
    return MakeError("period_end", "the period " + period_start.ToString() + " to " + period_end.ToString() +
                                       " is not within one " + (frequency == Frequency::kMonthly ? "calendar month" : "week"));
  }
  // Days at each step point: a step due inside the period is paid from its date.
  const int start_step = AfcStepOn(year, band, step, incremental_date, period_start);
  const int end_step = AfcStepOn(year, band, step, incremental_date, period_end);
  int32_t days_before = days;
  Date change;
  if (end_step != start_step) {
    // Only one step can fall inside a month or week (steps are years apart).
    change = *incremental_date;
    while (AfcStepOn(year, band, step, incremental_date, change) != end_step) change = change.AddDays(1);
    days_before = change - period_start;
  }
  const int64_t basic_a = year.Point(band, start_step)->annual_pounds * 100;
  const int64_t basic_b = year.Point(band, end_step)->annual_pounds * 100;
  const int64_t hcas_a = hcas ? HcasAnnual(*hcas, Money::FromPence(basic_a)).pence() : 0;
  const int64_t hcas_b = hcas ? HcasAnnual(*hcas, Money::FromPence(basic_b)).pence() : 0;
  const int32_t days_after = days - days_before;
  // Monthly: annual × FTE × days ÷ (12 × days in the month); weekly: annual ×
  // FTE × days ÷ 365 (AfC's 52.143-week year). Each rounded once.
  const Int128 denominator = static_cast<Int128>(fte.full_time_centihours) *
                             (frequency == Frequency::kMonthly ? 12 * period_days : 365);
  auto pay = [&](int64_t a, int64_t b) {
    const Int128 units = static_cast<Int128>(a) * days_before + static_cast<Int128>(b) * days_after;
    return Money::FromPence(DivRoundHalfAway(units * fte.contracted_centihours, denominator));
  };
  AfcPeriodPay r;
  r.basic = pay(basic_a, basic_b);
  r.hcas = pay(hcas_a, hcas_b);
  r.annual_basic_fte = Money::FromPence(basic_b);
  r.step_at_end = end_step;

  using explain::Append;
  using explain::Pounds;
  const bool monthly = frequency == Frequency::kMonthly;
  auto append_fte = [&](std::string& o) {
    if (!fte.full_time()) {
      Append(o, " × ", explain::Decimal{fte.contracted_centihours}, "/", explain::Decimal{fte.full_time_centihours}, " hours");
    }
  };
  auto append_per = [&](std::string& o) {
    if (!monthly) {
      Append(o, " × ", days, " days ÷ 365");
    } else if (days == period_days) {
      Append(o, " ÷ 12");
    } else {
      Append(o, " × ", days, "/", period_days, " days ÷ 12");
    }
  };
  std::string& why = explain::Scratch();
  Append(why, "AfC ", year.year, " band ", band);
  if (end_step == start_step) {
    Append(why, " step ", end_step, " ", Pounds{basic_b / 100}, " a year");
    append_fte(why);
    append_per(why);
  } else {
    Append(why, " step ", start_step, " ", Pounds{basic_a / 100}, " for ", days_before, " days, step ", end_step, " ",
           Pounds{basic_b / 100}, " from the incremental date ", change.ToString(), " for ", days_after, " days");
    append_fte(why);
    Append(why, monthly ? " ÷ 12 ÷ " : " ÷ 365");
    if (monthly) Append(why, period_days, " days");
  }
  Append(why, " = ", r.basic);
  if (hcas) {
    Append(why, "; HCAS ", HcasZoneName(zone), " ", explain::Percent{hcas->percent_bp}, " of basic, between ",
           Pounds{hcas->minimum_pounds}, " and ", Pounds{hcas->maximum_pounds}, " = ", Money::FromPence(hcas_b), " a year");
    append_fte(why);
    append_per(why);
    Append(why, " = ", r.hcas);
  }
  r.explanation = why;
  return r;
}

}  // namespace csu::payroll
