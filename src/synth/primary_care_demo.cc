#include "synth/primary_care_demo.h"

#include <cstdio>

#include "synth/random.h"

namespace csu::synth {
namespace {

// Nine 2024/25 indicators (points, thresholds, prevalence adjustment and the
// register's national prevalence): the figures of docs/primary-care.md and
// the research behind it.
struct Indicator {
  const char* id;
  int points, lower, upper;
  bool adjusted;
  double prevalence_pct;  // national prevalence of the register's disease
};
constexpr Indicator kIndicators[] = {
    {"AST007", 20, 45, 70, true, 6.5}, {"DM006", 3, 57, 97, true, 7.5},  {"DM012", 4, 50, 90, true, 7.5},
    {"DM021", 10, 52, 92, true, 7.5},  {"CHD005", 7, 56, 96, true, 3.0}, {"AF006", 12, 40, 90, true, 2.2},
    {"CS005", 7, 45, 80, false, 0},    {"SMOK004", 12, 40, 90, false, 0}, {"BP002", 15, 50, 90, false, 0},
};

std::string Fixed(double x, int places) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", places, x);
  return buf;
}

}  // namespace

PrimaryCareDemo GeneratePrimaryCareDemo(const refdata::RefData& ref, const std::vector<std::string>& ccgs,
                                        FinancialYear year, uint64_t seed) {
  PrimaryCareDemo out;
  out.lists_csv = "practice_code,quarter,registered,weighted\n";
  out.qof_practices_csv =
      "practice_code,year,list_size,national_average_list_size,gbp_per_point,prior_points,prior_gbp_per_point,"
      "prior_list_size,prior_national_average_list_size,aspiration_pct\n";
  out.qof_indicators_csv =
      "practice_code,indicator,points_available,lower_threshold_pct,upper_threshold_pct,numerator,denominator,pcas,"
      "register,national_prevalence_pct,prevalence_adjusted\n";
  out.adjustments_csv = "practice_code,month,kind,description,amount,reason\n";
  for (const std::string& ccg : ccgs) {
    for (const refdata::Practice& p : ref.practices()) {
      if (p.ccg.ToString() != ccg || p.registered_patients <= 0) continue;
      const std::string code = p.code.ToString();
      Rng rng(DeriveSeed(seed, HashText(code)));
      ++out.practices;
      const double roll = rng.Uniform();
      PrimaryCareDemoContract c{code, roll < 0.70 ? "GMS" : roll < 0.95 ? "PMS" : "APMS",
                                Date::FromYmd(2004, 4, 1), std::nullopt};
      if (c.type == "APMS") {
        // Let eight years before the QOF year and running three after it
        // (APMS terms with extensions run to ten or fifteen years): in force
        // on the demo's platform date (2018) as well as in the QOF year.
        c.start = Date::FromYmd(year.first_day().year() - 8, 4, 1);
        c.end = Date::FromYmd(year.first_day().year() + 3, 3, 31);
      }
      out.contracts.push_back(c);
      const double weight = 0.9 + 0.2 * rng.Uniform();
      int64_t list = p.registered_patients;
      for (int q = 0; q < 5; ++q) {
        const Date quarter = Date::FromYmd(year.first_day().year() + (q == 4 ? 1 : (q == 3 ? 1 : 0)),
                                           q == 3 ? 1 : (q == 4 ? 4 : 4 + 3 * q), 1);
        list = list + static_cast<int64_t>(static_cast<double>(list) * 0.003 * (0.5 + rng.Uniform()));
        out.lists_csv += code + "," + quarter.ToString() + "," + std::to_string(list) + "," +
                         Fixed(static_cast<double>(list) * weight, 6) + "\n";
      }
      // QOF: the year's list, the prior year's points (~85–97% of the 90 available).
      const int64_t qof_list = list;
      int available = 0;
      for (const Indicator& i : kIndicators) available += i.points;
      const double prior_points = available * (0.85 + 0.12 * rng.Uniform());
      out.qof_practices_csv += code + "," + year.ToString() + "," + std::to_string(qof_list) + ",9964,220.62," +
                               Fixed(prior_points, 2) + ",213.43," + std::to_string(p.registered_patients) +
                               ",9639,80\n";
      for (const Indicator& i : kIndicators) {
        const double prevalence = i.adjusted ? i.prevalence_pct : 15.0;  // screening cohorts: a share of the list
        const auto reg = static_cast<int64_t>(static_cast<double>(qof_list) * prevalence / 100 * (0.7 + 0.6 * rng.Uniform()));
        const int64_t denominator = reg;
        const int64_t pcas = static_cast<int64_t>(static_cast<double>(denominator) * 0.08 * rng.Uniform());
        const double achievement = 0.55 + 0.42 * rng.Uniform();
        const int64_t numerator = static_cast<int64_t>(static_cast<double>(denominator - pcas) * achievement);
        out.qof_indicators_csv += code + "," + i.id + "," + std::to_string(i.points) + "," + std::to_string(i.lower) +
                                  "," + std::to_string(i.upper) + "," + std::to_string(numerator) + "," +
                                  std::to_string(denominator) + "," + std::to_string(pcas) + "," +
                                  (i.adjusted ? std::to_string(reg) : "") + "," +
                                  (i.adjusted ? Fixed(i.prevalence_pct, 2) : "") + "," + (i.adjusted ? "Y" : "N") +
                                  "\n";
      }
      if (c.type == "APMS") {
        // The APMS contract price: about £140 a registered patient a year.
        const std::string monthly = Fixed(static_cast<double>(qof_list) * 140.0 / 12, 2);
        for (int m = 1; m <= 12; ++m) {
          const Date d = year.MonthStart(m);
          char month[8];
          std::snprintf(month, sizeof month, "%04d-%02d", d.year(), d.month());
          out.adjustments_csv += code + "," + month + ",payment,APMS contract price," + monthly +
                                 ",APMS contract schedule of payments (demo)\n";
        }
      }
    }
  }
  return out;
}

}  // namespace csu::synth
