// Figures drawn by the server where people would rather look than read
// (docs/web.md, "Page conventions: figures"), from the same report tables
// the page's table, its JSON twin and its exports show:
//
//   ShareBarsHtml  the spend view's providers as horizontal bars of their
//                  share of the CCG's spend (the largest ten, the rest as one
//                  bar): an SVG with a <title> and <desc>, no script;
//   FlowMatrixHtml the flows view as a practice × provider matrix: each
//                  practice's spend split across the CCG's largest providers,
//                  a cell's shade its share of the practice's spend (shade
//                  classes, since the CSP allows no style attribute), the
//                  share in words in every cell, so colour is never the
//                  only sign.
//
// Both give "" when the table lacks the columns they need or has no rows.
// Pure functions; safe from any thread.
#pragma once

#include <string>

#include "report/report_table.h"

namespace csu::web {

// Columns used: provider, provider_name, spend (money), share (decimal, 0–1).
std::string ShareBarsHtml(const report::ReportTable& spend, size_t bars = 10);

// Columns used: practice, provider, spend (money). `providers` columns: the
// largest providers by the CCG's spend, then "Other" for the rest.
std::string FlowMatrixHtml(const report::ReportTable& flows, size_t providers = 8);

// The shade class of a share from 0 to 1 ("heat-0" under 5%, then one step
// for each further 10%, "heat-9" from 85%).
std::string HeatClass(double share);

}  // namespace csu::web
