// The market analysis as report tables (terminal, CSV, JSON, XLSX through
// src/report): provider shares per service line and period, the HHI per
// service line and period with its concentration band, and providers
// entering and leaving. With `shared` (a view leaving the CCG), the shares
// table goes through NHS Digital disclosure control (report/disclosure.h):
// counts of 1–7 are "*", others rounded to 5, shares recomputed from the
// published counts and "*" for the whole service line where one is hidden;
// the HHI is then computed from the published counts, and is "*" where any
// count of its service line is hidden. docs/procurement.md, "Market".
#pragma once

#include <vector>

#include "procurement/market.h"
#include "procurement/market_activity.h"
#include "report/report_table.h"

namespace csu::procurement {

// "unconcentrated" (< 1,500), "moderately concentrated" (1,500–2,500) or
// "highly concentrated" (> 2,500): the US DOJ/FTC 2010 bands, for context.
std::string_view ConcentrationBand(const Rational& hhi);

std::vector<report::ReportTable> MarketTables(const std::string& ccg, const std::vector<MarketLine>& lines,
                                              bool shared);

// Patient flows for one service line: each practice's activity at each
// provider and its share of that practice's activity in the line and
// period. With `shared`, disclosure control as for the shares table: small
// counts "*", others rounded to 5, shares from the published counts and "*"
// for a practice's whole row group where one count is hidden.
report::ReportTable PracticeFlowsTable(const std::string& ccg, const std::string& pod, const std::string& tfc,
                                       const std::vector<PracticeFlow>& flows, bool shared);

}  // namespace csu::procurement
