// The agreed payments and deductions file (format:
// docs/formats/primary-care-adjustments-v1.md): one row per payment to or
// deduction from a practice in a month, with its reason. A bad value
// refuses the whole file with "file:line: column: why".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "primarycare/pc_store.h"

namespace csu::primarycare {

struct AdjustmentFile {
  std::vector<Adjustment> rows;  // file order; deductions negative
  std::vector<int64_t> lines;
  std::string name;
};

Result<AdjustmentFile> ReadAdjustmentFile(const std::string& path);
Result<AdjustmentFile> ParseAdjustmentFile(const std::string& name, std::string_view text);

}  // namespace csu::primarycare
