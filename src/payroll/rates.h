// Payroll rates and thresholds per tax year, read from the dated reference
// data in data/payroll/ (each row with its source; layouts in
// data/payroll/README.md). Nothing here is a constant in code: a new tax year
// is new rows.
//
// Rates are basis points (20% = 2000, 13.8% = 1380, 0.08% = 8); amounts are
// whole pounds as HMRC and NHS Employers publish them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace csu::payroll {

enum class Frequency : uint8_t { kWeekly, kMonthly };
// UK = England and Northern Ireland; S = Scotland (code prefix S); C = Wales
// (code prefix C).
enum class TaxRegion : uint8_t { kUk, kScotland, kWales };

std::string_view FrequencyName(Frequency f);  // "weekly", "monthly"
// Basis points as people write the rate: "20%", "13.8%", "1.85%", "0.08%".
std::string PercentText(int64_t bp);
inline int PeriodsPerYear(Frequency f) { return f == Frequency::kWeekly ? 52 : 12; }

struct TaxBand {
  std::optional<int64_t> upper_pounds;  // cumulative taxable pay in the year; none for the top band
  int64_t rate_bp = 0;
};

// Class 1 thresholds for one pay frequency, in whole pounds per period.
struct NiThresholds {
  int64_t lel = 0, pt = 0, st = 0, uel = 0;
};

struct NiCategory {
  char letter = 'A';
  int64_t employee_main_bp = 0;       // between the primary threshold and the UEL
  int64_t employee_above_uel_bp = 0;  // above the UEL
  int64_t employer_bp = 0;
  // Employer NI starts above the secondary threshold (false) or above the
  // upper secondary threshold, which equals the UEL (true: M, H, V, Z).
  bool employer_from_uel = false;
};

struct PensionTier {
  std::optional<int64_t> up_to_pounds;  // actual annual pensionable pay; none for the top tier
  int64_t member_bp = 0;
};

struct TaxYearRates {
  std::string year;  // "2025/26"
  std::map<TaxRegion, std::vector<TaxBand>> bands;  // ascending; the last has no upper limit
  NiThresholds weekly, monthly;
  std::vector<NiCategory> categories;
  std::vector<PensionTier> pension_tiers;  // ascending
  int64_t employer_pension_bp = 0;
  int64_t pension_levy_bp = 0;

  const NiThresholds& Thresholds(Frequency f) const { return f == Frequency::kWeekly ? weekly : monthly; }
  const NiCategory* Category(char letter) const;
};

class PayrollRates {
 public:
  // Loads every file of data/payroll; a malformed or incomplete year (no
  // top band, thresholds for one frequency only, no pension table) is an
  // error naming the file and line.
  static Result<PayrollRates> Load(const std::string& dir);

  const TaxYearRates* Year(std::string_view year) const;
  std::vector<std::string> Years() const;

 private:
  std::map<std::string, TaxYearRates, std::less<>> years_;
};

}  // namespace csu::payroll
