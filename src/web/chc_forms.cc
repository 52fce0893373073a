// The DST form (docs/chc.md, "Web pages"): the CHC team records a full
// assessment on the web, the twelve domains each at a level the domain has,
// where it was done, and the multidisciplinary team's recommendation. For
// the roles holding kManageChc (the CHC roles, their own or assigned CCGs);
// CSRF-checked; a refused form comes back with what was entered and says
// why; a recorded one is audited (chc.assess, as `csu chc assess` is),
// metered once (chc_assessments) and shown on the case's timeline with the
// DST's indication beside the recommendation. The server holds no CHC key:
// an assessment has no identifiable field.
#include <nlohmann/json.hpp>

#include "billing/meter.h"
#include "billing/period.h"
#include "chc/chc_store.h"
#include "chc/dst.h"
#include "store/env.h"
#include "web/web_app_impl.h"

namespace csu::web {
namespace {

std::optional<int64_t> CaseIn(const Request& r) {
  const std::string text(r.PathParam("case"));
  if (text.empty() || text.size() > 12) return std::nullopt;
  for (char ch : text)
    if (ch < '0' || ch > '9') return std::nullopt;
  return std::stoll(text);
}

}  // namespace

std::string WebApp::Impl::ChcDstFormHtml(const std::string& action, const std::string& csrf, const ChcDstEntry& e) const {
  std::string h;
  if (!e.error.empty()) h += NoticePanel("Not recorded: " + e.error, true);
  h += "<form class=\"dst\" method=\"post\" action=\"" + Escape(action) + "\">" + CsrfField(csrf);
  h += InputField("assessed_on", "assessed_on", "Assessed on (YYYY-MM-DD)", "date", e.assessed_on, "required");
  h += SelectField("acute", "acute", "Where", {{"no", "Not in an acute hospital"}, {"yes", "In an acute hospital"}},
                   e.acute);
  for (chc::Domain d : chc::kAllDomains) {
    std::vector<std::pair<std::string, std::string>> choices = {{"", "(choose)"}};
    for (chc::Level l : {chc::Level::kNone, chc::Level::kLow, chc::Level::kModerate, chc::Level::kHigh,
                         chc::Level::kSevere, chc::Level::kPriority})
      if (chc::DomainHasLevel(d, l)) choices.push_back({std::string(chc::LevelName(l)), std::string(chc::LevelName(l))});
    const std::string code(chc::DomainCode(d));
    auto it = e.levels.find(code);
    h += SelectField("dst-" + code, code, std::string(chc::DomainTitle(d)), choices,
                     it == e.levels.end() ? "" : it->second);
  }
  h += SelectField("recommendation", "recommendation", "The multidisciplinary team recommends",
                   {{"", "(choose)"}, {"eligible", "Eligible"}, {"not_eligible", "Not eligible"}}, e.recommendation);
  h += "<div><button class=\"primary\" type=\"submit\">Record the assessment</button></div></form>";
  return h;
}

Response WebApp::Impl::ChcDstPage(const Request& r, const Caller& c, const ChcDstEntry& entry, int status) const {
  auto ccg = Tenant(r, c, Action::kManageChc, Identifiability::kRecordLevel);
  auto id = CaseIn(r);
  if (!ccg || !id || !chc.with_store) return NotFound(c);
  bool found = false;
  Status s = WithChc(*ccg, [&](chc::ChcStore& db) -> Status {
    CSU_ASSIGN_OR_RETURN(k, db.FindCase(*id));
    found = k && k->ccg == ccg->view();
    return Status::Ok();
  });
  if (!s.ok()) return Problem(c, 500, "Continuing healthcare", "the continuing healthcare database could not be read");
  if (!found) return NotFound(c);
  const std::string path = "/ccg/" + std::string(ccg->view()) + "/chc/cases/" + std::to_string(*id);
  PageFrame f = Frame(c, "Continuing healthcare: DST for case " + std::to_string(*id),
                      CcgName(*ccg) + " (" + std::string(ccg->view()) + ")");
  f.nav = CcgNav(c, *ccg, "chc");
  std::string body = "<p>The twelve care domains of the Decision Support Tool, each at one of the levels it has; the "
                     "DST's indication is worked out from them and shown beside the team's recommendation. "
                     "<a href=\"" + Escape(path) + "\">Back to the case</a></p>";
  body += ChcDstFormHtml(path + "/dst", CsrfTokenFor(c.session_token), entry);
  return Response::Html(status, RenderPage(f, body));
}

Response WebApp::Impl::ChcDstForm(const Request& r, const Caller& c) const {
  ChcDstEntry e;
  e.assessed_on = Today().ToString();
  e.acute = "no";
  return ChcDstPage(r, c, e, 200);
}

Response WebApp::Impl::ChcDstSubmit(const Request& r, const Caller& c) const {
  auto ccg = Tenant(r, c, Action::kManageChc, Identifiability::kRecordLevel);
  auto id = CaseIn(r);
  if (!ccg || !id || !chc.with_store) return NotFound(c);
  if (!CsrfOk(r, c)) return Problem(c, 403, "Refused", "The form had expired; go back and try again.");
  const auto form = ParseForm(r.body);
  ChcDstEntry e;
  e.assessed_on = FormValue(form, "assessed_on");
  e.acute = FormValue(form, "acute");
  e.recommendation = FormValue(form, "recommendation");
  chc::Assessment a;
  a.case_id = *id;
  std::vector<std::string> problems;
  for (chc::Domain d : chc::kAllDomains) {
    const std::string code(chc::DomainCode(d));
    const std::string v = FormValue(form, code.c_str());
    e.levels[code] = v;
    auto l = chc::ParseLevel(v);
    if (!l) problems.push_back(std::string(chc::DomainTitle(d)) + ": choose a level");
    else a.levels[d] = *l;
  }
  auto on = Date::Parse(e.assessed_on);
  if (!on.ok()) problems.insert(problems.begin(), "Assessed on: a date, YYYY-MM-DD");
  else if (on.value() > Today()) problems.insert(problems.begin(), "Assessed on: not after today");
  else a.assessed_on = on.value();
  if (e.acute != "yes" && e.acute != "no") problems.push_back("Where: in an acute hospital or not");
  a.acute = e.acute == "yes";
  if (e.recommendation != "eligible" && e.recommendation != "not_eligible")
    problems.push_back("The team's recommendation: eligible or not eligible");
  a.recommendation = e.recommendation;
  if (problems.empty())
    if (Status s = chc::CheckLevels(a.levels); !s.ok()) problems.push_back(s.error().ToString());
  if (!problems.empty()) {
    for (size_t i = 0; i < problems.size(); ++i) e.error += (i ? "; " : "") + problems[i];
    return ChcDstPage(r, c, e, 400);
  }
  const std::string who = c.who.username;
  const std::string now = store::Env::Default().NowUtc();
  int64_t assessment = 0;
  bool found = false;
  Status s = WriteChc(*ccg, [&](chc::ChcStore& db) -> Status {
    CSU_ASSIGN_OR_RETURN(k, db.FindCase(*id));
    found = k && k->ccg == ccg->view();
    if (!found) return Status::Ok();
    CSU_ASSIGN_OR_RETURN(n, db.RecordAssessment(a, {now, "web:" + who}));
    assessment = n;
    return Status::Ok();
  });
  if (!found && s.ok()) return NotFound(c);
  if (!s.ok()) {
    e.error = s.error().why;  // the store's reason (a closed case, say); names no person
    return ChcDstPage(r, c, e, 400);
  }
  const chc::IndicationResult ind = chc::Indicate(a.levels);
  nlohmann::json levels;
  for (chc::Domain d : chc::kAllDomains) levels[std::string(chc::DomainCode(d))] = chc::LevelName(a.levels[d]);
  if (Status st = Audit(c, "chc.assess", "chc case " + std::to_string(*id),
                        {{"assessment", assessment}, {"on", a.assessed_on.ToString()}, {"acute", a.acute},
                         {"levels", levels}, {"recommendation", a.recommendation},
                         {"indication", chc::IndicationName(ind.indication)}, {"via", "web"}});
      !st.ok())
    return Problem(c, 500, "Recorded without its audit entry",
                   "The assessment was recorded but its audit entry could not be written; tell the administrator.");
  if (billing.meter != nullptr)
    (void)billing.meter->CountOnce("chc_assessment:" + std::to_string(assessment), std::string(ccg->view()),
                                   billing::Period::Of(a.assessed_on), "chc_assessments", "", 1, now, who);
  return Redirect("/ccg/" + std::string(ccg->view()) + "/chc/cases/" + std::to_string(*id));
}

}  // namespace csu::web

namespace csu::web {

Response WebApp::Impl::ChcIdentityPage(const Request& r, const Caller& c, const std::string& purpose,
                                       const std::string& error, int status) const {
  auto ccg = Tenant(r, c, Action::kViewChcIdentifiable, Identifiability::kRecordLevel);
  auto id = CaseIn(r);
  if (!ccg || !id || !chc.with_store || !chc.read_identity) return NotFound(c);
  bool found = false;
  Status s = WithChc(*ccg, [&](chc::ChcStore& db) -> Status {
    CSU_ASSIGN_OR_RETURN(k, db.FindCase(*id));
    found = k && k->ccg == ccg->view();
    return Status::Ok();
  });
  if (!s.ok()) return Problem(c, 500, "Continuing healthcare", "the continuing healthcare database could not be read");
  if (!found) return NotFound(c);
  const std::string path = "/ccg/" + std::string(ccg->view()) + "/chc/cases/" + std::to_string(*id);
  PageFrame f = Frame(c, "Continuing healthcare: who case " + std::to_string(*id) + " is",
                      CcgName(*ccg) + " (" + std::string(ccg->view()) + ")");
  f.nav = CcgNav(c, *ccg, "chc");
  std::string body;
  if (!error.empty()) body += NoticePanel("Not shown: " + error, true);
  body += "<p>The name, NHS number, date of birth and address are shown only for a purpose, which is written to the "
          "audit log with your name before anything is shown. <a href=\"" + Escape(path) + "\">Back to the case</a></p>";
  body += "<form method=\"post\" action=\"" + Escape(path + "/identity") + "\">" +
          CsrfField(CsrfTokenFor(c.session_token)) +
          InputField("purpose", "purpose", "Purpose (why you need to see who this is)", "text", purpose,
                     "required size=\"60\" maxlength=\"500\"") +
          "<div><button class=\"primary\" type=\"submit\">Show</button></div></form>";
  return Response::Html(status, RenderPage(f, body));
}

Response WebApp::Impl::ChcIdentityForm(const Request& r, const Caller& c) const {
  return ChcIdentityPage(r, c, "", "", 200);
}

Response WebApp::Impl::ChcIdentitySubmit(const Request& r, const Caller& c) const {
  auto ccg = Tenant(r, c, Action::kViewChcIdentifiable, Identifiability::kRecordLevel);
  auto id = CaseIn(r);
  if (!ccg || !id || !chc.with_store || !chc.read_identity) return NotFound(c);
  if (!CsrfOk(r, c)) return Problem(c, 403, "Refused", "The form had expired; go back and try again.");
  const auto form = ParseForm(r.body);
  std::string purpose = FormValue(form, "purpose");
  while (!purpose.empty() && (purpose.back() == ' ' || purpose.back() == '\t')) purpose.pop_back();
  while (!purpose.empty() && (purpose.front() == ' ' || purpose.front() == '\t')) purpose.erase(0, 1);
  if (purpose.empty()) return ChcIdentityPage(r, c, purpose, "say why you need to see who this is", 400);
  if (purpose.size() > 500) return ChcIdentityPage(r, c, purpose, "the purpose is longer than 500 characters", 400);
  bool found = false;
  Status s = WithChc(*ccg, [&](chc::ChcStore& db) -> Status {
    CSU_ASSIGN_OR_RETURN(k, db.FindCase(*id));
    found = k && k->ccg == ccg->view();
    return Status::Ok();
  });
  if (!s.ok()) return Problem(c, 500, "Continuing healthcare", "the continuing healthcare database could not be read");
  if (!found) return NotFound(c);
  // Audited before anything is read or shown; no entry, no view.
  if (Status a = Audit(c, "chc.identity.view", "chc case " + std::to_string(*id),
                       {{"case", *id}, {"purpose", purpose}, {"via", "web"}});
      !a.ok())
    return Problem(c, 500, "Not shown", "The view could not be written to the audit log, so nothing is shown.");
  ChcIdentityView who;
  if (Status rd = chc.read_identity(*id, who); !rd.ok())
    return Problem(c, 500, "Not shown", "The identifiable fields could not be opened.");
  const std::string path = "/ccg/" + std::string(ccg->view()) + "/chc/cases/" + std::to_string(*id);
  PageFrame f = Frame(c, "Continuing healthcare: who case " + std::to_string(*id) + " is",
                      CcgName(*ccg) + " (" + std::string(ccg->view()) + ")");
  f.nav = CcgNav(c, *ccg, "chc");
  std::string body = NoticePanel("Shown for: " + purpose + " (written to the audit log).", false);
  body += "<dl><dt>Name</dt><dd>" + Escape(who.name) + "</dd><dt>NHS number</dt><dd>" + Escape(who.nhs_number) +
          "</dd><dt>Date of birth</dt><dd>" + Escape(who.date_of_birth) + "</dd><dt>Address</dt><dd>" +
          Escape(who.address) + "</dd></dl><p><a href=\"" + Escape(path) + "\">Back to the case</a></p>";
  Response out = Response::Html(200, RenderPage(f, body));
  return out;
}

}  // namespace csu::web
