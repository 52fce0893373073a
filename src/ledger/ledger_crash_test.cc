// A posting killed part-way (docs/ledger.md, "Durability"): the batch's
// journals and postings go in one SQLite transaction, so a kill leaves the
// whole batch in or none of it, and the journal numbers keep no gap.
//
// A child process raises a batch of three journals and SIGKILLs itself at a
// chosen point: SQLite's update hook (every row written) and commit hook are
// installed on its connection through an auto-extension, as the billing
// crash test does. The parent then opens the ledger and checks it.
#include <gtest/gtest.h>

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "ledger/ledger_store.h"
#include "ledger/ledger_testing.h"

namespace csu::ledger {
namespace {

using testing::AnyOrg;
using testing::ShippedChart;
using testing::TempDir;
using testing::Txns;

const Actor kActor{"2018-05-01T09:00:00Z", "alice"};

const char* kBatch = R"(2018-04-02 Pay one
    expenses:running-costs:pay  £100.00
    assets:current:cash:gbs

2018-04-03 Three-way
    expenses:programme:acute       £50.00
    expenses:programme:community   £25.00
    assets:current:cash:gbs

2018-04-04 Pay two
    expenses:running-costs:pay  £10.00
    assets:current:cash:gbs
)";

enum class KillAt { kFirstJournal, kBetweenPostings, kBeforeCommit, kAfterCommit };

KillAt g_kill_at;
int g_journals = 0;
int g_postings = 0;
bool g_committed = false;

void Die() { ::kill(::getpid(), SIGKILL); }

void OnRowWritten(void*, int, const char*, const char* table, sqlite3_int64) {
  if (g_committed && g_kill_at == KillAt::kAfterCommit) Die();
  if (std::strcmp(table, "journals") == 0) {
    ++g_journals;
    if (g_kill_at == KillAt::kFirstJournal && g_journals == 1) Die();
  } else if (std::strcmp(table, "postings") == 0) {
    ++g_postings;
    if (g_kill_at == KillAt::kBetweenPostings && g_journals == 2 && g_postings == 4) Die();
  }
}

int OnCommit(void*) {
  if (g_journals == 3 && g_kill_at == KillAt::kBeforeCommit) Die();
  if (g_journals == 3) g_committed = true;
  return 0;
}

int InstallHooks(sqlite3* db, char**, const sqlite3_api_routines*) {
  sqlite3_update_hook(db, &OnRowWritten, nullptr);
  sqlite3_commit_hook(db, &OnCommit, nullptr);
  return SQLITE_OK;
}

[[noreturn]] void Child(const std::string& dir, KillAt at) {
  g_kill_at = at;
  sqlite3_auto_extension(reinterpret_cast<void (*)()>(&InstallHooks));
  auto db = LedgerStore::Open(dir);
  if (!db.ok()) _exit(3);
  auto r = db.value()->Raise("02E", Txns(kBatch), {JournalKind::kManual, "pay", ""}, AnyOrg, kActor);
  if (!r.ok()) _exit(4);
  if (at == KillAt::kAfterCommit) {
    // The next write after the commit: opening May.
    (void)db.value()->SetPeriodState("02E", LedgerPeriod::Parse("2018-05").value(), PeriodState::kOpen, kActor);
  }
  _exit(5);  // reaching here means the kill point was never hit
}

TEST(LedgerCrash, AKilledPostingLeavesTheWholeBatchInOrNoneOfIt) {
  const std::vector<std::pair<KillAt, const char*>> cases = {
      {KillAt::kFirstJournal, "after the first journal row"},
      {KillAt::kBetweenPostings, "between two postings of the second journal"},
      {KillAt::kBeforeCommit, "just before the commit"},
      {KillAt::kAfterCommit, "just after the commit"},
  };
  for (const auto& [at, name] : cases) {
    SCOPED_TRACE(name);
    TempDir dir(std::string("crash-") + std::to_string(static_cast<int>(at)));
    {
      auto db = LedgerStore::Open(dir.path());
      ASSERT_TRUE(db.ok());
      ASSERT_TRUE(db.value()->AddEntity({"02E", EntityKind::kCcg, "NHS Warrington CCG", Money::FromPounds(10'000), ""},
                                        ShippedChart("ccg"), kActor)
                      .ok());
      ASSERT_TRUE(
          db.value()->SetPeriodState("02E", LedgerPeriod::Parse("2018-04").value(), PeriodState::kOpen, kActor).ok());
    }
    std::fflush(nullptr);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) Child(dir.path(), at);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the child was not killed at its point (exit " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1)
        << "): the test proved nothing";

    auto db = LedgerStore::Open(dir.path());
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    auto journals = db.value()->Journals("02E", kBeginning(), kEnd());
    ASSERT_TRUE(journals.ok());
    const bool whole = at == KillAt::kAfterCommit;
    ASSERT_EQ(journals.value().size(), whole ? 3u : 0u);
    int64_t postings = 0;
    for (const Journal& j : journals.value()) postings += static_cast<int64_t>(j.txn.postings.size());
    EXPECT_EQ(postings, whole ? 7 : 0);
    auto cash = db.value()->Balances("02E", kBeginning(), kEnd());
    ASSERT_TRUE(cash.ok());
    for (const AccountBalance& b : cash.value()) {
      if (b.account.name == "assets:current:cash:gbs") {
        EXPECT_EQ(b.balance.pence(), whole ? -18'500 : 0);
      }
    }
    // Posting again completes the ledger without a gap in the numbers.
    if (!whole) {
      auto again = db.value()->Raise("02E", Txns(kBatch), {JournalKind::kManual, "pay", ""}, AnyOrg, kActor);
      ASSERT_TRUE(again.ok()) << again.error().ToString();
      EXPECT_EQ(again.value().numbers, (std::vector<int64_t>{1, 2, 3}));
      EXPECT_EQ(again.value().batch, 1);
    }
  }
}

}  // namespace
}  // namespace csu::ledger
