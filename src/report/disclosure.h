// Statistical disclosure control: what happens to a table before its figures
// leave a tenant's own view (benchmarks across CCGs, shared quality reports,
// exports marked for publication). The rule is NHS Digital's for HES and ECDS
// since September 2018 (docs/disclosure.md gives the source and the reasons
// for each choice below):
//
//   count 0        -> 0
//   count 1 to 7   -> "*"
//   other counts   -> rounded to the nearest 5
//   totals         -> summed from the unrounded counts, then rounded
//
// Only kCount columns are counts of people or records; kInteger (months,
// years, days) and kText are never changed. Rounding: a count is a whole
// number and 5 is odd, so no count is ever half-way between two multiples of
// 5; with an even base (a policy of 10) a half-way count rounds away from
// zero (15 -> 20), the platform's one rounding rule. Negative counts (which a
// count of people never is) are treated by their size with the sign kept.
//
// Derived figures that declare what they come from (Column::derived: a
// ratio, a rate, a share, a variance; report_table.h) are computed again
// from the published cells of their row, after the counts and money there
// are controlled: 13 attendances with 11 within 4 hours publish as 15, 10
// and 10/15, never 11/13, which would give both true counts back. Such a
// figure is "*" where one of its inputs is, and otherwise follows nothing
// else in its row: it says nothing the published figures do not. A share of
// a group is "*" for the whole group where one member's figure is hidden
// (the others' shares would give the hidden one back). In a total or
// subtotal row a declared figure is computed from that row's published
// figures, or summed over the rows it covers (Derivation::total_is_sum),
// "*" if one of them is.
//
// Figures that do not declare a derivation are treated as statistics about
// their row's people: in a row where any count was suppressed, every
// kMoney, kDecimal and kPercent cell without a derivation is suppressed too
// (NHS Digital: "simple statistics based on 1–7 individuals are shown as
// *"), and money is the sharpest case: spend ÷ the tariff price gives the
// count back. For the same reason, a total or subtotal row's money, decimal
// and percent cells are suppressed when a row it covers had that column
// suppressed, since the total − the other rows would otherwise rebuild the
// hidden figure. Money in other rows is kept to the penny unless the policy
// rounds it (money_round_to_pence): money columns also hold unit prices and
// per-head rates that rounding would ruin, and rounding to the pound hides
// nothing when prices are in hundreds of pounds.
//
// Totals. A published total must be the rounded *true* total: a total added
// up from rounded counts drifts (three rows of 8 publish as 10 each; their
// sum 30 is not the true 24, which publishes as 25). So:
//   1. build the raw table and call ReportTable::AddTotalRow on it;
//   2. ApplyDisclosureControl(raw) rounds each total like any count.
// The result is a DisclosedTable, which hands out its table only as const:
// it cannot be given a total row, or any row, after rounding, and it cannot
// be disclosed twice, because ApplyDisclosureControl takes a ReportTable.
// Code that publishes can ask for a DisclosedTable in its signature.
//
//   ReportTable raw{"Spells by provider", {{"provider", ColumnType::kText},
//                                          {"spells", ColumnType::kCount},
//                                          {"cost", ColumnType::kMoney}}};
//   raw.AddRow({Cell::Text("RWE"), Cell::Count(1203), Cell::Pence(412345600)});
//   raw.AddRow({Cell::Text("RP4"), Cell::Count(3), Cell::Pence(1230000)});
//   raw.AddTotalRow("Total");
//   DisclosedTable shared = ApplyDisclosureControl(std::move(raw));
//   // RWE 1,205 £4,123,456.00; RP4 * *; Total 1,205 * (the total's cost
//   // would give RP4's cost back)
//   WriteXlsx(path, shared.table());
//
// National figures need no control (NHS Digital): callers decide whether to
// apply it. All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"
#include "report/report_table.h"

namespace csu::report {

struct DisclosurePolicy {
  int64_t suppress_min = 1;  // counts from suppress_min ...
  int64_t suppress_max = 7;  // ... to suppress_max (inclusive) become "*"
  int64_t round_to = 5;      // other non-zero counts: nearest multiple of this
  // Suppress money, decimal and percent cells in rows with a suppressed
  // count, and in total rows over them (see above). Turning this off is for
  // tables whose money does not come from the counted people.
  bool suppress_derived = true;
  // Money not suppressed is rounded to a multiple of this many pence, half
  // away from zero; 1 keeps it exact (e.g. 100'000 publishes £000s).
  int64_t money_round_to_pence = 1;

  // An error when the policy cannot be applied (round_to < 1,
  // money_round_to_pence < 1, suppress_min < 1 or > suppress_max).
  Status Validate() const;
  // One sentence for a table's notes, e.g. "Counts of 1 to 7 are shown as *
  // and other counts are rounded to the nearest 5; ...".
  std::string Describe() const;
};

// The published form of one count: nullopt when it is suppressed.
// policy must be valid (Validate).
std::optional<int64_t> DiscloseCount(int64_t count, const DisclosurePolicy& policy = {});

// A table whose figures have been through disclosure control. Immutable.
class DisclosedTable {
 public:
  const ReportTable& table() const { return table_; }
  // How many cells became "*" (counts and derived figures).
  int64_t suppressed_cells() const { return suppressed_cells_; }

 private:
  friend DisclosedTable ApplyDisclosureControl(ReportTable raw, const DisclosurePolicy& policy);
  DisclosedTable(ReportTable table, int64_t suppressed) : table_(std::move(table)), suppressed_cells_(suppressed) {}

  ReportTable table_;
  int64_t suppressed_cells_ = 0;
};

// Applies the policy to every cell as described above and adds
// policy.Describe() to the table's notes (with a sentence on derived
// figures when the table declares any). Cells already suppressed stay
// suppressed and count as a suppressed count for their row. Throws
// std::invalid_argument when the policy is invalid or a derivation names a
// column the table does not have (programmer errors: check configured
// policies with Validate where they are loaded).
DisclosedTable ApplyDisclosureControl(ReportTable raw, const DisclosurePolicy& policy = {});

}  // namespace csu::report
