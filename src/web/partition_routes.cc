// Partitions (docs/server-mode.md, "Partitions"): the internal endpoint a
// node answers other nodes on, with the mergeable partials of the groups it
// owns, and the cross-CCG activity view (/csu/activity and its JSON twin),
// which gathers those partials from the groups' owners when the node is
// part of a partitioned installation and reads its own activity otherwise.
// Both renderings go through analytics::CrossCcgActivityJson/Table over
// partials, so a gather and one node holding everything give the same bytes.
#include <ctime>

#include "web/node_auth.h"
#include "web/partition_gather.h"
#include "web/table_view.h"
#include "web/web_app_impl.h"

namespace csu::web {

namespace {

analytics::CubePartials LocalPartialsOf(const pricing::PricedActivity& activity, FinancialYear year,
                                        const std::set<std::string>& commissioners) {
  analytics::ActivityCube cube;
  cube.Build(activity, year);
  return analytics::PartialsOf(cube, activity.tables.codes, commissioners);
}

}  // namespace

void WebApp::EnablePartitions(PartitionAccess partitions) { impl_->partitions = std::move(partitions); }

void WebApp::Impl::AddPartitionRoutes(http::Router& router, const Impl* app) {
  // Never through Authenticate: a user's session or API token is not asked
  // for and does not help; only the node signature does.
  router.Add(Method::kGet, "/internal/v1/partials", [app](const Request& r) { return app->InternalPartials(r); });
}

Response WebApp::Impl::InternalPartials(const Request& r) const {
  if (partitions.secret.empty()) return ApiNotFound();
  const int64_t now = partitions.now ? partitions.now() : static_cast<int64_t>(std::time(nullptr));
  const Status auth =
      CheckNodeRequest(partitions.secret, http::MethodName(r.method), r.target,
                       r.headers.Get(kNodeTimeHeader).value_or(""), r.headers.Get(kNodeSignatureHeader).value_or(""),
                       r.body, now);
  if (!auth.ok()) {
    Response out = Response::Error(401, auth.error().why);
    out.SetHeader("Cache-Control", "no-store");
    return out;
  }
  const std::string group(r.Query("group").value_or(""));
  const store::PartitionGroup* g = partitions.map.Group(group);
  if (g == nullptr || (g->owners[0] != partitions.self && g->owners[1] != partitions.self))
    return Response::Error(404, "this node does not own group '" + group + "'");
  auto year = FinancialYear::Parse(r.Query("year").value_or(""));
  if (!year.ok()) return Response::Error(400, "year: " + year.error().why);
  const std::set<std::string> members(g->commissioners.begin(), g->commissioners.end());
  Response out = Response::Json(200, analytics::PartialsToJson(LocalPartialsOf(views().activity(), year.value(), members)));
  out.SetHeader("Cache-Control", "no-store");
  return out;
}

namespace {

// The partials of the CCGs in `ccgs`: gathered from the owners of their
// groups on a partitioned node, else this node's own.
Result<Gathered> CrossCcgPartials(const PartitionAccess& p, const pricing::PricedActivity& activity,
                                  FinancialYear year, const std::set<std::string>& ccgs) {
  if (p.self.empty() || p.map.Node(p.self) == nullptr) {
    Gathered local;
    local.partials = LocalPartialsOf(activity, year, ccgs);
    return local;
  }
  return GatherPartials(
      p.map, p.self, year, ccgs,
      [&activity](FinancialYear y, const std::set<std::string>& members) { return LocalPartialsOf(activity, y, members); },
      p.fetch);
}

}  // namespace

Response WebApp::Impl::CsuActivityPage(const Request& r, const Caller& c) const {
  if (!tenancy::IsCsuRole(c.who.role) || !tenancy::Grants(c.who.role, Action::kView, Identifiability::kAggregate))
    return NotFound(c);
  auto month = MonthOf(r);
  if (!month) return Problem(c, 400, "Bad request", "month must be a financial month, 1 (April) to 12 (March)");
  std::set<std::string> ccgs;
  for (const OdsCode& ccg : VisibleTenants(c)) ccgs.insert(std::string(ccg.view()));
  auto gathered = CrossCcgPartials(partitions, views().activity(), options.year, ccgs);
  if (!gathered.ok()) return Problem(c, 503, "Figures unavailable", gathered.error().ToString());
  const analytics::CubePartials& p = gathered.value().partials;
  const int m = analytics::CrossCcgMonth(p, *month);
  std::string body = "<p>Activity and its value at national tariff by CCG, provider and point of delivery, April to " +
                     std::string(FinancialYear::MonthName(m == 0 ? 12 : m)) + ".</p>\n" +
                     MonthForm("/csu/activity", m, "");
  // The table follows docs/web.md's one convention: sorted, filtered and
  // paged by the server with its state in the URL, the month kept.
  TableOptions o;
  o.path = "/csu/activity";
  o.keep = {{"month", std::to_string(m == 0 ? 12 : m)}};
  o.filter_columns = {"ccg", "provider", "pod"};
  auto table = InteractiveTableHtml(analytics::CrossCcgActivityTable(p, *month, ccgs), r.query, o);
  if (!table.ok()) return Problem(c, 400, "Bad request", table.error().ToString());
  body += table.value();
  PageFrame f = Frame(c, "Activity across CCGs", "Financial year " + options.year.ToString());
  f.nav = CsuNav(c, "activity");
  Response out = Response::Html(200, RenderPage(f, body));
  return out;
}

Response WebApp::Impl::ApiCsuActivity(const Request& r, const Caller& c) const {
  if (!tenancy::IsCsuRole(c.who.role) || !tenancy::Grants(c.who.role, Action::kView, Identifiability::kAggregate))
    return ApiNotFound();
  auto month = MonthOf(r);
  if (!month) return Response::Error(400, "month must be 1 (April) to 12 (March)");
  std::set<std::string> ccgs;
  for (const OdsCode& ccg : VisibleTenants(c)) ccgs.insert(std::string(ccg.view()));
  auto gathered = CrossCcgPartials(partitions, views().activity(), options.year, ccgs);
  if (!gathered.ok()) return Response::Error(503, gathered.error().ToString());
  Response out = Response::Json(200, analytics::CrossCcgActivityJson(gathered.value().partials, *month, ccgs));
  // Which node answered for each group: the view's bytes do not depend on it.
  std::string from;
  for (const std::string& a : gathered.value().answered_by) from += (from.empty() ? "" : ";") + a;
  if (!from.empty()) out.SetHeader("X-Csu-Gathered-From", from);
  return out;
}

}  // namespace csu::web
