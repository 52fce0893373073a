// Writes apc.csv, op.csv and ae.csv in the activity extract format v1
// (shared/formats/activity-extract-v1.md): a header row, then one row per
// spell / appointment / attendance, comma-separated with "\n" line ends.
// No generated field contains a comma, quote or line break, so no field is
// quoted (a planted "broken quoting" defect is the only quote in a file).
//
// Rows are formatted by hand into a reused buffer (no iostreams, no
// per-field allocation); dates come from a table built once. Each file goes
// through core::AtomicFileWriter, so a half-written file never appears under
// its final name. Not thread-safe: one writer per file, one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/file.h"
#include "core/result.h"
#include "synth/events.h"

namespace csu::synth {

enum class Dataset : uint8_t { kApc, kOp, kAe };
inline constexpr Dataset kDatasets[] = {Dataset::kApc, Dataset::kOp, Dataset::kAe};

// "apc", "op", "ae".
std::string_view DatasetName(Dataset d);
// The columns written, in order (all required columns and the optional ones
// the generator fills).
const std::vector<std::string_view>& ExtractColumns(Dataset d);

// What a row needs besides its event: the practice's codes and the provider
// codes by provider index.
struct RowContext {
  std::string_view practice;       // "A84002"
  std::string_view commissioner;   // "27D"
  const std::vector<std::string>* provider_codes = nullptr;
};

// Appends one row, without its line end, to `out`. `seq` numbers the row
// within its practice and dataset; ids are "<practice>-<seq, 6 digits>",
// unique within the file and therefore within each provider.
void AppendSpellRow(std::string& out, const SpellRow& s, const Patient& p, const RowContext& ctx, int64_t seq);
void AppendOpRow(std::string& out, const OpRow& o, const Patient& p, const RowContext& ctx, int64_t seq);
void AppendAeRow(std::string& out, const AeRow& a, const Patient& p, const RowContext& ctx, int64_t seq);

// "YYYY-MM-DD" and "YYYY-MM-DDTHH:MM", fast (table lookup for 1880-2040).
void AppendDate(std::string& out, Date d);
void AppendDateTime(std::string& out, DateTime t);

class ExtractFile {
 public:
  ExtractFile(const std::string& dir, Dataset dataset);
  // Creates the temporary file and writes the header.
  Status Open();
  // Appends a formatted row and its line end.
  void AppendRow(std::string_view row);
  // Makes the file visible under its final name (see AtomicFileWriter).
  Status Commit();

  Dataset dataset() const { return dataset_; }
  const std::string& path() const { return path_; }
  int64_t rows() const { return rows_; }
  uint64_t bytes() const { return writer_.bytes_written(); }
  // The last row appended (without line end), for planting defects at the end.
  const std::string& last_row() const { return last_row_; }

 private:
  Dataset dataset_;
  std::string path_;
  AtomicFileWriter writer_;
  int64_t rows_ = 0;
  std::string last_row_;
};

}  // namespace csu::synth
