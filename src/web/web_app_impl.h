// WebApp's implementation, shared by the files that hold its routes:
// web_app.cc (who is asking, page frames, caches, the route table),
// ccg_pages.cc (a CCG's pages and their JSON twins), admin_pages.cc (data
// loads, the audit log, users), billing_routes.cc (billing pages and the
// metering of every request) and signin_pages.cc. Private to src/web: the
// contract for everyone else is web_app.h.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>
#include <sstream>

#include "analytics/commissioning_views.h"
#include "analytics/overview_figures.h"
#include "billing/billing_store.h"
#include "billing/billing_summary.h"
#include "billing/invoice_document.h"
#include "billing/meter.h"
#include "contracts/contract.h"
#include "core/money.h"
#include "core/text.h"
#include "http/form.h"
#include "http/request_parser.h"
#include "ledger/ledger_store.h"
#include "ingest/extract_schema.h"
#include "pricing/priced_activity.h"
#include "web/node_auth.h"
#include "payroll/payroll_store.h"
#include "procurement/procurement_store.h"
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
#include "web/table_view.h"
#include "web/users_page.h"
#include "web/web_app.h"

namespace csu::web {

using http::Method;
using http::Request;
using http::Response;
using tenancy::Action;
using tenancy::Identifiability;
using tenancy::Role;

// How long a sign-in form's anti-forgery value lives (its cookie's Max-Age).
inline constexpr int64_t kSignInFormSeconds = tenancy::kSignInFormSeconds;
// Record lists are paged (docs/web.md, "Record lists"): one answer builds and
// holds only its page, so its memory does not grow with the provider's
// activity. A drill-down page shows kRecordsPerPage records; a JSON answer
// kRecordsPerPage unless ?limit= asks for up to kMaxRecordsPerAnswer.
inline constexpr size_t kRecordsPerPage = 1000;
inline constexpr size_t kMaxRecordsPerAnswer = 5000;
// Views with a page of their own; "records" is the drill-down page.
// Contract monitoring opens on its summary (one row per contract), whose
// rows open the POD lines, whose figures open the records.
inline const std::vector<std::pair<std::string, std::string>> kViewPages = {{"summary", "Contract monitoring"},
                                                                            {"monitoring", "POD lines"},
                                                                            {"nca", "Non-contract activity"},
                                                                            {"spend", "Spend"},
                                                                            {"flows", "Patient flows"},
                                                                            {"practices", "Practices"},
                                                                            {"ae", "A&E"},
                                                                            {"readmissions", "Readmissions"},
                                                                            {"challenges", "Challenges"}};

// Request helpers (web_app.cc).
// ParseCookies and ParseForm are http's (http/form.h).
using http::ParseCookies;
using http::ParseForm;
// A form field's value, "" when absent.
std::string FormValue(const std::map<std::string, std::string>& form, const char* key);
std::string Pounds(int64_t pence);
Response Redirect(const std::string& to);
// "CCG commissioner" for Role::kCcgCommissioner: the page header's words.
std::string RoleLabel(tenancy::Role role);

struct Caller {
  tenancy::Principal who;
  std::string session_token;  // empty for API tokens
};


// A workbook of `tables` as bytes, or none when it could not be written
// (libxlsxwriter writes a file: a private temporary one, removed at once;
// ccg_pages.cc). Shared by the pages that export workbooks.
std::optional<std::string> XlsxBytes(const std::vector<report::ReportTable>& tables);

struct WebApp::Impl {
  Impl(WebOptions o, tenancy::Accounts& a, const analytics::CommissioningViews& v, const refdata::RefData& r, AuditFn f,
       PlatformRecords p, std::string cookie, BillingAccess b, LedgerAccess l = {})
      : options(o),
        accounts(a),
        snapshot(std::make_shared<const Snapshot>(LoadedActivity{}, &v)),
        ref(r),
        audit(std::move(f)),
        records(std::move(p)),
        session_cookie(std::move(cookie)),
        billing(std::move(b)),
        ledger(std::move(l)) {}
  WebOptions options;
  ~Impl();  // waits for an upload under way (upload_routes.cc)
  tenancy::Accounts& accounts;

  // ---- the loaded activity (docs/web.md, "Uploading extracts") ----
  // One loaded activity with the figures cached from it. Headlines, view
  // tables and weekly A&E series are kept per "CCG/month": a headline costs
  // a cube, contract monitoring and every challenge rule (hundreds of
  // milliseconds on the demo), so each is computed once per snapshot. At
  // most CCGs × 13 entries each. An upload replaces the whole snapshot, so
  // the caches (and the views' cached challenge findings) go with it.
  struct Snapshot {
    Snapshot(LoadedActivity l, const analytics::CommissioningViews* v) : loaded(std::move(l)), views(v) {}
    LoadedActivity loaded;  // owns what `views` reads; empty for the views the constructor was given
    const analytics::CommissioningViews* views;
    mutable std::mutex cache_mu;
    mutable std::map<std::string, std::shared_ptr<const analytics::Headline>> headlines;
    mutable std::map<std::string, std::shared_ptr<const std::vector<analytics::MeasurePoint>>> ae_weeks;
    mutable std::map<std::string, std::shared_ptr<const analytics::ViewResult>> view_results;
  };
  mutable std::mutex snapshot_mu;
  mutable std::shared_ptr<const Snapshot> snapshot;  // guarded by snapshot_mu
  std::shared_ptr<const Snapshot> CurrentSnapshot() const;
  // The snapshot of the request this thread is handling (WebApp::Handle
  // pins it for the request's whole life), else the current one.
  const Snapshot& Pinned() const;
  const analytics::CommissioningViews& views() const { return *Pinned().views; }
  // The partition map of the pinned snapshot (the one its activity is the
  // share of), else EnablePartitions's.
  const store::PartitionMap& Map() const;
  // Replaces the loaded activity; requests in flight keep the old one.
  void SwapActivity(LoadedActivity loaded) const;
  const refdata::RefData& ref;
  AuditFn audit;
  PlatformRecords records;
  std::string session_cookie;
  BillingAccess billing;
  LedgerAccess ledger;
  ProcurementAccess procurement;  // set by WebApp's constructor
  ChcAccess chc;                  // set by WebApp's constructor
  PayrollAccess payroll;          // set by WebApp's constructor
  PrimaryCareAccess primary_care;  // set by WebApp's constructor
  PrimaryCareClaimsAccess claims;  // set by WebApp::SetPrimaryCareClaims
  PartitionAccess partitions;      // set by WebApp::EnablePartitions (partition_routes.cc)
  // The nonces of the signed requests this node accepted inside the window
  // (web/node_auth.h), so a captured one replayed is refused.
  mutable NonceCache node_nonces;
  int64_t node_nonces_since = 0;  // when EnablePartitions began the cache (NodeCheck::not_before)
  // The sign-in form's cookie: behind TLS with the __Host- prefix (Secure,
  // Path=/, no Domain), so no other host or plain-HTTP page can plant one.
  std::string signin_cookie = options.behind_tls ? "__Host-csu_signin" : "csu_signin";
  // Users already counted active for a CCG this month (their usage_keys row
  // is committed), so most requests skip that transaction.
  mutable std::mutex active_mu;
  mutable std::set<std::string> active_counted;
  // ---- uploads of extracts (upload_routes.cc; docs/web.md, "Uploading extracts") ----
  // One upload: the file waits in DIR/uploads/JOB/ while a thread of its own
  // checks, loads and commits it (one upload at a time), then reloads the
  // activity and swaps it in. The job page reads the counters as it goes.
  struct UploadJob {
    int64_t id = 0;
    Caller by;
    std::string file_name;
    std::string kind;
    std::string started_at;  // UTC
    load::LoadCounters counters;
    mutable std::mutex mu;  // guards what follows
    std::string stage = "waiting";  // waiting, checking, reading, refreshing, done, refused, failed
    load::LoadOutcome outcome;
    std::string problem;  // refused or failed: where and why
  };
  UploadAccess uploads;  // set by EnableUploads
  mutable std::mutex upload_run_mu;  // one upload loads at a time
  mutable std::mutex jobs_mu;
  mutable std::map<int64_t, std::shared_ptr<UploadJob>> jobs;  // this run's uploads, by id
  mutable std::vector<std::thread> job_threads;
  mutable int64_t next_job = 1;
  void RunUpload(const std::shared_ptr<UploadJob>& job, const std::string& dir, const std::string& path,
                 const ingest::IngestOptions& ingest_options, bool accept_truncated) const;
  // POST /data/uploads: a multipart form (csrf, kind, file, no_nhs_numbers,
  // accept_truncated) from a caller with load_data; answers with the job page.
  Response Upload(const Request& r, const Caller& c) const;
  Response UploadPage(const Request& r, const Caller& c) const;     // GET /data/uploads/{job}
  Response ApiUpload(const Request& r, const Caller& c) const;      // its JSON twin
  // The upload form and this run's uploads, for the data-loads page.
  std::string UploadFormHtml(const Caller& c) const;
  nlohmann::json UploadJson(const UploadJob& job) const;

  // A view's tables, cached like the headlines; not challenges, whose
  // statuses change while the server runs.
  Result<std::shared_ptr<const analytics::ViewResult>> ViewOf(const OdsCode& ccg, const std::string& view,
                                                              int month) const;
  Result<std::shared_ptr<const analytics::Headline>> HeadlineOf(const OdsCode& ccg, int month) const;

  std::shared_ptr<const std::vector<analytics::MeasurePoint>> AeWeeksOf(const analytics::ViewScope& scope) const;

  // ---- who is asking, frames, navigation, caches (web_app.cc) ----
  std::optional<Caller> Authenticate(const Request& r) const;
  bool CsrfOk(const Request& r, const Caller& c) const;

  // The CCG of the path if the caller may act on it at this level; nullopt
  // for a CCG outside their scope and for one that does not exist alike.
  std::optional<OdsCode> Tenant(const Request& r, const Caller& c, Action a, Identifiability level) const;
  std::vector<OdsCode> VisibleTenants(const Caller& c) const;

  std::string CcgName(const OdsCode& code) const;

  // ---- pages (CSU-wide pages: admin_pages.cc; a CCG's: ccg_pages.cc) ----
  PageFrame Frame(const Caller& c, std::string title, std::string subtitle = "") const;
  std::vector<NavLink> CsuNav(const Caller& c, std::string_view current) const;

  // CSU-wide pages: the action's permission with no tenant.
  bool CsuWide(const Caller& c, Action a) const;
  static report::ReportTable BatchesTable(const std::vector<store::BatchInfo>& batches);

  // Quarantined rows per batch by column and reason: counts only, never a
  // row, a line number or a detail (which may quote a value).
  static report::ReportTable QuarantineTable(const std::vector<store::BatchInfo>& batches,
                                             const std::vector<store::QuarantineCount>& counts);

  // The data-loads page's tables: batches, then quarantine counts.
  Result<std::vector<report::ReportTable>> DataTables() const;
  Response DataPage(const Request&, const Caller& c) const;

  Response ApiData(const Request&, const Caller& c) const;

  // The audit log, newest first, filtered by ?actor= ?action= (prefix)
  // ?from= ?to= (dates, inclusive), at most 500 entries.
  Result<report::ReportTable> AuditTable(const Request& r) const;
  Response AuditPage(const Request& r, const Caller& c) const;

  Response ApiAudit(const Request& r, const Caller& c) const;

  // POST /ccg/{ccg}/challenges: a status for one or more of the CCG's
  // challenges (every `id` field), with one note; refused, the challenges
  // page comes back with the note and the choice kept.
  Response SetChallenge(const Request& r, const Caller& c) const;
  // What the challenges page's action form shows: a refusal, and what the
  // user had written and ticked, so nothing is typed twice.
  struct ChallengeForm {
    std::string error;
    std::string note;
    std::set<std::string> selected;
  };

  // ---- users (administrators; admin_pages.cc) ----
  // The users page, with `notice_html` (a result, an error, or a secret
  // shown once) above it.
  // `selected_user`: the row whose actions are open (?user=NAME).
  Response UsersResponse(const Caller& c, int status, std::string notice_html, std::string selected_user = "") const;
  Response UsersPage(const Request& r, const Caller& c) const;

  // The forms of the users page, one route each.
  enum class UsersForm { kAdd, kChange, kPassword, kSecondFactor, kRevokeToken };

  // POST /admin/users[/...]: 404 for everyone but administrators, then the
  // CSRF check; each change is made and audited by Accounts with the
  // administrator as the actor. Passwords are never echoed; a new
  // authenticator secret is shown on this response only. Administrators
  // revoke API tokens but make none: only a token's own user does.
  Response UsersChange(const Request& r, const Caller& c, UsersForm form_kind) const;

  // ---- the signed-in user's own account (/account; admin_pages.cc) ----
  Response AccountResponse(const Caller& c, int status, std::string notice_html) const;
  // Signed-in users only (an API token gets 404).
  Response AccountPage(const Request& r, const Caller& c) const;
  enum class AccountForm { kCreateToken, kRevokeToken, kStartAuthenticator, kConfirmAuthenticator };
  // POST /account/...: CSRF-checked; always about the signed-in user (no
  // user is read from the form). A new token is shown on this response only.
  Response AccountChange(const Request& r, const Caller& c, AccountForm form_kind) const;
  std::vector<NavLink> CcgNav(const Caller& c, const OdsCode& ccg, std::string_view current) const;
  // The CCG's service pages beyond its figures that this user may open
  // (ledger, procurement, continuing healthcare): the end of CcgNav, and the
  // CSU overview's links.
  std::vector<NavLink> ServiceLinks(const Caller& c, const OdsCode& ccg, std::string_view current) const;

  Response NotFound(const std::optional<Caller>& c) const;
  Response Problem(const Caller& c, int status, const std::string& title, const std::string& message) const;

  // The month asked for (?month=1..12), 0 for the latest; nullopt if malformed.
  static std::optional<int> MonthOf(const Request& r);

  Status Audit(const Caller& c, const std::string& action, const std::string& subject,
               const nlohmann::json& details) const;
  analytics::ViewRequest ViewRequestFor(const OdsCode& ccg, std::string view, int month) const;

  std::string MonthForm(const std::string& action, int month, const std::string& extra_hidden = "") const;
  std::string Subtitle(const OdsCode& ccg, const analytics::ViewScope& s) const;

  Response Home(const Request&, const Caller& c) const;
  std::string RecordsLink(const OdsCode& ccg, std::string_view provider, std::string_view pod, int month) const;

  std::string AeChart(const analytics::ViewScope& scope, const OdsCode& ccg) const;
  // The POD lines page filtered to one line (f_provider and f_pod): its
  // monthly activity and £ as XmR charts; "" otherwise.
  std::string LineCharts(const Request& r, const OdsCode& ccg, int month) const;
  Response CcgHome(const Request& r, const Caller& c) const;

  // What a table links to: the monitoring view's actual activity and £
  // drill down to the records behind them.
  CellLink DrillLinks(const Caller& c, const OdsCode& ccg, const std::string& view, int month) const;
  // The table convention's options of a view page (web/table_view.h): its
  // path, the month every link keeps, the value band's column and the
  // default order.
  static TableOptions ViewTableOptions(const std::string& base, const std::string& view, int month);
  Response ViewPage(const Request& r, const Caller& c) const;
  // A view page; `month` (when given) instead of the request's, `form` for
  // the challenges page's action form, answered with `status`.
  Response ViewPageFor(const Request& r, const Caller& c, const std::string& view, std::optional<int> month,
                       const ChallengeForm& form, int status) const;

  // records: provider (required), pod, month, month_only=1, page (from 1)
  // and limit (1 to max_limit, default default_limit): the page is
  // first_record/max_records of the request.
  Result<analytics::ViewRequest> RecordsRequest(const Request& r, const OdsCode& ccg, size_t default_limit,
                                                size_t max_limit) const;
  // The link to another page of the same record list; `base` is the route's
  // path. The month is the resolved one, so every page has the same scope.
  static std::string RecordsPageLink(const std::string& base, const analytics::ViewRequest& v, int month,
                                     size_t page, size_t limit, size_t default_limit);
  // The audit details of a record list: the whole scope and the page.
  static nlohmann::json RecordsAuditDetails(const OdsCode& ccg, const analytics::ViewRequest& v,
                                            const analytics::ViewResult& built);
  Response RecordsPage(const Request& r, const Caller& c) const;

  Response Export(const Request& r, const Caller& c) const;
  // GET /ccg/{ccg}/challenge-pack?provider=&month= (printable page) and
  // /ccg/{ccg}/challenge-pack/xlsx (workbook): one provider's challenges for
  // the contract meeting (analytics/challenge_pack.h). Record level: the page
  // needs record-level view, the workbook record-level export; both audited.
  struct Pack {
    std::string provider;        // ODS code, upper case
    std::string provider_label;  // "Warrington and Halton Hospitals ... (RWW)"
    std::string subtitle;        // the CCG and period, as on the challenges page
    int month = 12;
    std::vector<report::ReportTable> tables;  // analytics::ChallengePack
  };
  Result<Pack> BuildPack(const Request& r, const OdsCode& ccg, bool explain) const;
  Response ChallengePackPage(const Request& r, const Caller& c) const;
  Response ChallengePackWorkbook(const Request& r, const Caller& c) const;
  Response ApiChallengePack(const Request& r, const Caller& c) const;  // its JSON twin

  // ---- JSON twins (ccg_pages.cc, admin_pages.cc) ----
  static Response ApiNotFound();
  // ---- partitions (partition_routes.cc; docs/server-mode.md, "Partitions") ----
  static void AddPartitionRoutes(http::Router& router, const Impl* app);
  // Before any route: checks a forwarded request's signature (its client
  // address then stands), and answers for an owner of the request's CCG
  // when this node does not hold it; nullopt: this node answers.
  std::optional<Response> RouteToOwners(Request& r) const;
  int64_t NodeClock() const;
  // Checks a request signed for this node (web/node_auth.h) under `method`
  // (the request's own, or a forwarded one's ForwardedMethod).
  Status CheckSignedForThisNode(const Request& r, std::string_view method) const;
  // The internal endpoints' common part: 401 without a node's signature,
  // 404 for a group (?group=) this node does not own, 400 for a bad
  // ?year=; else `answer`'s JSON (an error of it is a 404 saying why).
  Response InternalAnswer(
      const Request& r,
      const std::function<Result<std::string>(const store::PartitionGroup&, FinancialYear)>& answer) const;
  Response InternalPartials(const Request& r) const;
  Response InternalOverview(const Request& r) const;
  // The CSU overview's figures of `ccgs` (CCGs without activity left out):
  // this node's own, and on a partitioned node those held elsewhere from
  // their owners, with a sentence in `problems` per group not answered.
  analytics::OverviewByCcg OverviewOf(const std::vector<OdsCode>& ccgs, std::vector<std::string>& problems) const;
  analytics::OverviewByCcg LocalOverview(const std::vector<OdsCode>& ccgs) const;
  Response CsuActivityPage(const Request& r, const Caller& c) const;
  Response ApiCsuActivity(const Request& r, const Caller& c) const;

  // ---- metering (docs/billing.md, "Metering"; billing_routes.cc) ----
  Date Today() const;

  // Counts a served request against the CCG in its path before the response
  // leaves: the user active this month, an API call, a report run, an
  // export. A count that cannot be committed withholds the response (503),
  // so what was served and what is billed agree. Only the CCG's own users'
  // requests are its use (CSU staff working on a CCG are the CSU's service,
  // paid per head); refusals, HEAD and CSU-wide pages are not metered, and
  // the route table says what each route counts (Use), kNone for the billing
  // pages (reading one's invoice is not a use).
  enum class Use {
    kNone,     // not metered
    kPage,     // the user is active this month (and an API call, through the API)
    kView,     // ... and a report run, named by the {view} in the path
    kRecords,  // ... and a report run of the record drill-down
    kExport,   // ... and an export, named {view}.{format}
    kPack,        // ... and a report run of a challenge pack
    kPackExport,  // ... and an export of one, challenge-pack.xlsx
  };
  Response Metered(const Request& r, const Caller& c, bool api, Use use, Response response) const;

  // ---- procurement pages (procurement_pages.cc) ----
  // The procurement team's list of the CCG's tenders, and the tenders the
  // user evaluates; an evaluator's page shows only the bids assigned to
  // them and only their own scores (the store enforces both).
  Result<nlohmann::json> ProcurementOf(const OdsCode& ccg, const Caller& c) const;
  Result<std::optional<nlohmann::json>> EvaluationOf(const OdsCode& ccg, const std::string& tender,
                                                     const Caller& c) const;
  Response ProcurementPage(const Request& r, const Caller& c) const;
  Response ApiProcurement(const Request& r, const Caller& c) const;
  Response EvaluationPage(const Request& r, const Caller& c) const;
  Response ApiEvaluation(const Request& r, const Caller& c) const;
  // The decision record of one tender (procurement_record.mustache), for
  // the procurement team only (kManageProcurement); another CCG's tender or
  // none answers as missing.
  Response RecordPage(const Request& r, const Caller& c) const;
  Response ApiRecord(const Request& r, const Caller& c) const;

  // ---- billing pages (billing_routes.cc) ----

  // Runs `fn` (BillingStore& -> Result<T>) through `runner` (one of
  // BillingAccess's with_store forms) and returns its value.
  template <typename T, typename Runner, typename F>
  static Result<T> RunOnBilling(Runner&& runner, F&& fn) {
    std::optional<T> out;
    Status s = runner([&](billing::BillingStore& db) -> Status {
      Result<T> r = fn(db);
      if (!r.ok()) return r.error();
      out = std::move(r).value();
      return Status::Ok();
    });
    if (!s.ok()) return s.error();
    return std::move(*out);
  }
  // Runs `fn` on the billing database; an error (and a logged-nothing 500
  // upstream) when there is none or it fails.
  template <typename T, typename F>
  Result<T> WithBilling(F&& fn) const {
    if (!billing.with_store) return MakeError("billing", "no billing database");
    return RunOnBilling<T>(billing.with_store, std::forward<F>(fn));
  }
  // The same for one CCG's pages: on the application role's connection
  // scoped to `ccg` when there is one (defence in depth beneath Tenant()).
  template <typename T, typename F>
  Result<T> WithCcgBilling(const OdsCode& ccg, F&& fn) const {
    if (!billing.with_tenant_store) return WithBilling<T>(std::forward<F>(fn));
    return RunOnBilling<T>(
        [&](const std::function<Status(billing::BillingStore&)>& body) {
          return billing.with_tenant_store(std::string(ccg.view()), body);
        },
        std::forward<F>(fn));
  }
  Result<billing::CcgBilling> CcgBillingOf(const OdsCode& ccg) const;

  // ---- primary care pages (primary_care_routes.cc) ----
  // A CCG's practices, contracts, QOF achievement against the CCG and
  // national figures, outliers, the month's payment schedule, posted
  // schedules and a practice's payment history, from primary-care.sqlite.
  enum class PcView { kPractices, kContracts, kAchievement, kOutliers, kSchedule, kPostings, kPractice };
  Result<report::ReportTable> PcTableOf(const Request& r, const OdsCode& ccg, PcView which) const;
  Response PcPage(const Request& r, const Caller& c, PcView which) const;
  Response ApiPc(const Request& r, const Caller& c, PcView which) const;
  Response PcExport(const Request& r, const Caller& c) const;

  // Runs `fn` on the primary care database (and on its claims) for the
  // reads of `ccg`'s pages: on the application role's connection scoped to
  // that CCG when the server has one, else on the shared store.
  Status WithPc(const OdsCode& ccg, const std::function<Status(primarycare::PcStore&)>& fn) const {
    if (primary_care.with_tenant_store) return primary_care.with_tenant_store(std::string(ccg.view()), fn);
    return primary_care.with_store(fn);
  }
  // The same for a write of `ccg`'s (posting its schedule).
  Status WritePc(const OdsCode& ccg, const std::function<Status(primarycare::PcStore&)>& fn) const {
    if (primary_care.with_tenant_write) return primary_care.with_tenant_write(std::string(ccg.view()), fn);
    return primary_care.with_store(fn);
  }
  Status WithPcClaims(const OdsCode& ccg, const std::function<Status(primarycare::ClaimsStore&)>& fn) const {
    if (claims.with_tenant_store) return claims.with_tenant_store(std::string(ccg.view()), fn);
    return claims.with_store(fn);
  }
  // Runs `fn` on the ledger database for the reads of `entity`'s pages: on
  // the application role's connection scoped to that entity when the server
  // has one, else on the shared store.
  Status WithLedger(const std::string& entity, const std::function<Status(ledger::LedgerStore&)>& fn) const {
    if (ledger.with_tenant_store) return ledger.with_tenant_store(entity, fn);
    return ledger.with_store(fn);
  }
  // The same for a write of `entity`'s (a journal, an approval, a month
  // opened or closed, a budget, a virement, a forecast): through the role's
  // writer, so PostgreSQL refuses a row of another entity beneath the page's
  // own check.
  Status WriteLedger(const std::string& entity, const std::function<Status(ledger::LedgerStore&)>& fn) const {
    if (ledger.with_tenant_write) return ledger.with_tenant_write(entity, fn);
    return ledger.with_store(fn);
  }
  // Runs `fn` on the payroll database for the reads of `employer`'s pages:
  // on the application role's connection scoped to that employer when the
  // server has one, else on the shared store.
  Status WithPayroll(const std::string& employer, const std::function<Status(payroll::PayrollStore&)>& fn) const {
    if (payroll.with_tenant_store) return payroll.with_tenant_store(employer, fn);
    return payroll.with_store(fn);
  }
  // The same for a write of `employer`'s (a run approved or posted):
  // through the role's writer, so PostgreSQL refuses a row of another
  // employer beneath the page's own check.
  Status WritePayroll(const std::string& employer, const std::function<Status(payroll::PayrollStore&)>& fn) const {
    if (payroll.with_tenant_write) return payroll.with_tenant_write(employer, fn);
    return payroll.with_store(fn);
  }
  // ---- continuing healthcare pages (chc_routes.cc) ----
  // Runs `fn` on the CHC database for the pages of `ccg`: on the
  // application role's connection scoped to `ccg` when the server has one
  // (a case of another CCG is then not there at all), else on the shared
  // store.
  Status WithChc(const OdsCode& ccg, const std::function<Status(chc::ChcStore&)>& fn) const {
    if (chc.with_tenant_store) return chc.with_tenant_store(std::string(ccg.view()), fn);
    return chc.with_store(fn);
  }
  // The same for a write of `ccg`'s (a DST): through the role's writer, so
  // PostgreSQL refuses a row of another CCG beneath the page's own check.
  Status WriteChc(const OdsCode& ccg, const std::function<Status(chc::ChcStore&)>& fn) const {
    if (chc.with_tenant_write) return chc.with_tenant_write(std::string(ccg.view()), fn);
    return chc.with_store(fn);
  }
  // The CCG's CHC table `which` (caseload, deadlines, reviews, packages,
  // committed) or a case's timeline, from chc.sqlite; nullopt when the
  // caller may not see the CCG's cases or there is no database.
  enum class ChcView { kCaseload, kDeadlines, kReviews, kPackages, kCommitted, kInvoices, kClaims };
  Result<report::ReportTable> ChcTableOf(const OdsCode& ccg, ChcView which) const;
  Response ChcPage(const Request& r, const Caller& c, ChcView which) const;
  Response ApiChc(const Request& r, const Caller& c, ChcView which) const;
  Response ChcCasePage(const Request& r, const Caller& c) const;
  Response ApiChcCase(const Request& r, const Caller& c) const;
  Result<std::optional<report::ReportTable>> ChcTimelineOf(const OdsCode& ccg, int64_t case_id) const;
  // The DST form (chc_forms.cc): what was entered, kept when refused.
  struct ChcDstEntry {
    std::string assessed_on, acute, recommendation, error;
    std::map<std::string, std::string> levels;  // domain code -> level name
  };
  std::string ChcDstFormHtml(const std::string& action, const std::string& csrf, const ChcDstEntry& e) const;
  Response ChcDstPage(const Request& r, const Caller& c, const ChcDstEntry& entry, int status) const;
  Response ChcDstForm(const Request& r, const Caller& c) const;
  Response ChcDstSubmit(const Request& r, const Caller& c) const;
  // The identifiable view (chc_forms.cc): a purpose asked for, audited,
  // then the fields shown; for kViewChcIdentifiable only.
  Response ChcIdentityPage(const Request& r, const Caller& c, const std::string& purpose, const std::string& error,
                           int status) const;
  Response ChcIdentityForm(const Request& r, const Caller& c) const;
  Response ChcIdentitySubmit(const Request& r, const Caller& c) const;

  // ---- payroll and HR pages (payroll_routes.cc) ----
  // The employer of the path if the caller may take action `a` on it at
  // `level`; nullopt for one outside their reach and one that does not exist.
  std::optional<payroll::Employer> PayrollEmployer(const Request& r, const Caller& c, Action a,
                                                   Identifiability level) const;
  struct PayrollView {
    bool found = false;  // false: the employee or run is not this employer's (404)
    std::string title;
    report::ReportTable table;
    std::vector<std::pair<std::string, std::string>> fields;  // an employee's record panel
    std::optional<payroll::PayRunRecord> run;                 // a run's review
    std::optional<payroll::RunPosting> posting;               // the run's journal in the ledger, once posted
  };
  // `which`: staff, establishment, sickness, runs, employee, run.
  Result<PayrollView> PayrollViewOf(const Request& r, const Caller& c, const payroll::Employer& e,
                                    std::string_view which) const;
  Response PayrollPageFor(const Request& r, const Caller& c, std::string_view which) const;
  Response ApiPayrollFor(const Request& r, const Caller& c, std::string_view which) const;
  Response PayrollApprove(const Request& r, const Caller& c) const;
  Response PayrollPost(const Request& r, const Caller& c) const;
  // GET /payroll/{employer}/runs/{run}/payslips (printable page),
  // .../payslips.xlsx, .../bank-file and .../fps: a stored run's outputs,
  // each audited before it is sent (payroll_routes.cc).
  Response PayrollRunOutput(const Request& r, const Caller& c, std::string_view which) const;
  static void AddPayrollRoutes(http::Router& router, WebApp::Impl* app);

  Response CcgBillingPage(const Request& r, const Caller& c) const;
  Response ApiCcgBilling(const Request& r, const Caller& c) const;

  // The CCG's document `number`; nullopt for another CCG's and for none alike.
  Result<std::optional<billing::Invoice>> DocumentOf(const OdsCode& ccg, const std::string& number) const;
  Response InvoicePage(const Request& r, const Caller& c) const;

  Response ApiInvoice(const Request& r, const Caller& c) const;

  // ?as_of=YYYY-MM-DD moves the renewals and forecast; a malformed one is ignored.
  Result<billing::CsuBilling> CsuBillingOf(const Request& r) const;
  Response CsuBillingPage(const Request& r, const Caller& c) const;

  Response ApiCsuBilling(const Request& r, const Caller& c) const;

  // Adds a price version of an item from the first of a month: the version
  // in force then, with the new price (docs/billing.md, "Catalogue").
  Response CataloguePrice(const Request& r, const Caller& c) const;
  Response ApiCcgs(const Request&, const Caller& c) const;

  Response ApiHome(const Request& r, const Caller& c) const;
  Response ApiView(const Request& r, const Caller& c) const;

  Response ApiRecords(const Request& r, const Caller& c) const;

  // ---- the CCG's ledger (ledger_routes.cc; docs/web.md, "Routes", the ledger rows) ----
  // The page's month: ?period=YYYY-MM (a form's period field for a POST),
  // else the month of the CCG's latest posted journal, else the month of
  // Today(); nullopt when malformed.
  std::optional<ledger::LedgerPeriod> LedgerPeriodOf(const Request& r, const OdsCode& ccg) const;
  // The view's tables for the CCG's ledger; an Error (why: shown) when the
  // CCG has no ledger here or the view is unknown.
  Result<std::vector<report::ReportTable>> LedgerTables(const OdsCode& ccg, const std::string& view,
                                                        ledger::LedgerPeriod p) const;
  Response LedgerHome(const Request& r, const Caller& c) const;
  // The ledger home with a result or a refusal above it.
  // `form`: a refused journal's fields, shown again so nothing is typed twice.
  Response LedgerHomeFor(const Request& r, const Caller& c, const OdsCode& ccg, int status,
                         const std::string& notice, bool error,
                         const std::map<std::string, std::string>& form = {}) const;
  Response ApiLedgerHome(const Request& r, const Caller& c) const;
  Response LedgerView(const Request& r, const Caller& c) const;
  // A view with a result or a refusal above it (the budget page's forms).
  // `form`: a refused budget form's fields, shown again.
  Response LedgerViewFor(const Request& r, const Caller& c, const std::string& view, int status,
                         const std::string& notice, bool error,
                         const std::map<std::string, std::string>& form = {}) const;
  // POST /ccg/{ccg}/ledger/virements and /forecasts: the budget page's forms
  // (manage_budget); refused with why, the budget page shown again.
  std::string BudgetForms(const OdsCode& ccg, ledger::LedgerPeriod p, const std::string& csrf,
                          const std::string& base) const;
  Response LedgerVire(const Request& r, const Caller& c) const;
  Response LedgerForecast(const Request& r, const Caller& c) const;
  Response ApiLedgerView(const Request& r, const Caller& c) const;
  // POST /ccg/{ccg}/ledger/journals: one balanced journal from the entry
  // form; above the threshold it waits for a second person.
  Response LedgerPostJournal(const Request& r, const Caller& c) const;
  // POST /ccg/{ccg}/ledger/approve: a pending batch, by someone else.
  Response LedgerApprove(const Request& r, const Caller& c) const;
  // POST /ccg/{ccg}/ledger/period: open or close a month.
  Response LedgerPeriodChange(const Request& r, const Caller& c) const;
  // The CSU's own ledger: the same pages and forms under /csu/ledger (a
  // route without {ccg}). Its entity is the ledger of kind csu; only a CSU
  // role the matrix grants the ledger action reaches it (csu_finance today),
  // never a CCG role, whatever it is granted for its own CCG's ledger.
  // LedgerEntityOf: the entity a ledger route acts on, from {ccg} (Tenant)
  // or, without one, the CSU's ledger; nullopt = answer 404.
  std::optional<OdsCode> LedgerEntityOf(const Request& r, const Caller& c, Action a) const;
  std::optional<OdsCode> CsuLedgerEntity(const Caller& c, Action a) const;
  // "/ccg/02E/ledger" or "/csu/ledger", the name in a page's subtitle and
  // the navigation of a ledger page, for the route `r` came in on.
  std::string LedgerBaseOf(const Request& r, const OdsCode& entity) const;
  std::string LedgerEntityName(const Request& r, const OdsCode& entity) const;
  std::vector<NavLink> LedgerNav(const Request& r, const Caller& c, const OdsCode& entity) const;
  // The budget page's form to set a version from the text of a budget file
  // (docs/formats/ledger-budget-v1.md) and to approve a draft; `kept`: the
  // refused form's fields, shown again.
  std::string BudgetVersionForms(const Request& r, const Caller& c, const OdsCode& entity, ledger::LedgerPeriod p,
                                 const std::string& csrf, const std::map<std::string, std::string>& kept) const;
  // POST .../ledger/budgets: a new draft version; POST .../ledger/budgets/approve:
  // a draft made the budget of record by someone other than who set it.
  Response LedgerBudgetSet(const Request& r, const Caller& c) const;
  Response LedgerBudgetApprove(const Request& r, const Caller& c) const;
  // ---- sign-in (signin_pages.cc) ----
  // The address sign-in throttles and audits. Behind the TLS proxy every
  // connection comes from loopback, so one address would lock everyone out
  // after a stranger's failures: there, and only from a loopback peer, the
  // proxy's X-Forwarded-For (which deploy/nginx/opencsu.conf overwrites with
  // the client's address, never appends to) names the client.
  std::string ClientAddress(const Request& r) const;
  std::string CookieAttributes() const;

  std::string SignInForm(const std::string& token, const std::string& message, const std::string& username) const;
  Response SignInPage(const Request& r, const std::string& message, int status, const std::string& username) const;

  Response SignIn(const Request& r) const;
  Response SignOut(const Request& r) const;
  // The sign-in form's cookie carrying `value`.
  std::string SignInCookie(const std::string& value) const;
  // The sign-in forms' anti-forgery check (uses the value up).
  bool SignInFormOk(const std::map<std::string, std::string>& form,
                    const std::map<std::string, std::string>& cookies) const;
  // The redirect home that gives the browser its session cookie.
  Response SignedInResponse(const std::string& session_token) const;
  // The first sign-in's enrolment page: the new key once (`shown`), then the
  // form for its code, posted to /signin/enrol with a fresh form value.
  Response EnrolPage(const std::string& ticket, const tenancy::PendingEnrolment* shown, const std::string& message,
                     int status) const;
  // POST /signin/enrol: ticket and code; signs in when the code matches.
  Response SignInEnrol(const Request& r) const;
};

// The enhanced-service claims and schemes routes (primary_care_claims_routes.cc).
void AddPrimaryCareClaimsRoutes(http::Router& router, WebApp::Impl* app);

}  // namespace csu::web
