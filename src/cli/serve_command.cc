// `csu serve --data DIR [--listen 127.0.0.1:8080]`: runs the web platform
// (pages, JSON API, exports: docs/web.md) on a state folder until SIGTERM or
// SIGINT, then drains it (docs/http.md). The activity is loaded and priced
// once at start; the pages read it.
#include <climits>
#include <cstdlib>
#include <CLI/CLI.hpp>

#include <malloc.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <ctime>
#include <thread>
#include <mutex>
#include <set>
#include <optional>
#include <string>

#include "analytics/challenges.h"
#include "analytics/commissioning_views.h"
#include "billing/billing_store.h"
#include "billing/meter.h"
#include "chc/chc_store.h"
#include "cli/app_role.h"
#include "cli/chc_open.h"
#include "cli/field_key.h"
#include "cli/primary_care_open.h"
#include "cli/partition_watch.h"
#include "cli/server_batches.h"
#include "cli/payroll_open.h"
#include "cli/server_mode.h"
#include "payroll/payroll_store.h"
#include "primarycare/global_sum.h"
#include "primarycare/pc_store.h"
#include "primarycare/claims_store.h"
#include "procurement/procurement_store.h"
#include "cli/command.h"
#include "cli/state.h"
#include "contracts/contract_store.h"
#include "http/access_log.h"
#include "http/client.h"
#include "http/router.h"
#include "http/server.h"
#include "ledger/ledger_store.h"
#include "pricing/priced_activity.h"
#include "store/platform_date.h"
#include "store/store.h"
#include "store/env.h"
#include "tenancy/accounts.h"
#include "tenancy/password_policy.h"
#include "tenancy/clock.h"
#include "web/health_log.h"
#include "web/node_auth.h"
#include "web/refusal_audit.h"
#include "web/web_app.h"

namespace csu::cli {
namespace {

// A module's store on the application role (--app-database), handed to its
// pages as their with_tenant_store; false, the error printed, when the role
// is not ready for it (cli/app_role.h says what a node checks).
template <class Store, class Access>
bool UseTenantStore(Result<std::unique_ptr<TenantStore<Store>>> opened, std::unique_ptr<TenantStore<Store>>& keep,
                    Access& access) {
  if (!opened.ok()) {
    PrintError(opened.error().ToString());
    return false;
  }
  keep = std::move(opened).value();
  access.with_tenant_store = TenantRunner(keep.get());
  return true;
}

// Swaps reloaded activity (new batches, a new partition map) into the
// pages, then hands the pages the old one freed back to the system. The
// column tables are large blocks that glibc keeps in its heap once freed, so
// without the trim a node's resident size grows by a share at every reload.
// A request still reading the old activity frees it later, and the next
// reload's trim returns it.
void SwapIn(web::WebApp& app, web::LoadedActivity loaded) {
  app.SwapActivity(std::move(loaded));
  malloc_trim(0);
}

struct ServeArgs {
  StateArgs state;
  std::string listen = "127.0.0.1:8080";
  bool quiet = false;
  std::string year;  // empty: the latest financial year with activity
  bool behind_tls = false;
  std::string rag;  // "AMBER,RED" per cent: the summary's status thresholds
  std::string payroll_key;  // the payroll key; its pages are off without it
  std::string chc_key;  // the CHC key file: only for the identifiable view
  std::string database;  // server mode: accounts, sessions, audit, contracts and billing in PostgreSQL
  std::string app_database;  // server mode's application role (row-level security), for a CCG's pages
  std::string node;         // this node's name in the partition map (docs/server-mode.md, "Partitions")
  std::string node_secret;  // the node-to-node secret's file
  std::string node_ca;      // https:// nodes: the CA certificates (PEM) to trust
};

// The latest financial year holding a discharge, appointment or arrival.
FinancialYear LatestYear(const pricing::PricedActivity& a) {
  int32_t last = 0;
  for (int32_t d : a.tables.apc.discharge_date) last = std::max(last, d);
  for (int32_t d : a.tables.op.appointment_date) last = std::max(last, d);
  for (int32_t m : a.tables.ae.arrival) last = std::max(last, m / 1440);
  const Date day = Date::FromDays(last);
  return FinancialYear(day.month() >= 4 ? day.year() : day.year() - 1);
}

int Serve(const Context& ctx, const ServeArgs& args) {
  auto listen = http::ParseListenAddress(args.listen);
  if (!listen.ok()) {
    PrintError("--listen: " + listen.error().ToString());
    return kExitUsage;
  }
  // A server only reads what was loaded: it must never create a state
  // folder, as opening the store would in an existing but empty directory
  // (a mistyped --data would otherwise serve an empty platform).
  struct stat st {};
  const std::string catalog = args.state.data_dir + "/catalog.sqlite";
  // In server mode the folder is a cache of the database's batches: an
  // empty or new one is filled from it (docs/server-mode.md).
  if (args.database.empty() && ::stat(args.state.data_dir.c_str(), &st) == 0 && ::stat(catalog.c_str(), &st) != 0) {
    PrintError(args.state.data_dir + ": not a state folder (no catalog.sqlite); load data first with 'csu ingest --data " +
               args.state.data_dir + "'");
    return kExitFailure;
  }
  // Opening the state folder now (reference data, key, catalog) makes a
  // misconfigured deployment fail at start, not on its first page.
  std::unique_ptr<State> state;
  if (args.database.empty()) {
    state = OpenOrPrint(ctx, args.state, Access::kExclusive);
  } else {
    auto opened = OpenState(ctx, args.state.data_dir, args.state.key_file, /*create=*/true, Access::kExclusive);
    if (opened.ok()) state = std::move(opened).value();
    else PrintError(opened.error().ToString());
  }
  if (!state) return kExitFailure;
  // Server mode: the folder catches up with the database's batches before
  // anything is loaded, and publishes any the database lacks.
  std::unique_ptr<pg::BatchChunks> server_batches;
  pg::SyncOutcome first_round;
  if (!args.database.empty()) {
    auto chunks = OpenServerBatches(args.database);
    if (!chunks.ok()) {
      PrintError(chunks.error().ToString());
      return kExitFailure;
    }
    server_batches = std::move(chunks).value();
    auto round = StartServerBatches(args.database, *server_batches, *state->store, state->pseudonymiser->Fingerprint(),
                                    state->actor);
    if (!round.ok()) {
      PrintError(round.error().ToString());
      return kExitFailure;
    }
    first_round = round.value();
  }

  // A node of a partitioned installation loads only the records of the
  // commissioner groups the map in PostgreSQL gives it.
  web::PartitionAccess partitions;
  // Its share, replaced when the map changes (the watcher below).
  auto share = std::make_shared<NodeShare>();
  if (!args.app_database.empty() && args.database.empty())
    return Fail("--app-database: goes with --database (the owner's URL)", kExitUsage);
  if (!args.node_ca.empty() && args.node.empty()) {
    PrintError("--node-ca goes with --node: it is the CA of the other nodes' https:// addresses in the partition map");
    return kExitUsage;
  }
  if (!args.node.empty() || !args.node_secret.empty()) {
    if (args.node.empty() || args.node_secret.empty() || args.database.empty() || args.year.empty()) {
      PrintError("--node and --node-secret go together, with --database (where the partition map is) and --year "
                 "(each node's share may end on a different day)");
      return kExitUsage;
    }
    auto secret = web::LoadNodeSecret(args.node_secret);
    if (!secret.ok()) {
      PrintError(secret.error().ToString());
      return kExitFailure;
    }
    auto map = ReadServerPartitionMap(args.database);
    if (!map.ok()) {
      PrintError(map.error().ToString());
      return kExitFailure;
    }
    if (map.value().Node(args.node) == nullptr) {
      PrintError("--node " + args.node + ": no such node in the partition map (csu partitions show --database URL)");
      return kExitFailure;
    }
    const std::set<std::string> mine = map.value().CommissionersOf(args.node);
    if (mine.empty()) {
      PrintError("--node " + args.node + ": the partition map gives this node no group");
      return kExitFailure;
    }
    share->Set({std::vector<std::string>(mine.begin(), mine.end()),
                std::make_shared<const store::PartitionMap>(map.value())});
    partitions.secret = std::move(secret).value();
    partitions.map = std::move(map).value();
    partitions.self = args.node;
    if (!args.node_ca.empty() && !std::filesystem::is_regular_file(args.node_ca)) {
      PrintError("--node-ca " + args.node_ca + ": no such file (the CA certificates, PEM, that sign the nodes' own)");
      return kExitUsage;
    }
    partitions.fetch = [secret = partitions.secret, ca = args.node_ca](const store::PartitionNode& node,
                                                                       const std::string& target) -> Result<std::string> {
      auto signature = web::SignNodeRequest(secret, "GET", target, "", static_cast<int64_t>(std::time(nullptr)), node.name);
      if (!signature.ok()) return signature.error();
      auto answer = http::Get(node.base_url, target, std::move(signature).value(), 10000, size_t{64} << 20, ca);
      if (!answer.ok()) return answer.error();
      if (answer.value().status != 200)
        return MakeError("node " + node.name, "answered " + std::to_string(answer.value().status));
      return std::move(answer.value().body);
    };
    partitions.send = [ca = args.node_ca](const http::ClientRequest& request, bool* connected) {
      http::ClientRequest r = request;
      r.ca_file = ca;
      return http::Send(r, connected);
    };
  }
  // Loads the node's share as it is now (everything when not partitioned);
  // `map` gets the map that share comes from.
  auto load = [share, &state](store::Store& held,
                              std::shared_ptr<const store::PartitionMap>* map) -> Result<pricing::PricedActivity> {
    const NodeShare::Now now = share->Get();
    if (map != nullptr) *map = now.map;
    if (now.commissioners.empty()) return pricing::LoadPriced(held, *state->ref);
    auto tables = held.LoadShare(now.commissioners);
    if (!tables.ok()) return tables.error();
    return pricing::PriceActivity(std::move(tables).value(), *state->ref);
  };
  auto loaded = load(*state->store, nullptr);
  if (!loaded.ok()) {
    PrintError(loaded.error().ToString());
    return kExitFailure;
  }
  // Owned by the web app's first snapshot once uploads are enabled, so an
  // upload's swap frees it (docs/web.md, "Uploading extracts").
  auto activity_owned = std::make_shared<const pricing::PricedActivity>(std::move(loaded).value());
  const pricing::PricedActivity& activity = *activity_owned;
  web::WebOptions web_options;
  web_options.behind_tls = args.behind_tls;
  if (!args.rag.empty()) {
    auto rag = analytics::ParseRagThresholds(args.rag);
    if (!rag.ok()) {
      PrintError(rag.error().ToString());
      return kExitUsage;
    }
    web_options.rag = rag.value();
  }
  web_options.year = LatestYear(activity);
  if (!args.year.empty()) {
    auto year = FinancialYear::Parse(args.year);
    if (!year.ok()) {
      PrintError("--year: " + year.error().ToString());
      return kExitUsage;
    }
    web_options.year = year.value();
  }
  // Server mode: contracts and the challenge log in PostgreSQL, shared by
  // every node (docs/server-mode.md); billing and its meter below too.
  auto contracts = OpenContracts(args.state.data_dir, args.database);
  if (!contracts.ok()) {
    PrintError(contracts.error().ToString());
    return kExitFailure;
  }
  auto policy = tenancy::PasswordPolicy::Load(tenancy::DefaultCommonPasswordsFile(CSU_DEFAULT_PASSWORD_LIST));
  if (!policy.ok()) {
    PrintError("the common-password list is needed: " + policy.error().ToString());
    return kExitFailure;
  }
  // The store is used from every worker thread (audit appends, the data-load
  // and audit pages): one at a time.
  std::mutex audit_mutex;
  store::Store* store = state->store.get();
  // A failed write (a full disk) and the recovery are logged once each,
  // also with --quiet: they are faults, not traffic (docs/web.md).
  web::HealthLog health_log(http::StderrAccessLog());
  // Server mode (docs/server-mode.md): the audit log is PostgreSQL's, shared
  // by every node; the accounts below too.
  std::unique_ptr<store::SqlAuditLog> server_audit;
  if (!args.database.empty()) {
    auto log = OpenServerAudit(args.database);
    if (!log.ok()) {
      PrintError(log.error().ToString());
      return kExitFailure;
    }
    server_audit = std::move(log).value();
  }
  std::function<Status(const std::string&, const std::string&, const std::string&, const std::string&)> store_audit =
      [store, &audit_mutex, &health_log](const std::string& actor, const std::string& action,
                                         const std::string& subject, const std::string& details) {
        std::lock_guard<std::mutex> lock(audit_mutex);
        Status s = store->AppendAudit(actor, action, subject, details);
        health_log.Observe(store->Health());
        return s;
      };
  if (server_audit) store_audit = AppendTo(*server_audit);
  // Refusals are summarised per user and minute rather than written one by
  // one (docs/web.md, "Refusals in the audit log"); everything else passes.
  web::RefusalAuditLimiter refusals(store_audit, tenancy::Clock::System());
  const web::AuditFn audit = refusals.AsAuditFn();
  tenancy::AccountsOptions account_options;
  account_options.audit = audit;
  account_options.ref = state->ref.get();
  account_options.policy = &policy.value();
  auto accounts = server_audit ? OpenServerAccounts(args.database, account_options)
                              : tenancy::Accounts::Open(args.state.data_dir, account_options);
  if (!accounts.ok()) {
    PrintError(accounts.error().ToString());
    return kExitFailure;
  }
  // The contract store's one lock, shared by the views over the activity
  // loaded now and those over the activity an upload loads later.
  std::mutex contracts_mutex;
  // Server mode: entries of the challenge log written without their
  // commissioner (before schema version 2, or moved by csu migrate) are
  // named from the records this node holds (docs/store-format.md §10a).
  if (!args.database.empty()) {
    std::lock_guard<std::mutex> lock(contracts_mutex);
    auto named = analytics::NameChallengeCommissioners(*contracts.value(), activity);
    if (!named.ok()) {
      PrintError(named.error().ToString());
      return kExitFailure;
    }
    if (named.value() > 0)
      std::printf("csu: server mode: the challenge log's entries written without their CCG: named %lld from the "
                  "records held here\n",
                  static_cast<long long>(named.value()));
  }
  // With an application role, a CCG's contracts and challenges are read and
  // written on a connection that sees only its rows (docs/server-mode.md).
  std::unique_ptr<TenantContracts> tenant_contracts;
  analytics::TenantContractAccess contract_access;
  if (!args.app_database.empty()) {
    auto opened = OpenTenantContracts(args.app_database);
    if (!opened.ok()) {
      PrintError(opened.error().ToString());
      return kExitFailure;
    }
    tenant_contracts = std::move(opened).value();
    contract_access.read = TenantRunner(tenant_contracts.get());
    contract_access.write = TenantWriter(tenant_contracts.get());
  }
  const analytics::TenantContractAccess* contract_tenant = tenant_contracts ? &contract_access : nullptr;
  auto views_owned = std::make_shared<const analytics::CommissioningViews>(activity, *state->ref, *contracts.value(),
                                                                           &contracts_mutex, contract_tenant);
  const analytics::CommissioningViews& views = *views_owned;
  web::PlatformRecords records;
  records.batches = [store, &audit_mutex] {
    std::lock_guard<std::mutex> lock(audit_mutex);
    return store->ListBatches();
  };
  records.quarantine_counts = [store, &audit_mutex] {
    std::lock_guard<std::mutex> lock(audit_mutex);
    return store->QuarantineCounts();
  };
  records.audit = [store, &audit_mutex] {
    std::lock_guard<std::mutex> lock(audit_mutex);
    return store->Audit();
  };
  records.verify_audit = [store, &audit_mutex] {
    std::lock_guard<std::mutex> lock(audit_mutex);
    return store->VerifyNewAudit();
  };
  if (server_audit) {
    records.audit = [log = server_audit.get()] { return log->Entries(); };
    records.verify_audit = [log = server_audit.get()] { return log->Verify(); };
  }
  // Without the store's lock: /healthz never waits behind a request.
  records.health = [store, &health_log] {
    Status h = store->Health();
    health_log.Observe(h);
    return h;
  };
  // Billing: the database is used by one request at a time; the meter has
  // its own connection and lock, so counting never waits for a billing page.
  auto billing_db = OpenBilling(args.state.data_dir, args.database);
  if (!billing_db.ok()) {
    PrintError(billing_db.error().ToString());
    return kExitFailure;
  }
  auto meter = OpenMeter(args.state.data_dir, args.database);
  if (!meter.ok()) {
    PrintError(meter.error().ToString());
    return kExitFailure;
  }
  std::mutex billing_mutex;
  web::BillingAccess billing_access;
  billing_access.with_store = [db = billing_db.value().get(), &billing_mutex](
                                  const std::function<Status(billing::BillingStore&)>& fn) {
    std::lock_guard<std::mutex> lock(billing_mutex);
    return fn(*db);
  };
  billing_access.meter = meter.value().get();
  // Server mode with an application role: a CCG's own billing pages read
  // on a connection that sees only that CCG's rows (docs/server-mode.md).
  std::unique_ptr<TenantBilling> tenant_billing;
  if (!args.app_database.empty() && !UseTenantStore(OpenTenantBilling(args.app_database), tenant_billing, billing_access))
    return kExitFailure;
  // A platform date (store/platform_date.h) replaces the clock's date for
  // billing, meters and renewals; pages and this log say so.
  auto platform_date = store::ReadPlatformDate(args.state.data_dir);
  if (!platform_date.ok()) {
    PrintError(platform_date.error().ToString());
    return kExitFailure;
  }
  if (platform_date.value()) billing_access.today = [d = *platform_date.value()] { return d; };
  // The ledgers: one request at a time on one connection, like billing; in
  // server mode PostgreSQL's, so a journal posted on one node is what every
  // node reads next (the store keeps no copy of ledger data between calls).
  auto ledger_db = OpenLedgerStore(args.state.data_dir, args.database);
  if (!ledger_db.ok()) {
    PrintError(ledger_db.error().ToString());
    return kExitFailure;
  }
  std::mutex ledger_mutex;
  web::LedgerAccess ledger_access;
  ledger_access.with_store = [db = ledger_db.value().get(), &ledger_mutex](
                                 const std::function<Status(ledger::LedgerStore&)>& fn) {
    std::lock_guard<std::mutex> lock(ledger_mutex);
    return fn(*db);
  };
  // With an application role, the reads and writes of an entity's ledger
  // pages go through a connection that sees only that entity's ledger.
  std::unique_ptr<TenantLedger> tenant_ledger;
  if (!args.app_database.empty()) {
    if (!UseTenantStore(OpenTenantLedger(args.app_database), tenant_ledger, ledger_access)) return kExitFailure;
    ledger_access.with_tenant_write = TenantWriter(tenant_ledger.get());
  }
  // Procurement: one request at a time on its own database, like billing's;
  // in server mode its tables in PostgreSQL, read afresh by every request (no
  // copy kept here), so a change made on any node is what every page shows.
  auto procurement_db = OpenProcurement(args.state.data_dir, args.database);
  if (!procurement_db.ok()) {
    PrintError(procurement_db.error().ToString());
    return kExitFailure;
  }
  std::mutex procurement_mutex;
  web::ProcurementAccess procurement_access;
  procurement_access.with_store = [db = procurement_db.value().get(), &procurement_mutex](
                                      const std::function<Status(procurement::ProcurementStore&)>& fn) {
    std::lock_guard<std::mutex> lock(procurement_mutex);
    return fn(*db);
  };
  // With an application role, a CCG's procurement pages read on a connection
  // that sees only that CCG's tenders and their rows (docs/server-mode.md).
  std::unique_ptr<TenantProcurement> tenant_procurement;
  if (!args.app_database.empty() &&
      !UseTenantStore(OpenTenantProcurement(args.app_database), tenant_procurement, procurement_access))
    return kExitFailure;
  // Continuing healthcare: the pseudonymised pages, when the folder has
  // cases, or from PostgreSQL in server mode (every request reads the
  // tables, so a change on one node is what the next read on any node
  // sees); the server never holds the CHC key (docs/chc.md).
  auto chc_db = OpenChcPseudonymised(args.state.data_dir, args.database);
  if (!chc_db.ok()) {
    PrintError(chc_db.error().ToString());
    return kExitFailure;
  }
  std::mutex chc_mutex;
  web::ChcAccess chc_access;
  if (chc_db.value()) {
    chc_access.with_store = [db = chc_db.value().get(), &chc_mutex](const std::function<Status(chc::ChcStore&)>& fn) {
      std::lock_guard<std::mutex> lock(chc_mutex);
      return fn(*db);
    };
  }
  // With an application role, the reads of a CCG's CHC pages (its caseload,
  // a case's timeline, whether a case is the CCG's before a form or the
  // identifiable view opens) go through a connection that sees only that
  // CCG's cases and their rows (docs/server-mode.md).
  std::unique_ptr<TenantChc> tenant_chc;
  if (!args.app_database.empty() && chc_db.value()) {
    if (!UseTenantStore(OpenTenantChc(args.app_database), tenant_chc, chc_access)) return kExitFailure;
    chc_access.with_tenant_write = TenantWriter(tenant_chc.get());
  }
  // Payroll and HR: the pages need the payroll key (an employee's record
  // opens personal fields for those allowed); without the key, or without
  // payroll.sqlite, they are off and the server says so once. In server
  // mode the tables are PostgreSQL's, read and written there by every node
  // with the same key file (docs/deploy.md, "The payroll key"); a server
  // never creates the key.
  std::optional<store::FieldCipher> payroll_cipher;
  std::unique_ptr<payroll::PayrollStore> payroll_db;
  std::mutex payroll_mutex;
  web::PayrollAccess payroll_access;
  if (!args.database.empty()) {
    auto cipher = OpenFieldKeyOutside(args.state.data_dir,
                                      KeyPath(args.payroll_key, "CSU_PAYROLL_KEY_FILE", "payroll.key"),
                                      store::kPayrollCipherDomain, false);
    if (cipher.ok()) {
      payroll_cipher.emplace(std::move(cipher).value());
      auto db = OpenServerPayroll(args.database, *payroll_cipher);
      if (db.ok()) payroll_db = std::move(db).value();
      else PrintError("payroll pages off: " + db.error().ToString());
    } else {
      PrintError("payroll pages off: " + cipher.error().ToString());
    }
  } else if (std::filesystem::exists(args.state.data_dir + "/payroll.sqlite")) {
    auto cipher = OpenPayrollCipher(args.state.data_dir, args.payroll_key);
    if (cipher.ok()) {
      payroll_cipher.emplace(std::move(cipher).value());
      auto db = payroll::PayrollStore::Open(args.state.data_dir, *payroll_cipher);
      if (db.ok()) payroll_db = std::move(db).value();
      else PrintError("payroll pages off: " + db.error().ToString());
    } else {
      PrintError("payroll pages off: " + cipher.error().ToString());
    }
  }
  if (payroll_db) {
    payroll_access.with_store = [db = payroll_db.get(), &payroll_mutex](
                                    const std::function<Status(payroll::PayrollStore&)>& fn) {
      std::lock_guard<std::mutex> lock(payroll_mutex);
      return fn(*db);
    };
    payroll_access.cipher = &*payroll_cipher;
  }
  // With an application role, the reads of an employer's payroll pages (its
  // staff and their personal fields, runs, payslips, the bank file and FPS)
  // and their writes (a run approved or posted) go through a connection that
  // sees only that employer's rows (docs/server-mode.md).
  std::unique_ptr<TenantPayroll> tenant_payroll;
  if (!args.app_database.empty() && payroll_db) {
    if (!UseTenantStore(OpenTenantPayroll(args.app_database, *payroll_cipher), tenant_payroll, payroll_access))
      return kExitFailure;
    payroll_access.with_tenant_write = TenantWriter(tenant_payroll.get());
  }
  // Primary care: its own database (in server mode the tables in
  // PostgreSQL, read afresh by every request, so a write on one node is what
  // the next request on any node reads), one request at a time; the global
  // sum prices from data/primarycare beside the reference data.
  auto pc_db = OpenPcStore(args.state.data_dir, args.database);
  if (!pc_db.ok()) {
    PrintError(pc_db.error().ToString());
    return kExitFailure;
  }
  std::mutex pc_mutex;
  web::PrimaryCareAccess pc_access;
  pc_access.with_store = [db = pc_db.value().get(), &pc_mutex](const std::function<Status(primarycare::PcStore&)>& fn) {
    std::lock_guard<std::mutex> lock(pc_mutex);
    return fn(*db);
  };
  // With an application role, the reads of a CCG's own primary care pages
  // (not the national comparisons) go through a connection that sees only
  // its practices and their rows, and the claims its schedule includes; so
  // does posting its schedule.
  std::unique_ptr<TenantPrimaryCare> tenant_pc;
  if (!args.app_database.empty()) {
    if (!UseTenantStore(OpenTenantPrimaryCare(args.app_database), tenant_pc, pc_access)) return kExitFailure;
    pc_access.with_tenant_write = TenantWriter(tenant_pc.get());
  }
  {
    const std::string ref_dir = refdata::DefaultRefDataDir(ctx.refdata_dir, CSU_DEFAULT_REFDATA_DIR);
    auto rates = primarycare::GlobalSumRates::Load(
        (std::filesystem::path(ref_dir).parent_path() / "primarycare").string());
    if (rates.ok()) pc_access.rates = std::make_shared<const primarycare::GlobalSumRates>(std::move(rates).value());
    else PrintError("primary care rates (the schedule page will say so): " + rates.error().ToString());
  }
  // The identifiable view only when the CHC key is given (docs/chc.md, "Web
  // pages"): a second connection holding the key, under the same lock; the
  // key must lie outside the state folder, like the command line's. In
  // server mode every node is given the same key file (docs/deploy.md): the
  // database refuses a key whose fingerprint differs from the recorded one.
  std::optional<chc::FieldCipher> chc_cipher;
  std::unique_ptr<chc::ChcStore> chc_keyed;
  if (!args.chc_key.empty() && chc_db.value()) {
    auto cipher = OpenFieldKey(args.state.data_dir, args.chc_key, store::kChcCipherDomain, "");
    if (!cipher.ok()) {
      PrintError(cipher.error().ToString());
      return kExitFailure;
    }
    chc_cipher.emplace(std::move(cipher).value());
    auto keyed = OpenChcForServe(args.state.data_dir, args.database, *chc_cipher);
    if (!keyed.ok()) {
      PrintError(keyed.error().ToString());
      return kExitFailure;
    }
    chc_keyed = std::move(keyed).value();
    chc_access.read_identity = [db = chc_keyed.get(), cipher = &*chc_cipher, &chc_mutex](
                                   int64_t case_id, web::ChcIdentityView& out) -> Status {
      std::lock_guard<std::mutex> lock(chc_mutex);
      CSU_ASSIGN_OR_RETURN(who, db->ReadIdentity(case_id, *cipher));
      out = {who.name, who.nhs_number, who.date_of_birth, who.address};
      return Status::Ok();
    };
  }
  // Enhanced-service claims (primary-care.sqlite, or PostgreSQL in server
  // mode): one request at a time, like billing's; every change audited in
  // the catalog's log (the server's in server mode).
  auto claims_db = OpenClaimsStore(args.state.data_dir, args.database, audit);
  if (!claims_db.ok()) {
    PrintError(claims_db.error().ToString());
    return kExitFailure;
  }
  std::mutex claims_mutex;
  web::PrimaryCareClaimsAccess claims_access;
  claims_access.with_store = [db = claims_db.value().get(), &claims_mutex](
                                 const std::function<Status(primarycare::ClaimsStore&)>& fn) {
    std::lock_guard<std::mutex> lock(claims_mutex);
    return fn(*db);
  };
  std::unique_ptr<TenantClaims> tenant_claims;
  if (!args.app_database.empty()) {
    if (!UseTenantStore(OpenTenantClaims(args.app_database, audit), tenant_claims, claims_access)) return kExitFailure;
    claims_access.with_tenant_write = TenantWriter(tenant_claims.get());
  }
  web::WebApp app(web_options, *accounts.value(), views, *state->ref, audit, records, billing_access, ledger_access,
                  procurement_access, chc_access, payroll_access, pc_access);
  app.SetPrimaryCareClaims(claims_access);
  // Uploads (docs/web.md, "Uploading extracts"): the server holds the
  // folder's LOCK, so it loads them itself, through the store lock every
  // other store call takes, and swaps the new activity in.
  web::UploadAccess uploads;
  uploads.data_dir = args.state.data_dir;
  uploads.with_store = [store, &audit_mutex](const std::function<Status(store::Store&)>& fn) {
    std::lock_guard<std::mutex> lock(audit_mutex);
    return fn(*store);
  };
  uploads.ref = state->ref.get();
  uploads.pseudonymiser = state->pseudonymiser.get();
  uploads.meter = meter.value().get();
  // By value: the app (and an upload's thread) may outlive this local.
  uploads.reload = [with_store = uploads.with_store, &state, &contracts, &contracts_mutex, contract_tenant,
                    server = !args.database.empty(), load]() -> Result<web::LoadedActivity> {
    std::optional<pricing::PricedActivity> priced;
    std::shared_ptr<const store::PartitionMap> map;
    Status s = with_store([&](store::Store& held) -> Status {
      auto l = load(held, &map);
      if (!l.ok()) return l.error();
      priced = std::move(l).value();
      return Status::Ok();
    });
    if (!s.ok()) return s.error();
    auto fresh = std::make_shared<const pricing::PricedActivity>(std::move(*priced));
    if (server) {
      // A new share may hold records behind entries no node could name yet.
      std::lock_guard<std::mutex> lock(contracts_mutex);
      if (auto named = analytics::NameChallengeCommissioners(*contracts.value(), *fresh); !named.ok()) return named.error();
    }
    auto fresh_views = std::make_shared<const analytics::CommissioningViews>(*fresh, *state->ref, *contracts.value(),
                                                                             &contracts_mutex, contract_tenant);
    return web::LoadedActivity{std::move(fresh), std::move(fresh_views), std::move(map)};
  };
  if (server_batches) {
    uploads.as_ingest_job = [url = args.database, chunks = server_batches.get(), with_store = uploads.with_store,
                             fingerprint = state->pseudonymiser->Fingerprint(),
                             actor = state->actor](const std::function<Status()>& job) {
      return AsIngestJob(url, *chunks, with_store, fingerprint, actor, job);
    };
  }
  const auto reload = uploads.reload;
  const load::WithStore with_store_for_follower = uploads.with_store;
  const size_t max_upload_bytes = uploads.max_upload_bytes;
  uploads.current = web::LoadedActivity{std::move(activity_owned), std::move(views_owned), share->Get().map};
  app.EnableUploads(std::move(uploads));
  const std::string node_groups = [&partitions] {
    std::string out;
    for (const store::PartitionGroup* g : partitions.map.GroupsOf(partitions.self)) out += (out.empty() ? "" : ", ") + g->name;
    return out;
  }();
  const size_t share_commissioners = share->Get().commissioners.size();
  const size_t share_records = activity.tables.apc.size() + activity.tables.op.size() + activity.tables.ae.size();
  // A partitioned node's workers wait on other nodes (forwards, gathers):
  // more of them than cores, at most half of them waiting at once.
  const size_t workers = partitions.secret.empty() ? 0 : std::max<size_t>(8, 4 * std::thread::hardware_concurrency());
  partitions.max_outbound = static_cast<int>(workers / 2);
  if (!partitions.secret.empty()) app.EnablePartitions(std::move(partitions));
  // Block the stop signals before any thread starts, so every server thread
  // inherits the mask and the signals queue on the signalfd read below
  // instead of interrupting a thread at an arbitrary point.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  if (pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr) != 0) {
    PrintError("cannot block SIGTERM/SIGINT");
    return kExitFailure;
  }
  int sfd = ::signalfd(-1, &stop_signals, SFD_CLOEXEC);
  if (sfd < 0) {
    PrintError("cannot create a signalfd");
    return kExitFailure;
  }

  // Server mode: follow the database's batches on a thread of their own,
  // on a connection of its own (the upload job uses server_batches').
  std::unique_ptr<BatchFollower> follower;
  if (server_batches) {
    auto chunks = OpenServerBatches(args.database);
    if (!chunks.ok()) {
      PrintError(chunks.error().ToString());
      ::close(sfd);
      return kExitFailure;
    }
    BatchFollower::Options fo;
    fo.url = args.database;
    fo.key_fingerprint = state->pseudonymiser->Fingerprint();
    fo.actor = state->actor;
    follower = std::make_unique<BatchFollower>(fo, std::move(chunks).value(), with_store_for_follower,
                                               [reload, &app, node = args.node, share] {
                                                 auto fresh = reload();
                                                 if (!fresh.ok()) {
                                                   std::fprintf(stderr, "csu: the new batches could not be loaded: %s\n",
                                                                fresh.error().ToString().c_str());
                                                   return;
                                                 }
                                                 const auto& t = fresh.value().activity->tables;
                                                 const size_t held = t.apc.size() + t.op.size() + t.ae.size();
                                                 SwapIn(app, std::move(fresh).value());
                                                 // A partitioned node says what it now holds, as at start.
                                                 if (const size_t n = share->Get().commissioners.size(); n > 0) {
                                                   std::printf("csu: node %s: new batches from the database, share "
                                                               "reloaded: %zu records of %zu commissioners\n",
                                                               node.c_str(), held, n);
                                                   std::fflush(stdout);
                                                 }
                                               });
  }

  http::ServerOptions options;
  options.address = listen.value().first;
  options.port = listen.value().second;
  options.worker_threads = workers;  // 0 (one per core) unless partitioned
  if (args.quiet) options.access_log = nullptr;  // stderr otherwise, the default
  // The upload route alone takes a body beyond the 1 MiB of every other
  // request, up to its own bound (docs/http.md, "Limits").
  options.limits.large_bodies = {{"/data/uploads", max_upload_bytes}};
  http::Server server(options, [&app](http::Request& r) { return app.Handle(r); });
  if (Status s = server.Start(); !s.ok()) {
    PrintError(s.error().ToString());
    ::close(sfd);
    return kExitFailure;
  }
  const std::string host = options.address.find(':') != std::string::npos ? "[" + options.address + "]"
                                                                             : options.address;
  std::printf("csu: serving %s on http://%s:%u/ (stop with Ctrl-C or SIGTERM)\n", args.state.data_dir.c_str(),
              host.c_str(), static_cast<unsigned>(server.port()));
  if (server_audit)
    std::printf("csu: server mode: accounts, sessions, the audit log, the batches, contracts, billing and every module's records in %s\n", server_audit->Name().c_str());
  if (server_batches)
    std::printf("csu: server mode: batches from the database: %d taken, %d withdrawn, %d published (generation %lld)\n",
                first_round.adopted, first_round.removed, first_round.published,
                static_cast<long long>(first_round.generation));
  if (follower) follower->Start();
  // A partitioned node takes a new partition map while it runs: it reloads
  // its share and swaps it in with the map, as a new batch is swapped in.
  // Every few seconds it compares the database's map with the one its pages
  // serve, so a reload that raced with another (new batches loaded by the
  // old share) is put right at the next poll.
  std::unique_ptr<PartitionMapWatcher> watcher;
  if (share_commissioners > 0) {
    watcher = std::make_unique<PartitionMapWatcher>(
        PartitionMapWatcher::Options{args.database},
        [reload, &app, share, self = args.node,
         refused = std::optional<store::PartitionMap>()](const store::PartitionMap& read) mutable {
          const MapDecision d = DecideMap(*app.ServedPartitionMap(), read, self);
          if (d.action == MapDecision::kKeep) return;
          if (d.action == MapDecision::kRefuse) {
            if (!refused || !(*refused == read)) std::fprintf(stderr, "csu: %s\n", d.why.c_str());
            refused = read;
            return;
          }
          refused.reset();
          const std::set<std::string> mine = read.CommissionersOf(self);
          share->Set({std::vector<std::string>(mine.begin(), mine.end()),
                      std::make_shared<const store::PartitionMap>(read)});
          auto fresh = reload();
          if (!fresh.ok()) {
            std::fprintf(stderr, "csu: node %s: the new partition map's share could not be loaded (tried again in a "
                                 "few seconds): %s\n",
                         self.c_str(), fresh.error().ToString().c_str());
            return;
          }
          const auto& t = fresh.value().activity->tables;
          const size_t held = t.apc.size() + t.op.size() + t.ae.size();
          std::string groups;
          for (const store::PartitionGroup* g : read.GroupsOf(self)) groups += (groups.empty() ? "" : ", ") + g->name;
          SwapIn(app, std::move(fresh).value());
          std::printf("csu: node %s: the partition map changed: groups %s, %zu records of %zu commissioners loaded\n",
                      self.c_str(), groups.c_str(), held, mine.size());
          if (!d.note.empty()) std::printf("csu: node %s: %s\n", self.c_str(), d.note.c_str());
          std::fflush(stdout);
        });
    watcher->Start();
  }
  if (share_commissioners > 0)
    std::printf("csu: node %s of the partition map: groups %s, %zu records of %zu commissioners loaded\n",
                args.node.c_str(), node_groups.c_str(), share_records, share_commissioners);
  if (platform_date.value())
    std::printf("csu: %s, set for this state folder ('csu store platform-date --clear' to use the real date)\n",
                store::PlatformDateNotice(*platform_date.value(), store::Env::Default().TodayUk()).c_str());
  if (auto users = accounts.value()->ListUsers(); users.ok() && users.value().empty())
    std::printf("csu: no users yet, so nobody can sign in: add one (the server can keep running) with\n"
                "     csu users add --data %s%s NAME --role csu_admin\n",
                args.state.data_dir.c_str(), server_audit ? " --database URL" : "");
  std::fflush(stdout);

  signalfd_siginfo info{};
  while (true) {
    ssize_t n = ::read(sfd, &info, sizeof(info));
    if (n == static_cast<ssize_t>(sizeof(info))) break;
    if (n < 0 && errno == EINTR) continue;
    break;  // cannot happen with a valid signalfd; stop rather than spin
  }
  ::close(sfd);
  std::fprintf(stderr, "csu: %s received; finishing requests in flight\n",
               info.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
  if (watcher) watcher->Stop();
  if (follower) follower->Stop();
  server.Stop();
  // Refusals still being counted are written before the store closes.
  if (Status s = refusals.Flush(); !s.ok())
    std::fprintf(stderr, "csu: refusal summaries could not be written: %s\n", s.error().ToString().c_str());
  std::fprintf(stderr, "csu: stopped\n");
  return kExitOk;
}

}  // namespace

void AddServeCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand("serve",
                                 "Run the web platform (pages, JSON API, exports) on a state folder until SIGTERM or Ctrl-C");
  AddStateOptions(cmd, args->state);
  AddDatabaseOption(cmd, args->database);
  cmd->add_option("--app-database", args->app_database,
                  "Server mode: a postgresql:// URL signing in as the application role, on which a CCG's own pages "
                  "read only that CCG's rows (row-level security; set up with csu app-role; docs/deploy.md)")
      ->envname("CSU_APP_DATABASE_URL");
  cmd->add_option("--listen", args->listen, "Address and port to listen on (port 0: any free port)")
      ->capture_default_str();
  cmd->add_flag("--quiet", args->quiet, "No access log on stderr");
  cmd->add_option("--payroll-key", args->payroll_key,
                  "Payroll key file, outside the state folder (default: $CSU_PAYROLL_KEY_FILE or "
                  "~/.config/opencsu/payroll.key); the payroll pages are off without it");
  cmd->add_option("--chc-key", args->chc_key,
                  "The CHC key file, for the identifiable view of the CHC roles (outside the state folder; "
                  "without it no page can show who a case is)");
  cmd->add_option("--year", args->year, "Financial year the pages show, e.g. 2018/19 (default: the latest with activity)");
  cmd->add_option("--rag", args->rag,
                  "Contract status thresholds, per cent of plan to date over or under: amber then red (default 2,5)");
  cmd->add_option("--node", args->node,
                  "This node's name in the partition map in --database: load only its groups' activity and gather "
                  "views across CCGs from the other nodes (docs/server-mode.md, \"Partitions\")");
  cmd->add_option("--node-secret", args->node_secret,
                  "File of the node-to-node secret (64 hex digits, the same on every node: openssl rand -hex 32)");
  cmd->add_option("--node-ca", args->node_ca,
                  "With https:// node addresses in the partition map: the CA certificates (PEM) that sign the "
                  "nodes' own (default: the system's CAs)");
  cmd->add_flag("--behind-tls", args->behind_tls,
                "Served through a TLS proxy (nginx): session cookies become __Host- prefixed and Secure");
  cmd->callback([&ctx, args] { ctx.action = [&ctx, args] { return Serve(ctx, *args); }; });
}

}  // namespace csu::cli
