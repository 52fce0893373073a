#include "primarycare/qof_report.h"

#include <string>
#include <unordered_map>
#include <vector>

#include "core/text.h"

namespace csu::primarycare {

report::ReportTable QofPaymentsTable(const QofInputs& inputs, bool totals) {
  using report::Cell;
  using report::ColumnType;
  report::ReportTable t{"QOF achievement and payment",
                        {{"practice_code", ColumnType::kText, "Practice"},
                         {"indicator", ColumnType::kText, "Indicator"},
                         {"achievement_pct", ColumnType::kDecimal, "Achievement %", 2},
                         {"points", ColumnType::kDecimal, "Points", 2},
                         {"payment", ColumnType::kMoney, "Payment"},
                         {"explanation", ColumnType::kText, "How it was worked out"}}};
  std::unordered_map<std::string, std::vector<const QofIndicator*>> by_practice;
  for (const QofIndicator& i : inputs.indicators) by_practice[i.practice_code].push_back(&i);
  for (const QofPractice& p : inputs.practices) {
    int64_t points = 0;
    Money payment;
    const auto& list = by_practice[p.practice_code];
    for (const QofIndicator* i : list) {
      const QofResult r = CalculateQof(p, *i);
      points += r.points_hundredths;
      payment += r.payment;
      t.AddRow({Cell::Text(p.practice_code), Cell::Text(i->indicator),
                r.achievement_hundredths ? Cell::Real(static_cast<double>(*r.achievement_hundredths) / 100) : Cell{},
                Cell::Real(static_cast<double>(r.points_hundredths) / 100), Cell::Money(r.payment),
                Cell::Text(r.explanation)});
    }
    if (totals) {
      // The practice's achievement payment is the sum of its indicator
      // payments, each already rounded to the penny (docs/primary-care.md).
      t.AddRow({Cell::Text(p.practice_code), Cell::Text("TOTAL"), Cell{}, Cell::Real(static_cast<double>(points) / 100),
                Cell::Money(payment),
                Cell::Text("sum of " + WithThousands(static_cast<int64_t>(list.size())) + " indicator payments, " + p.year +
                           ", " + p.gbp_per_point.ToString() + " a point")});
    }
  }
  t.notes.push_back("Rules and sources: docs/primary-care.md. Points are rounded to 2 places and payments to the penny, each once.");
  return t;
}

report::ReportTable QofAspirationTable(const QofInputs& inputs) {
  using report::Cell;
  using report::ColumnType;
  report::ReportTable t{"QOF aspiration and balancing",
                        {{"practice_code", ColumnType::kText, "Practice"},
                         {"unadjusted_prior_payment", ColumnType::kMoney, "Unadjusted prior payment"},
                         {"aspiration_annual", ColumnType::kMoney, "Aspiration (year)"},
                         {"aspiration_monthly", ColumnType::kMoney, "Aspiration (month)"},
                         {"aspiration_paid", ColumnType::kMoney, "Paid in 12 months"},
                         {"achievement_payment", ColumnType::kMoney, "Achievement payment"},
                         {"balancing_payment", ColumnType::kMoney, "Balancing payment"},
                         {"explanation", ColumnType::kText, "How it was worked out"}}};
  std::unordered_map<std::string, Money> achievement;
  std::unordered_map<std::string, const QofPractice*> practice;
  for (const QofPractice& p : inputs.practices) practice[p.practice_code] = &p;
  for (const QofIndicator& i : inputs.indicators) {
    achievement[i.practice_code] += CalculateQof(*practice[i.practice_code], i, Explain::kNo).payment;
  }
  for (const QofPractice& p : inputs.practices) {
    if (!p.prior) continue;
    const QofAspiration a = CalculateAspiration(*p.prior, achievement[p.practice_code]);
    t.AddRow({Cell::Text(p.practice_code), Cell::Money(a.unadjusted_prior), Cell::Money(a.annual), Cell::Money(a.monthly),
              Cell::Money(a.paid), Cell::Money(achievement[p.practice_code]), Cell::Money(a.balancing),
              Cell::Text(a.explanation)});
  }
  t.notes.push_back("Rules and readings: docs/primary-care.md, \"Aspiration and balancing\".");
  return t;
}

}  // namespace csu::primarycare
