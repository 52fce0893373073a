#include "primarycare/global_sum.h"

#include <set>

#include "core/text.h"
#include "refdata/table.h"

namespace csu::primarycare {
namespace {

std::string Thousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

Result<std::vector<GlobalSumRate>> FromTable(const refdata::Table& table) {
  std::vector<GlobalSumRate> rates;
  std::set<FinancialYear> seen;
  for (const refdata::TableRow& row : table.rows()) {
    CSU_ASSIGN_OR_RETURN(y, row.Required("year"));
    auto year = FinancialYear::Parse(y);
    if (!year.ok()) return row.Fail("year: '" + std::string(y) + "' is not a financial year such as 2024/25");
    if (!seen.insert(year.value()).second) return row.Fail("year: " + std::string(y) + " has another row");
    CSU_ASSIGN_OR_RETURN(price, row.RequiredMoney("gbp_per_weighted_patient"));
    if (price <= Money() || price > Money::FromPounds(10'000))
      return row.Fail("gbp_per_weighted_patient: must be above £0 and at most £10,000");
    CSU_ASSIGN_OR_RETURN(source, row.Required("source"));
    rates.push_back({year.value(), price, std::string(source)});
  }
  return rates;
}

}  // namespace

Result<GlobalSumRates> GlobalSumRates::Parse(const std::string& name, std::string_view text) {
  CSU_ASSIGN_OR_RETURN(table, refdata::Table::Parse(name, text, {"year", "gbp_per_weighted_patient", "source"}));
  CSU_ASSIGN_OR_RETURN(rates, FromTable(table));
  GlobalSumRates out;
  out.rates_ = std::move(rates);
  return out;
}

Result<GlobalSumRates> GlobalSumRates::Load(const std::string& dir) {
  CSU_ASSIGN_OR_RETURN(table, refdata::Table::Load(dir + "/global_sum.csv", {"year", "gbp_per_weighted_patient", "source"}));
  CSU_ASSIGN_OR_RETURN(rates, FromTable(table));
  GlobalSumRates out;
  out.rates_ = std::move(rates);
  return out;
}

Result<GlobalSumRate> GlobalSumRates::For(FinancialYear year) const {
  for (const GlobalSumRate& r : rates_)
    if (r.year == year) return r;
  return MakeError("global sum " + year.ToString(),
                   "no price per weighted patient for the year in data/primarycare/global_sum.csv");
}

// Declared in pc_store.h; defined here so the file readers link without the
// database (the fuzz target).
Date QuarterStart(Date day) { return Date::FromYmd(day.year(), (day.month() - 1) / 3 * 3 + 1, 1); }

std::string FormatMillionths(int64_t millionths) {
  std::string frac = std::to_string(millionths % 1'000'000);
  frac = std::string(6 - frac.size(), '0') + frac;
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return Thousands(millionths / 1'000'000) + (frac.empty() ? "" : "." + frac);
}

GlobalSumMonth CalculateGlobalSumMonth(int64_t weighted_millionths, int64_t registered, const GlobalSumRate& rate,
                                       ledger::LedgerPeriod month, Date quarter) {
  GlobalSumMonth out;
  const Int128 numerator = Int128(weighted_millionths) * rate.per_weighted_patient.pence();
  out.amount = Money::FromPence(DivRoundHalfAway(numerator, Int128(12) * 1'000'000));
  out.explanation = FormatMillionths(weighted_millionths) + " weighted patients (registered " + Thousands(registered) +
                    ", list at " + quarter.ToString() + ") × " + rate.per_weighted_patient.ToString() +
                    " per weighted patient (" + rate.year.ToString() + ") ÷ 12 = " + out.amount.ToString() +
                    " for " + month.ToString() + ", to the nearest penny, halves up";
  return out;
}

}  // namespace csu::primarycare
