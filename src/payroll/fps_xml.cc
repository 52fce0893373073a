#include "payroll/fps_xml.h"

#include <map>

#include "payroll/tax_code.h"

namespace csu::payroll {
namespace {

std::string Escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

class Xml {
 public:
  void Open(int depth, std::string_view name, std::string_view attrs = "") {
    Indent(depth);
    out_ += "<";
    out_ += name;
    out_ += attrs;
    out_ += ">\n";
  }
  void Close(int depth, std::string_view name) {
    Indent(depth);
    out_ += "</";
    out_ += name;
    out_ += ">\n";
  }
  void Leaf(int depth, std::string_view name, std::string_view text, std::string_view attrs = "") {
    Indent(depth);
    out_ += "<";
    out_ += name;
    out_ += attrs;
    out_ += ">";
    out_ += Escape(text);
    out_ += "</";
    out_ += name;
    out_ += ">\n";
  }
  void Amount(int depth, std::string_view name, Money m) { Leaf(depth, name, m.ToDecimal()); }
  std::string& text() { return out_; }

 private:
  void Indent(int depth) { out_.append(static_cast<size_t>(depth) * 2, ' '); }
  std::string out_;
};

const char* HoursBand(int64_t centihours) {
  if (centihours < 1600) return "A";
  if (centihours < 2400) return "B";
  if (centihours < 3000) return "C";
  return "D";
}

}  // namespace

std::string FpsYear(const std::string& tax_year) {
  // "2025/26" -> "25-26"
  if (tax_year.size() != 7) return "";
  return tax_year.substr(2, 2) + "-" + tax_year.substr(5, 2);
}

Result<std::string> WriteFps(const PayRunResult& run, const std::vector<EmployeePersonal>& people,
                             const EmployerDetails& employer) {
  if (run.payslips.empty()) return MakeError("fps", "the run has no payslips");
  const std::string year = FpsYear(run.payslips.front().tax_year);
  if (year != "24-25" && year != "25-26") {
    return MakeError("fps", "no FPS schema is known here for " + run.payslips.front().tax_year + " (2024/25 and 2025/26 are)");
  }
  std::map<std::string, const EmployeePersonal*, std::less<>> who;
  for (const EmployeePersonal& p : people) who[p.employee_id] = &p;

  Xml x;
  x.text() = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x.text().reserve(run.payslips.size() * 2400 + 1024);
  x.Open(0, "IRenvelope", " xmlns=\"http://www.govtalk.gov.uk/taxation/PAYE/RTI/FullPaymentSubmission/" + year + "/1\"");
  x.Open(1, "IRheader");
  x.Open(2, "Keys");
  x.Leaf(3, "Key", employer.tax_office_number, " Type=\"TaxOfficeNumber\"");
  x.Leaf(3, "Key", employer.tax_office_reference, " Type=\"TaxOfficeReference\"");
  x.Close(2, "Keys");
  x.Leaf(2, "PeriodEnd", "20" + year.substr(3, 2) + "-04-05");
  x.Leaf(2, "DefaultCurrency", "GBP");
  x.Leaf(2, "Sender", "Employer");
  x.Close(1, "IRheader");
  x.Open(1, "FullPaymentSubmission");
  x.Open(2, "EmpRefs");
  x.Leaf(3, "OfficeNo", employer.tax_office_number);
  x.Leaf(3, "PayeRef", employer.tax_office_reference);
  x.Leaf(3, "AORef", employer.accounts_office_reference);
  x.Close(2, "EmpRefs");
  x.Leaf(2, "RelatedTaxYear", year);
  for (const Payslip& s : run.payslips) {
    auto it = who.find(s.employee_id);
    if (it == who.end()) return MakeError("employee " + s.employee_id, "no personal details for the FPS");
    const EmployeePersonal& p = *it->second;
    if (p.forenames.empty() || p.surname.empty() || !p.birth_date || p.address.empty() || p.postcode.empty()) {
      return MakeError("employee " + s.employee_id, "the FPS needs forenames, surname, birth date and address");
    }
    x.Open(2, "Employee");
    x.Open(3, "EmployeeDetails");
    if (!p.ni_number.empty()) x.Leaf(4, "NINO", p.ni_number);
    x.Open(4, "Name");
    if (!p.title.empty()) x.Leaf(5, "Ttl", p.title);
    size_t from = 0;
    while (from < p.forenames.size()) {
      size_t space = p.forenames.find(' ', from);
      if (space == std::string::npos) space = p.forenames.size();
      if (space > from) x.Leaf(5, "Fore", std::string_view(p.forenames).substr(from, space - from));
      from = space + 1;
    }
    x.Leaf(5, "Sur", p.surname);
    x.Close(4, "Name");
    x.Open(4, "Address");
    for (const std::string& line : p.address) x.Leaf(5, "Line", line);
    x.Leaf(5, "UKPostcode", p.postcode);
    x.Close(4, "Address");
    x.Leaf(4, "BirthDate", p.birth_date->ToString());
    x.Leaf(4, "Gender", std::string(1, p.gender));
    x.Close(3, "EmployeeDetails");

    x.Open(3, "Employment");
    if (!p.starter_declaration.empty() && p.start_date) {
      x.Open(4, "Starter");
      x.Leaf(5, "StartDate", p.start_date->ToString());
      x.Leaf(5, "StartDec", p.starter_declaration);
      x.Close(4, "Starter");
    }
    x.Leaf(4, "PayId", s.employee_id);
    if (s.leaving_date) x.Leaf(4, "LeavingDate", s.leaving_date->ToString());
    x.Open(4, "FiguresToDate");
    x.Amount(5, "TaxablePay", s.to_date.taxable);
    x.Amount(5, "TotalTax", s.to_date.tax);
    if (s.to_date.employee_pension != Money()) x.Amount(5, "EmpeePenContribnsPaidYTD", s.to_date.employee_pension);
    x.Close(4, "FiguresToDate");

    x.Open(4, "Payment");
    const bool monthly = s.frequency == Frequency::kMonthly;
    x.Leaf(5, "PayFreq", monthly ? "M1" : "W1");
    x.Leaf(5, "PmtDate", s.pay_date.ToString());
    x.Leaf(5, monthly ? "MonthNo" : "WeekNo", std::to_string(s.period));
    x.Leaf(5, "PeriodsCovered", "1");
    x.Leaf(5, "HoursWorked", HoursBand(s.contracted_centihours));
    // "S1257L M1" -> TaxRegime="S", BasisNonCumulative="yes", "1257L".
    auto parsed = ParseTaxCode(s.tax_code);
    if (!parsed.ok()) return MakeError("employee " + s.employee_id, "tax_code: " + parsed.error().why);
    std::string code = parsed.value().text, attrs;
    if (const size_t space = code.find(' '); space != std::string::npos) code.resize(space);
    if (!parsed.value().cumulative) attrs += " BasisNonCumulative=\"yes\"";
    if (parsed.value().region != TaxRegion::kUk) {
      attrs += std::string(" TaxRegime=\"") + code[0] + "\"";
      code.erase(0, 1);
    }
    x.Leaf(5, "TaxCode", code, attrs);
    x.Amount(5, "TaxablePay", s.taxable);
    x.Amount(5, "PayAfterStatDedns", s.gross - s.tax - s.employee_ni);
    if (s.employee_pension != Money()) x.Amount(5, "EmpeePenContribnsPaid", s.employee_pension);
    x.Amount(5, "TaxDeductedOrRefunded", s.tax);
    x.Close(4, "Payment");

    x.Open(4, "NIlettersAndValues");
    x.Leaf(5, "NIletter", std::string(1, s.ni_category));
    x.Amount(5, "GrossEarningsForNICsInPd", s.ni_earnings);
    x.Amount(5, "GrossEarningsForNICsYTD", s.to_date.ni_earnings);
    x.Amount(5, "AtLELYTD", s.to_date.earnings_at_lel);
    x.Amount(5, "LELtoPTYTD", s.to_date.earnings_lel_to_pt);
    x.Amount(5, "PTtoUELYTD", s.to_date.earnings_pt_to_uel);
    x.Amount(5, "TotalEmpNICInPd", s.employee_ni + s.employer_ni);
    x.Amount(5, "TotalEmpNICYTD", s.to_date.employee_ni + s.to_date.employer_ni);
    x.Amount(5, "EmpeeContribnsInPd", s.employee_ni);
    x.Amount(5, "EmpeeContribnsYTD", s.to_date.employee_ni);
    x.Close(4, "NIlettersAndValues");
    x.Close(3, "Employment");
    x.Close(2, "Employee");
  }
  x.Close(1, "FullPaymentSubmission");
  x.Close(0, "IRenvelope");
  return std::move(x.text());
}

}  // namespace csu::payroll
