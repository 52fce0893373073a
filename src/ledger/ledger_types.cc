#include "ledger/ledger_types.h"

#include <cctype>
#include <cstdint>

#include "core/text.h"

namespace csu::ledger {

std::string_view AccountTypeName(AccountType t) {
  switch (t) {
    case AccountType::kAsset: return "asset";
    case AccountType::kLiability: return "liability";
    case AccountType::kEquity: return "equity";
    case AccountType::kIncome: return "income";
    case AccountType::kExpense: return "expense";
  }
  return "asset";
}

std::optional<AccountType> ParseAccountType(std::string_view s) {
  for (AccountType t : {AccountType::kAsset, AccountType::kLiability, AccountType::kEquity, AccountType::kIncome,
                        AccountType::kExpense})
    if (AccountTypeName(t) == s) return t;
  return std::nullopt;
}

std::string AccountNameProblem(std::string_view name) {
  if (name.empty()) return "an account name is empty";
  if (name.size() > 200) return "an account name is longer than 200 bytes";
  if (!IsValidUtf8(name)) return "an account name is not valid UTF-8";
  if (name.front() == '(' || name.front() == '[')
    return "virtual postings (an account in brackets) are not part of a double-entry ledger";
  if (name.front() == ' ' || name.back() == ' ') return "an account name starts or ends with a space";
  if (name.front() == '*' || name.front() == '!' || name.front() == '#')
    return "an account name starts with '" + std::string(1, name.front()) +
           "', which a journal reads as a status mark or a comment";
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '\t' || c == ';' || static_cast<unsigned char>(c) < 0x20)
      return "account name \"" + std::string(name) + "\" holds a tab, a control character or ';'";
    if (c == ' ' && i + 1 < name.size() && name[i + 1] == ' ')
      return "account name \"" + std::string(name) + "\" holds two spaces together (which end a name)";
  }
  for (std::string_view seg : Split(name, ':'))
    if (Trim(seg).empty()) return "account name \"" + std::string(name) + "\" has an empty segment";
  return "";
}

Money DebitTotal(const Transaction& t) {
  Int128 sum = 0;
  for (const Posting& p : t.postings)
    if (p.amount > Money()) sum += p.amount.pence();
  return Money::FromPence(sum > INT64_MAX ? INT64_MAX : static_cast<int64_t>(sum));
}

Status CheckBalanced(const Transaction& t, const std::string& where) {
  if (t.postings.size() < 2) return MakeError(where, "a transaction needs at least two postings");
  Int128 sum = 0;
  for (const Posting& p : t.postings) {
    if (std::string why = AccountNameProblem(p.account); !why.empty()) return MakeError(where, why);
    if (p.amount == Money()) return MakeError(where, "posting to " + p.account + " is £0.00");
    sum += p.amount.pence();
  }
  if (sum != 0) {
    const Money off = Money::FromPence(static_cast<int64_t>(sum));
    return MakeError(where, "the transaction does not balance: its postings sum to " + off.ToString() +
                                ", not £0.00");
  }
  return Status::Ok();
}

LedgerPeriod LedgerPeriod::Of(Date d) {
  FinancialYear y = FinancialYear::Of(d);
  return {y, y.MonthOf(d)};
}

Result<LedgerPeriod> LedgerPeriod::Parse(std::string_view text) {
  Result<Date> d = Date::Parse(std::string(text) + "-01");
  if (text.size() != 7 || !d.ok()) return MakeError("", "a period is written YYYY-MM, e.g. 2018-09, not \"" +
                                                            std::string(text) + "\"");
  return Of(d.value());
}

Date LedgerPeriod::last_day() const { return Next().first_day().AddDays(-1); }

LedgerPeriod LedgerPeriod::Next() const {
  if (month == 12) return {FinancialYear(year.start_year() + 1), 1};
  return {year, month + 1};
}

std::string LedgerPeriod::ToString() const { return first_day().ToString().substr(0, 7); }

// A trillion pounds: far above any NHS body's budget, and low enough that
// the sum of 90,000 such postings still fits in int64 pence.
constexpr int64_t kMaxPounds = 1'000'000'000'000;

Result<Money> ParsePounds(std::string_view text) {
  std::string_view s = text;
  const std::string shown = "amount \"" + std::string(text) + "\"";
  bool negative = false, sign = false, pound = false;
  auto take_sign = [&] {
    if (!sign && !s.empty() && (s.front() == '-' || s.front() == '+')) {
      negative = s.front() == '-';
      sign = true;
      s.remove_prefix(1);
    }
  };
  auto take_pound = [&] {
    if (!pound && s.substr(0, 2) == "£") {
      pound = true;
      s.remove_prefix(2);
    }
  };
  take_sign();
  take_pound();
  take_sign();
  if (s.empty()) return MakeError("", shown + " has no digits");
  if (!std::isdigit(static_cast<unsigned char>(s.front()))) {
    if (s.front() == '$' || s.substr(0, 2) == "\xE2\x82" || std::isalpha(static_cast<unsigned char>(s.front())))
      return MakeError("", shown + " is not in pounds sterling (the ledger keeps one currency, £)");
    return MakeError("", shown + " is not a number");
  }
  const size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot), frac = dot == std::string_view::npos ? "" : s.substr(dot + 1);
  if (dot != std::string_view::npos && (frac.empty() || frac.size() > 2))
    return MakeError("", shown + " needs one or two decimal places (whole pence)");
  for (char c : frac)
    if (!std::isdigit(static_cast<unsigned char>(c))) return MakeError("", shown + " is not a number");
  int64_t pounds = 0;
  std::vector<std::string_view> groups = Split(whole, ',');
  for (size_t i = 0; i < groups.size(); ++i) {
    std::string_view g = groups[i];
    const bool bad_group = groups.size() > 1 && ((i == 0 && (g.empty() || g.size() > 3)) || (i > 0 && g.size() != 3));
    if (bad_group) return MakeError("", shown + " has thousands separators out of place");
    for (char c : g) {
      if (!std::isdigit(static_cast<unsigned char>(c))) {
        if (std::isalpha(static_cast<unsigned char>(c)) || c == ' ')
          return MakeError("", shown + " is not in pounds sterling (the ledger keeps one currency, £)");
        return MakeError("", shown + " is not a number");
      }
      pounds = pounds * 10 + (c - '0');
      if (pounds > kMaxPounds) return MakeError("", shown + " is too large for the ledger (over £1,000,000,000,000)");
    }
  }
  int64_t pence = pounds * 100;
  if (!frac.empty()) pence += (frac[0] - '0') * 10 + (frac.size() == 2 ? frac[1] - '0' : 0);
  return Money::FromPence(negative ? -pence : pence);
}

}  // namespace csu::ledger
