#include "core/csv_writer.h"

namespace csu {
namespace {

// "-12.50": a spreadsheet reads a negative decimal as that number, not a
// formula. ("+3" stays guarded: a leading plus is how formulas are typed.)
bool IsNegativeNumber(std::string_view v) {
  if (v[0] != '-') return false;
  size_t i = 1;
  size_t digits = 0, dots = 0;
  for (; i < v.size(); ++i) {
    if (v[i] >= '0' && v[i] <= '9') ++digits;
    else if (v[i] == '.' && dots == 0) ++dots;
    else return false;
  }
  return digits > 0 && v.back() != '.';
}

}  // namespace

void AppendCsvField(std::string& out, std::string_view value, bool guard_formulas) {
  bool risky = guard_formulas && !value.empty() &&
               (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@' || value[0] == '\t' ||
                value[0] == '\r') &&
               !IsNegativeNumber(value);
  bool quote = value.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quote) out.push_back('"');
  if (risky) out.push_back('\'');
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  if (quote) out.push_back('"');
}

void AppendCsvRow(std::string& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendCsvField(out, fields[i]);
  }
  out.push_back('\n');
}

}  // namespace csu
