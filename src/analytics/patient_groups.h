// Rows of one table grouped by patient, each patient's rows in date order:
// what record-linkage rules (readmissions, duplicates) walk. A counting sort
// on the dense patient numbers of a load, so grouping 4 million rows is one
// linear pass rather than a comparison sort. Rows with no patient (patient
// 0, no NHS number) are left out: they cannot be linked.
//
//   PatientGroups g = GroupByPatient(apc.patient, tables.patients.size(),
//                                    [&](uint32_t r) { return apc.admission_date[r]; });
//   for (size_t p = 1; p + 1 < g.offsets.size(); ++p)
//     for (uint32_t k = g.offsets[p]; k < g.offsets[p + 1]; ++k) use(g.rows[k]);
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace csu::analytics {

struct PatientGroups {
  std::vector<uint32_t> offsets;  // patient p's rows are rows[offsets[p] .. offsets[p+1])
  std::vector<uint32_t> rows;
};

template <typename Key>
PatientGroups GroupByPatient(const std::vector<uint32_t>& patient, size_t patients, Key key) {
  PatientGroups g;
  g.offsets.assign(patients + 1, 0);
  for (uint32_t p : patient)
    if (p != 0) ++g.offsets[p];
  uint32_t run = 0;
  for (size_t p = 0; p < patients; ++p) {
    const uint32_t n = g.offsets[p];
    g.offsets[p] = run;
    run += n;
  }
  g.offsets[patients] = run;
  g.rows.resize(run);
  std::vector<uint32_t> next(g.offsets.begin(), g.offsets.end() - 1);
  for (uint32_t r = 0; r < patient.size(); ++r)
    if (patient[r] != 0) g.rows[next[patient[r]]++] = r;
  // Groups are small (a few records a year); a stable sort keeps file order
  // for equal keys, so "the later record" is well defined.
  for (size_t p = 1; p < patients; ++p) {
    auto first = g.rows.begin() + g.offsets[p], last = g.rows.begin() + g.offsets[p + 1];
    if (last - first > 1) std::stable_sort(first, last, [&](uint32_t a, uint32_t b) { return key(a) < key(b); });
  }
  return g;
}

}  // namespace csu::analytics
