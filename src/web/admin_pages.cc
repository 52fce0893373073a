// CSU-wide pages: data loads with quarantine counts, the audit log, and the
// administrators' users page (docs/web.md, docs/permissions.md).
#include "web/web_app_impl.h"

namespace csu::web {

report::ReportTable WebApp::Impl::BatchesTable(const std::vector<store::BatchInfo>& batches) {
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

report::ReportTable WebApp::Impl::QuarantineTable(const std::vector<store::BatchInfo>& batches,
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
  t.notes.push_back(
      "Counts only. The rows themselves, identifiers masked, are listed on the server by "
      "csu quarantine --batch N.");
  return t;
}

Result<std::vector<report::ReportTable>> WebApp::Impl::DataTables() const {
  auto batches = records.batches();
  if (!batches.ok()) return batches.error();
  auto counts = records.quarantine_counts();
  if (!counts.ok()) return counts.error();
  return std::vector<report::ReportTable>{BatchesTable(batches.value()),
                                          QuarantineTable(batches.value(), counts.value())};
}

Response WebApp::Impl::DataPage(const Request&, const Caller& c) const {
  if (!CsuWide(c, Action::kLoadData)) return NotFound(c);
  auto tables = DataTables();
  PageFrame f = Frame(c, "Data loads", "Activity extracts loaded into this platform");
  f.nav = CsuNav(c, "data");
  if (!tables.ok()) return Problem(c, 500, "Data loads", "the catalog could not be read");
  std::string body = UploadFormHtml(c);
  for (const report::ReportTable& t : tables.value()) body += TableHtml(t);
  return Response::Html(200, RenderPage(f, body));
}

Response WebApp::Impl::ApiData(const Request&, const Caller& c) const {
  if (!CsuWide(c, Action::kLoadData)) return ApiNotFound();
  auto tables = DataTables();
  if (!tables.ok()) return Response::Error(500, "the catalog could not be read");
  return Response::Json(200, report::RenderJson(tables.value()).dump());
}

Result<report::ReportTable> WebApp::Impl::AuditTable(const Request& r) const {
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
    t.AddRow({Cell::Integer(e.seq), Cell::Text(e.at), Cell::Text(e.actor), Cell::Text(e.action), Cell::Text(e.subject),
              Cell::Text(e.details)});
  }
  t.notes.push_back(std::to_string(matched) + " matching entries" +
                    (matched > shown ? ", newest " + std::to_string(shown) + " shown" : "") + ".");
  return t;
}

Response WebApp::Impl::AuditPage(const Request& r, const Caller& c) const {
  if (!CsuWide(c, Action::kViewAudit)) return NotFound(c);
  PageFrame f = Frame(c, "Audit log", "Every sign-in, refusal, record-level view, export, load and change");
  f.nav = CsuNav(c, "audit");
  auto table = AuditTable(r);
  if (!table.ok()) return Problem(c, 500, "Audit log", "the audit log could not be read");
  auto verified = records.verify_audit();
  std::string body = verified.ok() ? "<p class=\"note\">Hash chain verified: " + std::to_string(verified.value()) +
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

Response WebApp::Impl::ApiAudit(const Request& r, const Caller& c) const {
  if (!CsuWide(c, Action::kViewAudit)) return ApiNotFound();
  auto table = AuditTable(r);
  if (!table.ok()) return Response::Error(500, "the audit log could not be read");
  return Response::Json(200, report::RenderJson(table.value()).dump());
}

Response WebApp::Impl::UsersResponse(const Caller& c, int status, std::string notice_html,
                                     std::string selected_user) const {
  UsersPageData page;
  page.selected_user = std::move(selected_user);
  page.self = c.who.username;
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

Response WebApp::Impl::UsersPage(const Request& r, const Caller& c) const {
  if (!CsuWide(c, Action::kManageUsers)) return NotFound(c);
  const std::string done(r.Query("done").value_or(""));
  return UsersResponse(c, 200, done.empty() ? "" : NoticePanel("Done: " + done + ".", false),
                       std::string(r.Query("user").value_or("")));
}

Response WebApp::Impl::UsersChange(const Request& r, const Caller& c, UsersForm form_kind) const {
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
      done = accounts.AddUser({user, field("name"), *role, field("tenant"), false, field("practice")}, field("password"), actor).status();
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
                               "Give it to " + e.user.username +
                                   " to add to their authenticator app, by a channel "
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
  if (!done.ok()) return UsersResponse(c, 400, NoticePanel(done.error().ToString(), true), user);
  return Redirect("/admin/users?done=" + UrlEncode(what) + (user.empty() ? "" : "&user=" + UrlEncode(user)));
}

Response WebApp::Impl::AccountResponse(const Caller& c, int status, std::string notice_html) const {
  AccountPageData page;
  page.csrf_token = CsrfTokenFor(c.session_token);
  page.notice_html = std::move(notice_html);
  auto user = accounts.FindUser(c.who.username);
  if (!user.ok() || !user.value()) return Problem(c, 500, "Your account", "Your account could not be read.");
  page.user = *user.value();
  auto required = accounts.RoleRequiresMfa(c.who.role);
  if (!required.ok()) return Problem(c, 500, "Your account", "The second-factor policy could not be read.");
  page.second_factor_required = required.value();
  auto tokens = accounts.ListApiTokens(c.who.username);
  if (!tokens.ok()) return Problem(c, 500, "Your account", "Your API tokens could not be read.");
  page.tokens = std::move(tokens).value();
  PageFrame f = Frame(c, "Your account", "Your second factor and the API tokens that act as you");
  f.nav = CsuNav(c, "account");
  return Response::Html(status, RenderPage(f, AccountPageHtml(page)));
}

Response WebApp::Impl::AccountPage(const Request& r, const Caller& c) const {
  // A token reads the JSON API; its own account page is for its user, signed in.
  if (c.session_token.empty()) return NotFound(c);
  const std::string done(r.Query("done").value_or(""));
  return AccountResponse(c, 200, done.empty() ? "" : NoticePanel("Done: " + done + ".", false));
}

Response WebApp::Impl::AccountChange(const Request& r, const Caller& c, AccountForm form_kind) const {
  if (!CsrfOk(r, c)) return Problem(c, 403, "Refused", "The form had expired; go back and try again.");
  const auto form = ParseForm(r.body);
  const auto field = [&form](const char* k) { return FormValue(form, k); };
  Status done;
  std::string what;
  switch (form_kind) {
    case AccountForm::kCreateToken: {
      // Always for the signed-in user: the form has no user field, and one
      // sent anyway is not read.
      auto created = accounts.CreateOwnApiToken(c.who, field("name"));
      if (!created.ok()) {
        done = created.error();
        break;
      }
      const auto& [info, token] = created.value();
      return AccountResponse(
          c, 200,
          ShownOncePanel("API token " + std::to_string(info.id) + " (" + info.name + ")",
                         {{"Token", token}, {"Send it as", "Authorization: Bearer " + token}},
                         "Copy it into the system that will use it now: only its hash is kept, so it cannot be "
                         "shown again. It acts as you, with your role and CCGs, until you or an administrator "
                         "revoke it, and the audit log names it in every entry of its requests."));
    }
    case AccountForm::kRevokeToken: {
      const std::string id = field("id");
      if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos) {
        done = Error{"token", "give the token's number from the list"};
        break;
      }
      done = accounts.RevokeOwnApiToken(c.who, std::stoll(id));
      what = "API token " + id + " revoked";
      break;
    }
    case AccountForm::kStartAuthenticator: {
      auto started = accounts.StartEnrolment(c.who, field("password"), ClientAddress(r));
      if (!started.ok()) return AccountResponse(c, 401, NoticePanel(started.error().why, true));
      const tenancy::PendingEnrolment& e = started.value();
      return AccountResponse(
          c, 200,
          ShownOncePanel("Your new authenticator key", {{"Key (base32)", e.totp_secret}, {"otpauth URI", e.totp_uri}},
                         "Add it to an authenticator app, then enter the code it shows below. Until you do, "
                         "nothing changes; it expires in 10 minutes.") +
              EnrolmentForm("/account/second-factor/confirm", CsrfTokenFor(c.session_token), e.ticket,
                            "Finish setting up"));
    }
    case AccountForm::kConfirmAuthenticator:
      done = accounts.FinishEnrolment(c.who, field("ticket"), field("code"));
      what = "your authenticator is set up; sign-in now asks for its code";
      break;
  }
  if (!done.ok()) return AccountResponse(c, 400, NoticePanel(done.error().ToString(), true));
  return Redirect("/account?done=" + UrlEncode(what));
}

}  // namespace csu::web
