#include "primarycare/adjustments_file.h"

#include "core/text.h"
#include "refdata/table.h"

namespace csu::primarycare {
namespace {

using refdata::Table;
using refdata::TableRow;

const std::vector<std::string> kColumns = {"practice_code", "month", "kind", "description", "amount", "reason"};

// One line of text people wrote, for a journal comment or a schedule line.
Result<std::string> OneLine(const TableRow& row, const char* column, size_t max) {
  CSU_ASSIGN_OR_RETURN(s, row.Required(column));
  if (!IsValidUtf8(s)) return row.Fail(std::string(column) + ": not valid UTF-8");
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return row.Fail(std::string(column) + ": holds a line break, a tab or another control character");
  if (s.size() > max) return row.Fail(std::string(column) + ": longer than " + std::to_string(max) + " characters");
  return std::string(s);
}

Result<Adjustment> ReadRow(const TableRow& row, const std::string& name) {
  Adjustment a;
  CSU_ASSIGN_OR_RETURN(s, row.Required("practice_code"));
  std::string code = ToUpper(s);
  bool ok = code.size() == 6 && code[0] >= 'A' && code[0] <= 'Z';
  for (size_t k = 1; ok && k < code.size(); ++k) ok = code[k] >= '0' && code[k] <= '9';
  if (!ok) return row.Fail("practice_code: '" + std::string(s) + "' is not a GP practice code (a letter and five digits, e.g. N81001)");
  a.practice = code;
  CSU_ASSIGN_OR_RETURN(m, row.Required("month"));
  auto month = ledger::LedgerPeriod::Parse(m);
  if (!month.ok()) return row.Fail("month: '" + std::string(m) + "' is not a month YYYY-MM");
  a.month = month.value();
  CSU_ASSIGN_OR_RETURN(k, row.Required("kind"));
  const std::string kind = ToUpper(k);
  if (kind == "PAYMENT") a.kind = LineKind::kOtherPayment;
  else if (kind == "DEDUCTION") a.kind = LineKind::kDeduction;
  else return row.Fail("kind: '" + std::string(k) + "' is not payment or deduction");
  CSU_ASSIGN_OR_RETURN(description, OneLine(row, "description", 200));
  a.description = std::move(description);
  CSU_ASSIGN_OR_RETURN(amount, row.RequiredMoney("amount"));
  if (amount <= Money() || amount > Money::FromPounds(10'000'000))
    return row.Fail("amount: must be above £0 and at most £10,000,000 (write a deduction as a positive amount)");
  a.amount_pence = a.kind == LineKind::kDeduction ? -amount.pence() : amount.pence();
  CSU_ASSIGN_OR_RETURN(reason, OneLine(row, "reason", 500));
  a.reason = std::move(reason);
  a.source = name;
  return a;
}

Result<AdjustmentFile> FromTable(const Table& table) {
  AdjustmentFile out;
  out.name = table.name();
  for (const TableRow& row : table.rows()) {
    CSU_ASSIGN_OR_RETURN(a, ReadRow(row, out.name));
    out.rows.push_back(std::move(a));
    out.lines.push_back(row.line());
  }
  return out;
}

}  // namespace

Result<AdjustmentFile> ParseAdjustmentFile(const std::string& name, std::string_view text) {
  CSU_ASSIGN_OR_RETURN(table, Table::Parse(name, text, kColumns));
  return FromTable(table);
}

Result<AdjustmentFile> ReadAdjustmentFile(const std::string& path) {
  CSU_ASSIGN_OR_RETURN(table, Table::Load(path, kColumns));
  return FromTable(table);
}

}  // namespace csu::primarycare
