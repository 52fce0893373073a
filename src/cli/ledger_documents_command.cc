// The sales and purchase ledgers on the command line (docs/ledger.md,
// "Invoices, receipts and payments"):
//   csu ledger post-invoices [--period YYYY-MM]   billing's documents into the ledgers
//   csu ledger receipt|payment --entity CODE --invoice NUMBER --reference REF --on DATE [--amount £]
//   csu ledger accruals propose|post --entity CODE --period YYYY-MM   activity accruals from monitoring
// Joining billing and the ledger happens here (and in src/finance), never in
// either of them (docs/architecture.md).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "analytics/commissioning_views.h"
#include "analytics/monitoring.h"
#include "billing/billing_store.h"
#include "cli/table_output.h"
#include "contracts/contract_store.h"
#include "finance/accruals.h"
#include "pricing/priced_activity.h"
#include "cli/command.h"
#include "cli/ledger_open.h"
#include "cli/server_mode.h"
#include "cli/state.h"
#include "core/text.h"
#include "finance/invoice_posting.h"
#include "ledger/journal_format.h"
#include "ledger/ledger_documents.h"
#include "ledger/ledger_store.h"
#include "ledger/org_directory.h"
#include "store/env.h"
#include "store/sha256.h"

namespace csu::cli {
namespace {

using ledger::LedgerStore;

struct DocArgs {
  StateArgs state;
  std::string database;  // --database: server mode (the ledger, billing, contracts and the audit log)
  std::string period;
  std::string entity, invoice, reference, on, amount;
  std::string reason, format = "table", out;
};

using Opened = OpenedLedger;

// Posts one document's journal and writes its audit entry. Returns "" when
// done, else why not.
std::string PostOne(Opened& o, const std::string& entity, const finance::Posting& p, ledger::JournalKind kind,
                     const std::string& reason, const std::string& action) {
  auto b = o.db->RaiseDocument(entity, p.txn, {kind, reason, ""}, p.link, ledger::DirectoryOf(*o.state->ref), o.actor);
  if (!b.ok()) return b.error().ToString();
  std::string text;
  ledger::AppendJournalText(p.txn, text);
  nlohmann::json details = {{"entity", entity},
                            {"document", p.link.document},
                            {"kind", ledger::DocumentTypeName(p.link.kind)},
                            {"applies_to", p.link.applies_to},
                            {"amount_pence", p.link.amount.pence()},
                            {"batch", b.value().batch},
                            {"journals", b.value().numbers},
                            {"pending", b.value().pending},
                            {"sha256", store::Sha256Hex(text)}};
  if (Status s = o.audit->Append(o.state->actor, action, entity, details.dump()); !s.ok())
    return "posted, but its audit entry could not be written: " + s.error().ToString();
  std::printf("%s %s: journal %lld%s.\n", entity.c_str(), p.link.document.c_str(),
              static_cast<long long>(b.value().numbers.front()),
              b.value().pending ? ", waiting for a second person's approval (above the threshold)" : "");
  return "";
}

int PostInvoices(const Context& ctx, const DocArgs& a) {
  std::optional<billing::Period> only;
  if (!a.period.empty()) {
    auto p = billing::Period::Parse(a.period);
    if (!p.ok()) return Fail("--period: " + p.error().why, kExitUsage);
    only = p.value();
  }
  auto o = OpenLedger(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto bill = OpenBilling(a.state.data_dir, a.database);
  if (!bill.ok()) return Fail(bill.error().ToString());
  auto catalogue = bill.value()->LoadCatalogue();
  auto docs = bill.value()->Documents("");
  auto entities = o->db->Entities();
  if (!catalogue.ok()) return Fail(catalogue.error().ToString());
  if (!docs.ok()) return Fail(docs.error().ToString());
  if (!entities.ok()) return Fail(entities.error().ToString());
  std::string csu;
  std::set<std::string> kept;
  for (const ledger::Entity& e : entities.value()) {
    kept.insert(e.code);
    if (e.kind == ledger::EntityKind::kCsu) {
      if (!csu.empty()) return Fail("ledger.sqlite holds two CSU ledgers (" + csu + ", " + e.code + "): which invoices?");
      csu = e.code;
    }
  }
  if (csu.empty()) return Fail("there is no CSU ledger: create it with 'csu ledger entity add --entity CODE --template data/ledger/csu-chart.csv'");
  auto csu_chart = o->db->Accounts(csu);
  if (!csu_chart.ok()) return Fail(csu_chart.error().ToString());
  int posted = 0, already = 0;
  std::vector<std::string> failed;
  for (const billing::Invoice& inv : docs.value()) {
    if (only && inv.period != *only) continue;
    const std::string reason = std::string(inv.kind == billing::DocumentKind::kInvoice ? "invoice " : "credit note ") +
                               inv.number + " issued by billing";
    // The CSU's side, then the CCG's where its ledger is kept here; each is
    // its own transaction, and each is skipped when already posted, so a
    // run stopped between the two is completed by the next.
    std::vector<std::string> targets = {csu};
    if (kept.count(inv.ccg)) targets.push_back(inv.ccg);
    for (const std::string& entity : targets) {
      auto found = o->db->FindDocument(entity, inv.number);
      if (!found.ok()) return Fail(found.error().ToString());
      if (found.value()) {
        ++already;
        continue;
      }
      Result<finance::Posting> p = MakeError("", "");
      if (entity == csu) {
        p = finance::SellerPosting(inv, catalogue.value(), csu_chart.value(), csu);
      } else {
        auto chart = o->db->Accounts(entity);
        if (!chart.ok()) return Fail(chart.error().ToString());
        p = finance::BuyerPosting(inv, chart.value(), csu);
      }
      std::string why = p.ok() ? PostOne(*o, entity, p.value(), ledger::JournalKind::kDocument, reason,
                                         "ledger.document.post")
                               : p.error().ToString();
      if (why.empty()) {
        ++posted;
      } else {
        failed.push_back(entity + " " + inv.number + ": " + why);
      }
    }
  }
  for (const std::string& f : failed) PrintError(f + " (not posted)");
  std::printf("%d postings made, %d already in the ledgers, %zu not posted.\n", posted, already, failed.size());
  return failed.empty() ? kExitOk : kExitFailure;
}

int Settle(const Context& ctx, const DocArgs& a, ledger::DocumentSide side) {
  auto on = Date::Parse(a.on);
  if (!on.ok()) return Fail("--on: " + on.error().ToString(), kExitUsage);
  std::optional<Money> amount;
  if (!a.amount.empty()) {
    auto m = ledger::ParsePounds(a.amount);
    if (!m.ok() || m.value() <= Money()) return Fail("--amount: not an amount in pounds above £0.00", kExitUsage);
    amount = m.value();
  }
  auto o = OpenLedger(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto e = o->db->GetEntity(a.entity);
  if (!e.ok()) return Fail(e.error().ToString());
  const std::string entity = e.value().code;
  const bool receipt = side == ledger::DocumentSide::kReceivable;
  // Pending settlements count here, so two waiting for approval cannot
  // together settle more than is owed.
  auto items = ledger::OpenItems(*o->db, entity, side, ledger::kEnd(), true);
  if (!items.ok()) return Fail(items.error().ToString());
  const ledger::OpenItem* item = nullptr;
  for (const ledger::OpenItem& i : items.value())
    if (i.invoice.document == a.invoice) item = &i;
  if (item == nullptr)
    return Fail(entity + " " + a.invoice + ": no such invoice in " + entity + "'s " +
                (receipt ? "sales" : "purchase") + " ledger (post it with 'csu ledger post-invoices')");
  if (on.value() < item->invoice.date)
    return Fail(a.invoice + ": money cannot move before the invoice date, " + item->invoice.date.ToString());
  if (item->outstanding <= Money()) return Fail(a.invoice + ": nothing is outstanding on it");
  const Money pay = amount.value_or(item->outstanding);
  if (pay > item->outstanding)
    return Fail(a.invoice + ": " + pay.ToString() + " is more than the " + item->outstanding.ToString() +
                " outstanding (nothing was posted)");
  auto chart = o->db->Accounts(entity);
  if (!chart.ok()) return Fail(chart.error().ToString());
  auto p = finance::Settlement(side, a.reference, a.invoice, item->invoice.counterparty, pay, on.value(), chart.value());
  if (!p.ok()) return Fail(p.error().ToString());
  const std::string reason = std::string(receipt ? "receipt " : "payment ") + a.reference + " for " + a.invoice;
  std::string why = PostOne(*o, entity, p.value(), ledger::JournalKind::kManual, reason,
                            receipt ? "ledger.receipt" : "ledger.payment");
  if (!why.empty()) return Fail(why + " (nothing was posted)");
  return kExitOk;
}

// Proposes (and with `post`, posts) the month's activity accruals of a CCG.
int Accruals(const Context& ctx, const DocArgs& a, bool post) {
  auto period = ledger::LedgerPeriod::Parse(a.period);
  if (!period.ok()) return Fail("--period: " + period.error().why, kExitUsage);
  if (post && Trim(a.reason).empty()) return Fail("--reason: say why (who reviewed the proposal)", kExitUsage);
  if (!post) {
    if (std::string why = CheckTableFormat(a.format, a.out); !why.empty()) return Fail(why, kExitUsage);
  }
  auto o = OpenLedger(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto e = o->db->GetEntity(a.entity);
  if (!e.ok()) return Fail(e.error().ToString());
  if (e.value().kind != ledger::EntityKind::kCcg) return Fail(e.value().code + ": activity accruals are a CCG's");
  auto loaded = pricing::LoadPriced(*o->state->store, *o->state->ref);
  if (!loaded.ok()) return Fail(loaded.error().ToString());
  auto contracts = OpenContracts(a.state.data_dir, a.database);
  if (!contracts.ok()) return Fail(contracts.error().ToString());
  const analytics::CommissioningViews views(loaded.value(), *o->state->ref, *contracts.value());
  analytics::ViewRequest request;
  request.view = "monitoring";
  request.commissioner = e.value().code;
  request.year = period.value().year;
  request.month = period.value().month;
  auto m = views.MonitoringFor(request);
  if (!m.ok()) return Fail(m.error().ToString());
  auto lines = finance::ProposeAccruals(m.value(), *o->db, e.value().code, period.value());
  if (!lines.ok()) return Fail(lines.error().ToString());
  if (!post) return WriteTables({finance::AccrualTable(lines.value(), e.value().code, period.value())}, a.format, a.out);
  auto j = finance::AccrualJournal(lines.value(), e.value().code, period.value());
  if (!j.ok()) return Fail(j.error().ToString() + " (nothing was posted)");
  finance::Posting p{j.value().first, j.value().second};
  std::string why = PostOne(*o, e.value().code, p, ledger::JournalKind::kManual, a.reason, "ledger.accruals.post");
  if (!why.empty()) return Fail(why + " (nothing was posted)");
  return kExitOk;
}

}  // namespace

void AddLedgerDocumentCommands(CLI::App& led, Context& ctx) {
  auto a = std::make_shared<DocArgs>();
  CLI::App* c = led.add_subcommand(
      "post-invoices", "Post billing's issued invoices and credit notes to the CSU's ledger and the CCGs' kept here");
  AddStateOptions(c, a->state);
  AddDatabaseOption(c, a->database);
  c->add_option("--period", a->period, "Only the documents billing this month, YYYY-MM");
  c->callback([&ctx, a] { ctx.action = [&ctx, a] { return PostInvoices(ctx, *a); }; });
  for (auto [name, side, help] :
       {std::tuple{"receipt", ledger::DocumentSide::kReceivable, "Record money received against an invoice issued"},
        std::tuple{"payment", ledger::DocumentSide::kPayable, "Record money paid against an invoice received"}}) {
    a = std::make_shared<DocArgs>();
    c = led.add_subcommand(name, help);
    AddStateOptions(c, a->state);
    AddDatabaseOption(c, a->database);
    c->add_option("--entity", a->entity, "The ledger: the CSU's or a CCG's ODS code")->required();
    c->add_option("--invoice", a->invoice, "The invoice settled, e.g. INV-000001")->required();
    c->add_option("--reference", a->reference, "The bank's or remittance reference (unique in the ledger)")->required();
    c->add_option("--on", a->on, "The day the money moved, YYYY-MM-DD (in an open period)")->required();
    c->add_option("--amount", a->amount, "Amount in pounds (default: all that is outstanding)");
    const ledger::DocumentSide s = side;
    c->callback([&ctx, a, s] { ctx.action = [&ctx, a, s] { return Settle(ctx, *a, s); }; });
  }
  CLI::App* acc = led.add_subcommand("accruals", "A CCG's month-end activity accruals from contract monitoring");
  acc->require_subcommand(1);
  for (bool post : {false, true}) {
    a = std::make_shared<DocArgs>();
    c = acc->add_subcommand(post ? "post" : "propose",
                            post ? "Post the proposal as an accrual reversing next month"
                                 : "Show, per contract, payable to date after the rules less spent to date");
    AddStateOptions(c, a->state);
    AddDatabaseOption(c, a->database);
    c->add_option("--entity", a->entity, "The CCG's ODS code")->required();
    c->add_option("--period", a->period, "The month, YYYY-MM")->required();
    if (post) {
      c->add_option("--reason", a->reason, "Why: who reviewed the proposal")->required();
    } else {
      c->add_option("--format", a->format, "table, csv, json or xlsx")->capture_default_str();
      c->add_option("--out", a->out, "Write to this file instead of standard output");
    }
    c->callback([&ctx, a, post] { ctx.action = [&ctx, a, post] { return Accruals(ctx, *a, post); }; });
  }
}

}  // namespace csu::cli
