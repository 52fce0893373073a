// An RFC 4180 CSV reader over text already in memory.
//
// It lives in core, not ingest, because reference data (below ingest in the
// module order) is CSV too; both use this one reader and it is fuzzed once.
//
// Rules: comma-separated; fields may be quoted with '"' and a quote inside a
// quoted field is doubled; quoted fields may span lines; records end at "\n"
// or "\r\n"; a leading UTF-8 byte order mark is skipped; blank lines are
// skipped and counted. A malformed record (an unterminated quote, text after a
// closing quote, a stray quote inside an unquoted field) yields an Error naming
// the line, and reading resumes on the next physical line after the record's
// start, so one broken row costs one row.
//
// Not thread-safe; the fields returned by Next() stay valid until the next call.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace csu {

class CsvReader {
 public:
  explicit CsvReader(std::string_view text);

  // Reads the next record into `fields` (cleared first). Returns true when a
  // record was read, false at the end of the text, or an Error for a
  // malformed record (where = "line N").
  Result<bool> Next(std::vector<std::string_view>& fields);

  // 1-based physical line on which the record last returned (or failed) began.
  int64_t record_line() const { return record_line_; }
  // The raw text of the record last returned (or failed), without its line end.
  std::string_view record_text() const { return record_text_; }
  int64_t blank_lines() const { return blank_lines_; }
  // Bytes consumed so far, for progress reporting.
  size_t offset() const { return pos_; }

 private:
  void SkipToNextLine(size_t from);

  std::string_view text_;
  size_t pos_ = 0;
  int64_t line_ = 1;  // physical line at pos_
  int64_t record_line_ = 0;
  std::string_view record_text_;
  int64_t blank_lines_ = 0;
  // Storage for quoted fields with "" in them. A deque, because growing it
  // must not move the strings that earlier fields of this record point into.
  std::deque<std::string> unescaped_;
};

}  // namespace csu
