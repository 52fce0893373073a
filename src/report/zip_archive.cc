#include "report/zip_archive.h"

#include <unzip.h>
#include <zip.h>

#include <algorithm>
#include <cstdint>

namespace csu::report {
namespace {

constexpr uint64_t kMaxEntryBytes = uint64_t{256} << 20;

Error ZipError(const std::string& path, const std::string& what, int code) {
  return MakeError(path, what + " (minizip error " + std::to_string(code) + ")");
}

}  // namespace

Result<std::vector<ZipEntry>> ReadZip(const std::string& path) {
  unzFile zf = unzOpen64(path.c_str());
  if (zf == nullptr) return MakeError(path, "cannot open as a ZIP archive");
  std::vector<ZipEntry> entries;
  int rc = unzGoToFirstFile(zf);
  while (rc == UNZ_OK) {
    unz_file_info64 info{};
    char name[1024];
    rc = unzGetCurrentFileInfo64(zf, &info, name, sizeof name, nullptr, 0, nullptr, 0);
    if (rc != UNZ_OK) break;
    if (info.uncompressed_size > kMaxEntryBytes) {
      unzClose(zf);
      return MakeError(path, std::string("entry ") + name + " is larger than 256 MiB");
    }
    rc = unzOpenCurrentFile(zf);
    if (rc != UNZ_OK) break;
    ZipEntry entry{name, {}};
    entry.data.resize(static_cast<size_t>(info.uncompressed_size));
    int got = unzReadCurrentFile(zf, entry.data.data(), static_cast<unsigned>(entry.data.size()));
    char extra;
    // A second read must find the end: an entry longer than its header says is corrupt.
    int more = unzReadCurrentFile(zf, &extra, 1);
    int closed = unzCloseCurrentFile(zf);  // UNZ_CRCERROR when the bytes do not match
    if (got < 0 || static_cast<uint64_t>(got) != info.uncompressed_size || more != 0 || closed != UNZ_OK) {
      unzClose(zf);
      return MakeError(path, std::string("entry ") + name + " is corrupt");
    }
    entries.push_back(std::move(entry));
    rc = unzGoToNextFile(zf);
  }
  unzClose(zf);
  if (rc != UNZ_END_OF_LIST_OF_FILE) return ZipError(path, "cannot read the ZIP archive", rc);
  return entries;
}

Status WriteZip(const std::string& path, const std::vector<ZipEntry>& entries) {
  zipFile zf = zipOpen64(path.c_str(), APPEND_STATUS_CREATE);
  if (zf == nullptr) return MakeError(path, "cannot create the file");
  for (const ZipEntry& entry : entries) {
    zip_fileinfo info{};
    info.tmz_date.tm_year = 1980;
    info.tmz_date.tm_mday = 1;
    int rc = zipOpenNewFileInZip64(zf, entry.name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr, Z_DEFLATED,
                                   Z_DEFAULT_COMPRESSION, /*zip64=*/entry.data.size() >= 0xFFFFFFFFu);
    // minizip takes an unsigned length: write in 1 MiB pieces.
    for (size_t at = 0; rc == ZIP_OK && at < entry.data.size(); at += size_t{1} << 20) {
      size_t len = std::min(entry.data.size() - at, size_t{1} << 20);
      rc = zipWriteInFileInZip(zf, entry.data.data() + at, static_cast<unsigned>(len));
    }
    if (rc == ZIP_OK) rc = zipCloseFileInZip(zf);
    if (rc != ZIP_OK) {
      zipClose(zf, nullptr);
      return ZipError(path, "cannot write entry " + entry.name, rc);
    }
  }
  int rc = zipClose(zf, nullptr);
  if (rc != ZIP_OK) return ZipError(path, "cannot finish the ZIP archive", rc);
  return Status::Ok();
}

Result<std::string> FindZipEntry(const std::vector<ZipEntry>& entries, const std::string& path,
                                 const std::string& name) {
  for (const ZipEntry& entry : entries) {
    if (entry.name == name) return entry.data;
  }
  return MakeError(path, "no entry " + name + " in the archive");
}

}  // namespace csu::report
