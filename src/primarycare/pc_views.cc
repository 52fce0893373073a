#include "primarycare/pc_views.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/text.h"

namespace csu::primarycare {
namespace {

using report::Cell;
using report::ColumnType;
using report::ReportTable;

Cell OptMoney(const std::optional<int64_t>& p) { return p ? Cell::Pence(*p) : Cell{}; }
Cell OptPoints(const std::optional<int64_t>& h) { return h ? Cell::Real(static_cast<double>(*h) / 100) : Cell{}; }

}  // namespace

Result<ReportTable> PracticesTable(PcStore& store, const std::string& ccg, Date on) {
  ReportTable t{"GP practices" + (ccg.empty() ? std::string() : " of " + ToUpper(ccg)),
                {{"practice_code", ColumnType::kText, "Practice"},
                 {"ccg", ColumnType::kText, "CCG"},
                 {"postcode", ColumnType::kText, "Postcode"},
                 {"contract", ColumnType::kText, "Contract"},
                 {"contract_start_date", ColumnType::kText, "Contract from"},
                 {"contract_end_date", ColumnType::kText, "Contract to"},
                 {"list_quarter_date", ColumnType::kText, "List at"},
                 {"registered", ColumnType::kCount, "Registered"},
                 {"weighted", ColumnType::kDecimal, "Weighted", 2}}};
  CSU_ASSIGN_OR_RETURN(practices, store.Practices(ccg));
  for (const PracticeRow& p : practices) {
    CSU_ASSIGN_OR_RETURN(c, store.ContractOn(p.code, on));
    CSU_ASSIGN_OR_RETURN(lists, store.ListSizes(p.code));
    const ListSize* latest = nullptr;
    for (const ListSize& l : lists)
      if (l.quarter <= on) latest = &l;
    t.AddRow({Cell::Text(p.code), Cell::Text(p.ccg), Cell::Text(p.postcode),
              c ? Cell::Text(std::string(ContractTypeName(c->type))) : Cell::Text("none"),
              c ? Cell::Text(c->start.ToString()) : Cell{},
              c && c->end ? Cell::Text(c->end->ToString()) : Cell{},
              latest ? Cell::Text(latest->quarter.ToString()) : Cell{},
              latest ? Cell::Count(latest->registered) : Cell::Count(p.reference_list),
              latest ? Cell::Real(static_cast<double>(latest->weighted_millionths) / 1e6) : Cell{}});
  }
  t.notes.push_back("Contract in force and latest list on " + on.ToString() +
                    "; without a loaded list, registered is the reference data's January 2021 list.");
  return t;
}

Result<ReportTable> ContractsTable(PcStore& store, const std::string& ccg) {
  ReportTable t{"GP contracts" + (ccg.empty() ? std::string() : " of " + ToUpper(ccg)),
                {{"id", ColumnType::kInteger, "Id"},
                 {"practice_code", ColumnType::kText, "Practice"},
                 {"type", ColumnType::kText, "Type"},
                 {"start_date", ColumnType::kText, "From"},
                 {"end_date", ColumnType::kText, "To"},
                 {"reference", ColumnType::kText, "Reference"},
                 {"recorded_by", ColumnType::kText, "Recorded by"}}};
  CSU_ASSIGN_OR_RETURN(contracts, store.Contracts(ccg, ""));
  for (const Contract& c : contracts)
    t.AddRow({Cell::Integer(c.id), Cell::Text(c.practice), Cell::Text(std::string(ContractTypeName(c.type))),
              Cell::Text(c.start.ToString()), c.end ? Cell::Text(c.end->ToString()) : Cell{}, Cell::Text(c.reference),
              Cell::Text(c.recorded_by)});
  return t;
}

Result<ReportTable> ListSizesTable(PcStore& store, const std::string& practice) {
  ReportTable t{"List sizes of " + ToUpper(practice),
                {{"quarter_date", ColumnType::kText, "Quarter from"},
                 {"registered", ColumnType::kCount, "Registered"},
                 {"weighted", ColumnType::kDecimal, "Weighted", 6},
                 {"source", ColumnType::kText, "File"}}};
  CSU_ASSIGN_OR_RETURN(lists, store.ListSizes(practice));
  for (const ListSize& l : lists)
    t.AddRow({Cell::Text(l.quarter.ToString()), Cell::Count(l.registered),
              Cell::Real(static_cast<double>(l.weighted_millionths) / 1e6), Cell::Text(l.source)});
  return t;
}

namespace {

// The practice's registered list for per-patient figures: the latest loaded
// list in the QOF year, else the reference data's.
Result<int64_t> ListFor(PcStore& store, const PracticeRow& p, const std::string& year) {
  CSU_ASSIGN_OR_RETURN(lists, store.ListSizes(p.code));
  auto fy = FinancialYear::Parse(year);
  int64_t list = p.reference_list;
  if (fy.ok())
    for (const ListSize& l : lists)
      if (fy.value().Contains(l.quarter)) list = l.registered;
  return list;
}

}  // namespace

Result<ReportTable> AchievementTable(PcStore& store, const std::string& ccg, const std::string& year) {
  ReportTable t{"QOF " + year + " by practice" + (ccg.empty() ? std::string() : ", " + ToUpper(ccg)),
                {{"practice_code", ColumnType::kText, "Practice"},
                 {"ccg", ColumnType::kText, "CCG"},
                 {"registered", ColumnType::kCount, "Registered"},
                 {"points", ColumnType::kDecimal, "Points", 2},
                 {"achievement_payment", ColumnType::kMoney, "Achievement payment"},
                 {"aspiration_annual", ColumnType::kMoney, "Aspiration (year)"},
                 {"payment_per_patient", ColumnType::kDecimal, "£ per patient", 2},
                 {"ccg_payment_per_patient", ColumnType::kDecimal, "CCG £ per patient", 2},
                 {"national_payment_per_patient", ColumnType::kDecimal, "National £ per patient", 2}}};
  CSU_ASSIGN_OR_RETURN(all, store.QofYears("", year));
  CSU_ASSIGN_OR_RETURN(practices, store.Practices(""));
  std::map<std::string, const PracticeRow*> by_code;
  for (const PracticeRow& p : practices) by_code[p.code] = &p;
  // Per-patient sums: the CCG's and the national figure are total payment ÷
  // total list of the practices with an achievement payment.
  std::map<std::string, std::pair<int64_t, int64_t>> ccg_sums;  // ccg -> (pence, list)
  std::pair<int64_t, int64_t> national{0, 0};
  std::map<std::string, int64_t> list_of;
  int64_t national_practices = 0;
  for (const QofYear& y : all) {
    const PracticeRow* p = by_code[y.practice];
    if (p == nullptr) continue;
    CSU_ASSIGN_OR_RETURN(list, ListFor(store, *p, year));
    list_of[y.practice] = list;
    if (!y.achievement_pence || list <= 0) continue;
    ccg_sums[p->ccg].first += *y.achievement_pence;
    ccg_sums[p->ccg].second += list;
    national.first += *y.achievement_pence;
    national.second += list;
    ++national_practices;
  }
  auto per = [](std::pair<int64_t, int64_t> s) {
    return s.second > 0 ? Cell::Real(static_cast<double>(s.first) / 100 / static_cast<double>(s.second)) : Cell{};
  };
  for (const QofYear& y : all) {
    const PracticeRow* p = by_code[y.practice];
    if (p == nullptr || (!ccg.empty() && p->ccg != ToUpper(ccg))) continue;
    const int64_t list = list_of[y.practice];
    t.AddRow({Cell::Text(y.practice), Cell::Text(p->ccg), Cell::Count(list), OptPoints(y.points_hundredths),
              OptMoney(y.achievement_pence), OptMoney(y.aspiration_annual_pence),
              y.achievement_pence && list > 0 ? per({*y.achievement_pence, list}) : Cell{}, per(ccg_sums[p->ccg]),
              per(national)});
  }
  t.notes.push_back("National = the " + WithThousands(national_practices) +
                    " practices with " + year + " achievement in this folder; £ per patient = achievement payment ÷ "
                    "registered list (the latest list loaded in the year, else January 2021's).");
  return t;
}

Result<ReportTable> OutliersTable(PcStore& store, const std::string& ccg, const std::string& year, double z) {
  ReportTable t{"QOF " + year + " outliers" + (ccg.empty() ? std::string() : ", " + ToUpper(ccg)),
                {{"practice_code", ColumnType::kText, "Practice"},
                 {"ccg", ColumnType::kText, "CCG"},
                 {"points", ColumnType::kDecimal, "Points", 2},
                 {"points_available", ColumnType::kInteger, "Available"},
                 {"share", ColumnType::kPercent, "Share of available", 1},
                 {"z_score", ColumnType::kDecimal, "z", 2},
                 {"explanation", ColumnType::kText, "Why it is flagged"}}};
  CSU_ASSIGN_OR_RETURN(indicators, store.QofIndicators("", year));
  CSU_ASSIGN_OR_RETURN(practices, store.Practices(""));
  std::map<std::string, std::string> ccg_of;
  for (const PracticeRow& p : practices) ccg_of[p.code] = p.ccg;
  std::map<std::string, std::pair<int64_t, int64_t>> sums;  // practice -> (points ×100, available)
  for (const QofIndicatorRow& i : indicators) {
    sums[i.practice].first += i.points_hundredths;
    sums[i.practice].second += i.points_available;
  }
  std::vector<std::pair<std::string, double>> shares;
  for (const auto& [code, s] : sums)
    if (s.second > 0) shares.push_back({code, static_cast<double>(s.first) / 100 / static_cast<double>(s.second)});
  if (shares.size() < 3) {
    t.notes.push_back("Fewer than 3 practices have " + year + " achievement here: no outliers can be judged.");
    return t;
  }
  double mean = 0;
  for (const auto& s : shares) mean += s.second;
  mean /= static_cast<double>(shares.size());
  double var = 0;
  for (const auto& s : shares) var += (s.second - mean) * (s.second - mean);
  const double sd = std::sqrt(var / static_cast<double>(shares.size() - 1));
  std::sort(shares.begin(), shares.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  for (const auto& [code, share] : shares) {
    if (!ccg.empty() && ccg_of[code] != ToUpper(ccg)) continue;
    const double zs = sd > 0 ? (share - mean) / sd : 0;
    if (std::fabs(zs) <= z) continue;
    char buf[200];
    std::snprintf(buf, sizeof buf, "%.1f%% of points available against a national mean of %.1f%% (SD %.1f points of %%); %s",
                  share * 100, mean * 100, sd * 100, zs < 0 ? "low" : "high");
    const auto& s = sums[code];
    t.AddRow({Cell::Text(code), Cell::Text(ccg_of[code]), Cell::Real(static_cast<double>(s.first) / 100),
              Cell::Integer(s.second), Cell::Real(share), Cell::Real(zs), Cell::Text(buf)});
  }
  t.notes.push_back("Outlier: points as a share of the points available more than " + std::to_string(static_cast<int>(z)) +
                    " standard deviations from the mean of the " + WithThousands(static_cast<int64_t>(shares.size())) +
                    " practices with " + year + " indicators here.");
  return t;
}

Result<ReportTable> HistoryTable(PcStore& store, const std::string& practice) {
  ReportTable t{"Payments to " + ToUpper(practice),
                {{"month", ColumnType::kText, "Month"},
                 {"kind", ColumnType::kText, "Kind"},
                 {"description", ColumnType::kText, "Payment"},
                 {"amount", ColumnType::kMoney, "Amount"},
                 {"explanation", ColumnType::kText, "How it was worked out"}}};
  CSU_ASSIGN_OR_RETURN(lines, store.PracticeHistory(practice));
  for (const ScheduleLine& l : lines)
    t.AddRow({Cell::Text(l.month.ToString()), Cell::Text(std::string(LineKindName(l.kind))), Cell::Text(l.description),
              Cell::Pence(l.amount_pence), Cell::Text(l.explanation)});
  t.AddTotalRow("Total");
  return t;
}

Result<ReportTable> PostingsTable(PcStore& store, const std::string& ccg) {
  ReportTable t{"Posted payment schedules" + (ccg.empty() ? std::string() : " of " + ToUpper(ccg)),
                {{"ccg", ColumnType::kText, "CCG"},
                 {"month", ColumnType::kText, "Month"},
                 {"journal", ColumnType::kInteger, "Journal"},
                 {"lines", ColumnType::kInteger, "Lines"},
                 {"total", ColumnType::kMoney, "Total"},
                 {"posted_by", ColumnType::kText, "Posted by"},
                 {"posted_at", ColumnType::kText, "Posted at"}}};
  CSU_ASSIGN_OR_RETURN(posts, store.Postings(ccg));
  for (const PostedSchedule& p : posts)
    t.AddRow({Cell::Text(p.ccg), Cell::Text(p.month.ToString()), Cell::Integer(p.journal), Cell::Integer(p.lines),
              Cell::Pence(p.total_pence), Cell::Text(p.posted_by), Cell::Text(p.posted_at)});
  return t;
}

}  // namespace csu::primarycare
