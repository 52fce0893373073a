// The three activity extract formats (docs/formats/activity-extract-v1.md):
// their columns, which are required, and how a file's header row maps onto
// them. Columns may come in any order; unknown columns are ignored and
// reported once; a missing required column rejects the whole file.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace csu::ingest {

enum class ExtractKind : uint8_t { kApc = 0, kOp = 1, kAe = 2 };

// "apc", "op", "ae".
std::string_view KindName(ExtractKind kind);
// Accepts the names above (case-insensitive); Error lists the valid ones.
Result<ExtractKind> ParseKind(std::string_view text);

// Every column any extract may carry. The numbering is internal (it indexes
// HeaderMap) and is not stored anywhere.
enum class Column : uint8_t {
  // common
  kNhsNumber, kDateOfBirth, kSex, kGpPractice, kCommissioner, kProvider,
  // apc
  kSpellId, kAdmissionDate, kDischargeDate, kAdmissionMethod, kPatientClassification, kTreatmentFunction, kHrg,
  kPrimaryDiagnosis, kPrimaryProcedure, kDischargeMethod, kCriticalCareDays, kRehabilitationDays,
  kPalliativeCareDays, kSpecialisedService, kUnbundledHrgs, kSecondaryDiagnoses,
  // op
  kAttendanceId, kAppointmentDate, kFirstAttendance, kAttended, kMultiProfessional,
  // ae
  kArrival, kDeparture, kDepartmentType, kArrivalMode, kDisposal,
  kCount
};
inline constexpr size_t kColumnCount = static_cast<size_t>(Column::kCount);

struct ColumnSpec {
  Column column;
  std::string_view name;
  bool required;
  uint16_t max_width;  // bytes; longer values are quarantined
};

// The columns of one kind, in the order the format document lists them.
const std::vector<ColumnSpec>& Columns(ExtractKind kind);
std::string_view ColumnName(Column column);

// Where each column of a kind sits in a particular file.
class HeaderMap {
 public:
  // Maps a header row. Error (where empty) names every missing required
  // column; duplicated known columns are an error too. Unknown columns are
  // listed in unknown_columns() for a single warning.
  static Result<HeaderMap> Build(ExtractKind kind, const std::vector<std::string_view>& header);

  // Field index of `column` in each row, or nullopt when the file lacks it.
  std::optional<size_t> IndexOf(Column column) const {
    int16_t i = index_[static_cast<size_t>(column)];
    if (i < 0) return std::nullopt;
    return static_cast<size_t>(i);
  }
  // The widest value `column` may hold in this kind of extract.
  uint16_t MaxWidth(Column column) const { return max_width_[static_cast<size_t>(column)]; }
  size_t field_count() const { return field_count_; }
  ExtractKind kind() const { return kind_; }
  const std::vector<std::string>& unknown_columns() const { return unknown_; }

 private:
  ExtractKind kind_ = ExtractKind::kApc;
  size_t field_count_ = 0;
  std::array<int16_t, kColumnCount> index_{};
  std::array<uint16_t, kColumnCount> max_width_{};
  std::vector<std::string> unknown_;
};

}  // namespace csu::ingest
