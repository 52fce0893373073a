// The web platform: every page, its JSON twin under /api/v1/, exports and
// sign-in, as routes on one http::Router (the route table the tenant
// isolation test walks). Figures come from analytics::CommissioningViews, so
// a page, its API twin and `csu report` agree.
//
// Rules every route keeps (docs/web.md):
//  * who is asking comes from the session cookie or an API token, never from
//    the request; the CCG in a path is only checked against the principal's
//    scope (tenancy::Accounts::Authorize), and a CCG outside it gets the
//    same 404 as a CCG that does not exist;
//  * record-level views (drill-down, challenges) need the record-level
//    permission; they and every export go into the audit log first, and are
//    withheld if the audit entry cannot be written;
//  * every state-changing request (POST) carries a CSRF token bound to the
//    session (sign-in: to a pre-session cookie);
//  * data pages are no-store; the session cookie is HttpOnly, SameSite=Lax,
//    and __Host- prefixed and Secure when served behind TLS.
//
//   WebApp app(options, accounts, views, ref, audit);
//   http::Server server(server_options, [&app](http::Request& r) { return app.Handle(r); });
//
// Thread-safety: Handle() may be called from many threads at once.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "analytics/report_views.h"
#include "core/date.h"
#include "core/result.h"
#include "http/client.h"
#include "http/router.h"
#include "load/extract_load.h"
#include "store/partition_map.h"
#include "store/store.h"

namespace csu::analytics {
class CommissioningViews;
}
namespace csu::procurement {
class ProcurementStore;
}
namespace csu::pricing {
struct PricedActivity;
}

namespace csu::billing {
class BillingStore;
class Meter;
}
namespace csu::ledger {
class LedgerStore;
}
namespace csu::chc {
class ChcStore;
}
namespace csu::payroll {
class PayrollStore;
}
namespace csu::store {
class FieldCipher;
}
namespace csu::primarycare {
class PcStore;
class GlobalSumRates;
class ClaimsStore;
}
namespace csu::ingest {
class Pseudonymiser;
}
namespace csu::refdata {
class RefData;
}
namespace csu::tenancy {
class Accounts;
}

namespace csu::web {

// Appends one entry to the hash-chained audit log. Must be thread-safe.
using AuditFn = std::function<Status(const std::string& actor, const std::string& action, const std::string& subject,
                                     const std::string& details_json)>;

// What the CSU-wide pages read from the state folder, as functions so the
// caller decides how the store is shared between threads (csu serve holds
// one lock for the store's audit appends and these reads).
struct PlatformRecords {
  std::function<Result<std::vector<store::BatchInfo>>()> batches;
  std::function<Result<std::vector<store::QuarantineCount>>()> quarantine_counts;  // per batch and reason
  std::function<Result<std::vector<store::AuditEntry>>()> audit;
  // Entries in the chain, or an error naming the break; only what is new
  // since the last call is hashed (store::Store::VerifyNewAudit).
  std::function<Result<int64_t>()> verify_audit;
  // The store's health (store::Store::Health()): /healthz answers 503 while
  // it is an error. Called without the store's lock, so it must be
  // thread-safe and never wait for a request; empty means always OK.
  std::function<Status()> health;
};

// The billing database (not thread-safe: `with_store` runs a function on it
// under the caller's lock) and the usage meter (thread-safe). Without
// `with_store` the billing pages answer 404; without `meter` nothing is
// metered (docs/billing.md, "Metering").
struct BillingAccess {
  std::function<Status(const std::function<Status(billing::BillingStore&)>&)> with_store;
  // Server mode with an application role: runs the function on a
  // connection that sees only `ccg`'s rows (row-level security), for the
  // pages of one CCG. Unset: those pages use with_store.
  std::function<Status(const std::string& ccg, const std::function<Status(billing::BillingStore&)>&)>
      with_tenant_store;
  billing::Meter* meter = nullptr;
  std::function<Date()> today;  // the platform's date (UK civil); the system clock's when empty
};

// The ledger database (not thread-safe: `with_store` runs a function on it
// under the caller's lock). Without it the ledger pages answer 404
// (docs/web.md, "Routes", the ledger rows).
struct LedgerAccess {
  std::function<Status(const std::function<Status(ledger::LedgerStore&)>&)> with_store;
  // Server mode with an application role: runs the function on a
  // connection that sees only the ledger of `entity` (a CCG's code or the
  // CSU's), for the reads of that entity's pages. Unset: they use
  // with_store.
  std::function<Status(const std::string& entity, const std::function<Status(ledger::LedgerStore&)>&)>
      with_tenant_store;
  // The same role for the writes of one entity's pages (journals,
  // approvals, months opened or closed, budgets, virements, forecasts: the
  // store's own transactions, each scoped to that entity). Unset: with_store.
  std::function<Status(const std::string& entity, const std::function<Status(ledger::LedgerStore&)>&)>
      with_tenant_write;
};

// The procurement database (not thread-safe: `with_store` runs a function on
// it under the caller's lock). Without it the procurement pages answer 404.
struct ProcurementAccess {
  std::function<Status(const std::function<Status(procurement::ProcurementStore&)>&)> with_store;
  // Server mode with an application role: runs the function on a
  // connection that sees only `ccg`'s tenders and their rows (row-level
  // security), for the pages of one CCG. Unset: those pages use with_store.
  std::function<Status(const std::string& ccg,
                       const std::function<Status(procurement::ProcurementStore&)>&)>
      with_tenant_store;
};

// The continuing healthcare database (chc.sqlite; not thread-safe:
// `with_store` runs a function on it under the caller's lock). Without it
// the CHC pages answer 404. The pages are pseudonymised: they never read the
// identifiable fields (docs/chc.md).
// A case's identifiable fields as the identifiable view shows them.
struct ChcIdentityView {
  std::string name, nhs_number, date_of_birth, address;
};
struct ChcAccess {
  std::function<Status(const std::function<Status(chc::ChcStore&)>&)> with_store;
  // Server mode with an application role: runs the function on a
  // connection that sees only `ccg`'s cases and their rows (row-level
  // security), for the reads of one CCG's pages. Unset: they use with_store.
  std::function<Status(const std::string& ccg, const std::function<Status(chc::ChcStore&)>&)> with_tenant_store;
  // The same role for the DST form's write of one CCG's assessment (the
  // store's own transaction, scoped to that CCG). Unset: with_store.
  std::function<Status(const std::string& ccg, const std::function<Status(chc::ChcStore&)>&)> with_tenant_write;
  // Reads a case's identifiable fields into `out`; set only when the server
  // was given the CHC key (`csu serve --chc-key`), else the identifiable
  // view answers 404. The caller has checked the permission and written the
  // view, with its purpose, to the audit log first.
  std::function<Status(int64_t case_id, ChcIdentityView& out)> read_identity;
};

// The payroll and HR database (payroll.sqlite; not thread-safe: `with_store`
// runs a function on it under the caller's lock). Without it the payroll
// pages answer 404. `cipher` is the payroll key when the server holds it:
// only then can an employee's personal fields be shown, and only to users
// allowed view_staff_identifiable (docs/payroll.md, "Personal data").
struct PayrollAccess {
  std::function<Status(const std::function<Status(payroll::PayrollStore&)>&)> with_store;
  // Server mode with an application role: runs the function on a
  // connection that sees only the rows of `employer` (its code), for the
  // reads of one employer's pages, personal fields included. Unset: they
  // use with_store.
  std::function<Status(const std::string& employer, const std::function<Status(payroll::PayrollStore&)>&)>
      with_tenant_store;
  // The same role for the writes of one employer's pages (a run approved, a
  // run posted to its ledger: the store's own transactions, each scoped to
  // that employer). Unset: with_store.
  std::function<Status(const std::string& employer, const std::function<Status(payroll::PayrollStore&)>&)>
      with_tenant_write;
  const store::FieldCipher* cipher = nullptr;
};

// The primary care database (primary-care.sqlite; not thread-safe:
// `with_store` runs a function on it under the caller's lock) and the global
// sum prices the schedule page needs. Without it the primary care pages
// answer 404 (docs/primary-care.md, "Views").
struct PrimaryCareAccess {
  std::function<Status(const std::function<Status(primarycare::PcStore&)>&)> with_store;
  // Server mode with an application role: runs the function on a
  // connection that sees only `ccg`'s practices and their rows, for the
  // reads of one CCG's primary care pages. Unset: they use with_store.
  std::function<Status(const std::string& ccg, const std::function<Status(primarycare::PcStore&)>&)> with_tenant_store;
  // The same role for one CCG's writes (posting its month's schedule: the
  // store's own transactions, each scoped to that CCG). Unset: with_store.
  std::function<Status(const std::string& ccg, const std::function<Status(primarycare::PcStore&)>&)> with_tenant_write;
  std::shared_ptr<const primarycare::GlobalSumRates> rates;
};

// The enhanced-service schemes and claims (primary-care.sqlite's es_ tables,
// primarycare/claims_store.h; not thread-safe: `with_store` runs a function
// on it under the caller's lock). Without it the claims pages answer 404.
struct PrimaryCareClaimsAccess {
  std::function<Status(const std::function<Status(primarycare::ClaimsStore&)>&)> with_store;
  // Server mode with an application role: the claims of one CCG only, read
  // for its claims pages and its payment schedule page. Unset: with_store.
  std::function<Status(const std::string& ccg, const std::function<Status(primarycare::ClaimsStore&)>&)>
      with_tenant_store;
  // The same role for the claims pages' writes of one CCG (the store's own
  // transactions, each scoped to that CCG). Unset: with_store.
  std::function<Status(const std::string& ccg, const std::function<Status(primarycare::ClaimsStore&)>&)>
      with_tenant_write;
};

// The loaded and priced activity the pages read, with the views over it.
// After an upload the server loads the state folder again and swaps this
// whole (docs/web.md, "Uploading extracts"): a request keeps the one it
// started with to its end, and the caches of figures go with the old one.
struct LoadedActivity {
  std::shared_ptr<const pricing::PricedActivity> activity;
  std::shared_ptr<const analytics::CommissioningViews> views;  // over *activity
  // A partitioned node's map that `activity` is the share of, swapped in
  // with it so that no request sees a map claiming a CCG its activity lacks
  // (docs/server-mode.md, "Partitions"); null: the map stays as it was.
  std::shared_ptr<const store::PartitionMap> partition_map;
};

// What uploading extracts through the web needs (WebApp::EnableUploads);
// without it the upload routes answer 404. The ingest itself is
// load::LoadExtract, the code `csu ingest` runs.
struct UploadAccess {
  std::string data_dir;                      // the state folder: uploads wait in DIR/uploads while loading
  load::WithStore with_store;                // the store, under the caller's lock
  const refdata::RefData* ref = nullptr;
  const ingest::Pseudonymiser* pseudonymiser = nullptr;
  billing::Meter* meter = nullptr;           // records_loaded is metered as by `csu ingest`
  std::function<Result<LoadedActivity>()> reload;  // loads and prices the folder's activity afresh
  size_t max_upload_bytes = 256u << 20;      // the route's body limit (docs/http.md, "Limits")
  // Server mode (docs/server-mode.md, "Batches in PostgreSQL"): runs the
  // load as the singleton ingest job (the database's lock, the folder caught
  // up first, the new batch published after); empty: the load runs as is.
  std::function<Status(const std::function<Status()>& load)> as_ingest_job;
  // The activity the app was constructed over, handed over with its
  // ownership so the first upload's swap can free it; empty: kept borrowed.
  LoadedActivity current;
};

// A node of a partitioned installation (docs/server-mode.md, "Partitions";
// WebApp::EnablePartitions). With `secret`, the internal endpoints
// /internal/v1/partials and /internal/v1/overview answer requests signed
// with it (web/node_auth.h), for the groups this node owns; without, they
// answer 404. With `self` named in `map`, the cross-CCG view gathers every
// group's partials from its owners through `fetch`, the CSU overview the
// figures of CCGs held elsewhere, and a CCG's pages held elsewhere are
// forwarded to its owners through `send` (web/partition_forward.h);
// without, the node reads its own activity for everything.
struct PartitionAccess {
  std::string secret;  // the 32-byte node secret (web::LoadNodeSecret)
  store::PartitionMap map;
  std::string self;    // this node's name in `map`
  // A GET of `target` from `node`, signed with the secret: the body of a
  // 200 answer, else an error naming the node.
  std::function<Result<std::string>(const store::PartitionNode& node, const std::string& target)> fetch;
  // Sends a forwarded request as it is (http::Send); `connected` says
  // whether the node was reached.
  std::function<Result<http::ClientResponse>(const http::ClientRequest& request, bool* connected)> send;
  std::function<int64_t()> now;  // Unix seconds; the system clock when empty
  // At most this many requests to other nodes (forwards and gathers) at
  // once; 0: no limit. A worker waiting on another node answers nobody, so
  // two nodes each with every worker waiting on the other would stall
  // until the deadline; with at most half the workers waiting, the other
  // half always answer the nodes' requests (which never go out again). A
  // request beyond the limit fails at once, as an unreachable node does.
  int max_outbound = 0;
};

struct WebOptions {
  FinancialYear year{2018};  // the financial year the pages show
  bool behind_tls = false;   // cookies get the __Host- prefix and Secure
  // The installation's red/amber/green thresholds of the contract summary
  // (docs/monitoring.md, "Summary and status"; `csu serve --rag`).
  analytics::RagThresholds rag;
};

class WebApp {
 public:
  WebApp(WebOptions options, tenancy::Accounts& accounts, const analytics::CommissioningViews& views,
         const refdata::RefData& ref, AuditFn audit, PlatformRecords records, BillingAccess billing = {},
         LedgerAccess ledger = {}, ProcurementAccess procurement = {}, ChcAccess chc = {},
         PayrollAccess payroll = {}, PrimaryCareAccess primary_care = {});
  ~WebApp();

  // The partition map the pages serve now: the last one swapped in with an
  // activity, else EnablePartitions's (empty when not partitioned).
  std::shared_ptr<const store::PartitionMap> ServedPartitionMap() const;
  // Routes the request; handler failures become 500 pages here, without
  // their message.
  http::Response Handle(http::Request& request) const;
  const http::Router& router() const { return router_; }
  // The session cookie's name ("__Host-csu_session" behind TLS).
  const std::string& session_cookie() const { return session_cookie_; }
  // Gives the claims pages their database (primary_care_claims_routes.cc).
  void SetPrimaryCareClaims(PrimaryCareClaimsAccess access);
  // Turns on uploads of extracts by data managers (/data/uploads). Call
  // before the server starts; files left in DIR/uploads by a server that
  // stopped mid-load are removed here.
  void EnableUploads(UploadAccess uploads);
  // Swaps in activity loaded afresh (server mode: batches another node
  // published), as an upload does: requests in flight keep what they began with.
  void SwapActivity(LoadedActivity loaded);
  // Makes this server a node of a partitioned installation. Call before the
  // server starts.
  void EnablePartitions(PartitionAccess partitions);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  http::Router router_;
  std::string session_cookie_;
};

// The CSRF token of a session: derived from the session token (which only
// the browser holds, HttpOnly), so it needs no storage and dies with it.
std::string CsrfTokenFor(std::string_view session_token);

}  // namespace csu::web
