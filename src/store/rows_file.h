// The retained rows file (docs/store-format.md §3): a batch's accepted
// records, pseudonymised and normalised, as CSV text in a zstd stream. It is
// the truth a batch's column file is rebuilt from, so the writer and the
// parser are exact inverses (rows_file_test.cc round-trips every field).
//
// Thread safety: a RowsWriter is used by one thread (it runs one zstd worker
// thread internally); the free functions are thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "ingest/activity_record.h"
#include "ingest/extract_schema.h"
#include "ingest/record_sink.h"
#include "store/env.h"
#include "store/sha256.h"

namespace csu::store {

struct RowsFileInfo {
  uint64_t bytes = 0;
  Digest sha256{};
};

// Streams records into `file` as they arrive, so a batch's text never sits
// in memory whole. An I/O error is remembered and returned by Finish().
//
// Text is formatted into a 1 MiB buffer; a full buffer goes to a compression
// thread, which makes it one zstd frame, while formatting continues in a
// second buffer. All file writes happen on the caller's thread, one per
// buffer handed over (the output of the buffer before it), so the sequence of
// writes is the same on every run.
class RowsWriter {
 public:
  RowsWriter(ingest::ExtractKind kind, std::unique_ptr<WritableFile> file, int zstd_level = 1);
  ~RowsWriter();
  RowsWriter(const RowsWriter&) = delete;
  RowsWriter& operator=(const RowsWriter&) = delete;

  void Add(const ingest::ApcRecord& r);
  void Add(const ingest::OpRecord& r);
  void Add(const ingest::AeRecord& r);

  // The first write error so far (writes stop after it).
  const Status& status() const { return status_; }

  // Ends the stream, then writes, fsyncs and closes the file. Call once.
  Result<RowsFileInfo> Finish();

 private:
  // Room for a row whose text fields total `variable_bytes`.
  char* Begin(size_t variable_bytes);
  void End(char* p);
  char* PutCommon(char* p, const ingest::PatientFields& c);
  // PutDate through a small cache: a batch's dates fall on a few hundred days.
  char* PutDay(char* p, int32_t days);
  char* PutDayTime(char* p, DateTime t);
  // Hands [0, used_) to the compression thread (ending the stream when
  // `last`) and writes whatever compressed output is ready.
  void Compress(bool last);
  void Write(std::string_view compressed);

  struct DayText {
    int64_t days = INT64_MIN;  // no int32 day: empty
    char text[10];             // YYYY-MM-DD
  };
  std::array<DayText, 1024> day_texts_{};

  class Compressor;
  std::unique_ptr<WritableFile> file_;
  std::unique_ptr<Compressor> compressor_;
  std::vector<char> text_;  // rows not yet compressed: [0, used_)
  size_t used_ = 0;
  Sha256 sha_;
  uint64_t bytes_ = 0;
  Status status_;
};

// The version a kind's rows file is written in: "v2" for APC (which added
// secondary_diagnoses), "v1" for OP and A&E (docs/store-format.md §3).
std::string_view RowsVersion(ingest::ExtractKind kind);

// The header line of a kind's rows file as written: "patient,age,sex,...".
// ParseRows also reads APC v1 files, whose header lacks the last column.
std::string_view RowsHeader(ingest::ExtractKind kind);

// Decompresses a rows file's bytes, first checking them against
// `expected_sha256_hex` when given. Errors name `path`.
Result<std::string> DecompressRows(std::string_view file_bytes, const std::string& path,
                                   const std::optional<std::string>& expected_sha256_hex);

// Parses decompressed rows text of `kind` and hands every record to `sink`
// (AddApc/AddOp/AddAe). Returns the number of records, or an Error naming
// "path:line" and the field.
Result<int64_t> ParseRows(std::string_view text, ingest::ExtractKind kind, const std::string& path,
                          ingest::RecordSink& sink);

}  // namespace csu::store
