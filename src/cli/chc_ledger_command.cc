// `csu ledger chc-accrual propose|post` and `csu ledger chc-forecast`: a
// CCG's continuing healthcare in its ledger (docs/chc.md, "In the ledger"),
// from the packages of chc.sqlite opened without the CHC key (the ledger
// sees cases by number only) and the CCG's ledger. Posting and setting are
// audited; a month's accrual posts once (document CHC-ACCRUAL-YYYY-MM).
// With --database (server mode) the packages are read from PostgreSQL, the
// ledger is opened through OpenLedgerStore and the audit entries go to the
// database's log (cli/server_mode.h).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>

#include "chc/chc_store.h"
#include "cli/chc_open.h"
#include "cli/command.h"
#include "cli/ledger_open.h"
#include "cli/server_mode.h"
#include "cli/state.h"
#include "cli/table_output.h"
#include "core/text.h"
#include "finance/chc_accruals.h"
#include "ledger/journal_format.h"
#include "ledger/ledger_store.h"
#include "ledger/org_directory.h"
#include "store/env.h"
#include "store/sha256.h"

namespace csu::cli {
namespace {

struct ChcLedgerArgs {
  StateArgs state;
  std::string database;  // server mode's postgresql:// URL
  std::string entity, period, reason, format = "table", out;
  bool set = false;
};

// The CCG's packages, or an error naming why not.
Result<std::vector<chc::Package>> CcgPackages(const ChcLedgerArgs& a) {
  CSU_ASSIGN_OR_RETURN(store, OpenChcPseudonymised(a.state.data_dir, a.database));
  if (!store) return MakeError(a.state.data_dir, "there is no continuing healthcare database (chc.sqlite) here");
  return store->Packages(ToUpper(a.entity));
}


int Accrual(const Context& ctx, const ChcLedgerArgs& a, bool post) {
  auto period = ledger::LedgerPeriod::Parse(a.period);
  if (!period.ok()) return Fail("--period: " + period.error().why, kExitUsage);
  if (post && Trim(a.reason).empty()) return Fail("--reason: say why (who reviewed the proposal)", kExitUsage);
  if (!post)
    if (std::string why = CheckTableFormat(a.format, a.out); !why.empty()) return Fail(why, kExitUsage);
  auto o = OpenLedger(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto packages = CcgPackages(a);
  if (!packages.ok()) return Fail(packages.error().ToString());
  auto p = finance::ProposeChcAccrual(packages.value(), *o->db, a.entity, period.value());
  if (!p.ok()) return Fail(p.error().ToString());
  if (!post) return WriteTables({finance::ChcAccrualTable(p.value())}, a.format, a.out);
  const std::string entity = p.value().entity;
  auto already = o->db->FindDocument(entity, finance::ChcAccrualDocument(period.value()));
  if (!already.ok()) return Fail(already.error().ToString());
  if (already.value())
    return Fail(entity + " " + finance::ChcAccrualDocument(period.value()) + ": already posted (journal " +
                std::to_string(already.value()->journal) + "); nothing was posted");
  auto j = finance::ChcAccrualJournal(p.value());
  if (!j.ok()) return Fail(j.error().ToString() + " (nothing was posted)");
  auto b = o->db->RaiseDocument(entity, j.value().txn, {ledger::JournalKind::kManual, a.reason, ""}, j.value().link,
                                ledger::DirectoryOf(*o->state->ref), o->actor);
  if (!b.ok()) return Fail(b.error().ToString() + " (nothing was posted)");
  std::string text;
  ledger::AppendJournalText(j.value().txn, text);
  nlohmann::json details = {{"entity", entity},
                            {"document", j.value().link.document},
                            {"cost_to_date_pence", p.value().cost_ytd.pence()},
                            {"booked_to_date_pence", p.value().spent_ytd.pence()},
                            {"accrual_pence", p.value().accrual.pence()},
                            {"batch", b.value().batch},
                            {"journals", b.value().numbers},
                            {"pending", b.value().pending},
                            {"sha256", store::Sha256Hex(text)}};
  if (!Audit(*o, "ledger.chc_accrual.post", entity, details)) return kExitFailure;
  std::printf("%s %s: accrual %s, journal %lld%s.\n", entity.c_str(), j.value().link.document.c_str(),
              p.value().accrual.ToString().c_str(), static_cast<long long>(b.value().numbers.front()),
              b.value().pending ? ", waiting for a second person's approval (above the threshold)" : "");
  return kExitOk;
}

int Forecast(const Context& ctx, const ChcLedgerArgs& a) {
  auto period = ledger::LedgerPeriod::Parse(a.period);
  if (!period.ok()) return Fail("--period: " + period.error().why, kExitUsage);
  if (a.set && Trim(a.reason).empty()) return Fail("--reason: say why the forecast is set", kExitUsage);
  auto o = OpenLedger(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto packages = CcgPackages(a);
  if (!packages.ok()) return Fail(packages.error().ToString());
  auto f = finance::ProposeChcForecast(packages.value(), *o->db, a.entity, period.value());
  if (!f.ok()) return Fail(f.error().ToString());
  const std::string entity = ToUpper(a.entity);
  std::printf("%s %s:%s at %s: actual to date %s + committed to 31 March %s = forecast outturn %s\n", entity.c_str(),
              finance::kChcCostCentre, finance::kChcExpense, period.value().ToString().c_str(),
              f.value().actual_ytd.ToString().c_str(), f.value().committed.ToString().c_str(),
              f.value().outturn.ToString().c_str());
  if (!f.value().month_accrued)
    std::printf("note: %s is not posted, so the actual to date may leave out care not yet invoiced\n",
                finance::ChcAccrualDocument(period.value()).c_str());
  if (!a.set) return kExitOk;
  ledger::ForecastOverride ov = f.value().override_;
  ov.note += " (" + a.reason + ")";
  auto n = o->db->SetForecast(entity, period.value().year, ov, o->actor);
  if (!n.ok()) return Fail(n.error().ToString() + " (nothing was stored)");
  nlohmann::json details = {{"entity", entity},
                            {"year", period.value().year.ToString()},
                            {"override", n.value()},
                            {"period", period.value().ToString()},
                            {"line", std::string(finance::kChcCostCentre) + ":" + finance::kChcExpense},
                            {"actual_pence", f.value().actual_ytd.pence()},
                            {"committed_pence", f.value().committed.pence()},
                            {"outturn_pence", f.value().outturn.pence()},
                            {"note", ov.note}};
  if (!Audit(*o, "ledger.budget.forecast.chc", entity, details)) return kExitFailure;
  std::printf("%s: forecast override %lld set.\n", entity.c_str(), static_cast<long long>(n.value()));
  return kExitOk;
}

}  // namespace

void AddLedgerChcCommands(CLI::App& led, Context& ctx) {
  CLI::App* acc =
      led.add_subcommand("chc-accrual", "A CCG's month-end continuing healthcare accrual from its live care packages");
  acc->require_subcommand(1);
  for (bool post : {false, true}) {
    auto a = std::make_shared<ChcLedgerArgs>();
    CLI::App* c = acc->add_subcommand(post ? "post" : "propose",
                                      post ? "Post the accrual, reversing next month (once per month)"
                                           : "Show package cost to date per provider less what is booked to date");
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
    c->callback([&ctx, a, post] { ctx.action = [&ctx, a, post] { return Accrual(ctx, *a, post); }; });
  }
  auto a = std::make_shared<ChcLedgerArgs>();
  CLI::App* f = led.add_subcommand(
      "chc-forecast", "The CHC budget line's forecast: actual to date + committed package cost to 31 March");
  AddStateOptions(f, a->state);
  AddDatabaseOption(f, a->database);
  f->add_option("--entity", a->entity, "The CCG's ODS code")->required();
  f->add_option("--period", a->period, "The month it is given at, YYYY-MM")->required();
  f->add_flag("--set", a->set, "Set it as the line's forecast override (audited)");
  f->add_option("--reason", a->reason, "Why (with --set)");
  f->callback([&ctx, a] { ctx.action = [&ctx, a] { return Forecast(ctx, *a); }; });
}

}  // namespace csu::cli
