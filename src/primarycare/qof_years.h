// What a loaded QOF input pair (docs/formats/qof-input-v1.md) stores per
// practice and year (docs/primary-care.md, "QOF in the payment schedule"):
//   * the achievement payment, the sum of the practice's indicator payments
//     (qof.h, CalculateQof), when the indicators file has rows for it;
//   * the annual and monthly aspiration, from the prior year's figures
//     (qof.h, CalculateAspiration), when the practices file has them.
// The schedule pays the monthly aspiration in each month of the year and,
// from June after it, the balancing payment: achievement less the
// aspiration posted.
#pragma once

#include <string>
#include <vector>

#include "primarycare/pc_store.h"
#include "primarycare/qof_files.h"

namespace csu::primarycare {

struct QofLoad {
  std::vector<QofYear> years;               // practices file order
  std::vector<QofIndicatorRow> indicators;  // indicators file order
};

QofLoad QofYearsFrom(const QofInputs& inputs, const std::string& source);

}  // namespace csu::primarycare
