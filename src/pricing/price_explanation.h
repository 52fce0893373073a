// The explanation of one record's price as people read it: the pricer's
// explanation line, then each component ("base price", "MFF", "final
// price" ...). One text for `csu price explain` and the web's records
// drill-down, so "why did this spell cost £X?" has the same answer in both.
//
//   std::string why = pricing::ExplainTableRow(priced, ref, ingest::ExtractKind::kApc, row);
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ingest/extract_schema.h"
#include "pricing/price.h"

namespace csu::refdata {
class RefData;
}

namespace csu::pricing {

struct PricedActivity;

// `explanation` is the pricer's line (PriceApc/PriceOp/PriceAe's last
// argument); `provider` the ODS code the MFF is of. Lines end in "\n"; each
// component is "  <name padded to 22> <value>", as the command line prints.
std::string ExplanationText(const Price& price, std::string_view explanation, ingest::ExtractKind kind,
                            std::string_view provider);

// Prices loaded table row `row` of `kind` again with the per-record pricer
// (with the options the activity was priced with) and explains it. The
// price agrees with the priced columns (PriceTable is checked against the
// per-record pricers row by row). `row` must be < that table's size.
std::string ExplainTableRow(const PricedActivity& activity, const refdata::RefData& ref, ingest::ExtractKind kind,
                            size_t row);

}  // namespace csu::pricing
