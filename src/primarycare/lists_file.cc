#include "primarycare/lists_file.h"

#include <unordered_map>

#include "core/text.h"
#include "refdata/table.h"

namespace csu::primarycare {
namespace {

using refdata::Table;
using refdata::TableRow;

const std::vector<std::string> kColumns = {"practice_code", "quarter", "registered", "weighted"};

Result<ListSize> ReadRow(const TableRow& row, const std::string& name) {
  ListSize l;
  CSU_ASSIGN_OR_RETURN(s, row.Required("practice_code"));
  std::string code = ToUpper(s);
  bool ok = code.size() == 6 && code[0] >= 'A' && code[0] <= 'Z';
  for (size_t k = 1; ok && k < code.size(); ++k) ok = code[k] >= '0' && code[k] <= '9';
  if (!ok) return row.Fail("practice_code: '" + std::string(s) + "' is not a GP practice code (a letter and five digits, e.g. N81001)");
  l.practice = code;
  CSU_ASSIGN_OR_RETURN(q, row.Required("quarter"));
  auto day = Date::Parse(q);
  if (!day.ok()) return row.Fail("quarter: '" + std::string(q) + "' is not a date YYYY-MM-DD");
  if (QuarterStart(day.value()) != day.value())
    return row.Fail("quarter: " + std::string(q) + " is not a quarter's first day (1 January, 1 April, 1 July or 1 October)");
  l.quarter = day.value();
  CSU_ASSIGN_OR_RETURN(registered, row.Int("registered"));
  if (registered < 0 || registered > 10'000'000) return row.Fail("registered: must be between 0 and 10,000,000");
  l.registered = registered;
  CSU_ASSIGN_OR_RETURN(weighted, row.Scaled("weighted", 6));
  if (weighted < 0 || weighted > int64_t{10'000'000} * 1'000'000)
    return row.Fail("weighted: must be between 0 and 10,000,000");
  l.weighted_millionths = weighted;
  l.source = name;
  return l;
}

Result<ListFile> FromTable(const Table& table) {
  ListFile out;
  out.name = table.name();
  std::unordered_map<std::string, int64_t> seen;  // practice/quarter -> line
  for (const TableRow& row : table.rows()) {
    CSU_ASSIGN_OR_RETURN(l, ReadRow(row, out.name));
    auto [it, inserted] = seen.emplace(l.practice + "/" + l.quarter.ToString(), row.line());
    if (!inserted)
      return row.Fail("practice_code: " + l.practice + " for the quarter from " + l.quarter.ToString() +
                      " is already on line " + std::to_string(it->second) + "; give each practice and quarter one row");
    out.rows.push_back(std::move(l));
    out.lines.push_back(row.line());
  }
  return out;
}

}  // namespace

Result<ListFile> ParseListFile(const std::string& name, std::string_view text) {
  CSU_ASSIGN_OR_RETURN(table, Table::Parse(name, text, kColumns));
  return FromTable(table);
}

Result<ListFile> ReadListFile(const std::string& path) {
  CSU_ASSIGN_OR_RETURN(table, Table::Load(path, kColumns));
  return FromTable(table);
}

}  // namespace csu::primarycare
