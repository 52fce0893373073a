#include "synth/defects.h"

#include <algorithm>
#include <set>

#include "core/date.h"
#include "core/text.h"
#include "synth/population.h"

namespace csu::synth {
namespace {

bool Applies(DefectKind kind, Dataset d) {
  switch (kind) {
    case DefectKind::kDischargeBeforeAdmission: return d == Dataset::kApc;
    case DefectKind::kDepartureBeforeArrival: return d == Dataset::kAe;
    default: return true;
  }
}

size_t ColumnIndex(Dataset d, std::string_view name) {
  const auto& cols = ExtractColumns(d);
  for (size_t i = 0; i < cols.size(); ++i) {
    if (cols[i] == name) return i;
  }
  return 0;
}

std::string Join(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out.push_back(',');
    out += fields[i];
  }
  return out;
}

// A date shifted by `days`, or the text unchanged when it is not a date.
std::string ShiftDate(const std::string& text, int32_t days) {
  auto d = Date::Parse(text);
  return d.ok() ? d.value().AddDays(days).ToString() : text;
}

std::string ShiftDateTime(const std::string& text, int64_t minutes) {
  auto t = DateTime::Parse(text);
  return t.ok() ? t.value().AddMinutes(minutes).ToString() : text;
}

}  // namespace

std::string_view DefectName(DefectKind kind) {
  switch (kind) {
    case DefectKind::kBadCheckDigit: return "bad NHS number check digit";
    case DefectKind::kDischargeBeforeAdmission: return "discharge before admission";
    case DefectKind::kUnknownHrg: return "unknown HRG code";
    case DefectKind::kUnknownProvider: return "unknown provider code";
    case DefectKind::kInvalidDate: return "invalid date";
    case DefectKind::kBrokenQuoting: return "broken CSV quoting";
    case DefectKind::kWrongColumnCount: return "wrong column count";
    case DefectKind::kDepartureBeforeArrival: return "departure before arrival";
    case DefectKind::kInvalidCode: return "code outside its list";
    case DefectKind::kCount: break;
  }
  return "";
}

DefectPlan::DefectPlan(int64_t count, uint64_t seed, const std::vector<int64_t>& practice_sizes)
    : by_practice_(practice_sizes.size()) {
  if (count <= 0 || practice_sizes.empty()) return;
  std::vector<double> cumulative;
  double total = 0;
  for (int64_t s : practice_sizes) cumulative.push_back(total += static_cast<double>(std::max<int64_t>(s, 1)));
  Rng rng(DeriveSeed(seed, 0xDEFEC75ULL));
  for (int64_t k = 0; k < count; ++k) {
    PlannedDefect d;
    d.kind = static_cast<DefectKind>(static_cast<size_t>(k) % kDefectKinds);
    // Files in turn, skipping those the kind cannot apply to.
    auto dataset = static_cast<size_t>((k / static_cast<int64_t>(kDefectKinds)) % 3);
    while (!Applies(d.kind, kDatasets[dataset])) dataset = (dataset + 1) % 3;
    d.dataset = kDatasets[dataset];
    d.row_pick = rng.Next();
    const double at = rng.Uniform() * total;
    const size_t slot = static_cast<size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), at) -
                                            cumulative.begin());
    by_practice_[std::min(slot, by_practice_.size() - 1)].push_back(d);
  }
}

std::vector<std::pair<int64_t, PlannedDefect>> DefectPlan::ForPractice(size_t slot, Dataset dataset, int64_t rows) {
  auto& carried = carried_[static_cast<size_t>(dataset)];
  std::vector<PlannedDefect> pending = std::move(carried);
  carried.clear();
  for (const auto& d : by_practice_[slot]) {
    if (d.dataset == dataset) pending.push_back(d);
  }
  std::vector<std::pair<int64_t, PlannedDefect>> out;
  std::set<int64_t> used;
  for (const auto& d : pending) {
    if (static_cast<int64_t>(used.size()) >= rows) {
      carried.push_back(d);
      continue;
    }
    auto row = static_cast<int64_t>(d.row_pick % static_cast<uint64_t>(rows));
    while (used.count(row)) row = (row + 1) % rows;
    used.insert(row);
    out.push_back({row, d});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

std::vector<PlannedDefect> DefectPlan::TakeLeftovers(Dataset dataset) {
  auto out = std::move(carried_[static_cast<size_t>(dataset)]);
  carried_[static_cast<size_t>(dataset)].clear();
  return out;
}

std::string ApplyDefect(DefectKind kind, Dataset dataset, std::string_view row, uint64_t nhs_number, Rng& rng) {
  std::vector<std::string> f;
  for (auto part : Split(row, ',')) f.emplace_back(part);
  const size_t n_cols = ExtractColumns(dataset).size();
  if (f.size() != n_cols) return std::string(row);  // not a row we wrote
  auto col = [&](std::string_view name) -> std::string& { return f[ColumnIndex(dataset, name)]; };

  switch (kind) {
    case DefectKind::kBadCheckDigit: {
      std::string digits;
      for (char c : col("nhs_number")) {
        if (c >= '0' && c <= '9') digits.push_back(c);
      }
      if (digits.size() != 10) digits = std::to_string(nhs_number);
      const int old_check = digits[9] - '0';
      digits[9] = static_cast<char>('0' + (old_check + 1 + static_cast<int>(rng.Below(9))) % 10);
      col("nhs_number") = digits;
      break;
    }
    case DefectKind::kDischargeBeforeAdmission: {
      col("discharge_date") = ShiftDate(col("admission_date"), -1 - rng.Between(0, 4));
      break;
    }
    case DefectKind::kUnknownHrg: {
      // Shaped like HRGs but in no tariff or code list of any year (HRG4
      // had a Q chapter, so only unused Q codes; VB12Z does not exist).
      static constexpr const char* kApcCodes[] = {"ZQ17C", "ZZ42B", "QA07C"};
      if (dataset == Dataset::kAe) {
        col("hrg") = "VB12Z";
      } else {
        col("hrg") = kApcCodes[rng.Below(3)];
      }
      break;
    }
    case DefectKind::kUnknownProvider: {
      static constexpr const char* kCodes[] = {"RZZ", "RQZ", "R0Z"};
      col("provider") = kCodes[rng.Below(3)];
      break;
    }
    case DefectKind::kInvalidDate: {
      std::string& field = dataset == Dataset::kApc  ? col("admission_date")
                           : dataset == Dataset::kOp ? col("appointment_date")
                                                     : col("arrival");
      const std::string year = field.substr(0, 4);
      switch (rng.Below(3)) {
        case 0: field.replace(5, 5, "02-30"); break;                         // no such day
        case 1: field.replace(5, 2, "13"); break;                            // no such month
        default: field = field.substr(8, 2) + "/" + field.substr(5, 2) + "/" + year + field.substr(10);  // UK style
      }
      break;
    }
    case DefectKind::kBrokenQuoting: {
      std::string& field = col("provider");
      field.insert(field.begin(), '"');
      break;
    }
    case DefectKind::kWrongColumnCount: {
      if (rng.Bernoulli(0.5)) {
        f.pop_back();
      } else {
        f.push_back("extra");
      }
      break;
    }
    case DefectKind::kDepartureBeforeArrival: {
      col("departure") = ShiftDateTime(col("arrival"), -5 - rng.Between(0, 115));
      break;
    }
    case DefectKind::kInvalidCode: {
      const uint32_t pick = rng.Below(2);
      if (dataset == Dataset::kApc) {
        if (pick == 0) col("admission_method") = "99";
        else col("patient_classification") = "7";
      } else if (dataset == Dataset::kOp) {
        if (pick == 0) col("attended") = "8";
        else col("first_attendance") = "5";
      } else {
        if (pick == 0) col("department_type") = "05";
        else col("disposal") = "15";
      }
      break;
    }
    case DefectKind::kCount:
      break;
  }
  return Join(f);
}

}  // namespace csu::synth
