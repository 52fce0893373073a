// The QOF calculator's two input files (format: docs/formats/qof-input-v1.md):
// practices (list sizes and £ per point) and indicators (aggregate
// achievement per practice and indicator). Columns may come in any order
// and extra columns are ignored. A bad value refuses the whole pair of files
// with "file:line: column: why"; nothing is computed from a partly read file.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "primarycare/qof.h"

namespace csu::primarycare {

struct QofInputs {
  std::vector<QofPractice> practices;    // file order
  std::vector<QofIndicator> indicators;  // file order
};

// Reads and checks both files: each field's shape, one row per practice and
// per practice × indicator, every indicator's practice in the practices
// file, and the QofInputProblem of every row.
Result<QofInputs> ReadQofFiles(const std::string& practices_path, const std::string& indicators_path);

}  // namespace csu::primarycare
