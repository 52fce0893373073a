// What the reporting schema holds (docs/store-format.md §18), computed from
// the loaded, priced activity: the rows `csu reporting publish` writes for
// analysts' own tools (Power BI, Excel over ODBC; docs/deploy.md §9).
//
//   MonthlyActivity   activity and £ by commissioner × provider × POD ×
//                     record kind × HRG chapter × financial month: the
//                     platform's activity cube (analytics/activity_cube.h)
//                     split once more by HRG chapter. CheckAgainstCube proves
//                     that summed over the chapters it is the cube, cell for
//                     cell, for every year, so the figures an analyst adds up
//                     in Power BI are those of the platform's own pages.
//   ForEachRecord     one pseudonymised row per record: the drill-down's
//                     columns (analytics RecordsTable) and the patient's
//                     pseudonym as the platform stores it (64 hex digits of
//                     the keyed HMAC), never an NHS number, date of birth or
//                     any other direct identifier, which the loaded tables do
//                     not hold (ingest drops them before storage).
//
// Months follow the cube: a spell counts in the month of discharge, an
// appointment and an attendance in the month they happen; every record
// belongs to the financial year of that date.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "pricing/price.h"

namespace csu::pricing {
struct PricedActivity;
}
namespace csu::refdata {
class RefData;
}

namespace csu::reporting {

// "spells", "appointments" or "attendances": the currency a record counts in.
std::string_view CurrencyOf(std::string_view record_kind);

struct MonthlyRow {
  std::string commissioner;   // CCG ODS code
  std::string provider;       // provider ODS code
  std::string provider_name;  // from the reference data; empty when unknown
  FinancialYear year;
  int month = 0;              // financial month 1 (April) .. 12 (March)
  std::string pod;            // DC EL NEL NELST NELNE OPFA OPFUP OPPROC AE, or NP (not priced)
  std::string record_kind;    // apc, op, ae
  std::string hrg_chapter;    // first letter of the record's HRG; "none" without one
  std::string hrg_chapter_name;
  int64_t activity = 0;       // records (spells, appointments or attendances by record_kind)
  int64_t pence = 0;          // the platform's price of those records
};

// The aggregates, ordered by year, commissioner, provider, month, POD, kind
// and chapter (a stable order, so two publishes of the same folder write the
// same rows in the same order).
std::vector<MonthlyRow> MonthlyActivity(const pricing::PricedActivity& a, const refdata::RefData& ref);

// Error (naming the year, CCG, provider, POD and month) unless `rows` summed
// over HRG chapters equal the activity cube of every financial year they
// cover, and the cube has no cell they lack.
Status CheckAgainstCube(const std::vector<MonthlyRow>& rows, const pricing::PricedActivity& a);

// One record as the reporting schema shows it. Views point into the loaded
// tables' dictionaries and live only during the callback.
struct RecordRow {
  std::string_view record_kind;  // apc, op, ae
  int64_t batch_id = 0;
  int64_t batch_row = 0;         // row in the batch's rows file, as the drill-down shows it
  std::string_view commissioner, provider, practice;
  std::string patient_pseudonym;  // 64 lower-case hex digits; empty for a record without an NHS number
  int age = 0;
  std::string_view sex;           // "0" "1" "2" "9", empty when absent
  Date activity_date;             // discharge (apc), appointment (op), arrival (ae)
  std::optional<Date> admission_date;  // apc only
  FinancialYear year;
  int month = 0;
  std::string pod;
  std::string_view hrg, treatment_function;
  std::string hrg_chapter;
  int64_t pence = 0;
};

// Calls `f` for every loaded record (apc, then op, then ae, in table order);
// stops at and returns the first error `f` returns.
Status ForEachRecord(const pricing::PricedActivity& a, const std::function<Status(const RecordRow&)>& f);

}  // namespace csu::reporting
