// The continuing healthcare pages and their JSON twins (docs/chc.md,
// docs/web.md): a CCG's caseload, the 28-day list, reviews due, packages,
// the committed cost, and a case's timeline. For the CHC roles (the
// committed cost also for CCG finance, as an aggregate); pseudonymised
// throughout: no page reads the identifiable fields, which `csu chc show`
// alone opens, with its purpose audited. A case of another CCG answers 404
// like a case that does not exist.
#include "chc/chc_store.h"
#include "chc/chc_views.h"
#include "web/templates.h"
#include "web/web_app_impl.h"

namespace csu::web {
namespace {

using ChcView = WebApp::Impl::ChcView;

Identifiability LevelOf(ChcView which) {
  return which == ChcView::kCommitted ? Identifiability::kAggregate : Identifiability::kRecordLevel;
}

std::string TitleOf(ChcView which) {
  switch (which) {
    case ChcView::kCaseload: return "Continuing healthcare: caseload";
    case ChcView::kDeadlines: return "Continuing healthcare: the 28-day list";
    case ChcView::kReviews: return "Continuing healthcare: reviews due";
    case ChcView::kPackages: return "Continuing healthcare: care packages";
    case ChcView::kCommitted: return "Continuing healthcare: committed cost";
    case ChcView::kInvoices: return "Continuing healthcare: provider invoices";
    case ChcView::kClaims: return "Continuing healthcare: retrospective claims";
  }
  return "Continuing healthcare";
}

std::string SuffixOf(ChcView which) {
  switch (which) {
    case ChcView::kCaseload: return "";
    case ChcView::kDeadlines: return "/deadlines";
    case ChcView::kReviews: return "/reviews";
    case ChcView::kPackages: return "/packages";
    case ChcView::kCommitted: return "/committed";
    case ChcView::kInvoices: return "/invoices";
    case ChcView::kClaims: return "/claims";
  }
  return "";
}

std::optional<int64_t> CaseOf(const Request& r) {
  const std::string text(r.PathParam("case"));
  if (text.empty() || text.size() > 12) return std::nullopt;
  for (char ch : text)
    if (ch < '0' || ch > '9') return std::nullopt;
  return std::stoll(text);
}

}  // namespace

Result<report::ReportTable> WebApp::Impl::ChcTableOf(const OdsCode& ccg, ChcView which) const {
  if (!chc.with_store) return MakeError("chc", "no continuing healthcare database");
  const std::string code(ccg.view());
  const Date today = Today();
  std::optional<report::ReportTable> out;
  Status s = WithChc(ccg, [&](chc::ChcStore& db) -> Status {
    if (which == ChcView::kPackages || which == ChcView::kCommitted) {
      CSU_ASSIGN_OR_RETURN(packages, db.Packages(code));
      out = which == ChcView::kPackages ? chc::PackagesTable(packages) : chc::CommittedTable(packages, today);
      return Status::Ok();
    }
    if (which == ChcView::kInvoices) {
      CSU_ASSIGN_OR_RETURN(invoices, db.Invoices(code));
      out = chc::InvoicesTable(code, invoices);
      return Status::Ok();
    }
    if (which == ChcView::kClaims) {
      CSU_ASSIGN_OR_RETURN(retro, db.Claims(code));
      out = chc::ClaimsTable(code, retro);
      return Status::Ok();
    }
    CSU_ASSIGN_OR_RETURN(cases, db.Cases(code));
    if (which == ChcView::kCaseload) out = chc::CaseloadTable(code, cases);
    else if (which == ChcView::kDeadlines) out = chc::DeadlinesTable(cases, today);
    else out = chc::ReviewsDueTable(cases, today);
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return std::move(*out);
}

Result<std::optional<report::ReportTable>> WebApp::Impl::ChcTimelineOf(const OdsCode& ccg, int64_t case_id) const {
  if (!chc.with_store) return MakeError("chc", "no continuing healthcare database");
  std::optional<report::ReportTable> out;
  Status s = WithChc(ccg, [&](chc::ChcStore& db) -> Status {
    CSU_ASSIGN_OR_RETURN(found, db.FindCase(case_id));
    if (!found || found->ccg != ccg.view()) return Status::Ok();  // another CCG's case: as if none
    CSU_ASSIGN_OR_RETURN(events, db.Timeline(case_id));
    out = chc::TimelineTable(case_id, events);
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return out;
}

Response WebApp::Impl::ChcPage(const Request& r, const Caller& c, ChcView which) const {
  auto ccg = Tenant(r, c, Action::kViewChc, LevelOf(which));
  if (!ccg || !chc.with_store) return NotFound(c);
  auto table = ChcTableOf(*ccg, which);
  if (!table.ok()) return Problem(c, 500, "Continuing healthcare", "the continuing healthcare database could not be read");
  const std::string base = "/ccg/" + std::string(ccg->view()) + "/chc";
  PageFrame f = Frame(c, TitleOf(which), CcgName(*ccg) + " (" + std::string(ccg->view()) + ")");
  f.nav = CcgNav(c, *ccg, "chc");
  TableOptions o;
  o.path = base + SuffixOf(which);
  o.filter_columns = {"status", "route", "band", "setting", "outcome", "provider"};
  CellLink link;
  if (which != ChcView::kCommitted) {
    link = [base](const report::ReportTable& t, size_t row, size_t column) -> std::string {
      if (t.columns[column].name != "case") return "";
      const report::Cell& cell = t.rows[row][column];
      if (cell.kind == report::Cell::Kind::kText) {  // invoices: the case as text, a number when matched
        for (char ch : cell.text)
          if (ch < '0' || ch > '9') return "";
        return cell.text.empty() ? "" : base + "/cases/" + cell.text;
      }
      if (cell.kind != report::Cell::Kind::kNumber) return "";
      return base + "/cases/" + std::to_string(cell.number);
    };
  }
  auto html = InteractiveTableHtml(table.value(), r.query, o, link);
  if (!html.ok()) return Problem(c, 400, "Bad request", html.error().ToString());
  TemplateData d;
  TemplateData links{TemplateData::type::list};
  for (ChcView v : {ChcView::kCaseload, ChcView::kDeadlines, ChcView::kReviews, ChcView::kPackages, ChcView::kCommitted,
                    ChcView::kInvoices, ChcView::kClaims}) {
    if (v == which || !tenancy::Grants(c.who.role, Action::kViewChc, LevelOf(v))) continue;
    TemplateData view_link;
    view_link.set("href", base + SuffixOf(v));
    view_link.set("label", TitleOf(v).substr(23));  // after "Continuing healthcare: "
    links.push_back(view_link);
  }
  if (links.is_non_empty_list()) d.set("links", links);
  d.set("json_href", "/api/v1" + base + SuffixOf(which));
  d.set("table_html", html.value());
  return Response::Html(200, RenderPage(f, RenderTemplate("chc", d)));
}

Response WebApp::Impl::ApiChc(const Request& r, const Caller& c, ChcView which) const {
  auto ccg = Tenant(r, c, Action::kViewChc, LevelOf(which));
  if (!ccg || !chc.with_store) return ApiNotFound();
  auto table = ChcTableOf(*ccg, which);
  if (!table.ok()) return Response::Error(500, "the continuing healthcare database could not be read");
  return Response::Json(200, report::RenderJson(table.value()).dump());
}

Response WebApp::Impl::ChcCasePage(const Request& r, const Caller& c) const {
  auto ccg = Tenant(r, c, Action::kViewChc, Identifiability::kRecordLevel);
  auto id = CaseOf(r);
  if (!ccg || !id || !chc.with_store) return NotFound(c);
  auto table = ChcTimelineOf(*ccg, *id);
  if (!table.ok()) return Problem(c, 500, "Continuing healthcare", "the continuing healthcare database could not be read");
  if (!table.value()) return NotFound(c);
  PageFrame f = Frame(c, "Continuing healthcare: case " + std::to_string(*id), CcgName(*ccg) + " (" + std::string(ccg->view()) + ")");
  f.nav = CcgNav(c, *ccg, "chc");
  TableOptions o;
  o.path = "/ccg/" + std::string(ccg->view()) + "/chc/cases/" + std::to_string(*id);
  o.filter_columns = {"event"};
  auto html = InteractiveTableHtml(*table.value(), r.query, o);
  if (!html.ok()) return Problem(c, 400, "Bad request", html.error().ToString());
  TemplateData d;
  d.set("json_href", "/api/v1" + o.path);
  d.set("table_html", html.value());
  return Response::Html(200, RenderPage(f, RenderTemplate("chc", d)));
}

Response WebApp::Impl::ApiChcCase(const Request& r, const Caller& c) const {
  auto ccg = Tenant(r, c, Action::kViewChc, Identifiability::kRecordLevel);
  auto id = CaseOf(r);
  if (!ccg || !id || !chc.with_store) return ApiNotFound();
  auto table = ChcTimelineOf(*ccg, *id);
  if (!table.ok()) return Response::Error(500, "the continuing healthcare database could not be read");
  if (!table.value()) return ApiNotFound();
  return Response::Json(200, report::RenderJson(*table.value()).dump());
}

}  // namespace csu::web
