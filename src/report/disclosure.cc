#include "report/disclosure.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
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

namespace {

// A row's place in the table: a data row, or a total/subtotal and the data
// rows it covers.
struct RowRole {
  bool summary = false;
  std::vector<size_t> covers;  // data rows, for a summary row
};

std::vector<RowRole> RolesOf(const ReportTable& t) {
  std::vector<RowRole> roles(t.rows.size());
  auto is_data = [&](size_t r) { return !t.IsTotalRow(r) && !t.IsSubtotalRow(r); };
  for (size_t r : t.total_rows) {
    if (r >= roles.size()) continue;
    roles[r].summary = true;
    for (size_t d = 0; d < t.rows.size(); ++d)
      if (is_data(d)) roles[r].covers.push_back(d);
  }
  for (const auto& [r, first] : t.subtotal_rows) {
    if (r >= roles.size()) continue;
    roles[r].summary = true;
    roles[r].covers.clear();
    for (size_t d = first; d < r; ++d)
      if (is_data(d)) roles[r].covers.push_back(d);
  }
  return roles;
}

// A derivation naming a column the table does not have is a programmer error.
std::vector<std::vector<size_t>> InputIndices(const ReportTable& t) {
  std::vector<std::vector<size_t>> inputs(t.columns.size());
  for (size_t c = 0; c < t.columns.size(); ++c) {
    const Derivation& d = t.columns[c].derived;
    size_t want = 0;
    switch (d.kind) {
      case Derivation::Kind::kNone: continue;
      case Derivation::Kind::kRatio:
      case Derivation::Kind::kDifference:
      case Derivation::Kind::kShareOfGroup: want = 2; break;
      case Derivation::Kind::kDifferenceAtRate: want = 5; break;
    }
    if (d.inputs.size() != want)
      throw std::invalid_argument("column " + t.columns[c].name + ": its derivation needs " + std::to_string(want) +
                                  " inputs");
    for (const std::string& name : d.inputs) {
      size_t i = t.ColumnIndex(name);
      if (i == t.columns.size())
        throw std::invalid_argument("column " + t.columns[c].name + " is derived from " + name + ", not in the table");
      inputs[c].push_back(i);
    }
  }
  return inputs;
}

// The published value of an input cell, as the derivations read it.
struct Input {
  enum { kNone, kHidden, kValue } state = kNone;
  Int128 number = 0;
  double real = 0;
};

Input Read(const std::vector<Cell>& row, size_t c) {
  if (c >= row.size()) return {};
  const Cell& cell = row[c];
  switch (cell.kind) {
    case Cell::Kind::kSuppressed: return {Input::kHidden, 0, 0};
    case Cell::Kind::kNumber: return {Input::kValue, cell.number, double(cell.number)};
    case Cell::Kind::kReal:
      if (!std::isfinite(cell.real)) return {};
      return {Input::kValue, static_cast<Int128>(std::llround(cell.real)), cell.real};
    default: return {};
  }
}

Cell Number(Int128 v) {
  if (v > std::numeric_limits<int64_t>::max() || v < std::numeric_limits<int64_t>::min()) return Cell::Suppressed();
  return Cell::Integer(static_cast<int64_t>(v));
}

}  // namespace

DisclosedTable ApplyDisclosureControl(ReportTable raw, const DisclosurePolicy& policy) {
  Status valid = policy.Validate();
  if (!valid.ok()) throw std::invalid_argument(valid.error().ToString());

  const size_t ncols = raw.columns.size();
  const std::vector<std::vector<size_t>> inputs = InputIndices(raw);
  const std::vector<RowRole> roles = RolesOf(raw);
  int64_t suppressed = 0;

  auto suppress = [&](Cell& cell) {
    if (cell.kind == Cell::Kind::kNumber || cell.kind == Cell::Kind::kReal) {
      cell = Cell::Suppressed();
      ++suppressed;
    }
  };
  auto declared = [&](size_t c) { return raw.columns[c].derived.kind != Derivation::Kind::kNone; };
  auto round_money = [&](size_t c, Cell& cell) {
    if (raw.columns[c].type == ColumnType::kMoney && cell.kind == Cell::Kind::kNumber)
      cell.number = RoundToMultiple(cell.number, policy.money_round_to_pence);
  };

  // Counts, and the derived columns that do not say what they come from:
  // those are statistics about the row's people (the row rule) and, in a
  // total or subtotal, hidden where a row it covers hid them.
  auto apply_row = [&](size_t r) {
    std::vector<Cell>& row = raw.rows[r];
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
      if (!IsDerived(raw.columns[c].type) || declared(c)) continue;
      Cell& cell = row[c];
      bool covered_hidden = false;
      for (size_t d : roles[r].covers)
        covered_hidden = covered_hidden || (c < raw.rows[d].size() && raw.rows[d][c].kind == Cell::Kind::kSuppressed);
      if (policy.suppress_derived && (count_hidden || covered_hidden)) suppress(cell);
      round_money(c, cell);
    }
  };

  // A declared derived cell, computed again from the published cells.
  auto derive = [&](size_t r, size_t c) {
    std::vector<Cell>& row = raw.rows[r];
    if (c >= row.size()) return;
    Cell& cell = row[c];
    if (cell.kind == Cell::Kind::kEmpty || cell.kind == Cell::Kind::kText) return;  // the view had no figure here
    const bool had_value = cell.kind != Cell::Kind::kSuppressed;
    const Derivation& how = raw.columns[c].derived;
    const std::vector<size_t>& in = inputs[c];
    Cell out;
    if (roles[r].summary && how.total_is_sum) {
      Int128 sum = 0;
      bool hidden = false;
      for (size_t d : roles[r].covers) {
        Input v = Read(raw.rows[d], c);
        hidden = hidden || v.state == Input::kHidden;
        sum += v.number;
      }
      out = hidden ? Cell::Suppressed() : Number(sum);
    } else {
      switch (how.kind) {
        case Derivation::Kind::kNone: return;
        case Derivation::Kind::kRatio: {
          Input n = Read(row, in[0]), d = Read(row, in[1]);
          if (n.state == Input::kHidden || d.state == Input::kHidden) out = Cell::Suppressed();
          else if (n.state == Input::kNone || d.state == Input::kNone || d.real == 0)
            out = Cell::Real(std::numeric_limits<double>::quiet_NaN());
          else out = Cell::Real(n.real / d.real * how.scale);
          break;
        }
        case Derivation::Kind::kDifference: {
          Input a = Read(row, in[0]), b = Read(row, in[1]);
          if (a.state == Input::kHidden || b.state == Input::kHidden) out = Cell::Suppressed();
          // Nothing to subtract from nothing (a TOTAL row's activity, which
          // is not totalled across currencies): no figure, not a 0.
          else if (a.state == Input::kNone && b.state == Input::kNone) out = Cell{};
          else out = Number(a.number - b.number);
          break;
        }
        case Derivation::Kind::kDifferenceAtRate: {
          Input per = Read(row, in[3]);
          if (per.state == Input::kHidden) {
            out = Cell::Suppressed();
          } else if (per.state == Input::kNone || per.number == 0) {
            Input other = Read(row, in[4]);
            out = other.state == Input::kHidden ? Cell::Suppressed()
                  : other.state == Input::kNone ? Cell{}
                                                : Number(other.number);
          } else {
            Input a = Read(row, in[0]), b = Read(row, in[1]), v = Read(row, in[2]);
            if (a.state == Input::kHidden || b.state == Input::kHidden || v.state == Input::kHidden)
              out = Cell::Suppressed();
            else out = Number(DivRoundHalfAway((a.number - b.number) * v.number, per.number));
          }
          break;
        }
        case Derivation::Kind::kShareOfGroup: {
          Input mine = Read(row, in[0]);
          const std::string& group = in[1] < row.size() ? row[in[1]].text : std::string();
          Int128 sum = 0;
          bool hidden = mine.state == Input::kHidden;
          for (size_t d = 0; d < raw.rows.size(); ++d) {
            if (roles[d].summary || in[1] >= raw.rows[d].size() || raw.rows[d][in[1]].text != group) continue;
            Input v = Read(raw.rows[d], in[0]);
            hidden = hidden || v.state == Input::kHidden;
            sum += v.number;
          }
          if (hidden) out = Cell::Suppressed();
          else if (mine.state == Input::kNone || sum == 0) out = Cell::Real(std::numeric_limits<double>::quiet_NaN());
          else out = Cell::Real(double(mine.number) / double(sum));
          break;
        }
      }
    }
    if (out.kind == Cell::Kind::kSuppressed && had_value) ++suppressed;
    cell = std::move(out);
    round_money(c, cell);
  };

  // Data rows first, so totals and subtotals know which cells their rows hid.
  for (size_t r = 0; r < raw.rows.size(); ++r)
    if (!roles[r].summary) apply_row(r);
  for (size_t r = 0; r < raw.rows.size(); ++r)
    if (roles[r].summary) apply_row(r);
  // Then the declared derived columns, left to right (a price variance is
  // computed from the variance and volume variance before it), data rows
  // before the totals that may sum them.
  for (size_t c = 0; c < ncols; ++c) {
    if (!declared(c)) continue;
    for (size_t r = 0; r < raw.rows.size(); ++r)
      if (!roles[r].summary) derive(r, c);
    for (size_t r = 0; r < raw.rows.size(); ++r)
      if (roles[r].summary) derive(r, c);
  }
  std::string note = policy.Describe();
  bool any_declared = false;
  for (size_t c = 0; c < ncols; ++c) any_declared = any_declared || declared(c);
  if (any_declared)
    note += " Rates, percentages, shares and variances are computed from the figures as shown, and shown as * where "
            "one of those is.";
  raw.notes.push_back(std::move(note));
  return DisclosedTable(std::move(raw), suppressed);
}

}  // namespace csu::report
