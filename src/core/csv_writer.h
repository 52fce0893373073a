// Writing CSV that is safe to open in Excel: RFC 4180 quoting, and a guard
// against formula injection (CWE-1236): a cell that a spreadsheet would
// evaluate, one starting with '=', '+', '-', '@', tab or carriage return, is
// prefixed with a single quote so it shows as text. A negative decimal number
// ("-12.50") is not a formula and is written as it is, so a signed
// figure carried through from a user's file stays a number. Numbers the
// platform itself writes need no check: pass guard = false.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace csu {

// Appends one field to `out`, quoted when it holds a comma, quote or line end.
void AppendCsvField(std::string& out, std::string_view value, bool guard_formulas = true);

// Appends a whole row of guarded fields and a "\n".
void AppendCsvRow(std::string& out, const std::vector<std::string>& fields);

}  // namespace csu
