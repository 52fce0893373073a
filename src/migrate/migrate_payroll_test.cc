// csu migrate's payroll step (docs/store-format.md §16 -> §16a): a state
// folder's payroll.sqlite with staff, a final run and a calculated one moves
// into PostgreSQL with equal counts; the sealed fields still open with the
// same key (their employee ids kept), a final run is still final there (the
// payslips' trigger on again after the copy), new ids continue after the
// copied ones, and the key's fingerprint comes along so another key is
// refused. Skipped without CSU_TEST_POSTGRES_URL.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <map>
#include <optional>

#include "migrate/migrate.h"
#include "payroll/payroll_store.h"
#include "payroll/payroll_store_testing.h"
#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"
#include "store/store.h"
#include "store/store_testing.h"

namespace csu::migrate {
namespace {

namespace fs = std::filesystem;

template <typename T>
T Must(Result<T> r) {
  if (!r.ok()) throw std::runtime_error(r.error().ToString());
  return std::move(r).value();
}

const payroll::PayrollStore::PayCalculator Fixed = payroll::testing::FixedPay(210000, 160000);

TEST(MigratePayrollTest, AFolderPayrollMovesFinalRunsStayFinalAndTheFieldsStillOpen) {
  std::optional<pg::TestSchema> pg_;
  CSU_PG_TEST_SCHEMA(pg_);
  const fs::path root = fs::temp_directory_path() / ("csu-migrate-payroll-" + std::to_string(::getpid()));
  fs::remove_all(root);
  const std::string dir = (root / "state").string();
  Must(store::Store::Open(dir, store::testing::kFingerprint)).reset();
  std::array<uint8_t, 32> key{};
  key.fill(77);
  const auto cipher = store::FieldCipher::FromKey(key, store::kPayrollCipherDomain);
  const payroll::Actor alice{"2025-04-20T09:00:00Z", "alice"}, bob{"2025-04-21T09:00:00Z", "bob"};
  int64_t final_run = 0;
  {
    auto db = Must(payroll::PayrollStore::Open(dir, cipher));
    ASSERT_TRUE(db->AddEmployer({"02E", payroll::EmployerKind::kCcg, "NHS Example CCG", "123/AB456", "123PA00012345"},
                                alice)
                    .ok());
    Must(db->AddPost({0, "02E", "FIN01", "CC900", "Finance officer", "5", 300}, alice));
    for (const char* n : {"E001", "E002"}) {
      const int64_t id = Must(db->AddEmployee({"02E", n, Date::FromYmd(2020, 4, 1), std::nullopt},
                                              {std::string("Person ") + n, "1 Road, Leeds LS1 1AA", "1980-01-01",
                                               "AB123456C", "401276", "41235678"},
                                              cipher, alice));
      Must(db->Assign(payroll::testing::FullTimeFin01(id, Money::FromPounds(25'000)), alice));
    }
    ASSERT_TRUE(db->SetGender(2, 'F', cipher, alice).ok());
    final_run = Must(db->CalculateRun("02E", "2025/26", 1, Fixed, alice)).id;
    Must(db->ApproveRun(final_run, bob));
    Must(db->CalculateRun("02E", "2025/26", 2, Fixed, alice));
  }

  auto target = Must(pg::Connect(pg_->url()));
  MigrateOptions o;
  o.actor = "operator";
  o.now_iso = "2026-12-07T10:00:00Z";
  auto report = Migrate(dir, *target, DefaultSteps(), o);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  std::map<std::string, TableCount> counts;
  for (const StepReport& s : report.value().steps)
    if (s.step == "payroll")
      for (const TableCount& t : s.tables) counts[t.table] = t;
  ASSERT_EQ(counts.size(), 12u);
  EXPECT_EQ(counts["employees"].source_rows, 2);
  EXPECT_EQ(counts["staff_identities"].source_rows, 12);
  EXPECT_EQ(counts["pay_runs"].source_rows, 2);
  EXPECT_EQ(counts["payslips"].source_rows, 4);
  for (const auto& [name, t] : counts) EXPECT_EQ(t.source_rows, t.target_rows) << name;

  // The server's payroll database opens with the same key and reads alike.
  auto db = Must(payroll::PayrollStore::OpenServer(Must(pg::Connect(pg_->url())), cipher));
  EXPECT_EQ(Must(db->ReadPersonal(2, cipher)).name, "Person E002");
  auto run = Must(db->FindRun(final_run));
  ASSERT_TRUE(run);
  EXPECT_EQ(run->state, payroll::RunState::kApproved);
  EXPECT_EQ(run->payslips, 2);
  EXPECT_EQ(Must(db->RunPeople(Must(db->RunResult(final_run)), "02E", cipher)).at(1).gender, 'F');
  // Final there too: the trigger is on again.
  EXPECT_FALSE(db->db().Exec("UPDATE payslips SET net_pence = 1 WHERE run_id = " + std::to_string(final_run)).ok());
  // New rows continue after the copied ids.
  const int64_t next = Must(db->AddEmployee({"02E", "E003", Date::FromYmd(2021, 4, 1), std::nullopt},
                                            {"Person E003", "x", "1980-01-01", "AB123457C", "401276", "41235678"},
                                            cipher, alice));
  EXPECT_EQ(next, 3);
  // The calculated run can still be approved, by a second person.
  EXPECT_FALSE(db->ApproveRun(final_run + 1, alice).ok());
  EXPECT_TRUE(db->ApproveRun(final_run + 1, bob).ok());
  // Another key is refused: the fingerprint came along.
  std::array<uint8_t, 32> other{};
  other.fill(3);
  EXPECT_FALSE(
      payroll::PayrollStore::OpenServer(Must(pg::Connect(pg_->url())),
                                        store::FieldCipher::FromKey(other, store::kPayrollCipherDomain))
          .ok());
  fs::remove_all(root);
}

}  // namespace
}  // namespace csu::migrate
