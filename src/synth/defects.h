// Deliberately bad rows for testing ingestion (`csu synth --defects N`).
//
// Exactly N rows across the three files are replaced by a damaged copy of
// themselves, each with one realistic fault: a wrong NHS number check digit,
// discharge before admission, an unknown HRG or provider code, an invalid
// date, broken CSV quoting (an opening quote never closed; the row still
// ends at its line end), a wrong column count, departure before arrival, or
// a code outside its list. Every other row is unchanged, so a loader must
// accept all rows but N and quarantine exactly N.
//
// Placement is deterministic and independent of how rows are produced: the
// plan draws, for defect k, a kind (the kinds in turn), a file, a practice
// (weighted by list size) and a row number, from the run's seed. A practice
// with no row in that file passes its defects to the next practice; any
// left at the end damage copies of the file's last row, appended. Not
// thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "synth/extract_writer.h"
#include "synth/random.h"

namespace csu::synth {

enum class DefectKind : uint8_t {
  kBadCheckDigit,
  kDischargeBeforeAdmission,
  kUnknownHrg,
  kUnknownProvider,
  kInvalidDate,
  kBrokenQuoting,
  kWrongColumnCount,
  kDepartureBeforeArrival,
  kInvalidCode,
  kCount
};
inline constexpr size_t kDefectKinds = static_cast<size_t>(DefectKind::kCount);

// "bad NHS number check digit", ...
std::string_view DefectName(DefectKind kind);

struct PlannedDefect {
  DefectKind kind;
  Dataset dataset;
  uint64_t row_pick;  // row = row_pick mod rows of the practice in that file
};

class DefectPlan {
 public:
  // `practice_sizes`: list sizes of the practices in generation order.
  DefectPlan(int64_t count, uint64_t seed, const std::vector<int64_t>& practice_sizes);

  // The defects to plant in practice `slot`, which has `rows[d]` rows in
  // each file; returns (row index, defect) pairs for `dataset`, sorted by
  // row, with distinct rows. Defects that cannot be placed are carried to
  // the next practice. Call once per practice per dataset, in order.
  std::vector<std::pair<int64_t, PlannedDefect>> ForPractice(size_t slot, Dataset dataset, int64_t rows);
  // Defects still unplaced after the last practice, for `dataset`.
  std::vector<PlannedDefect> TakeLeftovers(Dataset dataset);

 private:
  std::vector<std::vector<PlannedDefect>> by_practice_;
  std::array<std::vector<PlannedDefect>, 3> carried_;
};

// Damages one formatted row (no line end). `nhs_number` is the patient's
// number (for rows written without one). Deterministic given `rng`.
std::string ApplyDefect(DefectKind kind, Dataset dataset, std::string_view row, uint64_t nhs_number, Rng& rng);

}  // namespace csu::synth
