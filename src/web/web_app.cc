#include "web/web_app.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "analytics/commissioning_views.h"
#include "billing/billing_store.h"
#include "billing/billing_summary.h"
#include "billing/invoice_document.h"
#include "billing/meter.h"
#include "contracts/contract.h"
#include "core/money.h"
#include "http/request_parser.h"
#include "ingest/extract_schema.h"
#include "pricing/priced_activity.h"
#include "refdata/refdata.h"
#include "report/render.h"
#include "report/xlsx_writer.h"
#include "spc/svg_chart.h"
#include "spc/xmr_chart.h"
#include "store/env.h"
#include "store/sha256.h"
#include "tenancy/accounts.h"
#include "tenancy/secrets.h"
#include "web/billing_pages.h"
#include "web/html.h"
#include "web/style.h"
#include "web/users_page.h"

namespace csu::web {

using http::Method;
using http::Request;
using http::Response;
using tenancy::Action;
using tenancy::Identifiability;
using tenancy::Role;

std::string CsrfTokenFor(std::string_view session_token) {
  return store::Sha256Hex("opencsu-csrf:" + std::string(session_token)).substr(0, 32);
}

namespace {

constexpr const char* kSignInCookie = "csu_signin";
constexpr size_t kMaxRecordRows = 1000;  // records shown on one drill-down page
// Views with a page of their own; "records" is the drill-down page.
const std::vector<std::pair<std::string, std::string>> kViewPages = {
    {"monitoring", "Contract monitoring"}, {"nca", "Non-contract activity"}, {"spend", "Spend"},
    {"flows", "Patient flows"},           {"practices", "Practices"},       {"ae", "A&E"},
    {"readmissions", "Readmissions"},     {"challenges", "Challenges"}};

std::map<std::string, std::string> ParseCookies(const Request& r) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : r.headers.fields()) {
    if (name != "cookie") continue;
    std::string_view v = value;
    while (!v.empty()) {
      const size_t semi = v.find(';');
      std::string_view part = v.substr(0, semi);
      v = semi == std::string_view::npos ? std::string_view() : v.substr(semi + 1);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      const size_t eq = part.find('=');
      if (eq == std::string_view::npos) continue;
      out.emplace(std::string(part.substr(0, eq)), std::string(part.substr(eq + 1)));
    }
  }
  return out;
}

// application/x-www-form-urlencoded; a malformed pair is skipped.
std::map<std::string, std::string> ParseForm(std::string_view body) {
  std::map<std::string, std::string> out;
  while (!body.empty()) {
    const size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    const size_t eq = pair.find('=');
    auto key = http::PercentDecode(pair.substr(0, eq), true);
    auto value = http::PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (key && value) out.emplace(std::move(*key), std::move(*value));
  }
  return out;
}

// A form field's value, "" when absent.
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

}  // namespace

struct Caller {
  tenancy::Principal who;
  std::string session_token;  // empty for API tokens
};

struct WebApp::Impl {
  Impl(WebOptions o, tenancy::Accounts& a, const analytics::CommissioningViews& v, const refdata::RefData& r, AuditFn f,
       PlatformRecords p, std::string cookie, BillingAccess b)
      : options(o),
        accounts(a),
        views(v),
        ref(r),
        audit(std::move(f)),
        records(std::move(p)),
        session_cookie(std::move(cookie)),
        billing(std::move(b)) {}

  WebOptions options;
  tenancy::Accounts& accounts;
  const analytics::CommissioningViews& views;
  const refdata::RefData& ref;
  AuditFn audit;
  PlatformRecords records;
  std::string session_cookie;
  BillingAccess billing;
  // Users already counted active for a CCG this month (their usage_keys row
  // is committed), so most requests skip that transaction.
  mutable std::mutex active_mu;
  mutable std::set<std::string> active_counted;
  // Headlines and weekly A&E series by "CCG/month": the loaded activity does
  // not change while the server runs, and a headline costs a cube, contract
  // monitoring and every challenge rule (hundreds of milliseconds on the
  // demo), so each is computed once. At most CCGs × 13 entries.
  mutable std::mutex cache_mu;
  mutable std::map<std::string, std::shared_ptr<const analytics::Headline>> headlines;
  mutable std::map<std::string, std::shared_ptr<const std::vector<analytics::MeasurePoint>>> ae_weeks;
  mutable std::map<std::string, std::shared_ptr<const analytics::ViewResult>> view_results;

  // A view's tables, cached like the headlines; not challenges, whose
  // statuses change while the server runs.
  Result<std::shared_ptr<const analytics::ViewResult>> ViewOf(const OdsCode& ccg, const std::string& view,
                                                              int month) const {
    const bool cacheable = view != "challenges";
    const std::string key = std::string(ccg.view()) + "/" + view + "/" + std::to_string(month);
    if (cacheable) {
      std::lock_guard<std::mutex> lock(cache_mu);
      if (auto it = view_results.find(key); it != view_results.end()) return it->second;
    }
    auto built = views.Build(ViewRequestFor(ccg, view, month));
    if (!built.ok()) return built.error();
    auto shared = std::make_shared<const analytics::ViewResult>(std::move(built).value());
    if (!cacheable) return shared;
    std::lock_guard<std::mutex> lock(cache_mu);
    return view_results.emplace(key, std::move(shared)).first->second;
  }

  Result<std::shared_ptr<const analytics::Headline>> HeadlineOf(const OdsCode& ccg, int month) const {
    const std::string key = std::string(ccg.view()) + "/" + std::to_string(month);
    {
      std::lock_guard<std::mutex> lock(cache_mu);
      if (auto it = headlines.find(key); it != headlines.end()) return it->second;
    }
    auto h = views.HeadlineFor(ViewRequestFor(ccg, "monitoring", month));
    if (!h.ok()) return h.error();
    auto shared = std::make_shared<const analytics::Headline>(std::move(h).value());
    std::lock_guard<std::mutex> lock(cache_mu);
    return headlines.emplace(key, std::move(shared)).first->second;
  }

  std::shared_ptr<const std::vector<analytics::MeasurePoint>> AeWeeksOf(const analytics::ViewScope& scope) const {
    const std::string key = scope.commissioner_label;
    {
      std::lock_guard<std::mutex> lock(cache_mu);
      if (auto it = ae_weeks.find(key); it != ae_weeks.end()) return it->second;
    }
    auto weeks = std::make_shared<const std::vector<analytics::MeasurePoint>>(views.AeFourHourWeekly(scope));
    std::lock_guard<std::mutex> lock(cache_mu);
    return ae_weeks.emplace(key, std::move(weeks)).first->second;
  }

  // ---- who is asking ----
  std::optional<Caller> Authenticate(const Request& r) const {
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

  bool CsrfOk(const Request& r, const Caller& c) const {
    if (c.session_token.empty()) return false;  // cookie-less callers have no forms
    const std::string token = FormValue(ParseForm(r.body), "csrf");
    return !token.empty() && tenancy::ConstantTimeEquals(token, CsrfTokenFor(c.session_token));
  }

  // The CCG of the path if the caller may act on it at this level; nullopt
  // for a CCG outside their scope and for one that does not exist alike.
  std::optional<OdsCode> Tenant(const Request& r, const Caller& c, Action a, Identifiability level) const {
    auto code = OdsCode::Parse(r.PathParam("ccg"));
    if (!code.ok() || ref.FindCcg(code.value()) == nullptr) return std::nullopt;
    if (!accounts.Authorize(c.who, a, code.value(), level)) return std::nullopt;
    return code.value();
  }

  std::vector<OdsCode> VisibleTenants(const Caller& c) const {
    std::vector<OdsCode> all;
    if (auto t = accounts.Tenants(); t.ok()) all = t.value();
    const auto& commissioners = views.activity().tables.codes.commissioner();
    for (uint32_t id = 1; id < commissioners.size(); ++id) {
      auto code = OdsCode::Parse(commissioners.code(id));
      if (code.ok() && ref.FindCcg(code.value()) &&
          std::find(all.begin(), all.end(), code.value()) == all.end())
        all.push_back(code.value());
    }
    std::vector<OdsCode> out = tenancy::TenantsOf(c.who, all);
    std::sort(out.begin(), out.end(), [](const OdsCode& a, const OdsCode& b) { return a.view() < b.view(); });
    return out;
  }

  std::string CcgName(const OdsCode& code) const {
    const refdata::Ccg* ccg = ref.FindCcg(code);
    return ccg ? ccg->name : std::string(code.view());
  }

  // ---- pages ----
  PageFrame Frame(const Caller& c, std::string title, std::string subtitle = "") const {
    PageFrame f;
    f.title = std::move(title);
    f.subtitle = std::move(subtitle);
    f.user = c.who.username;
    f.role = std::string(tenancy::RoleName(c.who.role));
    f.csrf_token = CsrfTokenFor(c.session_token);
    return f;
  }

  std::vector<NavLink> CsuNav(const Caller& c, std::string_view current) const {
    std::vector<NavLink> nav = {{"/", "All CCGs", current == "home"}};
    if (tenancy::Grants(c.who.role, Action::kLoadData, Identifiability::kAggregate))
      nav.push_back({"/data", "Data loads", current == "data"});
    if (tenancy::Grants(c.who.role, Action::kViewAudit, Identifiability::kAggregate))
      nav.push_back({"/audit", "Audit log", current == "audit"});
    if (tenancy::Grants(c.who.role, Action::kManageUsers, Identifiability::kAggregate))
      nav.push_back({"/admin/users", "Users", current == "users"});
    if (tenancy::Grants(c.who.role, Action::kManageBilling, Identifiability::kAggregate))
      nav.push_back({"/billing", "Billing", current == "billing"});
    return nav;
  }

  // CSU-wide pages: the action's permission with no tenant.
  bool CsuWide(const Caller& c, Action a) const {
    return static_cast<bool>(accounts.Authorize(c.who, a, OdsCode(), Identifiability::kAggregate));
  }

  static report::ReportTable BatchesTable(const std::vector<store::BatchInfo>& batches) {
    using report::Cell;
    using report::ColumnType;
    report::ReportTable t("Batches loaded", {{"batch", ColumnType::kInteger, "Batch"},
                                             {"kind", ColumnType::kText, "Kind"},
                                             {"file", ColumnType::kText, "File"},
                                             {"rows_read", ColumnType::kCount, "Rows read"},
                                             {"accepted", ColumnType::kCount, "Accepted"},
                                             {"quarantined", ColumnType::kCount, "Quarantined"},
                                             {"restated", ColumnType::kCount, "Restated"},
                                             {"loaded_at", ColumnType::kText, "Loaded (UTC)"},
                                             {"loaded_by", ColumnType::kText, "By"},
                                             {"status", ColumnType::kText, "Status"},
                                             {"sha256", ColumnType::kText, "Content SHA-256"}});
    for (auto it = batches.rbegin(); it != batches.rend(); ++it) {
      const store::BatchInfo& b = *it;
      t.AddRow({Cell::Integer(b.id), Cell::Text(std::string(ingest::KindName(b.kind))), Cell::Text(b.file_name),
                Cell::Count(b.rows_read), Cell::Count(b.rows_accepted), Cell::Count(b.rows_quarantined),
                Cell::Count(b.records_restated), Cell::Text(b.loaded_at), Cell::Text(b.loaded_by),
                Cell::Text(b.removed ? "withdrawn" : "loaded"), Cell::Text(b.content_sha256.substr(0, 16))});
    }
    t.notes.push_back("Newest first. Why rows were quarantined: the next table.");
    return t;
  }

  // Quarantined rows per batch by column and reason: counts only, never a
  // row, a line number or a detail (which may quote a value).
  static report::ReportTable QuarantineTable(const std::vector<store::BatchInfo>& batches,
                                             const std::vector<store::QuarantineCount>& counts) {
    using report::Cell;
    using report::ColumnType;
    report::ReportTable t("Quarantined rows by reason", {{"batch", ColumnType::kInteger, "Batch"},
                                                         {"file", ColumnType::kText, "File"},
                                                         {"column", ColumnType::kText, "Column"},
                                                         {"reason", ColumnType::kText, "Reason"},
                                                         {"rows", ColumnType::kCount, "Rows"}});
    std::map<int64_t, std::string> files;
    for (const store::BatchInfo& b : batches) files[b.id] = b.file_name;
    // Newest batch first, like the batches table; within one, most rows first.
    std::vector<store::QuarantineCount> sorted = counts;
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.batch_id > b.batch_id; });
    for (const store::QuarantineCount& q : sorted)
      t.AddRow({Cell::Integer(q.batch_id), Cell::Text(files[q.batch_id]),
                Cell::Text(q.column.empty() ? "(whole row)" : q.column), Cell::Text(q.reason), Cell::Count(q.rows)});
    t.notes.push_back("Counts only. The rows themselves, identifiers masked, are listed on the server by "
                      "csu quarantine --batch N.");
    return t;
  }

  // The data-loads page's tables: batches, then quarantine counts.
  Result<std::vector<report::ReportTable>> DataTables() const {
    auto batches = records.batches();
    if (!batches.ok()) return batches.error();
    auto counts = records.quarantine_counts();
    if (!counts.ok()) return counts.error();
    return std::vector<report::ReportTable>{BatchesTable(batches.value()),
                                            QuarantineTable(batches.value(), counts.value())};
  }

  Response DataPage(const Request&, const Caller& c) const {
    if (!CsuWide(c, Action::kLoadData)) return NotFound(c);
    auto tables = DataTables();
    PageFrame f = Frame(c, "Data loads", "Activity extracts loaded into this platform");
    f.nav = CsuNav(c, "data");
    if (!tables.ok()) return Problem(c, 500, "Data loads", "the catalog could not be read");
    std::string body;
    for (const report::ReportTable& t : tables.value()) body += TableHtml(t);
    return Response::Html(200, RenderPage(f, body));
  }

  Response ApiData(const Request&, const Caller& c) const {
    if (!CsuWide(c, Action::kLoadData)) return ApiNotFound();
    auto tables = DataTables();
    if (!tables.ok()) return Response::Error(500, "the catalog could not be read");
    return Response::Json(200, report::RenderJson(tables.value()).dump());
  }

  // The audit log, newest first, filtered by ?actor= ?action= (prefix)
  // ?from= ?to= (dates, inclusive), at most 500 entries.
  Result<report::ReportTable> AuditTable(const Request& r) const {
    using report::Cell;
    using report::ColumnType;
    auto entries = records.audit();
    if (!entries.ok()) return entries.error();
    const std::string actor(r.Query("actor").value_or(""));
    const std::string action(r.Query("action").value_or(""));
    const std::string from(r.Query("from").value_or(""));
    const std::string to(r.Query("to").value_or(""));
    report::ReportTable t("Audit log", {{"seq", ColumnType::kInteger, "#"},
                                        {"at", ColumnType::kText, "When (UTC)"},
                                        {"actor", ColumnType::kText, "Who"},
                                        {"action", ColumnType::kText, "Action"},
                                        {"subject", ColumnType::kText, "Subject"},
                                        {"details", ColumnType::kText, "Details"}});
    size_t shown = 0, matched = 0;
    const auto& all = entries.value();
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      const store::AuditEntry& e = *it;
      if (!actor.empty() && e.actor != actor) continue;
      if (!action.empty() && e.action.rfind(action, 0) != 0) continue;
      if (!from.empty() && e.at.substr(0, from.size()) < from) continue;
      if (!to.empty() && e.at.substr(0, to.size()) > to) continue;
      ++matched;
      if (shown == 500) continue;
      ++shown;
      t.AddRow({Cell::Integer(e.seq), Cell::Text(e.at), Cell::Text(e.actor), Cell::Text(e.action),
                Cell::Text(e.subject), Cell::Text(e.details)});
    }
    t.notes.push_back(std::to_string(matched) + " matching entries" +
                      (matched > shown ? ", newest " + std::to_string(shown) + " shown" : "") + ".");
    return t;
  }

  Response AuditPage(const Request& r, const Caller& c) const {
    if (!CsuWide(c, Action::kViewAudit)) return NotFound(c);
    PageFrame f = Frame(c, "Audit log", "Every sign-in, refusal, record-level view, export, load and change");
    f.nav = CsuNav(c, "audit");
    auto table = AuditTable(r);
    if (!table.ok()) return Problem(c, 500, "Audit log", "the audit log could not be read");
    auto verified = records.verify_audit();
    std::string body = verified.ok()
                           ? "<p class=\"note\">Hash chain verified: " + std::to_string(verified.value()) +
                                 " entries, each linked to the one before.</p>"
                           : "<div class=\"error\" role=\"alert\"><p>The hash chain does not verify: " +
                                 Escape(verified.error().ToString()) + "</p></div>";
    const auto field = [&](const char* name, const char* label, const char* type) {
      return InputField(name, name, label, type, r.Query(name).value_or(""));
    };
    body += "<form class=\"filters\" method=\"get\" action=\"/audit\">" + field("actor", "User", "text") +
            field("action", "Action starts with", "text") + field("from", "From", "date") + field("to", "To", "date") +
            "<div><button class=\"primary\" type=\"submit\">Filter</button></div></form>";
    body += TableHtml(table.value());
    return Response::Html(200, RenderPage(f, body));
  }

  Response ApiAudit(const Request& r, const Caller& c) const {
    if (!CsuWide(c, Action::kViewAudit)) return ApiNotFound();
    auto table = AuditTable(r);
    if (!table.ok()) return Response::Error(500, "the audit log could not be read");
    return Response::Json(200, report::RenderJson(table.value()).dump());
  }

  // POST /ccg/{ccg}/challenges: a status for one of the CCG's challenges.
  Response SetChallenge(const Request& r, const Caller& c) const {
    auto ccg = Tenant(r, c, Action::kSetChallengeStatus, Identifiability::kAggregate);
    if (!ccg) return NotFound(c);
    if (!CsrfOk(r, c)) return Problem(c, 403, "Refused", "The form had expired; go back and try again.");
    const auto form = ParseForm(r.body);
    const auto field = [&form](const char* k) { return FormValue(form, k); };
    const std::string id = field("id");
    const Status s = views.SetChallengeStatus(ViewRequestFor(*ccg, "challenges", 12), id, field("status"),
                                              field("note"), c.who.username);
    if (!s.ok()) return Problem(c, 400, "Challenge not recorded", s.error().ToString());
    return Redirect("/ccg/" + std::string(ccg->view()) + "/view/challenges?done=" +
                    UrlEncode(id + " " + field("status")));
  }

  // ---- users (administrators) ----
  // The users page, with `notice_html` (a result, an error, or a secret
  // shown once) above it.
  Response UsersResponse(const Caller& c, int status, std::string notice_html) const {
    UsersPageData page;
    page.csrf_token = CsrfTokenFor(c.session_token);
    page.notice_html = std::move(notice_html);
    auto users = accounts.ListUsers();
    if (!users.ok()) return Problem(c, 500, "Users", "The user list could not be read.");
    page.users = std::move(users).value();
    for (Role role : tenancy::kAllRoles) {
      auto required = accounts.RoleRequiresMfa(role);
      if (!required.ok()) return Problem(c, 500, "Users", "The second-factor policy could not be read.");
      page.second_factor_required[role] = required.value();
    }
    for (const tenancy::UserInfo& u : page.users) {
      auto tokens = accounts.ListApiTokens(u.username);
      if (!tokens.ok()) return Problem(c, 500, "Users", "The API tokens could not be read.");
      page.tokens.insert(page.tokens.end(), tokens.value().begin(), tokens.value().end());
    }
    PageFrame f = Frame(c, "Users", "Who may sign in, with which role, CCGs, second factor and API tokens");
    f.nav = CsuNav(c, "users");
    return Response::Html(status, RenderPage(f, UsersPageHtml(page)));
  }

  Response UsersPage(const Request& r, const Caller& c) const {
    if (!CsuWide(c, Action::kManageUsers)) return NotFound(c);
    const std::string done(r.Query("done").value_or(""));
    return UsersResponse(c, 200, done.empty() ? "" : NoticePanel("Done: " + done + ".", false));
  }

  // The forms of the users page, one route each.
  enum class UsersForm { kAdd, kChange, kPassword, kSecondFactor, kCreateToken, kRevokeToken };

  // POST /admin/users[/...]: 404 for everyone but administrators, then the
  // CSRF check; each change is made and audited by Accounts with the
  // administrator as the actor. Passwords are never echoed; a new API token
  // or authenticator secret is shown on this response only.
  Response UsersChange(const Request& r, const Caller& c, UsersForm form_kind) const {
    if (!CsuWide(c, Action::kManageUsers)) return NotFound(c);
    if (!CsrfOk(r, c)) return Problem(c, 403, "Refused", "The form had expired; go back and try again.");
    const auto form = ParseForm(r.body);
    const auto field = [&form](const char* k) { return FormValue(form, k); };
    const std::string user = field("username");
    const std::string& actor = c.who.username;
    Status done;
    std::string what;
    switch (form_kind) {
      case UsersForm::kAdd: {
        auto role = tenancy::ParseRole(field("role"));
        if (!role) {
          done = Error{"role", "not a role"};
          break;
        }
        done = accounts.AddUser({user, field("name"), *role, field("tenant"), false}, field("password"), actor).status();
        what = "added " + user;
        break;
      }
      case UsersForm::kChange: {
        const std::string change = field("change");
        if (change == "disable" || change == "enable") {
          done = accounts.SetDisabled(user, change == "disable", actor);
        } else if (change == "assign" || change == "unassign") {
          done = accounts.Assign(user, field("tenant"), change == "assign", actor);
        } else {
          done = Error{"change", "not a change this page makes"};
        }
        what = change + " " + user;
        break;
      }
      case UsersForm::kPassword: {
        const std::string authenticator = field("authenticator");
        if (authenticator != "keep" && authenticator != "new") {
          done = Error{"authenticator", "choose keep or new"};
          break;
        }
        auto reset = accounts.ResetPassword(user, field("password"), authenticator == "new", actor);
        done = reset.status();
        what = "password of " + user + " reset; their sessions and API tokens are revoked";
        if (reset.ok() && authenticator == "new") {
          const tenancy::Enrolment& e = reset.value();
          return UsersResponse(
              c, 200,
              NoticePanel("Done: " + what + ".", false) +
                  ShownOncePanel("Authenticator secret for " + e.user.username,
                                 {{"Secret (base32)", e.totp_secret}, {"otpauth URI", e.totp_uri}},
                                 "Give it to " + e.user.username + " to add to their authenticator app, by a channel "
                                 "other than the one the password goes by. It cannot be shown again."));
        }
        break;
      }
      case UsersForm::kSecondFactor: {
        auto role = tenancy::ParseRole(field("role"));
        const std::string required = field("required");
        if (!role || (required != "yes" && required != "no")) {
          done = Error{"second factor", "choose a role, and required or optional"};
          break;
        }
        done = accounts.SetRoleRequiresMfa(*role, required == "yes", actor);
        what = std::string("second factor ") + (required == "yes" ? "required" : "optional") + " for " +
               std::string(tenancy::RoleName(*role));
        break;
      }
      case UsersForm::kCreateToken: {
        auto created = accounts.CreateApiToken(user, field("name"), actor);
        if (!created.ok()) {
          done = created.error();
          break;
        }
        const auto& [info, token] = created.value();
        return UsersResponse(
            c, 200,
            ShownOncePanel("API token " + std::to_string(info.id) + " for " + info.username,
                           {{"Token", token}, {"Send it as", "Authorization: Bearer " + token}},
                           "Copy it into the system that will use it now: only its hash is kept, so it cannot be "
                           "shown again. It acts with " + info.username + "'s role and CCGs until revoked."));
      }
      case UsersForm::kRevokeToken: {
        const std::string id = field("id");
        if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos) {
          done = Error{"token", "give the token's number from the list"};
          break;
        }
        done = accounts.RevokeApiToken(std::stoll(id), actor);
        what = "API token " + id + " revoked";
        break;
      }
    }
    if (!done.ok()) return UsersResponse(c, 400, NoticePanel(done.error().ToString(), true));
    return Redirect("/admin/users?done=" + UrlEncode(what));
  }

  std::vector<NavLink> CcgNav(const Caller& c, const OdsCode& ccg, std::string_view current) const {
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
    return nav;
  }

  Response NotFound(const std::optional<Caller>& c) const {
    PageFrame f;
    f.title = "Page not found";
    if (c) f = Frame(*c, "Page not found");
    return Response::Html(404, RenderPage(f, "<p>There is no such page, or it is not one you can see. "
                                             "<a href=\"/\">Go to your home page</a>.</p>"));
  }

  Response Problem(const Caller& c, int status, const std::string& title, const std::string& message) const {
    return Response::Html(status, RenderPage(Frame(c, title), NoticePanel(message, true)));
  }

  // The month asked for (?month=1..12), 0 for the latest; nullopt if malformed.
  static std::optional<int> MonthOf(const Request& r) {
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

  Status Audit(const Caller& c, const std::string& action, const std::string& subject,
               const nlohmann::json& details) const {
    return audit(c.who.username, action, subject, details.dump());
  }

  analytics::ViewRequest ViewRequestFor(const OdsCode& ccg, std::string view, int month) const {
    analytics::ViewRequest v;
    v.view = std::move(view);
    v.commissioner = std::string(ccg.view());
    v.year = options.year;
    v.month = month;
    return v;
  }

  std::string MonthForm(const std::string& action, int month, const std::string& extra_hidden = "") const {
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

  std::string Subtitle(const OdsCode& ccg, const analytics::ViewScope& s) const {
    return CcgName(ccg) + " (" + std::string(ccg.view()) + ") · " + std::string(FinancialYear::MonthName(s.month)) +
           " " + std::to_string(options.year.start_year() + (s.month >= 10)) + ", month " + std::to_string(s.month) +
           " of " + options.year.ToString();
  }

  Response Home(const Request&, const Caller& c) const {
    if (!tenancy::IsCsuRole(c.who.role)) return Redirect("/ccg/" + std::string(c.who.tenant.view()));
    std::string body = "<p>The CCGs you work for. Figures are year to date at national tariff.</p>\n";
    report::ReportTable t("Your CCGs", {{"ccg", report::ColumnType::kText, "CCG"},
                                        {"name", report::ColumnType::kText, "Name"},
                                        {"plan", report::ColumnType::kMoney, "Plan to date"},
                                        {"actual", report::ColumnType::kMoney, "Actual to date"},
                                        {"variance", report::ColumnType::kMoney, "Variance"},
                                        {"forecast", report::ColumnType::kMoney, "Forecast outturn"}});
    for (const OdsCode& ccg : VisibleTenants(c)) {
      auto h = HeadlineOf(ccg, 0);
      if (!h.ok()) {
        t.AddRow({report::Cell::Text(std::string(ccg.view())), report::Cell::Text(CcgName(ccg)), {}, {}, {}, {}});
        continue;
      }
      const auto& v = *h.value();
      t.AddRow({report::Cell::Text(std::string(ccg.view())), report::Cell::Text(CcgName(ccg)),
                report::Cell::Pence(v.plan_ytd_pence), report::Cell::Pence(v.actual_ytd_pence),
                report::Cell::Pence(v.actual_ytd_pence - v.plan_ytd_pence),
                report::Cell::Pence(v.forecast_profiled_pence)});
    }
    body += TableHtml(t, [](const report::ReportTable& table, size_t row, size_t col) -> std::string {
      if (col != 0) return "";
      return "/ccg/" + table.rows[row][0].text;
    });
    PageFrame f = Frame(c, "CSU overview", "Financial year " + options.year.ToString());
    f.nav = CsuNav(c, "home");
    return Response::Html(200, RenderPage(f, body));
  }



  std::string RecordsLink(const OdsCode& ccg, std::string_view provider, std::string_view pod, int month) const {
    return "/ccg/" + std::string(ccg.view()) + "/records?provider=" + UrlEncode(provider) + "&pod=" + UrlEncode(pod) +
           "&month=" + std::to_string(month);
  }

  std::string AeChart(const analytics::ViewScope& scope, const OdsCode& ccg) const {
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

  Response CcgHome(const Request& r, const Caller& c) const {
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
    const int64_t variance = v.actual_ytd_pence - v.plan_ytd_pence;
    std::string body = MonthForm("/ccg/" + std::string(ccg->view()), v.scope.month);
    body += "<div class=\"cards\">";
    body += CardHtml("Spend to date", Pounds(v.actual_ytd_pence), "plan " + Pounds(v.plan_ytd_pence) + " across " +
                                                                 std::to_string(v.contracts) + " contracts");
    body += CardHtml("Variance to plan", (variance > 0 ? "+" : "") + Pounds(variance),
                 variance > 0 ? "over plan" : variance < 0 ? "under plan" : "on plan",
                 variance > 0 ? "over" : variance < 0 ? "under" : "");
    body += CardHtml("Forecast outturn", Pounds(v.forecast_profiled_pence),
                 "profiled; run rate " + Pounds(v.forecast_run_rate_pence) + "; annual plan " +
                     Pounds(v.annual_plan_pence));
    body += CardHtml("Payable after contract rules", Pounds(v.payable_ytd_pence), "30-day readmissions and MRET applied");
    body += CardHtml("Non-contract activity", Pounds(v.non_contract_ytd_pence), "to date, providers without a contract");
    const bool records = tenancy::Grants(c.who.role, Action::kView, Identifiability::kRecordLevel);
    body += CardHtml("Challenges raised", std::to_string(v.challenges),
                 Pounds(v.challenges_at_stake_pence) + " at stake" + (records ? "" : " (details need record access)"));
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
    body += TableHtml(top, [this, records, code, m](const report::ReportTable& t, size_t row, size_t col) {
      if (!records || col != 4) return std::string();
      return RecordsLink(code, t.rows[row][0].text, t.rows[row][2].text, m);
    });
    body += "<h2>A&amp;E 4-hour performance</h2>\n" + AeChart(v.scope, *ccg);
    body += "<p class=\"note\">Statistical process control (XmR, Making Data Count): limits from the average moving "
            "range; coloured points are special cause. Target 95%.</p>";
    return Response::Html(200, RenderPage(f, body));
  }

  // What a table links to: the monitoring view's actual activity and £
  // drill down to the records behind them.
  CellLink DrillLinks(const Caller& c, const OdsCode& ccg, const std::string& view, int month) const {
    if (view != "monitoring" || !tenancy::Grants(c.who.role, Action::kView, Identifiability::kRecordLevel)) return {};
    return [this, ccg, month](const report::ReportTable& t, size_t row, size_t col) -> std::string {
      size_t provider = t.columns.size(), pod = t.columns.size();
      for (size_t i = 0; i < t.columns.size(); ++i) {
        if (t.columns[i].name == "provider") provider = i;
        if (t.columns[i].name == "pod") pod = i;
      }
      if (provider == t.columns.size() || pod == t.columns.size() || t.IsTotalRow(row)) return "";
      const std::string& name = t.columns[col].name;
      if (name != "actual_activity_ytd" && name != "actual_ytd") return "";
      const std::string& p = t.rows[row][pod].text;
      if (p == "TOTAL" || p == "ALL" || p == "READM" || p == "MRET") return "";
      return RecordsLink(ccg, t.rows[row][provider].text, p, month);
    };
  }

  Response ViewPage(const Request& r, const Caller& c) const {
    const std::string view(r.PathParam("view"));
    const auto page = std::find_if(kViewPages.begin(), kViewPages.end(), [&](const auto& p) { return p.first == view; });
    const Identifiability level =
        analytics::IsRecordLevel(view) ? Identifiability::kRecordLevel : Identifiability::kAggregate;
    auto ccg = Tenant(r, c, Action::kView, level);
    if (!ccg || page == kViewPages.end()) return NotFound(c);
    auto month = MonthOf(r);
    if (!month) return Problem(c, 400, "Bad request", "month must be a financial month, 1 (April) to 12 (March)");
    PageFrame f = Frame(c, page->second);
    f.nav = CcgNav(c, *ccg, view);
    auto built = ViewOf(*ccg, view, *month);
    if (!built.ok()) return Response::Html(200, RenderPage(f, "<p>" + Escape(built.error().why) + ".</p>"));
    const analytics::ViewResult& result = *built.value();
    if (level == Identifiability::kRecordLevel) {
      if (!Audit(c, "web.view", view, {{"ccg", ccg->view()}, {"month", result.scope.month},
                                       {"record_level", true}}).ok())
        return Problem(c, 503, "Not available", "The audit log could not be written, so this page is withheld.");
    }
    const analytics::ViewScope& s = result.scope;
    f.subtitle = Subtitle(*ccg, s);
    const std::string base = "/ccg/" + std::string(ccg->view());
    std::string body = MonthForm(base + "/view/" + view, s.month);
    body += "<div class=\"actions\">";
    if (tenancy::Grants(c.who.role, Action::kExport, level)) {
      for (const char* format : {"csv", "xlsx"})
        body += "<a class=\"button secondary\" href=\"" + base + "/export/" + view + "/" + format + "?month=" +
                std::to_string(s.month) + "\">Download " + (std::string(format) == "csv" ? "CSV" : "Excel") + "</a>";
    }
    body += "<a href=\"/api/v1" + base + "/view/" + view + "?month=" + std::to_string(s.month) +
            "\">This page as JSON</a></div>\n";
    if (view == "challenges" &&
        tenancy::Grants(c.who.role, Action::kSetChallengeStatus, Identifiability::kAggregate)) {
      const std::string done(r.Query("done").value_or(""));
      if (!done.empty()) body += NoticePanel("Recorded: " + done + ".", false);
      body += "<form class=\"filters\" method=\"post\" action=\"" + base + "/challenges\">" +
              CsrfField(CsrfTokenFor(c.session_token)) +
              "<div><label for=\"id\">Challenge</label><input id=\"id\" name=\"id\" required></div>"
              "<div><label for=\"status\">Status</label><select id=\"status\" name=\"status\">"
              "<option>agreed</option><option>rejected</option><option>raised</option></select></div>"
              "<div><label for=\"note\">Note (why)</label><input id=\"note\" name=\"note\"></div>"
              "<div><button class=\"primary\" type=\"submit\">Record</button></div></form>";
    }
    for (const auto& t : result.tables) body += TableHtml(t, DrillLinks(c, *ccg, view, s.month));
    return Response::Html(200, RenderPage(f, body));
  }

  // records: provider (required), pod, month, month_only=1
  Result<analytics::ViewRequest> RecordsRequest(const Request& r, const OdsCode& ccg) const {
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
    return v;
  }

  Response RecordsPage(const Request& r, const Caller& c) const {
    auto ccg = Tenant(r, c, Action::kView, Identifiability::kRecordLevel);
    if (!ccg) return NotFound(c);
    auto request = RecordsRequest(r, *ccg);
    if (!request.ok()) return Problem(c, 400, "Bad request", request.error().ToString());
    auto built = views.Build(request.value());
    PageFrame f = Frame(c, "Records behind the figure");
    f.nav = CcgNav(c, *ccg, "");
    if (!built.ok()) return Response::Html(200, RenderPage(f, "<p>" + Escape(built.error().why) + ".</p>"));
    if (!Audit(c, "web.view", "records",
               {{"ccg", ccg->view()}, {"provider", request.value().provider}, {"month", built.value().scope.month},
                {"record_level", true}})
             .ok())
      return Problem(c, 503, "Not available", "The audit log could not be written, so this page is withheld.");
    f.subtitle = Subtitle(*ccg, built.value().scope);
    std::string body = "<p>Pseudonymised records: no NHS numbers, names or dates of birth. Each row names its batch "
                       "and row so its price can be explained with <code>csu price explain</code>.</p>";
    for (report::ReportTable& t : built.value().tables) {
      // A page of thousands of rows helps nobody and is slow to draw; the
      // JSON twin has every record.
      if (t.rows.size() > kMaxRecordRows) {
        t.notes.insert(t.notes.begin(), "Showing the first " + std::to_string(kMaxRecordRows) + " of " +
                                            std::to_string(t.rows.size()) +
                                            " records; narrow it to one month, or fetch them all from the JSON API.");
        t.rows.resize(kMaxRecordRows);
      }
      body += TableHtml(t);
    }
    return Response::Html(200, RenderPage(f, body));
  }

  Response Export(const Request& r, const Caller& c) const {
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
    if (!Audit(c, "web.export", view, {{"ccg", ccg->view()}, {"month", m}, {"format", format},
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
      // libxlsxwriter writes a file: a private temporary one, removed at once.
      std::string path = (std::filesystem::temp_directory_path() / "csu-export-XXXXXX").string();
      const int fd = ::mkstemp(path.data());
      if (fd < 0) return Problem(c, 500, "Export failed", "a temporary file could not be made");
      ::close(fd);
      const Status s = report::WriteXlsx(path, result.tables);
      std::ifstream in(path, std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      std::filesystem::remove(path);
      if (!s.ok()) return Problem(c, 500, "Export failed", "the workbook could not be written");
      out.set_body(bytes.str());
      out.SetHeader("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    }
    out.SetHeader("Content-Disposition", "attachment; filename=\"" + file + "\"");
    return out;
  }

  // ---- JSON twins ----
  static Response ApiNotFound() { return Response::Error(404, "not found"); }

  // ---- metering (docs/billing.md, "Metering") ----

  Date Today() const {
    if (billing.today) return billing.today();
    return Date::Parse(store::Env::Default().NowUtc().substr(0, 10)).value();
  }

  // Counts a served request against the CCG in its path before the response
  // leaves: the user active this month, an API call, a report run, an
  // export. A count that cannot be committed withholds the response (503),
  // so what was served and what is billed agree. Only the CCG's own users'
  // requests are its use (CSU staff working on a CCG are the CSU's service,
  // paid per head); refusals, HEAD, CSU-wide pages and the billing pages
  // themselves (reading one's invoice is not a use) are not metered.
  Response Metered(const Request& r, const Caller& c, bool api, Response response) const {
    if (billing.meter == nullptr || response.status() != 200 || r.method != Method::kGet) return response;
    auto code = OdsCode::Parse(r.PathParam("ccg"));
    if (!code.ok() || c.who.tenant != code.value()) return response;
    const std::string_view path = r.path;
    if (path.find("/billing") != std::string_view::npos || path.find("/invoices/") != std::string_view::npos)
      return response;
    const std::string ccg(code.value().view());
    const billing::Period period = billing::Period::Of(Today());
    auto fail = [&](const Error&) {  // its text names only the database file
      return api ? Response::Error(503, "usage could not be recorded; try again")
                 : Problem(c, 503, "Not available", "Usage could not be recorded, so this page is withheld. "
                                                    "Please try again.");
    };
    const std::string key = "active:" + std::to_string(c.who.user_id) + ":" + ccg + ":" + period.ToString();
    bool counted;
    {
      std::lock_guard<std::mutex> lock(active_mu);
      counted = active_counted.count(key) != 0;
    }
    if (!counted) {
      auto once = billing.meter->CountOnce(key, ccg, period, "active_users", "", 1, store::Env::Default().NowUtc(),
                                           c.who.username);
      if (!once.ok()) return fail(once.error());
      std::lock_guard<std::mutex> lock(active_mu);
      active_counted.insert(key);
    }
    std::vector<billing::Meter::Tally> tallies;
    if (!r.PathParam("format").empty()) {
      tallies.push_back({"exports", std::string(r.PathParam("view")) + "." + std::string(r.PathParam("format")), 1});
    } else if (!r.PathParam("view").empty() || path.find("/records") != std::string_view::npos) {
      tallies.push_back({"reports_run", r.PathParam("view").empty() ? "records" : std::string(r.PathParam("view")), 1});
    }
    if (api) tallies.push_back({"api_calls", "", 1});
    if (!tallies.empty()) {
      if (Status s = billing.meter->CountAll(ccg, period, tallies); !s.ok()) return fail(s.error());
    }
    return response;
  }

  // ---- billing pages ----

  // Runs `fn` on the billing database; false (and a logged-nothing 500
  // upstream) when there is none or it fails.
  template <typename T, typename F>
  Result<T> WithBilling(F&& fn) const {
    if (!billing.with_store) return MakeError("billing", "no billing database");
    std::optional<T> out;
    Status s = billing.with_store([&](billing::BillingStore& db) -> Status {
      Result<T> r = fn(db);
      if (!r.ok()) return r.error();
      out = std::move(r).value();
      return Status::Ok();
    });
    if (!s.ok()) return s.error();
    return std::move(*out);
  }

  Result<billing::CcgBilling> CcgBillingOf(const OdsCode& ccg) const {
    return WithBilling<billing::CcgBilling>(
        [&](billing::BillingStore& db) { return billing::CcgBillingFor(db, ref, std::string(ccg.view()), Today()); });
  }

  Response CcgBillingPage(const Request& r, const Caller& c) const {
    auto ccg = Tenant(r, c, Action::kViewBilling, Identifiability::kAggregate);
    if (!ccg || !billing.with_store) return NotFound(c);
    auto b = CcgBillingOf(*ccg);
    if (!b.ok()) return Problem(c, 500, "Billing", "the billing database could not be read");
    PageFrame f = Frame(c, "Billing", CcgName(*ccg) + " (" + std::string(ccg->view()) + ")");
    f.nav = CcgNav(c, *ccg, "billing");
    std::string body = "<div class=\"actions\"><a href=\"/api/v1/ccg/" + std::string(ccg->view()) +
                       "/billing\">This page as JSON</a></div>\n" + CcgBillingHtml(b.value());
    return Response::Html(200, RenderPage(f, body));
  }

  Response ApiCcgBilling(const Request& r, const Caller& c) const {
    auto ccg = Tenant(r, c, Action::kViewBilling, Identifiability::kAggregate);
    if (!ccg || !billing.with_store) return ApiNotFound();
    auto b = CcgBillingOf(*ccg);
    if (!b.ok()) return Response::Error(500, "the billing database could not be read");
    return Response::Json(200, CcgBillingJson(b.value()).dump());
  }

  // The CCG's document `number`; nullopt for another CCG's and for none alike.
  Result<std::optional<billing::Invoice>> DocumentOf(const OdsCode& ccg, const std::string& number) const {
    return WithBilling<std::optional<billing::Invoice>>(
        [&](billing::BillingStore& db) -> Result<std::optional<billing::Invoice>> {
          CSU_ASSIGN_OR_RETURN(doc, db.Document(number));
          if (!doc || doc->ccg != ccg.view()) return std::optional<billing::Invoice>();
          return doc;
        });
  }

  Response InvoicePage(const Request& r, const Caller& c) const {
    auto ccg = Tenant(r, c, Action::kViewBilling, Identifiability::kAggregate);
    if (!ccg || !billing.with_store) return NotFound(c);
    auto doc = DocumentOf(*ccg, std::string(r.PathParam("number")));
    if (!doc.ok()) return Problem(c, 500, "Billing", "the billing database could not be read");
    if (!doc.value()) return NotFound(c);
    // A document of its own, made to print: the invoice's style sheet, not
    // the application's frame.
    return Response::Html(200, billing::InvoiceHtml(*doc.value(), "/static/invoice.css"));
  }

  Response ApiInvoice(const Request& r, const Caller& c) const {
    auto ccg = Tenant(r, c, Action::kViewBilling, Identifiability::kAggregate);
    if (!ccg || !billing.with_store) return ApiNotFound();
    auto doc = DocumentOf(*ccg, std::string(r.PathParam("number")));
    if (!doc.ok()) return Response::Error(500, "the billing database could not be read");
    if (!doc.value()) return ApiNotFound();
    return Response::Json(200, billing::CanonicalJson(*doc.value()));
  }

  // ?as_of=YYYY-MM-DD moves the renewals and forecast; a malformed one is ignored.
  Result<billing::CsuBilling> CsuBillingOf(const Request& r) const {
    billing::CsuBillingOptions o;
    o.today = Today();
    if (auto as_of = r.Query("as_of")) {
      if (auto d = Date::Parse(*as_of); d.ok()) o.as_of = d.value();
    }
    return WithBilling<billing::CsuBilling>(
        [&](billing::BillingStore& db) { return billing::CsuBillingFor(db, ref, o); });
  }

  Response CsuBillingPage(const Request& r, const Caller& c) const {
    if (!CsuWide(c, Action::kManageBilling) || !billing.with_store) return NotFound(c);
    auto b = CsuBillingOf(r);
    if (!b.ok()) return Problem(c, 500, "Billing", "the billing database could not be read");
    PageFrame f = Frame(c, "Billing", "Revenue to " + b.value().through.Name() + "; renewals and forecast from " +
                                          b.value().as_of.ToString());
    f.nav = CsuNav(c, "billing");
    const std::string body = "<div class=\"actions\"><a href=\"/api/v1/billing\">This page as JSON</a></div>\n" +
                             CsuBillingHtml(b.value(), CsrfTokenFor(c.session_token),
                                            std::string(r.Query("done").value_or("")));
    return Response::Html(200, RenderPage(f, body));
  }

  Response ApiCsuBilling(const Request& r, const Caller& c) const {
    if (!CsuWide(c, Action::kManageBilling) || !billing.with_store) return ApiNotFound();
    auto b = CsuBillingOf(r);
    if (!b.ok()) return Response::Error(500, "the billing database could not be read");
    return Response::Json(200, CsuBillingJson(b.value()).dump());
  }

  // Adds a price version of an item from the first of a month: the version
  // in force then, with the new price (docs/billing.md, "Catalogue").
  Response CataloguePrice(const Request& r, const Caller& c) const {
    if (!CsuWide(c, Action::kManageBilling) || !billing.with_store) return NotFound(c);
    if (!CsrfOk(r, c)) return Problem(c, 403, "Refused", "The form had expired; go back and try again.");
    const auto form = ParseForm(r.body);
    const std::string code = FormValue(form, "code");
    const std::string price_text = FormValue(form, "price");
    const std::string from_text = FormValue(form, "from");
    auto price = Money::Parse(price_text);
    auto from = Date::Parse(from_text);
    std::string problem;
    if (!price.ok() || price.value().pence() < 0) problem = "The price must be pounds and pence, such as 4.25.";
    else if (!from.ok() || from.value().day() != 1) problem = "A price takes effect on the first day of a month.";
    billing::ItemVersion added;
    if (problem.empty()) {
      Status s = billing.with_store([&](billing::BillingStore& db) -> Status {
        CSU_ASSIGN_OR_RETURN(catalogue, db.LoadCatalogue());
        const billing::ItemVersion* base = catalogue.InForce(code, from.value());
        if (!base) return MakeError(code, "is not in the catalogue on that date");
        added = *base;
        added.price = price.value();
        added.effective_from = from.value();
        CSU_ASSIGN_OR_RETURN(n, db.AddVersions({added}, {store::Env::Default().NowUtc(), c.who.username}));
        if (n == 0) return MakeError(code, "already has this price from that date");
        return Status::Ok();
      });
      if (!s.ok()) problem = code + ": " + s.error().why + ".";
    }
    if (!problem.empty()) {
      auto b = CsuBillingOf(r);
      PageFrame f = Frame(c, "Billing", "Revenue, renewals and the service catalogue");
      f.nav = CsuNav(c, "billing");
      std::string body = NoticePanel(problem, true);
      if (b.ok()) body += CsuBillingHtml(b.value(), CsrfTokenFor(c.session_token), "");
      return Response::Html(400, RenderPage(f, body));
    }
    if (!Audit(c, "billing.catalogue.price", added.code,
               {{"price_pence", added.price.pence()}, {"effective_from", added.effective_from.ToString()}})
             .ok())
      return Problem(c, 503, "Not recorded", "The price was added but the audit log could not be written.");
    return Redirect("/billing?done=" + UrlEncode(added.code + " costs " + added.price.ToString() + " from " +
                                                 added.effective_from.ToString()) +
                    "#catalogue");
  }


  Response ApiCcgs(const Request&, const Caller& c) const {
    nlohmann::json list = nlohmann::json::array();
    for (const OdsCode& ccg : VisibleTenants(c)) list.push_back({{"code", ccg.view()}, {"name", CcgName(ccg)}});
    return Response::Json(200, nlohmann::json{{"year", options.year.ToString()}, {"ccgs", list}}.dump());
  }

  Response ApiHome(const Request& r, const Caller& c) const {
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

  Response ApiView(const Request& r, const Caller& c) const {
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
        !Audit(c, "api.view", view, {{"ccg", ccg->view()}, {"month", result.scope.month}, {"record_level", true}})
             .ok())
      return Response::Error(503, "the audit log could not be written, so this view is withheld");
    return Response::Json(200, report::RenderJson(result.tables).dump());
  }

  Response ApiRecords(const Request& r, const Caller& c) const {
    auto ccg = Tenant(r, c, Action::kView, Identifiability::kRecordLevel);
    if (!ccg) return ApiNotFound();
    auto request = RecordsRequest(r, *ccg);
    if (!request.ok()) return Response::Error(400, request.error().ToString());
    auto built = views.Build(request.value());
    if (!built.ok()) return Response::Error(404, built.error().why);
    if (!Audit(c, "api.view", "records",
               {{"ccg", ccg->view()}, {"provider", request.value().provider}, {"record_level", true}})
             .ok())
      return Response::Error(503, "the audit log could not be written, so this view is withheld");
    return Response::Json(200, report::RenderJson(built.value().tables).dump());
  }

  // ---- sign-in ----
  // The address sign-in throttles and audits. Behind the TLS proxy every
  // connection comes from loopback, so one address would lock everyone out
  // after a stranger's failures: there, and only from a loopback peer, the
  // proxy's X-Forwarded-For (which deploy/nginx/opencsu.conf overwrites with
  // the client's address, never appends to) names the client.
  std::string ClientAddress(const Request& r) const {
    if (!options.behind_tls || (r.remote_address != "127.0.0.1" && r.remote_address != "::1"))
      return r.remote_address;
    auto forwarded = r.headers.Get("x-forwarded-for");
    if (!forwarded || forwarded->empty() || r.headers.Count("x-forwarded-for") != 1) return r.remote_address;
    std::string_view v = *forwarded;
    if (const size_t comma = v.rfind(','); comma != std::string_view::npos) v.remove_prefix(comma + 1);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    // An address is hex digits, dots and colons; anything else is ignored.
    if (v.empty() || v.size() > 45 ||
        v.find_first_not_of("0123456789abcdefABCDEF.:") != std::string_view::npos)
      return r.remote_address;
    return std::string(v);
  }

  std::string CookieAttributes() const { return options.behind_tls ? "; Secure" : ""; }

  std::string SignInForm(const std::string& token, const std::string& message, const std::string& username) const {
    std::string h;
    if (!message.empty()) h += NoticePanel(message, true);
    h += "<form class=\"signin\" method=\"post\" action=\"/signin\">" + CsrfField(token) +
         "<div><label for=\"username\">User name</label><input id=\"username\" name=\"username\" "
         "autocomplete=\"username\" required value=\"" + Escape(username) + "\"></div>"
         "<div><label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" "
         "autocomplete=\"current-password\" required></div>"
         "<div><label for=\"code\">Authenticator code (if you have one)</label><input id=\"code\" name=\"code\" "
         "inputmode=\"numeric\" autocomplete=\"one-time-code\" pattern=\"[0-9]{6}\"></div>"
         "<button class=\"primary\" type=\"submit\">Sign in</button></form>";
    return h;
  }

  Response SignInPage(const Request& r, const std::string& message, int status, const std::string& username) const {
    if (status == 200 && Authenticate(r)) return Redirect("/");
    auto bytes = tenancy::RandomBytes(16);
    if (!bytes.ok()) return Response::Text(503, "sign-in is unavailable");
    const std::string token = tenancy::Hex(bytes.value());
    PageFrame f;
    f.title = "Sign in";
    f.subtitle = "Commissioning intelligence for the CCGs this CSU serves";
    Response out = Response::Html(status, RenderPage(f, SignInForm(token, message, username)));
    out.SetHeader("Set-Cookie", std::string(kSignInCookie) + "=" + token +
                                    "; Path=/signin; Max-Age=900; HttpOnly; SameSite=Strict" + CookieAttributes());
    return out;
  }

  Response SignIn(const Request& r) const {
    const auto form = ParseForm(r.body);
    const auto cookies = ParseCookies(r);
    const auto field = [&form](const char* k) { return FormValue(form, k); };
    const auto pre = cookies.find(kSignInCookie);
    if (pre == cookies.end() || !tenancy::ConstantTimeEquals(pre->second, field("csrf")))
      return SignInPage(r, "The sign-in form had expired. Please sign in again.", 403, "");
    tenancy::SignInRequest request;
    request.username = field("username");
    request.password = field("password");
    request.totp_code = field("code");
    request.remote_address = ClientAddress(r);
    if (auto old = cookies.find(session_cookie); old != cookies.end()) request.previous_session_token = old->second;
    const tenancy::SignInResult result = accounts.SignIn(request);
    if (result.outcome != tenancy::SignInOutcome::kSignedIn) {
      const int status = result.outcome == tenancy::SignInOutcome::kBusy ? 503
                         : result.outcome == tenancy::SignInOutcome::kSecondFactorNeeded ? 200
                                                                                          : 401;
      return SignInPage(r, result.message, status, request.username);
    }
    Response out = Redirect("/");
    out.SetHeader("Set-Cookie", session_cookie + "=" + result.session_token + "; Path=/; Max-Age=" +
                                    std::to_string(tenancy::kSessionAbsoluteSeconds) + "; HttpOnly; SameSite=Lax" +
                                    CookieAttributes());
    return out;
  }

  Response SignOut(const Request& r) const {
    auto c = Authenticate(r);
    if (!c) return Redirect("/signin");
    if (!CsrfOk(r, *c)) return Problem(*c, 403, "Refused", "The form had expired; go back and try again.");
    (void)accounts.SignOut(c->session_token);
    Response out = Redirect("/signin");
    out.SetHeader("Set-Cookie", session_cookie + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" + CookieAttributes());
    return out;
  }
};

WebApp::WebApp(WebOptions options, tenancy::Accounts& accounts, const analytics::CommissioningViews& views,
               const refdata::RefData& ref, AuditFn audit, PlatformRecords records, BillingAccess billing)
    : impl_(std::make_unique<Impl>(options, accounts, views, ref, std::move(audit), std::move(records),
                                   options.behind_tls ? "__Host-csu_session" : "csu_session", std::move(billing))),
      session_cookie_(impl_->session_cookie) {
  Impl* app = impl_.get();
  using Fn = Response (Impl::*)(const Request&, const Caller&) const;
  auto page = [app](Fn fn) {
    return [app, fn](const Request& r) {
      auto c = app->Authenticate(r);
      if (!c) return Redirect("/signin");
      return app->Metered(r, *c, false, (app->*fn)(r, *c));
    };
  };
  auto api = [app](Fn fn) {
    return [app, fn](const Request& r) {
      auto c = app->Authenticate(r);
      if (!c) return Response::Error(401, "sign in, or send an API token as 'Authorization: Bearer ...'");
      return app->Metered(r, *c, true, (app->*fn)(r, *c));
    };
  };
  router_.Add(Method::kGet, "/healthz", [](const Request&) { return Response::Json(200, "{\"status\":\"ok\"}"); });
  router_.Add(Method::kGet, "/static/app.css", [](const Request&) {
    Response r = Response::Text(200, std::string(StyleSheet()));
    r.SetHeader("Content-Type", "text/css; charset=utf-8");
    r.SetHeader("Cache-Control", "public, max-age=3600");
    return r;
  });
  router_.Add(Method::kGet, "/signin", [app](const Request& r) { return app->SignInPage(r, "", 200, ""); });
  router_.Add(Method::kPost, "/signin", [app](const Request& r) { return app->SignIn(r); });
  router_.Add(Method::kPost, "/signout", [app](const Request& r) { return app->SignOut(r); });
  router_.Add(Method::kGet, "/", page(&Impl::Home));
  router_.Add(Method::kGet, "/ccg/{ccg}", page(&Impl::CcgHome));
  router_.Add(Method::kGet, "/ccg/{ccg}/view/{view}", page(&Impl::ViewPage));
  router_.Add(Method::kGet, "/ccg/{ccg}/records", page(&Impl::RecordsPage));
  router_.Add(Method::kPost, "/ccg/{ccg}/challenges", page(&Impl::SetChallenge));
  router_.Add(Method::kGet, "/ccg/{ccg}/export/{view}/{format}", page(&Impl::Export));
  router_.Add(Method::kGet, "/data", page(&Impl::DataPage));
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
  router_.Add(Method::kPost, "/admin/users/tokens", users_form(Impl::UsersForm::kCreateToken));
  router_.Add(Method::kPost, "/admin/users/tokens/revoke", users_form(Impl::UsersForm::kRevokeToken));
  router_.Add(Method::kGet, "/static/invoice.css", [](const Request&) {
    Response r = Response::Text(200, billing::InvoiceCss());
    r.SetHeader("Content-Type", "text/css; charset=utf-8");
    r.SetHeader("Cache-Control", "public, max-age=3600");
    return r;
  });
  router_.Add(Method::kGet, "/ccg/{ccg}/billing", page(&Impl::CcgBillingPage));
  router_.Add(Method::kGet, "/ccg/{ccg}/invoices/{number}", page(&Impl::InvoicePage));
  router_.Add(Method::kGet, "/billing", page(&Impl::CsuBillingPage));
  router_.Add(Method::kPost, "/billing/catalogue", page(&Impl::CataloguePrice));
  router_.Add(Method::kGet, "/api/v1/ccg/{ccg}/billing", api(&Impl::ApiCcgBilling));
  router_.Add(Method::kGet, "/api/v1/ccg/{ccg}/invoices/{number}", api(&Impl::ApiInvoice));
  router_.Add(Method::kGet, "/api/v1/billing", api(&Impl::ApiCsuBilling));
  router_.Add(Method::kGet, "/api/v1/ccgs", api(&Impl::ApiCcgs));
  router_.Add(Method::kGet, "/api/v1/data", api(&Impl::ApiData));
  router_.Add(Method::kGet, "/api/v1/audit", api(&Impl::ApiAudit));
  router_.Add(Method::kGet, "/api/v1/ccg/{ccg}", api(&Impl::ApiHome));
  router_.Add(Method::kGet, "/api/v1/ccg/{ccg}/view/{view}", api(&Impl::ApiView));
  router_.Add(Method::kGet, "/api/v1/ccg/{ccg}/records", api(&Impl::ApiRecords));
}

WebApp::~WebApp() = default;

Response WebApp::Handle(Request& request) const {
  try {
    return router_.Dispatch(request);
  } catch (const std::exception&) {
    // The message may hold data; the server logs the request id only.
    return Response::Html(500, RenderPage(PageFrame{"Something went wrong", "", "", "", "", {}},
                                          "<p>The page could not be shown. Please try again; if it keeps failing, "
                                          "tell the CSU's service desk the time it happened.</p>"));
  }
}

}  // namespace csu::web
