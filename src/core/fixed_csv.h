// The frame every fixed-layout CSV file of the platform shares (a header
// that must be exactly the documented columns in order, then one record per
// row, each of exactly that many fields), so each reader says only what its
// own columns mean. Problems name the line and why; a reader collects them
// and stores nothing if there are any (docs/formats/*.md).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace csu {

// Reads `text` (CSV, core/csv_reader.h). The first record must be `header`
// (fields trimmed, joined by commas), else one problem names `format` (the
// format document) and nothing more is read. Then each record of exactly
// `columns` fields goes to `row(line, fields)`; a malformed record or one with
// another number of fields goes to `problem(line, why)` and reading goes on.
// Returns the line of the last record read (for "has no rows" messages), or
// nullopt when the header was missing or wrong.
std::optional<int64_t> ReadFixedCsv(
    std::string_view text, std::string_view header, size_t columns, std::string_view format,
    const std::function<void(int64_t line, const std::vector<std::string_view>& fields)>& row,
    const std::function<void(int64_t line, std::string why)>& problem);

}  // namespace csu
