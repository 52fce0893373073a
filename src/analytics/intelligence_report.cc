// Report tables of the intelligence views: spend and market share, patient
// flows, practice activity rates, A&E performance, readmission rates
// (report_views.h).
#include <algorithm>
#include <map>
#include <limits>
#include <tuple>

#include "analytics/activity_cube.h"
#include "analytics/readmissions.h"
#include "analytics/report_views.h"
#include "analytics/year_calendar.h"
#include "pricing/priced_activity.h"
#include "refdata/refdata.h"

namespace csu::analytics {
namespace {

using pricing::Pod;
using report::Cell;
using report::ColumnType;

std::string ProviderName(const ViewScope& s, std::string_view code) {
  auto c = OdsCode::Parse(code);
  if (s.ref && c.ok())
    if (const refdata::Trust* t = s.ref->FindTrust(c.value())) return t->name;
  return "";
}

// The practice's name from the ODS practice file (data/refdata), "" when
// the code is not there (a practice opened after the file, or a code like
// V81999 for "not known").
std::string PracticeName(const ViewScope& s, std::string_view code) {
  auto c = OdsCode::Parse(code);
  if (s.ref && c.ok())
    if (const refdata::Practice* p = s.ref->FindPractice(c.value())) return p->name;
  return "";
}

double Ratio(int64_t num, int64_t den) { return den == 0 ? std::numeric_limits<double>::quiet_NaN() : double(num) / double(den); }

std::string Scope(const ViewScope& s) {
  return "Commissioner " + s.commissioner_label + ", " + s.year.ToString() + ", April to " +
         std::string(FinancialYear::MonthName(s.month)) + " (months 1-" + std::to_string(s.month) + ")";
}

// Calls f(table row) for every row of `t` in scope: the commissioner, and
// an activity day inside the year no later than the month.
template <typename Table, typename DayOf, typename F>
void ForScope(const Table& t, const ViewScope& s, const YearCalendar& cal, DayOf day_of, F f) {
  for (uint32_t r = 0; r < t.size(); ++r) {
    if (s.commissioner && t.commissioner[r] != *s.commissioner) continue;
    const int m = cal.Month(day_of(r));
    if (m == 0 || m > s.month) continue;
    f(r, m);
  }
}

}  // namespace

report::ReportTable SpendTable(const pricing::PricedActivity& a, const ViewScope& s) {
  ActivityCube cube;
  cube.Build(a, s.year, s.commissioner);
  report::ReportTable t("Spend by provider", {{"commissioner", ColumnType::kText, "CCG"},
                                              {"provider", ColumnType::kText, "Provider"},
                                              {"provider_name", ColumnType::kText, "Provider name"},
                                              {"admitted", ColumnType::kMoney, "Admitted care £"},
                                              {"outpatients", ColumnType::kMoney, "Outpatients £"},
                                              {"ae", ColumnType::kMoney, "A&E £"},
                                              {"spend", ColumnType::kMoney, "Total £"},
                                              {"spells", ColumnType::kCount, "Spells"},
                                              {"appointments", ColumnType::kCount, "Outpatient appointments"},
                                              {"attendances", ColumnType::kCount, "A&E attendances"},
                                              {"share", ColumnType::kPercent, "Market share", 1}});
  // Shared, the share is of the CCG's spend as shown, and hidden for the whole
  // CCG where one provider's spend is (the others' shares would give it back).
  t.Derive("share", report::Derivation::ShareOfGroup("spend", "commissioner"));
  struct Row {
    uint16_t commissioner;
    std::string provider;
    // Each kind's activity in its own currency (spells, appointments,
    // attendances never add up); records counts every kind, to skip pairs
    // with none in the period.
    int64_t admitted = 0, outpatients = 0, ae = 0, records = 0;
    int64_t spells = 0, appointments = 0, attendances = 0;
    int64_t total() const { return admitted + outpatients + ae; }
  };
  std::vector<Row> rows;
  std::map<uint16_t, int64_t> ccg_total;
  const auto& codes = a.tables.codes;
  for (size_t p = 0; p < cube.pairs().size(); ++p) {
    Row r{cube.pairs()[p].commissioner, std::string(codes.provider().code(cube.pairs()[p].provider))};
    for (int pod = 0; pod < kPods; ++pod) {
      const CubeCell c = cube.Sum(p, static_cast<Pod>(pod), 1, s.month);
      r.records += c.activity;
      // Not priced (Pod::kNone) mixes kinds at £0: counted in records only.
      if (pod >= static_cast<int>(Pod::kOpFirst) && pod <= static_cast<int>(Pod::kOpProcedure)) {
        r.outpatients += c.pence;
        r.appointments += c.activity;
      } else if (pod == static_cast<int>(Pod::kAe)) {
        r.ae += c.pence;
        r.attendances += c.activity;
      } else {
        r.admitted += c.pence;
        if (pod != static_cast<int>(Pod::kNone)) r.spells += c.activity;
      }
    }
    if (r.records == 0) continue;
    ccg_total[r.commissioner] += r.total();
    rows.push_back(std::move(r));
  }
  std::sort(rows.begin(), rows.end(), [&](const Row& x, const Row& y) {
    if (x.commissioner != y.commissioner) return codes.commissioner().code(x.commissioner) < codes.commissioner().code(y.commissioner);
    return x.total() != y.total() ? x.total() > y.total() : x.provider < y.provider;
  });
  for (const Row& r : rows)
    t.AddRow({Cell::Text(std::string(codes.commissioner().code(r.commissioner))), Cell::Text(r.provider),
              Cell::Text(ProviderName(s, r.provider)), Cell::Pence(r.admitted), Cell::Pence(r.outpatients),
              Cell::Pence(r.ae), Cell::Pence(r.total()), Cell::Count(r.spells), Cell::Count(r.appointments),
              Cell::Count(r.attendances),
              Cell::Real(Ratio(r.total(), ccg_total[r.commissioner]))});
  t.notes.push_back(Scope(s) + ". Market share = the provider's share of the CCG's national-tariff spend. Activity "
                               "is counted in its own currency; records with no national price (£0) are in none.");
  return t;
}

report::ReportTable FlowsTable(const pricing::PricedActivity& a, const ViewScope& s) {
  const YearCalendar cal(s.year);
  struct Acc {
    int64_t spells = 0, outpatients = 0, ae = 0, pence = 0;
  };
  std::map<std::tuple<uint16_t, uint16_t, uint16_t>, Acc> flows;  // (commissioner, practice, provider)
  const auto& apc = a.tables.apc;
  const auto& op = a.tables.op;
  const auto& ae = a.tables.ae;
  ForScope(apc, s, cal, [&](uint32_t r) { return apc.discharge_date[r]; }, [&](uint32_t r, int) {
    Acc& f = flows[{apc.commissioner[r], apc.practice[r], apc.provider[r]}];
    ++f.spells;
    f.pence += a.apc.final_pence[r];
  });
  ForScope(op, s, cal, [&](uint32_t r) { return op.appointment_date[r]; }, [&](uint32_t r, int) {
    Acc& f = flows[{op.commissioner[r], op.practice[r], op.provider[r]}];
    ++f.outpatients;
    f.pence += a.op.final_pence[r];
  });
  ForScope(ae, s, cal, [&](uint32_t r) { return ae.arrival[r] / 1440; }, [&](uint32_t r, int) {
    Acc& f = flows[{ae.commissioner[r], ae.practice[r], ae.provider[r]}];
    ++f.ae;
    f.pence += a.ae.final_pence[r];
  });
  report::ReportTable t("Patient flows", {{"commissioner", ColumnType::kText, "CCG"},
                                          {"practice", ColumnType::kText, "GP practice"},
                                          {"practice_name", ColumnType::kText, "Practice name"},
                                          {"provider", ColumnType::kText, "Provider"},
                                          {"provider_name", ColumnType::kText, "Provider name"},
                                          {"spells", ColumnType::kCount, "Admitted spells"},
                                          {"outpatient_attendances", ColumnType::kCount, "Outpatient appointments"},
                                          {"ae_attendances", ColumnType::kCount, "A&E attendances"},
                                          {"spend", ColumnType::kMoney, "£"}});
  const auto& codes = a.tables.codes;
  for (const auto& [key, f] : flows) {
    const auto [comm, practice, provider] = key;
    std::string prov(codes.provider().code(provider));
    const std::string practice_code(codes.practice().code(practice));
    t.AddRow({Cell::Text(std::string(codes.commissioner().code(comm))), Cell::Text(practice_code),
              Cell::Text(PracticeName(s, practice_code)), Cell::Text(prov), Cell::Text(ProviderName(s, prov)), Cell::Count(f.spells), Cell::Count(f.outpatients),
              Cell::Count(f.ae), Cell::Pence(f.pence)});
  }
  t.notes.push_back(Scope(s) + ". Where each GP practice's patients were treated (records and national-tariff £).");
  return t;
}

report::ReportTable PracticeRatesTable(const pricing::PricedActivity& a, const ViewScope& s) {
  const YearCalendar cal(s.year);
  const auto& codes = a.tables.codes;
  struct Acc {
    int64_t spells = 0, emergency = 0, op_first = 0, ae = 0;
  };
  std::map<std::pair<uint16_t, uint16_t>, Acc> by;  // (commissioner, practice)
  std::vector<uint8_t> emergency(codes.admission_method().size());
  for (uint32_t id = 0; id < emergency.size(); ++id) emergency[id] = codes.admission_method().code(id).starts_with('2');
  const auto& apc = a.tables.apc;
  const auto& op = a.tables.op;
  const auto& ae = a.tables.ae;
  ForScope(apc, s, cal, [&](uint32_t r) { return apc.discharge_date[r]; }, [&](uint32_t r, int) {
    Acc& x = by[{apc.commissioner[r], apc.practice[r]}];
    ++x.spells;
    x.emergency += emergency[apc.admission_method[r]];
  });
  // A first attendance by the record's own codes (first attendance 1 face
  // to face or 3 by telephone or video; attended 5 or 6, seen), not by how
  // it was paid: a first attendance priced as an outpatient procedure, or in
  // a service with no national price, is still the patient's first visit,
  // and a practice's rate must not move when a pricing rule does.
  ForScope(op, s, cal, [&](uint32_t r) { return op.appointment_date[r]; }, [&](uint32_t r, int) {
    const uint8_t first = op.first_attendance[r], seen = op.attended[r];
    if ((first == '1' || first == '3') && (seen == '5' || seen == '6')) ++by[{op.commissioner[r], op.practice[r]}].op_first;
  });
  ForScope(ae, s, cal, [&](uint32_t r) { return ae.arrival[r] / 1440; },
           [&](uint32_t r, int) { ++by[{ae.commissioner[r], ae.practice[r]}].ae; });
  report::ReportTable t("Practice activity rates",
                        {{"commissioner", ColumnType::kText, "CCG"},
                         {"practice", ColumnType::kText, "GP practice"},
                         {"practice_name", ColumnType::kText, "Practice name"},
                         {"registered_patients", ColumnType::kInteger, "Registered patients"},
                         {"spells", ColumnType::kCount, "Admissions"},
                         {"admissions_per_1000", ColumnType::kDecimal, "Admissions per 1,000 a year", 1},
                         {"emergency_admissions", ColumnType::kCount, "Emergency admissions"},
                         {"emergency_per_1000", ColumnType::kDecimal, "Emergency admissions per 1,000 a year", 1},
                         {"op_first", ColumnType::kCount, "First outpatient attendances"},
                         {"op_first_per_1000", ColumnType::kDecimal, "First outpatient attendances per 1,000 a year", 1},
                         {"ae_attendances", ColumnType::kCount, "A&E attendances"},
                         {"ae_per_1000", ColumnType::kDecimal, "A&E attendances per 1,000 a year", 1}});
  // Annualised: to-date counts × 12 / months, per 1,000 registered; shared,
  // from the counts as shown (the list size is published: not controlled).
  const double per_1000_a_year = 12.0 * 1000.0 / double(s.month);
  for (const auto& [rate, count] : {std::pair{"admissions_per_1000", "spells"},
                                    std::pair{"emergency_per_1000", "emergency_admissions"},
                                    std::pair{"op_first_per_1000", "op_first"},
                                    std::pair{"ae_per_1000", "ae_attendances"}})
    t.Derive(rate, report::Derivation::Ratio(count, "registered_patients", per_1000_a_year));
  for (const auto& [key, x] : by) {
    const std::string practice(codes.practice().code(key.second));
    int64_t list = 0;
    auto code = OdsCode::Parse(practice);
    if (s.ref && code.ok())
      if (const refdata::Practice* p = s.ref->FindPractice(code.value())) list = p->registered_patients;
    // Annualised: to-date counts × 12 / months, per 1,000 registered.
    auto rate = [&](int64_t n) {
      return list == 0 ? std::numeric_limits<double>::quiet_NaN()
                       : double(n) * 12.0 / double(s.month) * 1000.0 / double(list);
    };
    t.AddRow({Cell::Text(std::string(codes.commissioner().code(key.first))), Cell::Text(practice),
              Cell::Text(PracticeName(s, practice)), list ? Cell::Integer(list) : Cell{}, Cell::Count(x.spells), Cell::Real(rate(x.spells)),
              Cell::Count(x.emergency), Cell::Real(rate(x.emergency)), Cell::Count(x.op_first),
              Cell::Real(rate(x.op_first)), Cell::Count(x.ae), Cell::Real(rate(x.ae))});
  }
  t.notes.push_back(Scope(s) + ". Rates are annualised (to date × 12 ÷ months) per 1,000 patients on the practice "
                               "list (reference GP list sizes).");
  return t;
}

report::ReportTable AeTable(const pricing::PricedActivity& a, const ViewScope& s) {
  const YearCalendar cal(s.year);
  const auto& ae = a.tables.ae;
  const auto& codes = a.tables.codes;
  const uint32_t admitted_id = codes.disposal().Find("01");
  struct Acc {
    int64_t attendances = 0, within_4h = 0, admitted = 0;
  };
  std::map<std::tuple<uint16_t, uint8_t, int>, Acc> by;  // (provider, department type, month)
  ForScope(ae, s, cal, [&](uint32_t r) { return ae.arrival[r] / 1440; }, [&](uint32_t r, int m) {
    Acc& x = by[{ae.provider[r], ae.department_type[r], m}];
    ++x.attendances;
    x.within_4h += (ae.departure[r] - ae.arrival[r]) <= 240;
    x.admitted += admitted_id != 0 && ae.disposal[r] == admitted_id;
  });
  report::ReportTable t("A&E", {{"provider", ColumnType::kText, "Provider"},
                                {"provider_name", ColumnType::kText, "Provider name"},
                                {"department_type", ColumnType::kText, "Type"},
                                {"month", ColumnType::kInteger, "Month"},
                                {"month_name", ColumnType::kText, "Month name"},
                                {"attendances", ColumnType::kCount, "Attendances"},
                                {"within_4_hours", ColumnType::kCount, "Within 4 hours"},
                                {"four_hour_performance", ColumnType::kPercent, "4-hour performance", 1},
                                {"admitted", ColumnType::kCount, "Admitted"},
                                {"conversion", ColumnType::kPercent, "Conversion to admission", 1}});
  t.Derive("four_hour_performance", report::Derivation::Ratio("within_4_hours", "attendances"));
  t.Derive("conversion", report::Derivation::Ratio("admitted", "attendances"));
  for (const auto& [key, x] : by) {
    const auto [provider, dept, m] = key;
    std::string prov(codes.provider().code(provider));
    t.AddRow({Cell::Text(prov), Cell::Text(ProviderName(s, prov)),
              Cell::Text(std::string(codes.department_type().code(dept))), Cell::Integer(m),
              Cell::Text(std::string(FinancialYear::MonthName(m))), Cell::Count(x.attendances),
              Cell::Count(x.within_4h), Cell::Real(Ratio(x.within_4h, x.attendances)), Cell::Count(x.admitted),
              Cell::Real(Ratio(x.admitted, x.attendances))});
  }
  t.notes.push_back(Scope(s) + ". 4-hour performance: arrival to departure within 240 minutes (standard 95%). "
                               "Conversion: disposal 01 (admitted) ÷ attendances.");
  return t;
}

report::ReportTable ReadmissionRatesTable(const pricing::PricedActivity& a, const Readmissions& rd, const ViewScope& s) {
  const YearCalendar cal(s.year);
  const auto& apc = a.tables.apc;
  const auto& codes = a.tables.codes;
  std::map<std::pair<uint16_t, int>, std::pair<int64_t, int64_t>> by;  // (provider, month) -> (discharges, readmitted)
  ForScope(apc, s, cal, [&](uint32_t r) { return apc.discharge_date[r]; }, [&](uint32_t r, int m) {
    if (!rd.in_rate[r]) return;
    auto& x = by[{apc.provider[r], m}];
    ++x.first;
    x.second += rd.readmitted_after[r];
  });
  report::ReportTable t("Readmissions", {{"provider", ColumnType::kText, "Provider"},
                                         {"provider_name", ColumnType::kText, "Provider name"},
                                         {"month", ColumnType::kInteger, "Month of discharge"},
                                         {"month_name", ColumnType::kText, "Month name"},
                                         {"discharges", ColumnType::kCount, "Discharges"},
                                         {"readmitted_30_days", ColumnType::kCount, "Emergency readmissions within 30 days"},
                                         {"rate", ColumnType::kPercent, "Readmission rate", 1}});
  t.Derive("rate", report::Derivation::Ratio("readmitted_30_days", "discharges"));
  for (const auto& [key, x] : by) {
    std::string prov(codes.provider().code(key.first));
    t.AddRow({Cell::Text(prov), Cell::Text(ProviderName(s, prov)), Cell::Integer(key.second),
              Cell::Text(std::string(FinancialYear::MonthName(key.second))), Cell::Count(x.first),
              Cell::Count(x.second), Cell::Real(Ratio(x.second, x.first))});
  }
  t.notes.push_back(Scope(s) + ". Discharges followed by an emergency admission to any provider within 30 days; "
                               "the latest month is incomplete until 30 days after it ends. Excludes deaths, "
                               "maternity and regular attenders (docs/monitoring.md).");
  return t;
}

}  // namespace csu::analytics
