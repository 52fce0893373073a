// Invariants of the primary care file readers (list sizes and agreed
// payments and deductions) and of the global sum over the lists they
// accept, shared by the primary_care_files fuzz target and the test that
// replays its corpus (src/primarycare/pc_fuzz_corpus_test.cc). Header-only
// so that the fuzz build needs no test framework.
//
// CheckPrimaryCareFiles(data): the first byte chooses the reader ('A' the
// adjustments file, anything else the lists file) and the rest is the file.
// A refusal must name the file and a line and give a reason; every accepted
// row must be in range, and each accepted list's monthly global sum must be
// the weighted list × £112.50 ÷ 12 rounded half up, checked by
// cross-multiplication rather than the calculator's own rounding call.
#pragma once

#include <string>
#include <string_view>

#include "primarycare/adjustments_file.h"
#include "primarycare/global_sum.h"
#include "primarycare/lists_file.h"

namespace csu::fuzz {

// "" when `amount` is weighted_millionths × price_pence ÷ (12 × 10^6)
// rounded half up (weighted and price non-negative).
inline std::string CheckGlobalSum(int64_t weighted_millionths, int64_t price_pence, int64_t amount) {
  const Int128 num = static_cast<Int128>(weighted_millionths) * price_pence, den = Int128(12) * 1'000'000;
  const Int128 twice_gap = 2 * (num - static_cast<Int128>(amount) * den);  // 2·(exact − amount)·den
  if (!(twice_gap < den && twice_gap >= -den)) return "global sum not rounded half up from the exact figure";
  return "";
}

inline std::string CheckRefusal(const csu::Error& e, const std::string& name) {
  if (e.why.empty()) return "refusal without a reason";
  if (e.where.rfind(name, 0) != 0) return "refusal does not name the file: " + e.ToString();
  return "";
}

inline std::string CheckPrimaryCareFiles(std::string_view data) {
  if (data.empty()) return "";
  const char which = data[0];
  const std::string_view text = data.substr(1);
  if (which == 'A') {
    auto got = primarycare::ParseAdjustmentFile("adjustments.csv", text);
    if (!got.ok()) return CheckRefusal(got.error(), "adjustments.csv");
    const auto& f = got.value();
    if (f.rows.size() != f.lines.size()) return "rows and lines differ in number";
    for (const auto& a : f.rows) {
      if (a.practice.size() != 6) return "practice code accepted with the wrong length";
      if (a.amount_pence == 0 || a.amount_pence > 1'000'000'000 || a.amount_pence < -1'000'000'000)
        return "amount out of range accepted";
      if ((a.kind == primarycare::LineKind::kDeduction) != (a.amount_pence < 0)) return "deduction sign wrong";
      for (const std::string* s : {&a.description, &a.reason})
        for (char c : *s)
          if (static_cast<unsigned char>(c) < 0x20) return "control character accepted in a one-line field";
      if (a.month.month < 1 || a.month.month > 12) return "month out of range";
    }
    return "";
  }
  auto got = primarycare::ParseListFile("lists.csv", text);
  if (!got.ok()) return CheckRefusal(got.error(), "lists.csv");
  const auto& f = got.value();
  if (f.rows.size() != f.lines.size()) return "rows and lines differ in number";
  primarycare::GlobalSumRate rate{FinancialYear::Of(Date::FromYmd(2024, 4, 1)), Money::FromPence(11250), "test"};
  for (const auto& l : f.rows) {
    if (primarycare::QuarterStart(l.quarter) != l.quarter) return "a day that is not a quarter's first accepted";
    if (l.registered < 0 || l.registered > 10'000'000) return "registered out of range accepted";
    if (l.weighted_millionths < 0 || l.weighted_millionths > int64_t{10'000'000} * 1'000'000)
      return "weighted out of range accepted";
    const auto g = primarycare::CalculateGlobalSumMonth(l.weighted_millionths, l.registered, rate,
                                                        ledger::LedgerPeriod::Of(l.quarter), l.quarter);
    if (std::string p = CheckGlobalSum(l.weighted_millionths, 11250, g.amount.pence()); !p.empty()) return p;
    if (g.explanation.empty()) return "global sum without an explanation";
  }
  return "";
}

}  // namespace csu::fuzz
