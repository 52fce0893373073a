#include "ledger/ledger_documents.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/text.h"
#include "store/sql.h"

namespace csu::ledger {
namespace {

using report::Cell;
using report::ColumnType;
using report::ReportTable;

std::optional<DocumentType> ParseType(std::string_view s) {
  for (DocumentType t : {DocumentType::kInvoice, DocumentType::kCreditNote, DocumentType::kReceipt,
                         DocumentType::kPayment, DocumentType::kAccrual})
    if (DocumentTypeName(t) == s) return t;
  return std::nullopt;
}

// The accounts the sales and purchase ledgers post to (docs/ledger.md).
constexpr const char* kReceivables = "assets:current:receivables:nhs";
constexpr const char* kPayables = "liabilities:current:payables:nhs";

}  // namespace

std::string_view DocumentTypeName(DocumentType t) {
  switch (t) {
    case DocumentType::kInvoice: return "invoice";
    case DocumentType::kCreditNote: return "credit_note";
    case DocumentType::kReceipt: return "receipt";
    case DocumentType::kPayment: return "payment";
    case DocumentType::kAccrual: return "accrual";
  }
  return "invoice";
}

std::string_view DocumentSideName(DocumentSide s) {
  return s == DocumentSide::kReceivable ? "receivable" : "payable";
}

Status LedgerStore::InsertDocument(const std::string& entity, const DocumentLink& l, int64_t journal) {
  CSU_ASSIGN_OR_RETURN(q, Prepare("SELECT journal FROM documents WHERE entity=?1 AND document=?2"));
  q.Bind(1, entity).Bind(2, l.document);
  CSU_ASSIGN_OR_RETURN(exists, q.Step());
  if (exists)
    return MakeError(entity + " " + l.document,
                     "this document is already in the ledger (journal " + std::to_string(q.Int(0)) + ")");
  q.Reset();
  if (l.document.empty() || l.document.size() > 100)
    return MakeError(entity, "a document needs a number or reference of 1 to 100 characters");
  CSU_ASSIGN_OR_RETURN(ins, Prepare(
      "INSERT INTO documents(entity, document, kind, side, counterparty, applies_to, date, due, amount_pence, journal) "
      "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)"));
  ins.Bind(1, entity).Bind(2, l.document).Bind(3, DocumentTypeName(l.kind)).Bind(4, DocumentSideName(l.side));
  ins.Bind(5, l.counterparty).Bind(6, l.applies_to).Bind(7, l.date.ToString()).Bind(8, l.due.ToString());
  ins.Bind(9, l.amount.pence()).Bind(10, journal);
  return ins.Run();
}

Result<std::vector<LedgerStore::StoredDocument>> LedgerStore::Documents(const std::string& entity) {
  CSU_ASSIGN_OR_RETURN(q, Prepare(
      "SELECT d.document, d.kind, d.side, d.counterparty, d.applies_to, d.date, d.due, d.amount_pence, d.journal, "
      "j.state FROM documents d JOIN journals j ON j.entity=d.entity AND j.number=d.journal "
      "WHERE d.entity=?1 ORDER BY d.date, d.document"));
  q.Bind(1, ToUpper(entity));
  std::vector<StoredDocument> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    StoredDocument s;
    const std::string where = db_->Name() + ": document " + q.Text(0);
    std::optional<DocumentType> type = ParseType(q.Text(1));
    auto date = Date::Parse(q.Text(5));
    auto due = Date::Parse(q.Text(6));
    if (!type || !date.ok() || !due.ok()) return MakeError(where, "damaged document row");
    s.link = {q.Text(0), *type, q.Text(2) == "payable" ? DocumentSide::kPayable : DocumentSide::kReceivable,
              q.Text(3), q.Text(4), date.value(), due.value(), Money::FromPence(q.Int(7))};
    s.journal = q.Int(8);
    s.posted = q.Text(9) == "posted";
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::optional<LedgerStore::StoredDocument>> LedgerStore::FindDocument(const std::string& entity,
                                                                             const std::string& number) {
  CSU_ASSIGN_OR_RETURN(all, Documents(entity));
  for (StoredDocument& d : all)
    if (d.link.document == number) return std::optional<StoredDocument>(std::move(d));
  return std::optional<StoredDocument>();
}

Result<Money> LedgerStore::BalanceWith(const std::string& entity, const std::string& account,
                                       const std::string& counterparty, Date to) {
  CSU_ASSIGN_OR_RETURN(q, Prepare(
      "SELECT coalesce(sum(p.amount_pence), 0) FROM postings p JOIN journals j ON j.entity=p.entity "
      "AND j.number=p.number WHERE p.entity=?1 AND p.account=?2 AND p.counterparty=?3 AND j.state='posted' "
      "AND j.date<=?4"));
  q.Bind(1, ToUpper(entity)).Bind(2, account).Bind(3, counterparty).Bind(4, to.ToString());
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  return Money::FromPence(row ? q.Int(0) : 0);
}

Result<Money> LedgerStore::SpendWith(const std::string& entity, const std::string& counterparty, Date from,
                                     Date to) {
  CSU_ASSIGN_OR_RETURN(q, Prepare(
      "SELECT coalesce(sum(p.amount_pence), 0) FROM postings p JOIN journals j ON j.entity=p.entity "
      "AND j.number=p.number JOIN accounts a ON a.entity=p.entity AND a.name=p.account "
      "WHERE p.entity=?1 AND p.counterparty=?2 AND a.type='expense' AND j.state='posted' AND j.date>=?3 "
      "AND j.date<=?4 AND j.reverse_next=0 AND j.kind<>'accrual_reversal'"));
  q.Bind(1, ToUpper(entity)).Bind(2, counterparty).Bind(3, from.ToString()).Bind(4, to.ToString());
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  return Money::FromPence(row ? q.Int(0) : 0);
}

Result<std::vector<OpenItem>> OpenItems(LedgerStore& db, const std::string& entity, DocumentSide side, Date as_at,
                                        bool include_pending) {
  CSU_ASSIGN_OR_RETURN(docs, db.Documents(entity));
  std::vector<OpenItem> items;
  std::map<std::string, size_t> index;
  for (const auto& d : docs) {
    if (d.link.side != side || d.link.kind != DocumentType::kInvoice || as_at < d.link.date) continue;
    if (!d.posted && !include_pending) continue;
    index[d.link.document] = items.size();
    items.push_back({d.link, Money(), Money(), d.link.amount, Date()});
  }
  for (const auto& d : docs) {
    if (d.link.side != side || d.link.kind == DocumentType::kInvoice || as_at < d.link.date) continue;
    if (!d.posted && !include_pending) continue;
    auto it = index.find(d.link.applies_to);
    if (it == index.end()) continue;  // against an invoice after as_at: cannot happen (dated on or after it)
    OpenItem& o = items[it->second];
    if (d.link.kind == DocumentType::kCreditNote) {
      o.credited += d.link.amount;
    } else {
      o.settled += d.link.amount;
      if (o.last_settled < d.link.date) o.last_settled = d.link.date;
    }
    o.outstanding += d.link.amount;
  }
  return items;
}

Result<ReportTable> AgedBalances(LedgerStore& db, const std::string& entity, DocumentSide side, Date as_at) {
  CSU_ASSIGN_OR_RETURN(e, db.GetEntity(entity));
  CSU_ASSIGN_OR_RETURN(items, OpenItems(db, e.code, side, as_at));
  const bool debt = side == DocumentSide::kReceivable;
  ReportTable t{debt ? "Aged debt" : "Aged creditors",
                {{"counterparty", ColumnType::kText, debt ? "Owed by" : "Owed to"},
                 {"invoice", ColumnType::kText, "Invoice"},
                 {"date", ColumnType::kText, "Invoice date"},
                 {"due", ColumnType::kText, "Due"},
                 {"days", ColumnType::kInteger, "Days old"},
                 {"d0_30", ColumnType::kMoney, "0-30 days"},
                 {"d31_60", ColumnType::kMoney, "31-60 days"},
                 {"d61_90", ColumnType::kMoney, "61-90 days"},
                 {"d91", ColumnType::kMoney, "Over 90 days"},
                 {"outstanding", ColumnType::kMoney, "Outstanding"}}};
  for (const OpenItem& o : items) {
    if (o.outstanding == Money()) continue;
    const int32_t days = as_at - o.invoice.date;
    std::vector<Cell> row = {Cell::Text(o.invoice.counterparty), Cell::Text(o.invoice.document),
                             Cell::Text(o.invoice.date.ToString()), Cell::Text(o.invoice.due.ToString()),
                             Cell::Integer(days), Cell{}, Cell{}, Cell{}, Cell{}, Cell::Money(o.outstanding)};
    row[days <= 30 ? 5 : days <= 60 ? 6 : days <= 90 ? 7 : 8] = Cell::Money(o.outstanding);
    t.AddRow(std::move(row));
  }
  t.AddTotalRow("Total");
  t.notes.push_back(e.code + " " + e.name);
  t.notes.push_back("As at " + as_at.ToString() + "; age in days from the invoice date");
  return t;
}

Result<std::vector<ReportTable>> Bppc(LedgerStore& db, const std::string& entity, Date from, Date to) {
  CSU_ASSIGN_OR_RETURN(e, db.GetEntity(entity));
  CSU_ASSIGN_OR_RETURN(items, OpenItems(db, e.code, DocumentSide::kPayable, to));
  ReportTable lines{"Invoices paid", {{"counterparty", ColumnType::kText, "Paid to"},
                                      {"invoice", ColumnType::kText, "Invoice"},
                                      {"date", ColumnType::kText, "Invoice date"},
                                      {"target", ColumnType::kText, "Pay by"},
                                      {"paid_on", ColumnType::kText, "Paid on"},
                                      {"days", ColumnType::kInteger, "Days to pay"},
                                      {"on_time", ColumnType::kText, "On time"},
                                      {"value", ColumnType::kMoney, "Paid"}}};
  int64_t number = 0, number_on_time = 0;
  Money value, value_on_time;
  for (const OpenItem& o : items) {
    if (o.settled == Money() || o.outstanding != Money() || o.last_settled < from) continue;
    const Date by = std::max(o.invoice.date.AddDays(30), o.invoice.due);
    const bool on_time = o.last_settled <= by;
    const Money paid = -o.settled;
    ++number;
    value += paid;
    if (on_time) {
      ++number_on_time;
      value_on_time += paid;
    }
    lines.AddRow({Cell::Text(o.invoice.counterparty), Cell::Text(o.invoice.document),
                  Cell::Text(o.invoice.date.ToString()), Cell::Text(by.ToString()),
                  Cell::Text(o.last_settled.ToString()), Cell::Integer(o.last_settled - o.invoice.date),
                  Cell::Text(on_time ? "yes" : "no"), Cell::Money(paid)});
  }
  lines.AddTotalRow("Total");
  // A share is a ratio of exact integers shown to one decimal place; no
  // money is derived from it, so a double is enough.
  auto share = [](int64_t part, int64_t whole) { return whole == 0 ? Cell{} : Cell::Real(double(part) / double(whole)); };
  ReportTable summary{"Better Payment Practice Code", {{"measure", ColumnType::kText, "Measure"},
                                                       {"paid", ColumnType::kText, "Paid"},
                                                       {"on_time", ColumnType::kText, "Paid on time"},
                                                       {"share", ColumnType::kPercent, "Share on time"},
                                                       {"target", ColumnType::kPercent, "Target"}}};
  summary.AddRow({Cell::Text("Number of invoices"), Cell::Text(std::to_string(number)),
                  Cell::Text(std::to_string(number_on_time)), share(number_on_time, number), Cell::Real(0.95)});
  summary.AddRow({Cell::Text("Value of invoices"), Cell::Text(value.ToString()), Cell::Text(value_on_time.ToString()),
                  share(value_on_time.pence(), value.pence()), Cell::Real(0.95)});
  summary.notes.push_back(e.code + " " + e.name);
  summary.notes.push_back("Invoices paid in full from " + from.ToString() + " to " + to.ToString() +
                          "; on time = by the later of 30 days from the invoice date and its due date");
  return std::vector<ReportTable>{summary, lines};
}

Result<ReportTable> AgreementOfBalances(LedgerStore& db, Date as_at) {
  CSU_ASSIGN_OR_RETURN(entities, db.Entities());
  std::set<std::string> kept;
  for (const Entity& e : entities) kept.insert(e.code);
  ReportTable t{"Agreement of balances", {{"receivable_by", ColumnType::kText, "Owed to"},
                                          {"payable_by", ColumnType::kText, "Owed by"},
                                          {"item", ColumnType::kText, "Item"},
                                          {"receivable", ColumnType::kMoney, "Receivable (owed to)"},
                                          {"payable", ColumnType::kMoney, "Payable (owed by)"},
                                          {"difference", ColumnType::kMoney, "Difference"},
                                          {"explanation", ColumnType::kText, "Explanation"}}};
  int mismatches = 0;
  for (const Entity& seller : entities) {
    CSU_ASSIGN_OR_RETURN(sales, OpenItems(db, seller.code, DocumentSide::kReceivable, as_at));
    // The buyers kept here that the seller's sales ledger or the buyer's
    // purchase ledger names.
    std::set<std::string> buyers;
    for (const OpenItem& o : sales)
      if (kept.count(o.invoice.counterparty)) buyers.insert(o.invoice.counterparty);
    for (const Entity& b : entities) {
      if (b.code == seller.code) continue;
      CSU_ASSIGN_OR_RETURN(bought, OpenItems(db, b.code, DocumentSide::kPayable, as_at));
      for (const OpenItem& o : bought)
        if (o.invoice.counterparty == seller.code) buyers.insert(b.code);
    }
    for (const std::string& buyer : buyers) {
      CSU_ASSIGN_OR_RETURN(purchases, OpenItems(db, buyer, DocumentSide::kPayable, as_at));
      std::map<std::string, const OpenItem*> mine, theirs;
      for (const OpenItem& o : sales)
        if (o.invoice.counterparty == buyer) mine[o.invoice.document] = &o;
      for (const OpenItem& o : purchases)
        if (o.invoice.counterparty == seller.code) theirs[o.invoice.document] = &o;
      std::set<std::string> numbers;
      for (const auto& [n, _] : mine) numbers.insert(n);
      for (const auto& [n, _] : theirs) numbers.insert(n);
      Money doc_receivable, doc_payable;
      for (const std::string& n : numbers) {
        const OpenItem* r = mine.count(n) ? mine[n] : nullptr;
        const OpenItem* p = theirs.count(n) ? theirs[n] : nullptr;
        const Money rv = r ? r->outstanding : Money();
        const Money pv = p ? p->outstanding : Money();
        doc_receivable += rv;
        doc_payable += pv;
        if (rv == Money() && pv == Money() && r && p) continue;  // settled on both sides: nothing to agree
        std::string why;
        if (!r) {
          why = "not in " + seller.code + "'s sales ledger";
        } else if (!p) {
          why = "not in " + buyer + "'s purchase ledger";
        } else if (r->invoice.amount != -p->invoice.amount && r->invoice.amount != p->invoice.amount) {
          why = "invoiced " + r->invoice.amount.ToString() + ", recorded by " + buyer + " as " +
                p->invoice.amount.ToString();
        } else if (r->credited != p->credited) {
          why = "credit notes " + (-r->credited).ToString() + " against " + (-p->credited).ToString();
        } else if (r->settled != p->settled) {
          why = buyer + " has paid " + (-p->settled).ToString() + (p->settled != Money()
                                                                       ? " (last on " + p->last_settled.ToString() + ")"
                                                                       : "") +
                "; " + seller.code + " has received " + (-r->settled).ToString();
        } else {
          why = "agreed";
        }
        if (why != "agreed") ++mismatches;
        t.AddRow({Cell::Text(seller.code), Cell::Text(buyer), Cell::Text(n), Cell::Money(rv), Cell::Money(pv),
                  Cell::Money(rv - pv), Cell::Text(why)});
      }
      // The accounts themselves: anything posted by hand with this
      // counterparty that no document explains.
      CSU_ASSIGN_OR_RETURN(rb, db.BalanceWith(seller.code, kReceivables, buyer, as_at));
      CSU_ASSIGN_OR_RETURN(pb, db.BalanceWith(buyer, kPayables, seller.code, as_at));
      const Money r_other = rb - doc_receivable;
      const Money p_other = -pb - doc_payable;
      if (r_other != Money() || p_other != Money()) {
        if (r_other != p_other) ++mismatches;
        t.AddRow({Cell::Text(seller.code), Cell::Text(buyer), Cell::Text("journals without a document"),
                  Cell::Money(r_other), Cell::Money(p_other), Cell::Money(r_other - p_other),
                  Cell::Text(r_other == p_other ? "agreed" : "postings by hand that differ")});
      }
    }
  }
  t.AddTotalRow("Total");
  t.notes.push_back("As at " + as_at.ToString() + ": " + kReceivables + " of the entity owed against " + kPayables +
                    " of the entity owing, for each pair of ledgers kept here");
  t.notes.push_back(mismatches == 0 ? "Every balance agrees" : std::to_string(mismatches) + " items do not agree");
  return t;
}

}  // namespace csu::ledger
