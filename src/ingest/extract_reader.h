// Opens an extract file and walks its rows: the part of reading an extract
// that ingest and direct pricing share. The file is memory-mapped (a 2 GB
// extract costs address space, not heap). Whole-file problems are Errors
// from Open(); row problems are reported per row so the caller can
// quarantine them and carry on. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/csv_reader.h"
#include "core/result.h"
#include "ingest/extract_schema.h"

namespace csu::ingest {

class MappedFile;

// One data row as read.
struct ExtractRow {
  int64_t line = 0;                    // physical line the row starts on
  std::string_view text;               // raw row text, without its line end
  std::vector<std::string_view> fields;
  // Why the row cannot be read as fields ("unterminated quoted field", "not
  // valid UTF-8", "wrong number of fields"), "" when it can.
  std::string malformed;
  std::string malformed_detail;
};

class ExtractReader {
 public:
  ExtractReader(ExtractReader&&) noexcept;
  ~ExtractReader();

  // Maps `path` and reads its header. Error (where = the path, or
  // "path: line 1") when the file is unreadable, empty, binary, has no header,
  // lacks a required column, or has a header of another extract kind (the
  // message then names the right --kind).
  static Result<ExtractReader> Open(const std::string& path, ExtractKind kind);

  const HeaderMap& map() const { return map_; }
  // Whole file bytes, for hashing.
  std::string_view content() const;
  // The header row as read, for writing it back out.
  const std::vector<std::string>& header() const { return header_; }
  // Warnings about the file as a whole (ignored columns; blank lines once the end is reached).
  std::vector<std::string> warnings() const;

  // Reads the next data row; false at the end of the file.
  bool Next(ExtractRow& row);
  int64_t blank_lines() const { return reader_->blank_lines(); }
  double fraction_read() const;

 private:
  ExtractReader() = default;
  std::unique_ptr<MappedFile> file_;
  std::unique_ptr<CsvReader> reader_;
  HeaderMap map_;
  std::vector<std::string> header_;
  std::vector<std::string> unknown_warning_;
};

}  // namespace csu::ingest
