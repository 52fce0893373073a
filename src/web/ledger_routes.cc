// A CCG's ledger on the web (docs/web.md, "Routes", the ledger rows; rules in
// docs/ledger.md): the statements, budget monitoring, the monthly position
// and the aged balances, each with its JSON twin; the journal entry form,
// approval of a pending batch by a second person, and period open/close.
// Only finance staff reach them (tenancy: view_ledger, post_journal,
// approve_journal, close_period), for their own or assigned CCG; another
// CCG's ledger answers 404 like one that does not exist. The same handlers
// serve the CSU's own ledger under /csu/ledger (a route without {ccg}; the
// entity is then the ledger of kind csu, LedgerEntityOf), for CSU staff
// whose role the matrix grants the action (csu_finance), never a CCG's.
// The budget page also sets a budget version from a budget file's text and
// has it approved by someone other than who set it.
#include "ledger/budget_reports.h"
#include "ledger/journal_format.h"
#include "ledger/ledger_documents.h"
#include "ledger/ledger_reports.h"
#include "ledger/org_directory.h"
#include "web/templates.h"
#include "web/web_app_impl.h"

namespace csu::web {
namespace {

struct LedgerViewInfo {
  const char* name;
  const char* title;
};
// The views, in the order the ledger home lists them.
constexpr LedgerViewInfo kLedgerViews[] = {
    {"position", "Financial position (monthly)"},
    {"budget", "Budget monitoring"},
    {"trial-balance", "Trial balance"},
    {"income-expenditure", "Income and expenditure"},
    {"financial-position", "Statement of financial position"},
    {"aged-debt", "Aged debt"},
    {"aged-creditors", "Aged creditors"},
    {"journals", "Journals"},
};

const LedgerViewInfo* FindView(std::string_view name) {
  for (const LedgerViewInfo& v : kLedgerViews)
    if (name == v.name) return &v;
  return nullptr;
}

constexpr size_t kJournalLines = 6;  // posting rows on the entry form

std::string MonthLabel(ledger::LedgerPeriod p) {
  return std::string(FinancialYear::MonthName(p.month)) + " " + std::to_string(p.first_day().year());
}

ledger::Actor ActorOf(const Caller& c) { return {store::Env::Default().NowUtc(), c.who.username}; }

report::ReportTable JournalsTable(const std::vector<ledger::Journal>& journals, const std::string& title) {
  using report::Cell;
  using report::ColumnType;
  report::ReportTable t{title, {{"number", ColumnType::kInteger, "Journal"},
                               {"batch", ColumnType::kInteger, "Batch"},
                               {"date", ColumnType::kText, "Date"},
                               {"status", ColumnType::kText, "Status"},
                               {"kind", ColumnType::kText, "Kind"},
                               {"reference", ColumnType::kText, "Reference"},
                               {"description", ColumnType::kText, "Description"},
                               {"debits", ColumnType::kMoney, "Debits"},
                               {"raised_by", ColumnType::kText, "Raised by"},
                               {"approved_by", ColumnType::kText, "Approved by"},
                               {"reason", ColumnType::kText, "Reason"}}};
  for (const ledger::Journal& j : journals)
    t.AddRow({Cell::Integer(j.number), Cell::Integer(j.batch), Cell::Text(j.txn.date.ToString()),
              Cell::Text(j.posted ? "posted" : "pending"), Cell::Text(std::string(ledger::JournalKindName(j.kind))),
              Cell::Text(j.txn.code), Cell::Text(j.txn.description), Cell::Money(ledger::DebitTotal(j.txn)),
              Cell::Text(j.raised_by), Cell::Text(j.approved_by), Cell::Text(j.reason)});
  return t;
}

}  // namespace

std::optional<ledger::LedgerPeriod> WebApp::Impl::LedgerPeriodOf(const Request& r, const OdsCode& ccg) const {
  std::optional<std::string> text;
  if (r.method == Method::kPost) {
    const auto form = ParseForm(r.body);
    if (auto it = form.find("period"); it != form.end()) text = it->second;
  } else if (auto q = r.Query("period")) {
    text = std::string(*q);
  }
  if (text) {
    auto p = ledger::LedgerPeriod::Parse(*text);
    if (!p.ok()) return std::nullopt;
    return p.value();
  }
  std::optional<Date> latest;
  if (ledger.with_store)
    (void)WithLedger(std::string(ccg.view()), [&](ledger::LedgerStore& db) -> Status {
      auto d = db.LatestPostedDate(std::string(ccg.view()));
      if (d.ok()) latest = d.value();
      return Status::Ok();
    });
  return ledger::LedgerPeriod::Of(latest ? *latest : Today());
}

Result<std::vector<report::ReportTable>> WebApp::Impl::LedgerTables(const OdsCode& ccg, const std::string& view,
                                                                    ledger::LedgerPeriod p) const {
  if (!ledger.with_store) return MakeError("ledger", "no ledger database");
  const std::string entity(ccg.view());
  std::vector<report::ReportTable> out;
  Status s = WithLedger(entity, [&](ledger::LedgerStore& db) -> Status {
    if (!db.GetEntity(entity).ok())
      return MakeError(entity, "the CSU keeps no ledger for this CCG; ask its finance team to set one up");
    if (view == "position") {
      ledger::RunningCostAllowance rca;
      rca.per_head = Money::FromPence(2207);
      rca.source = "NHS England's 2015/16 figure, https://www.england.nhs.uk/2014/02/costs-allowances/";
      if (const auto* c = ref.FindCcg(ccg); c != nullptr && c->registered_patients) {
        rca.population = *c->registered_patients;
        rca.population_source = "registered patients, January 2021 GP lists";
      }
      CSU_ASSIGN_OR_RETURN(t, ledger::MonthlyPosition(db, entity, p, rca));
      out = std::move(t);
    } else if (view == "budget") {
      CSU_ASSIGN_OR_RETURN(t, ledger::BudgetMonitoring(db, entity, p));
      out.push_back(std::move(t));
    } else if (view == "trial-balance") {
      CSU_ASSIGN_OR_RETURN(t, ledger::TrialBalance(db, entity, ledger::kBeginning(), p.last_day()));
      out.push_back(std::move(t));
    } else if (view == "income-expenditure") {
      CSU_ASSIGN_OR_RETURN(t, ledger::IncomeExpenditure(
                                  db, entity,
                                  {{"month", MonthLabel(p), p.first_day(), p.last_day()},
                                   {"year_to_date", p.year.ToString() + " to date", p.year.first_day(), p.last_day()}}));
      out.push_back(std::move(t));
    } else if (view == "financial-position") {
      CSU_ASSIGN_OR_RETURN(t, ledger::FinancialPosition(db, entity, p.last_day()));
      out.push_back(std::move(t));
    } else if (view == "aged-debt" || view == "aged-creditors") {
      CSU_ASSIGN_OR_RETURN(t, ledger::AgedBalances(db, entity,
                                                   view == "aged-debt" ? ledger::DocumentSide::kReceivable
                                                                       : ledger::DocumentSide::kPayable,
                                                   p.last_day()));
      out.push_back(std::move(t));
    } else if (view == "journals") {
      CSU_ASSIGN_OR_RETURN(j, db.Journals(entity, p.first_day(), p.last_day()));
      out.push_back(JournalsTable(j, "Journals, " + MonthLabel(p)));
    } else {
      return MakeError(view, "there is no such ledger view");
    }
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return out;
}

Response WebApp::Impl::LedgerView(const Request& r, const Caller& c) const {
  return LedgerViewFor(r, c, std::string(r.PathParam("view")), 200, std::string(r.Query("done").value_or("")), false);
}

Response WebApp::Impl::LedgerViewFor(const Request& r, const Caller& c, const std::string& view, int status,
                                     const std::string& notice, bool error,
                                     const std::map<std::string, std::string>& form) const {
  auto ccg = LedgerEntityOf(r, c, Action::kViewLedger);
  const LedgerViewInfo* info = FindView(view);
  if (!ccg || !ledger.with_store || info == nullptr) return NotFound(c);
  auto p = LedgerPeriodOf(r, *ccg);
  if (!p) return Problem(c, 400, "Bad request", "period must be a month, YYYY-MM (2018-09)");
  PageFrame f = Frame(c, info->title, LedgerEntityName(r, *ccg) + " (" + std::string(ccg->view()) + ") · " + MonthLabel(*p) +
                                          ", month " + std::to_string(p->month) + " of " + p->year.ToString());
  f.nav = LedgerNav(r, c, *ccg);
  const std::string base = LedgerBaseOf(r, *ccg);
  auto tables = LedgerTables(*ccg, info->name, *p);
  if (!tables.ok()) return Response::Html(200, RenderPage(f, NoticePanel(tables.error().why + ".", false)));
  std::string body;
  if (!notice.empty()) body += NoticePanel(notice, error);
  body += "<form class=\"filters\" method=\"get\" action=\"" + base + "/" + info->name + "\">" +
                     InputField("period", "period", "Month", "month", p->ToString(), "required") +
                     "<div><button class=\"primary\" type=\"submit\">Show</button></div></form>\n";
  body += "<div class=\"actions\"><a href=\"" + base + "?period=" + p->ToString() + "\">Ledger home</a><a href=\"/api/v1" +
          base + "/" + info->name + "?period=" + p->ToString() + "\">This page as JSON</a></div>\n";
  for (size_t i = 0; i < tables.value().size(); ++i) {
    const report::ReportTable& t = tables.value()[i];
    // A summary of a few rows (the position) is shown whole; a table people
    // work through follows the table convention (one a page: the URL's
    // parameters are its).
    if (i == 0 && std::string_view(info->name) != "position") {
      TableOptions o;
      o.path = base + "/" + info->name;
      o.keep = {{"period", p->ToString()}};
      o.filter_columns = {"section", "cost_centre", "type", "status", "kind"};
      o.page_size = 200;
      if (std::string_view(info->name) == "budget") {
        o.money = MoneyUnit::kPounds;  // fifteen columns of money: pence are noise there
        o.sticky_columns = {"account"};
      }
      auto html = InteractiveTableHtml(t, r.query, o);
      if (!html.ok()) return Problem(c, 400, "Bad request", html.error().ToString());
      body += html.value();
    } else {
      TableLayout layout;
      // The position's eleven columns of money, in whole pounds (exact pence
      // in each cell's tooltip and in the JSON twin).
      if (i == 0) layout.money.unit = MoneyUnit::kPounds;
      body += TableHtml(t, {}, layout);
    }
  }
  if (std::string_view(info->name) == "budget" &&
      tenancy::Grants(c.who.role, Action::kManageBudget, Identifiability::kAggregate))
    body += BudgetVersionForms(r, c, *ccg, *p, CsrfTokenFor(c.session_token), form) +
            BudgetForms(*ccg, *p, CsrfTokenFor(c.session_token), base);
  return Response::Html(status, RenderPage(f, body));
}

// The budget page's forms: a virement and a forecast override, choosing
// among the lines of the budget in force (and, for a virement's receiving
// line, any cost centre × income or expense account of the chart).
std::string WebApp::Impl::BudgetForms(const OdsCode& ccg, ledger::LedgerPeriod p, const std::string& csrf,
                                      const std::string& base) const {
  const std::string entity(ccg.view());
  std::vector<std::pair<std::string, std::string>> lines, targets;
  (void)WithLedger(entity, [&](ledger::LedgerStore& db) -> Status {
    CSU_ASSIGN_OR_RETURN(b, db.Budget(entity, p.year));
    for (const ledger::BudgetLine& l : b.lines)
      lines.push_back({l.cost_centre + ":" + l.account, l.cost_centre + " " + l.account});
    CSU_ASSIGN_OR_RETURN(chart_accounts, db.Accounts(entity));
    CSU_ASSIGN_OR_RETURN(ccs, db.CostCentres(entity));
    for (const ledger::CostCentre& cc : ccs)
      for (const ledger::Account& a : chart_accounts)
        if (ledger::IsIncomeOrExpense(a.type)) targets.push_back({cc.code + ":" + a.name, cc.code + " " + a.name});
    return Status::Ok();
  });
  if (lines.empty())
    return "<section class=\"panel\"><h2>Change the budget</h2><p>No budget is approved for " +
           Escape(p.year.ToString()) + ": set a version above (or with <code>csu ledger budget set</code>) and have "
           "another person approve it; virements and forecasts follow.</p></section>";
  const std::string period = "<input type=\"hidden\" name=\"period\" value=\"" + p.ToString() + "\">";
  return "<section class=\"panel\" id=\"virement\"><h2>Move budget (a virement)</h2><form class=\"filters\" "
         "method=\"post\" action=\"" + base + "/virements\">" + CsrfField(csrf) + period +
         SelectField("v-from", "from", "From", lines) + SelectField("v-to", "to", "To", targets) +
         InputField("v-amount", "amount", "Amount (£)", "text", "", "required inputmode=\"decimal\" size=\"14\"") +
         InputField("v-first", "first", "From month", "month", p.ToString(), "required") +
         InputField("v-last", "last", "To month", "month", ledger::LedgerPeriod{p.year, 12}.ToString(), "required") +
         InputField("v-reason", "reason", "Who asked and why", "text", "", "required size=\"40\" maxlength=\"200\"") +
         "<div><button class=\"primary\" type=\"submit\">Move the budget</button></div></form>"
         "<p class=\"note\">The amount is spread over the months by cumulative rounding. A virement keeps the "
         "total: it is refused between income and expenditure, and when a month would be left below zero.</p>"
         "</section><section class=\"panel\" id=\"forecast\"><h2>Override a forecast outturn</h2>"
         "<form class=\"filters\" method=\"post\" action=\"" + base + "/forecasts\">" + CsrfField(csrf) + period +
         SelectField("f-line", "line", "Line", lines) +
         InputField("f-outturn", "outturn", "Outturn for the year (£)", "text", "",
                    "required inputmode=\"decimal\" size=\"16\"") +
         InputField("f-note", "note", "Why", "text", "", "required size=\"40\" maxlength=\"200\"") +
         "<div><button class=\"primary\" type=\"submit\">Set the forecast</button></div></form>"
         "<p class=\"note\">In force from " + Escape(MonthLabel(p)) +
         " until another is given for the line; earlier months keep theirs.</p></section>";
}

Response WebApp::Impl::LedgerVire(const Request& r, const Caller& c) const {
  auto ccg = LedgerEntityOf(r, c, Action::kManageBudget);
  if (!ccg || !ledger.with_store) return NotFound(c);
  if (!CsrfOk(r, c)) return Problem(c, 403, "Refused", "The form had expired; go back and try again.");
  const auto form = ParseForm(r.body);
  const std::string entity(ccg->view());
  const std::string from = FormValue(form, "from"), to = FormValue(form, "to");
  const std::string reason(Trim(FormValue(form, "reason")));
  auto amount = ledger::ParsePounds(FormValue(form, "amount"));
  auto first = ledger::LedgerPeriod::Parse(FormValue(form, "first"));
  auto last = ledger::LedgerPeriod::Parse(FormValue(form, "last"));
  const size_t fc = from.find(':'), tc = to.find(':');
  std::string problem;
  if (fc == std::string::npos || tc == std::string::npos) problem = "Choose the line the budget comes from and goes to.";
  else if (!amount.ok() || amount.value().pence() <= 0) problem = "The amount must be pounds and pence above zero.";
  else if (!first.ok() || !last.ok() || first.value().year != last.value().year || last.value() < first.value())
    problem = "The months must be of one financial year, the first not after the last.";
  int64_t number = 0;
  if (problem.empty()) {
    const auto lines = ledger::SpreadVirement(from.substr(0, fc), from.substr(fc + 1), to.substr(0, tc),
                                              to.substr(tc + 1), amount.value().pence(), first.value().month,
                                              last.value().month);
    Status s = WriteLedger(entity, [&](ledger::LedgerStore& db) -> Status {
      CSU_ASSIGN_OR_RETURN(n, db.Vire(entity, first.value().year, lines, reason, ActorOf(c)));
      number = n;
      return Status::Ok();
    });
    if (!s.ok()) problem = s.error().why + ".";
  }
  if (!problem.empty()) return LedgerViewFor(r, c, "budget", 400, "Not moved: " + problem, true);
  if (!Audit(c, "ledger.budget.vire", entity,
             {{"entity", entity}, {"year", first.value().year.ToString()}, {"virement", number}, {"from", from},
              {"to", to}, {"amount_pence", amount.value().pence()}, {"first", first.value().ToString()},
              {"last", last.value().ToString()}, {"reason", reason}, {"source", "web"}})
           .ok())
    return Problem(c, 503, "Not recorded", "The virement was made but the audit log could not be written.");
  return Redirect(LedgerBaseOf(r, *ccg) + "/budget?period=" + UrlEncode(FormValue(form, "period")) + "&done=" +
                  UrlEncode("Virement " + std::to_string(number) + ": " + amount.value().ToString() + " moved"));
}

Response WebApp::Impl::LedgerForecast(const Request& r, const Caller& c) const {
  auto ccg = LedgerEntityOf(r, c, Action::kManageBudget);
  if (!ccg || !ledger.with_store) return NotFound(c);
  if (!CsrfOk(r, c)) return Problem(c, 403, "Refused", "The form had expired; go back and try again.");
  const auto form = ParseForm(r.body);
  const std::string entity(ccg->view());
  const std::string line = FormValue(form, "line");
  auto p = ledger::LedgerPeriod::Parse(FormValue(form, "period"));
  auto outturn = ledger::ParsePounds(FormValue(form, "outturn"));
  const size_t colon = line.find(':');
  std::string problem;
  if (colon == std::string::npos) problem = "Choose a line.";
  else if (!p.ok()) problem = "The month must be YYYY-MM.";
  else if (!outturn.ok()) problem = "The outturn must be pounds and pence, such as 5,150,000.";
  int64_t number = 0;
  if (problem.empty()) {
    ledger::ForecastOverride f;
    f.month = p.value().month, f.cost_centre = line.substr(0, colon), f.account = line.substr(colon + 1);
    f.outturn = outturn.value(), f.note = FormValue(form, "note");
    Status s = WriteLedger(entity, [&](ledger::LedgerStore& db) -> Status {
      CSU_ASSIGN_OR_RETURN(n, db.SetForecast(entity, p.value().year, f, ActorOf(c)));
      number = n;
      return Status::Ok();
    });
    if (!s.ok()) problem = s.error().why + ".";
  }
  if (!problem.empty()) return LedgerViewFor(r, c, "budget", 400, "Not set: " + problem, true);
  if (!Audit(c, "ledger.budget.forecast", entity,
             {{"entity", entity}, {"year", p.value().year.ToString()}, {"override", number},
              {"period", p.value().ToString()}, {"line", line}, {"outturn_pence", outturn.value().pence()},
              {"note", FormValue(form, "note")}, {"source", "web"}})
           .ok())
    return Problem(c, 503, "Not recorded", "The forecast was set but the audit log could not be written.");
  return Redirect(LedgerBaseOf(r, *ccg) + "/budget?period=" + p.value().ToString() + "&done=" +
                  UrlEncode("Forecast for " + line + " set to " + outturn.value().ToString()));
}

Response WebApp::Impl::ApiLedgerView(const Request& r, const Caller& c) const {
  auto ccg = LedgerEntityOf(r, c, Action::kViewLedger);
  const LedgerViewInfo* info = FindView(r.PathParam("view"));
  if (!ccg || !ledger.with_store || info == nullptr) return ApiNotFound();
  auto p = LedgerPeriodOf(r, *ccg);
  if (!p) return Response::Error(400, "period must be a month, YYYY-MM (2018-09)");
  auto tables = LedgerTables(*ccg, info->name, *p);
  if (!tables.ok()) return Response::Error(404, tables.error().why);
  nlohmann::json j = {{"ccg", std::string(ccg->view())}, {"entity", std::string(ccg->view())},
                      {"csu", r.PathParam("ccg").empty()}, {"view", info->name}, {"period", p->ToString()},
                      {"tables", report::RenderJson(tables.value())}};
  if (r.PathParam("ccg").empty()) j.erase("ccg");  // the CSU's own ledger is no CCG's
  return Response::Json(200, j.dump());
}

Response WebApp::Impl::LedgerHome(const Request& r, const Caller& c) const {
  auto ccg = LedgerEntityOf(r, c, Action::kViewLedger);
  if (!ccg || !ledger.with_store) return NotFound(c);
  const std::string done(r.Query("done").value_or(""));
  return LedgerHomeFor(r, c, *ccg, 200, done, false);
}

Response WebApp::Impl::LedgerHomeFor(const Request& r, const Caller& c, const OdsCode& ccg, int status,
                                     const std::string& notice, bool error,
                                     const std::map<std::string, std::string>& form) const {
  auto p = LedgerPeriodOf(r, ccg);
  if (!p) return Problem(c, 400, "Bad request", "period must be a month, YYYY-MM (2018-09)");
  const std::string entity(ccg.view());
  PageFrame f = Frame(c, "Ledger", LedgerEntityName(r, ccg) + " (" + entity + ") · " + MonthLabel(*p));
  f.nav = LedgerNav(r, c, ccg);
  const std::string base = LedgerBaseOf(r, ccg);
  std::string body;
  if (!notice.empty()) body += NoticePanel(notice, error);
  std::optional<ledger::Entity> e;
  std::vector<std::pair<ledger::LedgerPeriod, ledger::PeriodState>> periods;
  std::vector<ledger::Journal> pending;
  std::vector<ledger::Account> chart_accounts;
  std::vector<ledger::CostCentre> cost_centres;
  Status s = WithLedger(entity, [&](ledger::LedgerStore& db) -> Status {
    auto got = db.GetEntity(entity);
    if (!got.ok()) return Status::Ok();
    e = got.value();
    CSU_ASSIGN_OR_RETURN(ps, db.Periods(entity));
    periods = std::move(ps);
    CSU_ASSIGN_OR_RETURN(js, db.Journals(entity, ledger::kBeginning(), ledger::kEnd()));
    for (ledger::Journal& j : js)
      if (!j.posted) pending.push_back(std::move(j));
    CSU_ASSIGN_OR_RETURN(as, db.Accounts(entity));
    chart_accounts = std::move(as);
    CSU_ASSIGN_OR_RETURN(cs, db.CostCentres(entity));
    cost_centres = std::move(cs);
    return Status::Ok();
  });
  if (!s.ok()) return Problem(c, 500, "Ledger", "the ledger database could not be read");
  if (!e) {
    body += NoticePanel("The CSU keeps no ledger for this CCG; ask its finance team to set one up.", false);
    return Response::Html(status, RenderPage(f, body));
  }
  const std::string csrf = CsrfTokenFor(c.session_token);
  TemplateData d;
  d.set("base", base);
  d.set("period", p->ToString());
  d.set("csrf", csrf);
  d.set("json_href", "/api/v1" + base + "?period=" + p->ToString());
  d.set("period_field_html", InputField("period", "period", "Month", "month", p->ToString(), "required"));
  TemplateData view_links{TemplateData::type::list};
  for (const LedgerViewInfo& v : kLedgerViews) {
    TemplateData view;
    view.set("href", base + "/" + v.name + "?period=" + p->ToString());
    view.set("title", std::string(v.title));
    view_links.push_back(view);
  }
  d.set("views", view_links);
  // Pending batches: approval by someone other than who raised them.
  std::set<int64_t> numbers;
  for (const ledger::Journal& j : pending) numbers.insert(j.batch);
  const bool approves = tenancy::Grants(c.who.role, Action::kApproveJournal, Identifiability::kAggregate);
  TemplateData batches{TemplateData::type::list};
  for (int64_t b : numbers) {
    Money debits;
    std::string raised_by;
    size_t count = 0;
    TemplateData journals{TemplateData::type::list};
    for (const ledger::Journal& j : pending) {
      if (j.batch != b) continue;
      ++count;
      debits += ledger::DebitTotal(j.txn);
      raised_by = j.raised_by;
      TemplateData line;
      line.set("text", j.txn.date.ToString() + " " + j.txn.code + " " + j.txn.description);
      line.set("amount", ledger::DebitTotal(j.txn).ToString());
      journals.push_back(line);
    }
    TemplateData batch;
    batch.set("number", std::to_string(b));
    batch.set("debits", debits.ToString());
    batch.set("raised_by", raised_by);
    batch.set("count_text", std::to_string(count) + " journal" + (count == 1 ? "" : "s"));
    batch.set("journals", journals);
    if (approves && raised_by == c.who.username) batch.set("own", true);
    if (approves && raised_by != c.who.username) batch.set("approve", true);
    batches.push_back(batch);
  }
  d.set("batches", batches);
  // Journal entry: a refused journal comes back with what was typed.
  if (tenancy::Grants(c.who.role, Action::kPostJournal, Identifiability::kAggregate)) {
    d.set("can_post", true);
    d.set("threshold", e->approval_threshold.ToString());
    std::vector<std::pair<std::string, std::string>> account_options = {{"", "(none)"}};
    for (const ledger::Account& a : chart_accounts) account_options.push_back({a.name, a.code + " " + a.name});
    std::vector<std::pair<std::string, std::string>> cc_options = {{"", "(none)"}};
    for (const ledger::CostCentre& cc : cost_centres) cc_options.push_back({cc.code, cc.code + " " + cc.name});
    auto kept = [&](const std::string& key, const std::string& otherwise = "") {
      auto it = form.find(key);
      return it == form.end() ? otherwise : it->second;
    };
    d.set("heading_fields_html",
          InputField("j-date", "date", "Date", "date", kept("date", p->last_day().ToString()), "required") +
              InputField("j-ref", "reference", "Reference", "text", kept("reference"), "required maxlength=\"40\"") +
              InputField("j-desc", "description", "Description", "text", kept("description"),
                         "required size=\"40\" maxlength=\"200\""));
    TemplateData lines{TemplateData::type::list};
    for (size_t i = 1; i <= kJournalLines; ++i) {
      const std::string n = std::to_string(i);
      TemplateData line;
      line.set("account_html",
               SelectField("j-account-" + n, "account_" + n, "Account " + n, account_options, kept("account_" + n)));
      line.set("cost_centre_html",
               SelectField("j-cc-" + n, "cost_centre_" + n, "Cost centre " + n, cc_options, kept("cost_centre_" + n)));
      line.set("debit_html", InputField("j-debit-" + n, "debit_" + n, "Debit " + n, "text", kept("debit_" + n),
                                        "inputmode=\"decimal\" size=\"14\""));
      line.set("credit_html", InputField("j-credit-" + n, "credit_" + n, "Credit " + n, "text", kept("credit_" + n),
                                         "inputmode=\"decimal\" size=\"14\""));
      lines.push_back(line);
    }
    d.set("lines", lines);
    d.set("reason_field_html", InputField("j-reason", "reason", "Why (recorded with the journal)", "text",
                                          kept("reason"), "required size=\"48\" maxlength=\"200\""));
  }
  // Periods.
  report::ReportTable t{"Periods", {{"period", report::ColumnType::kText, "Month"},
                                    {"state", report::ColumnType::kText, "State"}}};
  for (const auto& [per, st] : periods)
    t.AddRow({report::Cell::Text(per.ToString() + " (month " + std::to_string(per.month) + " of " +
                                 per.year.ToString() + ")"),
              report::Cell::Text(std::string(ledger::PeriodStateName(st)))});
  d.set("periods_html", TableHtml(t));
  if (tenancy::Grants(c.who.role, Action::kClosePeriod, Identifiability::kAggregate)) {
    d.set("can_close", true);
    d.set("close_fields_html",
          InputField("pc-period", "period", "Month", "month", p->ToString(), "required") +
              SelectField("pc-to", "to", "Make it", {{"open", "open"}, {"closed", "closed"}}, "closed"));
  }
  body += RenderTemplate("ledger_home", d);
  return Response::Html(status, RenderPage(f, body));
}

Response WebApp::Impl::ApiLedgerHome(const Request& r, const Caller& c) const {
  auto ccg = LedgerEntityOf(r, c, Action::kViewLedger);
  if (!ccg || !ledger.with_store) return ApiNotFound();
  const std::string entity(ccg->view());
  nlohmann::json j = {{"ccg", entity}, {"entity", entity}, {"csu", r.PathParam("ccg").empty()}};
  if (r.PathParam("ccg").empty()) j.erase("ccg");
  Status s = WithLedger(entity, [&](ledger::LedgerStore& db) -> Status {
    auto e = db.GetEntity(entity);
    j["ledger"] = e.ok();
    if (!e.ok()) return Status::Ok();
    j["approval_threshold_pence"] = e.value().approval_threshold.pence();
    CSU_ASSIGN_OR_RETURN(ps, db.Periods(entity));
    j["periods"] = nlohmann::json::array();
    for (const auto& [p, st] : ps) j["periods"].push_back({{"period", p.ToString()}, {"state", ledger::PeriodStateName(st)}});
    CSU_ASSIGN_OR_RETURN(js, db.Journals(entity, ledger::kBeginning(), ledger::kEnd()));
    j["pending"] = nlohmann::json::array();
    for (const ledger::Journal& x : js)
      if (!x.posted)
        j["pending"].push_back({{"journal", x.number}, {"batch", x.batch}, {"date", x.txn.date.ToString()},
                                {"reference", x.txn.code}, {"description", x.txn.description},
                                {"debits_pence", ledger::DebitTotal(x.txn).pence()}, {"raised_by", x.raised_by}});
    j["views"] = nlohmann::json::array();
    for (const LedgerViewInfo& v : kLedgerViews) j["views"].push_back(v.name);
    return Status::Ok();
  });
  if (!s.ok()) return Response::Error(500, "the ledger database could not be read");
  return Response::Json(200, j.dump());
}

Response WebApp::Impl::LedgerPostJournal(const Request& r, const Caller& c) const {
  auto ccg = LedgerEntityOf(r, c, Action::kPostJournal);
  if (!ccg || !ledger.with_store) return NotFound(c);
  if (!CsrfOk(r, c)) return Problem(c, 403, "Refused", "The form had expired; go back and try again.");
  const auto form = ParseForm(r.body);
  const std::string entity(ccg->view());
  ledger::Transaction t;
  std::string problem;
  auto date = Date::Parse(FormValue(form, "date"));
  if (!date.ok()) problem = "The date must be a day, YYYY-MM-DD.";
  t.code = std::string(Trim(FormValue(form, "reference")));
  t.description = std::string(Trim(FormValue(form, "description")));
  const std::string reason(Trim(FormValue(form, "reason")));
  if (problem.empty() && (t.code.empty() || t.description.empty() || reason.empty()))
    problem = "A journal needs a reference, a description and a reason.";
  for (size_t i = 1; i <= kJournalLines && problem.empty(); ++i) {
    const std::string n = std::to_string(i);
    const std::string account = FormValue(form, ("account_" + n).c_str());
    const std::string debit(Trim(FormValue(form, ("debit_" + n).c_str())));
    const std::string credit(Trim(FormValue(form, ("credit_" + n).c_str())));
    if (account.empty() && debit.empty() && credit.empty()) continue;
    if (account.empty()) problem = "Line " + n + " has an amount but no account.";
    else if (debit.empty() == credit.empty()) problem = "Line " + n + " needs a debit or a credit, not both or neither.";
    if (!problem.empty()) break;
    auto amount = ledger::ParsePounds(debit.empty() ? credit : debit);
    if (!amount.ok() || amount.value().pence() <= 0) {
      problem = "Line " + n + ": the amount must be pounds and pence above zero, such as 1,250.00.";
      break;
    }
    ledger::Posting p;
    p.account = account;
    p.amount = debit.empty() ? -amount.value() : amount.value();
    p.cost_centre = FormValue(form, ("cost_centre_" + n).c_str());
    t.postings.push_back(std::move(p));
  }
  ledger::BatchOutcome out;
  if (problem.empty()) {
    t.date = date.value();
    Status s = WriteLedger(entity, [&](ledger::LedgerStore& db) -> Status {
      CSU_ASSIGN_OR_RETURN(b, db.Raise(entity, {t}, {ledger::JournalKind::kManual, reason, "web"},
                                       ledger::DirectoryOf(ref), ActorOf(c)));
      out = std::move(b);
      return Status::Ok();
    });
    if (!s.ok()) problem = s.error().why + ".";
  }
  if (!problem.empty()) return LedgerHomeFor(r, c, *ccg, 400, "Not posted: " + problem, true, form);
  std::string text;
  ledger::AppendJournalText(t, text);
  if (!Audit(c, "ledger.post", entity,
             {{"entity", entity}, {"batch", out.batch}, {"journals", out.numbers}, {"postings", out.postings},
              {"debits_pence", out.debits.pence()}, {"pending", out.pending}, {"sha256", store::Sha256Hex(text)},
              {"source", "web"}})
           .ok())
    return Problem(c, 503, "Not recorded", "The journal was raised but the audit log could not be written.");
  const std::string said = "Journal " + std::to_string(out.numbers.empty() ? 0 : out.numbers.front()) +
                           (out.pending ? " waits for a second person's approval (batch " + std::to_string(out.batch) + ")"
                                        : " is posted");
  return Redirect(LedgerBaseOf(r, *ccg) + "?period=" + UrlEncode(FormValue(form, "period")) +
                  "&done=" + UrlEncode(said));
}

Response WebApp::Impl::LedgerApprove(const Request& r, const Caller& c) const {
  auto ccg = LedgerEntityOf(r, c, Action::kApproveJournal);
  if (!ccg || !ledger.with_store) return NotFound(c);
  if (!CsrfOk(r, c)) return Problem(c, 403, "Refused", "The form had expired; go back and try again.");
  const auto form = ParseForm(r.body);
  const std::string entity(ccg->view());
  auto batch = ParseInt(FormValue(form, "batch"));
  std::string problem;
  ledger::BatchOutcome out;
  if (!batch || *batch <= 0) problem = "No batch was chosen.";
  if (problem.empty()) {
    Status s = WriteLedger(entity, [&](ledger::LedgerStore& db) -> Status {
      CSU_ASSIGN_OR_RETURN(b, db.Approve(entity, *batch, ActorOf(c)));
      out = std::move(b);
      return Status::Ok();
    });
    if (!s.ok()) problem = s.error().why + ".";
  }
  if (!problem.empty()) return LedgerHomeFor(r, c, *ccg, 400, "Not approved: " + problem, true);
  if (!Audit(c, "ledger.approve", entity,
             {{"entity", entity}, {"batch", out.batch}, {"journals", out.numbers}, {"debits_pence", out.debits.pence()},
              {"accrual_reversals", out.reversals}, {"source", "web"}})
           .ok())
    return Problem(c, 503, "Not recorded", "The batch was approved but the audit log could not be written.");
  return Redirect(LedgerBaseOf(r, *ccg) + "?period=" + UrlEncode(FormValue(form, "period")) +
                  "&done=" + UrlEncode("Batch " + std::to_string(out.batch) + " is approved and posted"));
}

Response WebApp::Impl::LedgerPeriodChange(const Request& r, const Caller& c) const {
  auto ccg = LedgerEntityOf(r, c, Action::kClosePeriod);
  if (!ccg || !ledger.with_store) return NotFound(c);
  if (!CsrfOk(r, c)) return Problem(c, 403, "Refused", "The form had expired; go back and try again.");
  const auto form = ParseForm(r.body);
  const std::string entity(ccg->view());
  auto p = ledger::LedgerPeriod::Parse(FormValue(form, "period"));
  const std::string to = FormValue(form, "to");
  std::string problem;
  if (!p.ok()) problem = "The month must be YYYY-MM.";
  else if (to != "open" && to != "closed") problem = "A month can be made open or closed here.";
  std::vector<int64_t> reversals;
  if (problem.empty()) {
    Status s = WriteLedger(entity, [&](ledger::LedgerStore& db) -> Status {
      CSU_ASSIGN_OR_RETURN(rev, db.SetPeriodState(entity, p.value(),
                                                  to == "open" ? ledger::PeriodState::kOpen : ledger::PeriodState::kClosed,
                                                  ActorOf(c)));
      reversals = std::move(rev);
      return Status::Ok();
    });
    if (!s.ok()) problem = s.error().why + ".";
  }
  if (!problem.empty()) return LedgerHomeFor(r, c, *ccg, 400, "Not changed: " + problem, true);
  if (!Audit(c, to == "open" ? "ledger.period.open" : "ledger.period.close", entity,
             {{"entity", entity}, {"period", p.value().ToString()}, {"state", to}, {"accrual_reversals", reversals},
              {"source", "web"}})
           .ok())
    return Problem(c, 503, "Not recorded", "The period was changed but the audit log could not be written.");
  return Redirect(LedgerBaseOf(r, *ccg) + "?period=" + p.value().ToString() + "&done=" +
                  UrlEncode(p.value().ToString() + " is " + to));
}

// ------------------------------------------------ the CSU's own ledger

std::optional<OdsCode> WebApp::Impl::CsuLedgerEntity(const Caller& c, Action a) const {
  // CSU staff only, and of them those the matrix grants the action: a CCG
  // finance user, granted it for their own CCG, never reaches the CSU's.
  if (!tenancy::IsCsuRole(c.who.role) || !tenancy::Grants(c.who.role, a, Identifiability::kAggregate) ||
      !ledger.with_store)
    return std::nullopt;
  std::optional<OdsCode> out;
  (void)ledger.with_store([&](ledger::LedgerStore& db) -> Status {
    CSU_ASSIGN_OR_RETURN(es, db.Entities());
    for (const ledger::Entity& e : es)
      if (e.kind == ledger::EntityKind::kCsu)
        if (auto code = OdsCode::Parse(e.code); code.ok()) out = code.value();
    return Status::Ok();
  });
  return out;
}

std::optional<OdsCode> WebApp::Impl::LedgerEntityOf(const Request& r, const Caller& c, Action a) const {
  if (!r.PathParam("ccg").empty()) return Tenant(r, c, a, Identifiability::kAggregate);
  return CsuLedgerEntity(c, a);
}

std::string WebApp::Impl::LedgerBaseOf(const Request& r, const OdsCode& entity) const {
  if (r.PathParam("ccg").empty()) return "/csu/ledger";
  return "/ccg/" + std::string(entity.view()) + "/ledger";
}

std::string WebApp::Impl::LedgerEntityName(const Request& r, const OdsCode& entity) const {
  if (!r.PathParam("ccg").empty()) return CcgName(entity);
  std::string name(entity.view());
  (void)WithLedger(std::string(entity.view()), [&](ledger::LedgerStore& db) -> Status {
    if (auto e = db.GetEntity(std::string(entity.view())); e.ok()) name = e.value().name;
    return Status::Ok();
  });
  return name;
}

std::vector<NavLink> WebApp::Impl::LedgerNav(const Request& r, const Caller& c, const OdsCode& entity) const {
  if (r.PathParam("ccg").empty()) return CsuNav(c, "csu-ledger");
  return CcgNav(c, entity, "ledger");
}

// ------------------------------------------------ budget versions on the web

std::string WebApp::Impl::BudgetVersionForms(const Request& r, const Caller& c, const OdsCode& entity,
                                             ledger::LedgerPeriod p, const std::string& csrf,
                                             const std::map<std::string, std::string>& kept) const {
  const std::string code(entity.view());
  const std::string base = LedgerBaseOf(r, entity);
  auto field = [&](const std::string& key, const std::string& otherwise = "") {
    auto it = kept.find(key);
    return it == kept.end() ? otherwise : it->second;
  };
  FinancialYear year = p.year;
  if (auto y = FinancialYear::Parse(field("year")); y.ok()) year = y.value();
  std::vector<ledger::BudgetVersion> versions;
  (void)WithLedger(code, [&](ledger::LedgerStore& db) -> Status {
    CSU_ASSIGN_OR_RETURN(vs, db.BudgetVersions(code, year));
    versions = std::move(vs);
    return Status::Ok();
  });
  using report::Cell;
  using report::ColumnType;
  report::ReportTable t{"Budget versions, " + year.ToString(),
                        {{"version", ColumnType::kInteger, "Version"},
                         {"state", ColumnType::kText, "State"},
                         {"lines", ColumnType::kInteger, "Lines"},
                         {"income", ColumnType::kMoney, "Income"},
                         {"expenditure", ColumnType::kMoney, "Expenditure"},
                         {"set_by", ColumnType::kText, "Set by"},
                         {"set_at", ColumnType::kText, "Set at"},
                         {"approved_by", ColumnType::kText, "Approved by"},
                         {"reason", ColumnType::kText, "Reason"}}};
  std::vector<std::pair<std::string, std::string>> drafts;
  bool own_draft = false;
  for (const ledger::BudgetVersion& v : versions) {
    t.AddRow({Cell::Integer(v.version), Cell::Text(std::string(ledger::BudgetStateName(v.state))),
              Cell::Integer(v.lines), Cell::Money(v.income), Cell::Money(v.expenditure), Cell::Text(v.set_by),
              Cell::Text(v.set_at), Cell::Text(v.approved_by), Cell::Text(v.reason)});
    if (v.state != ledger::BudgetState::kDraft) continue;
    if (v.set_by == c.who.username) own_draft = true;
    else drafts.push_back({std::to_string(v.version), "Version " + std::to_string(v.version) + " (set by " +
                                                          v.set_by + ")"});
  }
  const std::string hidden = "<input type=\"hidden\" name=\"period\" value=\"" + p.ToString() + "\">";
  std::string out = "<section class=\"panel\" id=\"budget-versions\"><h2>Budget versions</h2>";
  out += versions.empty() ? "<p>No budget has been set for " + Escape(year.ToString()) + ".</p>" : TableHtml(t);
  if (!drafts.empty())
    out += "<form class=\"filters\" method=\"post\" action=\"" + base + "/budgets/approve\">" + CsrfField(csrf) +
           hidden + "<input type=\"hidden\" name=\"year\" value=\"" + year.ToString() + "\">" +
           SelectField("b-version", "version", "Draft", drafts) +
           "<div><button class=\"primary\" type=\"submit\">Approve as the budget of record</button></div></form>";
  if (own_draft)
    out += "<p class=\"note\">A draft you set waits for another person to approve it (segregation of duties).</p>";
  out += "</section><section class=\"panel\" id=\"budget-set\"><h2>Set a budget version</h2>"
         "<form method=\"post\" action=\"" + base + "/budgets\">" + CsrfField(csrf) + hidden +
         "<div class=\"filters\">" +
         InputField("b-year", "year", "Financial year", "text", field("year", p.year.ToString()),
                    "required pattern=\"[0-9]{4}/[0-9]{2}\" size=\"8\"") +
         InputField("b-reason", "reason", "Why (recorded with the version)", "text", field("reason"),
                    "required size=\"48\" maxlength=\"200\"") +
         "</div><div><label for=\"b-text\">The budget file (CSV: cost_centre,account,annual,profile,apr..mar)"
         "</label><textarea id=\"b-text\" name=\"budget\" rows=\"12\" cols=\"100\" required spellcheck=\"false\">" +
         Escape(field("budget", "cost_centre,account,annual,profile,apr,may,jun,jul,aug,sep,oct,nov,dec,jan,feb,mar\n")) +
         "</textarea></div><div><button class=\"primary\" type=\"submit\">Set as a draft</button></div></form>"
         "<p class=\"note\">The layout is the budget file's (docs/formats/ledger-budget-v1.md): one line per cost "
         "centre and income or expense account, an annual amount profiled <code>flat</code> (twelfths by "
         "cumulative rounding) or by <code>months</code>. A problem refuses the whole text, naming its line, and "
         "what you entered stays here. The draft becomes the budget of record when someone other than you "
         "approves it.</p></section>";
  return out;
}

Response WebApp::Impl::LedgerBudgetSet(const Request& r, const Caller& c) const {
  auto entity = LedgerEntityOf(r, c, Action::kManageBudget);
  if (!entity || !ledger.with_store) return NotFound(c);
  if (!CsrfOk(r, c)) return Problem(c, 403, "Refused", "The form had expired; go back and try again.");
  auto form = ParseForm(r.body);
  form.erase("csrf");  // never echoed back into the page
  const std::string code(entity->view());
  const std::string text = FormValue(form, "budget");
  const std::string reason(Trim(FormValue(form, "reason")));
  auto year = FinancialYear::Parse(Trim(FormValue(form, "year")));
  std::string problem;
  std::vector<ledger::BudgetLine> lines;
  if (!year.ok()) problem = "The financial year must be written 2018/19.";
  else if (reason.empty()) problem = "Say why the budget is set (who asked, which plan).";
  if (problem.empty()) {
    // The store names the same "budget:LINE" for a cost centre or account
    // not in the chart as the reader does for a malformed line.
    auto parsed = ledger::ParseBudgetFile(text, "budget");
    if (!parsed.ok()) problem = parsed.error().ToString() + ".";
    else lines = std::move(parsed).value();
  }
  int64_t version = 0;
  if (problem.empty()) {
    Status s = WriteLedger(code, [&](ledger::LedgerStore& db) -> Status {
      CSU_ASSIGN_OR_RETURN(v, db.SetBudget(code, year.value(), lines, reason, "budget", ActorOf(c)));
      version = v;
      return Status::Ok();
    });
    if (!s.ok()) problem = s.error().ToString() + ".";
  }
  if (!problem.empty())
    return LedgerViewFor(r, c, "budget", 400, "Not set (nothing was stored): " + problem, true, form);
  if (!Audit(c, "ledger.budget.set", code,
             {{"entity", code}, {"year", year.value().ToString()}, {"version", version},
              {"sha256", store::Sha256Hex(text)}, {"lines", lines.size()}, {"reason", reason}, {"source", "web"}})
           .ok())
    return Problem(c, 503, "Not recorded", "The budget was set but the audit log could not be written.");
  return Redirect(LedgerBaseOf(r, *entity) + "/budget?period=" + UrlEncode(FormValue(form, "period")) + "&done=" +
                  UrlEncode("Budget " + year.value().ToString() + " version " + std::to_string(version) +
                            " is a draft: another person approves it"));
}

Response WebApp::Impl::LedgerBudgetApprove(const Request& r, const Caller& c) const {
  auto entity = LedgerEntityOf(r, c, Action::kManageBudget);
  if (!entity || !ledger.with_store) return NotFound(c);
  if (!CsrfOk(r, c)) return Problem(c, 403, "Refused", "The form had expired; go back and try again.");
  const auto form = ParseForm(r.body);
  const std::string code(entity->view());
  auto year = FinancialYear::Parse(FormValue(form, "year"));
  auto version = ParseInt(FormValue(form, "version"));
  std::string problem;
  ledger::BudgetVersion approved;
  if (!year.ok() || !version || *version <= 0) problem = "Choose a draft version.";
  if (problem.empty()) {
    Status s = WriteLedger(code, [&](ledger::LedgerStore& db) -> Status {
      // Who set it and who approves it are read and checked under the same
      // lock as the approval, so no one approves between the two.
      CSU_ASSIGN_OR_RETURN(vs, db.BudgetVersions(code, year.value()));
      for (const ledger::BudgetVersion& v : vs)
        if (v.version == *version && v.set_by == c.who.username)
          return MakeError(code + " budget " + year.value().ToString() + " version " + std::to_string(*version),
                           "the person who set a budget cannot approve it: another person must (segregation of "
                           "duties)");
      CSU_ASSIGN_OR_RETURN(v, db.ApproveBudget(code, year.value(), *version, ActorOf(c)));
      approved = std::move(v);
      return Status::Ok();
    });
    if (!s.ok()) problem = s.error().ToString() + ".";
  }
  if (!problem.empty()) return LedgerViewFor(r, c, "budget", 400, "Not approved: " + problem, true);
  if (!Audit(c, "ledger.budget.approve", code,
             {{"entity", code}, {"year", year.value().ToString()}, {"version", *version},
              {"income_pence", approved.income.pence()}, {"expenditure_pence", approved.expenditure.pence()},
              {"source", "web"}})
           .ok())
    return Problem(c, 503, "Not recorded", "The budget was approved but the audit log could not be written.");
  return Redirect(LedgerBaseOf(r, *entity) + "/budget?period=" + UrlEncode(FormValue(form, "period")) + "&done=" +
                  UrlEncode("Budget " + year.value().ToString() + " version " + std::to_string(*version) +
                            " is approved"));
}

}  // namespace csu::web
