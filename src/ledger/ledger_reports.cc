#include "ledger/ledger_reports.h"

namespace csu::ledger {

using report::Cell;
using report::ColumnType;
using report::ReportTable;

Result<ReportTable> TrialBalance(LedgerStore& db, const std::string& entity, Date from, Date to) {
  CSU_ASSIGN_OR_RETURN(e, db.GetEntity(entity));
  CSU_ASSIGN_OR_RETURN(balances, db.Balances(e.code, from, to));
  ReportTable t{"Trial balance", {{"account", ColumnType::kText, "Account"},
                                  {"code", ColumnType::kText, "Code"},
                                  {"type", ColumnType::kText, "Type"},
                                  {"debit", ColumnType::kMoney, "Debit"},
                                  {"credit", ColumnType::kMoney, "Credit"}}};
  for (const AccountBalance& b : balances) {
    const int64_t p = b.balance.pence();
    t.AddRow({Cell::Text(b.account.name), Cell::Text(b.account.code), Cell::Text(std::string(AccountTypeName(b.account.type))),
              p > 0 ? Cell::Pence(p) : Cell{}, p < 0 ? Cell::Pence(-p) : Cell{}});
  }
  t.AddTotalRow("Total");
  t.notes.push_back(e.code + " " + e.name);
  t.notes.push_back(from == kBeginning() ? "Balances as at " + to.ToString()
                                         : "Movements from " + from.ToString() + " to " + to.ToString());
  return t;
}

Result<ReportTable> IncomeExpenditure(LedgerStore& db, const std::string& entity, const std::vector<Span>& spans) {
  CSU_ASSIGN_OR_RETURN(e, db.GetEntity(entity));
  std::vector<std::vector<AccountBalance>> per_span;
  for (const Span& s : spans) {
    CSU_ASSIGN_OR_RETURN(b, db.Balances(e.code, s.from, s.to, true));
    per_span.push_back(std::move(b));
  }
  ReportTable t{"Income and expenditure", {{"section", ColumnType::kText, "Section"},
                                           {"account", ColumnType::kText, "Account"},
                                           {"code", ColumnType::kText, "Code"}}};
  for (const Span& s : spans) t.columns.push_back({s.name, ColumnType::kMoney, s.label});
  std::vector<int64_t> income(spans.size()), expenditure(spans.size());
  for (AccountType type : {AccountType::kIncome, AccountType::kExpense}) {
    const bool is_income = type == AccountType::kIncome;
    if (per_span.empty()) break;
    for (size_t i = 0; i < per_span[0].size(); ++i) {
      const Account& a = per_span[0][i].account;
      if (a.type != type) continue;
      std::vector<Cell> row = {Cell::Text(is_income ? "Income" : "Expenditure"), Cell::Text(a.name), Cell::Text(a.code)};
      for (size_t s = 0; s < spans.size(); ++s) {
        const int64_t p = per_span[s][i].balance.pence();
        const int64_t shown = is_income ? -p : p;
        (is_income ? income : expenditure)[s] += shown;
        row.push_back(Cell::Pence(shown));
      }
      t.AddRow(std::move(row));
    }
  }
  auto summary = [&](const std::string& label, auto value) {
    std::vector<Cell> row = {Cell::Text("Total"), Cell::Text(label), Cell{}};
    for (size_t s = 0; s < spans.size(); ++s) row.push_back(Cell::Pence(value(s)));
    t.AddRow(std::move(row));
  };
  summary("Total income", [&](size_t s) { return income[s]; });
  summary("Total expenditure", [&](size_t s) { return expenditure[s]; });
  summary("Surplus (deficit)", [&](size_t s) { return income[s] - expenditure[s]; });
  t.notes.push_back(e.code + " " + e.name);
  for (const Span& s : spans) t.notes.push_back(s.label + ": " + s.from.ToString() + " to " + s.to.ToString());
  t.notes.push_back("Year-end closing journals are left out.");
  return t;
}

Result<ReportTable> FinancialPosition(LedgerStore& db, const std::string& entity, Date as_at) {
  CSU_ASSIGN_OR_RETURN(e, db.GetEntity(entity));
  CSU_ASSIGN_OR_RETURN(balances, db.Balances(e.code, kBeginning(), as_at));
  ReportTable t{"Statement of financial position", {{"section", ColumnType::kText, "Section"},
                                                    {"account", ColumnType::kText, "Account"},
                                                    {"code", ColumnType::kText, "Code"},
                                                    {"amount", ColumnType::kMoney, "Amount"}}};
  int64_t assets = 0, liabilities = 0, equity = 0, unclosed = 0;
  for (AccountType type : {AccountType::kAsset, AccountType::kLiability}) {
    for (const AccountBalance& b : balances) {
      if (b.account.type != type) continue;
      const int64_t shown = type == AccountType::kAsset ? b.balance.pence() : -b.balance.pence();
      (type == AccountType::kAsset ? assets : liabilities) += shown;
      t.AddRow({Cell::Text(type == AccountType::kAsset ? "Assets" : "Liabilities"), Cell::Text(b.account.name),
                Cell::Text(b.account.code), Cell::Pence(shown)});
    }
    t.AddRow({Cell::Text("Total"), Cell::Text(type == AccountType::kAsset ? "Total assets" : "Total liabilities"),
              Cell{}, Cell::Pence(type == AccountType::kAsset ? assets : liabilities)});
  }
  t.AddRow({Cell::Text("Total"), Cell::Text("Net assets"), Cell{}, Cell::Pence(assets - liabilities)});
  for (const AccountBalance& b : balances) {
    if (IsIncomeOrExpense(b.account.type)) unclosed -= b.balance.pence();
    if (b.account.type != AccountType::kEquity) continue;
    equity -= b.balance.pence();
    t.AddRow({Cell::Text("Taxpayers' equity"), Cell::Text(b.account.name), Cell::Text(b.account.code),
              Cell::Pence(-b.balance.pence())});
  }
  t.AddRow({Cell::Text("Taxpayers' equity"), Cell::Text("Surplus (deficit) not yet closed to the general fund"),
            Cell{}, Cell::Pence(unclosed)});
  t.AddRow({Cell::Text("Total"), Cell::Text("Total taxpayers' equity"), Cell{}, Cell::Pence(equity + unclosed)});
  t.notes.push_back(e.code + " " + e.name);
  t.notes.push_back("As at " + as_at.ToString());
  return t;
}

}  // namespace csu::ledger
