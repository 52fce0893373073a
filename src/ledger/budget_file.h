// A budget file (docs/formats/ledger-budget-v1.md): an entity's budget for a
// financial year, one line per cost centre × income or expense account, with
// an annual amount profiled into the twelve months of the NHS year. Pure:
// whether the cost centres and accounts are in the chart is the store's
// check (LedgerStore::SetBudget), which names the same file:line.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "core/money.h"
#include "core/result.h"

namespace csu::ledger {

// The largest amount a budget line, month or virement may hold: the
// ledger's largest amount, £1,000,000,000,000 (ParsePounds).
constexpr int64_t kMaxBudgetPence = 100'000'000'000'000;

// Month 1 (April) .. 12 (March) of one budget line, in pence, each >= 0.
using MonthAmounts = std::array<int64_t, 12>;

struct BudgetLine {
  std::string cost_centre;
  std::string account;
  MonthAmounts months{};  // months[0] = April
  int64_t line = 0;       // where it was in the file; 0 = not from a file
  int64_t annual() const;
  bool operator==(const BudgetLine&) const = default;
};

// `annual` (pence) spread over twelve months by cumulative rounding: the
// budget to the end of month m is DivRoundHalfAway(annual × m, 12), and
// month m is that less month m − 1's. The months add up to `annual`.
MonthAmounts FlatTwelfths(int64_t annual);

// The same spread over `months` consecutive months (1..12): used to spread a
// virement over the rest of the year. Returns `months` amounts.
std::vector<int64_t> CumulativeSpread(int64_t total, int32_t months);

// Reads the file. Errors name `file:line` and the field; on any error no
// line is returned.
Result<std::vector<BudgetLine>> ParseBudgetFile(std::string_view text, const std::string& file);

// The file a budget would be read back from: the header and one `months`
// record per line (used by `csu ledger budget show --format csv` and the
// fuzz check that what is read writes back to itself).
std::string WriteBudgetFile(const std::vector<BudgetLine>& lines);

}  // namespace csu::ledger
