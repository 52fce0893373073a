// Takes one extract file through the whole ingest path: read (memory-mapped,
// so a 2 GB file costs address space, not heap), hash, parse, validate every
// row, pseudonymise, and deliver accepted records and masked quarantined rows
// to a RecordSink. It keeps nothing itself: the caller decides whether the
// sink's contents become a batch.
//
// Invariant, checked before returning: accepted + quarantined == rows read.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "core/result.h"
#include "ingest/extract_schema.h"
#include "ingest/record_sink.h"

namespace csu {
class Progress;
namespace refdata {
class RefData;
}
}  // namespace csu

namespace csu::ingest {

class Pseudonymiser;

struct IngestReport {
  std::string file_name;       // base name
  std::string content_sha256;  // hex, of the file's bytes
  uint64_t file_bytes = 0;
  int64_t rows_read = 0;       // data rows, excluding the header and blank lines
  int64_t accepted = 0;
  int64_t quarantined = 0;
  int64_t blank_lines = 0;
  int64_t without_nhs_number = 0;  // accepted rows of unknown patients
  std::map<std::string, int64_t> quarantined_by_reason;  // "nhs_number: check digit invalid" -> 12
  std::vector<std::string> warnings;
  double elapsed_seconds = 0;
  // The file does not end with a line break and its last row was malformed
  // (a field short, or an open quote): the usual sign of a copy cut off
  // mid-row. `csu ingest` refuses such a file unless told it is complete.
  bool looks_truncated = false;
  int64_t last_line = 0;  // the line of the last row read
};

// What is known of an extract file before it is ingested.
struct ExtractSummary {
  std::string content_sha256;  // hex, of the file's bytes
  // Records the file can hold at most, for sizing a batch before the rows
  // are read: its line ends (the header's stands in for a last row without
  // one; blank lines and quoted line breaks make this an overestimate), but
  // never more than one per kShortestRecordBytes of file (no valid row of any
  // kind is shorter), so a file of blank or short lines cannot make a batch
  // reserve room for records that no row of it could be.
  uint64_t rows_at_most = 0;
  static constexpr uint64_t kShortestRecordBytes = 40;
};

// What the person loading a file says about it.
struct IngestOptions {
  // The extract has no NHS numbers at all (`csu ingest --no-nhs-numbers`):
  // it must then have no nhs_number column, and every patient is unknown.
  // Without it, a file without an nhs_number column is refused, naming a
  // column that looks like one (`NHSNumber`): a misnamed column would
  // otherwise load every row as an unknown patient.
  bool no_nhs_numbers = false;
};

// The content hash and row bound of an extract file, after the same
// whole-file checks as IngestFile (so a file that cannot be ingested fails
// here first).
Result<ExtractSummary> SummariseExtract(const std::string& path, ExtractKind kind, const IngestOptions& options = {});

// Processes `path` as an extract of `kind` into `sink`. Returns an Error
// (where = the path, or "path: line 1") when the file as a whole cannot be
// processed: unreadable, empty, binary, no header, a missing required column,
// an nhs_number column missing without options.no_nhs_numbers (or present
// with it), a header that belongs to another kind of extract, or no data rows. Row
// problems are not errors: those rows are quarantined and counted.
// `progress` may be null.
Result<IngestReport> IngestFile(const std::string& path, ExtractKind kind, const refdata::RefData& ref,
                                const Pseudonymiser& pseudonymiser, RecordSink& sink, Progress* progress,
                                const IngestOptions& options = {});

// The row text with identifiers masked, for showing quarantined rows. For a
// well-formed row pass its `fields` (as the CSV reader split them): the row
// is rebuilt from them with the fields at `nhs_index` and `dob_index` as '*'
// of the same length, and any other value reading as a valid NHS number
// masked too. For a malformed row (broken quoting, wrong field count, bad
// UTF-8) pass null: its fields cannot be trusted to sit in their columns, so
// every 10-digit run and every YYYY-MM-DD date in the raw text is masked.
// What is kept is bounded: each value to kQuarantineValueBytes and the row
// to kQuarantineRowBytes (masked first, then cut, with the cut length shown).
inline constexpr size_t kQuarantineValueBytes = 256;
inline constexpr size_t kQuarantineRowBytes = 4096;
// A problem's detail (the offending value, quoted) is kept to this.
inline constexpr size_t kQuarantineDetailBytes = 256;
std::string MaskIdentifiers(std::string_view row_text, const std::vector<std::string_view>* fields,
                            std::optional<size_t> nhs_index, std::optional<size_t> dob_index);

}  // namespace csu::ingest
