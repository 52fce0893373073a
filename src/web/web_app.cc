// WebApp: who is asking (sessions, API tokens, CSRF, the tenant check),
// page frames and navigation, the caches, the route table and Handle().
#include "web/web_app_impl.h"
#include "web/primary_care_schedule_routes.h"

#include "store/platform_date.h"

namespace csu::web {

std::string CsrfTokenFor(std::string_view session_token) {
  return store::Sha256Hex("opencsu-csrf:" + std::string(session_token)).substr(0, 32);
}

std::string FormValue(const std::map<std::string, std::string>& form, const char* key) {
  const auto it = form.find(key);
  return it == form.end() ? std::string() : it->second;
}

std::string Pounds(int64_t pence) { return Money::FromPence(pence).ToString(); }

Response Redirect(const std::string& to) {
  Response r(303);
  r.SetHeader("Location", to);
  return r;
}

namespace {
// The snapshot WebApp::Handle pinned for the request this thread handles
// (and whose app pinned it: tests run several apps).
struct Pin {
  const WebApp::Impl* app = nullptr;
  const WebApp::Impl::Snapshot* snapshot = nullptr;
};
thread_local Pin t_pin;
}  // namespace

std::shared_ptr<const WebApp::Impl::Snapshot> WebApp::Impl::CurrentSnapshot() const {
  std::lock_guard<std::mutex> lock(snapshot_mu);
  return snapshot;
}

const store::PartitionMap& WebApp::Impl::Map() const {
  const Snapshot& snap = Pinned();
  return snap.loaded.partition_map ? *snap.loaded.partition_map : partitions.map;
}

std::shared_ptr<const store::PartitionMap> WebApp::ServedPartitionMap() const {
  auto snap = impl_->CurrentSnapshot();
  if (snap && snap->loaded.partition_map) return snap->loaded.partition_map;
  return std::make_shared<const store::PartitionMap>(impl_->partitions.map);
}

const WebApp::Impl::Snapshot& WebApp::Impl::Pinned() const {
  if (t_pin.app == this && t_pin.snapshot != nullptr) return *t_pin.snapshot;
  // Outside a request (none of the routes): the current one, which lives
  // until the next swap.
  std::lock_guard<std::mutex> lock(snapshot_mu);
  return *snapshot;
}

void WebApp::Impl::SwapActivity(LoadedActivity loaded) const {
  const analytics::CommissioningViews* v = loaded.views.get();
  std::shared_ptr<const Snapshot> old;
  {
    std::lock_guard<std::mutex> lock(snapshot_mu);
    // An activity loaded by the same map (new batches) keeps the map.
    if (!loaded.partition_map && snapshot) loaded.partition_map = snapshot->loaded.partition_map;
    auto next = std::make_shared<const Snapshot>(std::move(loaded), v);
    old = std::move(snapshot);
    snapshot = std::move(next);
  }
  // `old` is freed here, or by the last request still holding it.
}

Result<std::shared_ptr<const analytics::ViewResult>> WebApp::Impl::ViewOf(const OdsCode& ccg, const std::string& view,
                                                                          int month) const {
  const Snapshot& snap = Pinned();
  const bool cacheable = view != "challenges";
  const std::string key = std::string(ccg.view()) + "/" + view + "/" + std::to_string(month);
  if (cacheable) {
    std::lock_guard<std::mutex> lock(snap.cache_mu);
    if (auto it = snap.view_results.find(key); it != snap.view_results.end()) return it->second;
  }
  auto built = snap.views->Build(ViewRequestFor(ccg, view, month));
  if (!built.ok()) return built.error();
  auto shared = std::make_shared<const analytics::ViewResult>(std::move(built).value());
  if (!cacheable) return shared;
  std::lock_guard<std::mutex> lock(snap.cache_mu);
  return snap.view_results.emplace(key, std::move(shared)).first->second;
}

Result<std::shared_ptr<const analytics::Headline>> WebApp::Impl::HeadlineOf(const OdsCode& ccg, int month) const {
  const Snapshot& snap = Pinned();
  const std::string key = std::string(ccg.view()) + "/" + std::to_string(month);
  {
    std::lock_guard<std::mutex> lock(snap.cache_mu);
    if (auto it = snap.headlines.find(key); it != snap.headlines.end()) return it->second;
  }
  auto h = snap.views->HeadlineFor(ViewRequestFor(ccg, "monitoring", month));
  if (!h.ok()) return h.error();
  auto shared = std::make_shared<const analytics::Headline>(std::move(h).value());
  std::lock_guard<std::mutex> lock(snap.cache_mu);
  return snap.headlines.emplace(key, std::move(shared)).first->second;
}

std::shared_ptr<const std::vector<analytics::MeasurePoint>> WebApp::Impl::AeWeeksOf(
    const analytics::ViewScope& scope) const {
  const Snapshot& snap = Pinned();
  const std::string key = scope.commissioner_label;
  {
    std::lock_guard<std::mutex> lock(snap.cache_mu);
    if (auto it = snap.ae_weeks.find(key); it != snap.ae_weeks.end()) return it->second;
  }
  auto weeks = std::make_shared<const std::vector<analytics::MeasurePoint>>(snap.views->AeFourHourWeekly(scope));
  std::lock_guard<std::mutex> lock(snap.cache_mu);
  return snap.ae_weeks.emplace(key, std::move(weeks)).first->second;
}

std::optional<Caller> WebApp::Impl::Authenticate(const Request& r) const {
  if (auto auth = r.headers.Get("authorization")) {
    if (auth->substr(0, 7) != "Bearer ") return std::nullopt;
    auto p = accounts.ValidateApiToken(auth->substr(7));
    if (!p.ok() || !p.value()) return std::nullopt;
    return Caller{*p.value(), ""};
  }
  const auto cookies = ParseCookies(r);
  const auto it = cookies.find(session_cookie);
  if (it == cookies.end()) return std::nullopt;
  auto p = accounts.ValidateSession(it->second);
  if (!p.ok() || !p.value()) return std::nullopt;
  return Caller{*p.value(), it->second};
}

bool WebApp::Impl::CsrfOk(const Request& r, const Caller& c) const {
  if (c.session_token.empty()) return false;  // cookie-less callers have no forms
  const std::string token = FormValue(ParseForm(r.body), "csrf");
  return !token.empty() && tenancy::ConstantTimeEquals(token, CsrfTokenFor(c.session_token));
}

std::optional<OdsCode> WebApp::Impl::Tenant(const Request& r, const Caller& c, Action a, Identifiability level) const {
  auto code = OdsCode::Parse(r.PathParam("ccg"));
  if (!code.ok() || ref.FindCcg(code.value()) == nullptr) return std::nullopt;
  if (!accounts.Authorize(c.who, a, code.value(), level)) return std::nullopt;
  return code.value();
}

std::vector<OdsCode> WebApp::Impl::VisibleTenants(const Caller& c) const {
  std::vector<OdsCode> all;
  if (auto t = accounts.Tenants(); t.ok()) all = t.value();
  const auto& commissioners = views().activity().tables.codes.commissioner();
  for (uint32_t id = 1; id < commissioners.size(); ++id) {
    auto code = OdsCode::Parse(commissioners.code(id));
    if (code.ok() && ref.FindCcg(code.value()) && std::find(all.begin(), all.end(), code.value()) == all.end())
      all.push_back(code.value());
  }
  std::vector<OdsCode> out = tenancy::TenantsOf(c.who, all);
  std::sort(out.begin(), out.end(), [](const OdsCode& a, const OdsCode& b) { return a.view() < b.view(); });
  return out;
}

std::string WebApp::Impl::CcgName(const OdsCode& code) const {
  const refdata::Ccg* ccg = ref.FindCcg(code);
  return ccg ? ccg->name : std::string(code.view());
}

// The role as people say it, not its machine name (ccg_commissioner).
std::string RoleLabel(tenancy::Role role) {
  switch (role) {
    case tenancy::Role::kCsuAdmin:
      return "CSU administrator";
    case tenancy::Role::kCsuAnalyst:
      return "CSU analyst";
    case tenancy::Role::kCcgCommissioner:
      return "CCG commissioner";
    case tenancy::Role::kCcgFinance:
      return "CCG finance";
    case tenancy::Role::kCcgViewer:
      return "CCG viewer";
    case tenancy::Role::kCsuProcurement:
      return "CSU procurement";
    case tenancy::Role::kCsuFinance:
      return "CSU finance";
    case tenancy::Role::kCsuChc:
      return "CSU continuing healthcare";
    case tenancy::Role::kCcgChc:
      return "CCG continuing healthcare";
    case tenancy::Role::kCsuPayroll:
      return "CSU payroll";
    case tenancy::Role::kCcgHr:
      return "CCG HR and payroll";
    case tenancy::Role::kGpPractice:
      return "GP practice";
    case tenancy::Role::kCcgPrimaryCare:
      return "CCG primary care";
    case tenancy::Role::kCsuPrimaryCare:
      return "CSU primary care";
  }
  return std::string(tenancy::RoleName(role));
}

PageFrame WebApp::Impl::Frame(const Caller& c, std::string title, std::string subtitle) const {
  PageFrame f;
  f.title = std::move(title);
  f.subtitle = std::move(subtitle);
  f.user = c.who.username;
  f.role = RoleLabel(c.who.role);
  f.csrf_token = CsrfTokenFor(c.session_token);
  // A platform date set for the state folder is never silent.
  if (billing.today) {
    const Date real = store::Env::Default().TodayUk();
    if (const Date platform = billing.today(); platform != real)
      f.subtitle += (f.subtitle.empty() ? "" : " · ") + store::PlatformDateNotice(platform, real);
  }
  return f;
}

std::vector<NavLink> WebApp::Impl::CsuNav(const Caller& c, std::string_view current) const {
  std::vector<NavLink> nav = {{"/", "All CCGs", current == "home"}};
  // The cross-CCG activity view (partition_routes.cc): the same roles the page admits.
  if (tenancy::IsCsuRole(c.who.role) && tenancy::Grants(c.who.role, Action::kView, Identifiability::kAggregate))
    nav.push_back({"/csu/activity", "Activity across CCGs", current == "activity"});
  if (tenancy::Grants(c.who.role, Action::kLoadData, Identifiability::kAggregate))
    nav.push_back({"/data", "Data loads", current == "data"});
  if (tenancy::Grants(c.who.role, Action::kViewAudit, Identifiability::kAggregate))
    nav.push_back({"/audit", "Audit log", current == "audit"});
  if (tenancy::Grants(c.who.role, Action::kManageUsers, Identifiability::kAggregate))
    nav.push_back({"/admin/users", "Users", current == "users"});
  if (tenancy::Grants(c.who.role, Action::kManageBilling, Identifiability::kAggregate))
    nav.push_back({"/billing", "Billing", current == "billing"});
  if (CsuLedgerEntity(c, Action::kViewLedger)) nav.push_back({"/csu/ledger", "CSU ledger", current == "csu-ledger"});
  return nav;
}

bool WebApp::Impl::CsuWide(const Caller& c, Action a) const {
  return static_cast<bool>(accounts.Authorize(c.who, a, OdsCode(), Identifiability::kAggregate));
}

std::vector<NavLink> WebApp::Impl::CcgNav(const Caller& c, const OdsCode& ccg, std::string_view current) const {
  const std::string base = "/ccg/" + std::string(ccg.view());
  std::vector<NavLink> nav = {{"/", "All CCGs", false}, {base, "Home", current == "home"}};
  if (tenancy::IsCsuRole(c.who.role) == false) nav.erase(nav.begin());
  for (const auto& [view, label] : kViewPages) {
    const Identifiability level =
        analytics::IsRecordLevel(view) ? Identifiability::kRecordLevel : Identifiability::kAggregate;
    if (!tenancy::Grants(c.who.role, Action::kView, level)) continue;
    nav.push_back({base + "/view/" + view, label, current == view});
  }
  if (tenancy::Grants(c.who.role, Action::kViewBilling, Identifiability::kAggregate))
    nav.push_back({base + "/billing", "Billing", current == "billing"});
  for (NavLink& l : ServiceLinks(c, ccg, current)) nav.push_back(std::move(l));
  return nav;
}

std::vector<NavLink> WebApp::Impl::ServiceLinks(const Caller& c, const OdsCode& ccg, std::string_view current) const {
  const std::string base = "/ccg/" + std::string(ccg.view());
  std::vector<NavLink> links;
  if (ledger.with_store && tenancy::Grants(c.who.role, Action::kViewLedger, Identifiability::kAggregate))
    links.push_back({base + "/ledger", "Ledger", current == "ledger"});
  if (procurement.with_store && tenancy::Grants(c.who.role, Action::kScoreBids, Identifiability::kAggregate))
    links.push_back({base + "/procurement", "Procurement", current == "procurement"});
  if (tenancy::Grants(c.who.role, Action::kViewChc, Identifiability::kRecordLevel) && chc.with_store)
    links.push_back({base + "/chc", "Continuing healthcare", current == "chc"});
  if (primary_care.with_store &&
      (tenancy::Grants(c.who.role, Action::kView, Identifiability::kAggregate) ||
       (!tenancy::IsPracticeRole(c.who.role) &&
        tenancy::Grants(c.who.role, Action::kViewPrimaryCare, Identifiability::kAggregate))))
    links.push_back({base + "/primary-care", "Primary care", current == "primary-care"});
  if (claims.with_store && tenancy::Grants(c.who.role, Action::kViewPrimaryCare, Identifiability::kAggregate))
    links.push_back({base + "/primary-care/claims", "Primary care claims", current == "primary-care-claims"});
  if (payroll.with_store && tenancy::Grants(c.who.role, Action::kViewStaff, Identifiability::kAggregate))
    links.push_back({"/payroll/" + std::string(ccg.view()) + "/staff", "Payroll and HR", current == "payroll"});
  return links;
}

Response WebApp::Impl::NotFound(const std::optional<Caller>& c) const {
  PageFrame f;
  f.title = "Page not found";
  if (c) f = Frame(*c, "Page not found");
  return Response::Html(404, RenderPage(f,
                                        "<p>There is no such page, or it is not one you can see. "
                                        "<a href=\"/\">Go to your home page</a>.</p>"));
}

Response WebApp::Impl::Problem(const Caller& c, int status, const std::string& title,
                               const std::string& message) const {
  return Response::Html(status, RenderPage(Frame(c, title), NoticePanel(message, true)));
}

Status WebApp::Impl::Audit(const Caller& c, const std::string& action, const std::string& subject,
                           const nlohmann::json& details) const {
  // A token's request names the token: the user's name alone cannot say
  // whether they, or a system holding one of their tokens, did it.
  if (c.who.api_token_id == 0) return audit(c.who.username, action, subject, details.dump());
  nlohmann::json with_token = details;
  with_token["api_token_id"] = c.who.api_token_id;
  return audit(c.who.username, action, subject, with_token.dump());
}

Response WebApp::Impl::ApiNotFound() { return Response::Error(404, "not found"); }

WebApp::WebApp(WebOptions options, tenancy::Accounts& accounts, const analytics::CommissioningViews& views,
               const refdata::RefData& ref, AuditFn audit, PlatformRecords records, BillingAccess billing,
               LedgerAccess ledger, ProcurementAccess procurement, ChcAccess chc, PayrollAccess payroll,
               PrimaryCareAccess primary_care)
    : impl_(std::make_unique<Impl>(options, accounts, views, ref, std::move(audit), std::move(records),
                                   options.behind_tls ? "__Host-csu_session" : "csu_session", std::move(billing),
                                   std::move(ledger))),
      session_cookie_(impl_->session_cookie) {
  impl_->chc = std::move(chc);
  impl_->payroll = std::move(payroll);
  impl_->primary_care = std::move(primary_care);
  Impl* app = impl_.get();
  Impl::AddPayrollRoutes(router_, app);  // payroll_routes.cc
  app->procurement = std::move(procurement);
  using Fn = Response (Impl::*)(const Request&, const Caller&) const;
  // `use`: what a served request counts as, in its CCG's use of the platform
  // (docs/billing.md, "Metering"); reading one's own billing is not a use.
  using Use = Impl::Use;
  auto page = [app](Fn fn, Use use = Use::kPage) {
    return [app, fn, use](const Request& r) {
      auto c = app->Authenticate(r);
      if (!c) return Redirect("/signin");
      return app->Metered(r, *c, false, use, (app->*fn)(r, *c));
    };
  };
  auto api = [app](Fn fn, Use use = Use::kPage) {
    return [app, fn, use](const Request& r) {
      auto c = app->Authenticate(r);
      if (!c) return Response::Error(401, "sign in, or send an API token as 'Authorization: Bearer ...'");
      return app->Metered(r, *c, true, use, (app->*fn)(r, *c));
    };
  };
  // A supervisor restarts or drains a server whose store cannot write; the
  // reason is fixed text, since anyone may ask (the detail is in the log).
  router_.Add(Method::kGet, "/healthz", [app](const Request&) {
    if (app->records.health && !app->records.health().ok()) {
      return Response::Json(503, "{\"status\":\"unavailable\",\"reason\":\"the store cannot write (a catalog "
                                 "commit failed); see the server log\"}");
    }
    return Response::Json(200, "{\"status\":\"ok\"}");
  });
  router_.Add(Method::kGet, "/static/app.css", [](const Request&) {
    Response r = Response::Text(200, std::string(StyleSheet()));
    r.SetHeader("Content-Type", "text/css; charset=utf-8");
    r.SetHeader("Cache-Control", "public, max-age=3600");
    return r;
  });
  router_.Add(Method::kGet, "/signin", [app](const Request& r) { return app->SignInPage(r, "", 200, ""); });
  router_.Add(Method::kPost, "/signin", [app](const Request& r) { return app->SignIn(r); });
  router_.Add(Method::kPost, "/signin/enrol", [app](const Request& r) { return app->SignInEnrol(r); });
  router_.Add(Method::kPost, "/signout", [app](const Request& r) { return app->SignOut(r); });
  router_.Add(Method::kGet, "/", page(&Impl::Home));
  router_.Add(Method::kGet, "/ccg/{ccg}", page(&Impl::CcgHome));
  router_.Add(Method::kGet, "/ccg/{ccg}/view/{view}", page(&Impl::ViewPage, Use::kView));
  router_.Add(Method::kGet, "/ccg/{ccg}/records", page(&Impl::RecordsPage, Use::kRecords));
  router_.Add(Method::kPost, "/ccg/{ccg}/challenges", page(&Impl::SetChallenge));
  router_.Add(Method::kGet, "/ccg/{ccg}/export/{view}/{format}", page(&Impl::Export, Use::kExport));
  router_.Add(Method::kGet, "/ccg/{ccg}/challenge-pack", page(&Impl::ChallengePackPage, Use::kPack));
  router_.Add(Method::kGet, "/ccg/{ccg}/challenge-pack/xlsx", page(&Impl::ChallengePackWorkbook, Use::kPackExport));
  router_.Add(Method::kGet, "/data", page(&Impl::DataPage));
  // Uploads (upload_routes.cc): 404 unless EnableUploads was called.
  router_.Add(Method::kPost, "/data/uploads", page(&Impl::Upload, Use::kNone));
  router_.Add(Method::kGet, "/data/uploads/{job}", page(&Impl::UploadPage, Use::kNone));
  router_.Add(Method::kGet, "/api/v1/data/uploads/{job}", api(&Impl::ApiUpload, Use::kNone));
  router_.Add(Method::kGet, "/audit", page(&Impl::AuditPage));
  router_.Add(Method::kGet, "/admin/users", page(&Impl::UsersPage));
  auto users_form = [app](Impl::UsersForm form) {
    return [app, form](const Request& r) {
      auto c = app->Authenticate(r);
      return c ? app->UsersChange(r, *c, form) : Redirect("/signin");
    };
  };
  router_.Add(Method::kPost, "/admin/users", users_form(Impl::UsersForm::kAdd));
  router_.Add(Method::kPost, "/admin/users/change", users_form(Impl::UsersForm::kChange));
  router_.Add(Method::kPost, "/admin/users/password", users_form(Impl::UsersForm::kPassword));
  router_.Add(Method::kPost, "/admin/users/second-factor", users_form(Impl::UsersForm::kSecondFactor));
  // Administrators revoke anyone's tokens but make none for others: a token
  // is made by its own user, on their account page.
  router_.Add(Method::kPost, "/admin/users/tokens/revoke", users_form(Impl::UsersForm::kRevokeToken));
  router_.Add(Method::kGet, "/account", page(&Impl::AccountPage, Use::kNone));
  auto account_form = [app](Impl::AccountForm form) {
    return [app, form](const Request& r) {
      auto c = app->Authenticate(r);
      return c ? app->AccountChange(r, *c, form) : Redirect("/signin");
    };
  };
  router_.Add(Method::kPost, "/account/tokens", account_form(Impl::AccountForm::kCreateToken));
  router_.Add(Method::kPost, "/account/tokens/revoke", account_form(Impl::AccountForm::kRevokeToken));
  router_.Add(Method::kPost, "/account/second-factor", account_form(Impl::AccountForm::kStartAuthenticator));
  router_.Add(Method::kPost, "/account/second-factor/confirm", account_form(Impl::AccountForm::kConfirmAuthenticator));
  router_.Add(Method::kGet, "/static/invoice.css", [](const Request&) {
    Response r = Response::Text(200, billing::InvoiceCss());
    r.SetHeader("Content-Type", "text/css; charset=utf-8");
    r.SetHeader("Cache-Control", "public, max-age=3600");
    return r;
  });
  router_.Add(Method::kGet, "/ccg/{ccg}/billing", page(&Impl::CcgBillingPage, Use::kNone));
  router_.Add(Method::kGet, "/ccg/{ccg}/invoices/{number}", page(&Impl::InvoicePage, Use::kNone));
  router_.Add(Method::kGet, "/billing", page(&Impl::CsuBillingPage, Use::kNone));
  router_.Add(Method::kPost, "/billing/catalogue", page(&Impl::CataloguePrice, Use::kNone));
  router_.Add(Method::kGet, "/api/v1/ccg/{ccg}/billing", api(&Impl::ApiCcgBilling, Use::kNone));
  // Continuing healthcare (chc_routes.cc): for the CHC roles; pseudonymised.
  using ChcView = Impl::ChcView;
  const std::pair<const char*, ChcView> chc_pages[] = {{"", ChcView::kCaseload},
                                                       {"/deadlines", ChcView::kDeadlines},
                                                       {"/reviews", ChcView::kReviews},
                                                       {"/packages", ChcView::kPackages},
                                                       {"/committed", ChcView::kCommitted},
                                                       {"/invoices", ChcView::kInvoices},
                                                       {"/claims", ChcView::kClaims}};
  for (const auto& [suffix, which] : chc_pages) {
    const ChcView w = which;
    router_.Add(Method::kGet, std::string("/ccg/{ccg}/chc") + suffix, [app, w](const Request& r) {
      auto c = app->Authenticate(r);
      if (!c) return Redirect("/signin");
      return app->Metered(r, *c, false, Use::kPage, app->ChcPage(r, *c, w));
    });
    router_.Add(Method::kGet, std::string("/api/v1/ccg/{ccg}/chc") + suffix, [app, w](const Request& r) {
      auto c = app->Authenticate(r);
      if (!c) return Response::Error(401, "sign in, or send an API token as 'Authorization: Bearer ...'");
      return app->Metered(r, *c, true, Use::kPage, app->ApiChc(r, *c, w));
    });
  }
  // Primary care (primary_care_routes.cc).
  using PcView = Impl::PcView;
  const std::pair<const char*, PcView> pc_pages[] = {
      {"", PcView::kPractices},          {"/contracts", PcView::kContracts}, {"/achievement", PcView::kAchievement},
      {"/outliers", PcView::kOutliers},  {"/schedule", PcView::kSchedule},   {"/postings", PcView::kPostings},
      {"/practice/{practice}", PcView::kPractice}};
  for (const auto& [suffix, which] : pc_pages) {
    const PcView w = which;
    router_.Add(Method::kGet, std::string("/ccg/{ccg}/primary-care") + suffix, [app, w](const Request& r) {
      auto c = app->Authenticate(r);
      if (!c) return Redirect("/signin");
      return app->Metered(r, *c, false, Use::kPage, app->PcPage(r, *c, w));
    });
    router_.Add(Method::kGet, std::string("/api/v1/ccg/{ccg}/primary-care") + suffix, [app, w](const Request& r) {
      auto c = app->Authenticate(r);
      if (!c) return Response::Error(401, "sign in, or send an API token as 'Authorization: Bearer ...'");
      return app->Metered(r, *c, true, Use::kPage, app->ApiPc(r, *c, w));
    });
  }
  router_.Add(Method::kGet, "/ccg/{ccg}/primary-care-export/{view}/{format}", page(&Impl::PcExport, Use::kExport));
  AddPrimaryCareScheduleRoutes(router_, app);
  router_.Add(Method::kGet, "/ccg/{ccg}/chc/cases/{case}", page(&Impl::ChcCasePage));
  AddPrimaryCareClaimsRoutes(router_, app);
  router_.Add(Method::kGet, "/api/v1/ccg/{ccg}/chc/cases/{case}", api(&Impl::ApiChcCase));
  router_.Add(Method::kGet, "/ccg/{ccg}/chc/cases/{case}/dst", page(&Impl::ChcDstForm));
  router_.Add(Method::kPost, "/ccg/{ccg}/chc/cases/{case}/dst", page(&Impl::ChcDstSubmit));
  router_.Add(Method::kGet, "/ccg/{ccg}/chc/cases/{case}/identity", page(&Impl::ChcIdentityForm));
  router_.Add(Method::kPost, "/ccg/{ccg}/chc/cases/{case}/identity", page(&Impl::ChcIdentitySubmit));
  router_.Add(Method::kGet, "/api/v1/ccg/{ccg}/invoices/{number}", api(&Impl::ApiInvoice, Use::kNone));
  router_.Add(Method::kGet, "/api/v1/billing", api(&Impl::ApiCsuBilling, Use::kNone));
  router_.Add(Method::kGet, "/ccg/{ccg}/ledger", page(&Impl::LedgerHome, Use::kPage));
  router_.Add(Method::kGet, "/ccg/{ccg}/ledger/{view}", page(&Impl::LedgerView, Use::kView));
  router_.Add(Method::kPost, "/ccg/{ccg}/ledger/journals", page(&Impl::LedgerPostJournal, Use::kNone));
  router_.Add(Method::kPost, "/ccg/{ccg}/ledger/approve", page(&Impl::LedgerApprove, Use::kNone));
  router_.Add(Method::kPost, "/ccg/{ccg}/ledger/period", page(&Impl::LedgerPeriodChange, Use::kNone));
  router_.Add(Method::kPost, "/ccg/{ccg}/ledger/virements", page(&Impl::LedgerVire, Use::kNone));
  router_.Add(Method::kPost, "/ccg/{ccg}/ledger/forecasts", page(&Impl::LedgerForecast, Use::kNone));
  router_.Add(Method::kGet, "/api/v1/ccg/{ccg}/ledger", api(&Impl::ApiLedgerHome, Use::kPage));
  router_.Add(Method::kGet, "/api/v1/ccg/{ccg}/ledger/{view}", api(&Impl::ApiLedgerView, Use::kView));
  router_.Add(Method::kPost, "/ccg/{ccg}/ledger/budgets", page(&Impl::LedgerBudgetSet, Use::kNone));
  router_.Add(Method::kPost, "/ccg/{ccg}/ledger/budgets/approve", page(&Impl::LedgerBudgetApprove, Use::kNone));
  // The CSU's own ledger: the same handlers without {ccg} (LedgerEntityOf).
  router_.Add(Method::kGet, "/csu/ledger", page(&Impl::LedgerHome, Use::kNone));
  router_.Add(Method::kGet, "/csu/ledger/{view}", page(&Impl::LedgerView, Use::kNone));
  router_.Add(Method::kPost, "/csu/ledger/journals", page(&Impl::LedgerPostJournal, Use::kNone));
  router_.Add(Method::kPost, "/csu/ledger/approve", page(&Impl::LedgerApprove, Use::kNone));
  router_.Add(Method::kPost, "/csu/ledger/period", page(&Impl::LedgerPeriodChange, Use::kNone));
  router_.Add(Method::kPost, "/csu/ledger/virements", page(&Impl::LedgerVire, Use::kNone));
  router_.Add(Method::kPost, "/csu/ledger/forecasts", page(&Impl::LedgerForecast, Use::kNone));
  router_.Add(Method::kPost, "/csu/ledger/budgets", page(&Impl::LedgerBudgetSet, Use::kNone));
  router_.Add(Method::kPost, "/csu/ledger/budgets/approve", page(&Impl::LedgerBudgetApprove, Use::kNone));
  router_.Add(Method::kGet, "/api/v1/csu/ledger", api(&Impl::ApiLedgerHome, Use::kNone));
  router_.Add(Method::kGet, "/api/v1/csu/ledger/{view}", api(&Impl::ApiLedgerView, Use::kNone));
  router_.Add(Method::kGet, "/ccg/{ccg}/procurement", page(&Impl::ProcurementPage, Use::kNone));
  router_.Add(Method::kGet, "/ccg/{ccg}/procurement/{tender}/evaluation", page(&Impl::EvaluationPage, Use::kNone));
  router_.Add(Method::kGet, "/api/v1/ccg/{ccg}/procurement", api(&Impl::ApiProcurement, Use::kNone));
  router_.Add(Method::kGet, "/api/v1/ccg/{ccg}/procurement/{tender}/evaluation", api(&Impl::ApiEvaluation, Use::kNone));
  router_.Add(Method::kGet, "/ccg/{ccg}/procurement/{tender}/record", page(&Impl::RecordPage, Use::kNone));
  router_.Add(Method::kGet, "/api/v1/ccg/{ccg}/procurement/{tender}/record", api(&Impl::ApiRecord, Use::kNone));
  router_.Add(Method::kGet, "/api/v1/ccgs", api(&Impl::ApiCcgs));
  router_.Add(Method::kGet, "/csu/activity", page(&Impl::CsuActivityPage));
  router_.Add(Method::kGet, "/api/v1/csu/activity", api(&Impl::ApiCsuActivity));
  Impl::AddPartitionRoutes(router_, app);  // partition_routes.cc: the internal endpoint
  router_.Add(Method::kGet, "/api/v1/data", api(&Impl::ApiData));
  router_.Add(Method::kGet, "/api/v1/audit", api(&Impl::ApiAudit));
  router_.Add(Method::kGet, "/api/v1/ccg/{ccg}", api(&Impl::ApiHome));
  router_.Add(Method::kGet, "/api/v1/ccg/{ccg}/view/{view}", api(&Impl::ApiView, Use::kView));
  router_.Add(Method::kGet, "/api/v1/ccg/{ccg}/challenge-pack", api(&Impl::ApiChallengePack, Use::kPack));
  router_.Add(Method::kGet, "/api/v1/ccg/{ccg}/records", api(&Impl::ApiRecords, Use::kRecords));
}

WebApp::~WebApp() = default;

void WebApp::SetPrimaryCareClaims(PrimaryCareClaimsAccess access) { impl_->claims = std::move(access); }

Response WebApp::Handle(Request& request) const {
  // The request reads one loaded activity from start to end, even if an
  // upload swaps in another meanwhile (docs/web.md, "Uploading extracts").
  const std::shared_ptr<const Impl::Snapshot> snapshot = impl_->CurrentSnapshot();
  const Pin outer = t_pin;
  t_pin = Pin{impl_.get(), snapshot.get()};
  struct Restore {
    Pin pin;
    ~Restore() { t_pin = pin; }
  } restore{outer};
  try {
    // A CCG held by other nodes of a partitioned installation is answered
    // by them (partition_routes.cc).
    if (auto routed = impl_->RouteToOwners(request)) return std::move(*routed);
    return router_.Dispatch(request);
  } catch (const std::exception&) {
    // The message may hold data; the server logs the request id only.
    return Response::Html(500, RenderPage(PageFrame{"Something went wrong", "", "", "", "", {}},
                                          "<p>The page could not be shown. Please try again; if it keeps failing, "
                                          "tell the CSU's service desk the time it happened.</p>"));
  }
}

}  // namespace csu::web
