// Prices every row of a loaded column table (store::ApcTable, OpTable,
// AeTable) at national tariff, into price columns parallel to the table's
// rows. The contract: for every row, the tariff year, point of delivery,
// not-priced reason and money columns are exactly what PriceApc / PriceOp /
// PriceAe return for the record the row holds (src/pricing/
// table_pricer_test.cc checks it over a generated year). Same rules
// (docs/pricing.md), same rounding: a row with a specialised top-up or
// unbundled HRGs goes through detail::Finish itself; every other row uses
// an int64 form of the same formula that is exact because it has no
// fractional factor but the MFF (see apc_table_pricer.cc).
//
//   TableTariff tariff(tables.codes, ref);          // once per load
//   PricedColumns apc;
//   PriceTable(tables.apc, tariff, apc);             // ~50M+ spells/s a core
//   for (size_t i = 0; i < apc.size(); ++i) total += apc.final_pence[i];
//
// The tariff must have been built from the dictionaries the table was
// loaded with (or larger ones: dictionaries only grow). Not thread-safe on
// one `out`; different tables may be priced from different threads with
// one shared TableTariff.
#pragma once

#include <cstdint>
#include <vector>

#include "pricing/pence_column.h"
#include "pricing/price.h"
#include "pricing/pricer.h"
#include "pricing/table_tariff.h"

namespace csu::store {
struct ApcTable;
struct OpTable;
struct AeTable;
}  // namespace csu::store

namespace csu::pricing {

// The price of each row of one table, row i for table row i. A row that is
// not priced has pod kNone, its reason in not_priced, and 0 in every money
// column (the per-record Price may carry partial components then; the
// columns do not, so sums over a column need no filter).
//
// What analytics reads (final price, POD, reason) is always kept, the final
// price in 4 bytes a row (PenceColumn: exact, with a wide list for the rare
// price beyond ±£21 million). The details behind it (base, adjustments,
// excess bed days, tariff year: 22 bytes a row) are kept by PriceTable and
// dropped from loaded activity (PriceActivity, DropDetails), which keeps a
// loaded record within its 48-byte budget; they are derived again for one
// record by the per-record pricer when a price is explained.
struct PricedColumns {
  PenceColumn final_pence;              // rounded once, half away from zero
  std::vector<uint8_t> pod;             // Pod
  std::vector<uint8_t> not_priced;      // NotPriced; 0 = priced
  // Details, empty after DropDetails:
  std::vector<int64_t> base_pence;      // the point of delivery's price (the NEL price under NELST)
  // Short-stay reduction + top-up + unbundled, before MFF, rounded for
  // display only (Price::adjustments). APC only: empty for OP and A&E.
  std::vector<int64_t> adjustment_pence;
  std::vector<int64_t> excess_bed_day_pence;  // APC only
  std::vector<int32_t> excess_bed_days;       // APC only
  std::vector<int16_t> tariff_year;           // start year of the tariff year used, e.g. 2018

  size_t size() const { return pod.size(); }
  bool priced(size_t row) const { return not_priced[row] == 0; }
  bool has_details() const { return tariff_year.size() == size(); }
  // Frees the detail columns (what a loaded record does not need).
  void DropDetails();
  // Row `row` as a Price: POD, reason and final always; tariff year, base,
  // excess bed days and adjustments only when has_details() (otherwise
  // left as a default Price has them). MFF, top-up and unbundled details
  // are not kept: explain a row with the per-record pricer (csu price
  // explain).
  Price At(size_t row) const;
  // Sum of final_pence.
  int64_t TotalPence() const;
  // Bytes held by the columns (sizes, not capacities): the memory a loaded
  // record's prices cost.
  size_t Bytes() const;
};

// Prices every row of `table` into `out` (resized to the table; buffers are
// reused when already that size, so pricing again allocates nothing).
void PriceTable(const store::ApcTable& table, const TableTariff& tariff, PricedColumns& out);
void PriceTable(const store::OpTable& table, const TableTariff& tariff, PricedColumns& out);
void PriceTable(const store::AeTable& table, const TableTariff& tariff, PricedColumns& out);

namespace detail {
// Round half away from zero of x / 1,000,000 for an int64 x: what
// DivRoundHalfAway(x * 10^6, 10^12) gives, without 128-bit division.
inline int64_t DivPpmRoundHalfAway(int64_t x) {
  constexpr int64_t kHalf = 500'000;
  return (x + (x < 0 ? -kHalf : kHalf)) / 1'000'000;  // division truncates toward zero
}
}  // namespace detail

}  // namespace csu::pricing
