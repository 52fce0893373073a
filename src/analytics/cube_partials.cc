#include "analytics/cube_partials.h"

#include <nlohmann/json.hpp>

#include <climits>
#include <optional>

#include "analytics/json_int.h"
#include "store/code_list.h"

namespace csu::analytics {

namespace {

bool AddExact(int64_t& into, int64_t v) { return !__builtin_add_overflow(into, v, &into); }

// A code as the partials carry it: 1 to 16 printable ASCII characters.
bool GoodCode(const std::string& s) {
  if (s.empty() || s.size() > 16) return false;
  for (char c : s)
    if (c <= ' ' || c > '~' || c == '"' || c == '\\') return false;
  return true;
}

// The view's line of a cube slot: the PODs (not Pod::kNone, which is the
// sum of the three not-priced slots), then the not-priced records by kind.
std::string SlotCode(int slot) {
  if (slot < kPods) return std::string(pricing::PodCode(static_cast<pricing::Pod>(slot)));
  switch (slot - kPods) {
    case 0: return "NP:spell";
    case 1: return "NP:appointment";
    default: return "NP:attendance";
  }
}

struct Line {
  std::string ccg, provider, pod;
  int64_t activity = 0, pence = 0;
};
struct CcgTotal {
  std::string ccg;
  int64_t records = 0, pence = 0;
};

// Year to date through `month`, in the partials' order (CCG, provider), then
// slot order. Zero lines are left out.
void Lines(const CubePartials& p, int month, const std::set<std::string>& ccgs, std::vector<Line>& lines,
           std::vector<CcgTotal>& totals) {
  for (const auto& [key, cells] : p.cells) {
    if (!ccgs.count(key.first)) continue;
    for (int slot = 1; slot < kCubeSlots; ++slot) {
      Line l{key.first, key.second, SlotCode(slot)};
      for (int m = 1; m <= month; ++m) {
        l.activity += cells[PartialIndex(m, slot)].activity;
        l.pence += cells[PartialIndex(m, slot)].pence;
      }
      if (l.activity == 0 && l.pence == 0) continue;
      if (totals.empty() || totals.back().ccg != key.first) totals.push_back({key.first});
      totals.back().pence += l.pence;
      totals.back().records += l.activity;
      lines.push_back(std::move(l));
    }
  }
}

}  // namespace

Status CubePartials::Merge(const CubePartials& other) {
  if (other.year != year)
    return MakeError("cube partials", "cannot merge partials of " + other.year.ToString() + " into " + year.ToString());
  CubePartials sum = *this;  // nothing changes unless the whole merge is exact
  for (const auto& [key, theirs] : other.cells) {
    PartialCells& into = sum.cells[key];
    for (size_t i = 0; i < theirs.size(); ++i) {
      if (!AddExact(into[i].activity, theirs[i].activity) || !AddExact(into[i].pence, theirs[i].pence))
        return MakeError("cube partials", "a sum for " + key.first + " × " + key.second + " overflows");
    }
  }
  cells = std::move(sum.cells);
  return Status::Ok();
}

CubePartials PartialsOf(const ActivityCube& cube, const store::CodeDictionaries& codes,
                        const std::set<std::string>& only) {
  CubePartials out;
  out.year = cube.year();
  for (size_t pair = 0; pair < cube.pairs().size(); ++pair) {
    const ActivityCube::Pair& pr = cube.pairs()[pair];
    std::string commissioner(codes.commissioner().code(pr.commissioner));
    if (!only.empty() && !only.count(commissioner)) continue;
    PartialCells cells{};
    bool any = false;
    for (int m = 1; m <= 12; ++m) {
      for (int slot = 0; slot < kCubeSlots; ++slot) {
        const CubeCell& c = slot < kPods ? cube.At(pair, static_cast<pricing::Pod>(slot), m)
                                         : cube.NotPricedAt(pair, static_cast<RecordKind>(slot - kPods), m);
        cells[PartialIndex(m, slot)] = c;
        any = any || c.activity != 0 || c.pence != 0;
      }
    }
    if (!any) continue;
    PartialCells& into = out.cells[{std::move(commissioner), std::string(codes.provider().code(pr.provider))}];
    for (size_t i = 0; i < cells.size(); ++i) into[i] += cells[i];
  }
  return out;
}

std::string PartialsToJson(const CubePartials& p) {
  nlohmann::json cells = nlohmann::json::array();
  for (const auto& [key, c] : p.cells)
    for (int m = 1; m <= 12; ++m)
      for (int slot = 0; slot < kCubeSlots; ++slot) {
        const CubeCell& cell = c[PartialIndex(m, slot)];
        if (cell.activity == 0 && cell.pence == 0) continue;
        cells.push_back({key.first, key.second, m, slot, cell.activity, cell.pence});
      }
  return nlohmann::json{{"format", "csu-cube-partials-v1"}, {"year", p.year.ToString()}, {"slots", kCubeSlots},
                        {"cells", std::move(cells)}}
      .dump();
}

Result<CubePartials> PartialsFromJson(std::string_view text, std::string_view where) {
  const std::string w(where);
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return MakeError(w, "cube partials: not a JSON object");
  auto format = j.find("format");
  if (format == j.end() || !format->is_string() || *format != "csu-cube-partials-v1")
    return MakeError(w, "cube partials: format is not csu-cube-partials-v1");
  auto year = j.find("year");
  if (year == j.end() || !year->is_string()) return MakeError(w, "cube partials: no year");
  auto fy = FinancialYear::Parse(year->get<std::string>());
  if (!fy.ok()) return MakeError(w, "cube partials: year: " + fy.error().why);
  auto slots = j.find("slots");
  if (slots == j.end() || !slots->is_number_integer() || slots->get<int64_t>() != kCubeSlots)
    return MakeError(w, "cube partials: slots is not " + std::to_string(kCubeSlots) + " (a node of another version)");
  auto cells = j.find("cells");
  if (cells == j.end() || !cells->is_array()) return MakeError(w, "cube partials: no cells array");
  CubePartials out;
  out.year = fy.value();
  size_t n = 0;
  for (const nlohmann::json& c : *cells) {
    ++n;
    const std::string at = "cube partials: cell " + std::to_string(n) + ": ";
    if (!c.is_array() || c.size() != 6 || !c[0].is_string() || !c[1].is_string() || !c[2].is_number_integer() ||
        !c[3].is_number_integer() || !c[4].is_number_integer() || !c[5].is_number_integer())
      return MakeError(w, at + "not [commissioner, provider, month, slot, activity, pence]");
    const std::string commissioner = c[0].get<std::string>(), provider = c[1].get<std::string>();
    if (!GoodCode(commissioner) || !GoodCode(provider)) return MakeError(w, at + "a code is not 1 to 16 printable characters");
    const std::optional<int64_t> month = Int64Of(c[2]), slot = Int64Of(c[3]);
    const std::optional<int64_t> activity_v = Int64Of(c[4]), pence_v = Int64Of(c[5]);
    if (!month || *month < 1 || *month > 12) return MakeError(w, at + "month is not 1 to 12");
    if (!slot || *slot < 0 || *slot >= kCubeSlots) return MakeError(w, at + "slot is not 0 to " + std::to_string(kCubeSlots - 1));
    if (!activity_v || !pence_v) return MakeError(w, at + "a value is out of range");
    const int64_t activity = *activity_v, pence = *pence_v;
    if (activity < 0) return MakeError(w, at + "activity is negative");
    if (activity == 0 && pence == 0) continue;  // zero cells are left out, as the writer does
    CubeCell& cell = out.cells[{commissioner, provider}][PartialIndex(static_cast<int>(*month), static_cast<int>(*slot))];
    if (cell.activity != 0 || cell.pence != 0) return MakeError(w, at + "the same cell twice");
    cell = CubeCell{activity, pence};
  }
  return out;
}

int CrossCcgMonth(const CubePartials& p, int month) {
  if (month >= 1 && month <= 12) return month;
  int last = 0;
  for (const auto& [key, cells] : p.cells)
    for (int m = 12; m > last; --m)
      for (int slot = 0; slot < kCubeSlots; ++slot)
        if (cells[PartialIndex(m, slot)].activity != 0) {
          last = m;
          break;
        }
  return last;
}

std::string CrossCcgActivityJson(const CubePartials& p, int month, const std::set<std::string>& ccgs) {
  const int m = CrossCcgMonth(p, month);
  std::vector<Line> lines;
  std::vector<CcgTotal> totals;
  Lines(p, m, ccgs, lines, totals);
  nlohmann::json rows = nlohmann::json::array(), per_ccg = nlohmann::json::array();
  for (const Line& l : lines)
    rows.push_back({{"ccg", l.ccg}, {"provider", l.provider}, {"pod", l.pod}, {"activity_ytd", l.activity},
                    {"pence_ytd", l.pence}});
  for (const CcgTotal& t : totals)
    per_ccg.push_back({{"ccg", t.ccg}, {"records_ytd", t.records}, {"pence_ytd", t.pence}});
  return nlohmann::json{{"year", p.year.ToString()}, {"month", m}, {"ccgs", std::move(per_ccg)},
                        {"lines", std::move(rows)}}
      .dump();
}

report::ReportTable CrossCcgActivityTable(const CubePartials& p, int month, const std::set<std::string>& ccgs) {
  const int m = CrossCcgMonth(p, month);
  std::vector<Line> lines;
  std::vector<CcgTotal> totals;
  Lines(p, m, ccgs, lines, totals);
  report::ReportTable t("Activity across CCGs, year to date",
                        {{"ccg", report::ColumnType::kText, "CCG"},
                         {"provider", report::ColumnType::kText, "Provider"},
                         {"pod", report::ColumnType::kText, "Point of delivery"},
                         {"activity_ytd", report::ColumnType::kCount, "Activity"},
                         {"pence_ytd", report::ColumnType::kMoney, "Value at tariff"}});
  for (const Line& l : lines)
    t.AddRow({report::Cell::Text(l.ccg), report::Cell::Text(l.provider), report::Cell::Text(l.pod),
              report::Cell::Count(l.activity), report::Cell::Pence(l.pence)});
  return t;
}

}  // namespace csu::analytics
