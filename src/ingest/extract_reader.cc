#include "ingest/extract_reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/text.h"

namespace csu::ingest {

// A read-only memory map of a whole file; an empty file maps to an empty view.
class MappedFile {
 public:
  static Result<std::unique_ptr<MappedFile>> Open(const std::string& path) {
    auto f = std::unique_ptr<MappedFile>(new MappedFile());
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return MakeError(path, std::string("cannot open: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return MakeError(path, "is not a regular file");
    }
    f->size_ = static_cast<size_t>(st.st_size);
    if (f->size_ > 0) {
      void* p = ::mmap(nullptr, f->size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        int err = errno;
        ::close(fd);
        return MakeError(path, std::string("cannot map: ") + std::strerror(err));
      }
      ::madvise(p, f->size_, MADV_SEQUENTIAL);
      f->data_ = static_cast<const char*>(p);
    }
    ::close(fd);
    return f;
  }
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
  }
  std::string_view view() const { return {data_, size_}; }

 private:
  MappedFile() = default;
  const char* data_ = nullptr;
  size_t size_ = 0;
};

ExtractReader::ExtractReader(ExtractReader&&) noexcept = default;
ExtractReader::~ExtractReader() = default;

std::string_view ExtractReader::content() const { return file_->view(); }

double ExtractReader::fraction_read() const {
  size_t size = file_->view().size();
  return size == 0 ? 1.0 : static_cast<double>(reader_->offset()) / static_cast<double>(size);
}

std::vector<std::string> ExtractReader::warnings() const {
  std::vector<std::string> w = unknown_warning_;
  int64_t blank = reader_->blank_lines();
  if (blank > 0) w.push_back(std::to_string(blank) + " blank line" + (blank > 1 ? "s" : "") + " skipped");
  return w;
}

Result<ExtractReader> ExtractReader::Open(const std::string& path, ExtractKind kind) {
  ExtractReader r;
  auto mapped = MappedFile::Open(path);
  if (!mapped.ok()) return mapped.error();
  r.file_ = std::move(mapped).value();
  std::string_view text = r.file_->view();
  if (text.empty()) return MakeError(path, "is empty: expected a CSV header row and data rows");
  if (std::memchr(text.data(), '\0', std::min<size_t>(text.size(), 65536)) != nullptr) {
    return MakeError(path, "is not a CSV text file (it contains binary data)");
  }
  // Old Mac line ends (CR alone) make the whole file one line: say so,
  // rather than "no data rows".
  {
    const std::string_view head = text.substr(0, 65536);
    const size_t cr = head.find('\r');
    if (cr != std::string_view::npos && head.find('\n') == std::string_view::npos && cr + 1 < text.size()) {
      return MakeError(path, "ends its lines with a bare carriage return (CR, the old Mac format): save it with LF or "
                             "CRLF line ends");
    }
  }
  r.reader_ = std::make_unique<CsvReader>(text);
  std::vector<std::string_view> fields;
  auto got = r.reader_->Next(fields);
  if (!got.ok()) return MakeError(path + ": line 1", "header row is not valid CSV: " + got.error().why);
  if (!got.value()) return MakeError(path, "has no header row");
  if (!IsValidUtf8(r.reader_->record_text())) return MakeError(path + ": line 1", "header row is not valid UTF-8");
  auto map = HeaderMap::Build(kind, fields);
  if (!map.ok()) {
    std::string why = map.error().why;
    for (ExtractKind other : {ExtractKind::kApc, ExtractKind::kOp, ExtractKind::kAe}) {
      if (other != kind && HeaderMap::Build(other, fields).ok()) {
        why += "; the header looks like an " + std::string(KindName(other)) + " extract: use --kind " +
               std::string(KindName(other));
        break;
      }
    }
    return MakeError(path + ": line 1", why);
  }
  r.map_ = std::move(map).value();
  r.header_.assign(fields.begin(), fields.end());
  const auto& unknown = r.map_.unknown_columns();
  if (!unknown.empty()) {
    std::string cols;
    for (const auto& c : unknown) cols += (cols.empty() ? "" : ", ") + c;
    r.unknown_warning_.push_back("ignored column" + std::string(unknown.size() > 1 ? "s" : "") + " not in the " +
                                 std::string(KindName(kind)) + " format: " + cols);
  }
  return r;
}

bool ExtractReader::Next(ExtractRow& row) {
  auto got = reader_->Next(row.fields);
  if (got.ok() && !got.value()) return false;
  row.line = reader_->record_line();
  row.text = reader_->record_text();
  row.malformed.clear();
  row.malformed_detail.clear();
  if (!got.ok()) {
    row.malformed = got.error().why;
  } else if (!IsValidUtf8(row.text)) {
    row.malformed = "not valid UTF-8";
  } else if (row.fields.size() != map_.field_count()) {
    row.malformed = "wrong number of fields";
    row.malformed_detail = std::to_string(row.fields.size()) + " fields, the header has " +
                           std::to_string(map_.field_count());
  }
  return true;
}

}  // namespace csu::ingest
