#include "chc/invoice_file.h"

#include "core/codes.h"
#include "core/fixed_csv.h"
#include "core/text.h"

namespace csu::chc {
namespace {

enum Col { kCcg, kProvider, kRef, kCase, kFrom, kTo, kAmount, kColumns };
constexpr const char* kNames[kColumns] = {"ccg", "provider", "invoice_ref", "case", "period_from", "period_to",
                                          "amount"};

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}
std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  return s;
}
bool IsPseudonym(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

InvoiceFile ReadInvoices(std::string_view text, const std::function<bool(const std::string&)>& is_ccg) {
  InvoiceFile out;
  auto problem = [&](int64_t line, int col, std::string why) {
    out.problems.push_back({line, col < 0 ? "" : kNames[col], std::move(why)});
  };
  const std::optional<int64_t> last = ReadFixedCsv(
      text, kInvoicesHeader, kColumns, "docs/formats/chc-invoices-v1.md",
      [&](int64_t line, const std::vector<std::string_view>& f) {
        const size_t before = out.problems.size();
        auto v = [&](int c) { return std::string(Trim(f[c])); };
        auto date = [&](int c) -> std::optional<Date> {
          const std::string t = v(c);
          if (t.empty()) {
            problem(line, c, "is required");
            return std::nullopt;
          }
          auto d = Date::Parse(t);
          if (!d.ok()) {
            problem(line, c, "is not a date (YYYY-MM-DD)");
            return std::nullopt;
          }
          return d.value();
        };
        ProviderInvoice r;
        r.line = line;
        r.ccg = ToUpper(v(kCcg));
        if (r.ccg.empty()) problem(line, kCcg, "is required");
        else if (!OdsCode::Parse(r.ccg).ok()) problem(line, kCcg, "is not an ODS code");
        else if (is_ccg && !is_ccg(r.ccg)) problem(line, kCcg, "is not a CCG in the reference data");
        r.provider = ToUpper(v(kProvider));
        if (r.provider.empty()) problem(line, kProvider, "is required");
        else if (r.provider.size() > 20) problem(line, kProvider, "is longer than 20 characters");
        r.invoice_ref = v(kRef);
        if (r.invoice_ref.empty()) problem(line, kRef, "is required");
        else if (r.invoice_ref.size() > 40) problem(line, kRef, "is longer than 40 characters");
        const std::string c = v(kCase);
        if (AllDigits(c) && c.size() <= 15) {
          r.case_id = std::stoll(c);
          if (*r.case_id <= 0) problem(line, kCase, "is not a case number (1 or more)");
        } else if (IsPseudonym(Lower(c))) {
          r.pseudonym = Lower(c);
        } else {
          problem(line, kCase, "is neither a case number nor a pseudonym (64 hexadecimal digits)");
        }
        auto from = date(kFrom);
        auto to = date(kTo);
        if (from && to) {
          if (*to < *from) problem(line, kTo, "is before period_from");
          else if (*to - *from > 366) problem(line, kTo, "is more than 366 days after period_from");
          r.from = *from, r.to = *to;
        }
        auto amount = Money::Parse(v(kAmount));
        if (!amount.ok() || amount.value().pence() <= 0)
          problem(line, kAmount, "is not an amount of pounds more than 0");
        else r.amount = amount.value();
        if (out.problems.size() == before) out.rows.push_back(std::move(r));
      },
      out.problems);
  if (!last) return out;
  if (out.rows.empty() && out.problems.empty()) problem(*last, -1, "has no invoices");
  if (!out.problems.empty()) out.rows.clear();
  return out;
}

}  // namespace csu::chc
