// The ingest record a loaded table row holds, rebuilt from the columns and
// dictionaries, so that one stored row can go through the per-record
// pricer: for its explanation (csu price explain) and to check the table
// pricer against PriceApc / PriceOp / PriceAe row by row.
//
// Every field the tables keep comes back as ingest produced it; the record
// id is not in the tables, so the caller passes it (or leaves it empty).
#pragma once

#include <cstddef>
#include <string>

#include "ingest/activity_record.h"

namespace csu::store {
struct ActivityTables;
}

namespace csu::pricing {

// `row` must be < the table's size.
ingest::ApcRecord ApcRecordAt(const store::ActivityTables& tables, size_t row, std::string spell_id = "");
ingest::OpRecord OpRecordAt(const store::ActivityTables& tables, size_t row, std::string attendance_id = "");
ingest::AeRecord AeRecordAt(const store::ActivityTables& tables, size_t row, std::string attendance_id = "");

}  // namespace csu::pricing
