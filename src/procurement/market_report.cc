#include "procurement/market_report.h"

#include <map>

#include "report/disclosure.h"

namespace csu::procurement {

std::string_view ConcentrationBand(const Rational& hhi) {
  if (hhi < Rational(1500)) return "unconcentrated";
  if (hhi > Rational(2500)) return "highly concentrated";
  return "moderately concentrated";
}

std::vector<report::ReportTable> MarketTables(const std::string& ccg, const std::vector<MarketLine>& lines,
                                              bool shared) {
  using report::Cell;
  using report::Column;
  using report::ColumnType;
  report::ReportTable shares("Market shares", {
      {"service_line", ColumnType::kText, "Service line"},
      {"pod", ColumnType::kText, "POD"},
      {"tfc", ColumnType::kText, "TFC"},
      {"period", ColumnType::kText, "Period"},
      {"provider", ColumnType::kText, "Provider"},
      {"activity", ColumnType::kCount, "Activity"},
      {"share", ColumnType::kPercent, "Share", 1, report::Derivation::ShareOfGroup("activity", "service_line")},
  });
  for (const auto& l : lines)
    for (const auto& s : l.shares)
      shares.AddRow({Cell::Text(l.pod + " " + l.tfc + " " + l.period), Cell::Text(l.pod), Cell::Text(l.tfc),
                     Cell::Text(l.period), Cell::Text(s.provider), Cell::Count(s.activity),
                     Cell::Real(static_cast<double>(s.activity) / static_cast<double>(l.total))});
  shares.notes.push_back("Commissioner " + ccg + ". Share = provider activity / service line activity.");

  report::ReportTable hhi("Concentration", {
      {"pod", ColumnType::kText, "POD"},
      {"tfc", ColumnType::kText, "TFC"},
      {"period", ColumnType::kText, "Period"},
      {"providers", ColumnType::kInteger, "Providers"},
      {"hhi", ColumnType::kText, "HHI"},
      {"band", ColumnType::kText, "Band"},
  });
  hhi.notes.push_back("HHI = sum of squared percentage shares (0 to 10,000), exact, shown to one decimal place "
                      "(half away from zero). Bands for context: US DOJ/FTC 2010 (< 1,500; 1,500-2,500; > 2,500).");
  for (const auto& l : lines) {
    std::string value, band;
    if (!shared) {
      value = l.hhi.ToFixed(1);
      band = std::string(ConcentrationBand(l.hhi));
    } else {
      // From the published counts only: nothing the shared table hides.
      Int128 sum = 0, sq = 0;
      bool hidden = false;
      for (const auto& s : l.shares) {
        auto c = report::DiscloseCount(s.activity);
        if (!c) hidden = true;
        else {
          sum += *c;
          sq += static_cast<Int128>(*c) * *c;
        }
      }
      if (hidden || sum == 0) {
        value = "*";
      } else {
        Rational h(sq * 10000, sum * sum);
        value = h.ToFixed(1);
        band = std::string(ConcentrationBand(h));
      }
    }
    hhi.AddRow({Cell::Text(l.pod), Cell::Text(l.tfc), Cell::Text(l.period),
                Cell::Integer(static_cast<int64_t>(l.shares.size())), Cell::Text(value), Cell::Text(band)});
  }

  report::ReportTable moves("Entrants and leavers", {
      {"pod", ColumnType::kText, "POD"},
      {"tfc", ColumnType::kText, "TFC"},
      {"period", ColumnType::kText, "Period"},
      {"previous", ColumnType::kText, "Compared with"},
      {"entered", ColumnType::kText, "Entered"},
      {"left", ColumnType::kText, "Left"},
  });
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : " ") + x;
    return s;
  };
  for (const auto& c : MarketChanges(lines))
    moves.AddRow({Cell::Text(c.pod), Cell::Text(c.tfc), Cell::Text(c.period), Cell::Text(c.previous),
                  Cell::Text(join(c.entered)), Cell::Text(join(c.left))});

  if (shared) {
    report::ReportTable published = report::ApplyDisclosureControl(std::move(shares)).table();
    published.notes.push_back("Shared outside the CCG: disclosure control applied (docs/disclosure.md).");
    hhi.notes.push_back("Shared view: HHI from the published (rounded) counts; * where a count is suppressed.");
    return {published, hhi, moves};
  }
  return {shares, hhi, moves};
}

report::ReportTable PracticeFlowsTable(const std::string& ccg, const std::string& pod, const std::string& tfc,
                                       const std::vector<PracticeFlow>& flows, bool shared) {
  using report::Cell;
  using report::ColumnType;
  report::ReportTable t("Patient flows by practice", {
      {"practice_period", ColumnType::kText, "Practice and period"},
      {"period", ColumnType::kText, "Period"},
      {"practice", ColumnType::kText, "Practice"},
      {"provider", ColumnType::kText, "Provider"},
      {"activity", ColumnType::kCount, "Activity"},
      {"share", ColumnType::kPercent, "Share of practice", 1,
       report::Derivation::ShareOfGroup("activity", "practice_period")},
  });
  std::map<std::pair<std::string, std::string>, int64_t> total;
  for (const auto& f : flows) total[{f.period, f.practice}] += f.activity;
  for (const auto& f : flows) {
    const std::string practice = f.practice.empty() ? "unknown" : f.practice;
    t.AddRow({Cell::Text(practice + " " + f.period), Cell::Text(f.period), Cell::Text(practice),
              Cell::Text(f.provider), Cell::Count(f.activity),
              Cell::Real(static_cast<double>(f.activity) / static_cast<double>(total[{f.period, f.practice}]))});
  }
  t.notes.push_back("Commissioner " + ccg + ", service line " + pod + " " + tfc +
                    ". Share = the practice's activity at the provider / the practice's activity in the line.");
  t.notes.push_back("Distance bands are not shown: the reference data has no practice or provider locations.");
  if (!shared) return t;
  report::ReportTable published = report::ApplyDisclosureControl(std::move(t)).table();
  published.notes.push_back("Shared outside the CCG: disclosure control applied (docs/disclosure.md).");
  return published;
}

}  // namespace csu::procurement
