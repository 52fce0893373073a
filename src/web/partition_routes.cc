// Partitions (docs/server-mode.md, "Partitions"): the internal endpoints a
// node answers other nodes on, with the mergeable partials and the CSU
// overview's figures of the groups it owns; the cross-CCG activity view
// (/csu/activity and its JSON twin), which gathers those partials from the
// groups' owners when the node is part of a partitioned installation and
// reads its own activity otherwise (both renderings go through
// analytics::CrossCcgActivityJson/Table over partials, so a gather and one
// node holding everything give the same bytes); and the routing of a CCG's
// pages to the nodes that hold it (web/partition_forward.h).
#include <atomic>
#include <cstdio>
#include <ctime>
#include <memory>

#include "web/node_auth.h"
#include "web/partition_forward.h"
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

void WebApp::EnablePartitions(PartitionAccess partitions) {
  if (partitions.max_outbound > 0) {
    // One count for both kinds of request to another node (PartitionAccess::max_outbound).
    struct Slots {
      std::atomic<int> used{0};
      int max = 0;
      bool Take() {
        if (used.fetch_add(1) < max) return true;
        used.fetch_sub(1);
        return false;
      }
    };
    struct Held {  // gives the slot back however the request ends
      Slots& s;
      ~Held() { s.used.fetch_sub(1); }
    };
    auto slots = std::make_shared<Slots>();
    slots->max = partitions.max_outbound;
    const std::string busy = std::string(kOutboundBusy) + " (" + std::to_string(slots->max) + "); try again in a moment";
    if (auto fetch = partitions.fetch)
      partitions.fetch = [slots, busy, fetch](const store::PartitionNode& n, const std::string& t) -> Result<std::string> {
        if (!slots->Take()) return MakeError("node " + n.name, busy);
        Held held{*slots};
        return fetch(n, t);
      };
    if (auto send = partitions.send)
      partitions.send = [slots, busy, send](const http::ClientRequest& q, bool* connected) -> Result<http::ClientResponse> {
        if (!slots->Take()) {
          *connected = false;
          return MakeError(q.base_url, busy);
        }
        Held held{*slots};
        return send(q, connected);
      };
  }
  impl_->partitions = std::move(partitions);
  impl_->node_nonces_since = impl_->NodeClock();
}

void WebApp::Impl::AddPartitionRoutes(http::Router& router, const Impl* app) {
  // Never through Authenticate: a user's session or API token is not asked
  // for and does not help; only the node signature does.
  router.Add(Method::kGet, "/internal/v1/partials", [app](const Request& r) { return app->InternalPartials(r); });
  router.Add(Method::kGet, "/internal/v1/overview", [app](const Request& r) { return app->InternalOverview(r); });
}

int64_t WebApp::Impl::NodeClock() const {
  return partitions.now ? partitions.now() : static_cast<int64_t>(std::time(nullptr));
}

Status WebApp::Impl::CheckSignedForThisNode(const Request& r, std::string_view method) const {
  const NodeCheck check{partitions.secret, partitions.self, &node_nonces, node_nonces_since};
  const NodeHeaders headers{r.headers.Get(kNodeTimeHeader).value_or(""), r.headers.Get(kNodeNonceHeader).value_or(""),
                            r.headers.Get(kNodeSignatureHeader).value_or("")};
  return check.Check(method, r.target, headers, r.body, NodeClock());
}

std::optional<Response> WebApp::Impl::RouteToOwners(Request& r) const {
  if (partitions.secret.empty()) return std::nullopt;
  // A request another node forwarded: its signature vouches for the
  // client's address; the user's own cookie or token still decides the rest.
  bool forwarded = false;
  if (r.headers.Has(kForwardedByHeader) || r.headers.Has(kForwardedForHeader)) {
    const std::string by(r.headers.Get(kForwardedByHeader).value_or(""));
    const std::string client(r.headers.Get(kForwardedForHeader).value_or(""));
    Status auth = r.headers.Count(kForwardedByHeader) == 1 && r.headers.Count(kForwardedForHeader) == 1
                      ? CheckSignedForThisNode(r, ForwardedMethod(by, client, http::MethodName(r.method)))
                      : Status(MakeError("node authentication", "the forwarding headers must come once each"));
    if (!auth.ok()) return Response::Error(401, "a forwarded request: " + auth.error().why);
    r.remote_address = client;
    forwarded = true;
  }
  if (partitions.self.empty() || Map().Node(partitions.self) == nullptr) return std::nullopt;
  const std::string ccg = CcgOfPath(r.segments);
  if (ccg.empty()) return std::nullopt;
  const store::PartitionGroup* group = GroupElsewhere(Map(), partitions.self, ccg);
  if (group == nullptr) return std::nullopt;
  const bool api = !r.segments.empty() && r.segments[0] == "api";
  // Forwarded once only: the nodes hold different maps (they are taking a
  // new one, each within a few seconds), and another hop could go round in
  // circles. The forwarding node tries the group's other owner.
  if (forwarded) {
    const std::string why = "Node " + partitions.self + " does not hold " + ccg +
                            " either: the nodes are taking a new partition map. Try again in a few seconds.";
    return api ? Response::Error(421, why) : Response::Html(421, RenderPage(PageFrame{"Misdirected request", "", "", "", "", {}}, NoticePanel(why, true)));
  }
  // Only a signed-in user's request goes out: an anonymous one gets here
  // what it would get anywhere, so nobody can spend this node's requests
  // to other nodes without an account. The owner checks the user again.
  if (!Authenticate(r))
    return api ? Response::Error(401, "sign in, or send an API token as 'Authorization: Bearer ...'")
               : Redirect("/signin");
  auto answer = ForwardToOwners(r, ClientAddress(r), *group, Map(), partitions.self, partitions.secret,
                                NodeClock(), partitions.send);
  if (answer.ok()) return std::move(answer).value();
  // The nodes' addresses and errors go to the server's log, not to the user.
  std::fprintf(stderr, "csu: a request for %s could not be forwarded: %s\n", ccg.c_str(),
               answer.error().ToString().c_str());
  const bool busy = answer.error().why.find(kOutboundBusy) != std::string::npos;
  const std::string why = busy ? "This server is busy with other requests just now."
                               : "The figures of " + ccg + " are held by nodes " + group->owners[0] + " and " +
                                     group->owners[1] + ", and neither can be reached just now.";
  if (api) return Response::Error(503, why);
  return Response::Html(503, RenderPage(PageFrame{"Figures unavailable", "", "", "", "", {}},
                                        NoticePanel(why + " Please try again in a minute; if it keeps failing, tell "
                                                          "the CSU's service desk.",
                                                    true)));
}

Response WebApp::Impl::InternalAnswer(
    const Request& r, const std::function<Result<std::string>(const store::PartitionGroup&, FinancialYear)>& answer) const {
  if (partitions.secret.empty()) return ApiNotFound();
  const Status auth = CheckSignedForThisNode(r, http::MethodName(r.method));
  const std::string name(r.Query("group").value_or(""));
  const store::PartitionGroup* g = Map().Group(name);
  auto year = FinancialYear::Parse(r.Query("year").value_or(""));
  Response out;
  if (!auth.ok()) {
    out = Response::Error(401, auth.error().why);
  } else if (g == nullptr || (g->owners[0] != partitions.self && g->owners[1] != partitions.self)) {
    out = Response::Error(404, "this node does not own group '" + name + "'");
  } else if (!year.ok()) {
    out = Response::Error(400, "year: " + year.error().why);
  } else {
    auto json = answer(*g, year.value());
    out = json.ok() ? Response::Json(200, std::move(json).value()) : Response::Error(404, json.error().why);
  }
  out.SetHeader("Cache-Control", "no-store");
  return out;
}

Response WebApp::Impl::InternalPartials(const Request& r) const {
  return InternalAnswer(r, [this](const store::PartitionGroup& g, FinancialYear year) -> Result<std::string> {
    const std::set<std::string> members(g.commissioners.begin(), g.commissioners.end());
    return analytics::PartialsToJson(LocalPartialsOf(views().activity(), year, members));
  });
}

analytics::OverviewByCcg WebApp::Impl::LocalOverview(const std::vector<OdsCode>& ccgs) const {
  analytics::OverviewByCcg out;
  for (const OdsCode& ccg : ccgs) {
    auto h = HeadlineOf(ccg, 0);
    if (!h.ok()) continue;  // no activity for it in the year: its cells stay empty
    const analytics::Headline& v = *h.value();
    out[std::string(ccg.view())] = {v.scope.month, v.plan_ytd_pence, v.actual_ytd_pence, v.forecast_profiled_pence};
  }
  return out;
}

Response WebApp::Impl::InternalOverview(const Request& r) const {
  return InternalAnswer(r, [this](const store::PartitionGroup& g, FinancialYear year) -> Result<std::string> {
    // The pages show one year, the one the node was started with.
    if (year != options.year)
      return MakeError("overview", "this node shows " + options.year.ToString() + ", not " + year.ToString());
    std::vector<OdsCode> members;
    for (const std::string& code : g.commissioners)
      if (auto c = OdsCode::Parse(code); c.ok()) members.push_back(c.value());
    return analytics::OverviewToJson(options.year, g.name, LocalOverview(members));
  });
}

analytics::OverviewByCcg WebApp::Impl::OverviewOf(const std::vector<OdsCode>& ccgs,
                                                  std::vector<std::string>& problems) const {
  if (partitions.self.empty() || Map().Node(partitions.self) == nullptr) return LocalOverview(ccgs);
  std::vector<OdsCode> here;
  std::set<std::string> elsewhere;
  for (const OdsCode& ccg : ccgs) {
    if (GroupElsewhere(Map(), partitions.self, std::string(ccg.view())))
      elsewhere.insert(std::string(ccg.view()));
    else
      here.push_back(ccg);
  }
  analytics::OverviewByCcg out = LocalOverview(here);
  if (elsewhere.empty()) return out;
  GatheredOverview gathered = GatherOverview(Map(), partitions.self, options.year, elsewhere, partitions.fetch);
  out.merge(gathered.figures);
  // The reader is told which CCGs and which nodes (named as the map names
  // them); the nodes' addresses and errors go to the server's log.
  for (const GatheredOverview::Missing& m : gathered.missing) {
    std::fprintf(stderr, "csu: the CSU overview's figures of %s\n", m.detail.c_str());
    std::string which;
    for (const std::string& c : m.group->commissioners)
      if (elsewhere.count(c)) which += (which.empty() ? "" : ", ") + c;
    problems.push_back("the figures of " + which + " are held by nodes " + m.group->owners[0] + " and " +
                       m.group->owners[1] + ", and neither answered");
  }
  return out;
}

namespace {

// The partials of the CCGs in `ccgs`: gathered from the owners of their
// groups on a partitioned node, else this node's own.
Result<Gathered> CrossCcgPartials(const PartitionAccess& p, const store::PartitionMap& map,
                                  const pricing::PricedActivity& activity, FinancialYear year,
                                  const std::set<std::string>& ccgs) {
  if (p.self.empty() || map.Node(p.self) == nullptr) {
    Gathered local;
    local.partials = LocalPartialsOf(activity, year, ccgs);
    return local;
  }
  return GatherPartials(
      map, p.self, year, ccgs,
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
  auto gathered = CrossCcgPartials(partitions, Map(), views().activity(), options.year, ccgs);
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
  auto gathered = CrossCcgPartials(partitions, Map(), views().activity(), options.year, ccgs);
  if (!gathered.ok()) return Response::Error(503, gathered.error().ToString());
  Response out = Response::Json(200, analytics::CrossCcgActivityJson(gathered.value().partials, *month, ccgs));
  // Which node answered for each group: the view's bytes do not depend on it.
  std::string from;
  for (const std::string& a : gathered.value().answered_by) from += (from.empty() ? "" : ";") + a;
  if (!from.empty()) out.SetHeader("X-Csu-Gathered-From", from);
  return out;
}

}  // namespace csu::web
