#include "primarycare/qof_files.h"

#include <unordered_map>
#include <utility>

#include "core/date.h"
#include "core/text.h"
#include "refdata/table.h"

namespace csu::primarycare {
namespace {

using refdata::Table;
using refdata::TableRow;

// A GP practice code: a letter and five digits ("N81001"); any case.
Result<std::string> PracticeCode(const TableRow& row) {
  CSU_ASSIGN_OR_RETURN(s, row.Required("practice_code"));
  std::string code = ToUpper(s);
  bool ok = code.size() == 6 && code[0] >= 'A' && code[0] <= 'Z';
  for (size_t k = 1; ok && k < code.size(); ++k) ok = code[k] >= '0' && code[k] <= '9';
  if (!ok) return row.Fail("practice_code: '" + std::string(s) + "' is not a GP practice code (a letter and five digits, e.g. N81001)");
  return code;
}

// A QOF indicator id: a letter, then letters and digits ("DM012", "SMOK005").
Result<std::string> IndicatorCode(const TableRow& row) {
  CSU_ASSIGN_OR_RETURN(s, row.Required("indicator"));
  std::string code = ToUpper(s);
  bool ok = code.size() >= 2 && code.size() <= 12 && code[0] >= 'A' && code[0] <= 'Z';
  for (char c : code) ok = ok && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
  if (!ok) return row.Fail("indicator: '" + std::string(s) + "' is not a QOF indicator id (letters then digits, e.g. DM012)");
  return code;
}

// "2024/25" (also "2024-25"), kept in the "2024/25" form.
Result<std::string> Year(const TableRow& row) {
  CSU_ASSIGN_OR_RETURN(s, row.Required("year"));
  auto year = FinancialYear::Parse(s);
  if (!year.ok()) return row.Fail("year: '" + std::string(s) + "' is not a financial year such as 2024/25");
  return year.value().ToString();
}

Result<int64_t> Count(const TableRow& row, const char* column) {
  CSU_ASSIGN_OR_RETURN(v, row.Int(column));
  if (v < 0) return row.Fail(std::string(column) + ": must not be negative");
  return v;
}

Result<int64_t> PercentField(const TableRow& row, const char* column) {
  std::string_view s = row.Text(column);
  if (!s.empty() && s.back() == '%') {
    return row.Fail(std::string(column) + ": write the percentage as a plain number without '%' (45 for 45%)");
  }
  return row.Scaled(column, kPercentDigits);
}

Result<QofPractice> ReadPractice(const TableRow& row, bool has_prior) {
  QofPractice p;
  CSU_ASSIGN_OR_RETURN(code, PracticeCode(row));
  p.practice_code = std::move(code);
  CSU_ASSIGN_OR_RETURN(year, Year(row));
  p.year = std::move(year);
  CSU_ASSIGN_OR_RETURN(list, row.Int("list_size"));
  p.list_size = list;
  CSU_ASSIGN_OR_RETURN(average, row.Int("national_average_list_size"));
  p.national_average_list_size = average;
  CSU_ASSIGN_OR_RETURN(gbp, row.RequiredMoney("gbp_per_point"));
  p.gbp_per_point = gbp;
  // The prior year's figures for aspiration payments: all five or none.
  const char* prior_columns[] = {"prior_points", "prior_gbp_per_point", "prior_list_size",
                                 "prior_national_average_list_size", "aspiration_pct"};
  if (has_prior) {
    int filled = 0;
    for (const char* c : prior_columns) filled += row.Text(c).empty() ? 0 : 1;
    if (filled != 0 && filled != 5) {
      for (const char* c : prior_columns) {
        if (row.Text(c).empty()) return row.Fail(std::string(c) + ": value missing (give all the prior year's figures or none)");
      }
    }
    if (filled == 5) {
      QofPractice::Prior prior;
      CSU_ASSIGN_OR_RETURN(points, row.Scaled("prior_points", 2));
      CSU_ASSIGN_OR_RETURN(gbp_prior, row.RequiredMoney("prior_gbp_per_point"));
      CSU_ASSIGN_OR_RETURN(list_prior, row.Int("prior_list_size"));
      CSU_ASSIGN_OR_RETURN(average_prior, row.Int("prior_national_average_list_size"));
      CSU_ASSIGN_OR_RETURN(aspiration, row.Scaled("aspiration_pct", 2));
      if (points < 0 || points > 1'000'000) return row.Fail("prior_points: must be between 0 and 10,000");
      if (gbp_prior <= Money() || gbp_prior > Money::FromPounds(10'000)) {
        return row.Fail("prior_gbp_per_point: must be above £0 and at most £10,000");
      }
      if (list_prior <= 0 || list_prior > 10'000'000) return row.Fail("prior_list_size: must be between 1 and 10,000,000");
      if (average_prior < 1000 || average_prior > 10'000'000) {
        return row.Fail("prior_national_average_list_size: must be between 1,000 and 10,000,000");
      }
      if (aspiration < 0 || aspiration > 10'000) return row.Fail("aspiration_pct: must lie between 0 and 100");
      prior = {points, gbp_prior, list_prior, average_prior, aspiration};
      p.prior = prior;
    }
  }
  // The practice's own bounds, checked with a placeholder indicator that has
  // no problem of its own.
  QofIndicator none;
  none.upper_threshold = 1;
  if (auto problem = QofInputProblem(p, none)) return row.Fail(*problem);
  return p;
}

Result<QofIndicator> ReadIndicator(const TableRow& row) {
  QofIndicator i;
  CSU_ASSIGN_OR_RETURN(code, PracticeCode(row));
  i.practice_code = std::move(code);
  CSU_ASSIGN_OR_RETURN(indicator, IndicatorCode(row));
  i.indicator = std::move(indicator);
  CSU_ASSIGN_OR_RETURN(points, Count(row, "points_available"));
  i.points_available = points;
  CSU_ASSIGN_OR_RETURN(lower, PercentField(row, "lower_threshold_pct"));
  i.lower_threshold = lower;
  CSU_ASSIGN_OR_RETURN(upper, PercentField(row, "upper_threshold_pct"));
  i.upper_threshold = upper;
  CSU_ASSIGN_OR_RETURN(numerator, Count(row, "numerator"));
  i.numerator = numerator;
  CSU_ASSIGN_OR_RETURN(denominator, Count(row, "denominator"));
  i.denominator = denominator;
  CSU_ASSIGN_OR_RETURN(pcas, Count(row, "pcas"));
  i.pcas = pcas;
  CSU_ASSIGN_OR_RETURN(flag, row.Required("prevalence_adjusted"));
  const std::string yn = ToUpper(flag);
  if (yn != "Y" && yn != "N") return row.Fail("prevalence_adjusted: '" + std::string(flag) + "' is not Y or N");
  i.prevalence_adjusted = yn == "Y";
  if (i.prevalence_adjusted) {
    CSU_ASSIGN_OR_RETURN(reg, Count(row, "register"));
    i.register_size = reg;
    CSU_ASSIGN_OR_RETURN(prevalence, PercentField(row, "national_prevalence_pct"));
    i.national_prevalence = prevalence;
  } else {
    // Not used for an indicator without the prevalence adjustment, so it may
    // be blank; a value that is there must still be well formed.
    if (!row.Text("register").empty()) {
      CSU_ASSIGN_OR_RETURN(reg, Count(row, "register"));
      i.register_size = reg;
    }
    if (!row.Text("national_prevalence_pct").empty()) {
      CSU_ASSIGN_OR_RETURN(prevalence, PercentField(row, "national_prevalence_pct"));
      i.national_prevalence = prevalence;
    }
  }
  return i;
}

}  // namespace

Result<QofInputs> ReadQofFiles(const std::string& practices_path, const std::string& indicators_path) {
  QofInputs in;
  CSU_ASSIGN_OR_RETURN(practices, Table::Load(practices_path, {"practice_code", "year", "list_size",
                                                               "national_average_list_size", "gbp_per_point"}));
  const bool has_prior = practices.HasColumn("prior_points") || practices.HasColumn("aspiration_pct");
  if (has_prior) {
    for (const char* c : {"prior_points", "prior_gbp_per_point", "prior_list_size", "prior_national_average_list_size",
                          "aspiration_pct"}) {
      if (!practices.HasColumn(c)) {
        return MakeError(practices.name() + ":1", std::string("missing column '") + c +
                                                      "' (aspiration needs all five prior-year columns)");
      }
    }
  }
  std::unordered_map<std::string, std::pair<size_t, int64_t>> practice_at;  // code -> (index, line)
  for (const TableRow& row : practices.rows()) {
    CSU_ASSIGN_OR_RETURN(p, ReadPractice(row, has_prior));
    auto [it, inserted] = practice_at.emplace(p.practice_code, std::pair{in.practices.size(), row.line()});
    if (!inserted) {
      return row.Fail("practice_code: " + p.practice_code + " is already on line " + std::to_string(it->second.second) +
                      "; give each practice one row");
    }
    in.practices.push_back(std::move(p));
  }
  CSU_ASSIGN_OR_RETURN(indicators,
                       Table::Load(indicators_path, {"practice_code", "indicator", "points_available",
                                                     "lower_threshold_pct", "upper_threshold_pct", "numerator",
                                                     "denominator", "pcas", "register", "national_prevalence_pct",
                                                     "prevalence_adjusted"}));
  std::unordered_map<std::string, int64_t> indicator_line;
  for (const TableRow& row : indicators.rows()) {
    CSU_ASSIGN_OR_RETURN(i, ReadIndicator(row));
    auto practice = practice_at.find(i.practice_code);
    if (practice == practice_at.end()) {
      return row.Fail("practice_code: " + i.practice_code + " is not in " + practices.name() +
                      "; every indicator's practice needs its list size there");
    }
    auto [it, inserted] = indicator_line.emplace(i.practice_code + "/" + i.indicator, row.line());
    if (!inserted) {
      return row.Fail("indicator: " + i.indicator + " for " + i.practice_code + " is already on line " +
                      std::to_string(it->second) + "; give each practice and indicator one row");
    }
    if (auto problem = QofInputProblem(in.practices[practice->second.first], i)) return row.Fail(*problem);
    in.indicators.push_back(std::move(i));
  }
  return in;
}

}  // namespace csu::primarycare
