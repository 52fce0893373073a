#include "chc/chc_views.h"

#include <algorithm>

namespace csu::chc {
namespace {

using report::Cell;
using report::ColumnType;
using report::ReportTable;

std::string OptText(const std::optional<Date>& d) { return d ? d->ToString() : ""; }

}  // namespace

ReportTable CaseloadTable(const std::string& ccg, const std::vector<CaseRow>& cases) {
  ReportTable t("CHC caseload" + (ccg.empty() ? std::string() : " " + ccg),
                {{"case", ColumnType::kInteger, "Case"}, {"ccg", ColumnType::kText, "CCG"},
                 {"pseudonym", ColumnType::kText, "Pseudonym"}, {"route", ColumnType::kText, "Route"},
                 {"status", ColumnType::kText, "Status"}, {"referred_date", ColumnType::kText, "Referred"},
                 {"decided_date", ColumnType::kText, "Decided"}, {"next_review_date", ColumnType::kText, "Next review"}});
  for (const auto& c : cases) {
    std::string next;
    if (c.status == "eligible" && c.decided_on) next = NextReviewDue(*c.decided_on, c.last_review).ToString();
    t.AddRow({Cell::Integer(c.id), Cell::Text(c.ccg), Cell::Text(c.pseudonym.substr(0, 16)),
              Cell::Text(c.fast_track ? "fast_track" : "standard"), Cell::Text(c.status),
              Cell::Text(c.referred_on.ToString()), Cell::Text(OptText(c.decided_on)), Cell::Text(next)});
  }
  t.notes.push_back("Pseudonyms are the first 16 hex digits of the keyed HMAC of the NHS number, as in the activity.");
  return t;
}

ReportTable DeadlinesTable(const std::vector<CaseRow>& cases, Date today) {
  ReportTable t("CHC 28-day standard: undecided cases from day " + std::to_string(kNearingFromDay) + ", as at " +
                    today.ToString(),
                {{"case", ColumnType::kInteger, "Case"}, {"ccg", ColumnType::kText, "CCG"},
                 {"checklist_received_date", ColumnType::kText, "Checklist received"}, {"day", ColumnType::kInteger, "Day"},
                 {"band", ColumnType::kText, "Band"}, {"valid_delay", ColumnType::kText, "Valid reason for delay"}});
  for (const auto& c : cases) {
    if (c.fast_track || !c.checklist_positive.value_or(false) || !c.checklist_received || c.decided_on) continue;
    if (c.status == "closed") continue;
    ClockStatus s = TwentyEightDay(*c.checklist_received, std::nullopt, today, c.valid_delay);
    if (s.band == ClockBand::kOnTrack) continue;
    t.AddRow({Cell::Integer(c.id), Cell::Text(c.ccg), Cell::Text(c.checklist_received->ToString()), Cell::Integer(s.days),
              Cell::Text(std::string(ClockBandName(s.band))), Cell::Text(c.valid_delay ? "yes" : "")});
  }
  t.notes.push_back("Calendar days from the positive Checklist reaching the CCG; a decision by day 28 meets the standard.");
  return t;
}

ReportTable ReviewsDueTable(const std::vector<CaseRow>& cases, Date today) {
  ReportTable t("CHC reviews due by " + today.AddDays(28).ToString() + " (overdue first)",
                {{"case", ColumnType::kInteger, "Case"}, {"ccg", ColumnType::kText, "CCG"},
                 {"eligible_from", ColumnType::kText, "Eligible from"}, {"last_review", ColumnType::kText, "Last review"},
                 {"due_date", ColumnType::kText, "Due"}, {"overdue_days", ColumnType::kInteger, "Days overdue"}});
  std::vector<std::pair<Date, const CaseRow*>> due;
  for (const auto& c : cases) {
    if (c.status != "eligible" || !c.decided_on) continue;
    Date d = NextReviewDue(*c.decided_on, c.last_review);
    if (d <= today.AddDays(28)) due.push_back({d, &c});
  }
  std::sort(due.begin(), due.end(), [](const auto& x, const auto& y) {
    return x.first < y.first || (x.first == y.first && x.second->id < y.second->id);
  });
  for (const auto& [d, c] : due)
    t.AddRow({Cell::Integer(c->id), Cell::Text(c->ccg), Cell::Text(c->decided_on->ToString()),
              Cell::Text(OptText(c->last_review)), Cell::Text(d.ToString()), Cell::Integer(today > d ? today - d : 0)});
  t.notes.push_back("First review three months after eligibility, then twelve months after the latest review.");
  return t;
}

ReportTable CommittedTable(const std::vector<Package>& packages, Date as_of) {
  auto committed = CommittedToYearEnd(packages, as_of);
  ReportTable t("CHC committed cost from " + as_of.ToString() + " to " + FinancialYear::Of(as_of).last_day().ToString(),
                {{"ccg", ColumnType::kText, "CCG"}, {"month", ColumnType::kText, "Month"},
                 {"committed", ColumnType::kMoney, "Committed"}});
  for (const auto& [ccg, months] : committed)
    for (const auto& m : months) t.AddRow({Cell::Text(ccg), Cell::Text(m.month.ToString().substr(0, 7)), Cell::Money(m.amount)});
  t.AddTotalRow("Total");
  t.notes.push_back("Live package versions' days in each month x weekly cost / 7, each version and month rounded once to the penny.");
  return t;
}

ReportTable PackagesTable(const std::vector<Package>& packages) {
  ReportTable t("CHC care packages",
                {{"package", ColumnType::kInteger, "Package"}, {"case", ColumnType::kInteger, "Case"},
                 {"version", ColumnType::kInteger, "Version"}, {"from_date", ColumnType::kText, "From"},
                 {"to_date", ColumnType::kText, "To"}, {"provider", ColumnType::kText, "Provider"},
                 {"setting", ColumnType::kText, "Setting"}, {"unit_cost", ColumnType::kMoney, "Unit cost"},
                 {"units", ColumnType::kText, "Units a week"}, {"weekly", ColumnType::kMoney, "Weekly cost"}});
  for (const Package& p : packages)
    for (const Span& s : Spans(p))
      t.AddRow({Cell::Integer(p.id), Cell::Integer(p.case_id), Cell::Integer(s.version->version),
                Cell::Text(s.from.ToString()), Cell::Text(OptText(s.to)), Cell::Text(s.version->provider),
                Cell::Text(std::string(SettingName(s.version->setting))), Cell::Money(s.version->unit_cost),
                Cell::Text(UnitsX100ToString(s.version->units_x100)), Cell::Money(WeeklyCost(*s.version))});
  return t;
}

ReportTable TimelineTable(int64_t case_id, const std::vector<Event>& events) {
  ReportTable t("CHC case " + std::to_string(case_id) + " timeline",
                {{"at", ColumnType::kText, "At"}, {"by", ColumnType::kText, "By"}, {"event", ColumnType::kText, "Event"},
                 {"detail", ColumnType::kText, "Detail"}});
  for (const auto& e : events) t.AddRow({Cell::Text(e.at), Cell::Text(e.by), Cell::Text(e.kind), Cell::Text(e.detail)});
  return t;
}

}  // namespace csu::chc

namespace csu::chc {

report::ReportTable InvoicesTable(const std::string& ccg, const std::vector<CheckedInvoice>& invoices) {
  using report::Cell;
  using report::ColumnType;
  report::ReportTable t("CHC provider invoices" + (ccg.empty() ? std::string() : " " + ccg),
                        {{"invoice", ColumnType::kInteger, "Check"}, {"ccg", ColumnType::kText, "CCG"},
                         {"provider", ColumnType::kText, "Provider"}, {"invoice_ref", ColumnType::kText, "Invoice"},
                         {"case", ColumnType::kText, "Case"}, {"from_date", ColumnType::kText, "From"},
                         {"to_date", ColumnType::kText, "To"}, {"amount", ColumnType::kMoney, "Amount"},
                         {"expected", ColumnType::kMoney, "Package cost"}, {"outcome", ColumnType::kText, "Outcome"},
                         {"reason", ColumnType::kText, "Reason"}});
  for (const CheckedInvoice& c : invoices) {
    // The case by number when matched; else as the file gave it, a
    // pseudonym shortened as the caseload shows it.
    const std::string case_ref = c.case_id ? std::to_string(*c.case_id) : c.case_ref.substr(0, 16);
    t.AddRow({Cell::Integer(c.id), Cell::Text(c.ccg), Cell::Text(c.provider), Cell::Text(c.invoice_ref),
              Cell::Text(case_ref), Cell::Text(c.from.ToString()), Cell::Text(c.to.ToString()), Cell::Money(c.amount),
              c.expected ? Cell::Money(*c.expected) : Cell{}, Cell::Text(c.payable ? "payable" : "queried"),
              Cell::Text(c.reason)});
  }
  t.notes.push_back("Payable when the package cost over the period (each version's days rounded once) is the amount "
                    "to the penny (docs/chc.md, \"Provider invoices\").");
  return t;
}

report::ReportTable ClaimsTable(const std::string& ccg, const std::vector<ChcStore::Claim>& claims) {
  using report::Cell;
  using report::ColumnType;
  report::ReportTable t("CHC retrospective claims" + (ccg.empty() ? std::string() : " " + ccg),
                        {{"claim", ColumnType::kInteger, "Claim"}, {"case", ColumnType::kInteger, "Case"},
                         {"ccg", ColumnType::kText, "CCG"}, {"received_date", ColumnType::kText, "Received"},
                         {"from_date", ColumnType::kText, "Period from"}, {"to_date", ColumnType::kText, "Period to"},
                         {"stated", ColumnType::kMoney, "Costs stated"}, {"status", ColumnType::kText, "Decision"},
                         {"decided_date", ColumnType::kText, "Decided"},
                         {"eligible_from_date", ColumnType::kText, "Eligible from"},
                         {"eligible_to_date", ColumnType::kText, "Eligible to"},
                         {"awarded", ColumnType::kMoney, "Awarded"}, {"reason", ColumnType::kText, "Reasons"}});
  for (const ChcStore::Claim& c : claims)
    t.AddRow({Cell::Integer(c.id), Cell::Integer(c.case_id), Cell::Text(c.ccg), Cell::Text(c.received_on.ToString()),
              Cell::Text(c.from.ToString()), Cell::Text(c.to.ToString()), Cell::Money(c.stated), Cell::Text(c.status),
              Cell::Text(OptText(c.decided_on)), Cell::Text(OptText(c.eligible_from)),
              Cell::Text(OptText(c.eligible_to)), Cell::Money(c.awarded), Cell::Text(c.reason)});
  t.AddTotalRow("Total");
  t.notes.push_back("Awarded: the costs stated over the eligible days, each stated run weekly × days / 7 rounded once "
                    "(docs/chc.md, \"Retrospective claims\"); no interest is added.");
  return t;
}

}  // namespace csu::chc
