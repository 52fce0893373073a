// The frame every fixed-layout CSV file of the platform shares (a header
// that must be exactly the documented columns in order, then one record per
// row, each of exactly that many fields), so each reader says only what its
// own columns mean. Problems name the line, the column and why; a reader
// collects them and stores nothing if there are any (docs/formats/*.md).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace csu {

// One thing wrong in a file. `why` never quotes a value from the file: these
// files hold personal data, and a problem is printed and logged.
struct FileProblem {
  int64_t line = 0;
  std::string field;  // the column's name; "" for the whole row or file
  std::string why;
  std::string ToString(const std::string& file) const;  // "file:line: field: why"
};

// Reading stops once this many problems are collected: a wholly wrong file
// (the wrong export, say) says enough to be fixed without a million lines.
inline constexpr size_t kMaxFileProblems = 1000;

// Reads `text` (CSV, core/csv_reader.h). The first record must be `header`
// (fields trimmed, joined by commas), else one problem names `format` (the
// format document) and nothing more is read. Then each record of exactly
// `columns` fields goes to `row(line, fields)`, which adds its own problems to
// `problems`; a blank line is skipped; a malformed record or one with another
// number of fields is a problem and reading goes on, until kMaxFileProblems.
// Returns the line of the last record read (for "has no rows" messages), or
// nullopt when the header was missing or wrong.
std::optional<int64_t> ReadFixedCsv(
    std::string_view text, std::string_view header, size_t columns, std::string_view format,
    const std::function<void(int64_t line, const std::vector<std::string_view>& fields)>& row,
    std::vector<FileProblem>& problems);

}  // namespace csu
