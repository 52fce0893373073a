// Sign-in and sign-out: the pre-session CSRF value (issued by this server,
// used once), the throttled sign-in, session cookies (__Host- and Secure
// behind TLS).
#include "web/templates.h"
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
  TemplateData d;
  d.set("csrf", token);
  SetIfNotEmpty(d, "message", message);
  d.set("username", username);
  return RenderTemplate("sign_in", d);
}

Response WebApp::Impl::SignInPage(const Request& r, const std::string& message, int status,
                                  const std::string& username) const {
  if (status == 200 && Authenticate(r)) return Redirect("/");
  const auto issued = accounts.IssueSignInForm();
  if (!issued.ok()) return Response::Text(503, "sign-in is unavailable");
  const std::string& token = issued.value();
  PageFrame f;
  f.title = "Sign in";
  f.subtitle = "Commissioning intelligence for the CCGs this CSU serves";
  Response out = Response::Html(status, RenderPage(f, SignInForm(token, message, username)));
  out.SetHeader("Set-Cookie", SignInCookie(token));
  return out;
}

std::string WebApp::Impl::SignInCookie(const std::string& value) const {
  // Behind TLS the __Host- prefix, which a browser accepts only with Secure,
  // Path=/ and no Domain: a sibling host or a plain-HTTP answer cannot plant
  // a value of its own. Without TLS the cookie is scoped to the form's paths.
  return signin_cookie + "=" + value + (options.behind_tls ? "; Path=/" : "; Path=/signin") +
         "; Max-Age=" + std::to_string(kSignInFormSeconds) + "; HttpOnly; SameSite=Strict" + CookieAttributes();
}

bool WebApp::Impl::SignInFormOk(const std::map<std::string, std::string>& form,
                                const std::map<std::string, std::string>& cookies) const {
  // Double submit, and more: the cookie and the field must be equal and not
  // empty, and the value one this server issued and nobody has used. Each
  // attempt, whatever its outcome, uses its value up; the answer carries a
  // new one.
  const auto pre = cookies.find(signin_cookie);
  return pre != cookies.end() && !pre->second.empty() &&
         tenancy::ConstantTimeEquals(pre->second, FormValue(form, "csrf")) && accounts.ConsumeSignInForm(pre->second);
}

Response WebApp::Impl::SignedInResponse(const std::string& session_token) const {
  Response out = Redirect("/");
  out.SetHeader("Set-Cookie", session_cookie + "=" + session_token +
                                  "; Path=/; Max-Age=" + std::to_string(tenancy::kSessionAbsoluteSeconds) +
                                  "; HttpOnly; SameSite=Lax" + CookieAttributes());
  return out;
}

Response WebApp::Impl::EnrolPage(const std::string& ticket, const tenancy::PendingEnrolment* shown,
                                 const std::string& message, int status) const {
  const auto issued = accounts.IssueSignInForm();
  if (!issued.ok()) return Response::Text(503, "sign-in is unavailable");
  PageFrame f;
  f.title = "Set up your authenticator";
  f.subtitle = "Your role requires a second factor: a 6-digit code from an app on your phone";
  std::string body = NoticePanel(message, status != 200);
  if (shown != nullptr)
    body += ShownOncePanel("Your authenticator key",
                           {{"Key (base32)", shown->totp_secret}, {"otpauth URI", shown->totp_uri}},
                           "Add it to an authenticator app (scan or type the key, or open the URI on the phone), "
                           "then enter the code the app shows. It is not shown again: if you lose it before "
                           "finishing, sign in again for a new key.");
  body += EnrolmentForm("/signin/enrol", issued.value(), ticket, "Finish signing in");
  Response out = Response::Html(status, RenderPage(f, body));
  out.SetHeader("Set-Cookie", SignInCookie(issued.value()));
  return out;
}

Response WebApp::Impl::SignInEnrol(const Request& r) const {
  const auto form = ParseForm(r.body);
  const auto cookies = ParseCookies(r);
  if (!SignInFormOk(form, cookies)) return SignInPage(r, "The sign-in form had expired. Please sign in again.", 403, "");
  const std::string ticket = FormValue(form, "ticket");
  std::string previous;
  if (auto old = cookies.find(session_cookie); old != cookies.end()) previous = old->second;
  const tenancy::SignInResult result =
      accounts.FinishSignInEnrolment(ticket, FormValue(form, "code"), ClientAddress(r), previous);
  if (result.outcome != tenancy::SignInOutcome::kSignedIn) return EnrolPage(ticket, nullptr, result.message, 401);
  return SignedInResponse(result.session_token);
}

Response WebApp::Impl::SignIn(const Request& r) const {
  const auto form = ParseForm(r.body);
  const auto cookies = ParseCookies(r);
  const auto field = [&form](const char* k) { return FormValue(form, k); };
  if (!SignInFormOk(form, cookies)) return SignInPage(r, "The sign-in form had expired. Please sign in again.", 403, "");
  tenancy::SignInRequest request;
  request.username = field("username");
  request.password = field("password");
  request.totp_code = field("code");
  request.remote_address = ClientAddress(r);
  if (auto old = cookies.find(session_cookie); old != cookies.end()) request.previous_session_token = old->second;
  const tenancy::SignInResult result = accounts.SignIn(request);
  // Right password, and the role requires a second factor the user has not
  // set up: guide the enrolment here rather than send them to an
  // administrator (a new installation's first administrator has nobody).
  if (result.outcome == tenancy::SignInOutcome::kSecondFactorNotSetUp && result.enrolment)
    return EnrolPage(result.enrolment->ticket, &*result.enrolment, result.message, 200);
  if (result.outcome != tenancy::SignInOutcome::kSignedIn) {
    const int status = result.outcome == tenancy::SignInOutcome::kBusy ? 503 : 401;
    return SignInPage(r, result.message, status, request.username);
  }
  return SignedInResponse(result.session_token);
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
