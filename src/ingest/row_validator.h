// Checks one extract row against every rule of the format document and the
// national reference data, and turns it into a typed record.
//
// Problems are reported per column with a short reason that never contains a
// patient identifier: the NHS number and date of birth are described ("check
// digit invalid"), never echoed. Other values may be quoted in `detail` so a
// data manager can find them. Thread-compatible: one validator per thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ingest/activity_record.h"
#include "ingest/extract_schema.h"
#include "ingest/known_codes.h"

namespace csu::refdata {
class RefData;
}

namespace csu::ingest {

struct RowProblem {
  Column column;
  std::string reason;  // short, identifier-free, used to count problems by kind
  std::string detail;  // optional: the offending non-identifying value and context

  // "nhs_number: check digit invalid" or "hrg: not in the tariff ('XX99Z')".
  std::string ToString() const;
};

class RowValidator {
 public:
  // `map` and `ref` must outlive the validator.
  RowValidator(const HeaderMap& map, const refdata::RefData& ref);

  // Each returns true and fills `record` and `identity` when the row is
  // valid; otherwise returns false with at least one entry appended to
  // `problems`. `fields` must have map.field_count() entries (the caller
  // reports wrong column counts itself).
  bool ValidateApc(const std::vector<std::string_view>& fields, ApcRecord& record, Identity& identity,
                   std::vector<RowProblem>& problems) const;
  bool ValidateOp(const std::vector<std::string_view>& fields, OpRecord& record, Identity& identity,
                  std::vector<RowProblem>& problems) const;
  bool ValidateAe(const std::vector<std::string_view>& fields, AeRecord& record, Identity& identity,
                  std::vector<RowProblem>& problems) const;

 private:
  class Row;
  void CheckCommon(Row& row, Date activity_date, bool activity_ok, PatientFields& out, Identity& identity) const;

  const HeaderMap& map_;
  // Practices, commissioners, providers and HRGs as flat sets built once:
  // RefData's hash maps per row showed up in profiles.
  KnownCodes known_;
};

}  // namespace csu::ingest
