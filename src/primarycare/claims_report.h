// Enhanced-service schemes, claims and approved money as report tables, the
// one shape the command line (`csu primary-care schemes|claims`) and the web
// pages (and their JSON twins) print. Money columns are pence.
#pragma once

#include <vector>

#include "primarycare/claims_store.h"
#include "report/report_table.h"

namespace csu::primarycare {

report::ReportTable SchemesTable(const std::vector<Scheme>& schemes);
// Claims newest first, with their state, amount (approved only) and the
// last question, answer or reason.
report::ReportTable ClaimsTable(const std::vector<ClaimRow>& claims);
// Evidence files (names, types, sizes, hashes; never their bytes).
report::ReportTable EvidenceTable(const std::vector<EvidenceRow>& files);
// The month's approved claims as payment lines, with a total row.
report::ReportTable ClaimLinesTable(const std::vector<ClaimPaymentLine>& lines, const std::string& month);

}  // namespace csu::primarycare
