// An invoice run killed part-way (docs/billing.md, "Invoices and credit
// notes"): the number is taken in the transaction that stores the invoice,
// so a kill either issues the invoice with its number or leaves both
// unused: never a gap in the series, a number without its invoice, or an
// invoice without all its lines.
//
// A child process runs the month's invoices for three CCGs and SIGKILLs
// itself at a chosen point of the second invoice's transaction: SQLite's
// update hook (on every row written) and commit hook are installed on the
// child's connections through an auto-extension, so the kill lands exactly
// after the number is taken, after the document row, between two lines,
// just before the commit, or just after it. The parent then checks what is
// on disk and that a re-run completes the series without a gap.
#include <gtest/gtest.h>

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "billing/billing_store.h"
#include "billing/invoice_run.h"
#include "refdata/refdata_for_tests.h"
#include "synth/synth_testing.h"

namespace csu::billing {
namespace {

using synth::testing::TempDir;

const Actor kActor{"2026-11-23T09:00:00Z", "test"};
const Date kToday = Date::FromYmd(2026, 11, 23);
const Period kJune(2018, 6);

enum class KillAt {
  kNumberTaken,     // the second invoice's counter bump is written
  kDocumentRow,     // its documents row is written, no lines yet
  kBetweenLines,    // its second line is written, the third is not
  kBeforeCommit,    // every row written, the commit not yet made
  kAfterCommit,     // the second invoice committed, the third's number taken
};

// The child's kill point and what it has seen so far (a forked child has its
// own copies; the parent never installs the hooks).
KillAt g_kill_at;
int g_counter_writes = 0;
int g_documents = 0;
int g_lines_of_current = 0;

void Die() { ::kill(::getpid(), SIGKILL); }

void OnRowWritten(void*, int, const char*, const char* table, sqlite3_int64) {
  if (std::strcmp(table, "counters") == 0) {
    ++g_counter_writes;
    if (g_kill_at == KillAt::kNumberTaken && g_counter_writes == 2) Die();
    if (g_kill_at == KillAt::kAfterCommit && g_counter_writes == 3) Die();
  } else if (std::strcmp(table, "documents") == 0) {
    ++g_documents;
    g_lines_of_current = 0;
    if (g_kill_at == KillAt::kDocumentRow && g_documents == 2) Die();
  } else if (std::strcmp(table, "document_lines") == 0) {
    ++g_lines_of_current;
    if (g_kill_at == KillAt::kBetweenLines && g_documents == 2 && g_lines_of_current == 2) Die();
  }
}

int OnCommit(void*) {
  if (g_kill_at == KillAt::kBeforeCommit && g_documents == 2) Die();
  return 0;  // go ahead
}

int InstallHooks(sqlite3* db, char**, const sqlite3_api_routines*) {
  sqlite3_update_hook(db, &OnRowWritten, nullptr);
  sqlite3_commit_hook(db, &OnCommit, nullptr);
  return SQLITE_OK;
}

[[noreturn]] void Child(const std::string& dir, KillAt at) {
  g_kill_at = at;
  sqlite3_auto_extension(reinterpret_cast<void (*)()>(&InstallHooks));
  auto db = BillingStore::Open(dir);
  if (!db.ok()) _exit(3);
  auto r = RunInvoices(*db.value(), refdata::TestRefData(), kJune, {2000, kToday, false}, kActor);
  _exit(r.ok() ? 0 : 4);  // reaching here means the kill point was never hit
}

bool KnownCcg(const std::string&) { return true; }

// Three CCGs, each with three lines in June 2018: BI-CORE, its 5 % discount,
// and CONTRACTS. RunInvoices issues them in CCG order: 02E, 12F, 27D.
void SetUpBilling(const std::string& dir) {
  std::filesystem::create_directories(dir);
  auto db = BillingStore::Open(dir);
  ASSERT_TRUE(db.ok()) << db.error().ToString();
  auto versions = ReadCatalogueFile(std::string(CSU_SOURCE_DIR) + "/tests/golden/billing/catalogue.csv");
  ASSERT_TRUE(versions.ok());
  ASSERT_TRUE(db.value()->AddVersions(versions.value(), kActor).ok());
  for (const char* ccg : {"02E", "12F", "27D"}) {
    for (const char* item : {"BI-CORE", "CONTRACTS"}) {
      Subscription s;
      s.ccg = ccg;
      s.item = item;
      s.start = Date::FromYmd(2018, 4, 1);
      s.discount_bp = std::string(item) == "BI-CORE" ? 500 : 0;
      auto added = db.value()->AddSubscription(s, KnownCcg, kActor);
      ASSERT_TRUE(added.ok()) << added.error().ToString();
    }
  }
}

std::vector<std::string> Numbers(BillingStore& db) {
  std::vector<std::string> out;
  const std::vector<Invoice> docs = db.Documents("").value();
  for (const Invoice& d : docs) out.push_back(d.number);
  std::sort(out.begin(), out.end());
  return out;
}

struct Case {
  KillAt at;
  const char* name;
  std::vector<std::string> held_after_kill;
};

TEST(InvoiceCrash, AKilledRunLeavesEachInvoiceIssuedWithItsNumberOrBothUnused) {
  const std::vector<Case> cases = {
      {KillAt::kNumberTaken, "after the number is taken", {"INV-000001"}},
      {KillAt::kDocumentRow, "after the document row", {"INV-000001"}},
      {KillAt::kBetweenLines, "between two lines", {"INV-000001"}},
      {KillAt::kBeforeCommit, "just before the commit", {"INV-000001"}},
      {KillAt::kAfterCommit, "just after the commit", {"INV-000001", "INV-000002"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir(std::string("invoice-crash-") + std::to_string(static_cast<int>(c.at)));
    ASSERT_NO_FATAL_FAILURE(SetUpBilling(dir.path()));
    std::fflush(nullptr);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) Child(dir.path(), c.at);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the child was not killed at its point (exit " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1)
        << "): the test proved nothing";

    auto db = BillingStore::Open(dir.path());
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    // What the kill left: whole invoices with their numbers, and the counter
    // equal to the documents held (Verify checks each document's SHA-256
    // over all its lines, its totals, and counters against documents).
    EXPECT_EQ(Numbers(*db.value()), c.held_after_kill);
    EXPECT_EQ(db.value()->Verify().value(), std::vector<std::string>{});
    const std::vector<Invoice> held = db.value()->Documents("").value();
    for (const Invoice& d : held) EXPECT_EQ(d.lines.size(), 3u) << d.number;

    // A re-run issues the rest, numbered on from the last one held.
    auto again = RunInvoices(*db.value(), refdata::TestRefData(), kJune, {2000, kToday, false}, kActor);
    ASSERT_TRUE(again.ok()) << again.error().ToString();
    EXPECT_EQ(again.value().already.size(), c.held_after_kill.size());
    EXPECT_EQ(Numbers(*db.value()), (std::vector<std::string>{"INV-000001", "INV-000002", "INV-000003"}));
    EXPECT_EQ(db.value()->Verify().value(), std::vector<std::string>{});
    std::vector<std::string> ccgs;
    const std::vector<Invoice> all = db.value()->Documents("").value();
    for (const Invoice& d : all) ccgs.push_back(d.ccg + " " + d.number);
    std::sort(ccgs.begin(), ccgs.end());
    EXPECT_EQ(ccgs, (std::vector<std::string>{"02E INV-000001", "12F INV-000002", "27D INV-000003"}));
  }
}

}  // namespace
}  // namespace csu::billing
