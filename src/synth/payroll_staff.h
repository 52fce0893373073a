// A synthetic staff list for the payroll demo, in the migration format
// (docs/formats/payroll-staff-v1.md) so the demo loads it through `csu
// payroll import` as a real CSU would, and the establishment it fills: per
// employer about 30 budgeted WTE across commissioning, finance, quality,
// business intelligence and corporate posts (Agenda for Change bands 3 to
// 8c, a chief finance officer on a stated very senior manager salary),
// about 90% filled, a fifth part time. Names and addresses are invented;
// NI numbers keep HMRC's format rules but are made up. The same arguments
// give the same bytes (docs/payroll.md, "Demo staff").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace csu::synth {

struct DemoPost {
  std::string code, cost_centre, title, band;
  int64_t budgeted_wte_x100 = 0;
};

// The establishment of a demo employer: the same posts for every employer,
// on the cost centres of the chart its ledger is made from
// (data/ledger/ccg-chart.csv for a CCG: its running-cost directorates
// CC910 to CC950; data/ledger/csu-chart.csv for the CSU: CS100 to CS900),
// so that a final pay run posts to a demo ledger as it is.
std::vector<DemoPost> DemoEstablishment(bool csu_employer = false);

// The staff file's text for `employer`, filling DemoEstablishment().
std::string GeneratePayrollStaff(const std::string& employer, uint64_t seed, int64_t* rows = nullptr);

}  // namespace csu::synth
