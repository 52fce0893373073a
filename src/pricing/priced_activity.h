// Loaded activity with its prices kept beside it: the store's column tables
// and, for each, a PricedColumns whose row i prices table row i. This is
// what analytics reads (docs/pricing.md, "Prices kept with the records").
//
// Prices are derived, not stored: they are a pure function of the stored
// record, the reference data and the options, and pricing a column table
// costs less than reading stored prices back would (50M+ spells/s a core),
// so they are computed when the records are loaded. A change of reference
// data (a corrected MFF, a new tariff year) therefore re-prices every record
// at the next load with nothing to invalidate or migrate.
//
//   CSU_ASSIGN_OR_RETURN(activity, pricing::LoadPriced(*store, ref));
//   const auto& apc = activity.tables.apc;
//   for (size_t i = 0; i < apc.size(); ++i)
//     by_provider[apc.provider[i]] += activity.apc.final_pence[i];
#pragma once

#include <optional>

#include "core/result.h"
#include "ingest/extract_schema.h"
#include "pricing/pricer.h"
#include "pricing/table_pricer.h"
#include "store/activity_tables.h"

namespace csu::store {
class Store;
}

namespace csu::pricing {

struct PricedActivity {
  store::ActivityTables tables;
  PricedColumns apc, op, ae;  // parallel to tables.apc / op / ae
  PricingOptions options;     // what they were priced with
};

// Prices already-loaded tables (every kind present; empty tables stay empty).
// Keeps what analytics reads (final price, POD, reason) and drops the
// details (PricedColumns::DropDetails): a price is explained from its
// record by the per-record pricer.
PricedActivity PriceActivity(store::ActivityTables tables, const refdata::RefData& ref,
                             const PricingOptions& options = {});

// Loads the active batches of `kind` (all three kinds when nullopt, sharing
// one patient index) and prices every record. Errors are the load's.
Result<PricedActivity> LoadPriced(store::Store& store, const refdata::RefData& ref,
                                  std::optional<ingest::ExtractKind> kind = std::nullopt,
                                  const PricingOptions& options = {});

}  // namespace csu::pricing
