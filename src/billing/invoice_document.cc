#include "billing/invoice_document.h"

#include "billing/billing_views.h"
#include "core/text.h"
#include "report/render.h"
#include "report/xlsx_writer.h"

namespace csu::billing {
namespace {

std::string Title(const Invoice& inv) {
  return std::string(inv.kind == DocumentKind::kInvoice ? "Invoice " : "Credit note ") +
         (inv.number.empty() ? "(preview)" : inv.number);
}

const char* kRounding =
    "Amounts in pounds sterling. Each line is rounded once, half away from zero, to the penny; VAT is charged once "
    "on the standard-rated net.";

}  // namespace

const std::string& InvoiceCss() {
  static const std::string css = R"css(
body{font-family:"Liberation Sans",Arial,sans-serif;color:#212b32;margin:0;background:#f0f4f5}
main.invoice{max-width:56rem;margin:2rem auto;background:#fff;padding:2.5rem 3rem;box-shadow:0 1px 3px #aeb7bd}
.invoice header{display:flex;justify-content:space-between;align-items:flex-start;border-bottom:4px solid #005eb8;padding-bottom:1rem}
.invoice h1{margin:0;font-size:1.9rem;color:#005eb8}
.invoice .status{font-size:1rem;color:#4c6272;margin:.3rem 0 0}
.invoice dl{display:grid;grid-template-columns:max-content auto;gap:.25rem 1rem;margin:1.5rem 0}
.invoice dt{font-weight:bold}
.invoice dd{margin:0}
.invoice table{width:100%;border-collapse:collapse;margin-top:1rem;font-size:.95rem}
.invoice th{text-align:left;border-bottom:2px solid #212b32;padding:.4rem}
.invoice td{border-bottom:1px solid #d8dde0;padding:.4rem;vertical-align:top}
.invoice td.num,.invoice th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.invoice .basis{color:#4c6272;font-size:.85rem}
.invoice tfoot td{border:none;font-weight:bold}
.invoice tfoot tr.total td{border-top:2px solid #212b32;font-size:1.1rem}
.invoice footer{margin-top:2rem;color:#4c6272;font-size:.8rem}
.invoice .hash{font-family:"Liberation Mono",monospace;word-break:break-all}
.invoice .credit{color:#d5281b}
.invoice address.supplier{font-style:normal;text-align:right;color:#4c6272;line-height:1.4}
@media print{body{background:#fff}main.invoice{box-shadow:none;margin:0;max-width:none;padding:0}}
)css";
  return css;
}

std::string InvoiceHtml(const Invoice& inv, const std::string& css_href) {
  std::string h = "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" +
                  XmlEscape(Title(inv) + " — " + inv.ccg_name) + "</title>";
  if (css_href.empty()) h += "<style>" + InvoiceCss() + "</style>";
  else h += "<link rel=\"stylesheet\" href=\"" + XmlEscape(css_href) + "\">";
  h += "</head><body><main class=\"invoice\"><header><div><h1>" + XmlEscape(Title(inv)) + "</h1>";
  if (inv.kind == DocumentKind::kCreditNote)
    h += "<p class=\"status credit\">Credits invoice " + XmlEscape(inv.credits) + ": " + XmlEscape(inv.reason) + "</p>";
  h += "</div><address class=\"supplier\"><strong>" + XmlEscape(inv.supplier.name.empty() ? "(supplier not set)" : inv.supplier.name) +
       "</strong><br>" + XmlEscape(inv.supplier.address) +
       (inv.supplier.vat_number.empty() ? "" : "<br>VAT registration " + XmlEscape(inv.supplier.vat_number)) +
       "</address></header>";
  h += "<dl><dt>To</dt><dd>" + XmlEscape(inv.ccg_name) + " (" + XmlEscape(inv.ccg) + ")" +
       (inv.customer_address.empty() ? "" : "<br>" + XmlEscape(inv.customer_address)) + "</dd>";
  // NHS bodies pay against a purchase order ("no PO, no pay").
  if (!inv.purchase_order.empty())
    h += "<dt>Your purchase order</dt><dd>" + XmlEscape(inv.purchase_order) + "</dd>";
  h += "<dt>Billing month</dt><dd>" + XmlEscape(inv.period.Name()) + "</dd>";
  // The date only: who at the CSU pressed the button is for its audit log,
  // not for the customer.
  if (!inv.issued_at.empty()) {
    h += "<dt>Date and tax point</dt><dd>" + XmlEscape(IssueDate(inv)) + "</dd>";
    if (inv.kind == DocumentKind::kInvoice)
      h += "<dt>Payment due</dt><dd>" + XmlEscape(DueDate(inv)) + " (" + std::to_string(inv.supplier.payment_days) +
           " days)</dd>";
  }
  h += "<dt>Registered patients</dt><dd>" + WithThousands(inv.population) + "</dd>";
  h += "<dt>VAT rate</dt><dd>" + PercentText(inv.vat_rate_bp) + "</dd></dl>";
  h += "<table><caption class=\"basis\">" + XmlEscape(std::to_string(inv.lines.size())) +
       " lines</caption><thead><tr><th scope=\"col\">Item</th><th scope=\"col\">Description</th>"
       "<th scope=\"col\">VAT</th><th scope=\"col\" class=\"num\">Amount</th></tr></thead><tbody>";
  for (const InvoiceLine& l : inv.lines) {
    h += "<tr><td>" + XmlEscape(l.item) + "</td><td>" + XmlEscape(l.description) + "<div class=\"basis\">" +
         XmlEscape(l.basis) + "</div></td><td>" + XmlEscape(std::string(VatName(l.vat))) + "</td><td class=\"num\">" +
         XmlEscape(l.amount.ToString()) + "</td></tr>";
  }
  h += "</tbody><tfoot>";
  auto row = [&h](const std::string& label, Money m, const char* cls = "") {
    h += std::string("<tr class=\"") + cls + "\"><td colspan=\"3\">" + XmlEscape(label) + "</td><td class=\"num\">" +
         XmlEscape(m.ToString()) + "</td></tr>";
  };
  const bool mixed = inv.net_zero.pence() != 0 || inv.net_exempt.pence() != 0;
  if (inv.net_standard.pence() != 0 || !mixed) row("Net, standard-rated", inv.net_standard);
  if (inv.net_zero.pence() != 0) row("Net, zero-rated", inv.net_zero);
  if (inv.net_exempt.pence() != 0) row("Net, exempt", inv.net_exempt);
  if (mixed) row("Net total", inv.net);
  row("VAT at " + PercentText(inv.vat_rate_bp), inv.vat);
  row(inv.kind == DocumentKind::kInvoice ? "Total due" : "Total credited", inv.total, "total");
  h += "</tfoot></table><footer>";
  if (inv.kind == DocumentKind::kInvoice && !inv.supplier.remittance.empty())
    h += "<p class=\"remittance\"><strong>How to pay</strong>: " + XmlEscape(inv.supplier.remittance) +
         ". Please quote " + XmlEscape(inv.number) +
         (inv.purchase_order.empty() ? std::string() : " and purchase order " + XmlEscape(inv.purchase_order)) +
         ".</p>";
  h += "<p>" + std::string(kRounding) + "</p>";
  if (!inv.sha256.empty())
    h += "<p>Document fingerprint (SHA-256 of its canonical JSON): <span class=\"hash\">" + XmlEscape(inv.sha256) +
         "</span></p>";
  h += "</footer></main></body></html>\n";
  return h;
}

std::string InvoiceText(const Invoice& inv) {
  std::string t = Title(inv) + " — " + inv.ccg_name + " (" + inv.ccg + "), " + inv.period.Name() + "\n";
  if (inv.kind == DocumentKind::kCreditNote) t += "Credits " + inv.credits + ": " + inv.reason + "\n";
  if (!inv.supplier.name.empty())
    t += "From " + inv.supplier.name + ", " + inv.supplier.address +
         (inv.supplier.vat_number.empty() ? "" : "; VAT registration " + inv.supplier.vat_number) + "\n";
  if (!inv.issued_at.empty()) {
    t += "Date and tax point " + IssueDate(inv) + " (issued " + inv.issued_at + " by " + inv.issued_by + ")\n";
  }
  if (inv.kind == DocumentKind::kInvoice && !inv.issued_at.empty()) t += "Payment due " + DueDate(inv) + "\n";
  if (!inv.customer_address.empty()) t += "To " + inv.customer_address + "\n";
  if (!inv.purchase_order.empty()) t += "Your purchase order " + inv.purchase_order + "\n";
  if (inv.kind == DocumentKind::kInvoice && !inv.supplier.remittance.empty())
    t += "How to pay " + inv.supplier.remittance + "\n";
  t += "Registered patients " + WithThousands(inv.population) + "\n\n";
  t += report::RenderText(LinesTable(inv));
  t += std::string(kRounding) + "\n";
  if (!inv.sha256.empty()) t += "SHA-256 " + inv.sha256 + "\n";
  return t;
}

Status WriteInvoiceXlsx(const std::string& path, const Invoice& inv) {
  report::ReportTable details{Title(inv),
                              {{"field", report::ColumnType::kText, "Field"},
                               {"value", report::ColumnType::kText, "Value"}}};
  auto add = [&details](const char* k, const std::string& v) {
    details.AddRow({report::Cell::Text(k), report::Cell::Text(v)});
  };
  add("Number", inv.number);
  add("Kind", std::string(DocumentKindName(inv.kind)));
  add("CCG", inv.ccg + " " + inv.ccg_name);
  add("Customer address", inv.customer_address);
  add("Purchase order", inv.purchase_order);
  add("Billing month", inv.period.ToString());
  add("Supplier", inv.supplier.name);
  add("Supplier address", inv.supplier.address);
  add("VAT registration", inv.supplier.vat_number);
  if (inv.kind == DocumentKind::kInvoice) add("How to pay", inv.supplier.remittance);
  add("Date and tax point", IssueDate(inv));
  if (inv.kind == DocumentKind::kInvoice) add("Payment due", DueDate(inv));
  if (inv.kind == DocumentKind::kCreditNote) add("Credits", inv.credits + ": " + inv.reason);
  add("Registered patients", WithThousands(inv.population));
  add("VAT rate", PercentText(inv.vat_rate_bp));
  add("SHA-256", inv.sha256);
  details.title = "Details";
  // Every amount is a number with a £ format, so the workbook adds up; the
  // text of the details sheet holds none.
  report::ReportTable totals{"Totals",
                             {{"field", report::ColumnType::kText, "Field"},
                              {"amount", report::ColumnType::kMoney, "Amount"}}};
  for (const auto& [label, amount] : {std::pair<const char*, Money>{"Standard-rated net", inv.net_standard},
                                      {"Zero-rated net", inv.net_zero},
                                      {"Exempt net", inv.net_exempt},
                                      {"Net", inv.net},
                                      {"VAT", inv.vat},
                                      {"Total", inv.total}})
    totals.AddRow({report::Cell::Text(label), report::Cell::Money(amount)});
  return report::WriteXlsx(path, {details, LinesTable(inv), totals});
}

}  // namespace csu::billing
