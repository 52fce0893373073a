// The parsers behind RefData::Load and LoadTariffYear, one a reference file,
// each taking the file's text already read and the name its errors give it
// ("ccg_subicb_reference.csv:12"). RefData::Load reads the files and calls
// these; fuzz/refdata_file_fuzz.cc feeds them arbitrary bytes. Each returns
// the rows it accepted or the first problem, naming file, line and reason;
// the cross-file checks (duplicate codes, practices against CCGs) stay in
// RefData::Load.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "refdata/code_lists.h"
#include "refdata/organisations.h"
#include "refdata/tariff.h"

namespace csu::refdata {

// mff_*.csv: every row's tariff_years must be `period` ("2016/17").
Result<std::vector<Mff>> ParseMff(const std::string& name, std::string_view text, std::string_view period);
Result<std::vector<Ccg>> ParseCcgs(const std::string& name, std::string_view text);
// Only the rows with SEX and AGE "ALL" are kept.
Result<std::vector<Practice>> ParsePractices(const std::string& name, std::string_view text);
// The ODS etr file: no header, 27 columns.
Result<std::vector<Trust>> ParseTrusts(const std::string& name, std::string_view text);
Result<std::vector<Csu>> ParseCsus(const std::string& name, std::string_view text);
Result<std::vector<HrgInfo>> ParseHrgs(const std::string& name, std::string_view text);
Result<std::vector<TreatmentFunction>> ParseTfcs(const std::string& name, std::string_view text);
Result<std::vector<CodeListEntry>> ParseCodeLists(const std::string& name, std::string_view text);
Result<std::vector<AeMonth>> ParseAeHistory(const std::string& name, std::string_view text);

// The files of one tariff year (data/refdata/README.md names them).
enum class TariffFile {
  kApc,                 // tariff_YYYY_YY_apc_oproc.csv
  kOutpatient,          // tariff_YYYY_YY_outpatient_attendances.csv
  kAe,                  // tariff_YYYY_YY_ae.csv
  kUnbundled,           // tariff_YYYY_YY_unbundled.csv
  kTopUps,              // specialised_topup_rates_2017_19.csv
  kHrgNoPrice,          // hrg_no_national_price_2017_19.csv
  kTfcNoPrice,          // tfc_no_national_price_2017_19.csv
  kAdmittedExclusions,  // tfc_admitted_exclusions_*.csv
  kRebundled,           // hrg_unbundled_list_2017_19.csv
};

// Adds one tariff file's rows for `year` to `tariff`; a duplicate of a row
// already in `tariff` is an error naming both places.
Status ParseTariffFile(TariffFile file, const std::string& name, std::string_view text, FinancialYear year,
                       TariffYear& tariff);

}  // namespace csu::refdata
