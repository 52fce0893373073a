#include "finance/invoice_posting.h"

#include <map>

namespace csu::finance {
namespace {

Status NeedAccount(const std::vector<ledger::Account>& chart, const std::string& name, const std::string& where) {
  for (const ledger::Account& a : chart)
    if (a.name == name) return Status::Ok();
  return MakeError(where, "the ledger's chart has no account " + name + " (see data/ledger and docs/ledger.md)");
}

Result<Date> DocumentDate(const billing::Invoice& inv) {
  if (inv.number.empty()) return MakeError("invoice", "only an issued document posts to a ledger");
  auto d = Date::Parse(billing::IssueDate(inv));
  if (!d.ok()) return MakeError(inv.number, "its issue date cannot be read");
  return d.value();
}

ledger::DocumentLink LinkOf(const billing::Invoice& inv, ledger::DocumentSide side, const std::string& other,
                            Date date) {
  ledger::DocumentLink l;
  l.document = inv.number;
  l.kind = inv.kind == billing::DocumentKind::kInvoice ? ledger::DocumentType::kInvoice
                                                       : ledger::DocumentType::kCreditNote;
  l.side = side;
  l.counterparty = other;
  l.applies_to = inv.kind == billing::DocumentKind::kInvoice ? "" : inv.credits;
  l.date = date;
  l.due = date;
  if (inv.kind == billing::DocumentKind::kInvoice) {
    auto due = Date::Parse(billing::DueDate(inv));
    if (due.ok()) l.due = due.value();
  }
  l.amount = inv.total;  // a credit note's total is negative: it reduces what is owed
  return l;
}

std::string Describe(const billing::Invoice& inv, const std::string& who) {
  return std::string(inv.kind == billing::DocumentKind::kInvoice ? "Invoice" : "Credit note") + " " + inv.number +
         (inv.credits.empty() ? "" : " (credits " + inv.credits + ")") + " " + who + ", " + inv.period.Name();
}

}  // namespace

std::string IncomeAccount(const std::string& function) {
  std::string s = function;
  for (char& c : s)
    if (c == '_') c = '-';
  return "income:services:" + s;
}

Result<Posting> SellerPosting(const billing::Invoice& inv, const billing::Catalogue& catalogue,
                              const std::vector<ledger::Account>& chart, const std::string& csu) {
  CSU_ASSIGN_OR_RETURN(date, DocumentDate(inv));
  const std::string where = csu + " " + inv.number;
  // Net income per account, in the order of the chart's names (a map), so
  // the journal is the same however the lines are ordered.
  std::map<std::string, Money> income;
  for (const billing::InvoiceLine& l : inv.lines) {
    const billing::ItemVersion* v = catalogue.InForce(l.item, inv.period.first_day());
    if (v == nullptr) return MakeError(where, "item " + l.item + " has no catalogue version for " + inv.period.Name());
    income[v->kind == billing::ItemKind::kPackage ? kPackageIncome : IncomeAccount(v->function)] += l.amount;
  }
  Posting out;
  ledger::Transaction& t = out.txn;
  t.date = date;
  t.code = inv.number;
  t.description = Describe(inv, "to " + inv.ccg);
  if (inv.total != Money()) {
    if (Status s = NeedAccount(chart, kReceivables, where); !s.ok()) return s.error();
    t.postings.push_back({kReceivables, inv.total, "", inv.ccg, ""});
  }
  for (const auto& [account, net] : income) {
    if (net == Money()) continue;
    if (Status s = NeedAccount(chart, account, where); !s.ok()) return s.error();
    t.postings.push_back({account, -net, "", inv.ccg, ""});
  }
  if (inv.vat != Money()) {
    if (Status s = NeedAccount(chart, kOutputVat, where); !s.ok()) return s.error();
    t.postings.push_back({kOutputVat, -inv.vat, "", "", "VAT " + std::to_string(inv.vat_rate_bp / 100) + "." +
                                                            (inv.vat_rate_bp % 100 < 10 ? "0" : "") +
                                                            std::to_string(inv.vat_rate_bp % 100) + "%"});
  }
  out.link = LinkOf(inv, ledger::DocumentSide::kReceivable, inv.ccg, date);
  return out;
}

Result<Posting> BuyerPosting(const billing::Invoice& inv, const std::vector<ledger::Account>& chart,
                             const std::string& csu) {
  CSU_ASSIGN_OR_RETURN(date, DocumentDate(inv));
  const std::string where = inv.ccg + " " + inv.number;
  bool has_input_vat = false;
  for (const ledger::Account& a : chart) has_input_vat = has_input_vat || a.name == kInputVat;
  if (Status s = NeedAccount(chart, kCsuServices, where); !s.ok()) return s.error();
  if (Status s = NeedAccount(chart, kPayables, where); !s.ok()) return s.error();
  Posting out;
  ledger::Transaction& t = out.txn;
  t.date = date;
  t.code = inv.number;
  t.description = Describe(inv, "from " + csu);
  const Money cost = has_input_vat ? inv.net : inv.total;
  if (cost != Money()) t.postings.push_back({kCsuServices, cost, "", csu, has_input_vat ? "" : "VAT included: not recoverable in this chart"});
  if (has_input_vat && inv.vat != Money()) t.postings.push_back({kInputVat, inv.vat, "", "", ""});
  if (inv.total != Money()) t.postings.push_back({kPayables, -inv.total, "", csu, ""});
  out.link = LinkOf(inv, ledger::DocumentSide::kPayable, csu, date);
  return out;
}

Result<Posting> Settlement(ledger::DocumentSide side, const std::string& reference, const std::string& invoice,
                           const std::string& counterparty, Money amount, Date on,
                           const std::vector<ledger::Account>& chart) {
  const bool receipt = side == ledger::DocumentSide::kReceivable;
  if (amount <= Money()) return MakeError(reference, "the amount must be more than £0.00");
  const char* ledger_account = receipt ? kReceivables : kPayables;
  for (const char* a : {ledger_account, kCash})
    if (Status s = NeedAccount(chart, a, reference); !s.ok()) return s.error();
  Posting out;
  ledger::Transaction& t = out.txn;
  t.date = on;
  t.code = reference;
  t.description = std::string(receipt ? "Receipt from " : "Payment to ") + counterparty + " for " + invoice;
  t.postings.push_back({kCash, receipt ? amount : -amount, "", "", ""});
  t.postings.push_back({ledger_account, receipt ? -amount : amount, "", counterparty, ""});
  out.link = {reference, receipt ? ledger::DocumentType::kReceipt : ledger::DocumentType::kPayment, side, counterparty,
              invoice, on, on, -amount};
  return out;
}

}  // namespace csu::finance
