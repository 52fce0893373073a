// A pay run's calculation, recalculation and approval killed at any moment
// (docs/payroll.md, "Pay runs"; docs/store-format.md §16): each is one SQLite
// transaction with synchronous=FULL, so after a kill the run is as it was
// before the call or as the call left it, never half: no run without all its
// payslips, no payslips of two calculations mixed, no approval without its
// approver.
//
// A child process makes the change and SIGKILLs itself at a chosen point:
// SQLite's update hook (every row written) and commit hook are installed on
// its connection through an auto-extension, as the ledger and billing crash
// tests do. The parent reopens payroll.sqlite and checks it.
#include <gtest/gtest.h>

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <filesystem>

#include "payroll/payroll_store.h"
#include "payroll/payroll_store_testing.h"
#include "store/field_cipher.h"

namespace csu::payroll {
namespace {

using testing::FixedPay;

const Actor kAlice{"2025-04-20T09:00:00Z", "alice"};
const Actor kBob{"2025-04-21T09:00:00Z", "bob"};
constexpr int kStaff = 3;

store::FieldCipher Cipher() {
  std::array<uint8_t, 32> key{};
  key.fill(5);
  return store::FieldCipher::FromKey(key, store::kPayrollCipherDomain);
}

enum class Op { kCalculate, kRecalculate, kApprove };
enum class KillAt { kFirstRow, kMidway, kBeforeCommit, kAfterCommit };

KillAt g_kill_at;
bool g_armed = false;
int g_rows = 0;

void Die() { ::kill(::getpid(), SIGKILL); }

void OnRowWritten(void*, int, const char*, const char* table, sqlite3_int64) {
  if (!g_armed) return;
  if (std::strcmp(table, "payslips") != 0 && std::strcmp(table, "pay_runs") != 0) return;
  ++g_rows;
  if (g_kill_at == KillAt::kFirstRow && g_rows == 1) Die();
  if (g_kill_at == KillAt::kMidway && g_rows == 3) Die();
}

int OnCommit(void*) {
  if (g_armed && g_rows > 0 && g_kill_at == KillAt::kBeforeCommit) Die();
  return 0;
}

int InstallHooks(sqlite3* db, char**, const sqlite3_api_routines*) {
  sqlite3_update_hook(db, &OnRowWritten, nullptr);
  sqlite3_commit_hook(db, &OnCommit, nullptr);
  return SQLITE_OK;
}

[[noreturn]] void Child(const std::string& dir, Op op, KillAt at, int64_t run_id) {
  g_kill_at = at;
  sqlite3_auto_extension(reinterpret_cast<void (*)()>(&InstallHooks));
  const store::FieldCipher cipher = Cipher();
  auto db = PayrollStore::Open(dir, cipher);
  if (!db.ok()) _exit(3);
  g_armed = true;
  bool ok = false;
  if (op == Op::kApprove) ok = db.value()->ApproveRun(run_id, kBob).ok();
  else {
    const int64_t pay = op == Op::kCalculate ? 100000 : 200000;
    ok = db.value()->CalculateRun("02E", "2025/26", 1, FixedPay(pay, pay), kAlice).ok();
  }
  if (!ok) _exit(4);
  if (at == KillAt::kAfterCommit) Die();  // the call returned: its commit is on disk
  _exit(5);  // reaching here means the kill point was never hit
}

class PayRunCrash : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("csu-pay-run-crash-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The employer, a post and kStaff employees assigned to it; with
  // `calculated`, run 1 calculated by alice paying 1,000.00 each.
  void Prepare(bool calculated) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    const store::FieldCipher cipher = Cipher();
    auto db = PayrollStore::Open(dir_.string(), cipher);
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    ASSERT_TRUE(db.value()->AddEmployer({"02E", EmployerKind::kCcg, "NHS Warrington CCG", "083/BA02E", "083PB00012345"},
                                        kAlice)
                    .ok());
    ASSERT_TRUE(db.value()->AddPost({0, "02E", "FIN01", "CC900", "Finance officer", "5", 500}, kAlice).ok());
    for (int i = 1; i <= kStaff; ++i) {
      auto id = db.value()->AddEmployee({"02E", "E00" + std::to_string(i), Date::FromYmd(2020, 4, 1), std::nullopt},
                                        {"Staff " + std::to_string(i), "", "1985-03-09", "JG103759A", "401276",
                                         "41235678"},
                                        cipher, kAlice);
      ASSERT_TRUE(id.ok()) << id.error().ToString();
      ASSERT_TRUE(db.value()->Assign(testing::FullTimeFin01(id.value(), Money::FromPounds(24'000)), kAlice).ok());
    }
    if (calculated) ASSERT_TRUE(db.value()->CalculateRun("02E", "2025/26", 1, FixedPay(100000, 100000), kAlice).ok());
  }

  void KillChild(Op op, KillAt at) {
    std::fflush(nullptr);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) Child(dir_.string(), op, at, 1);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the child was not killed at its point (exit " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1)
        << "): the test proved nothing";
  }

  std::filesystem::path dir_;
};

const std::vector<std::pair<KillAt, const char*>> kPoints = {
    {KillAt::kFirstRow, "at the first row written"},
    {KillAt::kMidway, "at the third row written"},
    {KillAt::kBeforeCommit, "just before the commit"},
    {KillAt::kAfterCommit, "just after the commit"},
};

TEST_F(PayRunCrash, ACalculationKilledLeavesNoRunOrTheWholeRun) {
  for (const auto& [at, name] : kPoints) {
    SCOPED_TRACE(name);
    Prepare(false);
    KillChild(Op::kCalculate, at);
    const store::FieldCipher cipher = Cipher();
    auto db = PayrollStore::Open(dir_.string(), cipher);
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    auto runs = db.value()->PayRuns("02E");
    ASSERT_TRUE(runs.ok());
    const bool whole = at == KillAt::kAfterCommit;
    ASSERT_EQ(runs.value().size(), whole ? 1u : 0u);
    if (whole) {
      EXPECT_EQ(runs.value()[0].payslips, kStaff);
      EXPECT_EQ(runs.value()[0].net.pence(), kStaff * 100000);
    }
    // Calculating again completes it.
    auto again = db.value()->CalculateRun("02E", "2025/26", 1, FixedPay(100000, 100000), kAlice);
    ASSERT_TRUE(again.ok()) << again.error().ToString();
    EXPECT_EQ(again.value().payslips, kStaff);
  }
}

TEST_F(PayRunCrash, ARecalculationKilledLeavesTheOldPayslipsOrTheNewNeverAMix) {
  for (const auto& [at, name] : kPoints) {
    SCOPED_TRACE(name);
    Prepare(true);
    KillChild(Op::kRecalculate, at);
    const store::FieldCipher cipher = Cipher();
    auto db = PayrollStore::Open(dir_.string(), cipher);
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    auto slips = db.value()->Payslips(1);
    ASSERT_TRUE(slips.ok());
    ASSERT_EQ(slips.value().size(), static_cast<size_t>(kStaff));
    const int64_t expected = at == KillAt::kAfterCommit ? 200000 : 100000;
    for (const StoredPayslip& s : slips.value()) EXPECT_EQ(s.net.pence(), expected) << s.staff_number;
  }
}

TEST_F(PayRunCrash, AnApprovalKilledLeavesTheRunCalculatedOrFinalWithItsApprover) {
  for (const auto& [at, name] : kPoints) {
    if (at == KillAt::kMidway) continue;  // an approval writes one row
    SCOPED_TRACE(name);
    Prepare(true);
    KillChild(Op::kApprove, at);
    const store::FieldCipher cipher = Cipher();
    auto db = PayrollStore::Open(dir_.string(), cipher);
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    auto run = db.value()->FindRun(1);
    ASSERT_TRUE(run.ok() && run.value());
    EXPECT_EQ(run.value()->payslips, kStaff);
    if (at == KillAt::kAfterCommit) {
      EXPECT_EQ(run.value()->state, RunState::kApproved);
      EXPECT_EQ(run.value()->approved_by, "bob");
      EXPECT_FALSE(db.value()->CalculateRun("02E", "2025/26", 1, FixedPay(1, 1), kAlice).ok()) << "final";
    } else {
      EXPECT_EQ(run.value()->state, RunState::kCalculated);
      EXPECT_EQ(run.value()->approved_by, "");
      auto approved = db.value()->ApproveRun(1, kBob);
      ASSERT_TRUE(approved.ok()) << approved.error().ToString();
      EXPECT_EQ(approved.value().state, RunState::kApproved);
    }
  }
}

}  // namespace
}  // namespace csu::payroll
