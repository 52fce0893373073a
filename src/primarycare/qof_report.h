// The QOF calculator's output as a report table: one row per practice and
// indicator (practices in file order, each practice's indicators in file
// order) with achievement, points, payment and the arithmetic explained; with
// `totals`, a row after each practice's indicators summing its points and
// its (already rounded) indicator payments.
#pragma once

#include "primarycare/qof_files.h"
#include "report/report_table.h"

namespace csu::primarycare {

report::ReportTable QofPaymentsTable(const QofInputs& inputs, bool totals);

// One row per practice with prior-year figures: the unadjusted prior
// payment, the annual and monthly aspiration, what 12 months paid, this
// year's achievement payment (the sum of its indicator payments) and the
// balancing payment. Practices without prior figures are left out.
report::ReportTable QofAspirationTable(const QofInputs& inputs);

}  // namespace csu::primarycare
