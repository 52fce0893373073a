#include "report/disclosure.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "core/money.h"

namespace csu::report {
namespace {

// n rounded to the nearest multiple of base, half away from zero; where that
// multiple would not fit in int64 the one nearer zero is taken.
int64_t RoundToMultiple(int64_t n, int64_t base) {
  if (base <= 1) return n;
  Int128 q = DivRoundHalfAway(n, base);
  Int128 v = q * base;
  if (v > std::numeric_limits<int64_t>::max()) v -= base;
  if (v < std::numeric_limits<int64_t>::min()) v += base;
  return static_cast<int64_t>(v);
}

bool IsDerived(ColumnType type) {
  return type == ColumnType::kMoney || type == ColumnType::kDecimal || type == ColumnType::kPercent;
}

// "£1,000" for whole pounds, "£0.50" otherwise.
std::string PoundsText(int64_t pence) {
  std::string s = Money::FromPence(pence).ToString();
  if (pence % 100 == 0) s.resize(s.size() - 3);
  return s;
}

}  // namespace

Status DisclosurePolicy::Validate() const {
  if (round_to < 1) return MakeError("disclosure policy", "round_to must be at least 1");
  if (money_round_to_pence < 1) return MakeError("disclosure policy", "money_round_to_pence must be at least 1");
  if (suppress_min < 1 || suppress_min > suppress_max) {
    return MakeError("disclosure policy", "suppress_min must be at least 1 and at most suppress_max");
  }
  return Status::Ok();
}

std::string DisclosurePolicy::Describe() const {
  std::string s = "Disclosure control: counts of " + std::to_string(suppress_min) + " to " +
                  std::to_string(suppress_max) + " are shown as *";
  if (round_to > 1) s += " and other counts are rounded to the nearest " + std::to_string(round_to);
  s += "; totals are rounded from unrounded values";
  if (suppress_derived) s += "; money, rates and percentages that would reveal a suppressed count are shown as *";
  if (money_round_to_pence > 1) s += "; money is rounded to the nearest " + PoundsText(money_round_to_pence);
  return s + ".";
}

std::optional<int64_t> DiscloseCount(int64_t count, const DisclosurePolicy& policy) {
  if (count == 0) return 0;
  // The size of INT64_MIN does not fit in int64: it is far above any
  // suppression range, so it only needs rounding.
  if (count != std::numeric_limits<int64_t>::min()) {
    int64_t size = count < 0 ? -count : count;
    if (size >= policy.suppress_min && size <= policy.suppress_max) return std::nullopt;
  }
  return RoundToMultiple(count, policy.round_to);
}

DisclosedTable ApplyDisclosureControl(ReportTable raw, const DisclosurePolicy& policy) {
  Status valid = policy.Validate();
  if (!valid.ok()) throw std::invalid_argument(valid.error().ToString());

  const size_t ncols = raw.columns.size();
  int64_t suppressed = 0;
  // Per derived column: was it suppressed in some row that is not a total?
  std::vector<bool> hidden_in_data(ncols, false);

  auto suppress = [&](Cell& cell) {
    if (cell.kind == Cell::Kind::kNumber || cell.kind == Cell::Kind::kReal) {
      cell = Cell::Suppressed();
      ++suppressed;
    }
  };

  auto apply_row = [&](std::vector<Cell>& row, bool is_total) {
    bool count_hidden = false;
    for (size_t c = 0; c < ncols && c < row.size(); ++c) {
      if (raw.columns[c].type != ColumnType::kCount) continue;
      Cell& cell = row[c];
      if (cell.kind == Cell::Kind::kReal && std::isfinite(cell.real)) {
        cell = Cell::Count(std::llround(cell.real));  // a count is whole; a stray real is treated as one
      }
      if (cell.kind == Cell::Kind::kNumber) {
        std::optional<int64_t> shown = DiscloseCount(cell.number, policy);
        if (shown) {
          cell.number = *shown;
        } else {
          suppress(cell);
        }
      }
      count_hidden = count_hidden || cell.kind == Cell::Kind::kSuppressed;
    }
    for (size_t c = 0; c < ncols && c < row.size(); ++c) {
      ColumnType type = raw.columns[c].type;
      if (!IsDerived(type)) continue;
      Cell& cell = row[c];
      if (policy.suppress_derived && (count_hidden || (is_total && hidden_in_data[c]))) suppress(cell);
      if (type == ColumnType::kMoney && cell.kind == Cell::Kind::kNumber) {
        cell.number = RoundToMultiple(cell.number, policy.money_round_to_pence);
      }
      if (!is_total && cell.kind == Cell::Kind::kSuppressed) hidden_in_data[c] = true;
    }
  };

  // Data rows first, so total rows know which derived columns were hidden.
  for (size_t r = 0; r < raw.rows.size(); ++r) {
    if (!raw.IsTotalRow(r)) apply_row(raw.rows[r], false);
  }
  for (size_t r : raw.total_rows) {
    if (r < raw.rows.size()) apply_row(raw.rows[r], true);
  }
  raw.notes.push_back(policy.Describe());
  return DisclosedTable(std::move(raw), suppressed);
}

}  // namespace csu::report
