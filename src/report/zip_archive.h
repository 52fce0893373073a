// Whole ZIP archives in memory, read and written through minizip. The XLSX
// writer uses it to finish a workbook that libxlsxwriter has written (see
// xlsx_writer.cc, "quote prefix"), and tests use it to look inside one.
//
//   CSU_ASSIGN_OR_RETURN(entries, ReadZip("report.xlsx"));
//   for (const ZipEntry& e : entries) ...;   // e.name "xl/styles.xml", e.data the XML
//   Status s = WriteZip("copy.xlsx", entries);
//
// Entries are kept in archive order: an XLSX must start with
// "[Content_Types].xml", and some readers look for it first. Not thread-safe
// for the same path; otherwise pure.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace csu::report {

struct ZipEntry {
  std::string name;  // path inside the archive, "/"-separated
  std::string data;  // uncompressed bytes
};

// Every entry of the archive at `path`, each checked against its CRC. An
// entry larger than 256 MiB uncompressed is refused (this reads reports, not
// arbitrary archives). Errors name the path.
Result<std::vector<ZipEntry>> ReadZip(const std::string& path);

// Writes a new archive at `path` (replacing any file there, not atomically:
// callers stage it), deflating every entry. Entry times are fixed at
// 1980-01-01, the first date ZIP can hold, so the same entries give the same
// bytes. Errors name the path.
Status WriteZip(const std::string& path, const std::vector<ZipEntry>& entries);

// The data of the entry called `name`, or an error naming path and entry.
Result<std::string> FindZipEntry(const std::vector<ZipEntry>& entries, const std::string& path,
                                 const std::string& name);

}  // namespace csu::report
