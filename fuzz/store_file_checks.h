// Invariant checks for the store's two batch file decoders
// (docs/store-format.md): the retained rows file (DecompressRows, ParseRows)
// and the column file (ColumnFileReader, DecodeBatchColumns). Both files are
// written by the store, so anything else in them is damage: the decoders
// must refuse it with an error naming the file, never crash, never allocate
// what the bytes cannot hold, and what they accept must survive being
// written again. Shared by fuzz/rows_file_fuzz.cc, fuzz/column_file_fuzz.cc
// and src/store/store_files_fuzz_corpus_test.cc, which replays
// fuzz/corpus/rows_file and fuzz/corpus/column_file in the default suite.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_checks.h"
#include "ingest/record_sink.h"
#include "store/column_file.h"
#include "store/env.h"
#include "store/rows_file.h"

namespace csu::fuzz {

// A WritableFile into a string.
class StringFile : public store::WritableFile {
 public:
  explicit StringFile(std::string* out) : out_(out) {}
  Status Append(std::string_view data) override {
    out_->append(data);
    return Status::Ok();
  }
  Status Sync() override { return Status::Ok(); }
  Status Close() override { return Status::Ok(); }

 private:
  std::string* out_;
};

// Keeps every record handed over.
class KeepingSink : public ingest::RecordSink {
 public:
  explicit KeepingSink(ingest::ExtractKind kind) : kind_(kind) {}
  ingest::ExtractKind kind() const override { return kind_; }
  void AddApc(const ingest::ApcRecord& r) override { apc.push_back(r); }
  void AddOp(const ingest::OpRecord& r) override { op.push_back(r); }
  void AddAe(const ingest::AeRecord& r) override { ae.push_back(r); }
  void AddQuarantined(ingest::QuarantinedRow) override { ++quarantined; }
  size_t size() const { return apc.size() + op.size() + ae.size(); }

  std::vector<ingest::ApcRecord> apc;
  std::vector<ingest::OpRecord> op;
  std::vector<ingest::AeRecord> ae;
  int quarantined = 0;

 private:
  ingest::ExtractKind kind_;
};

// The records of `sink` as the store writes them: a whole rows file,
// decompressed.
inline Result<std::string> RowsText(const KeepingSink& sink) {
  std::string bytes;
  store::RowsWriter writer(sink.kind(), std::make_unique<StringFile>(&bytes));
  for (const auto& r : sink.apc) writer.Add(r);
  for (const auto& r : sink.op) writer.Add(r);
  for (const auto& r : sink.ae) writer.Add(r);
  auto info = writer.Finish();
  if (!info.ok()) return info.error();
  return store::DecompressRows(bytes, "again.rows.zst", std::nullopt);
}

// What ParseRows promises of the records it accepted; apart from the parser
// so a test can show each rule rejects a wrong record:
//  - one-character codes are ASCII letters or digits (' ' for an absent
//    optional one): anything else could not be written back;
//  - counts of days are not negative; at most 20 secondary diagnoses.
inline bool IsCodeChar(char c, bool optional) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (optional && c == ' ');
}
inline std::string CheckRowsRecords(const KeepingSink& sink) {
  auto common = [](const ingest::PatientFields& p) -> std::string {
    if (!IsCodeChar(p.sex, false)) return "kept a sex code that is not a letter or digit";
    return "";
  };
  for (const auto& r : sink.apc) {
    if (std::string b = common(r.common); !b.empty()) return b;
    if (!IsCodeChar(r.patient_classification, false) || !IsCodeChar(r.discharge_method, true))
      return "kept an APC one-character code that is not a letter or digit";
    if (r.critical_care_days < 0 || r.rehabilitation_days < 0 || r.palliative_care_days < 0)
      return "kept a negative count of days";
    if (r.secondary_diagnoses.size() > ingest::kMaxSecondaryDiagnoses) return "kept over 20 secondary diagnoses";
  }
  for (const auto& r : sink.op) {
    if (std::string b = common(r.common); !b.empty()) return b;
    if (!IsCodeChar(r.first_attendance, false) || !IsCodeChar(r.attended, false))
      return "kept an outpatient one-character code that is not a letter or digit";
  }
  for (const auto& r : sink.ae) {
    if (std::string b = common(r.common); !b.empty()) return b;
    if (!IsCodeChar(r.arrival_mode, true)) return "kept an arrival mode that is not a letter or digit";
  }
  return "";
}

// Parses `text` as rows of `kind` (a file named "b.rows.zst"). A refusal must
// keep CheckFileError's rules; an accepted text must hand over exactly the
// records it counts, keep CheckRowsRecords' rules, and its records written
// again by RowsWriter must parse back to records that are written the same.
inline std::string CheckRowsText(ingest::ExtractKind kind, std::string_view text) {
  KeepingSink sink(kind);
  auto parsed = store::ParseRows(text, kind, "b.rows.zst", sink);
  if (!parsed.ok()) return CheckFileError(parsed.error(), "b.rows.zst", text);
  if (parsed.value() != static_cast<int64_t>(sink.size())) return "ParseRows' count is not the records it handed over";
  if (std::string broken = CheckRowsRecords(sink); !broken.empty()) return broken;
  auto written = RowsText(sink);
  if (!written.ok()) return "the accepted records cannot be written again: " + written.error().ToString();
  KeepingSink again(kind);
  auto reparsed = store::ParseRows(written.value(), kind, "again.rows.zst", again);
  if (!reparsed.ok()) return "the accepted records, written again, are refused: " + reparsed.error().ToString();
  if (again.size() != sink.size()) return "the accepted records, written again, read back as another number";
  auto rewritten = RowsText(again);
  if (!rewritten.ok() || rewritten.value() != written.value())
    return "the accepted records, written again, read back otherwise";
  return "";
}

// The rows target's input: the first byte picks the kind (its value mod 3)
// and whether the rest is a compressed file (bit 2) or decompressed text.
inline std::string CheckRowsFile(std::string_view data) {
  if (data.empty()) return "";
  const auto kind = static_cast<ingest::ExtractKind>(static_cast<unsigned char>(data[0]) % 3);
  const bool compressed = (static_cast<unsigned char>(data[0]) & 4) != 0;
  data.remove_prefix(1);
  if (!compressed) return CheckRowsText(kind, data);
  auto text = store::DecompressRows(data, "b.rows.zst", std::nullopt);
  if (!text.ok()) {
    if (text.error().where != "b.rows.zst" || text.error().why.empty()) return "a decompression error not naming the file";
    return "";
  }
  return CheckRowsText(kind, text.value());
}

// What DecodeBatchColumns promises of the columns it accepted, apart from the
// decoder so a test can show each rule rejects wrong columns: every row
// column holds `rows` values; record ids are offsets 0 = first ≤ … ≤ last =
// the bytes; patient numbers name a pseudonym (0 = none); the rows of
// unbundled HRGs and of secondary diagnoses are in order, each below `rows`
// and each paired with a value.
inline std::string CheckBatchColumns(const store::BatchColumns& c, uint64_t rows) {
  std::string broken;
  auto count = [&](const char* name, const auto& values) {
    if (broken.empty() && values.size() != rows) broken = std::string("column ") + name + " does not hold one value a row";
  };
  switch (c.kind) {
    case ingest::ExtractKind::kApc: store::ForEachRowColumn(c.apc, count); break;
    case ingest::ExtractKind::kOp: store::ForEachRowColumn(c.op, count); break;
    case ingest::ExtractKind::kAe: store::ForEachRowColumn(c.ae, count); break;
  }
  if (!broken.empty()) return broken;
  const auto& off = c.record_id_offsets;
  if (off.size() != rows + 1 || off.front() != 0 || off.back() != c.record_id_bytes.size())
    return "record id offsets do not span the record id bytes";
  for (size_t i = 1; i < off.size(); ++i)
    if (off[i] < off[i - 1]) return "record id offsets go backwards";
  if (c.patient_keys.size() % 32 != 0) return "patient keys are not 32-byte pseudonyms";
  for (uint32_t p : c.common().patient)
    if (p > c.patients()) return "a patient number names no pseudonym";
  auto in_order = [&](const std::vector<uint32_t>& rs, size_t paired) {
    if (rs.size() != paired) return false;
    for (size_t i = 0; i < rs.size(); ++i)
      if (rs[i] >= rows || (i > 0 && rs[i] < rs[i - 1])) return false;
    return true;
  };
  if (!in_order(c.apc.unbundled_row, c.apc.unbundled_hrg.size())) return "unbundled rows out of order or unpaired";
  if (!in_order(c.apc.secondary_diagnosis_row, c.apc.secondary_diagnosis.size()))
    return "secondary diagnosis rows out of order or unpaired";
  return "";
}

// Opens `data` as a column file named "b.cols": first as stored (with its
// checksum), then, so the fuzzer reaches past the checksum, without it. A
// refusal must name the file and say why; accepted columns must keep
// CheckBatchColumns' rules and, written again by EncodeColumnFile, open with
// their checksum and decode to the same file.
inline std::string CheckColumnFile(std::string_view data) {
  for (bool checksum : {true, false}) {
    auto reader = store::ColumnFileReader::Open(data, "b.cols", std::nullopt, checksum);
    if (!reader.ok()) {
      const Error& e = reader.error();
      if (e.where != "b.cols" || e.why.empty()) return "an open error not naming the file: " + e.ToString();
      continue;
    }
    std::vector<uint16_t> provider;
    std::vector<uint32_t> id_offsets;
    std::vector<uint8_t> id_bytes;
    if (Status s = store::DecodeKeys(reader.value(), provider, id_offsets, id_bytes); !s.ok()) {
      if (s.error().where != "b.cols" || s.error().why.empty()) return "a key error not naming the file";
    } else if (provider.size() != reader.value().rows() || id_offsets.size() != provider.size() + 1 ||
               id_offsets.back() != id_bytes.size()) {
      return "DecodeKeys accepted keys that do not match the rows";
    }
    auto columns = store::DecodeBatchColumns(reader.value());
    if (!columns.ok()) {
      if (columns.error().where != "b.cols" || columns.error().why.empty()) return "a decode error not naming the file";
      continue;
    }
    if (std::string broken = CheckBatchColumns(columns.value(), reader.value().rows()); !broken.empty()) return broken;
    const std::string again = store::EncodeColumnFile(columns.value(), reader.value().rows_sha256());
    auto reopened = store::ColumnFileReader::Open(again, "again.cols", std::nullopt);
    if (!reopened.ok()) return "the accepted columns, written again, do not open: " + reopened.error().ToString();
    auto redecoded = store::DecodeBatchColumns(reopened.value());
    if (!redecoded.ok()) return "the accepted columns, written again, do not decode: " + redecoded.error().ToString();
    if (store::EncodeColumnFile(redecoded.value(), reopened.value().rows_sha256()) != again)
      return "the accepted columns, written again, decode otherwise";
  }
  return "";
}

}  // namespace csu::fuzz
