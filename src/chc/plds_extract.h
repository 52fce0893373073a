// The national NHS Continuing Healthcare Patient Level Data Set extract
// (DCB3085 version 1.0, NHS Data Dictionary; docs/chc.md, "The patient
// level data set", says which elements are filled, from what, and which are
// missing): per CCG and quarter, a header (the data set's HEADER group) and
// one record per case with CHC activity in the quarter or eligible during
// it. Pseudonymised: the person is the keyed HMAC pseudonym, and no NHS
// number, name, date of birth or postcode is written (the data set's
// personal and demographic group asks for them; see docs/chc.md for why
// they are left out here). Pure over what ChcStore returns.
#pragma once

#include <string>
#include <vector>

#include "chc/assurance.h"
#include "chc/chc_store.h"
#include "report/report_table.h"

namespace csu::chc {

inline constexpr const char* kPldsVersion = "1.0";

struct PldsInput {
  std::string ccg;                 // the commissioner
  std::string submitter;           // ODS code of the submitting organisation (the CSU)
  Quarter quarter;
  std::string created_at;          // UTC ISO 8601: DATE AND TIME DATA SET CREATED
  std::vector<CaseRow> cases;      // the CCG's
  std::vector<CaseFacts> facts;    // the CCG's (assessments with their acute flag)
  std::vector<Package> packages;   // the CCG's
  std::vector<ChcStore::Appeal> appeals;  // the CCG's local resolution requests
};

// [0] the header group (one row), [1] the records.
std::vector<report::ReportTable> PldsExtract(const PldsInput& in);

}  // namespace csu::chc
