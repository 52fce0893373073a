// The administrators' users page (/admin/users) as HTML: the users with role,
// CCGs, second factor, status and last sign-in; the second-factor policy per
// role; API tokens (never the tokens themselves: only their id, name and
// dates); and the forms that change them: add a user (the least-privileged
// role, ccg_viewer, preselected), and, for the row chosen, disable or enable,
// reset the password, assign a CCG and revoke each token; a second factor
// per role. Tokens are made by their own user on /account.
// Rendering only: the handlers in web_app.cc read the accounts, check the
// permission and the CSRF token, and make the changes.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tenancy/accounts.h"

namespace csu::web {

struct UsersPageData {
  std::vector<tenancy::UserInfo> users;
  std::map<tenancy::Role, bool> second_factor_required;
  std::vector<tenancy::ApiTokenInfo> tokens;  // every user's, revoked ones too
  std::string csrf_token;
  std::string notice_html;  // shown above everything (NoticePanel, ShownOncePanel); already HTML
  // The user whose row was chosen (?user=NAME): their actions are shown
  // under the table, as buttons carrying the name, so nobody types it.
  std::string selected_user;
  std::string self;  // the signed-in administrator
};

// The page's body (the frame is RenderPage's).
std::string UsersPageHtml(const UsersPageData& page);

// A signed-in user's own page (/account): their second factor, their API
// tokens (never the tokens themselves), and the forms to make and revoke
// their own tokens. Rendering only, like the users page.
struct AccountPageData {
  tenancy::UserInfo user;
  bool second_factor_required = false;  // by the user's role
  std::vector<tenancy::ApiTokenInfo> tokens;
  std::string csrf_token;
  std::string notice_html;  // already HTML
};
std::string AccountPageHtml(const AccountPageData& page);

// The form that finishes enrolling an authenticator: the enrolment's ticket
// (hidden) and a code from the new key, posted to `action` with the CSRF
// value `csrf`.
std::string EnrolmentForm(std::string_view action, std::string_view csrf, std::string_view ticket,
                          std::string_view button);

// A secret shown once (a new API token, an authenticator secret): what it
// is, the value(s) in full, and what to do with them. Nothing keeps it: the
// response is no-store and only its hash (a token) or the database (an
// authenticator secret) holds it afterwards.
std::string ShownOncePanel(std::string_view heading, const std::vector<std::pair<std::string, std::string>>& values,
                           std::string_view advice);

}  // namespace csu::web
