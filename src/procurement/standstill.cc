#include "procurement/standstill.h"

#include <fmt/format.h>

#include "refdata/table.h"

namespace csu::procurement {

std::string_view RegimeName(Regime r) {
  switch (r) {
    case Regime::kPsr: return "psr";
    case Regime::kProcurementAct2023: return "pa2023";
    case Regime::kPcr2015: return "pcr2015";
  }
  return "psr";
}

std::string_view RegimeTitle(Regime r) {
  switch (r) {
    case Regime::kPsr: return "Health Care Services (Provider Selection Regime) Regulations 2023";
    case Regime::kProcurementAct2023: return "Procurement Act 2023";
    case Regime::kPcr2015: return "Public Contracts Regulations 2015";
  }
  return "";
}

std::optional<Regime> ParseRegime(std::string_view s) {
  if (s == "psr") return Regime::kPsr;
  if (s == "pa2023") return Regime::kProcurementAct2023;
  if (s == "pcr2015") return Regime::kPcr2015;
  return std::nullopt;
}

Result<BankHolidays> BankHolidays::Load(const std::string& path) {
  CSU_ASSIGN_OR_RETURN(table, refdata::Table::Load(path, {"date", "name"}));
  std::vector<Date> dates;
  for (const auto& row : table.rows()) {
    auto d = Date::Parse(row.Text("date"));
    if (!d.ok()) return row.Fail("date: " + d.error().why);
    dates.push_back(d.value());
  }
  if (dates.empty()) return MakeError(table.name(), "the file lists no bank holidays");
  return FromDates(dates);
}

BankHolidays BankHolidays::FromDates(const std::vector<Date>& dates) {
  BankHolidays h;
  for (Date d : dates) {
    h.dates_.insert(d.days());
    if (h.last_year_ < h.first_year_) {
      h.first_year_ = h.last_year_ = d.year();
    } else {
      h.first_year_ = std::min(h.first_year_, d.year());
      h.last_year_ = std::max(h.last_year_, d.year());
    }
  }
  return h;
}

bool BankHolidays::IsWorkingDay(Date d) const {
  const int32_t w = d.weekday();
  return w <= 4 && !IsHoliday(d);  // 0 = Monday ... 4 = Friday
}

Result<Standstill> StandstillPeriod(Regime regime, Date notice, const BankHolidays& holidays) {
  const std::string where = "standstill from " + notice.ToString();
  if (regime == Regime::kPcr2015)
    return MakeError(where, "the Public Contracts Regulations 2015 are kept for historic records; their standstill "
                            "is not computed");
  Standstill s;
  s.regime = regime;
  s.notice = notice;
  Date d = regime == Regime::kPsr ? notice.AddDays(1) : notice;
  while (static_cast<int>(s.counted.size()) < kStandstillWorkingDays) {
    if (!holidays.Covers(d))
      return MakeError(where, fmt::format("the bank holiday list does not cover {}", d.year()));
    if (holidays.IsWorkingDay(d)) s.counted.push_back(d);
    d = d.AddDays(1);
  }
  s.last_day = s.counted.back();
  s.contract_from = s.last_day.AddDays(1);
  s.rule = regime == Regime::kPsr
               ? "8 working days counted from the day after the notice is published (PSR regulation 12)"
               : "8 working days beginning with the day the contract award notice is published (Procurement Act "
                 "2023 section 51)";
  return s;
}

}  // namespace csu::procurement
