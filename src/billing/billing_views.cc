#include "billing/billing_views.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/text.h"

namespace csu::billing {
namespace {

using report::Cell;
using report::ColumnType;
using report::ReportTable;

using PopulationOf = std::function<std::optional<int64_t>(const std::string&)>;

bool InRange(Period p, Period from, Period through) { return p >= from && p <= through; }

// Net recurring charge of one subscription in `p` (usage lines are 0 here).
Money RecurringIn(const Subscription& s, const Catalogue& catalogue, Period p, int64_t population) {
  InvoiceInputs in;
  in.catalogue = &catalogue;
  in.subscriptions = {s};
  in.population = population;
  Result<Invoice> inv = ComputeInvoice(s.ccg, p, in);
  return inv.ok() ? inv.value().net : Money();
}

// Invoices a credit note has reversed: their months are not charged.
std::set<std::string> Credited(const std::vector<Invoice>& docs) {
  std::set<std::string> out;
  for (const Invoice& d : docs)
    if (d.kind == DocumentKind::kCreditNote) out.insert(d.credits);
  return out;
}

bool Live(const Invoice& d, const std::set<std::string>& credited) {
  return d.kind == DocumentKind::kInvoice && credited.count(d.number) == 0;
}

Cell PerHead(Money m, std::optional<int64_t> population) {
  if (!population || *population <= 0) return Cell{};
  return Cell::Pence(DivRoundHalfAway(m.pence(), *population));
}

}  // namespace

ReportTable CatalogueTable(const Catalogue& catalogue, Date on) {
  ReportTable t{"Service catalogue",
                {{"code", ColumnType::kText, "Code"},
                 {"kind", ColumnType::kText, "Kind"},
                 {"name", ColumnType::kText, "Name"},
                 {"function", ColumnType::kText, "Function"},
                 {"unit", ColumnType::kText, "Unit of charge"},
                 {"price", ColumnType::kMoney, "Price"},
                 {"per", ColumnType::kInteger, "Per"},
                 {"meter", ColumnType::kText, "Meter"},
                 {"vat", ColumnType::kText, "VAT"},
                 {"effective_from", ColumnType::kText, "Price from"},
                 {"includes", ColumnType::kText, "Includes"},
                 {"next_price", ColumnType::kMoney, "Next price"},
                 {"next_from", ColumnType::kText, "Next from"}}};
  for (const std::string& code : catalogue.Codes()) {
    const ItemVersion* v = catalogue.InForce(code, on);
    const ItemVersion* next = nullptr;
    for (const ItemVersion& h : catalogue.History(code))
      if (h.effective_from > on) {
        next = &h;
        break;
      }
    if (!v && !next) continue;
    const ItemVersion& shown = v ? *v : *next;
    std::string includes;
    for (const std::string& i : shown.includes) includes += (includes.empty() ? "" : " ") + i;
    t.AddRow({Cell::Text(code), Cell::Text(std::string(KindName(shown.kind))), Cell::Text(shown.name),
              Cell::Text(shown.function), Cell::Text(std::string(UnitName(shown.unit))),
              v ? Cell::Money(v->price) : Cell{}, Cell::Integer(shown.per), Cell::Text(shown.meter),
              Cell::Text(std::string(VatName(shown.vat))), Cell::Text(v ? v->effective_from.ToString() : ""),
              Cell::Text(includes), next ? Cell::Money(next->price) : Cell{},
              Cell::Text(next ? next->effective_from.ToString() : "")});
  }
  t.notes.push_back("Prices in force on " + on.ToString() + "; a later version takes effect from its date.");
  return t;
}

ReportTable SubscriptionsTable(const std::vector<Subscription>& subs, const Catalogue& catalogue,
                               const std::string& ccg, Date today) {
  ReportTable t{"Subscriptions",
                {{"id", ColumnType::kInteger, "Id"},
                 {"ccg", ColumnType::kText, "CCG"},
                 {"item", ColumnType::kText, "Item"},
                 {"name", ColumnType::kText, "Name"},
                 {"start", ColumnType::kText, "Start"},
                 {"end", ColumnType::kText, "Ends before"},
                 {"term_months", ColumnType::kInteger, "Term (months)"},
                 {"notice_by", ColumnType::kText, "Notice by"},
                 {"discount", ColumnType::kText, "Discount"},
                 {"status", ColumnType::kText, "Status"}}};
  const Period now = Period::Of(today);
  for (const Subscription& s : subs) {
    if (!ccg.empty() && s.ccg != ccg) continue;
    const ItemVersion* v = catalogue.InForce(s.item, std::max(s.start, std::min(today, s.end().AddDays(-1))));
    std::string status = s.Covers(now) ? "active" : (now < s.first_period() ? "starts later" : "ended");
    t.AddRow({Cell::Integer(s.id), Cell::Text(s.ccg), Cell::Text(s.item), Cell::Text(v ? v->name : s.item),
              Cell::Text(s.start.ToString()), Cell::Text(s.end().ToString()), Cell::Integer(s.term_months),
              Cell::Text(s.notice_date().ToString()), Cell::Text(s.discount_bp ? PercentText(s.discount_bp) : ""),
              Cell::Text(status)});
  }
  return t;
}

ReportTable DocumentsTable(const std::vector<Invoice>& docs) {
  ReportTable t{"Invoices and credit notes",
                {{"number", ColumnType::kText, "Number"},
                 {"kind", ColumnType::kText, "Kind"},
                 {"ccg", ColumnType::kText, "CCG"},
                 {"period", ColumnType::kText, "Month"},
                 {"issued_at", ColumnType::kText, "Issued"},
                 {"net", ColumnType::kMoney, "Net"},
                 {"vat", ColumnType::kMoney, "VAT"},
                 {"total", ColumnType::kMoney, "Total"},
                 {"note", ColumnType::kText, "Note"}}};
  std::map<std::string, std::string> credited_by;
  for (const Invoice& d : docs)
    if (d.kind == DocumentKind::kCreditNote) credited_by[d.credits] = d.number;
  std::vector<const Invoice*> order;
  for (const Invoice& d : docs) order.push_back(&d);
  std::sort(order.begin(), order.end(), [](const Invoice* a, const Invoice* b) {
    if (a->issued_at != b->issued_at) return a->issued_at > b->issued_at;
    return a->number > b->number;
  });
  for (const Invoice* d : order) {
    std::string note;
    if (d->kind == DocumentKind::kCreditNote) note = "credits " + d->credits + ": " + d->reason;
    else if (auto it = credited_by.find(d->number); it != credited_by.end()) note = "credited by " + it->second;
    t.AddRow({Cell::Text(d->number), Cell::Text(d->kind == DocumentKind::kInvoice ? "invoice" : "credit note"),
              Cell::Text(d->ccg), Cell::Text(d->period.ToString()), Cell::Text(d->issued_at), Cell::Money(d->net),
              Cell::Money(d->vat), Cell::Money(d->total), Cell::Text(note)});
  }
  t.AddTotalRow("Total");
  return t;
}

ReportTable LinesTable(const Invoice& inv) {
  ReportTable t{"Lines",
                {{"item", ColumnType::kText, "Item"},
                 {"description", ColumnType::kText, "Description"},
                 {"basis", ColumnType::kText, "Worked as"},
                 {"vat", ColumnType::kText, "VAT"},
                 {"amount", ColumnType::kMoney, "Amount"}}};
  for (const InvoiceLine& l : inv.lines)
    t.AddRow({Cell::Text(l.item), Cell::Text(l.description), Cell::Text(l.basis),
              Cell::Text(std::string(VatName(l.vat))), Cell::Money(l.amount)});
  t.AddTotalRow("Net");
  t.notes.push_back("Standard-rated net " + inv.net_standard.ToString() + "; zero-rated " + inv.net_zero.ToString() +
                    "; exempt " + inv.net_exempt.ToString() + ".");
  t.notes.push_back("VAT at " + PercentText(inv.vat_rate_bp) + " on the standard-rated net: " + inv.vat.ToString() +
                    ". Total " + inv.total.ToString() + ".");
  return t;
}

ReportTable UsageTable(const std::vector<UsageRow>& rows) {
  ReportTable t{"Usage",
                {{"ccg", ColumnType::kText, "CCG"},
                 {"period", ColumnType::kText, "Month"},
                 {"meter", ColumnType::kText, "Meter"},
                 {"quantity", ColumnType::kCount, "Quantity"}}};
  std::map<std::tuple<std::string, Period, std::string>, int64_t> sums;
  for (const UsageRow& r : rows) sums[{r.ccg, r.period, r.meter}] += r.quantity;
  std::vector<std::pair<std::tuple<std::string, Period, std::string>, int64_t>> ordered(sums.begin(), sums.end());
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto& a, const auto& b) { return std::get<1>(a.first) > std::get<1>(b.first); });
  for (const auto& [key, q] : ordered)
    t.AddRow({Cell::Text(std::get<0>(key)), Cell::Text(std::get<1>(key).ToString()), Cell::Text(std::get<2>(key)),
              Cell::Integer(q)});
  return t;
}

ReportTable CostPerHeadTable(const std::vector<Invoice>& docs, Period through, const PopulationOf& population_of) {
  ReportTable t{"Cost per head",
                {{"ccg", ColumnType::kText, "CCG"},
                 {"months_invoiced", ColumnType::kInteger, "Months invoiced"},
                 {"net_charges", ColumnType::kMoney, "Net charges"},
                 {"annualised", ColumnType::kMoney, "A year at this rate"},
                 {"population", ColumnType::kCount, "Registered patients"},
                 {"per_head", ColumnType::kMoney, "A head a year"},
                 {"against_range", ColumnType::kText, "Against £5–15 a head"},
                 {"share_of_rca", ColumnType::kPercent, "Share of running-cost allowance", 1}}};
  const Period from = through.AddMonths(-11);
  const std::set<std::string> credited = Credited(docs);
  std::map<std::string, Money> net;
  std::map<std::string, std::set<Period>> months;  // months with a live invoice
  for (const Invoice& d : docs) {
    if (!InRange(d.period, from, through)) continue;
    net[d.ccg] += d.net;
    if (Live(d, credited)) months[d.ccg].insert(d.period);
  }
  for (const auto& [ccg, amount] : net) {
    const int64_t n = static_cast<int64_t>(months[ccg].size());
    const Money annual = n > 0 ? amount.MulRatio(12, n) : Money();
    std::optional<int64_t> pop = population_of(ccg);
    Cell per_head = PerHead(annual, pop);
    std::string against;
    Cell share;
    if (!per_head.empty()) {
      const int64_t ph = per_head.number;
      against = ph < kTypicalLowPencePerHead    ? "below the range"
                : ph <= kTypicalHighPencePerHead ? "within the range"
                                                 : "above the range";
      share = Cell::Real(static_cast<double>(ph) / static_cast<double>(kRunningCostAllowancePencePerHead));
    }
    t.AddRow({Cell::Text(ccg), Cell::Integer(n), Cell::Money(amount), Cell::Money(annual),
              pop ? Cell::Count(*pop) : Cell{}, per_head, Cell::Text(against), share});
  }
  t.notes.push_back("Invoiced months " + from.ToString() + " to " + through.ToString() +
                    ", net of credit notes and before VAT; a year at this rate = net × 12 ÷ months invoiced.");
  t.notes.push_back("Benchmarks: CSU charges of £5–15 a head; £26.76 a head for the full service; value for money "
                    "means staying under half of the CCG running-cost allowance (£22.07 a head in 2015/16).");
  return t;
}

ReportTable RevenueByServiceTable(const std::vector<Invoice>& docs, const Catalogue& catalogue, Period from,
                                  Period through) {
  ReportTable t{"Revenue by service",
                {{"item", ColumnType::kText, "Item"},
                 {"name", ColumnType::kText, "Name"},
                 {"function", ColumnType::kText, "Function"},
                 {"customers", ColumnType::kInteger, "Customers"},
                 {"net", ColumnType::kMoney, "Net revenue"},
                 {"share", ColumnType::kPercent, "Share", 1}}};
  const std::set<std::string> credited = Credited(docs);
  std::map<std::string, Money> net;
  std::map<std::string, std::set<std::string>> customers;
  Money total;
  for (const Invoice& d : docs) {
    if (!InRange(d.period, from, through)) continue;
    for (const InvoiceLine& l : d.lines) {
      net[l.item] += l.amount;
      total += l.amount;
      if (Live(d, credited)) customers[l.item].insert(d.ccg);
    }
  }
  std::vector<std::pair<std::string, Money>> ordered(net.begin(), net.end());
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [item, amount] : ordered) {
    const std::vector<ItemVersion>& h = catalogue.History(item);
    const ItemVersion* v = h.empty() ? nullptr : &h.back();
    std::string function = v ? (v->kind == ItemKind::kPackage ? "package" : v->function) : "";
    t.AddRow({Cell::Text(item), Cell::Text(v ? v->name : item), Cell::Text(function),
              Cell::Integer(static_cast<int64_t>(customers[item].size())), Cell::Money(amount),
              total.pence() ? Cell::Real(static_cast<double>(amount.pence()) / static_cast<double>(total.pence()))
                            : Cell{}});
  }
  t.AddTotalRow("Total");
  t.notes.push_back("Months " + from.ToString() + " to " + through.ToString() +
                    ", net of discounts and credit notes, before VAT.");
  return t;
}

ReportTable RevenueByCustomerTable(const std::vector<Invoice>& docs, Period from, Period through,
                                   const PopulationOf& population_of) {
  ReportTable t{"Revenue by customer",
                {{"ccg", ColumnType::kText, "CCG"},
                 {"name", ColumnType::kText, "Name"},
                 {"invoices", ColumnType::kInteger, "Live invoices"},
                 {"net", ColumnType::kMoney, "Net revenue"},
                 {"vat", ColumnType::kMoney, "VAT"},
                 {"population", ColumnType::kCount, "Registered patients"},
                 {"per_head", ColumnType::kMoney, "Revenue a head"}}};
  struct Sum {
    std::string name;
    int64_t invoices = 0;
    Money net, vat;
  };
  const std::set<std::string> credited = Credited(docs);
  std::map<std::string, Sum> sums;
  for (const Invoice& d : docs) {
    if (!InRange(d.period, from, through)) continue;
    Sum& s = sums[d.ccg];
    s.name = d.ccg_name;
    s.invoices += Live(d, credited) ? 1 : 0;
    s.net += d.net;
    s.vat += d.vat;
  }
  Money total;
  int64_t total_population = 0;
  for (const auto& [ccg, s] : sums) {
    std::optional<int64_t> pop = population_of(ccg);
    t.AddRow({Cell::Text(ccg), Cell::Text(s.name), Cell::Integer(s.invoices), Cell::Money(s.net), Cell::Money(s.vat),
              pop ? Cell::Count(*pop) : Cell{}, PerHead(s.net, pop)});
    total += s.net;
    total_population += pop.value_or(0);
  }
  t.AddTotalRow("Total");
  if (!t.rows.empty()) {
    t.rows.back()[t.ColumnIndex("population")] = Cell::Count(total_population);
    t.rows.back()[t.ColumnIndex("per_head")] = PerHead(total, total_population);
  }
  t.notes.push_back("Months " + from.ToString() + " to " + through.ToString() +
                    ", net of credit notes; revenue a head uses the population in force at the end.");
  return t;
}

ReportTable RenewalsTable(const std::vector<Subscription>& subs, const Catalogue& catalogue, Date today,
                          int32_t months, const PopulationOf& population_of) {
  ReportTable t{"Coming up for renewal",
                {{"ccg", ColumnType::kText, "CCG"},
                 {"item", ColumnType::kText, "Item"},
                 {"name", ColumnType::kText, "Name"},
                 {"ends", ColumnType::kText, "Ends before"},
                 {"notice_by", ColumnType::kText, "Notice by"},
                 {"months_left", ColumnType::kInteger, "Months left"},
                 {"monthly", ColumnType::kMoney, "Recurring a month"}}};
  const Period now = Period::Of(today);
  std::vector<const Subscription*> due;
  for (const Subscription& s : subs) {
    if (!s.Covers(now) || s.end_period() > now.AddMonths(months)) continue;
    // A renewal already signed (a back-to-back subscription) is not at risk.
    bool renewed = std::any_of(subs.begin(), subs.end(), [&](const Subscription& o) {
      return o.ccg == s.ccg && o.item == s.item && o.first_period() == s.end_period();
    });
    if (!renewed) due.push_back(&s);
  }
  std::sort(due.begin(), due.end(), [](const Subscription* a, const Subscription* b) { return a->end() < b->end(); });
  for (const Subscription* s : due) {
    const ItemVersion* v = catalogue.InForce(s->item, now.first_day());
    t.AddRow({Cell::Text(s->ccg), Cell::Text(s->item), Cell::Text(v ? v->name : s->item),
              Cell::Text(s->end().ToString()), Cell::Text(s->notice_date().ToString()),
              Cell::Integer(s->end_period().MonthsSince(now)),
              Cell::Money(RecurringIn(*s, catalogue, now, population_of(s->ccg).value_or(0)))});
  }
  t.AddTotalRow("At risk");
  t.notes.push_back("Subscriptions ending within " + std::to_string(months) + " months of " + today.ToString() +
                    " with no renewal signed; a CCG can leave at the end of its term.");
  return t;
}

ReportTable ForecastTable(const std::vector<Subscription>& subs, const Catalogue& catalogue, Period from,
                          int32_t months, const PopulationOf& population_of) {
  ReportTable t{"Recurring revenue forecast",
                {{"period", ColumnType::kText, "Month"},
                 {"subscriptions", ColumnType::kInteger, "Subscriptions"},
                 {"customers", ColumnType::kInteger, "Customers"},
                 {"recurring", ColumnType::kMoney, "Recurring net"}}};
  for (int32_t i = 0; i < months; ++i) {
    const Period p = from.AddMonths(i);
    Money sum;
    int64_t n = 0;
    std::set<std::string> ccgs;
    for (const Subscription& s : subs) {
      if (!s.Covers(p)) continue;
      ++n;
      ccgs.insert(s.ccg);
      sum += RecurringIn(s, catalogue, p, population_of(s.ccg).value_or(0));
    }
    t.AddRow({Cell::Text(p.ToString()), Cell::Integer(n), Cell::Integer(static_cast<int64_t>(ccgs.size())),
              Cell::Money(sum)});
  }
  t.AddTotalRow("Total");
  t.notes.push_back("Per-head and fixed charges after discounts, before VAT, at the prices the catalogue holds for "
                    "each month and today's populations; usage-based charges are not forecast.");
  return t;
}

}  // namespace csu::billing
