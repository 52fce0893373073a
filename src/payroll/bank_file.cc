#include "payroll/bank_file.h"

#include <algorithm>
#include <map>

namespace csu::payroll {
namespace {

// Bacs characters: A–Z, 0–9, space, . & / -; lower case raised, anything else
// a space; padded or cut to `width`.
std::string Field(std::string_view s, size_t width) {
  std::string out;
  out.reserve(width);
  for (char c : s) {
    if (out.size() == width) break;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || c == '.' || c == '&' || c == '/' || c == '-';
    out += ok ? c : ' ';
  }
  out.resize(width, ' ');
  return out;
}

bool AllDigits(std::string_view s, size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string Record(std::string_view dest_sort, std::string_view dest_account, const char* code, const EmployerDetails& e,
                   int64_t pence, std::string_view name, std::string_view reference, std::string_view account_name) {
  std::string r;
  r.reserve(102);
  r += dest_sort;
  r += dest_account;
  r += '0';
  r += code;
  r += e.sort_code;
  r += e.account_number;
  r += "    ";
  std::string amount = std::to_string(pence);
  r += std::string(11 - amount.size(), '0') + amount;
  r += Field(name, 18);
  r += Field(reference, 18);
  r += Field(account_name, 18);
  r += "\r\n";
  return r;
}

}  // namespace

std::string RunReference(const PayRunResult& run) {
  if (run.payslips.empty()) return "PAY";
  const Payslip& s = run.payslips.front();
  std::string year = s.tax_year;
  std::replace(year.begin(), year.end(), '/', '-');
  const std::string n = (s.period < 10 ? "0" : "") + std::to_string(s.period);
  return "PAY " + year + (s.frequency == Frequency::kMonthly ? " M" : " W") + n;
}

Result<BankFile> WriteBankFile(const PayRunResult& run, const std::vector<EmployeePersonal>& people,
                               const EmployerDetails& employer) {
  if (!AllDigits(employer.sort_code, 6) || !AllDigits(employer.account_number, 8)) {
    return MakeError("employer", "the employer's sort code must be 6 digits and account number 8");
  }
  std::map<std::string, const EmployeePersonal*, std::less<>> who;
  for (const EmployeePersonal& p : people) who[p.employee_id] = &p;
  const std::string reference = RunReference(run);
  BankFile out;
  out.text.reserve((run.payslips.size() + 1) * 102);
  constexpr int64_t kMaxPence = 99'999'999'999;
  for (const Payslip& s : run.payslips) {
    if (s.net < Money()) {
      return MakeError("employee " + s.employee_id, "net pay is negative; recover the overpayment outside the bank file");
    }
    if (s.net == Money()) continue;
    auto it = who.find(s.employee_id);
    if (it == who.end() || !AllDigits(it->second->sort_code, 6) || !AllDigits(it->second->account_number, 8)) {
      return MakeError("employee " + s.employee_id, "no valid bank details (a 6-digit sort code and 8-digit account)");
    }
    const EmployeePersonal& p = *it->second;
    out.text += Record(p.sort_code, p.account_number, "99", employer, s.net.pence(), employer.name, reference,
                       p.account_name.empty() ? p.forenames + " " + p.surname : p.account_name);
    out.total += s.net;
    ++out.payments;
    if (out.total.pence() > kMaxPence) return MakeError("bank file", "the total is more than £999,999,999.99");
  }
  out.text += Record(employer.sort_code, employer.account_number, "17", employer, out.total.pence(), "CONTRA", reference,
                     employer.account_name);
  return out;
}

}  // namespace csu::payroll
