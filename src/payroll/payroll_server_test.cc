// The payroll and HR database in server mode (docs/server-mode.md): two
// connections to one schema stand for two nodes. What a node writes the
// other reads next; the pay run is a singleton job across nodes (a second
// one is refused, naming the first); final runs cannot be changed by any
// statement; approval needs a second person even at the database; ids and
// staff numbers stay unique under two writers at once; and no personal field
// is in any row in clear. Skipped without CSU_TEST_POSTGRES_URL.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <optional>
#include <set>
#include <thread>

#include "payroll/payroll_store.h"
#include "payroll/payroll_store_testing.h"
#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"
#include "store/sql.h"
#include "store/sqlite_db.h"

namespace csu::payroll {
namespace {

template <typename T>
T Must(Result<T> r) {
  if (!r.ok()) throw std::runtime_error(r.error().ToString());
  return std::move(r).value();
}

const Actor kAlice{"2025-04-20T09:00:00Z", "cli:alice"};
const Actor kBob{"2025-04-21T09:00:00Z", "web:bob"};

// A stand-in paying 2,000.00 gross, 1,500.00 net a month.
const PayrollStore::PayCalculator Fixed = testing::FixedPay(200000, 150000);

class PayrollServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CSU_PG_TEST_SCHEMA(pg_);
    std::array<uint8_t, 32> key{};
    for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(200 - i);
    cipher_.emplace(store::FieldCipher::FromKey(key, store::kPayrollCipherDomain));
    a_ = Node();
    b_ = Node();
    for (const char* code : {"02E", "27D", "01X", "03Y"})
      ASSERT_TRUE(a_->AddEmployer({code, EmployerKind::kCcg, std::string("NHS ") + code + " CCG", "123/AB456",
                                   "123PA00012345"},
                                  kAlice)
                      .ok());
  }
  std::unique_ptr<PayrollStore> Node() { return Must(PayrollStore::OpenServer(Must(pg::Connect(pg_->url())), *cipher_)); }
  // One member of staff in a post at `employer`.
  int64_t Staff(PayrollStore& db, const std::string& employer, const std::string& number, const std::string& name,
                const std::string& ni) {
    if (db.Posts(employer).value().empty())
      Must(db.AddPost({0, employer, "FIN01", "CC900", "Finance officer", "5", 900}, kAlice));
    const int64_t id = Must(db.AddEmployee({employer, number, Date::FromYmd(2020, 4, 1), std::nullopt},
                                           {name, "12 Quarry Road, Leeds LS6 2AB", "1979-11-23", ni, "20-71-03",
                                            "55779911"},
                                           *cipher_, kAlice));
    Must(db.Assign(testing::FullTimeFin01(id, Money::FromPounds(24'000)), kAlice));
    return id;
  }
  std::optional<pg::TestSchema> pg_;
  std::optional<store::FieldCipher> cipher_;
  std::unique_ptr<PayrollStore> a_, b_;
};

TEST_F(PayrollServerTest, ANodeReadsWhatAnotherWroteAndApprovesItsRun) {
  const int64_t id = Staff(*a_, "02E", "E001", "Winifred Ashcombe", "JG103759A");
  // Node B sees the employee, the post and the sealed fields at once.
  auto staff = Must(b_->Employees("02E"));
  ASSERT_EQ(staff.size(), 1u);
  EXPECT_EQ(staff[0].ni_masked, "JG •• •• •• A");
  EXPECT_EQ(Must(b_->ReadPersonal(id, *cipher_)).name, "Winifred Ashcombe");
  EXPECT_EQ(Must(b_->Establishment("02E", Date::FromYmd(2025, 4, 30)))[0].in_post_wte_x100, 100);
  // A run calculated on A is approved on B, and A reads it final.
  const PayRunRecord run = Must(a_->CalculateRun("02E", "2025/26", 1, Fixed, kAlice));
  EXPECT_EQ(run.payslips, 1);
  const PayRunRecord approved = Must(b_->ApproveRun(run.id, kBob));
  EXPECT_EQ(approved.state, RunState::kApproved);
  auto seen = Must(a_->FindRun(run.id));
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->state, RunState::kApproved);
  EXPECT_EQ(seen->approved_by, "web:bob");
  // A recalculation on A after B's approval is refused: final everywhere.
  auto again = a_->CalculateRun("02E", "2025/26", 1, Fixed, kAlice);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().why.find("final"), std::string::npos) << again.error().ToString();
}

TEST_F(PayrollServerTest, APayRunIsASingletonJobAndASecondIsRefusedNamingTheFirst) {
  Staff(*a_, "02E", "E001", "Winifred Ashcombe", "JG103759A");
  Staff(*a_, "27D", "T001", "Percival Lusk", "JG103760A");
  // While A's run is between its calculation and its storing, B's run (of
  // another employer, on another node) is refused, naming A's.
  // B runs on a thread of its own: without the job lock it would wait on
  // A's write transaction (and be let through after it) instead of being
  // refused at once, which the 5 s below tells apart.
  std::optional<Error> refused;
  std::atomic<bool> answered{false};
  std::thread b_thread;
  auto while_a_runs = [&](const std::vector<PeriodInput>& in) -> Result<PayRunResult> {
    b_thread = std::thread([&] {
      auto b = b_->CalculateRun("27D", "2025/26", 1, Fixed, kBob);
      if (!b.ok()) refused = b.error();
      answered = true;
    });
    for (int i = 0; i < 500 && !answered; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return Fixed(in);
  };
  const PayRunRecord a_run = Must(a_->CalculateRun("02E", "2025/26", 1, while_a_runs, kAlice));
  const bool answered_while_a_ran = answered;
  b_thread.join();
  ASSERT_TRUE(answered_while_a_ran) << "the second pay run waited for the first instead of being refused";
  ASSERT_TRUE(refused) << "the second pay run was not refused";
  EXPECT_EQ(refused->where, "pay run 27D 2025/26 period 1");
  EXPECT_NE(refused->why.find("the pay run of 02E 2025/26 period 1 started by cli:alice"), std::string::npos)
      << refused->ToString();
  EXPECT_TRUE(Must(b_->PayRuns("27D")).empty()) << "the refused run stored nothing";
  // Once A's run is stored the lock is free: B's runs now.
  EXPECT_EQ(a_run.payslips, 1);
  EXPECT_EQ(Must(b_->CalculateRun("27D", "2025/26", 1, Fixed, kBob)).payslips, 1);
  // A run that fails lets go of the lock too.
  auto failing = [](const std::vector<PeriodInput>&) -> Result<PayRunResult> {
    return MakeError("test", "the calculation failed");
  };
  EXPECT_FALSE(a_->CalculateRun("02E", "2025/26", 2, failing, kAlice).ok());
  EXPECT_TRUE(b_->CalculateRun("27D", "2025/26", 1, Fixed, kBob).ok()) << "the failed run let the lock go";
}

TEST_F(PayrollServerTest, FinalRunsCannotBeChangedByAnyStatementAndApprovalNeedsASecondPerson) {
  Staff(*a_, "02E", "E001", "Winifred Ashcombe", "JG103759A");
  const PayRunRecord run = Must(a_->CalculateRun("02E", "2025/26", 1, Fixed, kAlice));
  // Even a statement bypassing the store cannot approve as the calculator.
  auto raw = Must(pg::Connect(pg_->url()));
  EXPECT_FALSE(raw->Exec("UPDATE pay_runs SET state = 'approved', approved_by = calculated_by, approved_at = 'x'").ok());
  auto self = b_->ApproveRun(run.id, kAlice);
  ASSERT_FALSE(self.ok());
  EXPECT_NE(self.error().why.find("second person"), std::string::npos);
  Must(b_->ApproveRun(run.id, kBob));
  for (const char* change :
       {"UPDATE pay_runs SET state = 'calculated'", "UPDATE pay_runs SET approved_by = 'mallory'",
        "DELETE FROM pay_runs", "TRUNCATE pay_runs CASCADE", "UPDATE payslips SET net_pence = 1",
        "DELETE FROM payslips", "TRUNCATE payslips",
        "INSERT INTO payslips SELECT run_id, employee_id + 0, cost_centre, tax_code, ni_category, gross_pence, "
        "pensionable_pence, taxable_pence, tax_pence, employee_ni_pence, employer_ni_pence, employee_pension_pence, "
        "employer_pension_pence, pension_levy_pence, 1, flags, detail FROM payslips ON CONFLICT DO NOTHING"}) {
    Status s = raw->Exec(change);
    EXPECT_FALSE(s.ok()) << change;
  }
  // ON CONFLICT DO NOTHING above would hide a missing trigger behind the
  // key: a payslip for a new employee in the final run is refused too.
  const int64_t other = Staff(*a_, "02E", "E002", "Ottoline Brack", "JG103761A");
  EXPECT_FALSE(raw->Exec("INSERT INTO payslips SELECT run_id, " + std::to_string(other) +
                         ", cost_centre, tax_code, ni_category, gross_pence, pensionable_pence, taxable_pence, "
                         "tax_pence, employee_ni_pence, employer_ni_pence, employee_pension_pence, "
                         "employer_pension_pence, pension_levy_pence, net_pence, flags, detail FROM payslips")
                   .ok());
  const auto slips = Must(a_->Payslips(run.id));
  ASSERT_EQ(slips.size(), 1u);
  EXPECT_EQ(slips[0].net, Money::FromPence(150000));
}

TEST_F(PayrollServerTest, IdsAndStaffNumbersStayUniqueUnderTwoWritersAtOnce) {
  // Two nodes hire at the same time, each its own staff and one contested
  // staff number; then each runs payroll for two employers, retrying while
  // the other's pay run holds the job.
  constexpr int kEach = 12;
  std::atomic<int> contested_won{0};
  std::vector<int64_t> ids_a, ids_b;
  auto hire = [&](PayrollStore* db, const char* prefix, std::vector<int64_t>* ids) {
    for (int i = 0; i < kEach; ++i) {
      const std::string n = std::to_string(i);
      auto id = db->AddEmployee({"02E", std::string(prefix) + n, Date::FromYmd(2020, 4, 1), std::nullopt},
                                {"Person " + n, "1 Road", "1980-01-01", "AB12345" + std::to_string(i % 10) + "C",
                                 "200000", "55779911"},
                                *cipher_, kAlice);
      if (id.ok()) ids->push_back(id.value());
      auto contested = db->AddEmployee({"02E", "SAME" + n, Date::FromYmd(2020, 4, 1), std::nullopt},
                                       {"Contested", "1 Road", "1980-01-01", "AB123456C", "200000", "55779911"},
                                       *cipher_, kAlice);
      if (contested.ok()) ++contested_won;
    }
  };
  std::thread ta(hire, a_.get(), "A", &ids_a), tb(hire, b_.get(), "B", &ids_b);
  ta.join();
  tb.join();
  ASSERT_EQ(ids_a.size(), static_cast<size_t>(kEach));
  ASSERT_EQ(ids_b.size(), static_cast<size_t>(kEach));
  std::set<int64_t> unique(ids_a.begin(), ids_a.end());
  unique.insert(ids_b.begin(), ids_b.end());
  EXPECT_EQ(unique.size(), static_cast<size_t>(2 * kEach)) << "two writers were given the same employee id";
  EXPECT_EQ(contested_won.load(), kEach) << "each contested staff number is taken exactly once";
  EXPECT_EQ(Must(a_->Employees("02E")).size(), static_cast<size_t>(3 * kEach));

  for (const char* e : {"27D", "01X", "03Y"}) Staff(*a_, e, "X1", "Someone Else", "AB123459C");
  std::vector<int64_t> runs_a, runs_b;
  std::atomic<int> refusals{0};
  auto run = [&](PayrollStore* db, std::vector<const char*> employers, std::vector<int64_t>* out, const Actor& who) {
    for (const char* e : employers) {
      for (int attempt = 0; attempt < 5000; ++attempt) {
        auto r = db->CalculateRun(e, "2025/26", 1, Fixed, who);
        if (r.ok()) {
          out->push_back(r.value().id);
          break;
        }
        if (r.error().why.find("running against this database") == std::string::npos) break;  // a real failure
        ++refusals;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
  };
  // "27D" is contested: both calculate it; it stays one run (recalculated).
  std::thread ra(run, a_.get(), std::vector<const char*>{"27D", "01X"}, &runs_a, kAlice);
  std::thread rb(run, b_.get(), std::vector<const char*>{"27D", "03Y"}, &runs_b, kBob);
  ra.join();
  rb.join();
  ASSERT_EQ(runs_a.size(), 2u);
  ASSERT_EQ(runs_b.size(), 2u);
  EXPECT_EQ(runs_a[0], runs_b[0]) << "one run per employer and period, whoever calculated it";
  std::set<int64_t> run_ids{runs_a[0], runs_a[1], runs_b[1]};
  EXPECT_EQ(run_ids.size(), 3u);
  for (const char* e : {"27D", "01X", "03Y"}) EXPECT_EQ(Must(a_->PayRuns(e)).size(), 1u) << e;
  RecordProperty("pay_run_job_refusals", refusals.load());
}

TEST_F(PayrollServerTest, NoPersonalFieldIsInAnyRowInClear) {
  const int64_t id = Staff(*a_, "02E", "E001", "Winifred Ashcombe", "JG103759A");
  ASSERT_TRUE(a_->SetGender(id, 'F', *cipher_, kAlice).ok());
  ASSERT_TRUE(b_->Transfer(id, "27D", "T9", Date::FromYmd(2024, 7, 1), *cipher_, kBob).ok());
  const std::string rows = testing::RawServerRows(pg_->url(), pg_->schema());
  ASSERT_NE(rows.find("employees: "), std::string::npos) << "the raw rows were read";
  ASSERT_NE(rows.find("identities: "), std::string::npos);
  ASSERT_NE(rows.find("E001"), std::string::npos) << "the staff number is not personal and is there";
  for (const char* clear : {"Winifred", "Ashcombe", "JG103759A", "JG 10 37 59 A", "55779911", "207103", "20-71-03",
                            "1979-11-23", "Quarry Road", "LS6 2AB"})
    EXPECT_EQ(rows.find(clear), std::string::npos) << clear;
  // Another node with another key is refused, not allowed to seal with it.
  std::array<uint8_t, 32> other{};
  other.fill(1);
  auto wrong = store::FieldCipher::FromKey(other, store::kPayrollCipherDomain);
  auto refused = PayrollStore::OpenServer(Must(pg::Connect(pg_->url())), wrong);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().why.find("--payroll-key"), std::string::npos) << refused.error().ToString();
  EXPECT_TRUE(Must(PayrollStore::ServerHasKey(*Must(pg::Connect(pg_->url())))));
}

TEST_F(PayrollServerTest, ASqliteConnectionIsRefused) {
  auto dir = std::filesystem::temp_directory_path() / ("payroll_server_sqlite_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto db = Must(store::SqliteDb::Open((dir / "x.sqlite").string(), ""));
  auto r = PayrollStore::OpenServer(std::make_unique<store::SqliteConnection>(std::move(db)), *cipher_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().why.find("PostgreSQL"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace csu::payroll
