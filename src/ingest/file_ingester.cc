#include "ingest/file_ingester.h"

#include <cctype>

#include <openssl/evp.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <unordered_map>

#include "ingest/extract_reader.h"
#include "core/csv_writer.h"
#include "core/nhs_number.h"
#include "core/progress.h"
#include "core/text.h"
#include "ingest/pseudonymiser.h"
#include "ingest/row_validator.h"
#include "refdata/refdata.h"

namespace csu::ingest {
namespace {

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[32];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  return ToHex(digest, 32);
}

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The nhs_number column must be there, unless the loader said the extract
// has none (IngestOptions::no_nhs_numbers).
Status CheckNhsNumberColumn(const std::string& path, const ExtractReader& file, const IngestOptions& options) {
  const bool has = file.map().IndexOf(Column::kNhsNumber).has_value();
  if (has && options.no_nhs_numbers) {
    return MakeError(path + ": line 1", "has an nhs_number column, but --no-nhs-numbers says the extract has none: "
                                        "load it without --no-nhs-numbers");
  }
  if (has || options.no_nhs_numbers) return Status::Ok();
  // A column whose name, in lower case without punctuation, mentions NHS
  // is most likely the NHS number under another name.
  std::string lookalike;
  for (const std::string& name : file.map().unknown_columns()) {
    std::string folded;
    for (char c : name)
      if (std::isalnum(static_cast<unsigned char>(c))) folded += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (folded.find("nhs") != std::string::npos) {
      lookalike = name;
      break;
    }
  }
  const std::string advice = "; if the extract really has no NHS numbers, load it with --no-nhs-numbers (every "
                             "patient is then unknown, and readmissions cannot be linked)";
  if (!lookalike.empty()) {
    return MakeError(path + ": line 1", "no nhs_number column: column '" + lookalike +
                                            "' looks like it, but the format names it nhs_number "
                                            "(docs/formats/activity-extract-v1.md): rename the column" + advice);
  }
  return MakeError(path + ": line 1", "no nhs_number column (docs/formats/activity-extract-v1.md)" + advice);
}

}  // namespace

Result<ExtractSummary> SummariseExtract(const std::string& path, ExtractKind kind, const IngestOptions& options) {
  auto file = ExtractReader::Open(path, kind);
  if (!file.ok()) return file.error();
  if (Status s = CheckNhsNumberColumn(path, file.value(), options); !s.ok()) return s.error();
  const std::string_view content = file.value().content();
  ExtractSummary summary;
  summary.content_sha256 = Sha256Hex(content);
  uint64_t line_ends = 0;
  const char* end = content.data() + content.size();
  for (const char* p = content.data(); (p = static_cast<const char*>(std::memchr(p, '\n', end - p))) != nullptr; ++p) {
    ++line_ends;
  }
  // The header's line end is not a row's; a last row without a line end is
  // a row without one: at most one line end per row.
  summary.rows_at_most = std::min<uint64_t>(line_ends, content.size() / ExtractSummary::kShortestRecordBytes);
  return summary;
}

std::string MaskIdentifiers(std::string_view text, const std::vector<std::string_view>* fields,
                            std::optional<size_t> nhs_index, std::optional<size_t> dob_index) {
  std::string out;
  if (fields != nullptr) {
    // A well-formed row: rebuild it from the fields the CSV reader found, so
    // quoted commas cannot shift which field gets masked.
    for (size_t i = 0; i < fields->size(); ++i) {
      if (i > 0) out.push_back(',');
      std::string_view f = (*fields)[i];
      if ((nhs_index && i == *nhs_index) || (dob_index && i == *dob_index)) {
        out.append(std::min(f.size(), kQuarantineValueBytes), '*');
      } else if (f.size() > kQuarantineValueBytes) {
        // Mask before cutting, so a number across the cut leaves no digits.
        std::string value(f);
        MaskNhsNumbers(value, /*any_check_digit=*/false);
        AppendCsvField(out, CutWithLength(value, kQuarantineValueBytes), /*guard_formulas=*/false);
      } else {
        AppendCsvField(out, f, /*guard_formulas=*/false);
      }
    }
  } else {
    out.assign(text);
  }
  // Any digit run (spaces allowed inside, as in "943 476 5919") that reads as
  // a valid NHS number, wherever it sits.
  // In a malformed row fields cannot be trusted to sit in their columns, so
  // any 10-digit run is masked, valid check digit or not.
  MaskNhsNumbers(out, /*any_check_digit=*/fields == nullptr);
  if (fields == nullptr) {
    // ...and so is every date, any of which could be the date of birth.
    for (size_t i = 0; i + 10 <= out.size(); ++i) {
      std::string_view s(out.data() + i, 10);
      if (IsDigit(s[0]) && IsDigit(s[1]) && IsDigit(s[2]) && IsDigit(s[3]) && s[4] == '-' && IsDigit(s[5]) &&
          IsDigit(s[6]) && s[7] == '-' && IsDigit(s[8]) && IsDigit(s[9])) {
        for (size_t k = i; k < i + 10; ++k) out[k] = '*';
      }
    }
  }
  // Masked again after the cut: cutting a longer digit run can leave ten
  // digits that read as an NHS number.
  std::string kept = CutWithLength(out, kQuarantineRowBytes);
  MaskNhsNumbers(kept, /*any_check_digit=*/fields == nullptr);
  return kept;
}

Result<IngestReport> IngestFile(const std::string& path, ExtractKind kind, const refdata::RefData& ref,
                                const Pseudonymiser& pseudonymiser, RecordSink& sink, Progress* progress,
                                const IngestOptions& options) {
  auto started = std::chrono::steady_clock::now();
  IngestReport report;
  report.file_name = BaseName(path);
  auto opened = ExtractReader::Open(path, kind);
  if (!opened.ok()) return opened.error();
  ExtractReader& extract = opened.value();
  if (Status s = CheckNhsNumberColumn(path, extract, options); !s.ok()) return s.error();
  report.file_bytes = extract.content().size();
  // The content hash runs on a second thread while this one parses: it only
  // reads the mapping, and at ~0.15 us a row it was a fifth of validation.
  // (The thread is joined before returning, and on unwinding by jthread.)
  std::string content_sha256;
  std::jthread hasher;
  try {
    hasher = std::jthread([&content_sha256, content = extract.content()] { content_sha256 = Sha256Hex(content); });
  } catch (const std::system_error&) {
    content_sha256 = Sha256Hex(extract.content());  // no thread to be had: hash here
  }
  const HeaderMap& map = extract.map();
  const auto nhs_index = map.IndexOf(Column::kNhsNumber);
  const auto dob_index = map.IndexOf(Column::kDateOfBirth);

  RowValidator validator(map, ref);
  std::vector<RowProblem> problems;

  // Accepted records wait in a block of kBlock and go to the sink together
  // (RecordSink::AddApcs): validation fills the next free slot, and a row
  // that fails leaves it free. Identities wait beside them and are
  // pseudonymised when the block is flushed; the block is flushed before
  // every quarantined row, so the sink sees the file's order exactly.
  constexpr size_t kBlock = 64;
  std::vector<ApcRecord> apcs(kind == ExtractKind::kApc ? kBlock : 0);
  std::vector<OpRecord> ops(kind == ExtractKind::kOp ? kBlock : 0);
  std::vector<AeRecord> aes(kind == ExtractKind::kAe ? kBlock : 0);
  std::vector<PatientFields*> commons(kBlock);
  std::vector<Identity> identities(kBlock);
  std::vector<uint64_t> nhs_numbers(kBlock);
  std::vector<Pseudonym> pseudonyms(kBlock);
  size_t pending = 0;
  auto flush = [&] {
    if (pending == 0) return;
    // Pseudonymise: the raw numbers and dates of birth stop here.
    // No cache of pseudonyms: on the synthetic year patients average 1.3
    // spells, so a lookup by NHS number would miss about 4 times in 5, and a
    // miss in a table of 300,000 patients costs about what the HMACs it saves
    // cost (an HMAC is ~60 ns with SHA-NI). Not measured: reasoned.
    // The block's numbers are hashed in one call (PseudonymiseMany), half the
    // cost of one call per number on CPUs with the SHA extensions.
    size_t numbered = 0;
    for (size_t i = 0; i < pending; ++i) {
      if (identities[i].nhs_number) nhs_numbers[numbered++] = *identities[i].nhs_number;
    }
    pseudonymiser.PseudonymiseMany(std::span<const uint64_t>(nhs_numbers.data(), numbered), pseudonyms.data());
    numbered = 0;
    for (size_t i = 0; i < pending; ++i) {
      Identity& identity = identities[i];
      commons[i]->patient = identity.nhs_number ? pseudonyms[numbered++] : Pseudonym{};
      identity = Identity{};
    }
    std::fill_n(nhs_numbers.begin(), numbered, 0);  // nor do their copies linger
    switch (kind) {
      case ExtractKind::kApc: sink.AddApcs(std::span<const ApcRecord>(apcs.data(), pending)); break;
      case ExtractKind::kOp: sink.AddOps(std::span<const OpRecord>(ops.data(), pending)); break;
      case ExtractKind::kAe: sink.AddAes(std::span<const AeRecord>(aes.data(), pending)); break;
    }
    pending = 0;
  };

  ExtractRow row;
  int64_t last_line = 0;
  bool last_malformed = false;
  auto quarantine = [&](std::string column, std::string reason, std::string detail, bool malformed) {
    flush();
    ++report.quarantined;
    std::string key = column.empty() ? reason : column + ": " + reason;
    ++report.quarantined_by_reason[key];
    sink.AddQuarantined(QuarantinedRow{0, row.line, std::move(column), std::move(reason),
                                       CutWithLength(detail, kQuarantineDetailBytes),
                                       ReplaceInvalidUtf8(MaskIdentifiers(row.text, malformed ? nullptr : &row.fields, nhs_index, dob_index), '?')});
  };

  while (extract.Next(row)) {
    ++report.rows_read;
    if (progress != nullptr) progress->Update(static_cast<uint64_t>(report.rows_read), extract.fraction_read());
    last_line = row.line;
    last_malformed = !row.malformed.empty();
    if (!row.malformed.empty()) {
      quarantine("", row.malformed, row.malformed_detail, true);
      continue;
    }
    problems.clear();
    bool ok = false;
    Identity& identity = identities[pending];
    switch (kind) {
      case ExtractKind::kApc:
        ok = validator.ValidateApc(row.fields, apcs[pending], identity, problems);
        commons[pending] = &apcs[pending].common;
        break;
      case ExtractKind::kOp:
        ok = validator.ValidateOp(row.fields, ops[pending], identity, problems);
        commons[pending] = &ops[pending].common;
        break;
      case ExtractKind::kAe:
        ok = validator.ValidateAe(row.fields, aes[pending], identity, problems);
        commons[pending] = &aes[pending].common;
        break;
    }
    if (!ok) {
      identity = Identity{};
      // Every problem is kept in `detail`; the first one classifies the row.
      const RowProblem& first = problems.front();
      std::string detail = first.detail;
      for (size_t i = 1; i < problems.size(); ++i) {
        detail += (detail.empty() ? "also " : "; also ") + problems[i].ToString();
      }
      quarantine(std::string(ColumnName(first.column)), first.reason, detail, false);
      continue;
    }
    if (!identity.nhs_number) ++report.without_nhs_number;
    ++report.accepted;
    if (++pending == kBlock) flush();
  }
  flush();
  if (progress != nullptr) progress->Finish();
  if (hasher.joinable()) hasher.join();
  report.content_sha256 = std::move(content_sha256);
  report.blank_lines = extract.blank_lines();
  report.warnings = extract.warnings();
  if (report.rows_read == 0) return MakeError(path, "has a header but no data rows: nothing to load");
  report.last_line = last_line;
  report.looks_truncated = last_malformed && !extract.content().ends_with('\n');
  if (report.accepted + report.quarantined != report.rows_read) {
    // A broken invariant is a bug, not bad data.
    throw std::logic_error("ingest lost rows: accepted + quarantined != rows read");
  }
  report.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace csu::ingest
