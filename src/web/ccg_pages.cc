// A CCG's pages and their JSON twins: the CSU overview, the CCG home page
// with its SPC chart, view pages, the records behind a figure, exports and
// the challenge form (docs/web.md).
#include "core/text.h"
#include "analytics/challenge_pack.h"
#include "pricing/price_explanation.h"
#include "web/figures.h"
#include "web/templates.h"
#include "web/web_app_impl.h"

namespace csu::web {

namespace {

// Every value of `key` in a form body (checkboxes repeat their name).
std::vector<std::string> FormValues(std::string_view body, std::string_view key) {
  std::vector<std::string> out;
  while (!body.empty()) {
    const size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    const size_t eq = pair.find('=');
    auto k = http::PercentDecode(pair.substr(0, eq), true);
    auto v = http::PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (k && v && *k == key && !v->empty()) out.push_back(std::move(*v));
  }
  return out;
}

}  // namespace

namespace {

// The loaded table row of a record challenge's id ("rule:kind:batch:row",
// the row counted in its batch), and its kind; nullopt for an aggregate
// challenge (fu-ratio) or a record no longer loaded.
std::optional<std::pair<ingest::ExtractKind, size_t>> ChallengedRow(const pricing::PricedActivity& a,
                                                                    std::string_view id) {
  const std::vector<std::string_view> parts = Split(id, ':');
  if (parts.size() != 4) return std::nullopt;
  auto kind = ingest::ParseKind(parts[1]);
  auto batch = ParseInt(parts[2]);
  auto row = ParseInt(parts[3]);
  if (!kind.ok() || !batch || !row || *row < 0) return std::nullopt;
  const store::CommonColumns& t = kind.value() == ingest::ExtractKind::kApc  ? static_cast<const store::CommonColumns&>(a.tables.apc)
                                  : kind.value() == ingest::ExtractKind::kOp ? static_cast<const store::CommonColumns&>(a.tables.op)
                                                                             : static_cast<const store::CommonColumns&>(a.tables.ae);
  // Tables built in memory (no batch ranges) name their rows batch 0, as
  // the challenge rules do (analytics/challenges.cc, Origin).
  if (t.batches.empty() && *batch == 0 && static_cast<uint64_t>(*row) < t.source_row.size() &&
      t.source_row[static_cast<size_t>(*row)] == static_cast<uint32_t>(*row))
    return std::pair{kind.value(), static_cast<size_t>(*row)};
  for (const store::BatchRange& range : t.batches) {
    if (range.batch_id != *batch) continue;
    // Rows of one batch keep their file order: the source rows are sorted.
    if (static_cast<uint64_t>(*row) > UINT32_MAX) continue;
    if (auto found = t.source_row.Find(range.first_row, range.rows, static_cast<uint32_t>(*row)))
      return std::pair{kind.value(), *found};
  }
  return std::nullopt;
}

}  // namespace

Response WebApp::Impl::SetChallenge(const Request& r, const Caller& c) const {
  auto ccg = Tenant(r, c, Action::kSetChallengeStatus, Identifiability::kAggregate);
  if (!ccg) return NotFound(c);
  if (!CsrfOk(r, c)) return Problem(c, 403, "Refused", "The form had expired; go back and try again.");
  const auto form = ParseForm(r.body);
  const auto field = [&form](const char* k) { return FormValue(form, k); };
  std::vector<std::string> ids = FormValues(r.body, "id");
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  const std::string status = field("status");
  std::optional<int> month;
  if (const std::string m = field("month"); m.size() <= 2 && !m.empty() &&
                                            std::all_of(m.begin(), m.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
    if (const int v = std::stoi(m); v >= 1 && v <= 12) month = v;
  const Status s = views().SetChallengeStatuses(ViewRequestFor(*ccg, "challenges", 12), ids, status, field("note"),
                                              c.who.username);
  if (!s.ok()) {
    // The page again, with the note and the ticks as they were: a refusal
    // must not cost the user what they wrote.
    ChallengeForm kept{s.error().ToString(), field("note"), std::set<std::string>(ids.begin(), ids.end())};
    if (!tenancy::Grants(c.who.role, Action::kView, Identifiability::kRecordLevel))
      return Problem(c, 400, "Challenge not recorded", kept.error);
    return ViewPageFor(r, c, "challenges", month, kept, 400);
  }
  const std::string what = ids.size() == 1 ? ids[0] : WithThousands(static_cast<int64_t>(ids.size())) + " challenges";
  return Redirect("/ccg/" + std::string(ccg->view()) + "/view/challenges?" +
                  (month ? "month=" + std::to_string(*month) + "&" : std::string()) + "done=" + UrlEncode(what + " " + status));
}

std::optional<int> WebApp::Impl::MonthOf(const Request& r) {
  auto m = r.Query("month");
  if (!m || m->empty()) return 0;
  if (m->size() > 2) return std::nullopt;
  int v = 0;
  for (char ch : *m) {
    if (ch < '0' || ch > '9') return std::nullopt;
    v = v * 10 + (ch - '0');
  }
  if (v < 1 || v > 12) return std::nullopt;
  return v;
}

analytics::ViewRequest WebApp::Impl::ViewRequestFor(const OdsCode& ccg, std::string view, int month) const {
  analytics::ViewRequest v;
  v.view = std::move(view);
  v.commissioner = std::string(ccg.view());
  v.year = options.year;
  v.month = month;
  v.rag = options.rag;
  return v;
}

std::string WebApp::Impl::MonthForm(const std::string& action, int month, const std::string& extra_hidden) const {
  std::string h = "<form class=\"filters\" method=\"get\" action=\"" + Escape(action) +
                  "\"><div><label for=\"month\">Month</label><select id=\"month\" name=\"month\">";
  for (int m = 1; m <= 12; ++m) {
    h += "<option value=\"" + std::to_string(m) + "\"" + (m == month ? " selected" : "") + ">" +
         std::string(FinancialYear::MonthName(m)) + " " + std::to_string(options.year.start_year() + (m >= 10)) +
         "</option>";
  }
  h += "</select></div>" + extra_hidden + "<div><button class=\"primary\" type=\"submit\">Show</button></div></form>";
  return h;
}

std::string WebApp::Impl::Subtitle(const OdsCode& ccg, const analytics::ViewScope& s) const {
  return CcgName(ccg) + " (" + std::string(ccg.view()) + ") · " + std::string(FinancialYear::MonthName(s.month)) + " " +
         std::to_string(options.year.start_year() + (s.month >= 10)) + ", month " + std::to_string(s.month) + " of " +
         options.year.ToString();
}

Response WebApp::Impl::Home(const Request&, const Caller& c) const {
  // A practice's home is its own claims page, the CCG primary care team's
  // the claims awaiting it: neither sees the CCG's commissioning figures.
  if (tenancy::IsPracticeRole(c.who.role) || c.who.role == Role::kCcgPrimaryCare)
    return Redirect("/ccg/" + std::string(c.who.tenant.view()) + "/primary-care/claims");
  // A CCG's HR staff see its staff and pay, never its commissioning figures.
  if (c.who.role == Role::kCcgHr) return Redirect("/payroll/" + std::string(c.who.tenant.view()) + "/staff");
  if (!tenancy::IsCsuRole(c.who.role)) return Redirect("/ccg/" + std::string(c.who.tenant.view()));
  // The commissioning figures are for the roles granted the views; CSU staff
  // of other services (payroll, CHC, primary care) get their CCGs and services.
  const bool figures = tenancy::Grants(c.who.role, Action::kView, Identifiability::kAggregate);
  std::string body = figures ? "<p>The CCGs you work for. Figures are year to date at national tariff.</p>\n"
                             : "<p>The CCGs you work for, and your services for each.</p>\n";
  report::ReportTable t("Your CCGs", {{"ccg", report::ColumnType::kText, "CCG"},
                                      {"name", report::ColumnType::kText, "Name"}});
  if (figures)
    for (auto [name, label] : {std::pair{"plan", "Plan to date"}, {"actual", "Actual to date"},
                               {"variance", "Variance"}, {"forecast", "Forecast outturn"}})
      t.columns.push_back({name, report::ColumnType::kMoney, label});
  // One column per service page the user may open for a CCG (the ledger
  // for finance staff, procurement, continuing healthcare), linked.
  const std::vector<OdsCode> tenants = VisibleTenants(c);
  if (tenants.empty()) {
    // An analyst or finance user works for the CCGs an administrator
    // assigns; an empty table would read as "no figures this period".
    PageFrame f = Frame(c, "CSU overview", "Financial year " + options.year.ToString());
    f.nav = CsuNav(c, "home");
    return Response::Html(200, RenderPage(f, "<p>You are not assigned to any CCG yet. Ask a CSU administrator to "
                                             "assign you the CCGs you work for (on the Users page, or "
                                             "<code>csu users assign</code>).</p>"));
  }
  std::vector<std::vector<NavLink>> services;
  for (const OdsCode& ccg : tenants) services.push_back(ServiceLinks(c, ccg, ""));
  const size_t first_service = t.columns.size();
  // Every CCG of a user offers the same services (they follow the role).
  const size_t service_count = services.empty() ? 0 : services.front().size();
  for (size_t k = 0; k < service_count; ++k)
    t.columns.push_back({"service", report::ColumnType::kText, services.front()[k].label});
  // On a partitioned node the figures of CCGs held elsewhere come from
  // their owners (partition_routes.cc); a group neither owner answered
  // leaves its CCGs' cells empty and is named above the table.
  std::vector<std::string> problems;
  const analytics::OverviewByCcg overview = figures ? OverviewOf(tenants, problems) : analytics::OverviewByCcg{};
  for (const std::string& p : problems)
    body += NoticePanel("Figures missing below: " + p + ". Try again in a minute; if it keeps failing, tell the "
                        "CSU's service desk.",
                        true);
  for (size_t i = 0; i < tenants.size(); ++i) {
    const OdsCode& ccg = tenants[i];
    std::vector<report::Cell> row = {report::Cell::Text(std::string(ccg.view())), report::Cell::Text(CcgName(ccg))};
    if (figures) {
      if (auto it = overview.find(std::string(ccg.view())); it != overview.end()) {
        const analytics::OverviewFigures& v = it->second;
        for (int64_t pence : {v.plan_ytd_pence, v.actual_ytd_pence, v.actual_ytd_pence - v.plan_ytd_pence,
                              v.forecast_profiled_pence})
          row.push_back(report::Cell::Pence(pence));
      } else {
        row.resize(first_service);
      }
    }
    for (size_t k = first_service; k < t.columns.size(); ++k)
      row.push_back(k - first_service < services[i].size() ? report::Cell::Text("Open") : report::Cell{});
    t.AddRow(std::move(row));
  }
  body += TableHtml(t, [&](const report::ReportTable& table, size_t row, size_t col) -> std::string {
    if (col == 0) return figures ? "/ccg/" + table.rows[row][0].text : "";
    if (col >= first_service && col - first_service < services[row].size()) return services[row][col - first_service].href;
    return "";
  });
  PageFrame f = Frame(c, "CSU overview", "Financial year " + options.year.ToString());
  f.nav = CsuNav(c, "home");
  return Response::Html(200, RenderPage(f, body));
}

std::string WebApp::Impl::RecordsLink(const OdsCode& ccg, std::string_view provider, std::string_view pod,
                                      int month) const {
  return "/ccg/" + std::string(ccg.view()) + "/records?provider=" + UrlEncode(provider) + "&pod=" + UrlEncode(pod) +
         "&month=" + std::to_string(month);
}

std::string WebApp::Impl::LineCharts(const Request& r, const OdsCode& ccg, int month) const {
  const std::string provider(r.Query("f_provider").value_or(""));
  const std::string pod_text(r.Query("f_pod").value_or(""));
  if (provider.empty() || pod_text.empty()) return "";
  const std::optional<pricing::Pod> pod = contracts::ParsePod(ToUpper(pod_text));
  if (!pod) return "";  // TOTAL, READM, MRET, NP: not one line's activity
  analytics::ViewRequest v = ViewRequestFor(ccg, "monitoring", month);
  v.provider = ToUpper(provider);
  v.pod = pod;
  auto months = views().LineMonthly(v);
  if (!months.ok() || months.value().size() < 2)
    return "<p class=\"note\">A chart needs at least two months of the year.</p>";
  std::string out = "<h2>" + Escape(v.provider + " " + std::string(pricing::PodCode(*pod))) + " by month</h2>\n";
  for (const bool money : {false, true}) {
    std::vector<spc::Observation> series;
    for (const auto& m : months.value())
      series.push_back({m.period, money ? double(m.pence) / 100.0 : double(m.activity)});
    spc::XmrOptions o;
    o.improvement = spc::Improvement::kNeutral;
    auto chart = spc::CalculateXmr(std::move(series), o);
    if (!chart.ok()) {
      out += "<p class=\"note\">" + Escape(chart.error().ToString()) + "</p>";
      continue;
    }
    spc::SvgChartOptions so;
    so.title = v.provider + " " + std::string(pricing::PodCode(*pod)) + (money ? ": £ by month" : ": activity by month");
    so.x_label = "Month";
    so.y_label = money ? "Actual" : "Activity";
    so.units = money ? "£" : "";
    out += "<div class=\"chart\">" + spc::SvgChart(chart.value(), so) + "</div>\n";
  }
  return out + "<p class=\"note\">XmR charts (Making Data Count): limits from the average moving range of the "
               "months shown; coloured points are special cause.</p>";
}

std::string WebApp::Impl::AeChart(const analytics::ViewScope& scope, const OdsCode& ccg) const {
  const std::vector<analytics::MeasurePoint>& weeks = *AeWeeksOf(scope);
  if (weeks.size() < 2) return "<p>Not enough A&amp;E attendances this year for a chart.</p>";
  std::vector<spc::Observation> series;
  for (const auto& w : weeks) series.push_back({w.period, w.value()});
  spc::XmrOptions o;
  o.improvement = spc::Improvement::kIncrease;
  o.target = 95.0;
  auto chart = spc::CalculateXmr(std::move(series), o);
  if (!chart.ok()) return "<p>" + Escape(chart.error().ToString()) + "</p>";
  spc::SvgChartOptions so;
  so.title = "A&E attendances within 4 hours, by week: " + std::string(ccg.view());
  so.x_label = "Week starting";
  so.y_label = "Within 4 hours";
  so.units = "%";
  return "<div class=\"chart\">" + spc::SvgChart(chart.value(), so) + "</div>";
}

Response WebApp::Impl::CcgHome(const Request& r, const Caller& c) const {
  auto ccg = Tenant(r, c, Action::kView, Identifiability::kAggregate);
  if (!ccg) return NotFound(c);
  auto month = MonthOf(r);
  if (!month) return Problem(c, 400, "Bad request", "month must be a financial month, 1 (April) to 12 (March)");
  auto h = HeadlineOf(*ccg, *month);
  PageFrame f = Frame(c, CcgName(*ccg));
  f.nav = CcgNav(c, *ccg, "home");
  if (!h.ok()) return Response::Html(200, RenderPage(f, "<p>" + Escape(h.error().why) + ".</p>"));
  const analytics::Headline& v = *h.value();
  f.subtitle = Subtitle(*ccg, v.scope);
  // After the contract rules, like the monitoring view's ALL row and the
  // forecast beside it: a CCG is over or under plan by what it pays.
  const int64_t variance = v.payable_ytd_pence - v.plan_ytd_pence;
  std::string body = MonthForm("/ccg/" + std::string(ccg->view()), v.scope.month);
  body += "<div class=\"cards\">";
  body += CardHtml("Spend to date", Pounds(v.actual_ytd_pence),
                   "at tariff, before contract rules; plan " + Pounds(v.plan_ytd_pence) + " across " +
                       WithThousands(v.contracts) + " contracts");
  body += CardHtml("Variance to plan", (variance > 0 ? "+" : "") + Pounds(variance),
                   variance > 0   ? "over plan, after contract rules"
                   : variance < 0 ? "under plan, after contract rules"
                                  : "on plan, after contract rules",
                   variance > 0   ? "over"
                   : variance < 0 ? "under"
                                  : "");
  body += CardHtml(
      "Forecast outturn", Pounds(v.forecast_profiled_pence),
      "profiled; run rate " + Pounds(v.forecast_run_rate_pence) + "; annual plan " + Pounds(v.annual_plan_pence));
  body += CardHtml("Payable after contract rules", Pounds(v.payable_ytd_pence), "30-day readmissions and MRET applied");
  body += CardHtml("Non-contract activity", Pounds(v.non_contract_ytd_pence), "to date, providers without a contract");
  const bool may_see_records = tenancy::Grants(c.who.role, Action::kView, Identifiability::kRecordLevel);
  body +=
      CardHtml("Challenges raised", WithThousands(v.challenges),
               Pounds(v.challenges_at_stake_pence) + " at stake" + (may_see_records ? "" : " (details need record access)"));
  body += "</div>\n";
  report::ReportTable top("Largest variances to date", {{"provider", report::ColumnType::kText, "Provider"},
                                                        {"name", report::ColumnType::kText, "Name"},
                                                        {"pod", report::ColumnType::kText, "POD"},
                                                        {"plan", report::ColumnType::kMoney, "Plan to date"},
                                                        {"actual", report::ColumnType::kMoney, "Actual to date"},
                                                        {"variance", report::ColumnType::kMoney, "Variance"}});
  for (const auto& tv : v.top_variances) {
    const refdata::Trust* trust = ref.FindTrust(tv.provider);
    top.AddRow({report::Cell::Text(std::string(tv.provider.view())), report::Cell::Text(trust ? trust->name : ""),
                report::Cell::Text(tv.pod == pricing::Pod::kNone ? "NP" : std::string(pricing::PodCode(tv.pod))),
                report::Cell::Pence(tv.plan_ytd_pence), report::Cell::Pence(tv.actual_ytd_pence),
                report::Cell::Pence(tv.variance_pence())});
  }
  const int m = v.scope.month;
  const OdsCode code = *ccg;
  body += TableHtml(top, [this, may_see_records, code, m](const report::ReportTable& t, size_t row, size_t col) {
    if (!may_see_records || col != 4) return std::string();
    return RecordsLink(code, t.rows[row][0].text, t.rows[row][2].text, m);
  });
  body += "<h2>A&amp;E 4-hour performance</h2>\n" + AeChart(v.scope, *ccg);
  body +=
      "<p class=\"note\">Statistical process control (XmR, Making Data Count): limits from the average moving "
      "range; coloured points are special cause. Target 95%.</p>";
  return Response::Html(200, RenderPage(f, body));
}

CellLink WebApp::Impl::DrillLinks(const Caller& c, const OdsCode& ccg, const std::string& view, int month) const {
  if (view == "summary") {
    // A contract's row opens its POD lines (the ALL row: every line).
    const std::string lines = "/ccg/" + std::string(ccg.view()) + "/view/monitoring?month=" + std::to_string(month);
    return [lines](const report::ReportTable& t, size_t row, size_t col) -> std::string {
      const size_t provider = t.ColumnIndex("provider");
      if (provider == t.columns.size()) return "";
      const std::string& name = t.columns[col].name;
      if (name != "provider" && name != "provider_name") return "";
      const std::string& code = t.rows[row][provider].text;
      if (t.IsTotalRow(row)) return name == "provider" ? lines : "";
      return code.empty() ? "" : lines + "&f_provider=" + UrlEncode(code);
    };
  }
  if (view != "monitoring" || !tenancy::Grants(c.who.role, Action::kView, Identifiability::kRecordLevel)) return {};
  return [this, ccg, month](const report::ReportTable& t, size_t row, size_t col) -> std::string {
    const size_t provider = t.ColumnIndex("provider"), pod = t.ColumnIndex("pod");
    if (provider == t.columns.size() || pod == t.columns.size() || t.IsTotalRow(row)) return "";
    const std::string& name = t.columns[col].name;
    if (name != "actual_ytd_activity" && name != "actual_ytd") return "";
    const std::string& p = t.rows[row][pod].text;
    if (p == "TOTAL" || p == "ALL" || p == "READM" || p == "MRET") return "";
    // "NP spells", "NP appointments", "NP attendances": the provider's
    // not-priced records (the drill-down lists every kind).
    return RecordsLink(ccg, t.rows[row][provider].text, p.rfind("NP", 0) == 0 ? "NP" : p, month);
  };
}

TableOptions WebApp::Impl::ViewTableOptions(const std::string& base, const std::string& view, int month) {
  TableOptions o;
  o.path = base + "/view/" + view;
  o.keep = {{"month", std::to_string(month)}};
  // The band is on the figure people ask "which are over £X" of: the year
  // to date in monitoring, the amount at stake in challenges, spend.
  if (view == "summary" || view == "monitoring" || view == "nca") o.value_column = "actual_ytd";
  // POD lines are wide (a month, the year to date, the forecast): the reader
  // hides the groups they do not need rather than scrolling past them.
  if (view == "monitoring")
    o.column_groups = {
        {"month", "This month", {"plan_month_activity", "actual_month_activity", "plan_month", "actual_month"}},
        {"ytd_activity", "Year to date activity", {"plan_ytd_activity", "actual_ytd_activity", "variance_ytd_activity"}},
        {"variance_split", "Volume and price variance", {"volume_variance", "price_variance"}},
        {"forecast", "Forecast", {"forecast_run_rate", "forecast_profiled", "plan_year"}}};
  // The summary's status is a choice of Red, Amber and Green.
  if (view == "summary") {
    o.filter_columns = {"status"};
    // It must fit a 1366 px screen without scrolling sideways: contract
    // totals in whole pounds (pence are noise there; the tooltip has them),
    // the provider's name cut at 11 rem (whole in its tooltip).
    o.money = MoneyUnit::kPounds;
    o.sticky_max_rem = 11;
  }
  if (view == "challenges") {
    o.value_column = "at_stake";
    // Largest first, by absolute money, so a list opens on what matters.
    o.default_sort = "at_stake";
    o.default_direction = SortDirection::kLargestFirst;
    // £0 challenges (a duplicate appointment paid nothing) are hidden until
    // min=0 asks for them: they need no money back.
    o.default_min_pence = 1;
  }
  if (view == "spend" || view == "flows") o.value_column = "spend";
  return o;
}

Response WebApp::Impl::ViewPage(const Request& r, const Caller& c) const {
  return ViewPageFor(r, c, std::string(r.PathParam("view")), std::nullopt, ChallengeForm{}, 200);
}

Response WebApp::Impl::ViewPageFor(const Request& r, const Caller& c, const std::string& view,
                                   std::optional<int> month_override, const ChallengeForm& action, int status) const {
  const auto page = std::find_if(kViewPages.begin(), kViewPages.end(), [&](const auto& p) { return p.first == view; });
  const Identifiability level =
      analytics::IsRecordLevel(view) ? Identifiability::kRecordLevel : Identifiability::kAggregate;
  auto ccg = Tenant(r, c, Action::kView, level);
  if (!ccg || page == kViewPages.end()) return NotFound(c);
  auto month = month_override ? std::optional<int>(*month_override) : MonthOf(r);
  if (!month) return Problem(c, 400, "Bad request", "month must be a financial month, 1 (April) to 12 (March)");
  PageFrame f = Frame(c, page->second);
  f.nav = CcgNav(c, *ccg, view);
  auto built = ViewOf(*ccg, view, *month);
  if (!built.ok()) return Response::Html(200, RenderPage(f, "<p>" + Escape(built.error().why) + ".</p>"));
  const analytics::ViewResult& result = *built.value();
  const analytics::ViewScope& s = result.scope;
  f.subtitle = Subtitle(*ccg, s);
  const std::string base = "/ccg/" + std::string(ccg->view());
  std::string body = MonthForm(base + "/view/" + view, s.month);
  body += "<div class=\"actions\">";
  if (tenancy::Grants(c.who.role, Action::kExport, level)) {
    for (const char* format : {"csv", "xlsx"})
      body += "<a class=\"button secondary\" href=\"" + base + "/export/" + view + "/" + format +
              "?month=" + std::to_string(s.month) + "\">Download " + (std::string(format) == "csv" ? "CSV" : "Excel") +
              "</a>";
  }
  body += "<a href=\"/api/v1" + base + "/view/" + view + "?month=" + std::to_string(s.month) +
          "\">This page as JSON</a></div>\n";
  if (view == "challenges" && !result.tables.empty()) {
    // A provider's challenges as a pack for the contract meeting: a plain
    // GET form, so it works without script and the pack's link can be kept.
    std::set<std::string> providers;
    const report::ReportTable& t = result.tables[0];
    for (size_t row = 0; row < t.rows.size(); ++row)
      if (const report::Cell* p = t.Find(row, "provider"); p && !p->text.empty()) providers.insert(p->text);
    if (!providers.empty()) {
      std::vector<std::pair<std::string, std::string>> choices;
      for (const std::string& p : providers) {
        auto code = OdsCode::Parse(p);
        const refdata::Trust* trust = code.ok() ? ref.FindTrust(code.value()) : nullptr;
        choices.emplace_back(p, trust ? p + " " + trust->name : p);
      }
      const std::string chosen(r.Query("f_provider").value_or(""));
      body += "<form class=\"filters\" method=\"get\" action=\"" + base + "/challenge-pack\">" +
              "<input type=\"hidden\" name=\"month\" value=\"" + std::to_string(s.month) + "\">" +
              SelectField("pack-provider", "provider", "Challenge pack for the contract meeting", choices,
                          ToUpper(chosen)) +
              "<div><button class=\"primary\" type=\"submit\">Open the pack</button></div></form>\n";
    }
  }
  const bool acts = view == "challenges" &&
                   tenancy::Grants(c.who.role, Action::kSetChallengeStatus, Identifiability::kAggregate);
  if (acts) {
    // No id is typed: the rows are ticked in the table (their checkboxes
    // belong to this form through form=), one note, one button per outcome.
    const std::string done(r.Query("done").value_or(""));
    if (!action.error.empty()) body += NoticePanel("Not recorded: " + action.error, true);
    else if (!done.empty()) body += NoticePanel("Recorded: " + done + ".", false);
    body += "<form id=\"challenge-action\" class=\"filters challenge-action\" method=\"post\" action=\"" + base +
            "/challenges\">" + CsrfField(CsrfTokenFor(c.session_token)) +
            "<input type=\"hidden\" name=\"month\" value=\"" + std::to_string(s.month) + "\">" +
            InputField("note", "note", "Note (why; needed to agree or reject)", "text", action.note,
                       "size=\"48\" maxlength=\"1000\"") +
            "<div><button class=\"primary\" type=\"submit\" name=\"status\" value=\"agreed\">Agree ticked</button></div>"
            "<div><button class=\"primary\" type=\"submit\" name=\"status\" value=\"rejected\">Reject ticked</button></div>"
            "<div><button class=\"primary\" type=\"submit\" name=\"status\" value=\"raised\">Query ticked "
            "(keep raised)</button></div></form>\n"
            "<p class=\"note\">Tick the challenges in the table (the box beside each), write why, then agree, "
            "reject or query them with the provider. Ticks on other pages of the table are not sent.</p>";
  }
  // Figures before the table they draw: shares of spend as bars, where each
  // practice's patients went as a shaded matrix (web/figures.h).
  if (view == "spend" && !result.tables.empty()) body += ShareBarsHtml(result.tables[0]);
  if (view == "flows" && !result.tables.empty()) body += FlowMatrixHtml(result.tables[0]);
  // The first table follows the table convention (its parameters are in the
  // URL, so only one table a page can own them); any other is shown whole.
  for (size_t i = 0; i < result.tables.size(); ++i) {
    if (i > 0) {
      body += TableHtml(result.tables[i], DrillLinks(c, *ccg, view, s.month));
      continue;
    }
    TableOptions table_options = ViewTableOptions(base, view, s.month);
    if (acts) {
      table_options.select_form = "challenge-action";
      table_options.select_column = "id";
      table_options.selected = action.selected;
    }
    if (view == "challenges") {
      // Each record's challenge explains the record's price beside its
      // reason, for the page's rows only.
      table_options.cell_details = [this](const report::ReportTable& t, size_t row, size_t col) -> std::string {
        if (t.columns[col].name != "reason") return "";
        const report::Cell* id = t.Find(row, "id");
        if (!id) return "";
        auto at = ChallengedRow(views().activity(), id->text);
        return at ? pricing::ExplainTableRow(views().activity(), ref, at->first, at->second) : "";
      };
    }
    auto table = InteractiveTableHtml(result.tables[i], r.query, table_options, DrillLinks(c, *ccg, view, s.month));
    if (!table.ok()) return Problem(c, 400, "Bad request", table.error().ToString());
    body += table.value();
  }
  // One contract line (a provider and a POD): its months as XmR charts,
  // activity and £, to see a change rather than read it.
  if (view == "monitoring") body += LineCharts(r, *ccg, s.month);
  // Audited once the page is built: a request refused for a bad parameter
  // showed nothing.
  if (level == Identifiability::kRecordLevel) {
    if (!Audit(c, "web.view", view, {{"ccg", ccg->view()}, {"month", s.month}, {"record_level", true}}).ok())
      return Problem(c, 503, "Not available", "The audit log could not be written, so this page is withheld.");
  }
  return Response::Html(status, RenderPage(f, body));
}

namespace {

// A positive whole number of at most 9 digits (no sign, no spaces); nullopt otherwise.
std::optional<size_t> PositiveNumber(std::string_view text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  size_t v = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9') return std::nullopt;
    v = v * 10 + static_cast<size_t>(ch - '0');
  }
  if (v == 0) return std::nullopt;
  return v;
}

std::string PodText(const std::optional<pricing::Pod>& pod) {
  if (!pod) return "";
  return *pod == pricing::Pod::kNone ? "NP" : std::string(pricing::PodCode(*pod));
}

std::string Thousands(size_t n) { return WithThousands(static_cast<int64_t>(n)); }

}  // namespace

Result<analytics::ViewRequest> WebApp::Impl::RecordsRequest(const Request& r, const OdsCode& ccg,
                                                            size_t default_limit, size_t max_limit) const {
  auto month = MonthOf(r);
  if (!month) return Error{"month", "a financial month, 1 (April) to 12 (March)"};
  analytics::ViewRequest v = ViewRequestFor(ccg, "records", *month);
  auto provider = r.Query("provider");
  if (!provider || provider->empty()) return Error{"provider", "name the provider to drill down to"};
  v.provider = std::string(*provider);
  if (auto pod = r.Query("pod"); pod && !pod->empty()) {
    v.pod = contracts::ParsePod(*pod);
    if (!v.pod && *pod != "NP") return Error{"pod", "not a point of delivery"};
    if (!v.pod) v.pod = pricing::Pod::kNone;
  }
  v.month_only = r.Query("month_only").value_or("") == "1";
  size_t page = 1, limit = default_limit;
  if (auto p = r.Query("page"); p && !p->empty()) {
    auto n = PositiveNumber(*p);
    if (!n) return Error{"page", "a page number from 1"};
    page = *n;
  }
  if (auto l = r.Query("limit"); l && !l->empty()) {
    auto n = PositiveNumber(*l);
    if (!n || *n > max_limit) return Error{"limit", "records per answer, 1 to " + std::to_string(max_limit)};
    limit = *n;
  }
  v.first_record = (page - 1) * limit;  // at most 999,999,999 × 5,000: no overflow in 64 bits
  v.max_records = limit;
  return v;
}

std::string WebApp::Impl::RecordsPageLink(const std::string& base, const analytics::ViewRequest& v, int month,
                                          size_t page, size_t limit, size_t default_limit) {
  std::string link = base + "?provider=" + UrlEncode(v.provider);
  if (v.pod) link += "&pod=" + UrlEncode(PodText(v.pod));
  link += "&month=" + std::to_string(month);
  if (v.month_only) link += "&month_only=1";
  if (limit != default_limit) link += "&limit=" + std::to_string(limit);
  return link + "&page=" + std::to_string(page);
}

nlohmann::json WebApp::Impl::RecordsAuditDetails(const OdsCode& ccg, const analytics::ViewRequest& v,
                                                 const analytics::ViewResult& built) {
  const size_t shown = built.tables.empty() ? 0 : built.tables[0].rows.size();
  return {{"ccg", ccg.view()},
          {"provider", v.provider},
          {"pod", v.pod ? PodText(v.pod) : "all"},
          {"month", built.scope.month},
          {"months", v.month_only ? "month" : "year to date"},
          {"page", v.first_record / v.max_records + 1},
          {"records", shown},
          {"of", built.records_matching},
          {"record_level", true}};
}

Response WebApp::Impl::RecordsPage(const Request& r, const Caller& c) const {
  auto ccg = Tenant(r, c, Action::kView, Identifiability::kRecordLevel);
  if (!ccg) return NotFound(c);
  auto request = RecordsRequest(r, *ccg, kRecordsPerPage, kRecordsPerPage);
  if (!request.ok()) return Problem(c, 400, "Bad request", request.error().ToString());
  // The page answers "why did this record cost £X?" beside each record: the
  // explanation of its 1,000 rows only (a few hundred bytes each).
  request.value().explain = true;
  const analytics::ViewRequest& v = request.value();
  auto built = views().Build(v);
  PageFrame f = Frame(c, "Records behind the figure");
  f.nav = CcgNav(c, *ccg, "");
  if (!built.ok()) return Response::Html(200, RenderPage(f, "<p>" + Escape(built.error().why) + ".</p>"));
  if (!Audit(c, "web.view", "records", RecordsAuditDetails(*ccg, v, built.value())).ok())
    return Problem(c, 503, "Not available", "The audit log could not be written, so this page is withheld.");
  f.subtitle = Subtitle(*ccg, built.value().scope);
  const size_t total = built.value().records_matching;
  const size_t page = v.first_record / v.max_records + 1;
  const size_t pages = std::max<size_t>(1, (total + v.max_records - 1) / v.max_records);
  const std::string base = "/ccg/" + std::string(ccg->view()) + "/records";
  const int month = built.value().scope.month;
  std::string body =
      "<p>Pseudonymised records: no NHS numbers, names or dates of birth. Each row names its batch "
      "and row, and opens the explanation of its price (the text of <code>csu price explain</code>).</p>";
  std::string pager;
  if (page > 1)
    pager += "<a href=\"" +
             Escape(RecordsPageLink(base, v, month, std::min(page - 1, pages), v.max_records, kRecordsPerPage)) +
             "\" rel=\"prev\">Previous page</a> ";
  if (page < pages)
    pager += "<a href=\"" + Escape(RecordsPageLink(base, v, month, page + 1, v.max_records, kRecordsPerPage)) +
             "\" rel=\"next\">Next page</a>";
  for (report::ReportTable& t : built.value().tables) {
    const size_t from = std::min(total, v.first_record + (t.rows.empty() ? 0 : 1));
    const size_t to = v.first_record + t.rows.size();
    const std::string where =
        t.rows.empty() ? "No records on page " + std::to_string(page) + " of " + std::to_string(pages) + " (" +
                             Thousands(total) + " records in all)."
                       : "Records " + Thousands(from) + " to " + Thousands(to) + " of " + Thousands(total) + " (page " +
                             std::to_string(page) + " of " + std::to_string(pages) + ").";
    // Said above the table too, with the links: a page of 1,000 rows is
    // long, and the reader should know it is one of several before reading.
    body += "<p class=\"pager\">" + Escape(where) + (pager.empty() ? "" : " " + pager) + "</p>";
    t.notes.insert(t.notes.begin(), where);
    body += TableHtml(t);
  }
  if (!pager.empty()) body += "<nav class=\"pager\" aria-label=\"Pages of records\"><p>" + pager + "</p></nav>";
  return Response::Html(200, RenderPage(f, body));
}

// A workbook of `tables` as bytes (web_app_impl.h).
std::optional<std::string> XlsxBytes(const std::vector<report::ReportTable>& tables) {
  std::string path = (std::filesystem::temp_directory_path() / "csu-export-XXXXXX").string();
  const int fd = ::mkstemp(path.data());
  if (fd < 0) return std::nullopt;
  ::close(fd);
  const Status s = report::WriteXlsx(path, tables);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::filesystem::remove(path);
  if (!s.ok()) return std::nullopt;
  return bytes.str();
}

Response WebApp::Impl::Export(const Request& r, const Caller& c) const {
  const std::string view(r.PathParam("view"));
  const std::string format(r.PathParam("format"));
  const bool known = std::any_of(kViewPages.begin(), kViewPages.end(), [&](const auto& p) { return p.first == view; });
  const Identifiability level =
      analytics::IsRecordLevel(view) ? Identifiability::kRecordLevel : Identifiability::kAggregate;
  auto ccg = Tenant(r, c, Action::kExport, level);
  if (!ccg || !known || (format != "csv" && format != "xlsx")) return NotFound(c);
  auto month = MonthOf(r);
  if (!month) return Problem(c, 400, "Bad request", "month must be a financial month, 1 (April) to 12 (March)");
  auto built = ViewOf(*ccg, view, *month);
  if (!built.ok()) return Problem(c, 404, "Nothing to export", built.error().why);
  const analytics::ViewResult& result = *built.value();
  const int m = result.scope.month;
  if (!Audit(c, "web.export", view,
             {{"ccg", ccg->view()},
              {"month", m},
              {"format", format},
              {"record_level", level == Identifiability::kRecordLevel}})
           .ok())
    return Problem(c, 503, "Not available", "The audit log could not be written, so the export is withheld.");
  const std::string file = std::string(ccg->view()) + "-" + view + "-" + options.year.ToString().replace(4, 1, "-") +
                           "-m" + std::to_string(m) + "." + format;
  Response out(200);
  if (format == "csv") {
    out.set_body(report::RenderCsv(result.tables.at(0)));
    out.SetHeader("Content-Type", "text/csv; charset=utf-8");
  } else {
    auto workbook = XlsxBytes(result.tables);
    if (!workbook) return Problem(c, 500, "Export failed", "the workbook could not be written");
    out.set_body(std::move(*workbook));
    out.SetHeader("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  }
  out.SetHeader("Content-Disposition", "attachment; filename=\"" + file + "\"");
  return out;
}

Response WebApp::Impl::ApiCcgs(const Request&, const Caller& c) const {
  nlohmann::json list = nlohmann::json::array();
  for (const OdsCode& ccg : VisibleTenants(c)) list.push_back({{"code", ccg.view()}, {"name", CcgName(ccg)}});
  return Response::Json(200, nlohmann::json{{"year", options.year.ToString()}, {"ccgs", list}}.dump());
}

Response WebApp::Impl::ApiHome(const Request& r, const Caller& c) const {
  auto ccg = Tenant(r, c, Action::kView, Identifiability::kAggregate);
  if (!ccg) return ApiNotFound();
  auto month = MonthOf(r);
  if (!month) return Response::Error(400, "month must be 1 (April) to 12 (March)");
  auto h = HeadlineOf(*ccg, *month);
  if (!h.ok()) return Response::Error(404, h.error().why);
  const analytics::Headline& v = *h.value();
  nlohmann::json top = nlohmann::json::array();
  for (const auto& tv : v.top_variances)
    top.push_back({{"provider", tv.provider.view()},
                   {"pod", tv.pod == pricing::Pod::kNone ? "NP" : std::string(pricing::PodCode(tv.pod))},
                   {"plan_ytd_pence", tv.plan_ytd_pence},
                   {"actual_ytd_pence", tv.actual_ytd_pence},
                   {"variance_pence", tv.variance_pence()}});
  nlohmann::json weeks = nlohmann::json::array();
  for (const auto& w : *AeWeeksOf(v.scope))
    weeks.push_back({{"week", w.period}, {"attendances", w.denominator}, {"within_4_hours", w.numerator}});
  nlohmann::json j = {{"ccg", ccg->view()},
                      {"year", options.year.ToString()},
                      {"month", v.scope.month},
                      {"contracts", v.contracts},
                      {"plan_ytd_pence", v.plan_ytd_pence},
                      {"actual_ytd_pence", v.actual_ytd_pence},
                      {"payable_ytd_pence", v.payable_ytd_pence},
                      {"annual_plan_pence", v.annual_plan_pence},
                      {"forecast_run_rate_pence", v.forecast_run_rate_pence},
                      {"forecast_profiled_pence", v.forecast_profiled_pence},
                      {"non_contract_ytd_pence", v.non_contract_ytd_pence},
                      {"challenges", v.challenges},
                      {"challenges_at_stake_pence", v.challenges_at_stake_pence},
                      {"top_variances", top},
                      {"ae_four_hour_weekly", weeks}};
  return Response::Json(200, j.dump());
}

Response WebApp::Impl::ApiView(const Request& r, const Caller& c) const {
  const std::string view(r.PathParam("view"));
  const bool known = std::any_of(kViewPages.begin(), kViewPages.end(), [&](const auto& p) { return p.first == view; });
  const Identifiability level =
      analytics::IsRecordLevel(view) ? Identifiability::kRecordLevel : Identifiability::kAggregate;
  auto ccg = Tenant(r, c, Action::kView, level);
  if (!ccg || !known) return ApiNotFound();
  auto month = MonthOf(r);
  if (!month) return Response::Error(400, "month must be 1 (April) to 12 (March)");
  auto built = ViewOf(*ccg, view, *month);
  if (!built.ok()) return Response::Error(404, built.error().why);
  const analytics::ViewResult& result = *built.value();
  if (level == Identifiability::kRecordLevel &&
      !Audit(c, "api.view", view, {{"ccg", ccg->view()}, {"month", result.scope.month}, {"record_level", true}}).ok())
    return Response::Error(503, "the audit log could not be written, so this view is withheld");
  return Response::Json(200, report::RenderJson(result.tables).dump());
}

Response WebApp::Impl::ApiRecords(const Request& r, const Caller& c) const {
  auto ccg = Tenant(r, c, Action::kView, Identifiability::kRecordLevel);
  if (!ccg) return ApiNotFound();
  auto request = RecordsRequest(r, *ccg, kRecordsPerPage, kMaxRecordsPerAnswer);
  if (!request.ok()) return Response::Error(400, request.error().ToString());
  const analytics::ViewRequest& v = request.value();
  auto built = views().Build(v);
  if (!built.ok()) return Response::Error(404, built.error().why);
  if (!Audit(c, "api.view", "records", RecordsAuditDetails(*ccg, v, built.value())).ok())
    return Response::Error(503, "the audit log could not be written, so this view is withheld");
  const size_t total = built.value().records_matching;
  const size_t page = v.first_record / v.max_records + 1;
  const size_t pages = std::max<size_t>(1, (total + v.max_records - 1) / v.max_records);
  nlohmann::json out = report::RenderJson(built.value().tables);
  // Paging sits beside the rows, in the table object, so the answer keeps
  // the shape of every other view's JSON (an array of tables).
  nlohmann::json next = nullptr;
  if (page < pages)
    next = RecordsPageLink("/api/v1/ccg/" + std::string(ccg->view()) + "/records", v, built.value().scope.month,
                           page + 1, v.max_records, kRecordsPerPage);
  for (auto& t : out)
    t["paging"] = {{"page", page},   {"pages", pages}, {"limit", v.max_records}, {"first", v.first_record + 1},
                   {"total", total}, {"next", next}};
  return Response::Json(200, out.dump());
}

// ---- challenge packs ----

Result<WebApp::Impl::Pack> WebApp::Impl::BuildPack(const Request& r, const OdsCode& ccg, bool explain) const {
  auto month = MonthOf(r);
  if (!month) return Error{"month", "a financial month, 1 (April) to 12 (March)"};
  const std::string provider = ToUpper(std::string(r.Query("provider").value_or("")));
  auto code = OdsCode::Parse(provider);
  if (provider.empty() || !code.ok()) return Error{"provider", "name the provider the pack is for, by its ODS code"};
  auto built = ViewOf(ccg, "challenges", *month);
  if (!built.ok()) return built.error();
  const analytics::ViewResult& result = *built.value();
  Pack pack;
  pack.provider = provider;
  pack.month = result.scope.month;
  pack.subtitle = Subtitle(ccg, result.scope);
  const refdata::Trust* trust = ref.FindTrust(code.value());
  pack.provider_label = trust ? trust->name + " (" + provider + ")" : provider;
  analytics::ExplainChallenge explainer;
  if (explain) {
    explainer = [this](const std::string& id) -> std::string {
      auto at = ChallengedRow(views().activity(), id);
      return at ? pricing::ExplainTableRow(views().activity(), ref, at->first, at->second) : "";
    };
  }
  pack.tables = analytics::ChallengePack(result.tables.at(0), provider, pack.provider_label, pack.subtitle, explainer);
  return pack;
}

Response WebApp::Impl::ChallengePackPage(const Request& r, const Caller& c) const {
  auto ccg = Tenant(r, c, Action::kView, Identifiability::kRecordLevel);
  if (!ccg) return NotFound(c);
  auto built = BuildPack(r, *ccg, /*explain=*/true);
  if (!built.ok()) return Problem(c, 400, "Bad request", built.error().ToString());
  const Pack& pack = built.value();
  if (!Audit(c, "web.view", "challenge-pack",
             {{"ccg", ccg->view()}, {"provider", pack.provider}, {"month", pack.month}, {"record_level", true}})
           .ok())
    return Problem(c, 503, "Not available", "The audit log could not be written, so this page is withheld.");
  PageFrame f = Frame(c, "Challenge pack: " + pack.provider_label);
  f.nav = CcgNav(c, *ccg, "challenges");
  f.subtitle = pack.subtitle;
  const std::string base = "/ccg/" + std::string(ccg->view());
  const std::string query = "provider=" + UrlEncode(pack.provider) + "&month=" + std::to_string(pack.month);
  TemplateData d;
  d.set("provider_label", pack.provider_label);
  d.set("challenges_href", base + "/view/challenges?month=" + std::to_string(pack.month) +
                               "&f_provider=" + UrlEncode(pack.provider));
  if (tenancy::Grants(c.who.role, Action::kExport, Identifiability::kRecordLevel))
    d.set("xlsx_href", base + "/challenge-pack/xlsx?" + query);
  // The list on the page leaves the explanations out of the table (they are
  // many lines each) and prints them under it, one block per record.
  report::ReportTable list = pack.tables[1];
  TemplateData explanations{TemplateData::type::list};
  const size_t why = list.ColumnIndex("price_explanation"), id = list.ColumnIndex("id");
  if (why < list.columns.size()) {
    for (const auto& row : list.rows) {
      if (row[why].text.empty()) continue;
      TemplateData e;
      e.set("id", row[id].text);
      e.set("text", row[why].text);
      explanations.push_back(e);
    }
    list.columns.erase(list.columns.begin() + static_cast<std::ptrdiff_t>(why));
    for (auto& row : list.rows) row.erase(row.begin() + static_cast<std::ptrdiff_t>(why));
  }
  if (explanations.is_non_empty_list()) d.set("has_explanations", true);
  d.set("explanations", explanations);
  d.set("summary_html", TableHtml(pack.tables[0]));
  d.set("list_html", TableHtml(list));
  return Response::Html(200, RenderPage(f, RenderTemplate("challenge_pack", d)));
}

Response WebApp::Impl::ChallengePackWorkbook(const Request& r, const Caller& c) const {
  auto ccg = Tenant(r, c, Action::kExport, Identifiability::kRecordLevel);
  if (!ccg) return NotFound(c);
  auto built = BuildPack(r, *ccg, /*explain=*/true);
  if (!built.ok()) return Problem(c, 400, "Bad request", built.error().ToString());
  const Pack& pack = built.value();
  if (!Audit(c, "web.export", "challenge-pack",
             {{"ccg", ccg->view()}, {"provider", pack.provider}, {"month", pack.month}, {"format", "xlsx"},
              {"record_level", true}})
           .ok())
    return Problem(c, 503, "Not available", "The audit log could not be written, so the export is withheld.");
  auto workbook = XlsxBytes(pack.tables);
  if (!workbook) return Problem(c, 500, "Export failed", "the workbook could not be written");
  Response out(200);
  out.set_body(std::move(*workbook));
  out.SetHeader("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  out.SetHeader("Content-Disposition", "attachment; filename=\"" + std::string(ccg->view()) + "-challenge-pack-" +
                                           pack.provider + "-" + options.year.ToString().replace(4, 1, "-") + "-m" +
                                           std::to_string(pack.month) + ".xlsx\"");
  return out;
}

Response WebApp::Impl::ApiChallengePack(const Request& r, const Caller& c) const {
  auto ccg = Tenant(r, c, Action::kView, Identifiability::kRecordLevel);
  if (!ccg) return ApiNotFound();
  auto built = BuildPack(r, *ccg, /*explain=*/true);
  if (!built.ok()) return Response::Error(400, built.error().ToString());
  const Pack& pack = built.value();
  if (!Audit(c, "api.view", "challenge-pack",
             {{"ccg", ccg->view()}, {"provider", pack.provider}, {"month", pack.month}, {"record_level", true}})
           .ok())
    return Response::Error(503, "the audit log could not be written, so this view is withheld");
  return Response::Json(200, report::RenderJson(pack.tables).dump());
}

}  // namespace csu::web

