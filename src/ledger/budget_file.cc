#include "ledger/budget_file.h"

#include <map>

#include "core/csv_reader.h"
#include "core/money.h"
#include "core/text.h"
#include "ledger/ledger_types.h"

namespace csu::ledger {
namespace {

constexpr std::array<const char*, 16> kHeader = {"cost_centre", "account", "annual", "profile", "apr", "may",
                                                 "jun",         "jul",     "aug",    "sep",     "oct", "nov",
                                                 "dec",         "jan",     "feb",    "mar"};

// A ledger amount in pounds, zero or more; an Error naming the field.
Result<int64_t> Amount(std::string_view text, const std::string& where, const char* field) {
  auto m = ParsePounds(text);
  if (!m.ok()) return MakeError(where, std::string(field) + " \"" + std::string(text) + "\" is not an amount in pounds (" +
                                           m.error().why + ")");
  if (m.value().pence() < 0) return MakeError(where, std::string(field) + " is negative: budgets are written in the "
                                                                       "account's own direction, zero or more");
  return m.value().pence();
}

std::string Quote(const std::string& v) {
  if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
  std::string q = "\"";
  for (char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

int64_t BudgetLine::annual() const {
  int64_t s = 0;
  for (int64_t m : months) s += m;
  return s;
}

std::vector<int64_t> CumulativeSpread(int64_t total, int32_t months) {
  std::vector<int64_t> out;
  int64_t before = 0;
  for (int32_t m = 1; m <= months; ++m) {
    const int64_t upto = m == months ? total : DivRoundHalfAway(Int128(total) * m, months);
    out.push_back(upto - before);
    before = upto;
  }
  return out;
}

MonthAmounts FlatTwelfths(int64_t annual) {
  std::vector<int64_t> v = CumulativeSpread(annual, 12);
  MonthAmounts out{};
  for (size_t i = 0; i < 12; ++i) out[i] = v[i];
  return out;
}

Result<std::vector<BudgetLine>> ParseBudgetFile(std::string_view text, const std::string& file) {
  CsvReader reader(text);
  std::vector<std::string_view> f;
  Result<bool> header = reader.Next(f);
  if (!header.ok()) return MakeError(file + ":1", header.error().why);
  if (!header.value()) return MakeError(file + ":1", "the file is empty");
  const std::string head_where = file + ":" + std::to_string(reader.record_line());
  for (size_t i = 0; i < kHeader.size(); ++i) {
    if (i >= f.size()) return MakeError(head_where, std::string("the header has no ") + kHeader[i] + " column");
    if (Trim(f[i]) != kHeader[i])
      return MakeError(head_where, "header column " + std::to_string(i + 1) + " is \"" + std::string(Trim(f[i])) +
                                       "\", not " + kHeader[i]);
  }
  if (f.size() != kHeader.size()) return MakeError(head_where, "the header has more than 16 columns");
  std::vector<BudgetLine> out;
  std::map<std::pair<std::string, std::string>, int64_t> seen;
  while (true) {
    Result<bool> more = reader.Next(f);
    const std::string where = file + ":" + std::to_string(reader.record_line());
    if (!more.ok()) return MakeError(where, more.error().why);
    if (!more.value()) break;
    if (f.size() != kHeader.size())
      return MakeError(where, "a record has " + std::to_string(f.size()) + " fields, not 16");
    BudgetLine l;
    l.line = reader.record_line();
    l.cost_centre = std::string(Trim(f[0]));
    l.account = std::string(Trim(f[1]));
    if (l.cost_centre.empty()) return MakeError(where, "cost_centre is empty");
    if (l.cost_centre.size() > 20 || l.cost_centre.find_first_of(" \t;:") != std::string::npos)
      return MakeError(where, "cost_centre \"" + l.cost_centre + "\" is not a cost centre code");
    if (l.account.empty()) return MakeError(where, "account is empty");
    if (std::string why = AccountNameProblem(l.account); !why.empty())
      return MakeError(where, "account \"" + l.account + "\": " + why);
    CSU_ASSIGN_OR_RETURN(annual, Amount(Trim(f[2]), where, "annual"));
    const std::string_view profile = Trim(f[3]);
    if (profile == "flat") {
      for (size_t m = 0; m < 12; ++m)
        if (!Trim(f[4 + m]).empty())
          return MakeError(where, std::string(kHeader[4 + m]) + " is given with profile flat: leave the months empty, "
                                                                "or use profile months");
      l.months = FlatTwelfths(annual);
    } else if (profile == "months") {
      int64_t sum = 0;
      for (size_t m = 0; m < 12; ++m) {
        if (Trim(f[4 + m]).empty())
          return MakeError(where, std::string(kHeader[4 + m]) + " is empty: profile months needs all twelve");
        CSU_ASSIGN_OR_RETURN(v, Amount(Trim(f[4 + m]), where, kHeader[4 + m]));
        l.months[m] = v;
        sum += v;  // each at most £10^12, so twelve cannot overflow
      }
      if (sum != annual)
        return MakeError(where, "the months add up to " + Money::FromPence(sum).ToString() + ", not the annual " +
                                    Money::FromPence(annual).ToString());
    } else {
      return MakeError(where, "profile \"" + std::string(profile) + "\" is neither flat nor months");
    }
    auto [it, fresh] = seen.emplace(std::pair{l.cost_centre, l.account}, l.line);
    if (!fresh)
      return MakeError(where, l.cost_centre + " " + l.account + " is budgeted twice (first on line " +
                                  std::to_string(it->second) + ")");
    out.push_back(std::move(l));
  }
  return out;
}

std::string WriteBudgetFile(const std::vector<BudgetLine>& lines) {
  std::string out;
  for (size_t i = 0; i < kHeader.size(); ++i) out += std::string(i ? "," : "") + kHeader[i];
  out += "\n";
  for (const BudgetLine& l : lines) {
    out += Quote(l.cost_centre) + "," + Quote(l.account) + "," + Money::FromPence(l.annual()).ToDecimal() + ",months";
    for (int64_t m : l.months) out += "," + Money::FromPence(m).ToDecimal();
    out += "\n";
  }
  return out;
}

}  // namespace csu::ledger
