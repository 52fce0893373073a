// The general ledger's values (docs/ledger.md): account types, accounts
// with hierarchical names, transactions of postings in integer pence, and
// the NHS financial period (year April–March, month 1–12) postings fall in.
// Pure values and pure functions, safe to share between threads.
//
// Sign convention, the one hledger and ledger-cli use: a debit is a positive
// amount and a credit a negative one, so the postings of a transaction sum
// to zero, assets and expenses carry positive balances and liabilities,
// equity and income negative ones.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/money.h"
#include "core/result.h"

namespace csu::ledger {

enum class AccountType : uint8_t { kAsset, kLiability, kEquity, kIncome, kExpense };

// "asset", "liability", "equity", "income", "expense".
std::string_view AccountTypeName(AccountType t);
std::optional<AccountType> ParseAccountType(std::string_view s);
// Income and expense accounts are carried to the general fund at year end;
// the others are the statement of financial position's.
inline bool IsIncomeOrExpense(AccountType t) { return t == AccountType::kIncome || t == AccountType::kExpense; }

struct Account {
  std::string name;  // "expenses:programme:acute": ':'-separated segments
  std::string code;  // the ledger code, "5110"
  AccountType type = AccountType::kAsset;
  std::string description;
  bool operator==(const Account&) const = default;
};

// Why `name` cannot be an account name (empty = it can). A name is 1–200
// bytes of UTF-8 in ':'-separated segments, each non-empty, with no tab, no
// two spaces together, no ';', no leading or trailing space and no leading
// '(', '[', '*', '!' or '#': the rules that keep it one account when hledger reads it back
// (two spaces end an account name there; brackets make a virtual posting;
// a leading mark is a posting's status, a leading '#' a comment).
std::string AccountNameProblem(std::string_view name);

struct CostCentre {
  std::string code;           // "CC100"
  std::string name;           // "Acute commissioning"
  std::string budget_holder;  // the post holding the budget
  bool operator==(const CostCentre&) const = default;
};

struct Posting {
  std::string account;
  Money amount;              // + debit, − credit
  std::string cost_centre;   // "" = none
  std::string counterparty;  // ODS code of the other NHS body, "" = none
  std::string comment;       // free text, "" = none
  bool operator==(const Posting&) const = default;
};

struct Transaction {
  Date date;
  char status = ' ';  // ' ' unmarked, '!' pending, '*' cleared (kept, not interpreted)
  std::string code;   // "(INV-000123)" without brackets, "" = none
  std::string description;
  std::vector<Posting> postings;
  // An accrual: reversed by the platform on the first day of the next period.
  bool reverse_next_period = false;
  int64_t line = 0;  // where it began in the file it was read from; 0 = not from a file
  bool operator==(const Transaction&) const = default;
};

// The sum of the debits (positive postings): the size of a transaction,
// which the approval threshold is compared with (capped at the largest
// int64, which no threshold reaches).
Money DebitTotal(const Transaction& t);

// OK when `t` has at least two postings, valid account names, no zero
// posting and sums to zero; otherwise an Error at `where` saying which.
Status CheckBalanced(const Transaction& t, const std::string& where);

// A month of an entity's NHS financial year.
struct LedgerPeriod {
  FinancialYear year;
  int32_t month = 1;  // 1 = April .. 12 = March

  static LedgerPeriod Of(Date d);
  // "2018-09" (a calendar month: September 2018 is month 6 of 2018/19).
  static Result<LedgerPeriod> Parse(std::string_view text);
  Date first_day() const { return year.MonthStart(month); }
  Date last_day() const;
  LedgerPeriod Next() const;
  std::string ToString() const;  // "2018-09"
  auto operator<=>(const LedgerPeriod&) const = default;
};

// Strict amount in pounds as journals write it: an optional sign, an
// optional '£' (before or after the sign), digits with optional ','
// thousands separators in groups of three, and at most two decimal places.
// "£1,234.56", "-£3.50", "£-3.50", "+12", "0.5" (= 50p). Anything else,
// another currency, or more than £1,000,000,000,000 is an Error (where empty).
Result<Money> ParsePounds(std::string_view text);

}  // namespace csu::ledger
