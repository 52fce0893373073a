// The payroll and HR pages of an employer and their JSON twins (docs/web.md,
// docs/payroll.md): staff (NI numbers and bank accounts masked), an
// employee's record (every view audited with who and which record; the
// personal fields only for view_staff_identifiable, and only when the
// server holds the payroll key), establishment against staff in post with
// vacancies, sickness absence by month, pay runs, and a run's review with
// its flags and, for a calculated run, the approve form (POST with CSRF).
//
// An employer is a CCG (checked like any tenant: its own ccg_hr, the
// csu_payroll staff assigned to it) or the CSU itself (csu_payroll only,
// docs/permissions.md, "The CSU as an employer"). An employer, employee or
// run outside the caller's reach answers 404 like one that does not exist.
//
// A final run's page offers its outputs (docs/payroll.md, "Outputs of a
// stored run"): the payslips as a printable page and a workbook (view_staff,
// record level: they name employees by payroll number only) and, for users
// allowed view_staff_identifiable and only when the server holds the
// payroll key, the bank file and the FPS (names, NI numbers, bank details).
// Every output is audited before it is sent; no audit, no output. The pay
// cost page reads the employer's ledger (budget and posted pay runs per cost
// centre × month). A final run not yet in the ledger offers, to those who may
// approve runs, a form posting its journal to the employer's ledger (POST
// with CSRF; finance/payroll_ledger.h does the posting, and the ledger's own
// period, cost centre and approval threshold rules apply as to any journal).
#include "finance/payroll_ledger.h"
#include "ledger/org_directory.h"
#include "payroll/bank_file.h"
#include "payroll/fps_xml.h"
#include "payroll/hr_views.h"
#include "payroll/payslip_tables.h"
#include "payroll/payroll_store.h"
#include "web/templates.h"
#include "web/web_app_impl.h"

namespace csu::web {
namespace {

std::optional<int64_t> IdParam(const Request& r, const char* name) {
  const std::string text(r.PathParam(name));
  if (text.empty() || text.size() > 12) return std::nullopt;
  for (char ch : text)
    if (ch < '0' || ch > '9') return std::nullopt;
  return std::stoll(text);
}

struct PayrollPage {
  const char* suffix;
  const char* label;
};
constexpr PayrollPage kPages[] = {{"/staff", "Staff"},
                                  {"/establishment", "Establishment and vacancies"},
                                  {"/sickness", "Sickness absence"},
                                  {"/runs", "Pay runs"},
                                  {"/pay-cost", "Pay cost against budget"}};

// Whether the caller may see personal fields of the employer's staff.
bool MayIdentify(const Caller& c, const payroll::Employer& e) {
  return e.kind == payroll::EmployerKind::kCsu
             ? c.who.role == Role::kCsuPayroll &&
                   tenancy::Grants(c.who.role, Action::kViewStaffIdentifiable, Identifiability::kRecordLevel)
             : tenancy::Check(c.who, Action::kViewStaffIdentifiable, OdsCode::Parse(e.code).value(),
                              Identifiability::kRecordLevel)
                   .allowed;
}

}  // namespace

std::optional<payroll::Employer> WebApp::Impl::PayrollEmployer(const Request& r, const Caller& c, Action a,
                                                               Identifiability level) const {
  if (!payroll.with_store) return std::nullopt;
  const std::string code = ToUpper(std::string(r.PathParam("employer")));
  if (code.empty() || code.size() > 10) return std::nullopt;
  std::optional<payroll::Employer> found;
  (void)WithPayroll(code, [&](payroll::PayrollStore& db) -> Status {
    auto e = db.FindEmployer(code);
    if (e.ok()) found = e.value();
    return Status::Ok();
  });
  if (!found) return std::nullopt;
  if (found->kind == payroll::EmployerKind::kCsu) {
    // The CSU's own staff: its payroll team alone.
    if (c.who.user_id <= 0 || c.who.role != Role::kCsuPayroll || !tenancy::Grants(c.who.role, a, level))
      return std::nullopt;
    return found;
  }
  auto ods = OdsCode::Parse(code);
  if (!ods.ok() || !tenancy::Check(c.who, a, ods.value(), level)) return std::nullopt;
  return found;
}

// The page's table (and record panel) for one of the employer's views.
Result<WebApp::Impl::PayrollView> WebApp::Impl::PayrollViewOf(const Request& r, const Caller& c,
                                                              const payroll::Employer& e,
                                                              std::string_view which) const {
  PayrollView v;
  const std::string code = e.code;
  if (which == "pay-cost") {
    FinancialYear year = FinancialYear::Of(Today());
    if (auto y = r.Query("year")) {
      auto parsed = FinancialYear::Parse(*y);
      if (!parsed.ok()) return MakeError("year", "not a year like 2025/26");
      year = parsed.value();
    }
    v.found = true;
    v.title = "Pay cost against budget, " + year.ToString();
    v.table.title = v.title;
    if (!ledger.with_store) {
      v.table.notes.push_back("No ledger is kept here.");
      return v;
    }
    Status ls = WithLedger(code, [&](ledger::LedgerStore& db) -> Status {
      auto t = finance::PayCostTable(db, code, year);
      if (t.ok()) v.table = std::move(t).value();
      else v.table.notes.push_back(t.error().why);
      return Status::Ok();
    });
    if (!ls.ok()) return ls.error();
    return v;
  }
  Status s = WithPayroll(code, [&](payroll::PayrollStore& db) -> Status {
    if (which == "staff") {
      CSU_ASSIGN_OR_RETURN(staff, db.Employees(code));
      v.table = payroll::StaffTable(staff);
      v.title = "Staff";
      return Audit(c, "payroll.staff.list", "payroll employer " + code, {{"rows", staff.size()}, {"source", "web"}});
    }
    if (which == "establishment") {
      const Date on = Today();
      CSU_ASSIGN_OR_RETURN(rows, db.Establishment(code, on));
      v.table = payroll::EstablishmentTable(rows, on);
      v.title = "Establishment and vacancies";
      return Status::Ok();
    }
    if (which == "sickness") {
      const Date today = Today();
      const FinancialYear fy = FinancialYear::Of(today);
      CSU_ASSIGN_OR_RETURN(months, db.SicknessByMonth(code, fy.first_day(), today));
      v.table = payroll::SicknessTable(months);
      v.title = "Sickness absence, " + fy.ToString();
      return Status::Ok();
    }
    if (which == "runs") {
      CSU_ASSIGN_OR_RETURN(runs, db.PayRuns(code));
      v.table = payroll::RunsTable(runs);
      v.title = "Pay runs";
      return Status::Ok();
    }
    if (which == "employee") {
      auto id = IdParam(r, "employee");
      if (!id) return Status::Ok();
      CSU_ASSIGN_OR_RETURN(found, db.FindEmployee(*id));
      if (!found || found->employer != code) return Status::Ok();  // another employer's: as if none
      const bool identifiable =
          payroll.cipher != nullptr && (e.kind == payroll::EmployerKind::kCsu
                                            ? tenancy::Grants(c.who.role, Action::kViewStaffIdentifiable,
                                                              Identifiability::kRecordLevel)
                                            : tenancy::Check(c.who, Action::kViewStaffIdentifiable,
                                                             OdsCode::Parse(code).value(), Identifiability::kRecordLevel)
                                                  .allowed);
      // Audited before anything is read or shown: no audit, no view.
      if (Status st = Audit(c, identifiable ? "payroll.employee.view_identifiable" : "payroll.employee.view",
                            "payroll employee " + std::to_string(*id), {{"employer", code}, {"source", "web"}});
          !st.ok())
        return st;
      v.found = true;
      v.title = "Employee " + std::to_string(*id);
      v.fields = {{"Staff number", found->staff_number},
                  {"Started", found->start.ToString()},
                  {"Continuous service from", found->continuous_service.ToString()},
                  {"Left", found->leaving ? found->leaving->ToString() : ""}};
      if (identifiable) {
        CSU_ASSIGN_OR_RETURN(p, db.ReadPersonal(*id, *payroll.cipher));
        v.fields.insert(v.fields.begin(), {{"Name", p.name},
                                           {"Address", p.address},
                                           {"Date of birth", p.date_of_birth},
                                           {"NI number", p.ni_number},
                                           {"Sort code", p.sort_code},
                                           {"Account number", p.account_number}});
      } else {
        v.fields.push_back({"NI number", found->ni_masked});
        v.fields.push_back({"Bank account", found->account_masked});
      }
      CSU_ASSIGN_OR_RETURN(assignments, db.Assignments(code, *id));
      v.table = payroll::AssignmentsTable(assignments);
      return Status::Ok();
    }
    if (which == "run") {
      auto id = IdParam(r, "run");
      if (!id) return Status::Ok();
      CSU_ASSIGN_OR_RETURN(run, db.FindRun(*id));
      if (!run || run->employer != code) return Status::Ok();
      CSU_ASSIGN_OR_RETURN(slips, db.Payslips(*id));
      v.found = true;
      v.run = *run;
      v.title = "Pay run " + std::to_string(*id) + ": " + run->tax_year + " period " + std::to_string(run->period) +
                " (" + std::string(payroll::RunStateName(run->state)) + ")";
      v.table = payroll::ReviewTable(*id, slips);
      CSU_ASSIGN_OR_RETURN(posting, db.FindPosting(*id));
      v.posting = posting;
      if (posting)
        v.fields = {{"In the ledger", "journal " + std::to_string(posting->journal) + " of " + posting->entity +
                                          "'s ledger" +
                                          (posting->pending ? ", waiting for a second person's approval there" : "")},
                    {"Posted", posting->posted_at + " by " + posting->posted_by}};
      return Status::Ok();
    }
    return MakeError("payroll", "no such page");
  });
  if (!s.ok()) return s.error();
  if (which != "employee" && which != "run") v.found = true;
  return v;
}

Response WebApp::Impl::PayrollPageFor(const Request& r, const Caller& c, std::string_view which) const {
  const bool record = which == "employee";
  auto e = PayrollEmployer(r, c, Action::kViewStaff, record ? Identifiability::kRecordLevel : Identifiability::kAggregate);
  if (!e) return NotFound(c);
  auto v = PayrollViewOf(r, c, *e, which);
  if (!v.ok()) return Problem(c, 500, "Payroll", "the payroll database could not be read");
  if (!v.value().found) return NotFound(c);
  const PayrollView& view = v.value();
  const std::string base = "/payroll/" + e->code;
  std::string path = base + "/" + std::string(which);
  if (which == "employee") path = base + "/staff/" + std::string(r.PathParam("employee"));
  if (which == "run") path = base + "/runs/" + std::string(r.PathParam("run"));
  PageFrame f = Frame(c, view.title, e->name + " (" + e->code + ")");
  TableOptions o;
  o.path = path;
  o.filter_columns = {"state", "band", "cost_centre", "flags"};
  CellLink link = [base](const report::ReportTable& t, size_t row, size_t column) -> std::string {
    if (t.columns[column].name == "employee") return base + "/staff/" + std::to_string(t.rows[row][column].number);
    if (t.columns[column].name == "run") return base + "/runs/" + std::to_string(t.rows[row][column].number);
    return "";
  };
  auto html = InteractiveTableHtml(view.table, r.query, o, link);
  if (!html.ok()) return Problem(c, 400, "Bad request", html.error().ToString());
  TemplateData d;
  TemplateData links{TemplateData::type::list};
  for (const PayrollPage& p : kPages) {
    TemplateData l;
    l.set("href", base + p.suffix);
    l.set("label", std::string(p.label));
    links.push_back(l);
  }
  d.set("links", links);
  d.set("json_href", "/api/v1" + path);
  d.set("table_html", html.value());
  if (auto done = r.Query("done")) d.set("notice_html", NoticePanel(std::string(*done), false));
  if (!view.fields.empty()) {
    TemplateData fields{TemplateData::type::list};
    for (const auto& [label, value] : view.fields) {
      TemplateData fd;
      fd.set("label", label);
      fd.set("value", value);
      fields.push_back(fd);
    }
    TemplateData rec;
    rec.set("fields", fields);
    d.set("record", rec);
  }
  if (view.run && view.run->state == payroll::RunState::kCalculated && !c.session_token.empty() &&
      PayrollEmployer(r, c, Action::kApprovePayroll, Identifiability::kAggregate)) {
    TemplateData ap;
    ap.set("action", path + "/approve");
    ap.set("csrf_html", CsrfField(CsrfTokenFor(c.session_token)));
    ap.set("calculated_by", view.run->calculated_by);
    ap.set("run", std::to_string(view.run->id));
    d.set("approve", ap);
  }
  if (view.run && view.run->state == payroll::RunState::kApproved &&
      PayrollEmployer(r, c, Action::kViewStaff, Identifiability::kRecordLevel)) {
    TemplateData items{TemplateData::type::list};
    auto item = [&items, &path](const char* suffix, const char* label) {
      TemplateData i;
      i.set("href", path + suffix);
      i.set("label", std::string(label));
      items.push_back(i);
    };
    item("/payslips", "Payslips (printable)");
    item("/payslips.xlsx", "Payslips workbook");
    if (payroll.cipher != nullptr && MayIdentify(c, *e)) {
      item("/bank-file", "Bank payment file (Bacs)");
      item("/fps", "RTI Full Payment Submission (XML)");
    }
    TemplateData dl;
    dl.set("items", items);
    d.set("downloads", dl);
  }
  if (view.run && view.run->state == payroll::RunState::kApproved && !view.posting && ledger.with_store &&
      !c.session_token.empty() && PayrollEmployer(r, c, Action::kApprovePayroll, Identifiability::kAggregate)) {
    TemplateData post;
    post.set("action", path + "/post");
    post.set("csrf_html", CsrfField(CsrfTokenFor(c.session_token)));
    post.set("entity", e->code);
    post.set("run", std::to_string(view.run->id));
    d.set("post", post);
  }
  return Response::Html(200, RenderPage(f, RenderTemplate("payroll", d)));
}

Response WebApp::Impl::PayrollRunOutput(const Request& r, const Caller& c, std::string_view which) const {
  const bool personal = which == "bank-file" || which == "fps";
  auto e = PayrollEmployer(r, c, personal ? Action::kViewStaffIdentifiable : Action::kViewStaff,
                           Identifiability::kRecordLevel);
  auto id = IdParam(r, "run");
  if (!e || !id) return NotFound(c);
  if (personal && (payroll.cipher == nullptr || !MayIdentify(c, *e))) return NotFound(c);
  std::optional<payroll::PayRunRecord> run;
  payroll::PayRunResult result;
  std::vector<payroll::EmployeePersonal> people;
  payroll::EmployerDetails employer;
  std::string refusal;
  Status s = WithPayroll(e->code, [&](payroll::PayrollStore& db) -> Status {
    CSU_ASSIGN_OR_RETURN(found, db.FindRun(*id));
    if (!found || found->employer != e->code) return Status::Ok();  // another employer's: as if none
    run = found;
    if (personal && found->state != payroll::RunState::kApproved) {
      refusal = "the run is calculated, not final: the bank file and the FPS come only from a final (approved) run";
      return Status::Ok();
    }
    auto rr = db.RunResult(*id, which == "fps");
    if (!rr.ok()) return refusal = rr.error().ToString(), Status::Ok();
    result = std::move(rr).value();
    if (personal) {
      CSU_ASSIGN_OR_RETURN(details, db.EmployerDetailsOf(e->code));
      employer = details;
      auto pp = db.RunPeople(result, e->code, *payroll.cipher, which == "fps");
      if (!pp.ok()) return refusal = pp.error().ToString(), Status::Ok();
      people = std::move(pp).value();
    }
    return Status::Ok();
  });
  if (!s.ok()) return Problem(c, 500, "Payroll", "the payroll database could not be read");
  if (!run) return NotFound(c);
  if (!refusal.empty()) return Problem(c, 409, "Not available", refusal + ".");
  const std::string stem = e->code + "-run-" + std::to_string(*id);
  std::string body, type, file;
  nlohmann::json details{{"employer", e->code}, {"payslips", result.payslips.size()}, {"source", "web"}};
  if (which == "bank-file") {
    if (employer.sort_code.empty())
      return Problem(c, 409, "Not available", "No paying account is recorded for " + e->code + " (csu payroll employers account).");
    auto bank = payroll::WriteBankFile(result, people, employer);
    if (!bank.ok()) return Problem(c, 409, "Not available", bank.error().ToString() + ".");
    details["payments"] = bank.value().payments;
    details["total_pence"] = bank.value().total.pence();
    body = std::move(bank.value().text), type = "text/plain; charset=us-ascii", file = stem + "-bacs.txt";
  } else if (which == "fps") {
    auto xml = payroll::WriteFps(result, people, employer);
    if (!xml.ok()) return Problem(c, 409, "Not available", xml.error().ToString() + ".");
    body = std::move(xml).value(), type = "application/xml", file = stem + "-fps.xml";
  } else {
    report::ReportTable t = payroll::PayslipLines(result);
    t.title += " — " + e->code + " " + run->tax_year + " period " + std::to_string(run->period);
    if (run->state != payroll::RunState::kApproved) t.title += " (calculated, NOT FINAL)";
    if (which == "payslips.xlsx") {
      auto workbook = XlsxBytes({t});
      if (!workbook) return Problem(c, 500, "Export failed", "the workbook could not be written");
      body = std::move(*workbook), type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
      file = stem + "-payslips.xlsx";
    } else {
      if (Status st = Audit(c, "payroll.run.payslips", "payroll run " + std::to_string(*id), details); !st.ok())
        return Problem(c, 503, "Not available", "The audit log could not be written, so the payslips are withheld.");
      PageFrame f = Frame(c, t.title, e->name + " (" + e->code + ")");
      return Response::Html(200, RenderPage(f, TableHtml(t)));
    }
  }
  const std::string action = which == "bank-file" ? "payroll.run.bank_file"
                             : which == "fps"     ? "payroll.run.fps"
                                                  : "payroll.run.payslips_xlsx";
  if (Status st = Audit(c, action, "payroll run " + std::to_string(*id), details); !st.ok())
    return Problem(c, 503, "Not available", "The audit log could not be written, so the file is withheld.");
  Response out(200);
  out.set_body(std::move(body));
  out.SetHeader("Content-Type", type);
  out.SetHeader("Content-Disposition", "attachment; filename=\"" + file + "\"");
  return out;
}

Response WebApp::Impl::ApiPayrollFor(const Request& r, const Caller& c, std::string_view which) const {
  const bool record = which == "employee";
  auto e = PayrollEmployer(r, c, Action::kViewStaff, record ? Identifiability::kRecordLevel : Identifiability::kAggregate);
  if (!e) return ApiNotFound();
  auto v = PayrollViewOf(r, c, *e, which);
  if (!v.ok()) return Response::Error(500, "the payroll database could not be read");
  if (!v.value().found) return ApiNotFound();
  nlohmann::json out = report::RenderJson(v.value().table);
  if (!v.value().fields.empty()) {
    nlohmann::json rec = nlohmann::json::object();
    for (const auto& [label, value] : v.value().fields) rec[label] = value;
    out["record"] = rec;
  }
  return Response::Json(200, out.dump());
}

// POST /payroll/{employer}/runs/{run}/approve: a second person makes the run
// final; its payslips are then counted on the billing meter for a CCG
// employer (payslips, once per run).
Response WebApp::Impl::PayrollApprove(const Request& r, const Caller& c) const {
  auto e = PayrollEmployer(r, c, Action::kApprovePayroll, Identifiability::kAggregate);
  auto id = IdParam(r, "run");
  if (!e || !id) return NotFound(c);
  if (!CsrfOk(r, c)) return Problem(c, 403, "Refused", "The form had expired; go back and try again.");
  std::optional<payroll::PayRunRecord> approved;
  std::string refusal;
  Status s = WritePayroll(e->code, [&](payroll::PayrollStore& db) -> Status {
    CSU_ASSIGN_OR_RETURN(run, db.FindRun(*id));
    if (!run || run->employer != e->code) return Status::Ok();
    auto done = db.ApproveRun(*id, {store::Env::Default().NowUtc(), c.who.username});
    if (!done.ok()) refusal = done.error().why;
    else approved = done.value();
    return Status::Ok();
  });
  if (!s.ok()) return Problem(c, 500, "Payroll", "the payroll database could not be written");
  const std::string back = "/payroll/" + e->code + "/runs/" + std::to_string(*id);
  if (!approved && refusal.empty()) return NotFound(c);
  if (!approved) return Problem(c, 409, "Not approved", "Pay run " + std::to_string(*id) + " " + refusal + ".");
  (void)Audit(c, "payroll.run.approve", "payroll run " + std::to_string(*id),
              {{"employer", e->code}, {"payslips", approved->payslips}, {"source", "web"}});
  if (e->kind == payroll::EmployerKind::kCcg && billing.meter != nullptr) {
    auto fy = FinancialYear::Parse(approved->tax_year);
    int month = 3 + approved->period, year = fy.ok() ? fy.value().start_year() : 0;
    if (month > 12) month -= 12, ++year;
    (void)billing.meter->CountOnce("payroll_run:" + std::to_string(*id), e->code, billing::Period(year, month),
                                   "payslips", "", approved->payslips, store::Env::Default().NowUtc(), c.who.username);
  }
  return Redirect(back + "?done=" + UrlEncode("Approved: the run is final."));
}

// POST /payroll/{employer}/runs/{run}/post: a final run's journal into the
// employer's ledger, once (finance/payroll_ledger.h), for those who may
// approve runs; refused with the ledger's reason (period not open, a cost
// centre not in its chart, posted already) and nothing changed.
Response WebApp::Impl::PayrollPost(const Request& r, const Caller& c) const {
  auto e = PayrollEmployer(r, c, Action::kApprovePayroll, Identifiability::kAggregate);
  auto id = IdParam(r, "run");
  if (!e || !id || !ledger.with_store) return NotFound(c);
  if (!CsrfOk(r, c)) return Problem(c, 403, "Refused", "The form had expired; go back and try again.");
  std::optional<finance::PayRunPosting> posted;
  bool found = false;
  // The run's rows and the employer's ledger, each through its own role's
  // writer for this employer (its code is its ledger's entity).
  Status s = WritePayroll(e->code, [&](payroll::PayrollStore& db) -> Status {
    CSU_ASSIGN_OR_RETURN(run, db.FindRun(*id));
    if (!run || run->employer != e->code) return Status::Ok();
    found = true;
    return WriteLedger(e->code, [&](ledger::LedgerStore& l) -> Status {
      CSU_ASSIGN_OR_RETURN(p, finance::PostPayRun(db, l, *id, ledger::DirectoryOf(ref),
                                                  {store::Env::Default().NowUtc(), c.who.username}));
      posted = p;
      return Status::Ok();
    });
  });
  if (!found) return NotFound(c);
  if (!s.ok()) return Problem(c, 409, "Not posted", s.error().ToString());
  const finance::PayRunPosting& p = *posted;
  if (!Audit(c, "payroll.run.post", "payroll run " + std::to_string(*id),
             {{"employer", e->code}, {"journal", p.journal}, {"batch", p.batch}, {"pending", p.pending},
              {"recovered", p.recovered}, {"debits_pence", p.debits.pence()}, {"source", "web"}})
           .ok())
    return Problem(c, 503, "Not recorded", "The run was posted but the audit log could not be written.");
  const std::string done = "Posted to " + e->code + "'s ledger as journal " + std::to_string(p.journal) + " (" +
                           p.reference + ", " + p.debits.ToString() + ")" +
                           (p.pending ? ": above the approval threshold, it waits for a second person in the ledger"
                                      : "") +
                           ".";
  return Redirect("/payroll/" + e->code + "/runs/" + std::to_string(*id) + "?done=" + UrlEncode(done));
}

void WebApp::Impl::AddPayrollRoutes(http::Router& router, WebApp::Impl* app) {
  auto page = [app](std::string_view which) {
    return [app, which](const Request& r) {
      auto c = app->Authenticate(r);
      if (!c) return Redirect("/signin");
      return app->Metered(r, *c, false, Use::kNone, app->PayrollPageFor(r, *c, which));
    };
  };
  auto api = [app](std::string_view which) {
    return [app, which](const Request& r) {
      auto c = app->Authenticate(r);
      if (!c) return Response::Error(401, "sign in, or send an API token as 'Authorization: Bearer ...'");
      return app->Metered(r, *c, true, Use::kNone, app->ApiPayrollFor(r, *c, which));
    };
  };
  for (const char* which : {"staff", "establishment", "sickness", "runs", "pay-cost"}) {
    router.Add(Method::kGet, std::string("/payroll/{employer}/") + which, page(which));
    router.Add(Method::kGet, std::string("/api/v1/payroll/{employer}/") + which, api(which));
  }
  router.Add(Method::kGet, "/payroll/{employer}/staff/{employee}", page("employee"));
  router.Add(Method::kGet, "/api/v1/payroll/{employer}/staff/{employee}", api("employee"));
  router.Add(Method::kGet, "/payroll/{employer}/runs/{run}", page("run"));
  router.Add(Method::kGet, "/api/v1/payroll/{employer}/runs/{run}", api("run"));
  for (const char* which : {"payslips", "payslips.xlsx", "bank-file", "fps"}) {
    router.Add(Method::kGet, std::string("/payroll/{employer}/runs/{run}/") + which, [app, which](const Request& r) {
      auto c = app->Authenticate(r);
      if (!c) return Redirect("/signin");
      return app->Metered(r, *c, false, Use::kNone, app->PayrollRunOutput(r, *c, which));
    });
  }
  router.Add(Method::kPost, "/payroll/{employer}/runs/{run}/approve", [app](const Request& r) {
    auto c = app->Authenticate(r);
    if (!c) return Redirect("/signin");
    return app->Metered(r, *c, false, Use::kNone, app->PayrollApprove(r, *c));
  });
  router.Add(Method::kPost, "/payroll/{employer}/runs/{run}/post", [app](const Request& r) {
    auto c = app->Authenticate(r);
    if (!c) return Redirect("/signin");
    return app->Metered(r, *c, false, Use::kNone, app->PayrollPost(r, *c));
  });
}

}  // namespace csu::web
