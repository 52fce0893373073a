// The drill-down view: the records behind one monitoring figure
// (report_views.h).
#include <string>

#include "analytics/report_views.h"
#include "analytics/year_calendar.h"
#include "pricing/price_explanation.h"
#include "pricing/priced_activity.h"

namespace csu::analytics {

using report::Cell;
using report::ColumnType;

report::ReportTable RecordsTable(const pricing::PricedActivity& a, const ViewScope& s, std::string_view provider_code,
                                 std::optional<pricing::Pod> pod, bool month_only, size_t first, size_t max,
                                 size_t* matching, bool explain) {
  // 0 (the empty code's id) when no record has this provider: no row matches.
  const uint16_t provider = static_cast<uint16_t>(a.tables.codes.provider().Find(provider_code));
  report::ReportTable t("Records", {{"kind", ColumnType::kText, "Kind"},
                                    {"batch", ColumnType::kInteger, "Batch"},
                                    {"row", ColumnType::kInteger, "Row in batch"},
                                    {"commissioner", ColumnType::kText, "CCG"},
                                    {"provider", ColumnType::kText, "Provider"},
                                    {"date", ColumnType::kText, "Date"},
                                    {"pod", ColumnType::kText, "POD"},
                                    {"hrg", ColumnType::kText, "HRG"},
                                    {"treatment_function", ColumnType::kText, "TFC"},
                                    {"age", ColumnType::kInteger, "Age"},
                                    {"price", ColumnType::kMoney, "Price"}});
  if (explain && s.ref) t.columns.push_back({"explanation", ColumnType::kText, "Why this price"});
  const bool with_explanation = explain && s.ref;
  const YearCalendar cal(s.year);
  const auto& codes = a.tables.codes;
  size_t count = 0;  // matching records so far
  auto emit = [&](ingest::ExtractKind extract, const store::CommonColumns& tab, const pricing::PricedColumns& pc,
                  uint32_t r, int32_t day, uint16_t hrg, uint16_t tfc) {
    const std::string kind(ingest::KindName(extract));
    if (s.commissioner && tab.commissioner[r] != *s.commissioner) return;
    if (tab.provider[r] != provider) return;
    const int m = cal.Month(day);
    if (m == 0 || m > s.month || (month_only && m != s.month)) return;
    if (pod && pc.pod[r] != static_cast<uint8_t>(*pod)) return;
    const size_t index = count++;
    if (index < first || index - first >= max) return;
    int64_t batch = 0;
    for (const auto& b : tab.batches)
      if (r >= b.first_row && r < b.first_row + b.rows) batch = b.batch_id;
    const auto p = static_cast<pricing::Pod>(pc.pod[r]);
    t.AddRow({Cell::Text(kind), Cell::Integer(batch), Cell::Integer(tab.source_row[r]),
              Cell::Text(std::string(codes.commissioner().code(tab.commissioner[r]))),
              Cell::Text(std::string(codes.provider().code(tab.provider[r]))),
              Cell::Text(Date::FromDays(day).ToString()),
              Cell::Text(p == pricing::Pod::kNone ? "NP" : std::string(pricing::PodCode(p))),
              Cell::Text(std::string(codes.hrg().code(hrg))),
              Cell::Text(std::string(codes.treatment_function().code(tfc))), Cell::Integer(tab.age_years[r]),
              Cell::Pence(pc.final_pence[r])});
    if (with_explanation) t.rows.back().push_back(Cell::Text(pricing::ExplainTableRow(a, *s.ref, extract, r)));
  };
  const auto& apc = a.tables.apc;
  for (uint32_t r = 0; r < apc.size(); ++r)
    emit(ingest::ExtractKind::kApc, apc, a.apc, r, apc.discharge_date[r], apc.hrg[r], apc.treatment_function[r]);
  const auto& op = a.tables.op;
  for (uint32_t r = 0; r < op.size(); ++r)
    emit(ingest::ExtractKind::kOp, op, a.op, r, op.appointment_date[r], op.hrg[r], op.treatment_function[r]);
  const auto& ae = a.tables.ae;
  for (uint32_t r = 0; r < ae.size(); ++r) emit(ingest::ExtractKind::kAe, ae, a.ae, r, ae.arrival[r] / 1440, ae.hrg[r], 0);
  std::string pod_text;
  if (pod) pod_text = ", POD " + (*pod == pricing::Pod::kNone ? std::string("NP (not priced)")
                                                              : std::string(pricing::PodCode(*pod)));
  t.notes.push_back("Records behind the figure: commissioner " + s.commissioner_label + ", provider " +
                    std::string(provider_code) + pod_text +
                    (month_only ? ", month " : ", months 1-") + std::to_string(s.month) + " of " + s.year.ToString() +
                    (with_explanation ? ". Pseudonymised. Each price is explained as csu price explain does."
                                      : ". Pseudonymised: explain a price with csu price explain."));
  if (matching) *matching = count;
  return t;
}

}  // namespace csu::analytics
