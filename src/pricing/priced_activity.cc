#include "pricing/priced_activity.h"

#include "store/store.h"

namespace csu::pricing {

PricedActivity PriceActivity(store::ActivityTables tables, const refdata::RefData& ref,
                             const PricingOptions& options) {
  PricedActivity out;
  out.tables = std::move(tables);
  out.options = options;
  const TableTariff tariff(out.tables.codes, ref, options);
  // One table at a time, its details dropped before the next is priced, so
  // the 22 detail bytes a row are held for one table only while loading.
  PriceTable(out.tables.apc, tariff, out.apc);
  out.apc.DropDetails();
  PriceTable(out.tables.op, tariff, out.op);
  out.op.DropDetails();
  PriceTable(out.tables.ae, tariff, out.ae);
  out.ae.DropDetails();
  return out;
}

Result<PricedActivity> LoadPriced(store::Store& store, const refdata::RefData& ref,
                                  std::optional<ingest::ExtractKind> kind, const PricingOptions& options) {
  auto tables = kind ? store.Load(*kind) : store.LoadAll();
  if (!tables.ok()) return tables.error();
  return PriceActivity(std::move(tables).value(), ref, options);
}

}  // namespace csu::pricing
