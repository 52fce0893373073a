// The general ledger on the command line (docs/ledger.md):
//   csu ledger entity add|list             ledgers and their charts of accounts
//   csu ledger accounts                    an entity's chart
//   csu ledger period open|close|lock      financial periods
//   csu ledger post|import FILE            journals from a journal or CSV file
//   csu ledger approve|reverse|year-end    second approval, corrections, the close
//   csu ledger journals|export|report      what is in the ledger
// Every change is written to the hash-chained audit log: the state folder's,
// or PostgreSQL's with --database (server mode, where the ledger is too).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "cli/command.h"
#include "cli/ledger_open.h"
#include "cli/server_mode.h"
#include "cli/state.h"
#include "cli/table_output.h"
#include "core/file.h"
#include "core/text.h"
#include "ledger/journal_format.h"
#include "ledger/ledger_documents.h"
#include "ledger/ledger_reports.h"
#include "ledger/ledger_store.h"
#include "ledger/org_directory.h"
#include "store/env.h"
#include "store/sha256.h"

namespace csu::cli {
namespace {

using ledger::LedgerStore;

struct LedgerArgs {
  StateArgs state;
  std::string database;  // --database: server mode
  std::string entity;
  std::string file;
  std::string template_file;
  std::string approval_above;
  std::string period, year, from, to, on;
  std::string reason;
  std::string view;
  int64_t batch = 0;
  int64_t journal = 0;
  std::string format = "table";
  std::string out;
  std::string allowance_per_head, population;  // the position view
};

using Opened = OpenedLedger;

std::string Pounds(Money m) { return m.ToString(); }

// The journals of a batch as journal text and its SHA-256: the audit entry's
// fingerprint of exactly what was posted, read back from the ledger in one
// query (a journal at a time cost three queries each: most of an import's
// time at 100,000 journals).
std::string BatchFingerprint(LedgerStore& db, const std::string& entity, const ledger::BatchOutcome& b) {
  std::string text;
  auto journals = db.JournalsOfBatch(entity, b.batch);
  if (journals.ok())
    for (const ledger::Journal& j : journals.value()) ledger::AppendJournalText(j.txn, text);
  return store::Sha256Hex(text);
}

// The same fingerprint from the transactions a batch was raised with: the
// store keeps every field the journal text shows exactly as given (the
// export round trip tests it), so the text is the one read back would give,
// without reading a large import back (a sixth of its time).
std::string BatchFingerprint(const std::vector<ledger::Transaction>& txns) {
  std::string text;
  for (const ledger::Transaction& t : txns) ledger::AppendJournalText(t, text);
  return store::Sha256Hex(text);
}

nlohmann::json BatchDetails(LedgerStore& db, const std::string& entity, const ledger::BatchOutcome& b) {
  return {{"batch", b.batch},
          {"journals", b.numbers},
          {"postings", b.postings},
          {"debits_pence", b.debits.pence()},
          {"pending", b.pending},
          {"accrual_reversals", b.reversals},
          {"sha256", BatchFingerprint(db, entity, b)}};
}

// ---------------------------------------------------------------- entities

int EntityAdd(const Context& ctx, const LedgerArgs& a) {
  Money threshold = Money::FromPounds(10'000);
  if (!a.approval_above.empty()) {
    auto m = ledger::ParsePounds(a.approval_above);
    if (!m.ok() || m.value() < Money()) return Fail("--approval-above: not an amount in pounds", kExitUsage);
    threshold = m.value();
  }
  auto o = OpenLedger(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto code = OdsCode::Parse(a.entity);
  if (!code.ok()) return Fail("--entity: " + code.error().ToString(), kExitUsage);
  ledger::Entity e;
  e.code = std::string(code.value().view());
  e.approval_threshold = threshold;
  if (const auto* ccg = o->state->ref->FindCcg(code.value())) {
    e.kind = ledger::EntityKind::kCcg;
    e.name = ccg->name;
  } else if (const auto* csu = o->state->ref->FindCsu(code.value())) {
    e.kind = ledger::EntityKind::kCsu;
    e.name = csu->name;
  } else {
    return Fail("--entity: " + e.code + " is neither a CCG nor a CSU in the reference data");
  }
  auto text = ReadFile(a.template_file);
  if (!text.ok()) return Fail(text.error().ToString());
  auto chart = ledger::ParseChartTemplate(text.value(), a.template_file);
  if (!chart.ok()) return Fail(chart.error().ToString() + " (nothing was created)");
  auto added = o->db->AddEntity(e, chart.value(), o->actor);
  if (!added.ok()) return Fail(added.error().ToString() + " (nothing was created)");
  nlohmann::json details = {{"entity", e.code}, {"kind", ledger::EntityKindName(e.kind)},
                            {"template", FileName(a.template_file)}, {"sha256", store::Sha256Hex(text.value())},
                            {"accounts", chart.value().accounts.size()},
                            {"approval_threshold_pence", threshold.pence()}};
  if (!Audit(*o, "ledger.entity.add", e.code, details)) return kExitFailure;
  std::printf("Ledger for %s %s: %zu accounts, %zu cost centres; journals above %s need a second approver.\n",
              e.code.c_str(), e.name.c_str(), chart.value().accounts.size(), chart.value().cost_centres.size(),
              Pounds(threshold).c_str());
  return kExitOk;
}

int EntityList(const Context& ctx, const LedgerArgs& a) {
  auto o = OpenLedger(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto all = o->db->Entities();
  if (!all.ok()) return Fail(all.error().ToString());
  report::ReportTable t{"Ledgers", {{"entity", report::ColumnType::kText, "Entity"},
                                    {"kind", report::ColumnType::kText, "Kind"},
                                    {"name", report::ColumnType::kText, "Name"},
                                    {"approval_above", report::ColumnType::kMoney, "Second approval above"}}};
  for (const ledger::Entity& e : all.value())
    t.AddRow({report::Cell::Text(e.code), report::Cell::Text(std::string(ledger::EntityKindName(e.kind))),
              report::Cell::Text(e.name), report::Cell::Money(e.approval_threshold)});
  return WriteTables({t}, a.format, a.out);
}

int Accounts(const Context& ctx, const LedgerArgs& a) {
  auto o = OpenLedger(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto accounts = o->db->Accounts(a.entity);
  auto centres = o->db->CostCentres(a.entity);
  if (auto e = o->db->GetEntity(a.entity); !e.ok()) return Fail(e.error().ToString());
  if (!accounts.ok()) return Fail(accounts.error().ToString());
  if (!centres.ok()) return Fail(centres.error().ToString());
  using report::Cell;
  using report::ColumnType;
  report::ReportTable t{"Chart of accounts", {{"code", ColumnType::kText, "Code"},
                                              {"account", ColumnType::kText, "Account"},
                                              {"type", ColumnType::kText, "Type"},
                                              {"description", ColumnType::kText, "Description"}}};
  for (const ledger::Account& acc : accounts.value())
    t.AddRow({Cell::Text(acc.code), Cell::Text(acc.name), Cell::Text(std::string(ledger::AccountTypeName(acc.type))),
              Cell::Text(acc.description)});
  report::ReportTable c{"Cost centres", {{"code", ColumnType::kText, "Code"},
                                         {"name", ColumnType::kText, "Name"},
                                         {"budget_holder", ColumnType::kText, "Budget holder"}}};
  for (const ledger::CostCentre& cc : centres.value())
    c.AddRow({Cell::Text(cc.code), Cell::Text(cc.name), Cell::Text(cc.budget_holder)});
  return WriteTables({t, c}, a.format, a.out);
}

// ----------------------------------------------------------------- periods

int PeriodChange(const Context& ctx, const LedgerArgs& a, ledger::PeriodState to) {
  std::vector<ledger::LedgerPeriod> periods;
  if (!a.period.empty() == !a.year.empty()) return Fail("give --period YYYY-MM or --year 2018/19", kExitUsage);
  if (!a.period.empty()) {
    auto p = ledger::LedgerPeriod::Parse(a.period);
    if (!p.ok()) return Fail("--period: " + p.error().why, kExitUsage);
    periods.push_back(p.value());
  } else {
    auto y = FinancialYear::Parse(a.year);
    if (!y.ok()) return Fail("--year: " + y.error().ToString(), kExitUsage);
    for (int m = 1; m <= 12; ++m) periods.push_back({y.value(), m});
  }
  auto o = OpenLedger(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  const std::string verb(ledger::PeriodStateName(to));
  for (const ledger::LedgerPeriod& p : periods) {
    auto done = o->db->SetPeriodState(a.entity, p, to, o->actor);
    if (!done.ok()) return Fail(done.error().ToString());
    std::string entity = ToUpper(a.entity);
    nlohmann::json details = {{"entity", entity}, {"period", p.ToString()}, {"state", verb},
                              {"accrual_reversals", done.value()}};
    if (!Audit(*o, "ledger.period." + std::string(to == ledger::PeriodState::kOpen     ? "open"
                                                  : to == ledger::PeriodState::kClosed ? "close"
                                                                                       : "lock"),
               entity, details))
      return kExitFailure;
    std::printf("%s %s (month %d of %s) is %s.", entity.c_str(), p.ToString().c_str(), p.month,
                p.year.ToString().c_str(), verb.c_str());
    if (!done.value().empty()) std::printf(" %zu accruals reversed on %s.", done.value().size(),
                                           p.first_day().ToString().c_str());
    std::printf("\n");
  }
  return kExitOk;
}

// ---------------------------------------------------------------- journals

Result<std::vector<ledger::Transaction>> ReadTransactions(const std::string& path, std::string& bytes) {
  CSU_ASSIGN_OR_RETURN(text, ReadFile(path));
  bytes = text;
  const bool csv = path.size() > 4 && ToUpper(path.substr(path.size() - 4)) == ".CSV";
  return csv ? ledger::ParseLedgerCsv(bytes, FileName(path)) : ledger::ParseJournal(bytes, FileName(path));
}

int PostFile(const Context& ctx, const LedgerArgs& a, ledger::JournalKind kind) {
  std::string bytes;
  auto txns = ReadTransactions(a.file, bytes);
  if (!txns.ok()) return Fail(txns.error().ToString() + " (nothing was posted)");
  auto o = OpenLedger(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  const std::string reason =
      !a.reason.empty() ? a.reason
                        : (kind == ledger::JournalKind::kImport ? "import of " + FileName(a.file) : std::string());
  if (reason.empty()) return Fail("--reason: say why these journals are raised", kExitUsage);
  auto raised = o->db->Raise(a.entity, txns.value(), {kind, reason, FileName(a.file)},
                             ledger::DirectoryOf(*o->state->ref), o->actor);
  if (!raised.ok()) return Fail(raised.error().ToString() + " (nothing was posted)");
  const ledger::BatchOutcome& b = raised.value();
  const std::string entity = ToUpper(a.entity);
  nlohmann::json details = {{"batch", b.batch},         {"journals", b.numbers},
                             {"postings", b.postings},   {"debits_pence", b.debits.pence()},
                             {"pending", b.pending},     {"accrual_reversals", b.reversals},
                             {"sha256", BatchFingerprint(txns.value())}};
  details["file"] = FileName(a.file);
  details["file_sha256"] = store::Sha256Hex(bytes);
  details["reason"] = reason;
  if (!Audit(*o, kind == ledger::JournalKind::kImport ? "ledger.import" : "ledger.journal.raise", entity, details))
    return kExitFailure;
  std::printf("Batch %lld: %zu journals (%lld to %lld), %lld postings, debits %s: %s.\n",
              static_cast<long long>(b.batch), b.numbers.size(), static_cast<long long>(b.numbers.front()),
              static_cast<long long>(b.numbers.back()), static_cast<long long>(b.postings), Pounds(b.debits).c_str(),
              b.pending ? "waiting for a second person's approval (a journal is above the threshold)" : "posted");
  if (!b.reversals.empty()) std::printf("%zu accruals reversed in the next period.\n", b.reversals.size());
  return kExitOk;
}

int Approve(const Context& ctx, const LedgerArgs& a) {
  auto o = OpenLedger(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto done = o->db->Approve(a.entity, a.batch, o->actor);
  if (!done.ok()) return Fail(done.error().ToString() + " (nothing was posted)");
  const std::string entity = ToUpper(a.entity);
  if (!Audit(*o, "ledger.journal.approve", entity, BatchDetails(*o->db, entity, done.value()))) return kExitFailure;
  std::printf("Batch %lld approved and posted: %zu journals, debits %s.\n", static_cast<long long>(a.batch),
              done.value().numbers.size(), Pounds(done.value().debits).c_str());
  return kExitOk;
}

int Reverse(const Context& ctx, const LedgerArgs& a) {
  auto on = Date::Parse(a.on);
  if (!on.ok()) return Fail("--on: " + on.error().ToString(), kExitUsage);
  auto o = OpenLedger(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto done = o->db->Reverse(a.entity, a.journal, on.value(), a.reason, o->actor);
  if (!done.ok()) return Fail(done.error().ToString() + " (nothing was posted)");
  const std::string entity = ToUpper(a.entity);
  nlohmann::json details = BatchDetails(*o->db, entity, done.value());
  details["reverses"] = a.journal;
  details["reason"] = a.reason;
  if (!Audit(*o, "ledger.journal.reverse", entity, details)) return kExitFailure;
  std::printf("Journal %lld reverses journal %lld%s.\n", static_cast<long long>(done.value().numbers.front()),
              static_cast<long long>(a.journal),
              done.value().pending ? " (waiting for a second person's approval)" : "");
  return kExitOk;
}

int YearEnd(const Context& ctx, const LedgerArgs& a) {
  auto y = FinancialYear::Parse(a.year);
  if (!y.ok()) return Fail("--year: " + y.error().ToString(), kExitUsage);
  auto o = OpenLedger(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto done = o->db->CloseYear(a.entity, y.value(), o->actor);
  if (!done.ok()) return Fail(done.error().ToString() + " (nothing was posted)");
  const std::string entity = ToUpper(a.entity);
  nlohmann::json details = BatchDetails(*o->db, entity, done.value());
  details["year"] = y.value().ToString();
  if (!Audit(*o, "ledger.year_end", entity, details)) return kExitFailure;
  std::printf("Year %s closed to the general fund by journal %lld (%lld postings).\n", y.value().ToString().c_str(),
              static_cast<long long>(done.value().numbers.front()), static_cast<long long>(done.value().postings));
  return kExitOk;
}

// Resolves --period or --from/--to into a range; `as_at` ranges start at
// the ledger's beginning (balances), others at the period's first day.
Result<std::pair<Date, Date>> Range(const LedgerArgs& a, bool as_at) {
  if (!a.period.empty()) {
    if (!a.from.empty() || !a.to.empty()) return MakeError("--period", "give --period or --from/--to, not both");
    auto p = ledger::LedgerPeriod::Parse(a.period);
    if (!p.ok()) return MakeError("--period", p.error().why);
    return std::pair{as_at ? ledger::kBeginning() : p.value().first_day(), p.value().last_day()};
  }
  Date from = ledger::kBeginning(), to = ledger::kEnd();
  if (!a.from.empty()) {
    auto d = Date::Parse(a.from);
    if (!d.ok()) return MakeError("--from", d.error().why);
    from = d.value();
  }
  if (!a.to.empty()) {
    auto d = Date::Parse(a.to);
    if (!d.ok()) return MakeError("--to", d.error().why);
    to = d.value();
  }
  if (to < from) return MakeError("--to", "the range ends before it starts");
  return std::pair{from, to};
}

int JournalsList(const Context& ctx, const LedgerArgs& a) {
  auto range = Range(a, false);
  if (!range.ok()) return Fail(range.error().ToString(), kExitUsage);
  auto o = OpenLedger(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto js = o->db->Journals(a.entity, range.value().first, range.value().second);
  if (!js.ok()) return Fail(js.error().ToString());
  using report::Cell;
  using report::ColumnType;
  report::ReportTable t{"Journals", {{"number", ColumnType::kInteger, "No."},
                                     {"batch", ColumnType::kInteger, "Batch"},
                                     {"date", ColumnType::kText, "Date"},
                                     {"kind", ColumnType::kText, "Kind"},
                                     {"state", ColumnType::kText, "State"},
                                     {"description", ColumnType::kText, "Description"},
                                     {"debits", ColumnType::kMoney, "Debits"},
                                     {"raised_by", ColumnType::kText, "Raised by"},
                                     {"approved_by", ColumnType::kText, "Approved by"},
                                     {"reason", ColumnType::kText, "Reason"}}};
  for (const ledger::Journal& j : js.value())
    t.AddRow({Cell::Integer(j.number), Cell::Integer(j.batch), Cell::Text(j.txn.date.ToString()),
              Cell::Text(std::string(ledger::JournalKindName(j.kind))), Cell::Text(j.posted ? "posted" : "pending"),
              Cell::Text(j.txn.description), Cell::Money(ledger::DebitTotal(j.txn)), Cell::Text(j.raised_by),
              Cell::Text(j.approved_by), Cell::Text(j.reason)});
  return WriteTables({t}, a.format, a.out);
}

int Export(const Context& ctx, const LedgerArgs& a) {
  if (a.format != "journal" && a.format != "csv") return Fail("--format: journal or csv", kExitUsage);
  auto o = OpenLedger(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  auto e = o->db->GetEntity(a.entity);
  if (!e.ok()) return Fail(e.error().ToString());
  // An accrual whose reversal the platform has posted is written without
  // its reverse:next-period tag: the reversal is in the file as a journal of
  // its own, and importing the file again must not reverse it twice.
  std::set<int64_t> reversed;
  Status pre = o->db->ForEachPosted(e.value().code, [&](const ledger::Journal& j) -> Status {
    if (j.kind == ledger::JournalKind::kAccrualReversal) reversed.insert(j.reverses);
    return Status::Ok();
  });
  if (!pre.ok()) return Fail(pre.error().ToString());
  std::string text;
  if (a.format == "journal") {
    text = "; " + e.value().code + " " + e.value().name + ": posted journals exported by csu\n";
    text += "commodity £1000.00\n\n";
  } else {
    text = "date,reference,description,account,amount,cost_centre,counterparty,comment,reverse\n";
  }
  Status s = o->db->ForEachPosted(e.value().code, [&](const ledger::Journal& j) -> Status {
    const bool reverse = j.txn.reverse_next_period && !reversed.count(j.number);
    if (a.format == "journal") {
      ledger::Transaction t = j.txn;
      t.reverse_next_period = reverse;
      if (t.code.empty()) t.code = "J" + std::to_string(j.number);
      ledger::AppendJournalText(t, text);
      return Status::Ok();
    }
    const std::string ref = j.txn.code.empty() ? "J" + std::to_string(j.number) : j.txn.code + "/" + std::to_string(j.number);
    for (const ledger::Posting& p : j.txn.postings) {
      std::vector<std::string> f = {j.txn.date.ToString(), ref, j.txn.description, p.account, p.amount.ToDecimal(),
                                    p.cost_centre, p.counterparty, p.comment, reverse ? "yes" : ""};
      std::string line;
      for (size_t i = 0; i < f.size(); ++i) {
        std::string v = f[i];
        if (v.find_first_of(",\"\n") != std::string::npos) {
          std::string q = "\"";
          for (char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
          v = q + "\"";
        }
        line += (i ? "," : "") + v;
      }
      text += line + "\n";
    }
    return Status::Ok();
  });
  if (!s.ok()) return Fail(s.error().ToString());
  if (a.out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
  } else {
    AtomicFileWriter w(a.out);
    if (Status st = w.Open(); !st.ok()) return Fail(st.error().ToString());
    w.Append(text);
    if (Status st = w.Commit(); !st.ok()) return Fail(st.error().ToString());
  }
  nlohmann::json details = {{"entity", e.value().code}, {"format", a.format}, {"sha256", store::Sha256Hex(text)}};
  if (!a.out.empty()) details["file"] = FileName(a.out);
  return Audit(*o, "ledger.export", e.value().code, details) ? kExitOk : kExitFailure;
}

constexpr const char* kViews =
    "trial-balance, income-expenditure, financial-position, aged-debt, aged-creditors, agreement-of-balances, bppc, "
    "budget or position";

}  // namespace

// The budget and position views (ledger_budget_command.cc).
int LedgerBudgetReport(const Context& ctx, const StateArgs& state, const std::string& database, const std::string& view, const std::string& entity,
                       const std::string& period, const std::string& per_head, const std::string& population,
                       const std::string& format, const std::string& out);

namespace {

int Report(const Context& ctx, const LedgerArgs& a) {
  if (std::string why = CheckTableFormat(a.format, a.out); !why.empty()) return Fail(why, kExitUsage);
  // The sales and purchase ledger views are as at a day too (ledger_documents.h).
  if (a.view == "budget" || a.view == "position")
    return LedgerBudgetReport(ctx, a.state, a.database, a.view, a.entity, a.period, a.allowance_per_head, a.population, a.format,
                              a.out);
  const bool documents = a.view == "aged-debt" || a.view == "aged-creditors" || a.view == "agreement-of-balances";
  if (a.view == "bppc") {  // over a range: the month, or --from/--to
    auto range = Range(a, false);
    if (!range.ok()) return Fail(range.error().ToString(), kExitUsage);
    if (a.entity.empty()) return Fail("--entity: which ledger?", kExitUsage);
    auto o = OpenLedger(ctx, a.state, a.database);
    if (!o) return kExitFailure;
    auto tables = ledger::Bppc(*o->db, a.entity, range.value().first, range.value().second);
    if (!tables.ok()) return Fail(tables.error().ToString());
    return WriteTables(tables.value(), a.format, a.out);
  }
  const bool as_at = a.view == "trial-balance" || a.view == "financial-position" || documents;
  if (!as_at && a.view != "income-expenditure")
    return Fail("VIEW must be " + std::string(kViews), kExitUsage);
  if (a.entity.empty() != (a.view == "agreement-of-balances"))
    return Fail(a.view == "agreement-of-balances" ? "agreement-of-balances covers every ledger: give no --entity"
                                                  : "--entity: which ledger?",
                kExitUsage);
  auto range = Range(a, as_at);
  if (!range.ok()) return Fail(range.error().ToString(), kExitUsage);
  auto o = OpenLedger(ctx, a.state, a.database);
  if (!o) return kExitFailure;
  const auto [from, to] = range.value();
  Result<report::ReportTable> t = MakeError("", "");
  if (a.view == "aged-debt" || a.view == "aged-creditors") {
    t = ledger::AgedBalances(*o->db, a.entity,
                             a.view == "aged-debt" ? ledger::DocumentSide::kReceivable : ledger::DocumentSide::kPayable, to);
  } else if (a.view == "agreement-of-balances") {
    t = ledger::AgreementOfBalances(*o->db, to);
  } else if (a.view == "trial-balance") {
    t = ledger::TrialBalance(*o->db, a.entity, from, to);
  } else if (a.view == "financial-position") {
    t = ledger::FinancialPosition(*o->db, a.entity, to);
  } else if (!a.period.empty()) {
    const ledger::LedgerPeriod p = ledger::LedgerPeriod::Parse(a.period).value();
    const std::string month = std::string(FinancialYear::MonthName(p.month)) + " " + std::to_string(p.first_day().year());
    t = ledger::IncomeExpenditure(*o->db, a.entity,
                                  {{"month", month, p.first_day(), p.last_day()},
                                   {"year_to_date", p.year.ToString() + " to date", p.year.first_day(), p.last_day()}});
  } else {
    t = ledger::IncomeExpenditure(*o->db, a.entity, {{"amount", from.ToString() + " to " + to.ToString(), from, to}});
  }
  if (!t.ok()) return Fail(t.error().ToString());
  return WriteTables({t.value()}, a.format, a.out);
}

CLI::App* Sub(CLI::App* parent, Context& ctx, const char* name, const char* help, std::shared_ptr<LedgerArgs> args,
              std::function<int(const Context&, const LedgerArgs&)> fn, bool entity = true) {
  CLI::App* cmd = parent->add_subcommand(name, help);
  AddStateOptions(cmd, args->state);
  AddDatabaseOption(cmd, args->database);
  if (entity) cmd->add_option("--entity", args->entity, "The ledger: the CSU's or a CCG's ODS code")->required();
  cmd->callback([&ctx, args, fn] { ctx.action = [&ctx, args, fn] { return fn(ctx, *args); }; });
  return cmd;
}

void TableOptions(CLI::App* cmd, LedgerArgs& a) {
  cmd->add_option("--format", a.format, "table, csv, json or xlsx")->capture_default_str();
  cmd->add_option("--out", a.out, "Write to this file instead of standard output");
}

void RangeOptions(CLI::App* cmd, LedgerArgs& a) {
  cmd->add_option("--period", a.period, "A month, YYYY-MM");
  cmd->add_option("--from", a.from, "First day, YYYY-MM-DD");
  cmd->add_option("--to", a.to, "Last day, YYYY-MM-DD");
}

}  // namespace

// post-invoices, receipt and payment (ledger_documents_command.cc).
void AddLedgerDocumentCommands(CLI::App& led, Context& ctx);
void AddLedgerChcCommands(CLI::App& led, Context& ctx);  // chc_ledger_command.cc
// budget set|approve|versions|show|vire|virements|forecast (ledger_budget_command.cc).
void AddLedgerBudgetCommands(CLI::App& led, Context& ctx);

void AddLedgerCommands(CLI::App& app, Context& ctx) {
  CLI::App* led = app.add_subcommand("ledger", "The general ledger of the CSU and its CCGs (docs/ledger.md)");
  led->require_subcommand(1);

  CLI::App* ent = led->add_subcommand("entity", "Ledgers: one per entity, with its chart of accounts");
  ent->require_subcommand(1);
  auto a = std::make_shared<LedgerArgs>();
  CLI::App* c = Sub(ent, ctx, "add", "Create an entity's ledger from a chart template (docs/formats/ledger-chart-v1.md)",
                    a, EntityAdd);
  c->add_option("--template", a->template_file, "Chart of accounts template CSV")->required();
  c->add_option("--approval-above", a->approval_above, "Journals above this need a second approver (default £10,000)");
  a = std::make_shared<LedgerArgs>();
  TableOptions(Sub(ent, ctx, "list", "List the ledgers", a, EntityList, false), *a);

  a = std::make_shared<LedgerArgs>();
  TableOptions(Sub(led, ctx, "accounts", "An entity's chart of accounts and cost centres", a, Accounts), *a);

  CLI::App* per = led->add_subcommand("period", "Financial periods: open, close, lock (NHS year, April to March)");
  per->require_subcommand(1);
  for (auto [name, to, help] :
       {std::tuple{"open", ledger::PeriodState::kOpen, "Open a period (or reopen a closed one) for postings"},
        std::tuple{"close", ledger::PeriodState::kClosed, "Close a period: it refuses postings"},
        std::tuple{"lock", ledger::PeriodState::kLocked, "Lock a closed period for good"}}) {
    a = std::make_shared<LedgerArgs>();
    const ledger::PeriodState state = to;
    c = Sub(per, ctx, name, help, a, [state](const Context& x, const LedgerArgs& y) { return PeriodChange(x, y, state); });
    c->add_option("--period", a->period, "A month, YYYY-MM");
    c->add_option("--year", a->year, "Every month of a financial year, e.g. 2018/19");
  }

  a = std::make_shared<LedgerArgs>();
  c = Sub(led, ctx, "post", "Raise the journals in a journal or CSV file as one batch", a,
          [](const Context& x, const LedgerArgs& y) { return PostFile(x, y, ledger::JournalKind::kManual); });
  c->add_option("FILE", a->file, "Journal (hledger syntax) or CSV (.csv) file")->required();
  c->add_option("--reason", a->reason, "Why the journals are raised")->required();
  a = std::make_shared<LedgerArgs>();
  c = Sub(led, ctx, "import", "Import a journal or CSV file: all of it or, on any problem, none of it", a,
          [](const Context& x, const LedgerArgs& y) { return PostFile(x, y, ledger::JournalKind::kImport); });
  c->add_option("FILE", a->file, "Journal (hledger syntax) or CSV (.csv) file")->required();
  c->add_option("--reason", a->reason, "Why (default: import of FILE)");

  a = std::make_shared<LedgerArgs>();
  c = Sub(led, ctx, "approve", "Approve and post a pending batch (by someone other than who raised it)", a, Approve);
  c->add_option("--batch", a->batch, "The batch number")->required();
  a = std::make_shared<LedgerArgs>();
  c = Sub(led, ctx, "reverse", "Raise a journal reversing a posted one", a, Reverse);
  c->add_option("--journal", a->journal, "The journal number")->required();
  c->add_option("--on", a->on, "Date of the reversal, in an open period")->required();
  c->add_option("--reason", a->reason, "Why")->required();
  a = std::make_shared<LedgerArgs>();
  c = Sub(led, ctx, "year-end", "Close a financial year: income and expenditure to the general fund", a, YearEnd);
  c->add_option("--year", a->year, "e.g. 2018/19")->required();

  a = std::make_shared<LedgerArgs>();
  c = Sub(led, ctx, "journals", "List journals, pending ones too", a, JournalsList);
  RangeOptions(c, *a);
  TableOptions(c, *a);
  a = std::make_shared<LedgerArgs>();
  c = Sub(led, ctx, "export", "Write the posted journals as an hledger journal or the ledger CSV", a, Export);
  c->add_option("--format", a->format, "journal or csv")->required();
  c->add_option("--out", a->out, "Write to this file instead of standard output");
  a = std::make_shared<LedgerArgs>();
  c = Sub(led, ctx, "report", kViews, a, Report, false);
  c->add_option("--entity", a->entity, "The ledger: the CSU's or a CCG's ODS code (every view but agreement-of-balances)");
  c->add_option("VIEW", a->view, kViews)->required();
  RangeOptions(c, *a);
  TableOptions(c, *a);
  c->add_option("--allowance-per-head", a->allowance_per_head,
                "position: the running-cost allowance a head (default £22.07, NHS England's 2015/16 figure)");
  c->add_option("--population", a->population,
                "position: the population the allowance is for (default: the CCG's registered patients)");

  AddLedgerDocumentCommands(*led, ctx);
  AddLedgerChcCommands(*led, ctx);
  AddLedgerBudgetCommands(*led, ctx);
}

}  // namespace csu::cli
