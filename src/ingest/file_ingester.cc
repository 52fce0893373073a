#include "ingest/file_ingester.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

#include "core/csv_reader.h"
#include "core/nhs_number.h"
#include "core/progress.h"
#include "core/text.h"
#include "ingest/pseudonymiser.h"
#include "ingest/row_validator.h"
#include "refdata/refdata.h"

namespace csu::ingest {
namespace {

// A read-only memory map of a whole file; empty files map to an empty view.
class MappedFile {
 public:
  static Result<MappedFile> Open(const std::string& path) {
    MappedFile f;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return MakeError(path, std::string("cannot open: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return MakeError(path, "is not a regular file");
    }
    f.size_ = static_cast<size_t>(st.st_size);
    if (f.size_ > 0) {
      void* p = ::mmap(nullptr, f.size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        int err = errno;
        ::close(fd);
        return MakeError(path, std::string("cannot map: ") + std::strerror(err));
      }
      ::madvise(p, f.size_, MADV_SEQUENTIAL);
      f.data_ = static_cast<const char*>(p);
    }
    ::close(fd);
    return f;
  }
  MappedFile() = default;
  MappedFile(MappedFile&& o) noexcept : data_(o.data_), size_(o.size_) { o.data_ = nullptr; }
  MappedFile& operator=(MappedFile&&) = delete;
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
  }
  std::string_view view() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

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

// Guesses which other kind a header belongs to, for a helpful message.
std::optional<ExtractKind> OtherKindMatching(ExtractKind kind, const std::vector<std::string_view>& header) {
  for (ExtractKind other : {ExtractKind::kApc, ExtractKind::kOp, ExtractKind::kAe}) {
    if (other != kind && HeaderMap::Build(other, header).ok()) return other;
  }
  return std::nullopt;
}

}  // namespace

Result<std::string> FileSha256(const std::string& path) {
  auto file = MappedFile::Open(path);
  if (!file.ok()) return file.error();
  return Sha256Hex(file.value().view());
}

std::string MaskIdentifiers(std::string_view text, std::optional<size_t> nhs_index, std::optional<size_t> dob_index,
                            bool malformed) {
  std::string out(text);
  // Fields by naive comma split: identifiers are plain digits and dates,
  // never quoted, so quotes elsewhere do not move them.
  size_t field = 0, start = 0;
  for (size_t i = 0; i <= out.size(); ++i) {
    if (i == out.size() || out[i] == ',') {
      if ((nhs_index && field == *nhs_index) || (dob_index && field == *dob_index)) {
        for (size_t j = start; j < i; ++j) out[j] = '*';
      }
      ++field;
      start = i + 1;
    }
  }
  // Any digit run (spaces allowed inside, as in "943 476 5919") that is a
  // valid NHS number, wherever it sits.
  for (size_t i = 0; i < out.size(); ++i) {
    if (!IsDigit(out[i]) || (i > 0 && IsDigit(out[i - 1]))) continue;
    size_t j = i, digits = 0;
    while (j < out.size() && (IsDigit(out[j]) || out[j] == ' ') && digits < 10) {
      digits += IsDigit(out[j]);
      ++j;
    }
    if (digits == 10 && (j == out.size() || !IsDigit(out[j])) && ParseNhsNumber(std::string_view(out).substr(i, j - i))) {
      for (size_t k = i; k < j; ++k) out[k] = out[k] == ' ' ? ' ' : '*';
    }
  }
  if (malformed) {
    for (size_t i = 0; i + 10 <= out.size(); ++i) {
      std::string_view s(out.data() + i, 10);
      if (IsDigit(s[0]) && IsDigit(s[1]) && IsDigit(s[2]) && IsDigit(s[3]) && s[4] == '-' && IsDigit(s[5]) &&
          IsDigit(s[6]) && s[7] == '-' && IsDigit(s[8]) && IsDigit(s[9])) {
        for (size_t k = i; k < i + 10; ++k) out[k] = '*';
      }
    }
  }
  return out;
}

Result<IngestReport> IngestFile(const std::string& path, ExtractKind kind, const refdata::RefData& ref,
                                const Pseudonymiser& pseudonymiser, RecordSink& sink, Progress* progress) {
  auto started = std::chrono::steady_clock::now();
  IngestReport report;
  report.file_name = BaseName(path);
  auto mapped = MappedFile::Open(path);
  if (!mapped.ok()) return mapped.error();
  std::string_view text = mapped.value().view();
  report.file_bytes = text.size();
  if (text.empty()) return MakeError(path, "is empty: expected a CSV header row and data rows");
  if (std::memchr(text.data(), '\0', std::min<size_t>(text.size(), 65536)) != nullptr) {
    return MakeError(path, "is not a CSV text file (it contains binary data)");
  }
  report.content_sha256 = Sha256Hex(text);

  CsvReader reader(text);
  std::vector<std::string_view> fields;
  auto header_read = reader.Next(fields);
  if (!header_read.ok()) return MakeError(path + ": line 1", "header row is not valid CSV: " + header_read.error().why);
  if (!header_read.value()) return MakeError(path, "has no header row");
  if (!IsValidUtf8(reader.record_text())) return MakeError(path + ": line 1", "header row is not valid UTF-8");
  auto map_result = HeaderMap::Build(kind, fields);
  if (!map_result.ok()) {
    std::string why = map_result.error().why;
    if (auto other = OtherKindMatching(kind, fields)) {
      why += "; the header looks like an " + std::string(KindName(*other)) + " extract: use --kind " +
             std::string(KindName(*other));
    }
    return MakeError(path + ": line 1", why);
  }
  const HeaderMap& map = map_result.value();
  if (!map.unknown_columns().empty()) {
    std::string cols;
    for (const auto& c : map.unknown_columns()) cols += (cols.empty() ? "" : ", ") + c;
    report.warnings.push_back("ignored column" + std::string(map.unknown_columns().size() > 1 ? "s" : "") +
                              " not in the " + std::string(KindName(kind)) + " format: " + cols);
  }
  const auto nhs_index = map.IndexOf(Column::kNhsNumber);
  const auto dob_index = map.IndexOf(Column::kDateOfBirth);

  RowValidator validator(map, ref);
  std::unordered_map<uint64_t, Pseudonym> pseudonyms;  // patients recur within a file
  std::vector<RowProblem> problems;
  ApcRecord apc;
  OpRecord op;
  AeRecord ae;
  Identity identity;

  auto quarantine = [&](int64_t line, std::string column, std::string reason, std::string detail, bool malformed) {
    ++report.quarantined;
    std::string key = column.empty() ? reason : column + ": " + reason;
    ++report.quarantined_by_reason[key];
    sink.AddQuarantined(QuarantinedRow{0, line, std::move(column), std::move(reason), std::move(detail),
                                       ReplaceInvalidUtf8(MaskIdentifiers(reader.record_text(), nhs_index, dob_index, malformed), '?')});
  };

  while (true) {
    auto got = reader.Next(fields);
    if (got.ok() && !got.value()) break;
    ++report.rows_read;
    if (progress != nullptr) {
      progress->Update(static_cast<uint64_t>(report.rows_read),
                       static_cast<double>(reader.offset()) / static_cast<double>(text.size()));
    }
    const int64_t line = reader.record_line();
    if (!got.ok()) {
      quarantine(line, "", got.error().why, "", true);
      continue;
    }
    if (!IsValidUtf8(reader.record_text())) {
      quarantine(line, "", "not valid UTF-8", "", true);
      continue;
    }
    if (fields.size() != map.field_count()) {
      quarantine(line, "", "wrong number of fields",
                 std::to_string(fields.size()) + " fields, the header has " + std::to_string(map.field_count()), true);
      continue;
    }
    problems.clear();
    bool ok = false;
    PatientFields* common = nullptr;
    switch (kind) {
      case ExtractKind::kApc:
        ok = validator.ValidateApc(fields, apc, identity, problems);
        common = &apc.common;
        break;
      case ExtractKind::kOp:
        ok = validator.ValidateOp(fields, op, identity, problems);
        common = &op.common;
        break;
      case ExtractKind::kAe:
        ok = validator.ValidateAe(fields, ae, identity, problems);
        common = &ae.common;
        break;
    }
    if (!ok) {
      // Every problem is kept in `detail`; the first one classifies the row.
      const RowProblem& first = problems.front();
      std::string detail = first.detail;
      for (size_t i = 1; i < problems.size(); ++i) {
        detail += (detail.empty() ? "also " : "; also ") + problems[i].ToString();
      }
      quarantine(line, std::string(ColumnName(first.column)), first.reason, detail, false);
      continue;
    }
    // Pseudonymise: the raw number and date of birth stop here.
    if (identity.nhs_number) {
      auto it = pseudonyms.find(*identity.nhs_number);
      if (it == pseudonyms.end()) {
        it = pseudonyms.emplace(*identity.nhs_number, pseudonymiser.Pseudonymise(*identity.nhs_number)).first;
      }
      common->patient = it->second;
    } else {
      common->patient = Pseudonym{};
      ++report.without_nhs_number;
    }
    identity = Identity{};
    ++report.accepted;
    switch (kind) {
      case ExtractKind::kApc: sink.AddApc(apc); break;
      case ExtractKind::kOp: sink.AddOp(op); break;
      case ExtractKind::kAe: sink.AddAe(ae); break;
    }
  }
  if (progress != nullptr) progress->Finish();
  report.blank_lines = reader.blank_lines();
  if (report.blank_lines > 0) {
    report.warnings.push_back(std::to_string(report.blank_lines) + " blank line" + (report.blank_lines > 1 ? "s" : "") +
                              " skipped");
  }
  if (report.rows_read == 0) return MakeError(path, "has a header but no data rows: nothing to load");
  if (report.accepted + report.quarantined != report.rows_read) {
    // A broken invariant is a bug, not bad data.
    throw std::logic_error("ingest lost rows: accepted + quarantined != rows read");
  }
  report.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace csu::ingest
