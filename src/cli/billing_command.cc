// The CSU's commercial side on the command line (docs/billing.md):
//   csu catalogue load|list        the services and packages it sells
//   csu subscriptions add|list     what each CCG buys, for how long
//   csu population set|list        registered population updates
//   csu usage record|list          usage from the CSU's other systems, and the meters
//   csu invoice run|list|show|credit|verify
//   csu billing report             cost per head, revenue, renewals, forecast
// Every change is written to the state folder's audit log. With --database
// (or CSU_DATABASE_URL) the billing database and the audit log are
// PostgreSQL's instead (server mode, docs/server-mode.md).
#include <algorithm>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <nlohmann/json.hpp>

#include "billing/billing_store.h"
#include "billing/billing_summary.h"
#include "billing/billing_views.h"
#include "billing/invoice_document.h"
#include "billing/invoice_run.h"
#include "cli/command.h"
#include "cli/server_mode.h"
#include "cli/state.h"
#include "store/platform_date.h"
#include "cli/table_output.h"
#include "core/uk_time.h"
#include "core/file.h"
#include "core/text.h"
#include "pg/job_lock.h"
#include "pg/pg_connection.h"
#include "store/env.h"
#include "store/sha256.h"

namespace csu::cli {
namespace {

using billing::BillingStore;
using billing::Period;

struct BillingArgs {
  StateArgs state;
  std::string database;  // server mode: the billing database and the audit log in PostgreSQL
  std::string file;
  std::string ccg;
  std::string item;
  std::string date;  // --start / --from / --on
  int term = 36;
  int notice = 6;
  std::string discount;
  int64_t quantity = -1;
  std::string meter;
  std::string period;
  std::string reference;
  std::string number;
  std::string reason;
  std::string vat_rate = "20";
  std::string view = "all";
  int months = 12;
  bool dry_run = false;
  std::optional<std::string> supplier_name, supplier_address, vat_number, remittance, customer_address;
  std::string purchase_order;
  std::optional<int> payment_days;
  std::string format = "table";
  std::string out;
};

// What every billing command opens: the state folder (for the reference data
// and the audit log, under its lock) and the billing database.
struct Opened {
  std::unique_ptr<State> state;
  std::unique_ptr<BillingStore> db;
  std::unique_ptr<CommandAudit> audit;
  billing::Actor actor;
  Date today;
};

std::optional<Opened> Open(const Context& ctx, const StateArgs& args, const std::string& database) {
  Opened o;
  o.state = OpenOrPrint(ctx, args, Access::kShared);
  if (!o.state) return std::nullopt;
  auto db = OpenBilling(args.data_dir, database);
  if (!db.ok()) {
    PrintError(db.error().ToString());
    return std::nullopt;
  }
  o.db = std::move(db).value();
  auto audit = CommandAudit::Open(*o.state->store, database);
  if (!audit.ok()) {
    PrintError(audit.error().ToString());
    return std::nullopt;
  }
  o.audit = std::move(audit).value();
  std::string now = store::Env::Default().NowUtc();
  const Date real = UkDateOfTimestamp(now).value();
  // A platform date (store/platform_date.h) stands in for today, said on
  // stderr each time; changes are stamped with it at noon UTC, which is
  // that same day in UK time whether GMT or BST.
  auto platform = store::ReadPlatformDate(args.data_dir);
  if (!platform.ok()) {
    PrintError(platform.error().ToString());
    return std::nullopt;
  }
  if (platform.value()) {
    now = platform.value()->ToString() + "T12:00:00Z";
    if (*platform.value() != real)
      std::fprintf(stderr, "csu: %s, set for %s\n", store::PlatformDateNotice(*platform.value(), real).c_str(),
                   args.data_dir.c_str());
  }
  o.actor = {now, "cli:" + o.state->actor};
  o.today = UkDateOfTimestamp(now).value();  // the day of the stamp the changes carry
  return o;
}

bool Audit(Opened& o, const std::string& action, const std::string& subject, const nlohmann::json& details) {
  if (Status s = o.audit->Append(o.state->actor, action, subject, details.dump()); !s.ok()) {
    PrintError("the change was made but its audit entry could not be written: " + s.error().ToString());
    return false;
  }
  return true;
}

std::function<bool(const std::string&)> KnownCcg(const refdata::RefData& ref) {
  return [&ref](const std::string& ccg) {
    Result<OdsCode> code = OdsCode::Parse(ccg);
    return code.ok() && ref.FindCcg(code.value()) != nullptr;
  };
}

// "--ccg: 99X is not a CCG ...; the CSU's customers: 02E, 27D": the CCGs
// with a subscription, so the user sees what to type.
std::string NotACcg(Opened& o, const std::string& ccg) {
  std::string why = "--ccg: " + ccg + " is not a CCG in the reference data";
  std::vector<std::string> held;
  if (auto subs = o.db->Subscriptions(); subs.ok())
    for (const billing::Subscription& s : subs.value())
      if (std::find(held.begin(), held.end(), s.ccg) == held.end()) held.push_back(s.ccg);
  std::sort(held.begin(), held.end());
  if (held.empty()) return why + "; no CCG subscribes yet";
  why += "; the CSU's customers: ";
  for (size_t i = 0; i < held.size(); ++i) why += (i > 0 ? ", " : "") + held[i];
  return why;
}

std::string FileName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// ------------------------------------------------------------------ catalogue

int CatalogueLoad(const Context& ctx, const BillingArgs& a) {
  auto o = Open(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto bytes = ReadFile(a.file);
  if (!bytes.ok()) return Fail(bytes.error().ToString());
  // Who holds a code the file leaves out: the stored catalogue, and the
  // subscriptions to it or to a stored package that includes it.
  auto held = [&o](const std::string& code) -> std::string {
    auto stored = o->db->LoadCatalogue();
    auto subs = o->db->Subscriptions();
    if (!stored.ok() || !subs.ok() || stored.value().History(code).empty()) return "";
    std::string out = code + " is in the stored catalogue";
    std::vector<std::string> by;
    for (const billing::Subscription& s : subs.value()) {
      bool holds = s.item == code;
      for (const billing::ItemVersion& v : stored.value().History(s.item))
        holds |= std::find(v.includes.begin(), v.includes.end(), code) != v.includes.end();
      if (holds)
        by.push_back("subscription " + std::to_string(s.id) + " (" + s.ccg + " " + s.item + " from " +
                     s.start.ToString() + ")");
    }
    for (size_t i = 0; i < by.size(); ++i) out += (i == 0 ? " and held by " : i + 1 == by.size() ? " and " : ", ") + by[i];
    return out;
  };
  auto versions = billing::ReadCatalogueFile(a.file, held);
  if (!versions.ok()) return Fail(versions.error().ToString() + " (nothing was loaded)");
  auto added = o->db->AddVersions(versions.value(), o->actor);
  if (!added.ok()) return Fail(added.error().ToString() + " (nothing was loaded)");
  const int64_t n = static_cast<int64_t>(versions.value().size());
  nlohmann::json details = {{"file", FileName(a.file)}, {"sha256", store::Sha256Hex(bytes.value())},
                            {"versions", n}, {"new", added.value()}};
  if (!Audit(*o, "billing.catalogue.load", FileName(a.file), details)) return kExitFailure;
  std::printf("Loaded %s: %lld versions, %lld new, %lld already held.\n", FileName(a.file).c_str(),
              static_cast<long long>(n), static_cast<long long>(added.value()),
              static_cast<long long>(n - added.value()));
  return kExitOk;
}

int CatalogueList(const Context& ctx, const BillingArgs& a) {
  auto o = Open(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  Date on = o->today;
  if (!a.date.empty()) {
    auto d = Date::Parse(a.date);
    if (!d.ok()) return Fail("--on: " + d.error().ToString(), kExitUsage);
    on = d.value();
  }
  auto cat = o->db->LoadCatalogue();
  if (!cat.ok()) return Fail(cat.error().ToString());
  if (cat.value().empty())
    return Fail("the catalogue is empty; load one with: csu catalogue load --data " + a.state.data_dir + " FILE");
  return WriteTables({billing::CatalogueTable(cat.value(), on)}, a.format, a.out);
}

// -------------------------------------------------------------- subscriptions

int SubscriptionsAdd(const Context& ctx, const BillingArgs& a) {
  billing::Subscription s;
  s.ccg = a.ccg;
  s.item = a.item;
  s.purchase_order = a.purchase_order;
  auto start = Date::Parse(a.date);
  if (!start.ok()) return Fail("--start: " + start.error().ToString(), kExitUsage);
  s.start = start.value();
  s.term_months = a.term;
  s.notice_months = a.notice;
  if (!a.discount.empty()) {
    std::optional<int64_t> bp = billing::ParsePercentBp(a.discount);
    if (!bp) return Fail("--discount: \"" + a.discount + "\" is not a percentage such as 5 or 2.5%", kExitUsage);
    s.discount_bp = *bp;
  }
  auto o = Open(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto added = o->db->AddSubscription(s, KnownCcg(*o->state->ref), o->actor);
  if (!added.ok()) return Fail(added.error().ToString() + " (nothing was added)");
  const billing::Subscription& n = added.value();
  nlohmann::json details = {{"id", n.id},           {"ccg", n.ccg},         {"item", n.item},
                            {"start", n.start.ToString()}, {"term_months", n.term_months},
                            {"notice_months", n.notice_months}, {"discount_bp", n.discount_bp}};
  if (!Audit(*o, "billing.subscription.add", n.ccg, details)) return kExitFailure;
  std::printf("Subscription %lld: %s takes %s from %s for %d months (ends before %s; notice by %s)%s.\n",
              static_cast<long long>(n.id), n.ccg.c_str(), n.item.c_str(), n.start.ToString().c_str(),
              n.term_months, n.end().ToString().c_str(), n.notice_date().ToString().c_str(),
              n.discount_bp ? (", " + billing::PercentText(n.discount_bp) + " discount").c_str() : "");
  return kExitOk;
}

int SubscriptionsList(const Context& ctx, const BillingArgs& a) {
  auto o = Open(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto cat = o->db->LoadCatalogue();
  auto subs = o->db->Subscriptions();
  if (!cat.ok()) return Fail(cat.error().ToString());
  if (!subs.ok()) return Fail(subs.error().ToString());
  const std::string ccg = a.ccg.empty() ? "" : billing::CanonicalCcg(a.ccg);
  return WriteTables({billing::SubscriptionsTable(subs.value(), cat.value(), ccg, o->today)}, a.format, a.out);
}

// ----------------------------------------------------------------- population

int PopulationSet(const Context& ctx, const BillingArgs& a) {
  auto from = Date::Parse(a.date);
  if (!from.ok()) return Fail("--from: " + from.error().ToString(), kExitUsage);
  auto o = Open(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  if (!KnownCcg(*o->state->ref)(a.ccg)) return Fail(NotACcg(*o, a.ccg), kExitUsage);
  if (Status s = o->db->SetPopulation(a.ccg, from.value(), a.quantity, o->actor); !s.ok())
    return Fail(s.error().ToString() + " (nothing was changed)");
  nlohmann::json details = {{"ccg", a.ccg}, {"from", from.value().ToString()}, {"patients", a.quantity}};
  if (!Audit(*o, "billing.population.set", a.ccg, details)) return kExitFailure;
  std::printf("%s: %s registered patients from %s.\n", a.ccg.c_str(), WithThousands(a.quantity).c_str(),
              from.value().ToString().c_str());
  return kExitOk;
}

int PopulationList(const Context& ctx, const BillingArgs& a) {
  auto o = Open(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto updates = o->db->PopulationUpdates();
  auto subs = o->db->Subscriptions();
  if (!updates.ok()) return Fail(updates.error().ToString());
  if (!subs.ok()) return Fail(subs.error().ToString());
  report::ReportTable t{"Registered population",
                        {{"ccg", report::ColumnType::kText, "CCG"},
                         {"effective_from", report::ColumnType::kText, "From"},
                         {"patients", report::ColumnType::kInteger, "Registered patients"},
                         {"source", report::ColumnType::kText, "Source"}}};
  std::set<std::string> ccgs;
  for (const auto& s : subs.value()) ccgs.insert(s.ccg);
  for (const auto& u : updates.value()) ccgs.insert(u.ccg);
  for (const std::string& ccg : ccgs) {
    std::optional<int64_t> base = billing::PopulationIn(ccg, Period(1970, 1), {}, *o->state->ref);
    t.AddRow({report::Cell::Text(ccg), report::Cell::Text(""),
              base ? report::Cell::Integer(*base) : report::Cell{},
              report::Cell::Text("GP practice lists, January 2021 (reference data)")});
    for (const auto& u : updates.value())
      if (u.ccg == ccg)
        t.AddRow({report::Cell::Text(ccg), report::Cell::Text(u.effective_from.ToString()),
                  report::Cell::Integer(u.patients), report::Cell::Text("set " + u.set_at + " by " + u.set_by)});
  }
  return WriteTables({t}, a.format, a.out);
}

// ---------------------------------------------------------------------- usage

int UsageRecord(const Context& ctx, const BillingArgs& a) {
  auto period = Period::Parse(a.period);
  if (!period.ok()) return Fail("--period: " + period.error().ToString(), kExitUsage);
  auto o = Open(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  if (!KnownCcg(*o->state->ref)(a.ccg)) return Fail(NotACcg(*o, a.ccg), kExitUsage);
  auto counted = o->db->RecordUsage(a.ccg, period.value(), a.meter, a.quantity, a.reference, o->actor);
  if (!counted.ok()) return Fail(counted.error().ToString() + " (nothing was recorded)");
  if (!counted.value()) {
    std::printf("Reference %s was recorded before with the same figures: nothing new counted.\n", a.reference.c_str());
    return kExitOk;
  }
  nlohmann::json details = {{"ccg", a.ccg}, {"period", period.value().ToString()}, {"meter", a.meter},
                            {"quantity", a.quantity}, {"reference", a.reference}};
  if (!Audit(*o, "billing.usage.record", a.ccg, details)) return kExitFailure;
  std::printf("%s %s: %s %s recorded (reference %s).\n", a.ccg.c_str(), period.value().ToString().c_str(),
              WithThousands(a.quantity).c_str(), a.meter.c_str(), a.reference.c_str());
  return kExitOk;
}

int UsageList(const Context& ctx, const BillingArgs& a) {
  auto o = Open(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto rows = o->db->Usage(a.ccg);
  if (!rows.ok()) return Fail(rows.error().ToString());
  return WriteTables({billing::UsageTable(rows.value())}, a.format, a.out);
}

// -------------------------------------------------------------------- invoice

int InvoiceRun(const Context& ctx, const BillingArgs& a) {
  auto period = Period::Parse(a.period);
  if (!period.ok()) return Fail("--period: " + period.error().ToString(), kExitUsage);
  std::optional<int64_t> rate = billing::ParsePercentBp(a.vat_rate);
  if (!rate || *rate < 0 || *rate > 10000)
    return Fail("--vat-rate: \"" + a.vat_rate + "\" is not a percentage 0–100 such as 20", kExitUsage);
  // Server mode: the run is a singleton job across machines (its lock is
  // held until this function returns); a dry run issues nothing, so it
  // needs none.
  std::unique_ptr<pg::JobLock> job;
  if (!a.database.empty() && !a.dry_run) {
    if (!pg::IsPostgresUrl(a.database)) return Fail("--database: must be a postgresql:// URL (docs/server-mode.md)");
    auto taken = pg::JobLock::Take(a.database, billing::kInvoiceRunJobLock, "invoice run");
    if (!taken.ok()) return Fail(taken.error().ToString());
    job = std::move(taken).value();
  }
  auto o = Open(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  billing::InvoiceRunOptions options{*rate, o->today, a.dry_run};
  billing::MayContinue still_held = nullptr;
  if (job) still_held = [&job] { return job->StillHeld(); };
  auto run = billing::RunInvoices(*o->db, *o->state->ref, period.value(), options, o->actor, still_held);
  if (!run.ok()) return Fail(run.error().ToString());
  for (const billing::Invoice& inv : run.value().issued) {
    if (a.dry_run) continue;
    nlohmann::json details = {{"number", inv.number}, {"ccg", inv.ccg}, {"period", inv.period.ToString()},
                              {"net_pence", inv.net.pence()}, {"vat_pence", inv.vat.pence()},
                              {"total_pence", inv.total.pence()}, {"sha256", inv.sha256}};
    if (!Audit(*o, "billing.invoice.issue", inv.ccg, details)) return kExitFailure;
  }
  if (run.value().stopped) {
    for (const billing::Invoice& inv : run.value().issued) std::printf("%-12s %-5s issued\n", inv.number.c_str(),
                                                                         inv.ccg.c_str());
    return Fail(run.value().stopped->ToString());
  }
  if (a.format == "json") {
    nlohmann::json out = {{"period", period.value().ToString()}, {"dry_run", a.dry_run},
                          {"issued", nlohmann::json::array()}, {"already_issued", run.value().already},
                          {"nothing_to_charge", run.value().nothing_to_charge}};
    for (const auto& inv : run.value().issued) out["issued"].push_back(nlohmann::json::parse(billing::CanonicalJson(inv)));
    std::printf("%s\n", out.dump(2).c_str());
    return kExitOk;
  }
  Money total;
  for (const auto& inv : run.value().issued) {
    std::printf("%-12s %-5s %-40s net %14s  VAT %13s  total %14s\n",
                a.dry_run ? "(dry run)" : inv.number.c_str(), inv.ccg.c_str(), inv.ccg_name.c_str(),
                inv.net.ToString().c_str(), inv.vat.ToString().c_str(), inv.total.ToString().c_str());
    total += inv.total;
  }
  for (const std::string& ccg : run.value().nothing_to_charge)
    std::printf("%-12s %-5s nothing to charge this month: no invoice\n", "", ccg.c_str());
  for (const std::string& n : run.value().already) std::printf("%-12s already issued for %s: left as it is\n", n.c_str(),
                                                               period.value().ToString().c_str());
  std::printf("%s: %zu invoice%s %s, total %s; %zu already issued.\n", period.value().Name().c_str(),
              run.value().issued.size(), run.value().issued.size() == 1 ? "" : "s",
              a.dry_run ? "computed (nothing issued)" : "issued", total.ToString().c_str(),
              run.value().already.size());
  if (run.value().issued.empty() && run.value().already.empty())
    std::printf("No subscription covers %s: load a catalogue and add subscriptions first.\n",
                period.value().ToString().c_str());
  return kExitOk;
}

int InvoiceList(const Context& ctx, const BillingArgs& a) {
  auto o = Open(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto docs = o->db->Documents(a.ccg);
  if (!docs.ok()) return Fail(docs.error().ToString());
  return WriteTables({billing::DocumentsTable(docs.value())}, a.format, a.out);
}

int InvoiceShow(const Context& ctx, const BillingArgs& a) {
  if (a.format != "text" && a.format != "json" && a.format != "html" && a.format != "xlsx")
    return Fail("--format: \"" + a.format + "\" is not text, json, html or xlsx", kExitUsage);
  if (a.format == "xlsx" && a.out.empty())
    return Fail("--format xlsx writes a workbook: give the file name with --out FILE.xlsx", kExitUsage);
  auto o = Open(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto doc = o->db->Document(a.number);
  if (!doc.ok()) return Fail(doc.error().ToString());
  if (!doc.value()) return Fail(a.number + ": no such invoice or credit note (csu invoice list shows them)");
  const billing::Invoice& inv = *doc.value();
  if (!a.out.empty() && !Audit(*o, "billing.invoice.export", inv.ccg,
                               {{"number", inv.number}, {"format", a.format}, {"file", a.out}}))
    return kExitFailure;
  if (a.format == "xlsx") {
    if (Status s = billing::WriteInvoiceXlsx(a.out, inv); !s.ok()) return Fail(s.error().ToString());
    std::fprintf(stderr, "wrote %s\n", a.out.c_str());
    return kExitOk;
  }
  std::string text = a.format == "json"   ? nlohmann::json::parse(billing::CanonicalJson(inv)).dump(2) + "\n"
                     : a.format == "html" ? billing::InvoiceHtml(inv, "")
                                          : billing::InvoiceText(inv);
  if (a.out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return kExitOk;
  }
  AtomicFileWriter w(a.out);
  Status s = w.Open();
  if (s.ok()) {
    w.Append(text);
    s = w.Commit();
  }
  if (!s.ok()) return Fail(s.error().ToString());
  std::fprintf(stderr, "wrote %s\n", a.out.c_str());
  return kExitOk;
}

int InvoiceCredit(const Context& ctx, const BillingArgs& a) {
  auto o = Open(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto cn = o->db->Credit(a.number, a.reason, o->actor);
  if (!cn.ok()) return Fail(cn.error().ToString() + " (nothing was issued)");
  nlohmann::json details = {{"number", cn.value().number}, {"credits", a.number}, {"reason", a.reason},
                            {"total_pence", cn.value().total.pence()}, {"sha256", cn.value().sha256}};
  if (!Audit(*o, "billing.credit_note.issue", cn.value().ccg, details)) return kExitFailure;
  std::printf("%s issued: credits %s in full (%s). Re-run the month to issue a replacement invoice.\n",
              cn.value().number.c_str(), a.number.c_str(), cn.value().total.ToString().c_str());
  return kExitOk;
}

int InvoiceSettings(const Context& ctx, const BillingArgs& a) {
  auto o = Open(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto current = o->db->GetSupplier();
  if (!current.ok()) return Fail(current.error().ToString());
  billing::Supplier s = current.value();
  const bool change = a.supplier_name || a.supplier_address || a.vat_number || a.payment_days || a.remittance;
  if (a.customer_address && a.ccg.empty()) return Fail("--customer-address needs --ccg", kExitUsage);
  if (a.supplier_name) s.name = *a.supplier_name;
  if (a.supplier_address) s.address = *a.supplier_address;
  if (a.vat_number) s.vat_number = *a.vat_number;
  if (a.payment_days) s.payment_days = *a.payment_days;
  if (a.remittance) s.remittance = *a.remittance;
  if (a.customer_address) {
    if (Status st = o->db->SetCustomerAddress(a.ccg, *a.customer_address, o->actor); !st.ok())
      return Fail(st.error().ToString() + " (nothing was changed)");
    if (!Audit(*o, "billing.customer", a.ccg, {{"address", *a.customer_address}})) return kExitFailure;
  }
  if (change) {
    if (Status st = o->db->SetSupplier(s); !st.ok()) return Fail(st.error().ToString() + " (nothing was changed)");
    nlohmann::json details = {{"supplier_name", s.name}, {"supplier_address", s.address},
                              {"supplier_vat_number", s.vat_number}, {"payment_days", s.payment_days},
                              {"remittance", s.remittance}};
    if (!Audit(*o, "billing.settings", "supplier", details)) return kExitFailure;
  }
  std::printf("Supplier          %s\nAddress           %s\nVAT registration  %s\nPayment terms     %d days\n"
              "Remittance        %s\n",
              s.name.empty() ? "(not set: csu invoice settings --supplier-name ...)" : s.name.c_str(),
              s.address.c_str(), s.vat_number.empty() ? "(none)" : s.vat_number.c_str(), s.payment_days,
              s.remittance.empty() ? "(not set: csu invoice settings --remittance ...)" : s.remittance.c_str());
  if (!a.ccg.empty()) {
    auto address = o->db->CustomerAddress(a.ccg);
    if (!address.ok()) return Fail(address.error().ToString());
    std::printf("%-18s%s\n", (a.ccg + " address").c_str(),
                address.value().empty() ? "(not set: --ccg CODE --customer-address ...)" : address.value().c_str());
  }
  if (change) std::printf("Documents issued from now on carry these; those already issued keep theirs.\n");
  return kExitOk;
}

int InvoiceVerify(const Context& ctx, const BillingArgs& a) {
  auto o = Open(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto problems = o->db->Verify();
  if (!problems.ok()) return Fail(problems.error().ToString());
  auto docs = o->db->Documents("");
  if (!docs.ok()) return Fail(docs.error().ToString());
  std::vector<std::string> all = problems.value();
  // The audit log, itself hash-chained, recorded each document's fingerprint
  // when it was issued.
  if (auto chain = o->audit->Verify(); !chain.ok()) {
    all.push_back("the audit log's hash chain is broken: " + chain.error().ToString());
  } else if (auto entries = o->audit->Entries(); !entries.ok()) {
    return Fail(entries.error().ToString());
  } else {
    std::vector<std::pair<std::string, std::string>> audited;
    for (const store::AuditEntry& e : entries.value()) {
      if (e.action != "billing.invoice.issue" && e.action != "billing.credit_note.issue") continue;
      auto j = nlohmann::json::parse(e.details, nullptr, false);
      if (j.is_discarded() || !j.contains("number") || !j.contains("sha256")) {
        all.push_back("audit entry " + std::to_string(e.seq) + " names no document");
        continue;
      }
      audited.emplace_back(j["number"].get<std::string>(), j["sha256"].get<std::string>());
    }
    for (std::string& p : billing::CheckAgainstAudit(docs.value(), audited)) all.push_back(std::move(p));
  }
  for (const std::string& p : all) std::printf("PROBLEM %s\n", p.c_str());
  if (!all.empty()) return kExitFailure;
  std::printf("%zu documents: every fingerprint and total matches, numbers have no gaps, and each matches the "
              "fingerprint the audit log recorded when it was issued.\n",
              docs.value().size());
  return kExitOk;
}

// -------------------------------------------------------------------- reports

int BillingReport(const Context& ctx, const BillingArgs& a) {
  static const std::vector<std::string> kViews = {"cost-per-head", "revenue", "renewals", "forecast", "all"};
  if (std::find(kViews.begin(), kViews.end(), a.view) == kViews.end())
    return Fail("--view: \"" + a.view + "\" is not cost-per-head, revenue, renewals, forecast or all", kExitUsage);
  if (std::string problem = CheckTableFormat(a.format, a.out); !problem.empty()) return Fail(problem, kExitUsage);
  if (a.months < 1 || a.months > 120) return Fail("--months: must be 1–120", kExitUsage);
  auto o = Open(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  billing::CsuBillingOptions options;
  options.today = o->today;
  options.months_ahead = a.months;
  if (!a.period.empty()) {
    auto p = Period::Parse(a.period);
    if (!p.ok()) return Fail("--through: " + p.error().ToString(), kExitUsage);
    options.through = p.value();
  }
  if (!a.date.empty()) {
    auto d = Date::Parse(a.date);
    if (!d.ok()) return Fail("--as-of: " + d.error().ToString(), kExitUsage);
    options.as_of = d.value();
  }
  auto csu = billing::CsuBillingFor(*o->db, *o->state->ref, options);
  if (!csu.ok()) return Fail(csu.error().ToString());
  std::vector<report::ReportTable> tables;
  const bool all = a.view == "all";
  if (all || a.view == "cost-per-head") tables.push_back(csu.value().cost_per_head);
  if (all || a.view == "revenue") {
    tables.push_back(csu.value().revenue_by_service);
    tables.push_back(csu.value().revenue_by_customer);
  }
  if (all || a.view == "renewals") tables.push_back(csu.value().renewals);
  if (all || a.view == "forecast") tables.push_back(csu.value().forecast);
  return WriteTables(tables, a.format, a.out);
}

// Adds the options every billing subcommand shares and sets its action.
CLI::App* Sub(CLI::App* parent, Context& ctx, const char* name, const char* help,
              std::shared_ptr<BillingArgs> args, int (*fn)(const Context&, const BillingArgs&)) {
  CLI::App* cmd = parent->add_subcommand(name, help);
  AddStateOptions(cmd, args->state);
  AddDatabaseOption(cmd, args->database);
  cmd->callback([&ctx, args, fn] { ctx.action = [&ctx, args, fn] { return fn(ctx, *args); }; });
  return cmd;
}

void TableOptions(CLI::App* cmd, BillingArgs& a) {
  cmd->add_option("--format", a.format, "table, csv, json or xlsx")->capture_default_str();
  cmd->add_option("--out", a.out, "Write to this file instead of standard output");
}

}  // namespace

void AddBillingCommands(CLI::App& app, Context& ctx) {
  CLI::App* cat = app.add_subcommand("catalogue", "The services and packages the CSU sells (docs/formats/catalogue-v1.md)");
  cat->require_subcommand(1);
  auto a = std::make_shared<BillingArgs>();
  Sub(cat, ctx, "load", "Add the versions in a catalogue CSV file; versions already held must be identical", a,
      CatalogueLoad)
      ->add_option("FILE", a->file, "Catalogue CSV")
      ->required();
  a = std::make_shared<BillingArgs>();
  CLI::App* c = Sub(cat, ctx, "list", "List the items and the prices in force", a, CatalogueList);
  c->add_option("--on", a->date, "Prices in force on this date (default: today)");
  TableOptions(c, *a);

  CLI::App* subs = app.add_subcommand("subscriptions", "What each CCG buys: services and packages, terms and discounts");
  subs->require_subcommand(1);
  a = std::make_shared<BillingArgs>();
  c = Sub(subs, ctx, "add", "Subscribe a CCG to a service or package (refuses overlaps and terms outside 18–60 months)",
          a, SubscriptionsAdd);
  c->add_option("--ccg", a->ccg, "The CCG's ODS code")->required()->transform(UpperCaseCode);
  c->add_option("--item", a->item, "Service or package code")->required();
  c->add_option("--start", a->date, "First day of a month, e.g. 2018-04-01")->required();
  c->add_option("--term", a->term, "Term in months, 18–60")->capture_default_str();
  c->add_option("--notice", a->notice, "Notice period in months, 0–12")->capture_default_str();
  c->add_option("--discount", a->discount, "Discount on every line, e.g. 5 or 2.5%");
  c->add_option("--po", a->purchase_order, "The CCG's purchase-order number for it, quoted on its invoices");
  a = std::make_shared<BillingArgs>();
  c = Sub(subs, ctx, "list", "List subscriptions with their end and notice dates", a, SubscriptionsList);
  c->add_option("--ccg", a->ccg, "Only this CCG")->transform(UpperCaseCode);
  TableOptions(c, *a);

  CLI::App* pop = app.add_subcommand("population", "Registered population used for per-head charges");
  pop->require_subcommand(1);
  a = std::make_shared<BillingArgs>();
  c = Sub(pop, ctx, "set", "Record a CCG's registered population from the first day of a month", a, PopulationSet);
  c->add_option("--ccg", a->ccg, "The CCG's ODS code")->required()->transform(UpperCaseCode);
  c->add_option("--from", a->date, "First day of a month, e.g. 2018-07-01")->required();
  c->add_option("--patients", a->quantity, "Registered patients")->required();
  a = std::make_shared<BillingArgs>();
  c = Sub(pop, ctx, "list", "List the reference populations and the updates recorded", a, PopulationList);
  TableOptions(c, *a);

  CLI::App* usage = app.add_subcommand("usage", "Metered usage per CCG and month");
  usage->require_subcommand(1);
  a = std::make_shared<BillingArgs>();
  c = Sub(usage, ctx, "record",
          "Record usage from the CSU's other systems (payslips, procurements, chc_assessments, transactions, "
          "it_tickets); a reference makes retries safe; a negative quantity corrects an over-count",
          a, UsageRecord);
  c->add_option("--ccg", a->ccg, "The CCG's ODS code")->required()->transform(UpperCaseCode);
  c->add_option("--period", a->period, "Month, e.g. 2018-06")->required();
  c->add_option("--meter", a->meter, "What was used, e.g. payslips")->required();
  c->add_option("--quantity", a->quantity, "How many")->required();
  c->add_option("--ref", a->reference, "A reference unique to this usage, e.g. the payroll run's id")->required();
  a = std::make_shared<BillingArgs>();
  c = Sub(usage, ctx, "list", "List usage by CCG, month and meter (platform meters and recorded usage)", a, UsageList);
  c->add_option("--ccg", a->ccg, "Only this CCG")->transform(UpperCaseCode);
  TableOptions(c, *a);

  CLI::App* inv = app.add_subcommand("invoice", "Monthly invoices and credit notes (docs/billing.md)");
  inv->require_subcommand(1);
  a = std::make_shared<BillingArgs>();
  c = Sub(inv, ctx, "run", "Issue each subscribed CCG's invoice for an ended month; a re-run issues nothing twice", a,
          InvoiceRun);
  c->add_option("--period", a->period, "Month, e.g. 2018-06")->required();
  c->add_option("--vat-rate", a->vat_rate, "Standard VAT rate in per cent")->capture_default_str();
  c->add_flag("--dry-run", a->dry_run, "Compute and show the invoices, issue nothing");
  c->add_option("--format", a->format, "table or json")->capture_default_str();
  a = std::make_shared<BillingArgs>();
  c = Sub(inv, ctx, "list", "List invoices and credit notes", a, InvoiceList);
  c->add_option("--ccg", a->ccg, "Only this CCG")->transform(UpperCaseCode);
  TableOptions(c, *a);
  a = std::make_shared<BillingArgs>();
  a->format = "text";
  c = Sub(inv, ctx, "show", "Show one invoice or credit note as text, JSON, a printable HTML page or a workbook", a,
          InvoiceShow);
  c->add_option("NUMBER", a->number, "e.g. INV-000001")->required();
  c->add_option("--format", a->format, "text, json, html or xlsx")->capture_default_str();
  c->add_option("--out", a->out, "Write to this file");
  a = std::make_shared<BillingArgs>();
  c = Sub(inv, ctx, "credit", "Issue a credit note reversing an invoice in full", a, InvoiceCredit);
  c->add_option("NUMBER", a->number, "The invoice, e.g. INV-000001")->required();
  c->add_option("--reason", a->reason, "Why (shown on the credit note)")->required();
  a = std::make_shared<BillingArgs>();
  c = Sub(inv, ctx, "settings", "Show or set the supplier details and payment terms printed on new invoices", a,
          InvoiceSettings);
  c->add_option("--supplier-name", a->supplier_name, "The CSU's legal name");
  c->add_option("--supplier-address", a->supplier_address, "Its postal address, one line");
  c->add_option("--vat-number", a->vat_number, "Its VAT registration number, e.g. GB 123 4567 89");
  c->add_option("--payment-days", a->payment_days, "Payment terms in days (default 30)");
  c->add_option("--remittance", a->remittance,
                "How to pay, as printed: the CSU's bank, sort code and account (configuration, not checked)");
  c->add_option("--ccg", a->ccg, "With --customer-address: the CCG whose invoice address it is")
      ->transform(UpperCaseCode);
  c->add_option("--customer-address", a->customer_address, "The CCG's invoice address, one line");
  a = std::make_shared<BillingArgs>();
  Sub(inv, ctx, "verify", "Check every issued document against its fingerprint, and that numbers have no gaps", a,
      InvoiceVerify);

  CLI::App* bill = app.add_subcommand("billing", "The CSU's commercial position");
  bill->require_subcommand(1);
  a = std::make_shared<BillingArgs>();
  c = Sub(bill, ctx, "report", "Cost per head, revenue by service and customer, renewals and the revenue forecast", a,
          BillingReport);
  c->add_option("--view", a->view, "cost-per-head, revenue, renewals, forecast or all")->capture_default_str();
  c->add_option("--through", a->period, "Last month of the revenue figures (default: the latest invoiced)");
  c->add_option("--as-of", a->date, "Date renewals and the forecast look ahead from (default: the day after the latest invoiced month)");
  c->add_option("--months", a->months, "Months ahead for renewals and the forecast")->capture_default_str();
  TableOptions(c, *a);
}

}  // namespace csu::cli
