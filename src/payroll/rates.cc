#include "payroll/rates.h"

#include <utility>

#include "core/date.h"
#include "refdata/table.h"

namespace csu::payroll {
namespace {

using refdata::Table;
using refdata::TableRow;

// "2025/26" (also "2025-26"), kept in the "2025/26" form.
Result<std::string> TaxYear(const TableRow& row) {
  CSU_ASSIGN_OR_RETURN(s, row.Required("tax_year"));
  auto year = FinancialYear::Parse(s);
  if (!year.ok()) return row.Fail("tax_year: '" + std::string(s) + "' is not a tax year such as 2025/26");
  return year.value().ToString();
}

Result<int64_t> BasisPoints(const TableRow& row, const char* column) {
  CSU_ASSIGN_OR_RETURN(bp, row.Scaled(column, 2));
  if (bp < 0 || bp > 10000) return row.Fail(std::string(column) + ": a percentage must lie between 0 and 100");
  return bp;
}

// An ascending upper limit, or none for the last row of a table.
Status Ascending(const TableRow& row, const std::optional<int64_t>& previous, bool previous_open,
                 const std::optional<int64_t>& upper, const char* column) {
  if (previous_open) return row.Fail(std::string(column) + ": a row after the top band (the one without a limit)");
  if (upper && previous && *upper <= *previous) return row.Fail(std::string(column) + ": limits must rise row by row");
  if (upper && *upper <= 0) return row.Fail(std::string(column) + ": must be above 0");
  return Status();
}

}  // namespace

std::string_view FrequencyName(Frequency f) { return f == Frequency::kWeekly ? "weekly" : "monthly"; }

std::string PercentText(int64_t bp) {
  std::string s = std::to_string(bp / 100);
  const int64_t frac = bp % 100;
  if (frac != 0) s += frac % 10 == 0 ? "." + std::to_string(frac / 10) : (frac < 10 ? ".0" : ".") + std::to_string(frac);
  return s + "%";
}

const NiCategory* TaxYearRates::Category(char letter) const {
  for (const NiCategory& c : categories) {
    if (c.letter == letter) return &c;
  }
  return nullptr;
}

Result<PayrollRates> PayrollRates::Load(const std::string& dir) {
  PayrollRates rates;
  auto year_of = [&](const std::string& y) -> TaxYearRates& {
    TaxYearRates& r = rates.years_[y];
    r.year = y;
    return r;
  };

  CSU_ASSIGN_OR_RETURN(bands, Table::Load(dir + "/income_tax_bands.csv", {"tax_year", "region", "band_upper", "rate_pct"}));
  for (const TableRow& row : bands.rows()) {
    CSU_ASSIGN_OR_RETURN(year, TaxYear(row));
    CSU_ASSIGN_OR_RETURN(region_text, row.Required("region"));
    TaxRegion region;
    if (region_text == "UK") region = TaxRegion::kUk;
    else if (region_text == "S") region = TaxRegion::kScotland;
    else if (region_text == "C") region = TaxRegion::kWales;
    else return row.Fail("region: '" + std::string(region_text) + "' is not UK, S (Scotland) or C (Wales)");
    CSU_ASSIGN_OR_RETURN(upper, row.OptionalInt("band_upper"));
    CSU_ASSIGN_OR_RETURN(bp, BasisPoints(row, "rate_pct"));
    auto& list = year_of(year).bands[region];
    const bool open = !list.empty() && !list.back().upper_pounds;
    if (Status ok = Ascending(row, list.empty() ? std::nullopt : list.back().upper_pounds, open, upper, "band_upper");
        !ok.ok()) {
      return ok.error();
    }
    list.push_back({upper, bp});
  }

  CSU_ASSIGN_OR_RETURN(ni, Table::Load(dir + "/national_insurance.csv", {"tax_year", "frequency", "lel", "pt", "st", "uel"}));
  std::map<std::string, int> frequencies_seen;
  for (const TableRow& row : ni.rows()) {
    CSU_ASSIGN_OR_RETURN(year, TaxYear(row));
    CSU_ASSIGN_OR_RETURN(freq, row.Required("frequency"));
    NiThresholds t;
    CSU_ASSIGN_OR_RETURN(lel, row.Int("lel"));
    CSU_ASSIGN_OR_RETURN(pt, row.Int("pt"));
    CSU_ASSIGN_OR_RETURN(st, row.Int("st"));
    CSU_ASSIGN_OR_RETURN(uel, row.Int("uel"));
    t = {lel, pt, st, uel};
    if (lel <= 0 || pt <= 0 || st <= 0 || uel <= pt || uel <= st) {
      return row.Fail("thresholds must be above 0 and the UEL above the primary and secondary thresholds");
    }
    if (freq == "weekly") year_of(year).weekly = t, frequencies_seen[year] |= 1;
    else if (freq == "monthly") year_of(year).monthly = t, frequencies_seen[year] |= 2;
    else return row.Fail("frequency: '" + std::string(freq) + "' is not weekly or monthly");
  }

  CSU_ASSIGN_OR_RETURN(cats, Table::Load(dir + "/ni_categories.csv", {"tax_year", "category", "employee_main_pct",
                                                                       "employee_above_uel_pct", "employer_pct",
                                                                       "employer_from"}));
  for (const TableRow& row : cats.rows()) {
    CSU_ASSIGN_OR_RETURN(year, TaxYear(row));
    CSU_ASSIGN_OR_RETURN(letter, row.Required("category"));
    if (letter.size() != 1 || letter[0] < 'A' || letter[0] > 'Z') {
      return row.Fail("category: '" + std::string(letter) + "' is not one capital letter");
    }
    NiCategory c;
    c.letter = letter[0];
    CSU_ASSIGN_OR_RETURN(main, BasisPoints(row, "employee_main_pct"));
    CSU_ASSIGN_OR_RETURN(above, BasisPoints(row, "employee_above_uel_pct"));
    CSU_ASSIGN_OR_RETURN(employer, BasisPoints(row, "employer_pct"));
    CSU_ASSIGN_OR_RETURN(from, row.Required("employer_from"));
    if (from != "st" && from != "uel") return row.Fail("employer_from: '" + std::string(from) + "' is not st or uel");
    c.employee_main_bp = main;
    c.employee_above_uel_bp = above;
    c.employer_bp = employer;
    c.employer_from_uel = from == "uel";
    TaxYearRates& y = year_of(year);
    if (y.Category(c.letter)) return row.Fail("category: " + std::string(letter) + " is listed twice for " + year);
    y.categories.push_back(c);
  }

  CSU_ASSIGN_OR_RETURN(tiers, Table::Load(dir + "/nhs_pension.csv", {"tax_year", "up_to", "member_pct"}));
  for (const TableRow& row : tiers.rows()) {
    CSU_ASSIGN_OR_RETURN(year, TaxYear(row));
    CSU_ASSIGN_OR_RETURN(up_to, row.OptionalInt("up_to"));
    CSU_ASSIGN_OR_RETURN(bp, BasisPoints(row, "member_pct"));
    auto& list = year_of(year).pension_tiers;
    const bool open = !list.empty() && !list.back().up_to_pounds;
    if (Status ok = Ascending(row, list.empty() ? std::nullopt : list.back().up_to_pounds, open, up_to, "up_to");
        !ok.ok()) {
      return ok.error();
    }
    list.push_back({up_to, bp});
  }

  CSU_ASSIGN_OR_RETURN(employer, Table::Load(dir + "/nhs_pension_employer.csv", {"tax_year", "employer_pct", "levy_pct"}));
  std::map<std::string, bool> employer_seen;
  for (const TableRow& row : employer.rows()) {
    CSU_ASSIGN_OR_RETURN(year, TaxYear(row));
    CSU_ASSIGN_OR_RETURN(bp, BasisPoints(row, "employer_pct"));
    CSU_ASSIGN_OR_RETURN(levy, BasisPoints(row, "levy_pct"));
    year_of(year).employer_pension_bp = bp;
    year_of(year).pension_levy_bp = levy;
    employer_seen[year] = true;
  }

  // Every year must be whole: a year with bands but no NI would price
  // a payslip with half its deductions.
  for (const auto& [year, r] : rates.years_) {
    const std::string where = dir + "/income_tax_bands.csv";
    for (TaxRegion region : {TaxRegion::kUk, TaxRegion::kScotland, TaxRegion::kWales}) {
      auto it = r.bands.find(region);
      if (it == r.bands.end() || it->second.empty() || it->second.back().upper_pounds) {
        return MakeError(where, year + ": each region (UK, S, C) needs its bands, ending with one without a limit");
      }
    }
    if (frequencies_seen[year] != 3) {
      return MakeError(dir + "/national_insurance.csv", year + ": needs weekly and monthly thresholds");
    }
    if (r.categories.empty()) return MakeError(dir + "/ni_categories.csv", year + ": no NI categories");
    if (r.pension_tiers.empty() || r.pension_tiers.back().up_to_pounds) {
      return MakeError(dir + "/nhs_pension.csv", year + ": needs member tiers ending with one without a limit");
    }
    if (!employer_seen[year]) return MakeError(dir + "/nhs_pension_employer.csv", year + ": no employer rate");
  }
  return rates;
}

const TaxYearRates* PayrollRates::Year(std::string_view year) const {
  auto it = years_.find(year);
  return it == years_.end() ? nullptr : &it->second;
}

std::vector<std::string> PayrollRates::Years() const {
  std::vector<std::string> out;
  for (const auto& [year, r] : years_) out.push_back(year);
  return out;
}

}  // namespace csu::payroll
