// Synthetic primary care figures for the demo CCGs, written in the
// documented formats so the demo loads them through the same readers a CSU
// would (docs/primary-care.md, "Demo"): for each of a CCG's GP practices in
// the reference data's list, a contract (about 70% GMS, 25% PMS, 5% APMS),
// registered and weighted lists for the five quarters from the year's April
// (docs/formats/primary-care-lists-v1.md; weighted within ±10% of
// registered, lists growing about 0.3% a quarter), QOF achievement for nine
// 2024/25 indicators with registers near national prevalence and
// achievement between 55% and 97% (docs/formats/qof-input-v1.md), the
// prior year's points for the aspiration, and each APMS practice's monthly
// contract price as an agreed payment
// (docs/formats/primary-care-adjustments-v1.md). The same arguments give the
// same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/date.h"
#include "refdata/refdata.h"

namespace csu::synth {

struct PrimaryCareDemoContract {
  std::string practice, type;  // "GMS", "PMS", "APMS"
  Date start;
  std::optional<Date> end;
};

struct PrimaryCareDemo {
  std::vector<PrimaryCareDemoContract> contracts;
  std::string lists_csv, qof_practices_csv, qof_indicators_csv, adjustments_csv;
  int64_t practices = 0;
};

// For `ccgs` (codes known to `ref`) and QOF year `year` (2024/25: the
// indicator table is that year's).
PrimaryCareDemo GeneratePrimaryCareDemo(const refdata::RefData& ref, const std::vector<std::string>& ccgs,
                                        FinancialYear year, uint64_t seed);

}  // namespace csu::synth
