// Prices an extract file directly, with no state folder: every row of the
// input comes out with the input's columns plus the pricing columns
//   tariff_year, pod, base_price, excess_bed_days, excess_bed_day_payment,
//   adjustments, mff, final_price, priced, explanation
// (money in pounds with two decimals). Rows that fail validation come out
// unpriced with the validation problem as the explanation, so the output
// has exactly one row per input row.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/money.h"
#include "core/result.h"
#include "ingest/extract_schema.h"
#include "pricing/pricer.h"

namespace csu {
class Progress;
}

namespace csu::pricing {

struct FilePricingSummary {
  int64_t rows = 0;
  int64_t priced = 0;
  int64_t invalid = 0;                         // rows that failed validation
  std::map<std::string, int64_t> not_priced;   // reason -> rows
  std::map<std::string, Money> total_by_pod;   // POD code -> total final price
  Money total;
  double elapsed_seconds = 0;
};

// Reads `path` as an extract of `kind` and writes the priced CSV to `out`
// in chunks. Errors as for ingest::IngestFile when the file as a whole is
// unusable. `progress` may be null.
Result<FilePricingSummary> PriceFile(const std::string& path, ingest::ExtractKind kind, const refdata::RefData& ref,
                                     const PricingOptions& options, const std::function<void(std::string_view)>& out,
                                     Progress* progress);

}  // namespace csu::pricing
