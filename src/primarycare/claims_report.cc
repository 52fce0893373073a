#include "primarycare/claims_report.h"

#include "core/money.h"

namespace csu::primarycare {

using report::Cell;
using report::ColumnType;

report::ReportTable SchemesTable(const std::vector<Scheme>& schemes) {
  report::ReportTable t{"Enhanced-service schemes",
                        {{"scheme", ColumnType::kText, "Scheme"},
                         {"name", ColumnType::kText, "Name"},
                         {"kind", ColumnType::kText, "National or local"},
                         {"rule", ColumnType::kText, "Payment rule"},
                         {"fee", ColumnType::kMoney, "Fee a unit"},
                         {"window_from_date", ColumnType::kText, "Window from"},
                         {"window_to_date", ColumnType::kText, "Window to"},
                         {"frequency", ColumnType::kText, "Claims"},
                         {"max_units", ColumnType::kInteger, "Cap (units a claim)"},
                         {"evidence", ColumnType::kText, "Evidence required"},
                         {"file_required", ColumnType::kText, "File with each claim"},
                         {"specification", ColumnType::kText, "Specification"}}};
  for (const Scheme& s : schemes)
    t.AddRow({Cell::Text(s.code), Cell::Text(s.name), Cell::Text(std::string(SchemeKindName(s.kind))),
              Cell::Text(std::string(PaymentRuleName(s.rule))), Cell::Pence(s.fee_pence),
              Cell::Text(s.window_from.ToString()), Cell::Text(s.window_to.ToString()),
              Cell::Text(std::string(FrequencyName(s.frequency))), Cell::Integer(s.max_units_per_claim),
              Cell::Text(s.evidence), Cell::Text(s.evidence_file ? "required" : "not required"),
              Cell::Text(s.specification)});
  return t;
}

report::ReportTable EvidenceTable(const std::vector<EvidenceRow>& files) {
  report::ReportTable t{"Evidence files",
                        {{"evidence", ColumnType::kInteger, "File"},
                         {"claim", ColumnType::kInteger, "Claim"},
                         {"practice", ColumnType::kText, "Practice"},
                         {"file_name", ColumnType::kText, "Name"},
                         {"media_type", ColumnType::kText, "Type"},
                         {"bytes", ColumnType::kInteger, "Bytes"},
                         {"sha256", ColumnType::kText, "SHA-256"},
                         {"uploaded_at", ColumnType::kText, "Uploaded"},
                         {"uploaded_by", ColumnType::kText, "By"}}};
  for (const EvidenceRow& e : files)
    t.AddRow({Cell::Integer(e.id), Cell::Integer(e.claim_id), Cell::Text(e.practice), Cell::Text(e.file_name),
              Cell::Text(e.media_type), Cell::Integer(e.bytes), Cell::Text(e.sha256), Cell::Text(e.uploaded_at),
              Cell::Text(e.uploaded_by)});
  return t;
}

report::ReportTable ClaimsTable(const std::vector<ClaimRow>& claims) {
  report::ReportTable t{"Enhanced-service claims",
                        {{"claim", ColumnType::kInteger, "Claim"},
                         {"practice", ColumnType::kText, "Practice"},
                         {"scheme", ColumnType::kText, "Scheme"},
                         {"period", ColumnType::kText, "Period"},
                         {"units", ColumnType::kInteger, "Units"},
                         {"state", ColumnType::kText, "State"},
                         {"amount", ColumnType::kMoney, "Amount"},
                         {"payment_month", ColumnType::kText, "Paid in"},
                         {"explanation", ColumnType::kText, "How it was worked out"},
                         {"question", ColumnType::kText, "CCG's question"},
                         {"answer", ColumnType::kText, "Practice's answer"},
                         {"reason", ColumnType::kText, "Reason rejected"},
                         {"evidence", ColumnType::kText, "Evidence"},
                         {"submitted_at", ColumnType::kText, "Submitted"},
                         {"submitted_by", ColumnType::kText, "By"}}};
  for (const ClaimRow& c : claims) {
    const bool paid = c.state == ClaimState::kApproved;
    t.AddRow({Cell::Integer(c.id), Cell::Text(c.practice), Cell::Text(c.scheme_code), Cell::Text(c.period_label),
              Cell::Integer(c.units), Cell::Text(std::string(ClaimStateName(c.state))),
              paid ? Cell::Pence(c.amount_pence) : Cell{}, Cell::Text(c.payment_month), Cell::Text(c.explanation),
              Cell::Text(c.question), Cell::Text(c.answer), Cell::Text(c.reason), Cell::Text(c.evidence_note),
              Cell::Text(c.submitted_at), Cell::Text(c.submitted_by)});
  }
  return t;
}

report::ReportTable ClaimLinesTable(const std::vector<ClaimPaymentLine>& lines, const std::string& month) {
  report::ReportTable t{"Enhanced services approved for " + month,
                        {{"practice", ColumnType::kText, "Practice"},
                         {"scheme", ColumnType::kText, "Scheme"},
                         {"period", ColumnType::kText, "Period"},
                         {"claim", ColumnType::kInteger, "Claim"},
                         {"amount", ColumnType::kMoney, "Amount"},
                         {"explanation", ColumnType::kText, "How it was worked out"}}};
  for (const ClaimPaymentLine& l : lines)
    t.AddRow({Cell::Text(l.practice), Cell::Text(l.scheme_code), Cell::Text(l.period_label), Cell::Integer(l.claim_id),
              Cell::Pence(l.amount_pence), Cell::Text(l.explanation)});
  t.AddTotalRow("Total");
  t.notes.push_back("A claim is paid in the month it is approved: units × the scheme's fee, exact to the penny.");
  return t;
}

}  // namespace csu::primarycare
