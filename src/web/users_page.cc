#include "web/users_page.h"

#include <algorithm>

#include "report/report_table.h"
#include "tenancy/clock.h"
#include "web/html.h"

namespace csu::web {

using report::Cell;
using report::ColumnType;
using tenancy::Role;

namespace {

bool Required(const UsersPageData& p, Role role) {
  const auto it = p.second_factor_required.find(role);
  return it != p.second_factor_required.end() && it->second;
}

std::string When(int64_t unix_seconds) { return unix_seconds == 0 ? "never" : tenancy::IsoUtc(unix_seconds); }

std::string Form(const UsersPageData& p, std::string_view heading, std::string_view action, std::string_view fields,
                 std::string_view button, std::string_view note = "") {
  std::string h = "<h2>" + Escape(heading) + "</h2>";
  if (!note.empty()) h += "<p class=\"note\">" + Escape(note) + "</p>";
  return h + "<form class=\"filters\" method=\"post\" action=\"" + Escape(action) + "\">" + CsrfField(p.csrf_token) +
         std::string(fields) + "<div><button class=\"primary\" type=\"submit\">" + Escape(button) +
         "</button></div></form>";
}

std::vector<std::pair<std::string, std::string>> RoleOptions() {
  std::vector<std::pair<std::string, std::string>> out;
  for (Role r : tenancy::kAllRoles) out.emplace_back(tenancy::RoleName(r), tenancy::RoleName(r));
  return out;
}

}  // namespace

std::string ShownOncePanel(std::string_view heading, const std::vector<std::pair<std::string, std::string>>& values,
                           std::string_view advice) {
  std::string h = "<div class=\"panel once\" role=\"status\"><h2>" + Escape(heading) + "</h2><dl>";
  for (const auto& [label, value] : values)
    h += "<dt>" + Escape(label) + "</dt><dd><code class=\"secret\">" + Escape(value) + "</code></dd>";
  return h + "</dl><p><strong>Shown once.</strong> " + Escape(advice) + "</p></div>";
}

namespace {

report::ReportTable TokensTable(std::vector<tenancy::ApiTokenInfo> tokens, bool with_user) {
  std::vector<report::Column> columns = {{"id", ColumnType::kInteger, "Token"}};
  if (with_user) columns.push_back({"user", ColumnType::kText, "User"});
  for (report::Column c : std::vector<report::Column>{{"name", ColumnType::kText, "Name"},
                                                              {"created", ColumnType::kText, "Created (UTC)"},
                                                              {"last_used", ColumnType::kText, "Last used (UTC)"},
                                                              {"status", ColumnType::kText, "Status"}})
    columns.push_back(c);
  report::ReportTable t("API tokens", columns);
  std::sort(tokens.begin(), tokens.end(), [](const auto& a, const auto& b) { return a.id > b.id; });
  for (const tenancy::ApiTokenInfo& tok : tokens) {
    std::vector<Cell> row = {Cell::Integer(tok.id)};
    if (with_user) row.push_back(Cell::Text(tok.username));
    for (Cell c : {Cell::Text(tok.name), Cell::Text(When(tok.created_at)), Cell::Text(When(tok.last_used_at)),
                   Cell::Text(tok.revoked_at == 0 ? "active" : "revoked " + tenancy::IsoUtc(tok.revoked_at))})
      row.push_back(c);
    t.AddRow(row);
  }
  return t;
}

}  // namespace

std::string AccountPageHtml(const AccountPageData& p) {
  std::string body = p.notice_html;
  body += "<h2>Second factor</h2><p>";
  body += p.user.has_totp ? "An authenticator app (TOTP) is set up for you."
          : p.second_factor_required
              ? "Your role requires an authenticator app and none is set up for you."
              : "No authenticator app is set up for you.";
  body += "</p>";
  body += "<form class=\"filters\" method=\"post\" action=\"/account/second-factor\">" + CsrfField(p.csrf_token) +
          InputField("authenticator-password", "password", "Your password, again", "password", "",
                     "required autocomplete=\"current-password\"") +
          "<div><button class=\"primary\" type=\"submit\">" +
          (p.user.has_totp ? "Replace my authenticator" : "Set up an authenticator") + "</button></div></form>";
  body += "<p class=\"note\">Your password is asked again so that a session left open cannot change your second "
          "factor. The new key is shown once; the old one works until the new one's code is entered.</p>";
  body += "<h2>Your API tokens</h2>";
  body += p.tokens.empty() ? "<p>You have no API tokens. Another system uses one to call the JSON API as you.</p>"
                           : TableHtml(TokensTable(p.tokens, false));
  const auto form = [&p](std::string_view heading, std::string_view action, const std::string& fields,
                         std::string_view button) {
    return "<h2>" + Escape(heading) + "</h2><form class=\"filters\" method=\"post\" action=\"" + Escape(action) +
           "\">" + CsrfField(p.csrf_token) + fields + "<div><button class=\"primary\" type=\"submit\">" +
           Escape(button) + "</button></div></form>";
  };
  body += form("Make an API token", "/account/tokens",
               InputField("token-name", "name", "Name (what uses it)", "text", "", "required maxlength=\"100\""),
               "Make token");
  body += form("Revoke one of your API tokens", "/account/tokens/revoke",
               InputField("revoke-id", "id", "Token", "text", "", "required inputmode=\"numeric\" pattern=\"[0-9]+\""),
               "Revoke");
  return body;
}

std::string EnrolmentForm(std::string_view action, std::string_view csrf, std::string_view ticket,
                          std::string_view button) {
  return "<form class=\"signin\" method=\"post\" action=\"" + Escape(action) + "\">" + CsrfField(csrf) +
         "<input type=\"hidden\" name=\"ticket\" value=\"" + Escape(ticket) + "\">" +
         "<div><label for=\"enrol-code\">Code from the app</label><input id=\"enrol-code\" name=\"code\" "
         "inputmode=\"numeric\" autocomplete=\"one-time-code\" pattern=\"[0-9]{6}\" required></div>"
         "<button class=\"primary\" type=\"submit\">" + Escape(button) + "</button></form>";
}

namespace {

// A one-button form acting on the chosen row: `hidden` fields say which.
std::string ButtonForm(const UsersPageData& p, std::string_view action,
                       const std::vector<std::pair<std::string, std::string>>& hidden, std::string_view button,
                       std::string_view fields = "") {
  std::string h = "<form class=\"filters\" method=\"post\" action=\"" + Escape(action) + "\">" + CsrfField(p.csrf_token);
  for (const auto& [name, value] : hidden)
    h += "<input type=\"hidden\" name=\"" + Escape(name) + "\" value=\"" + Escape(value) + "\">";
  return h + std::string(fields) + "<div><button type=\"submit\">" + Escape(button) + "</button></div></form>";
}

// What an administrator can do to one user, each a button on that user.
std::string ManagePanel(const UsersPageData& p, const tenancy::UserInfo& u) {
  std::string h = "<section class=\"panel\" id=\"manage\"><h2>" + Escape(u.username) +
                  (u.display_name.empty() ? "" : " (" + Escape(u.display_name) + ")") + "</h2>";
  const std::vector<std::pair<std::string, std::string>> who = {{"username", u.username}};
  if (u.disabled) {
    h += ButtonForm(p, "/admin/users/change", {{"username", u.username}, {"change", "enable"}}, "Enable");
  } else if (u.username != p.self) {  // disabling oneself would lock the last way back in
    h += ButtonForm(p, "/admin/users/change", {{"username", u.username}, {"change", "disable"}},
                    "Disable (ends their sessions and API tokens)");
  }
  h += "<h3>Reset the password</h3><p class=\"note\">Ends their sessions and revokes their API tokens. Give them "
       "the new password by another channel; it is not shown again.</p>";
  h += ButtonForm(p, "/admin/users/password", who, "Reset password",
                  InputField("reset-password", "password", "New password (12+ characters)", "password", "",
                             "required autocomplete=\"new-password\"") +
                      SelectField("reset-authenticator", "authenticator", "Authenticator",
                                  {{"keep", "keep the one they have"}, {"new", "new secret (shown once)"}}));
  if (tenancy::IsAssignedRole(u.role)) {
    h += "<h3>CCGs</h3>";
    h += ButtonForm(p, "/admin/users/change", {{"username", u.username}, {"change", "assign"}}, "Assign",
                    InputField("assign-tenant", "tenant", "CCG", "text", "", "required maxlength=\"5\""));
    for (const OdsCode& a : u.assigned)
      h += ButtonForm(p, "/admin/users/change",
                      {{"username", u.username}, {"change", "unassign"}, {"tenant", std::string(a.view())}},
                      "Remove " + std::string(a.view()));
  }
  h += "<h3>API tokens</h3>";
  bool any = false;
  for (const tenancy::ApiTokenInfo& t : p.tokens) {
    if (t.username != u.username || t.revoked_at != 0) continue;
    any = true;
    h += ButtonForm(p, "/admin/users/tokens/revoke", {{"id", std::to_string(t.id)}},
                    "Revoke token " + std::to_string(t.id) + " (" + t.name + ")");
  }
  if (!any) h += "<p>No active tokens.</p>";
  if (u.username == p.self)
    h += "<p><a href=\"/account\">Make an API token for yourself</a> on your account page.</p>";
  else
    h += "<p class=\"note\">Nobody makes a token for someone else: " + Escape(u.username) +
         " makes their own on their account page.</p>";
  return h + "</section>";
}

}  // namespace

std::string UsersPageHtml(const UsersPageData& p) {
  std::string body = p.notice_html;

  report::ReportTable users("Users", {{"user", ColumnType::kText, "User"},
                                      {"name", ColumnType::kText, "Name"},
                                      {"role", ColumnType::kText, "Role"},
                                      {"ccgs", ColumnType::kText, "CCGs"},
                                      {"second_factor", ColumnType::kText, "Second factor"},
                                      {"status", ColumnType::kText, "Status"},
                                      {"last_sign_in", ColumnType::kText, "Last sign-in (UTC)"}});
  std::map<Role, int64_t> missing;
  for (const tenancy::UserInfo& u : p.users) {
    std::string ccgs(u.tenant.view());
    for (const OdsCode& a : u.assigned) ccgs += (ccgs.empty() ? "" : " ") + std::string(a.view());
    const bool lacks = !u.has_totp && Required(p, u.role);
    if (lacks && !u.disabled) ++missing[u.role];
    users.AddRow({Cell::Text(u.username), Cell::Text(u.display_name), Cell::Text(std::string(tenancy::RoleName(u.role))),
                  Cell::Text(u.role == Role::kCsuAdmin ? "all" : ccgs),
                  Cell::Text(u.has_totp ? "TOTP" : lacks ? "none: required, set up at next sign-in" : "none"),
                  Cell::Text(u.disabled ? "disabled" : "active"),
                  Cell::Text(u.last_sign_in_at.empty() ? "never" : u.last_sign_in_at)});
  }
  users.notes.push_back("Choose a user to disable or enable them, reset their password, assign CCGs or revoke "
                        "their API tokens.");
  body += TableHtml(users, [](const report::ReportTable& t, size_t row, size_t column) -> std::string {
    if (column != 0) return {};
    return "/admin/users?user=" + UrlEncode(t.rows[row][0].text) + "#manage";
  });
  for (const tenancy::UserInfo& u : p.users)
    if (u.username == p.selected_user) body += ManagePanel(p, u);

  body += Form(p, "Add a user", "/admin/users",
               InputField("add-username", "username", "User name", "text", "", "required autocomplete=\"off\"") +
                   InputField("add-name", "name", "Name", "text") +
                   SelectField("add-role", "role", "Role", RoleOptions(), "ccg_viewer") +
                   InputField("add-tenant", "tenant", "CCG (CCG roles)", "text", "", "maxlength=\"5\"") +
                   InputField("add-practice", "practice", "Practice (gp_practice)", "text", "", "maxlength=\"8\"") +
                   InputField("add-password", "password", "First password (12+ characters)", "password", "",
                              "required autocomplete=\"new-password\""),
               "Add user");
  report::ReportTable policy("Second factor by role", {{"role", ColumnType::kText, "Role"},
                                                       {"required", ColumnType::kText, "Second factor"},
                                                       {"missing", ColumnType::kCount, "Active users without one"}});
  for (Role r : tenancy::kAllRoles)
    policy.AddRow({Cell::Text(std::string(tenancy::RoleName(r))), Cell::Text(Required(p, r) ? "required" : "optional"),
                   Cell::Count(missing[r])});
  policy.notes.push_back("A user whose role requires a second factor and who has none is asked to set one up at "
                         "their next sign-in (or on their account page). CSU administrators and analysts and CCG "
                         "finance staff need one unless set otherwise here.");
  body += "<h2>Second factor</h2>" + TableHtml(policy);
  body += Form(p, "Require a second factor", "/admin/users/second-factor",
               SelectField("mfa-role", "role", "Role", RoleOptions()) +
                   SelectField("mfa-required", "required", "Second factor",
                               {{"yes", "required"}, {"no", "optional"}}),
               "Set");

  report::ReportTable tokens = TokensTable(p.tokens, true);
  tokens.notes.push_back("Newest first. A token acts with its user's role and CCGs; only its SHA-256 is stored, so a "
                         "lost token cannot be shown again: choose its user above to revoke it, and its user makes "
                         "another on their account page. Nobody makes a token for someone else.");
  body += "<h2>API tokens</h2>";
  body += p.tokens.empty() ? "<p>No API tokens yet. Other systems use one to call the JSON API as a user.</p>"
                         : TableHtml(tokens);
  return body;
}

}  // namespace csu::web
