// Writing ReportTables as an Excel workbook (XLSX, through libxlsxwriter):
// commissioners live in Excel, so an export must open ready to filter and
// sum, with figures stored as numbers, not text.
//
// Each table becomes one sheet:
//   row 1   the title (bold)
//   row 2   the column labels (bold, underlined), frozen with the title so
//           they stay on screen, with an autofilter over them and the data
//   rows    the data rows, then the total rows in bold, outside the
//           autofilter so sorting never moves a total into the data
//   then    a blank row and the notes (italic), one per row
// Number formats: count #,##0; integer 0; money £#,##0.00 with negatives
// red and signed (the cell holds pounds, pence / 100); decimal #,##0.0 and
// percent 0.0% with Column::decimals places, each value stored rounded to
// what it shows (render.h PublishedReal); suppressed "*" right-aligned;
// empty cells blank. Columns are as wide as their longest shown value
// (8 to 60 characters). Printed, a sheet is landscape, one page wide, with
// rows 1 and 2 repeated on each page.
//
// Formula injection (CWE-1236): every text is written as a string cell, never
// a formula, and a text starting with = + - @ tab or CR additionally gets a
// style with quotePrefix="1" and the text number format ("@"), as Excel does
// itself when a user types a leading quote: editing the cell later keeps it
// text instead of running it. libxlsxwriter 1.1.4 (Debian bookworm) cannot set
// quotePrefix, so the writer adds it to xl/styles.xml after libxlsxwriter has
// finished (through zip_archive.h).
//
// Sheet names follow Excel's rules (see XlsxSheetNames). Text that is not
// valid UTF-8 is written with each bad byte replaced by "?", because one bad
// byte would make Excel refuse the whole file.
//
//   std::vector<ReportTable> tables = {monitoring, flows};
//   Status s = WriteXlsx("/exports/0DE-2018-19.xlsx", tables);
//   if (!s.ok()) ... s.error().ToString() ...   // "/exports/0DE-2018-19.xlsx: ..."
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "report/report_table.h"

namespace csu::report {

// Writes the tables, one sheet each in order, to a new workbook at `path`,
// atomically (core/file.h AtomicFileWriter: a reader sees the old file or
// the whole new one). Needs at least one table. Staging files beside `path`
// are removed whether or not it succeeds. Errors (an unwritable directory, a
// table too big for a sheet, a text longer than Excel's 32,767 characters)
// come back with where = path. Thread-safe for different paths.
Status WriteXlsx(const std::string& path, const std::vector<ReportTable>& tables);
Status WriteXlsx(const std::string& path, const ReportTable& table);

// One sheet name per title, in order, each acceptable to Excel: the
// characters [ ] : * ? / \ become "-", control characters spaces; no leading
// or trailing apostrophe or space; at most 31 characters (counted as Excel
// does, in UTF-16 units); an empty title becomes "Sheet<n>"; names unique
// ignoring ASCII case, a repeat getting " (2)", " (3)", ...; Excel's reserved
// name "History" is never used.
std::vector<std::string> XlsxSheetNames(const std::vector<std::string>& titles);

}  // namespace csu::report
