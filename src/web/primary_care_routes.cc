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
// never for a practice, which has its own claims page. The pages read; posting a schedule is `csu
// primary-care schedule-post`. A practice of another CCG answers 404 like
// one that does not exist. The CCG's own page compares its practices with
// the national figure (an aggregate over every practice here, which needs no
// disclosure control); its registered lists stay within the CCG.
#include <optional>

#include "primarycare/claims_schedule_source.h"
#include "primarycare/claims_store.h"
#include "primarycare/global_sum.h"
#include "primarycare/payment_schedule.h"
#include "primarycare/pc_store.h"
#include "primarycare/pc_views.h"
#include "report/render.h"
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

// ?year=2024/25, default the QOF year before the platform's today.
std::string YearOf(const Request& r, Date today) {
  if (auto y = r.Query("year"); y && FinancialYear::Parse(*y).ok()) return FinancialYear::Parse(*y).value().ToString();
  return FinancialYear::Of(today).ToString();
}

std::string PcMonthOf(const Request& r, Date today) {
  if (auto m = r.Query("month"); m && ledger::LedgerPeriod::Parse(*m).ok()) return std::string(*m);
  return ledger::LedgerPeriod::Of(today).ToString();
}

}  // namespace

Result<report::ReportTable> WebApp::Impl::PcTableOf(const Request& r, const OdsCode& ccg, PcView which) const {
  if (!primary_care.with_store) return MakeError("primary care", "no primary care database");
  const std::string code(ccg.view());
  const Date today = Today();
  std::optional<report::ReportTable> out;
  Status s = primary_care.with_store([&](primarycare::PcStore& db) -> Status {
    switch (which) {
      case PcView::kPractices: {
        CSU_ASSIGN_OR_RETURN(t, primarycare::PracticesTable(db, code, today));
        out = std::move(t);
        break;
      }
      case PcView::kContracts: {
        CSU_ASSIGN_OR_RETURN(t, primarycare::ContractsTable(db, code));
        out = std::move(t);
        break;
      }
      case PcView::kAchievement: {
        CSU_ASSIGN_OR_RETURN(t, primarycare::AchievementTable(db, code, YearOf(r, today)));
        out = std::move(t);
        break;
      }
      case PcView::kOutliers: {
        CSU_ASSIGN_OR_RETURN(t, primarycare::OutliersTable(db, code, YearOf(r, today)));
        out = std::move(t);
        break;
      }
      case PcView::kSchedule: {
        if (!primary_care.rates) return MakeError("primary care", "no global sum prices");
        auto month = ledger::LedgerPeriod::Parse(PcMonthOf(r, today));
        if (!month.ok()) return month.error();
        // Approved enhanced-service claims join the schedule when the server
        // holds the claims store (lock order: primary care, then claims).
        std::optional<Result<primarycare::Schedule>> sched;
        if (claims.with_store) {
          Status st = claims.with_store([&](primarycare::ClaimsStore& cs) {
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
  f.nav = CcgNav(c, *ccg, "primary-care");
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
  if (which == PcView::kAchievement || which == PcView::kOutliers) {
    query = "?year=" + YearOf(r, Today());
    TemplateData form;
    form.set("action", path);
    form.set("label", "QOF year");
    form.set("name", "year");
    form.set("value", YearOf(r, Today()));
    d.set("form", form);
  } else if (which == PcView::kSchedule) {
    query = "?month=" + PcMonthOf(r, Today());
    TemplateData form;
    form.set("action", path);
    form.set("label", "Month");
    form.set("name", "month");
    form.set("value", PcMonthOf(r, Today()));
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

}  // namespace csu::web
