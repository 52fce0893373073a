// The primary care pages and their JSON twins (docs/primary-care.md,
// "Views"; docs/web.md): a CCG's practices with their contracts and lists,
// contracts, QOF achievement and payments by practice against the CCG and
// national figures, outliers, the month's payment schedule with each line
// explained, posted schedules, and a practice's payment history; CSV and
// Excel exports of each.
//
// Access: the aggregate pages (practices, contracts, achievement, outliers)
// for whoever may view the CCG's aggregate figures (Action::kView); the
// money pages (schedule, postings, a practice's payments) for those who may
// read the CCG's ledger (Action::kViewLedger: CCG and CSU finance); every
// page for the CCG's and the CSU's primary care teams (view_primary_care),
// never for a practice, which has its own claims page. The schedule page
// also posts its month to the CCG's ledger (POST .../schedule/post, CSRF-
// checked, once, audited) for whoever may raise a journal in the CCG's
// ledger (Action::kPostJournal: CCG and CSU finance; docs/permissions.md):
// the same call as `csu primary-care schedule-post`. A practice of another CCG answers 404 like
// one that does not exist. The CCG's own page compares its practices with
// the national figure (an aggregate over every practice here, which needs no
// disclosure control); its registered lists stay within the CCG.
#include <algorithm>
#include <optional>

#include "primarycare/claims_schedule_source.h"
#include "primarycare/claims_store.h"
#include "primarycare/global_sum.h"
#include "primarycare/payment_schedule.h"
#include "primarycare/pc_store.h"
#include "ledger/org_directory.h"
#include "primarycare/pc_views.h"
#include "primarycare/schedule_posting.h"
#include "report/render.h"
#include "web/primary_care_schedule_routes.h"
#include "web/templates.h"
#include "web/web_app_impl.h"

namespace csu::web {
namespace {

using PcView = WebApp::Impl::PcView;

struct ViewInfo {
  PcView view;
  const char* suffix;  // after /primary-care
  const char* slug;    // in export URLs
  const char* title;
  bool money;  // needs kViewLedger
};

constexpr ViewInfo kViews[] = {
    {PcView::kPractices, "", "practices", "Primary care: practices", false},
    {PcView::kContracts, "/contracts", "contracts", "Primary care: contracts", false},
    {PcView::kAchievement, "/achievement", "achievement", "Primary care: QOF achievement", false},
    {PcView::kOutliers, "/outliers", "outliers", "Primary care: QOF outliers", false},
    {PcView::kSchedule, "/schedule", "schedule", "Primary care: payment schedule", true},
    {PcView::kPostings, "/postings", "postings", "Primary care: posted schedules", true},
    {PcView::kPractice, "/practice", "practice", "Primary care: a practice's payments", true},
};

const ViewInfo& Info(PcView v) {
  for (const ViewInfo& i : kViews)
    if (i.view == v) return i;
  return kViews[0];
}

// The primary care team (the CCG's or the CSU's, view_primary_care) reads
// every page: the schedule is their work. A practice (also
// view_primary_care) reads none: it sees only its own claims page.
Action ActionOf(PcView v, tenancy::Role role) {
  if (!tenancy::IsPracticeRole(role) && tenancy::Grants(role, Action::kViewPrimaryCare, Identifiability::kAggregate))
    return Action::kViewPrimaryCare;
  return Info(v).money ? Action::kViewLedger : Action::kView;
}

// What a page shows without ?year= or ?month=. The QOF year: today's, or
// the latest stored for the CCG when today's has none (a platform date
// behind the figures, as in the demo: docs/primary-care.md, "Demo"). The
// month: the next schedule to post, the month after the CCG's last posted
// one, or today's when none is posted.
// The practices page's day (contracts in force and latest lists): today,
// or the last list quarter loaded when no list is as old as today.
struct PcDefaults {
  std::string year, month;
  Date day;
};

PcDefaults DefaultsOf(primarycare::PcStore& db, const std::string& ccg, Date today) {
  PcDefaults d{FinancialYear::Of(today).ToString(), ledger::LedgerPeriod::Of(today).ToString(), today};
  auto quarters = db.ListQuarters(ccg);
  if (quarters.ok() && !quarters.value().empty() && quarters.value().front() > today) d.day = quarters.value().back();
  auto years = db.QofYearsStored(ccg);
  if (years.ok() && !years.value().empty() &&
      std::find(years.value().begin(), years.value().end(), d.year) == years.value().end())
    d.year = years.value().front();
  auto posted = db.Postings(ccg);
  if (posted.ok() && !posted.value().empty()) d.month = posted.value().back().month.Next().ToString();
  return d;
}

PcDefaults DefaultsOf(const PrimaryCareAccess& pc, const std::string& ccg, Date today) {
  PcDefaults d{FinancialYear::Of(today).ToString(), ledger::LedgerPeriod::Of(today).ToString(), today};
  if (pc.with_store)
    (void)pc.with_store([&](primarycare::PcStore& db) {
      d = DefaultsOf(db, ccg, today);
      return Status::Ok();
    });
  return d;
}

std::string YearOf(const Request& r, const PcDefaults& d) {
  if (auto y = r.Query("year"); y && FinancialYear::Parse(*y).ok()) return FinancialYear::Parse(*y).value().ToString();
  return d.year;
}

std::string PcMonthOf(const Request& r, const PcDefaults& d) {
  if (auto m = r.Query("month"); m && ledger::LedgerPeriod::Parse(*m).ok()) return std::string(*m);
  return d.month;
}

}  // namespace

Result<report::ReportTable> WebApp::Impl::PcTableOf(const Request& r, const OdsCode& ccg, PcView which) const {
  if (!primary_care.with_store) return MakeError("primary care", "no primary care database");
  const std::string code(ccg.view());
  const Date today = Today();
  std::optional<report::ReportTable> out;
  // The achievement and outlier views set the CCG beside every practice in
  // England (the national figures), so they read on the shared store:
  // through the application role they would shrink, silently, to the CCG's
  // own practices. The other views are the CCG's alone.
  const bool national = which == PcView::kAchievement || which == PcView::kOutliers;
  auto on_store = [&](const std::function<Status(primarycare::PcStore&)>& fn) {
    return national ? primary_care.with_store(fn) : WithPc(ccg, fn);
  };
  Status s = on_store([&](primarycare::PcStore& db) -> Status {
    const PcDefaults defaults = DefaultsOf(db, code, today);
    switch (which) {
      case PcView::kPractices: {
        CSU_ASSIGN_OR_RETURN(t, primarycare::PracticesTable(db, code, defaults.day));
        out = std::move(t);
        break;
      }
      case PcView::kContracts: {
        CSU_ASSIGN_OR_RETURN(t, primarycare::ContractsTable(db, code));
        out = std::move(t);
        break;
      }
      case PcView::kAchievement: {
        CSU_ASSIGN_OR_RETURN(t, primarycare::AchievementTable(db, code, YearOf(r, defaults)));
        out = std::move(t);
        break;
      }
      case PcView::kOutliers: {
        CSU_ASSIGN_OR_RETURN(t, primarycare::OutliersTable(db, code, YearOf(r, defaults)));
        out = std::move(t);
        break;
      }
      case PcView::kSchedule: {
        if (!primary_care.rates) return MakeError("primary care", "no global sum prices");
        auto month = ledger::LedgerPeriod::Parse(PcMonthOf(r, defaults));
        if (!month.ok()) return month.error();
        // Approved enhanced-service claims join the schedule when the server
        // holds the claims store (lock order: primary care, then claims).
        std::optional<Result<primarycare::Schedule>> sched;
        if (claims.with_store) {
          Status st = WithPcClaims(ccg, [&](primarycare::ClaimsStore& cs) {
            primarycare::ClaimsScheduleSource source(cs);
            sched = primarycare::BuildSchedule(db, *primary_care.rates, &source, code, month.value());
            return Status::Ok();
          });
          if (!st.ok()) return st.error();
        } else {
          sched = primarycare::BuildSchedule(db, *primary_care.rates, nullptr, code, month.value());
        }
        if (!sched->ok()) return sched->error();
        out = primarycare::ScheduleTable(sched->value());
        break;
      }
      case PcView::kPostings: {
        CSU_ASSIGN_OR_RETURN(t, primarycare::PostingsTable(db, code));
        out = std::move(t);
        break;
      }
      case PcView::kPractice: {
        const std::string practice = ToUpper(r.PathParam("practice"));
        CSU_ASSIGN_OR_RETURN(p, db.FindPractice(practice));
        if (!p || p->ccg != code) return MakeError("practice", "not found");  // another CCG's: as if none
        CSU_ASSIGN_OR_RETURN(t, primarycare::HistoryTable(db, practice));
        out = std::move(t);
        break;
      }
    }
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return std::move(*out);
}

Response WebApp::Impl::PcPage(const Request& r, const Caller& c, PcView which) const {
  auto ccg = Tenant(r, c, ActionOf(which, c.who.role), Identifiability::kAggregate);
  if (!ccg || !primary_care.with_store) return NotFound(c);
  auto table = PcTableOf(r, *ccg, which);
  if (!table.ok()) {
    if (table.error().where == "practice") return NotFound(c);
    return Problem(c, 404, "Primary care", table.error().ToString());
  }
  const std::string base = "/ccg/" + std::string(ccg->view()) + "/primary-care";
  const ViewInfo& info = Info(which);
  PageFrame f = Frame(c, info.title, CcgName(*ccg) + " (" + std::string(ccg->view()) + ")");
  // The CCG's navigation for those who see its figures; for the primary care
  // team (who do not: the CCG's home would answer 404) its own pages.
  if (tenancy::Grants(c.who.role, Action::kView, Identifiability::kAggregate))
    f.nav = CcgNav(c, *ccg, "primary-care");
  else
    f.nav = {{base, "Primary care", true}, {base + "/claims", "Claims", false}, {base + "/schemes", "Schemes", false}};
  TableOptions o;
  std::string path = base + info.suffix;
  if (which == PcView::kPractice) path += "/" + ToUpper(r.PathParam("practice"));
  o.path = path;
  o.filter_columns = {"ccg", "contract", "type", "kind", "month"};
  const bool money_ok =
      tenancy::Grants(c.who.role, ActionOf(PcView::kPractice, c.who.role), Identifiability::kAggregate);
  CellLink link = [base, money_ok](const report::ReportTable& t, size_t row, size_t column) -> std::string {
    if (!money_ok || t.columns[column].name != "practice_code" || t.rows[row][column].text.empty()) return "";
    return base + "/practice/" + t.rows[row][column].text;
  };
  auto html = InteractiveTableHtml(table.value(), r.query, o, link);
  if (!html.ok()) return Problem(c, 400, "Bad request", html.error().ToString());
  TemplateData d;
  TemplateData links{TemplateData::type::list};
  for (const ViewInfo& v : kViews) {
    if (v.view == which || v.view == PcView::kPractice) continue;
    if (!tenancy::Grants(c.who.role, ActionOf(v.view, c.who.role), Identifiability::kAggregate)) continue;
    TemplateData l;
    l.set("href", base + v.suffix);
    l.set("label", std::string(v.title).substr(14));  // after "Primary care: "
    links.push_back(l);
  }
  if (links.is_non_empty_list()) d.set("links", links);
  std::string query;
  const PcDefaults defaults = DefaultsOf(primary_care, std::string(ccg->view()), Today());
  if (which == PcView::kAchievement || which == PcView::kOutliers) {
    query = "?year=" + YearOf(r, defaults);
    TemplateData form;
    form.set("action", path);
    form.set("label", "QOF year");
    form.set("name", "year");
    form.set("value", YearOf(r, defaults));
    d.set("form", form);
  } else if (which == PcView::kSchedule) {
    query = "?month=" + PcMonthOf(r, defaults);
    if (auto done = r.Query("done")) d.set("done", std::string(*done));
    // The post button: the month not yet posted, for whoever may raise a
    // journal in the CCG's ledger, when the CCG keeps its ledger here.
    auto month = ledger::LedgerPeriod::Parse(PcMonthOf(r, defaults));
    bool posted = true, has_ledger = false;
    if (month.ok())
      (void)WithPc(*ccg, [&](primarycare::PcStore& db) {
        auto p = db.FindPosting(std::string(ccg->view()), month.value());
        posted = !p.ok() || p.value().has_value();
        return Status::Ok();
      });
    if (ledger.with_store)
      (void)ledger.with_store([&](ledger::LedgerStore& db) {
        has_ledger = db.GetEntity(std::string(ccg->view())).ok();
        return Status::Ok();
      });
    if (!posted && !c.session_token.empty() &&
        tenancy::Grants(c.who.role, Action::kPostJournal, Identifiability::kAggregate)) {
      TemplateData post;
      if (has_ledger) {
        post.set("action", base + "/schedule/post");
        post.set("csrf", CsrfTokenFor(c.session_token));
        post.set("month", month.value().ToString());
      } else {
        post.set("no_ledger", true);
      }
      d.set("post", post);
    }  // others read the table's note: finance posts it from this page
    TemplateData form;
    form.set("action", path);
    form.set("label", "Month");
    form.set("name", "month");
    form.set("value", PcMonthOf(r, defaults));
    d.set("form", form);
  }
  d.set("json_href", "/api/v1" + path + query);
  if (which != PcView::kPractice) {
    const std::string export_base = "/ccg/" + std::string(ccg->view()) + "/primary-care-export/" + info.slug;
    d.set("csv_href", export_base + "/csv" + query);
    d.set("xlsx_href", export_base + "/xlsx" + query);
  }
  TemplateData notes{TemplateData::type::list};
  for (const std::string& n : table.value().notes) notes.push_back(TemplateData(n));
  if (notes.is_non_empty_list()) d.set("notes", notes);
  d.set("table_html", html.value());
  return Response::Html(200, RenderPage(f, RenderTemplate("primary_care", d)));
}

Response WebApp::Impl::ApiPc(const Request& r, const Caller& c, PcView which) const {
  auto ccg = Tenant(r, c, ActionOf(which, c.who.role), Identifiability::kAggregate);
  if (!ccg || !primary_care.with_store) return ApiNotFound();
  auto table = PcTableOf(r, *ccg, which);
  if (!table.ok()) {
    if (table.error().where == "practice") return ApiNotFound();
    return Response::Error(404, table.error().ToString());
  }
  return Response::Json(200, report::RenderJson(table.value()).dump());
}

Response WebApp::Impl::PcExport(const Request& r, const Caller& c) const {
  const std::string slug(r.PathParam("view"));
  const std::string format(r.PathParam("format"));
  const ViewInfo* info = nullptr;
  for (const ViewInfo& v : kViews)
    if (slug == v.slug && v.view != PcView::kPractice) info = &v;
  if (info == nullptr || (format != "csv" && format != "xlsx")) return NotFound(c);
  auto ccg = Tenant(r, c, ActionOf(info->view, c.who.role), Identifiability::kAggregate);
  if (!ccg || !tenancy::Grants(c.who.role, Action::kExport, Identifiability::kAggregate) || !primary_care.with_store)
    return NotFound(c);
  auto table = PcTableOf(r, *ccg, info->view);
  if (!table.ok()) return Problem(c, 404, "Nothing to export", table.error().ToString());
  if (!Audit(c, "web.export", std::string("primary-care ") + info->slug, {{"ccg", ccg->view()}, {"format", format}})
           .ok())
    return Problem(c, 503, "Not available", "The audit log could not be written, so the export is withheld.");
  const std::string file = std::string(ccg->view()) + "-primary-care-" + info->slug + "." + format;
  Response out(200);
  if (format == "csv") {
    out.set_body(report::RenderCsv(table.value()));
    out.SetHeader("Content-Type", "text/csv; charset=utf-8");
  } else {
    auto workbook = XlsxBytes({table.value()});
    if (!workbook) return Problem(c, 500, "Export failed", "the workbook could not be written");
    out.set_body(std::move(*workbook));
    out.SetHeader("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  }
  out.SetHeader("Content-Disposition", "attachment; filename=\"" + file + "\"");
  return out;
}

// POST /ccg/{ccg}/primary-care/schedule/post (month=YYYY-MM): builds the
// month's schedule exactly as the page shows it and posts it as one journal
// (primarycare::PostSchedule: refused when already posted, when the CCG has
// no ledger or the month's period is not open). Lock order: primary care,
// then claims (released), then the ledger; the primary care lock is held
// throughout, so two posts of one month run one after the other and the
// second is refused.
namespace {

Response PcSchedulePost(const WebApp::Impl& app, const Request& r, const Caller& c) {
  const auto& primary_care = app.primary_care;
  const auto& claims = app.claims;
  const auto& ref = app.ref;
  auto ccg = app.Tenant(r, c, Action::kPostJournal, Identifiability::kAggregate);
  if (!ccg || !primary_care.with_store || !app.ledger.with_store) return app.NotFound(c);
  if (!app.CsrfOk(r, c)) return app.Problem(c, 403, "Refused", "The form had expired; go back and try again.");
  const auto form = ParseForm(r.body);
  auto month = ledger::LedgerPeriod::Parse(FormValue(form, "month"));
  if (!month.ok()) return app.Problem(c, 400, "Not posted", "The month must be YYYY-MM.");
  if (!primary_care.rates) return app.Problem(c, 503, "Not posted", "The global sum prices could not be read.");
  const std::string code(ccg->view());
  std::optional<primarycare::PostOutcome> outcome;
  // Each store through the application role's connection for this CCG when
  // the server has one (its practices and schedules, its claims, its ledger).
  Status s = app.WritePc(*ccg, [&](primarycare::PcStore& db) -> Status {
    std::optional<Result<primarycare::Schedule>> sched;
    if (claims.with_store) {
      Status st = app.WithPcClaims(*ccg, [&](primarycare::ClaimsStore& cs) {
        primarycare::ClaimsScheduleSource source(cs);
        sched = primarycare::BuildSchedule(db, *primary_care.rates, &source, code, month.value());
        return Status::Ok();
      });
      if (!st.ok()) return st;
    } else {
      sched = primarycare::BuildSchedule(db, *primary_care.rates, nullptr, code, month.value());
    }
    if (!sched->ok()) return sched->error();
    if (sched->value().posted) return MakeError("schedule " + code + " " + month.value().ToString(), "is posted already");
    return app.WriteLedger(code, [&](ledger::LedgerStore& l) -> Status {
      CSU_ASSIGN_OR_RETURN(p, primarycare::PostSchedule(db, l, sched->value(), ledger::DirectoryOf(ref),
                                                        {store::Env::Default().NowUtc(), c.who.username}));
      outcome = p;
      return Status::Ok();
    });
  });
  if (!s.ok()) return app.Problem(c, 409, "Not posted", s.error().ToString());
  const primarycare::PostOutcome& p = *outcome;
  if (!app.Audit(c, "primary_care.schedule_post", "ccg " + code + " " + month.value().ToString(),
                 {{"journal", p.journal}, {"batch", p.batch}, {"pending", p.pending}, {"recovered", p.recovered},
                  {"lines", p.lines}, {"total_pence", p.total_pence}, {"source", "web"}})
           .ok())
    return app.Problem(c, 503, "Not recorded", "The schedule was posted but the audit log could not be written.");
  std::string done = "Posted " + month.value().ToString() + ": " + std::to_string(p.lines) + " lines, " +
                     Money::FromPence(p.total_pence).ToString() + ", journal " + std::to_string(p.journal) +
                     (p.pending ? " (above the approval threshold: it waits for a second person in the ledger)" : "") + ".";
  return Redirect("/ccg/" + code + "/primary-care/schedule?month=" + month.value().ToString() + "&done=" +
                  UrlEncode(done));
}

}  // namespace

void AddPrimaryCareScheduleRoutes(http::Router& router, WebApp::Impl* app) {
  router.Add(Method::kPost, "/ccg/{ccg}/primary-care/schedule/post", [app](const Request& r) {
    auto c = app->Authenticate(r);
    if (!c) return Redirect("/signin");
    return app->Metered(r, *c, false, WebApp::Impl::Use::kPage, PcSchedulePost(*app, r, *c));
  });
}

}  // namespace csu::web
