// Writing a command's output the way every command does: report tables as a
// terminal table (fitted to the terminal's width when stdout is one), CSV,
// JSON or an XLSX workbook, and plain text (a payment file, an XML document),
// to stdout or atomically to --out FILE.
#pragma once

#include <string>
#include <vector>

#include "report/report_table.h"

namespace csu::cli {

// `format` is table, csv, json or xlsx (xlsx needs `out`). Returns an exit
// code, having printed any error.
int WriteTables(const std::vector<report::ReportTable>& tables, const std::string& format, const std::string& out);

// Writes `text` to stdout, or atomically to `out` when it is given. Returns
// an exit code, having printed any error.
int WriteText(const std::string& text, const std::string& out);

// The --format option's check, for commands to call before doing any work.
// Returns an error message, or "" when the format and --out fit together.
std::string CheckTableFormat(const std::string& format, const std::string& out);

}  // namespace csu::cli
