// Enhanced-service schemes and claims on the web (docs/primary-care.md,
// "Enhanced services: schemes and claims"; docs/web.md, "Routes"):
//
//   GET  /ccg/{ccg}/primary-care/claims               claims page (view_primary_care)
//   POST /ccg/{ccg}/primary-care/claims               a practice's claim (submit_claims)
//   POST /ccg/{ccg}/primary-care/claims/{claim}/answer    its answer to a query (submit_claims)
//   POST /ccg/{ccg}/primary-care/claims/{claim}/decision  approve, query or reject (approve_claims)
//   GET  /ccg/{ccg}/primary-care/schemes              schemes page (view_primary_care)
//   POST /ccg/{ccg}/primary-care/schemes              define or change a scheme (manage_schemes)
//   POST /ccg/{ccg}/primary-care/claims/evidence      a practice attaches a file to its claim (submit_claims)
//   GET  /ccg/{ccg}/primary-care/evidence/{evidence}  download one file (view_primary_care; audited)
//   GET  /api/v1/ccg/{ccg}/primary-care/claims|schemes|evidence   the JSON twins
//
// The claim form and the evidence form are multipart/form-data (a file
// field; http/multipart.h, as the extract upload uses); the claim form also
// works urlencoded without a file. The file's type is judged from its bytes
// (primarycare/evidence.h), never from the browser's Content-Type.
//
// A practice user (gp_practice) sees and touches only its own practice's
// claims: the scope comes from the signed-in principal (PracticeScope), never
// from the request, and another practice's claim answers exactly as a claim
// that does not exist. Forms are CSRF-checked; a refused form comes back with
// the reason and what was typed. The store audits every state change.
#include "http/multipart.h"
#include "primarycare/claims_store.h"
#include "primarycare/claims_report.h"
#include "primarycare/evidence.h"
#include "tenancy/secrets.h"
#include "web/templates.h"
#include "web/web_app_impl.h"

namespace csu::web {
namespace {

using Impl = WebApp::Impl;
using primarycare::ClaimRow;
using primarycare::ClaimScope;
using primarycare::ClaimState;
using primarycare::Scheme;

// What a refused (or done) form shows again: the message and, by field, what
// the user typed; `claim` is the row whose form it was (0: the claim form).
struct Typed {
  std::string message;
  bool error = false;
  int64_t claim = 0;
  std::map<std::string, std::string> fields;
  std::string Get(const char* k) const {
    auto it = fields.find(k);
    return it == fields.end() ? "" : it->second;
  }
};

std::optional<int64_t> ClaimIdOf(const Request& r) {
  const std::string text(r.PathParam("claim"));
  if (text.empty() || text.size() > 12) return std::nullopt;
  for (char ch : text)
    if (ch < '0' || ch > '9') return std::nullopt;
  return std::stoll(text);
}

// The scope a caller may see: the CCG, and its own practice for a practice.
// nullopt for a practice user with no practice bound (Check refuses it too).
std::optional<ClaimScope> ScopeOf(const Caller& c, const OdsCode& ccg) {
  ClaimScope s{std::string(ccg.view()), ""};
  if (auto p = tenancy::PracticeScope(c.who)) {
    if (p->empty()) return std::nullopt;
    s.practice = std::string(p->view());
  }
  return s;
}

// A POSTed form, urlencoded or multipart: its fields, the file in
// `file_field` when one was chosen, and whether its anti-forgery value is
// right. `problem` says why a multipart body could not be read.
struct PostedForm {
  std::map<std::string, std::string> fields;
  std::optional<primarycare::NewClaim::File> file;
  bool csrf_ok = false;
  std::string problem;
};

PostedForm ReadPostedForm(const Impl& app, const Request& r, const Caller& c, const char* file_field) {
  PostedForm out;
  const std::string content_type(r.headers.Get("content-type").value_or(""));
  if (!http::MultipartBoundary(content_type).ok()) {
    out.fields = ParseForm(r.body);
    out.csrf_ok = app.CsrfOk(r, c);
    return out;
  }
  auto parts = http::ParseMultipart(content_type, r.body);
  if (!parts.ok()) {
    out.problem = "The form could not be read: " + parts.error().why + ".";
    return out;
  }
  for (const http::FormPart& p : parts.value()) {
    if (p.name == file_field) {
      // A file field left empty arrives as a part with no bytes: no file.
      if (!p.data.empty()) out.file = primarycare::NewClaim::File{p.filename, std::string(p.data)};
      continue;
    }
    out.fields.emplace(p.name, std::string(p.data));
  }
  auto csrf = out.fields.find("csrf");
  out.csrf_ok = !c.session_token.empty() && csrf != out.fields.end() && !csrf->second.empty() &&
                tenancy::ConstantTimeEquals(csrf->second, CsrfTokenFor(c.session_token));
  return out;
}

std::string Get(const std::map<std::string, std::string>& m, const char* k) {
  auto it = m.find(k);
  return it == m.end() ? "" : it->second;
}

std::string SizeText(int64_t bytes) {
  if (bytes < 1000) return std::to_string(bytes) + " bytes";
  if (bytes < 1000000) return std::to_string((bytes + 500) / 1000) + " kB";
  return std::to_string(bytes / 1000000) + "." + std::to_string(bytes / 100000 % 10) + " MB";
}

// Runs `fn` through `run` (a store runner) and hands back its result.
template <typename T, typename Run, typename F>
Result<T> RunClaims(const Run& run, F&& fn) {
  std::optional<T> out;
  Status s = run([&](primarycare::ClaimsStore& db) -> Status {
    Result<T> r = fn(db);
    if (!r.ok()) return r.error();
    out = std::move(r).value();
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return std::move(*out);
}

// A write for `ccg`: on the application role scoped to that CCG when the
// server has one (a row of another CCG is refused by PostgreSQL too), else
// on the owner's store; either audits it.
template <typename T, typename F>
Result<T> WithClaims(const Impl& app, const std::string& ccg, F&& fn) {
  if (!app.claims.with_store) return MakeError("claims", "no primary care database");
  if (app.claims.with_tenant_write)
    return RunClaims<T>([&](const std::function<Status(primarycare::ClaimsStore&)>& body) {
                          return app.claims.with_tenant_write(ccg, body);
                        },
                        std::forward<F>(fn));
  return RunClaims<T>(app.claims.with_store, std::forward<F>(fn));
}

// A read of `ccg`'s claims, schemes or evidence: on the application role's
// connection scoped to that CCG when the server has one (another CCG's rows
// are then not there at all), else on the owner's store.
template <typename T, typename F>
Result<T> ReadClaims(const Impl& app, const OdsCode& ccg, F&& fn) {
  if (!app.claims.with_store) return MakeError("claims", "no primary care database");
  return RunClaims<T>([&](const std::function<Status(primarycare::ClaimsStore&)>& body) { return app.WithPcClaims(ccg, body); },
                      std::forward<F>(fn));
}

// Today() is the platform date when the folder has one (billing's rule), so
// an approval joins that month's schedule.
primarycare::ClaimsActor ActorOf(const Impl& app, const Caller& c) {
  return {store::Env::Default().NowUtc(), c.who.username, app.Today().ToString()};
}

std::string Field(const std::string& id, const std::string& label, const std::string& name, const std::string& type,
                  const std::string& value, const std::string& attributes = "") {
  TemplateData d;
  d.set("id", id);
  d.set("label", label);
  d.set("name", name);
  d.set("type", type);
  SetIfNotEmpty(d, "value", value);
  SetIfNotEmpty(d, "attributes_html", attributes);
  return RenderTemplate("input_field", d);
}

std::string Select(const std::string& id, const std::string& label, const std::string& name,
                   const std::vector<std::pair<std::string, std::string>>& options, const std::string& selected) {
  TemplateData d;
  d.set("id", id);
  d.set("label", label);
  d.set("name", name);
  TemplateData list{TemplateData::type::list};
  for (const auto& [value, text] : options) {
    TemplateData o;
    o.set("value", value);
    o.set("text", text);
    if (value == selected) o.set("selected", true);
    list.push_back(o);
  }
  d.set("options", list);
  return RenderTemplate("select_field", d);
}

std::string Notice(const Typed& t) {
  if (t.message.empty()) return "";
  TemplateData d;
  d.set("message", t.message);
  if (t.error) d.set("error", true);
  return RenderTemplate("notice", d);
}

// The navigation: the CCG's for those who see its figures; for a practice
// and the primary care team (who do not), these pages only, since the CCG's
// home would answer 404.
std::vector<NavLink> NavFor(const Impl& app, const Caller& c, const OdsCode& ccg, bool schemes) {
  if (tenancy::Grants(c.who.role, Action::kView, Identifiability::kAggregate))
    return app.CcgNav(c, ccg, "primary-care-claims");
  const std::string base = "/ccg/" + std::string(ccg.view()) + "/primary-care/";
  if (tenancy::IsPracticeRole(c.who.role))
    return {{base + "claims", "Your claims", !schemes}, {base + "schemes", "Schemes", schemes}};
  // The primary care team: its practices, QOF and schedule pages too.
  return {{base.substr(0, base.size() - 1), "Primary care", false},
          {base + "claims", "Claims", !schemes},
          {base + "schemes", "Schemes", schemes}};
}

int StatusFor(const Error& e) {
  return e.why == "no such claim" ? 404 : 400;
}

Response ClaimsPageFor(const Impl& app, const Request& r, const Caller& c, const Typed& typed, int status) {
  auto ccg = app.Tenant(r, c, Action::kViewPrimaryCare, Identifiability::kAggregate);
  if (!ccg || !app.claims.with_store) return app.NotFound(c);
  auto scope = ScopeOf(c, *ccg);
  if (!scope) return app.NotFound(c);
  struct Data {
    std::vector<ClaimRow> claims;
    std::vector<Scheme> schemes;
    std::vector<primarycare::EvidenceRow> evidence;
  };
  auto data = ReadClaims<Data>(app, *ccg, [&](primarycare::ClaimsStore& db) -> Result<Data> {
    Data d;
    CSU_ASSIGN_OR_RETURN(claims, db.Claims(*scope));
    CSU_ASSIGN_OR_RETURN(schemes, db.Schemes(scope->ccg));
    CSU_ASSIGN_OR_RETURN(evidence, db.Evidence(*scope));
    d.claims = std::move(claims);
    d.schemes = std::move(schemes);
    d.evidence = std::move(evidence);
    return d;
  });
  if (!data.ok()) return app.Problem(c, 500, "Primary care claims", "the primary care database could not be read");
  const std::string code(ccg->view());
  const std::string base = "/ccg/" + code + "/primary-care/claims";
  PageFrame f = app.Frame(c, scope->practice.empty() ? "Enhanced-service claims" : "Claims of practice " + scope->practice,
                          app.CcgName(*ccg) + " (" + code + ")");
  f.nav = NavFor(app, c, *ccg, false);
  TableOptions o;
  o.path = base;
  o.filter_columns = {"state", "scheme", "practice"};
  auto table = InteractiveTableHtml(primarycare::ClaimsTable(data.value().claims), r.query, o);
  if (!table.ok()) return app.Problem(c, 400, "Bad request", table.error().ToString());
  const std::string csrf = CsrfTokenFor(c.session_token);
  TemplateData d;
  d.set("base", base);
  d.set("csrf", csrf);
  d.set("json_href", "/api/v1" + base);
  d.set("schemes_href", "/ccg/" + code + "/primary-care/schemes");
  d.set("notice_html", Notice(typed));
  d.set("table_html", table.value());
  d.set("claims_heading", scope->practice.empty() ? "All claims" : "Your claims");
  std::map<std::string, const Scheme*> by_code;
  for (const Scheme& s : data.value().schemes) by_code[s.code] = &s;
  // Evidence files in scope, by claim, as download links.
  const std::string evidence_base = "/ccg/" + code + "/primary-care/evidence/";
  std::map<int64_t, TemplateData> files_by_claim;
  TemplateData all_files{TemplateData::type::list};
  for (const primarycare::EvidenceRow& e : data.value().evidence) {
    TemplateData file;
    file.set("href", evidence_base + std::to_string(e.id));
    file.set("name", e.file_name);
    file.set("size", SizeText(e.bytes));
    file.set("claim", std::to_string(e.claim_id));
    file.set("practice", e.practice);
    file.set("uploaded", e.uploaded_at.substr(0, 10) + " by " + e.uploaded_by);
    files_by_claim.try_emplace(e.claim_id, TemplateData::type::list).first->second.push_back(file);
    all_files.push_back(file);
  }
  if (all_files.is_non_empty_list()) {
    d.set("any_files", true);
    d.set("files", all_files);
  }
  d.set("max_evidence", SizeText(primarycare::kMaxEvidenceBytes));
  // A practice's claim form and its answers to queries.
  const bool can_submit = !scope->practice.empty() && !c.session_token.empty() &&
                          tenancy::Grants(c.who.role, Action::kSubmitClaims, Identifiability::kAggregate);
  if (can_submit) {
    d.set("can_submit", true);
    d.set("practice", scope->practice);
    if (!data.value().schemes.empty()) {
      d.set("has_schemes", true);
      std::vector<std::pair<std::string, std::string>> options;
      for (const Scheme& s : data.value().schemes)
        options.push_back({s.code, s.code + ": " + s.name + " (" + Money::FromPence(s.fee_pence).ToString() + " a " +
                                       (s.rule == primarycare::PaymentRule::kPerRegisteredPatient ? "patient" : "unit") +
                                       ", " + std::string(primarycare::FrequencyName(s.frequency)) +
                                       (s.evidence_file ? ", file required" : "") + ")"});
      const bool mine = typed.claim == 0;
      d.set("scheme_field_html", Select("claim-scheme", "Scheme", "scheme", options, mine ? typed.Get("scheme") : ""));
      d.set("period_field_html", Field("claim-period", "Period (first month)", "period", "text",
                                       mine ? typed.Get("period") : "", "required size=\"8\" placeholder=\"YYYY-MM\""));
      d.set("units_field_html",
            Field("claim-units", "Units", "units", "number", mine ? typed.Get("units") : "", "required min=\"1\""));
      SetIfNotEmpty(d, "evidence", mine ? typed.Get("evidence") : "");
    }
    std::vector<std::pair<std::string, std::string>> open_claims;
    for (const ClaimRow& cl : data.value().claims)
      if (cl.state == ClaimState::kSubmitted || cl.state == ClaimState::kQueried)
        open_claims.push_back({std::to_string(cl.id), "Claim " + std::to_string(cl.id) + ": " + cl.scheme_code + " " +
                                                          cl.period_label + " (" +
                                                          std::string(primarycare::ClaimStateName(cl.state)) + ")"});
    if (!open_claims.empty()) {
      d.set("can_attach", true);
      d.set("attach_claim_field_html", Select("attach-claim", "Claim", "claim", open_claims,
                                              typed.claim != 0 ? std::to_string(typed.claim) : ""));
    }
    TemplateData queried{TemplateData::type::list};
    for (const ClaimRow& cl : data.value().claims) {
      if (cl.state != ClaimState::kQueried) continue;
      TemplateData q;
      q.set("id", std::to_string(cl.id));
      q.set("scheme", cl.scheme_code);
      q.set("period", cl.period_label);
      q.set("units", std::to_string(cl.units));
      q.set("question", cl.question);
      if (typed.claim == cl.id) {
        q.set("typed_answer", typed.Get("answer"));
        q.set("typed_units", typed.Get("units"));
      }
      queried.push_back(q);
    }
    if (queried.is_non_empty_list()) {
      d.set("queried_any", true);
      d.set("queried", queried);
    }
  }
  // The CCG team's decisions, one row per claim waiting.
  const bool can_approve = tenancy::Grants(c.who.role, Action::kApproveClaims, Identifiability::kAggregate) &&
                           !c.session_token.empty() && scope->practice.empty();
  if (can_approve) {
    d.set("can_decide", true);
    TemplateData awaiting{TemplateData::type::list};
    for (const ClaimRow& cl : data.value().claims) {
      if (cl.state != ClaimState::kSubmitted && cl.state != ClaimState::kQueried) continue;
      TemplateData w;
      w.set("id", std::to_string(cl.id));
      w.set("practice", cl.practice);
      w.set("scheme", cl.scheme_code);
      w.set("period", cl.period_label);
      w.set("units", std::to_string(cl.units));
      auto it = by_code.find(cl.scheme_code);
      std::string worth = "scheme not found";
      if (it != by_code.end()) {
        auto m = primarycare::PriceClaim(*it->second, cl.units);
        worth = m.ok() ? m.value().explanation : m.error().why;
      }
      w.set("worth", worth);
      SetIfNotEmpty(w, "evidence", cl.evidence_note);
      if (auto found = files_by_claim.find(cl.id); found != files_by_claim.end()) {
        w.set("has_claim_files", true);
        w.set("claim_files", found->second);
      }
      else if (it != by_code.end() && it->second->evidence_file) w.set("no_file", true);
      SetIfNotEmpty(w, "question", cl.question);
      SetIfNotEmpty(w, "answer", cl.answer);
      if (cl.state == ClaimState::kSubmitted) {
        w.set("can_approve", true);
        w.set("can_query", true);
      }
      if (typed.claim == cl.id) {
        w.set(typed.Get("decision") == "query" ? "typed_question" : "typed_reason", typed.Get("text"));
      }
      awaiting.push_back(w);
    }
    if (awaiting.is_non_empty_list()) d.set("awaiting", awaiting);
  }
  return Response::Html(status, RenderPage(f, RenderTemplate("primary_care_claims", d)));
}

Response ClaimsPage(const Impl& app, const Request& r, const Caller& c) {
  return ClaimsPageFor(app, r, c, {}, 200);
}

Response ApiClaims(const Impl& app, const Request& r, const Caller& c) {
  auto ccg = app.Tenant(r, c, Action::kViewPrimaryCare, Identifiability::kAggregate);
  if (!ccg || !app.claims.with_store) return Impl::ApiNotFound();
  auto scope = ScopeOf(c, *ccg);
  if (!scope) return Impl::ApiNotFound();
  auto claims = ReadClaims<std::vector<ClaimRow>>(app, *ccg, [&](primarycare::ClaimsStore& db) { return db.Claims(*scope); });
  if (!claims.ok()) return Response::Error(500, "the primary care database could not be read");
  return Response::Json(200, report::RenderJson(primarycare::ClaimsTable(claims.value())).dump());
}

Response SubmitClaim(const Impl& app, const Request& r, const Caller& c) {
  auto ccg = app.Tenant(r, c, Action::kSubmitClaims, Identifiability::kAggregate);
  if (!ccg || !app.claims.with_store) return app.NotFound(c);
  auto scope = ScopeOf(c, *ccg);
  if (!scope || scope->practice.empty()) return app.NotFound(c);
  PostedForm posted = ReadPostedForm(app, r, c, "evidence_file");
  if (!posted.problem.empty()) {
    Typed bad;
    bad.error = true;
    bad.message = posted.problem;
    return ClaimsPageFor(app, r, c, bad, 400);
  }
  if (!posted.csrf_ok) return app.Problem(c, 403, "Forbidden", "The form has expired. Go back, reload and try again.");
  const auto& form = posted.fields;
  Typed t;
  t.fields = {{"scheme", Get(form, "scheme")},
              {"period", Get(form, "period")},
              {"units", Get(form, "units")},
              {"evidence", Get(form, "evidence")}};
  int64_t units = 0;
  const std::string u = t.Get("units");
  if (u.empty() || u.size() > 12 || u.find_first_not_of("0123456789") != std::string::npos) {
    t.error = true;
    t.message = "units: '" + u + "' is not a whole number";
    return ClaimsPageFor(app, r, c, t, 400);
  }
  units = std::stoll(u);
  std::optional<int64_t> registered;
  if (auto code = OdsCode::Parse(scope->practice); code.ok())
    if (const refdata::Practice* p = app.ref.FindPractice(code.value())) registered = p->registered_patients;
  primarycare::NewClaim claim{t.Get("scheme"), scope->practice, t.Get("period"), units, t.Get("evidence"), registered};
  claim.file = posted.file;
  auto id = WithClaims<int64_t>(app, scope->ccg, [&](primarycare::ClaimsStore& db) { return db.Submit(*scope, claim, ActorOf(app, c)); });
  if (!id.ok()) {
    t.error = true;
    t.message = id.error().ToString();
    return ClaimsPageFor(app, r, c, t, 400);
  }
  Typed done;
  done.message = "Claim " + std::to_string(id.value()) + " submitted" +
                 (posted.file ? " with the file " + primarycare::CheckEvidence(posted.file->file_name, posted.file->bytes)
                                                        .value()
                                                        .file_name
                              : std::string()) +
                 ".";
  return ClaimsPageFor(app, r, c, done, 200);
}

// A practice attaches a file to one of its submitted or queried claims.
Response AttachEvidence(const Impl& app, const Request& r, const Caller& c) {
  auto ccg = app.Tenant(r, c, Action::kSubmitClaims, Identifiability::kAggregate);
  if (!ccg || !app.claims.with_store) return app.NotFound(c);
  auto scope = ScopeOf(c, *ccg);
  if (!scope || scope->practice.empty()) return app.NotFound(c);
  PostedForm posted = ReadPostedForm(app, r, c, "evidence_file");
  Typed t;
  t.error = true;
  if (!posted.problem.empty()) {
    t.message = posted.problem;
    return ClaimsPageFor(app, r, c, t, 400);
  }
  if (!posted.csrf_ok) return app.Problem(c, 403, "Forbidden", "The form has expired. Go back, reload and try again.");
  const std::string claim_text = Get(posted.fields, "claim");
  if (claim_text.empty() || claim_text.size() > 12 || claim_text.find_first_not_of("0123456789") != std::string::npos) {
    t.message = "claim: choose one of your claims";
    return ClaimsPageFor(app, r, c, t, 400);
  }
  const int64_t claim = std::stoll(claim_text);
  t.claim = claim;
  if (!posted.file) {
    t.message = "evidence: choose a file to attach (it was missing or empty)";
    return ClaimsPageFor(app, r, c, t, 400);
  }
  auto id = WithClaims<int64_t>(
      app, scope->ccg, [&](primarycare::ClaimsStore& db) { return db.AttachEvidence(*scope, claim, *posted.file, ActorOf(app, c)); });
  if (!id.ok()) {
    if (StatusFor(id.error()) == 404) return app.NotFound(c);
    t.message = id.error().ToString();
    return ClaimsPageFor(app, r, c, t, 400);
  }
  Typed ok;
  ok.message = "File attached to claim " + std::to_string(claim) + ".";
  return ClaimsPageFor(app, r, c, ok, 200);
}

// One evidence file, as a download. Out of scope answers as absent; every
// download is audited (who read which practice's file), and withheld when
// the audit log cannot be written, as exports are.
Response DownloadEvidence(const Impl& app, const Request& r, const Caller& c) {
  auto ccg = app.Tenant(r, c, Action::kViewPrimaryCare, Identifiability::kAggregate);
  if (!ccg || !app.claims.with_store) return app.NotFound(c);
  auto scope = ScopeOf(c, *ccg);
  const std::string text(r.PathParam("evidence"));
  if (!scope || text.empty() || text.size() > 12 || text.find_first_not_of("0123456789") != std::string::npos)
    return app.NotFound(c);
  const int64_t id = std::stoll(text);
  auto file = ReadClaims<std::optional<primarycare::ClaimsStore::EvidenceFile>>(
      app, *ccg, [&](primarycare::ClaimsStore& db) { return db.ReadEvidence(*scope, id); });
  if (!file.ok()) return app.Problem(c, 500, "Evidence", file.error().ToString());
  if (!file.value()) return app.NotFound(c);
  const auto& f = *file.value();
  if (!app.Audit(c, "primary_care.evidence.download", "ccg " + scope->ccg + " claim " + std::to_string(f.row.claim_id),
                 {{"evidence", f.row.id}, {"practice", f.row.practice}, {"sha256", f.row.sha256}})
           .ok())
    return app.Problem(c, 503, "Not available", "The audit log could not be written, so the file is withheld.");
  Response out(200);
  out.set_body(f.bytes);
  out.SetHeader("Content-Type", f.row.media_type);
  out.SetHeader("Content-Disposition", "attachment; filename=\"" + f.row.file_name + "\"");
  out.SetHeader("X-Content-Type-Options", "nosniff");
  out.SetHeader("Cache-Control", "private, no-store");
  return out;
}

Response ApiEvidence(const Impl& app, const Request& r, const Caller& c) {
  auto ccg = app.Tenant(r, c, Action::kViewPrimaryCare, Identifiability::kAggregate);
  if (!ccg || !app.claims.with_store) return Impl::ApiNotFound();
  auto scope = ScopeOf(c, *ccg);
  if (!scope) return Impl::ApiNotFound();
  auto files = ReadClaims<std::vector<primarycare::EvidenceRow>>(
      app, *ccg, [&](primarycare::ClaimsStore& db) { return db.Evidence(*scope); });
  if (!files.ok()) return Response::Error(500, "the primary care database could not be read");
  return Response::Json(200, report::RenderJson(primarycare::EvidenceTable(files.value())).dump());
}

Response AnswerClaim(const Impl& app, const Request& r, const Caller& c) {
  auto ccg = app.Tenant(r, c, Action::kSubmitClaims, Identifiability::kAggregate);
  auto id = ClaimIdOf(r);
  if (!ccg || !id || !app.claims.with_store) return app.NotFound(c);
  auto scope = ScopeOf(c, *ccg);
  if (!scope || scope->practice.empty()) return app.NotFound(c);
  if (!app.CsrfOk(r, c)) return app.Problem(c, 403, "Forbidden", "The form has expired. Go back, reload and try again.");
  const auto form = ParseForm(r.body);
  Typed t;
  t.claim = *id;
  t.fields = {{"answer", FormValue(form, "answer")}, {"units", FormValue(form, "units")}};
  std::optional<int64_t> units;
  const std::string u = t.Get("units");
  if (!u.empty()) {
    if (u.size() > 12 || u.find_first_not_of("0123456789") != std::string::npos) {
      t.error = true;
      t.message = "units: '" + u + "' is not a whole number";
      return ClaimsPageFor(app, r, c, t, 400);
    }
    units = std::stoll(u);
  }
  std::optional<int64_t> registered;
  if (auto code = OdsCode::Parse(scope->practice); code.ok())
    if (const refdata::Practice* p = app.ref.FindPractice(code.value())) registered = p->registered_patients;
  auto done = WithClaims<bool>(app, scope->ccg, [&](primarycare::ClaimsStore& db) -> Result<bool> {
    if (Status s = db.Answer(*scope, *id, t.Get("answer"), units, registered, ActorOf(app, c)); !s.ok()) return s.error();
    return true;
  });
  if (!done.ok()) {
    if (StatusFor(done.error()) == 404) return app.NotFound(c);
    t.error = true;
    t.message = done.error().ToString();
    return ClaimsPageFor(app, r, c, t, 400);
  }
  Typed ok;
  ok.message = "Claim " + std::to_string(*id) + " answered and resubmitted.";
  return ClaimsPageFor(app, r, c, ok, 200);
}

Response DecideClaim(const Impl& app, const Request& r, const Caller& c) {
  auto ccg = app.Tenant(r, c, Action::kApproveClaims, Identifiability::kAggregate);
  auto id = ClaimIdOf(r);
  if (!ccg || !id || !app.claims.with_store) return app.NotFound(c);
  auto scope = ScopeOf(c, *ccg);
  if (!scope) return app.NotFound(c);
  if (!app.CsrfOk(r, c)) return app.Problem(c, 403, "Forbidden", "The form has expired. Go back, reload and try again.");
  const auto form = ParseForm(r.body);
  Typed t;
  t.claim = *id;
  t.fields = {{"decision", FormValue(form, "decision")}, {"text", FormValue(form, "text")}};
  const std::string decision = t.Get("decision");
  if (decision != "approve" && decision != "query" && decision != "reject") {
    t.error = true;
    t.message = "decision: '" + decision + "' is not approve, query or reject";
    return ClaimsPageFor(app, r, c, t, 400);
  }
  auto done = WithClaims<bool>(app, scope->ccg, [&](primarycare::ClaimsStore& db) -> Result<bool> {
    const auto actor = ActorOf(app, c);
    Status s = decision == "approve" ? db.Approve(*scope, *id, actor)
               : decision == "query" ? db.Query(*scope, *id, t.Get("text"), actor)
                                     : db.Reject(*scope, *id, t.Get("text"), actor);
    if (!s.ok()) return s.error();
    return true;
  });
  if (!done.ok()) {
    if (StatusFor(done.error()) == 404) return app.NotFound(c);
    t.error = true;
    t.message = done.error().ToString();
    return ClaimsPageFor(app, r, c, t, 400);
  }
  Typed ok;
  ok.message = "Claim " + std::to_string(*id) + (decision == "approve" ? " approved." : decision == "query" ? " queried." : " rejected.");
  return ClaimsPageFor(app, r, c, ok, 200);
}

// ---- schemes ----

Response SchemesPageFor(const Impl& app, const Request& r, const Caller& c, const Typed& typed, int status) {
  auto ccg = app.Tenant(r, c, Action::kViewPrimaryCare, Identifiability::kAggregate);
  if (!ccg || !app.claims.with_store) return app.NotFound(c);
  const std::string code(ccg->view());
  auto schemes = ReadClaims<std::vector<Scheme>>(app, *ccg, [&](primarycare::ClaimsStore& db) { return db.Schemes(code); });
  if (!schemes.ok()) return app.Problem(c, 500, "Schemes", "the primary care database could not be read");
  const std::string base = "/ccg/" + code + "/primary-care/schemes";
  PageFrame f = app.Frame(c, "Enhanced-service schemes", app.CcgName(*ccg) + " (" + code + ")");
  f.nav = NavFor(app, c, *ccg, true);
  const bool can_manage = tenancy::Grants(c.who.role, Action::kManageSchemes, Identifiability::kAggregate) &&
                          !c.session_token.empty();
  TableOptions o;
  o.path = base;
  o.filter_columns = {"kind", "rule", "frequency"};
  CellLink link;
  if (can_manage)
    link = [base](const report::ReportTable& t, size_t row, size_t column) -> std::string {
      if (t.columns[column].name != "scheme") return "";
      return base + "?edit=" + t.rows[row][column].text + "#scheme";
    };
  auto table = InteractiveTableHtml(primarycare::SchemesTable(schemes.value()), r.query, o, link);
  if (!table.ok()) return app.Problem(c, 400, "Bad request", table.error().ToString());
  TemplateData d;
  d.set("base", base);
  d.set("csrf", CsrfTokenFor(c.session_token));
  d.set("json_href", "/api/v1" + base);
  d.set("claims_href", "/ccg/" + code + "/primary-care/claims");
  d.set("notice_html", Notice(typed));
  d.set("table_html", table.value());
  if (can_manage) {
    d.set("can_manage", true);
    // The form's values: what was typed (a refusal), else the scheme being
    // edited (?edit=CODE), else empty for a new one.
    Typed v = typed;
    if (v.fields.empty()) {
      std::string edit;
      for (const auto& [k, val] : r.query)
        if (k == "edit") edit = val;
      for (const Scheme& s : schemes.value())
        if (s.code == edit)
          v.fields = {{"update", "1"},
                      {"code", s.code},
                      {"name", s.name},
                      {"kind", std::string(primarycare::SchemeKindName(s.kind))},
                      {"rule", std::string(primarycare::PaymentRuleName(s.rule))},
                      {"fee", Money::FromPence(s.fee_pence).ToString().substr(2)},
                      {"from", s.window_from.ToString()},
                      {"to", s.window_to.ToString()},
                      {"frequency", std::string(primarycare::FrequencyName(s.frequency))},
                      {"cap", std::to_string(s.max_units_per_claim)},
                      {"specification", s.specification},
                      {"evidence", s.evidence},
                      {"evidence_file", s.evidence_file ? "1" : ""}};
    }
    const bool update = v.Get("update") == "1";
    if (update) d.set("update", true);
    d.set("form_heading", update ? "Change scheme " + v.Get("code") : "Define a scheme");
    d.set("submit_label", update ? "Save the changes" : "Add the scheme");
    std::string fields = Field("scheme-code", "Code", "code", "text", v.Get("code"),
                               update ? "required readonly size=\"16\"" : "required size=\"16\"") +
                         Field("scheme-name", "Name", "name", "text", v.Get("name"), "required size=\"32\"") +
                         Select("scheme-kind", "National or local", "kind", {{"local", "Local (LES/LCS)"}, {"national", "National (DES)"}},
                                v.Get("kind")) +
                         Select("scheme-rule", "Payment rule", "rule",
                                {{"item_of_service", "Fee per item of service"},
                                 {"per_registered_patient", "Fee per registered patient"}},
                                v.Get("rule")) +
                         Field("scheme-fee", "Fee (£ a unit)", "fee", "text", v.Get("fee"), "required size=\"8\"") +
                         Field("scheme-from", "Window from", "from", "date", v.Get("from"), "required") +
                         Field("scheme-to", "Window to", "to", "date", v.Get("to"), "required") +
                         Select("scheme-frequency", "Claims", "frequency", {{"monthly", "Monthly"}, {"quarterly", "Quarterly"}},
                                v.Get("frequency")) +
                         Field("scheme-cap", "Cap (units a claim)", "cap", "number", v.Get("cap"), "required min=\"1\"");
    d.set("fields_html", fields);
    SetIfNotEmpty(d, "specification", v.Get("specification"));
    SetIfNotEmpty(d, "evidence", v.Get("evidence"));
    if (!v.Get("evidence_file").empty()) d.set("evidence_file", true);
  }
  return Response::Html(status, RenderPage(f, RenderTemplate("primary_care_schemes", d)));
}

Response SchemesPage(const Impl& app, const Request& r, const Caller& c) { return SchemesPageFor(app, r, c, {}, 200); }

Response ApiSchemes(const Impl& app, const Request& r, const Caller& c) {
  auto ccg = app.Tenant(r, c, Action::kViewPrimaryCare, Identifiability::kAggregate);
  if (!ccg || !app.claims.with_store) return Impl::ApiNotFound();
  const std::string code(ccg->view());
  auto schemes = ReadClaims<std::vector<Scheme>>(app, *ccg, [&](primarycare::ClaimsStore& db) { return db.Schemes(code); });
  if (!schemes.ok()) return Response::Error(500, "the primary care database could not be read");
  return Response::Json(200, report::RenderJson(primarycare::SchemesTable(schemes.value())).dump());
}

Response WriteScheme(const Impl& app, const Request& r, const Caller& c) {
  auto ccg = app.Tenant(r, c, Action::kManageSchemes, Identifiability::kAggregate);
  if (!ccg || !app.claims.with_store) return app.NotFound(c);
  if (!app.CsrfOk(r, c)) return app.Problem(c, 403, "Forbidden", "The form has expired. Go back, reload and try again.");
  const auto form = ParseForm(r.body);
  Typed t;
  for (const char* k : {"update", "code", "name", "kind", "rule", "fee", "from", "to", "frequency", "cap",
                        "specification", "evidence", "evidence_file"})
    t.fields[k] = FormValue(form, k);
  auto refuse = [&](const std::string& why) {
    t.error = true;
    t.message = why;
    return SchemesPageFor(app, r, c, t, 400);
  };
  Scheme s;
  s.ccg = std::string(ccg->view());
  s.code = t.Get("code");
  s.name = t.Get("name");
  auto kind = primarycare::ParseSchemeKind(t.Get("kind"));
  auto rule = primarycare::ParsePaymentRule(t.Get("rule"));
  auto freq = primarycare::ParseFrequency(t.Get("frequency"));
  if (!kind || !rule || !freq) return refuse("kind, payment rule and claims must be chosen from the lists");
  s.kind = *kind;
  s.rule = *rule;
  s.frequency = *freq;
  auto fee = Money::Parse(t.Get("fee"));
  if (!fee.ok()) return refuse("fee: " + fee.error().why);
  s.fee_pence = fee.value().pence();
  auto from = Date::Parse(t.Get("from"));
  if (!from.ok()) return refuse("window from: '" + t.Get("from") + "' is not a date");
  auto to = Date::Parse(t.Get("to"));
  if (!to.ok()) return refuse("window to: '" + t.Get("to") + "' is not a date");
  s.window_from = from.value();
  s.window_to = to.value();
  const std::string cap = t.Get("cap");
  if (cap.empty() || cap.size() > 9 || cap.find_first_not_of("0123456789") != std::string::npos)
    return refuse("cap: '" + cap + "' is not a whole number");
  s.max_units_per_claim = std::stoll(cap);
  s.specification = t.Get("specification");
  s.evidence = t.Get("evidence");
  s.evidence_file = !t.Get("evidence_file").empty();
  const bool update = t.Get("update") == "1";
  auto done = WithClaims<bool>(app, s.ccg, [&](primarycare::ClaimsStore& db) -> Result<bool> {
    Status st = update ? db.UpdateScheme(s, ActorOf(app, c)) : db.AddScheme(s, ActorOf(app, c));
    if (!st.ok()) return st.error();
    return true;
  });
  if (!done.ok()) return refuse(done.error().ToString());
  Typed ok;
  ok.message = std::string(update ? "Scheme changed: " : "Scheme added: ") + ToUpper(Trim(s.code)) + ".";
  return SchemesPageFor(app, r, c, ok, 200);
}

}  // namespace

void AddPrimaryCareClaimsRoutes(http::Router& router, WebApp::Impl* app) {
  using Fn = Response (*)(const Impl&, const Request&, const Caller&);
  auto page = [app](Fn fn) {
    return [app, fn](const Request& r) {
      auto c = app->Authenticate(r);
      if (!c) return Redirect("/signin");
      return app->Metered(r, *c, false, Impl::Use::kPage, fn(*app, r, *c));
    };
  };
  auto api = [app](Fn fn) {
    return [app, fn](const Request& r) {
      auto c = app->Authenticate(r);
      if (!c) return Response::Error(401, "sign in, or send an API token as 'Authorization: Bearer ...'");
      return app->Metered(r, *c, true, Impl::Use::kPage, fn(*app, r, *c));
    };
  };
  router.Add(Method::kGet, "/ccg/{ccg}/primary-care/claims", page(&ClaimsPage));
  router.Add(Method::kPost, "/ccg/{ccg}/primary-care/claims", page(&SubmitClaim));
  router.Add(Method::kPost, "/ccg/{ccg}/primary-care/claims/{claim}/answer", page(&AnswerClaim));
  router.Add(Method::kPost, "/ccg/{ccg}/primary-care/claims/{claim}/decision", page(&DecideClaim));
  router.Add(Method::kPost, "/ccg/{ccg}/primary-care/claims/evidence", page(&AttachEvidence));
  router.Add(Method::kGet, "/ccg/{ccg}/primary-care/evidence/{evidence}", page(&DownloadEvidence));
  router.Add(Method::kGet, "/api/v1/ccg/{ccg}/primary-care/evidence", api(&ApiEvidence));
  router.Add(Method::kGet, "/ccg/{ccg}/primary-care/schemes", page(&SchemesPage));
  router.Add(Method::kPost, "/ccg/{ccg}/primary-care/schemes", page(&WriteScheme));
  router.Add(Method::kGet, "/api/v1/ccg/{ccg}/primary-care/claims", api(&ApiClaims));
  router.Add(Method::kGet, "/api/v1/ccg/{ccg}/primary-care/schemes", api(&ApiSchemes));
}

}  // namespace csu::web
