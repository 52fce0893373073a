// Sign-in and sign-out: the pre-session CSRF cookie, the throttled
// sign-in, session cookies (__Host- and Secure behind TLS).
#include "web/web_app_impl.h"

namespace csu::web {

std::string WebApp::Impl::ClientAddress(const Request& r) const {
  if (!options.behind_tls || (r.remote_address != "127.0.0.1" && r.remote_address != "::1")) return r.remote_address;
  auto forwarded = r.headers.Get("x-forwarded-for");
  if (!forwarded || forwarded->empty() || r.headers.Count("x-forwarded-for") != 1) return r.remote_address;
  std::string_view v = *forwarded;
  if (const size_t comma = v.rfind(','); comma != std::string_view::npos) v.remove_prefix(comma + 1);
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  // An address is hex digits, dots and colons; anything else is ignored.
  if (v.empty() || v.size() > 45 || v.find_first_not_of("0123456789abcdefABCDEF.:") != std::string_view::npos)
    return r.remote_address;
  return std::string(v);
}

std::string WebApp::Impl::CookieAttributes() const { return options.behind_tls ? "; Secure" : ""; }

std::string WebApp::Impl::SignInForm(const std::string& token, const std::string& message,
                                     const std::string& username) const {
  std::string h;
  if (!message.empty()) h += NoticePanel(message, true);
  h += "<form class=\"signin\" method=\"post\" action=\"/signin\">" + CsrfField(token) +
       "<div><label for=\"username\">User name</label><input id=\"username\" name=\"username\" "
       "autocomplete=\"username\" required value=\"" +
       Escape(username) +
       "\"></div>"
       "<div><label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" "
       "autocomplete=\"current-password\" required></div>"
       "<div><label for=\"code\">Authenticator code (if you have one)</label><input id=\"code\" name=\"code\" "
       "inputmode=\"numeric\" autocomplete=\"one-time-code\" pattern=\"[0-9]{6}\"></div>"
       "<button class=\"primary\" type=\"submit\">Sign in</button></form>";
  return h;
}

Response WebApp::Impl::SignInPage(const Request& r, const std::string& message, int status,
                                  const std::string& username) const {
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

Response WebApp::Impl::SignIn(const Request& r) const {
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
    const int status = result.outcome == tenancy::SignInOutcome::kBusy                 ? 503
                       : result.outcome == tenancy::SignInOutcome::kSecondFactorNeeded ? 200
                                                                                       : 401;
    return SignInPage(r, result.message, status, request.username);
  }
  Response out = Redirect("/");
  out.SetHeader("Set-Cookie", session_cookie + "=" + result.session_token +
                                  "; Path=/; Max-Age=" + std::to_string(tenancy::kSessionAbsoluteSeconds) +
                                  "; HttpOnly; SameSite=Lax" + CookieAttributes());
  return out;
}

Response WebApp::Impl::SignOut(const Request& r) const {
  auto c = Authenticate(r);
  if (!c) return Redirect("/signin");
  if (!CsrfOk(r, *c)) return Problem(*c, 403, "Refused", "The form had expired; go back and try again.");
  (void)accounts.SignOut(c->session_token);
  Response out = Redirect("/signin");
  out.SetHeader("Set-Cookie", session_cookie + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" + CookieAttributes());
  return out;
}

}  // namespace csu::web
