#include "reporting/reporting_rows.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include "analytics/activity_cube.h"
#include "ingest/pseudonymiser.h"
#include "pricing/priced_activity.h"
#include "refdata/refdata.h"

namespace csu::reporting {
namespace {

std::string PodText(uint8_t pod) {
  const auto p = static_cast<pricing::Pod>(pod);
  return p == pricing::Pod::kNone ? std::string("NP") : std::string(pricing::PodCode(p));
}

std::string ChapterOf(std::string_view hrg) { return hrg.empty() ? std::string("none") : std::string(hrg.substr(0, 1)); }

// The kinds in the order the cube's not-priced slots have them.
constexpr std::string_view kKinds[] = {"apc", "op", "ae"};

// Calls f(kind index, table, priced columns, row, day of the month rule,
// hrg id, treatment function id) for every record.
template <typename F>
void EachRow(const pricing::PricedActivity& a, F&& f) {
  const auto& apc = a.tables.apc;
  for (uint32_t r = 0; r < apc.size(); ++r)
    f(0, static_cast<const store::CommonColumns&>(apc), a.apc, r, apc.discharge_date[r], apc.hrg[r],
      apc.treatment_function[r]);
  const auto& op = a.tables.op;
  for (uint32_t r = 0; r < op.size(); ++r)
    f(1, static_cast<const store::CommonColumns&>(op), a.op, r, op.appointment_date[r], op.hrg[r],
      op.treatment_function[r]);
  const auto& ae = a.tables.ae;
  // arrival is minutes since 1970-01-01 (local); whole days, as the cube takes them.
  for (uint32_t r = 0; r < ae.size(); ++r)
    f(2, static_cast<const store::CommonColumns&>(ae), a.ae, r, ae.arrival[r] / 1440, ae.hrg[r], uint16_t{0});
}

int64_t BatchOf(const store::CommonColumns& t, uint32_t r) {
  for (const auto& b : t.batches)
    if (r >= b.first_row && r < b.first_row + b.rows) return b.batch_id;
  return 0;
}

// year start, commissioner id, provider id, month, pod, kind, chapter
using Key = std::tuple<int32_t, uint16_t, uint16_t, int, uint8_t, int, std::string>;

}  // namespace

std::string_view CurrencyOf(std::string_view record_kind) {
  return record_kind == "apc" ? "spells" : record_kind == "op" ? "appointments" : "attendances";
}

std::vector<MonthlyRow> MonthlyActivity(const pricing::PricedActivity& a, const refdata::RefData& ref) {
  const auto& codes = a.tables.codes;
  std::map<Key, analytics::CubeCell> sums;
  EachRow(a, [&](int kind, const store::CommonColumns& t, const pricing::PricedColumns& pc, uint32_t r, int32_t day,
                 uint16_t hrg, uint16_t) {
    const Date d = Date::FromDays(day);
    const FinancialYear y = FinancialYear::Of(d);
    Key k{y.start_year(), t.commissioner[r], t.provider[r], y.MonthOf(d), pc.pod[r], kind,
          ChapterOf(codes.hrg().code(hrg))};
    analytics::CubeCell& c = sums[k];
    c.activity += 1;
    c.pence += pc.final_pence[r];
  });
  // Names once per code.
  std::map<std::string, std::string> chapter_names;
  for (const auto& h : ref.hrgs()) chapter_names.emplace(h.chapter, h.chapter_name);
  std::vector<MonthlyRow> out;
  out.reserve(sums.size());
  for (const auto& [k, c] : sums) {
    const auto& [year, commissioner, provider, month, pod, kind, chapter] = k;
    MonthlyRow row;
    row.commissioner = std::string(codes.commissioner().code(commissioner));
    row.provider = std::string(codes.provider().code(provider));
    if (auto ods = OdsCode::Parse(row.provider); ods.ok())
      if (const auto* trust = ref.FindTrust(ods.value())) row.provider_name = trust->name;
    row.year = FinancialYear(year);
    row.month = month;
    row.pod = PodText(pod);
    row.record_kind = std::string(kKinds[kind]);
    row.hrg_chapter = chapter;
    if (auto it = chapter_names.find(chapter); it != chapter_names.end()) row.hrg_chapter_name = it->second;
    row.activity = c.activity;
    row.pence = c.pence;
    out.push_back(std::move(row));
  }
  // Sorted by the ids' codes rather than ids, so the order reads naturally.
  std::stable_sort(out.begin(), out.end(), [](const MonthlyRow& x, const MonthlyRow& y) {
    return std::tie(x.year, x.commissioner, x.provider, x.month, x.pod, x.record_kind, x.hrg_chapter) <
           std::tie(y.year, y.commissioner, y.provider, y.month, y.pod, y.record_kind, y.hrg_chapter);
  });
  return out;
}

Status CheckAgainstCube(const std::vector<MonthlyRow>& rows, const pricing::PricedActivity& a) {
  const auto& codes = a.tables.codes;
  // year, commissioner, provider, month, pod text, kind -> summed over chapters
  using CellKey = std::tuple<int32_t, std::string, std::string, int, std::string, std::string>;
  std::map<CellKey, analytics::CubeCell> mine;
  std::map<int32_t, bool> years;
  for (const MonthlyRow& r : rows) {
    mine[{r.year.start_year(), r.commissioner, r.provider, r.month, r.pod, r.record_kind}] +=
        analytics::CubeCell{r.activity, r.pence};
    years[r.year.start_year()] = true;
  }
  // And every year the records have, so that rows missing a whole year are
  // found too.
  EachRow(a, [&](int, const store::CommonColumns&, const pricing::PricedColumns&, uint32_t, int32_t day, uint16_t,
                 uint16_t) { years[FinancialYear::Of(Date::FromDays(day)).start_year()] = true; });
  auto name = [](const CellKey& k) {
    return FinancialYear(std::get<0>(k)).ToString() + " " + std::get<1>(k) + " " + std::get<2>(k) + " " +
           std::get<4>(k) + " " + std::get<5>(k) + " month " + std::to_string(std::get<3>(k));
  };
  auto compare = [&](const CellKey& k, const analytics::CubeCell& cube) -> Status {
    auto it = mine.find(k);
    const analytics::CubeCell have = it == mine.end() ? analytics::CubeCell{} : it->second;
    if (have.activity != cube.activity || have.pence != cube.pence)
      return MakeError("reporting", "the aggregates disagree with the activity cube at " + name(k) + ": " +
                                        std::to_string(have.activity) + " records, " + std::to_string(have.pence) +
                                        " pence against " + std::to_string(cube.activity) + ", " +
                                        std::to_string(cube.pence));
    if (it != mine.end()) mine.erase(it);
    return Status::Ok();
  };
  analytics::ActivityCube cube;
  for (const auto& [start, _] : years) {
    cube.Build(a, FinancialYear(start));
    for (size_t p = 0; p < cube.pairs().size(); ++p) {
      const std::string c(codes.commissioner().code(cube.pairs()[p].commissioner));
      const std::string pr(codes.provider().code(cube.pairs()[p].provider));
      for (int m = 1; m <= 12; ++m) {
        for (int pod = 1; pod < analytics::kPods; ++pod) {
          const analytics::CubeCell& cell = cube.At(p, static_cast<pricing::Pod>(pod), m);
          if (cell.activity == 0 && cell.pence == 0) continue;
          // A priced POD belongs to one kind of record.
          const std::string pod_text = PodText(static_cast<uint8_t>(pod));
          const std::string kind = pod_text == "AE" ? "ae" : pod_text.starts_with("OP") ? "op" : "apc";
          if (Status s = compare({start, c, pr, m, pod_text, kind}, cell); !s.ok()) return s;
        }
        for (int kind = 0; kind < analytics::kRecordKinds; ++kind) {
          const analytics::CubeCell& cell = cube.NotPricedAt(p, static_cast<analytics::RecordKind>(kind), m);
          if (cell.activity == 0 && cell.pence == 0) continue;
          if (Status s = compare({start, c, pr, m, "NP", std::string(kKinds[kind])}, cell); !s.ok()) return s;
        }
      }
    }
  }
  for (const auto& [k, cell] : mine)
    if (cell.activity != 0 || cell.pence != 0)
      return MakeError("reporting", "the aggregates have " + std::to_string(cell.activity) +
                                        " records the activity cube lacks at " + name(k));
  return Status::Ok();
}

Status ForEachRecord(const pricing::PricedActivity& a, const std::function<Status(const RecordRow&)>& f) {
  const auto& codes = a.tables.codes;
  const auto& apc = a.tables.apc;
  Status status = Status::Ok();
  RecordRow row;
  char sex[2] = {0, 0};
  EachRow(a, [&](int kind, const store::CommonColumns& t, const pricing::PricedColumns& pc, uint32_t r, int32_t day,
                 uint16_t hrg, uint16_t tfc) {
    if (!status.ok()) return;
    row.record_kind = kKinds[kind];
    row.batch_id = BatchOf(t, r);
    row.batch_row = t.source_row[r];
    row.commissioner = codes.commissioner().code(t.commissioner[r]);
    row.provider = codes.provider().code(t.provider[r]);
    row.practice = codes.practice().code(t.practice[r]);
    const uint32_t patient = t.patient[r];
    row.patient_pseudonym =
        patient == 0 ? std::string() : ingest::ToHex(a.tables.patients.pseudonyms[patient].data(), 32);
    row.age = t.age_years[r];
    sex[0] = static_cast<char>(t.sex[r]);
    row.sex = std::string_view(sex, t.sex[r] == 0 ? 0 : 1);
    row.activity_date = Date::FromDays(day);
    row.admission_date.reset();
    if (kind == 0) row.admission_date = Date::FromDays(apc.admission_date[r]);
    row.year = FinancialYear::Of(row.activity_date);
    row.month = row.year.MonthOf(row.activity_date);
    row.pod = PodText(pc.pod[r]);
    row.hrg = codes.hrg().code(hrg);
    row.treatment_function = kind == 2 ? std::string_view() : codes.treatment_function().code(tfc);
    row.hrg_chapter = ChapterOf(row.hrg);
    row.pence = pc.final_pence[r];
    status = f(row);
  });
  return status;
}

}  // namespace csu::reporting
