// The quarterly list-size file (format: docs/formats/primary-care-lists-v1.md):
// registered and weighted list per practice at the start of each quarter.
// Columns in any order, extra columns ignored. A bad value refuses the whole
// file with "file:line: column: why"; nothing is stored from a partly read
// file (the store's load is one transaction besides).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "primarycare/pc_store.h"

namespace csu::primarycare {

struct ListFile {
  std::vector<ListSize> rows;  // file order
  std::vector<int64_t> lines;  // the line each row came from
  std::string name;            // the file's name, as errors name it
};

// Reads and checks a list file: each field's shape, the quarter a quarter's
// first day, one row per practice × quarter.
Result<ListFile> ReadListFile(const std::string& path);
// The same from text already in memory (`name` is used in errors); the
// fuzz target's entry.
Result<ListFile> ParseListFile(const std::string& name, std::string_view text);

}  // namespace csu::primarycare
