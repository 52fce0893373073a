// A stored run's outputs read back from payroll.sqlite (docs/payroll.md,
// "Outputs of a stored run"): the payslips as stored, the personal details
// split for the FPS (surname the last word; address lines and a trailing
// postcode), the FPS's refusals naming the payroll number, the P45 of a
// leaver from the run that paid them last, and the P60s only once period 12
// is final, for those still employed at the year's end.
#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <optional>

#include "payroll/payroll_store.h"
#include "payroll/payroll_store_testing.h"
#include "payroll/payslip_tables.h"
#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"

namespace csu::payroll {
namespace {

template <typename T>
T Must(Result<T> r) {
  if (!r.ok()) throw std::runtime_error(r.error().ToString());
  return std::move(r).value();
}

const Actor kAlice{"2025-04-20T09:00:00Z", "alice"};
const Actor kBob{"2025-04-21T09:00:00Z", "bob"};

// A stand-in paying 1,000.00 gross, net and taxable a month.
const PayrollStore::PayCalculator Fixed = testing::FixedPay(100000, 100000, 100000);

// On both engines: the state folder's file, and PostgreSQL (server mode, a
// fresh schema per test) when CSU_TEST_POSTGRES_URL names a server.
class RunOutputsStoreTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("csu-run-outputs-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::array<uint8_t, 32> key{};
    key.fill(9);
    cipher_ = std::make_unique<store::FieldCipher>(store::FieldCipher::FromKey(key, store::kPayrollCipherDomain));
    if (std::string(GetParam()) == "postgresql") {
      CSU_PG_TEST_SCHEMA(pg_);
      db_ = Must(PayrollStore::OpenServer(Must(pg::Connect(pg_->url())), *cipher_));
    } else {
      db_ = Must(PayrollStore::Open(dir_.string(), *cipher_));
    }
    ASSERT_TRUE(db_->AddEmployer({"02E", EmployerKind::kCcg, "NHS Warrington CCG", "083/BA02E", "083PB00012345"}, kAlice)
                    .ok());
    Must(db_->AddPost({0, "02E", "FIN01", "CC900", "Finance officer", "5", 300}, kAlice));
    Hire("E001", "Mary Ann Smith", "Flat 2, 10 High Street, Old Town, Leeds, West Yorkshire ls1 1aa");
    Hire("E002", "Olwen Tarrant", "4 Mill Lane, Leeds");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  int64_t Hire(const std::string& number, const std::string& name, const std::string& address) {
    const int64_t id = Must(db_->AddEmployee({"02E", number, Date::FromYmd(2020, 4, 1), std::nullopt},
                                             {name, address, "1985-03-09", "JG103759A", "401276", "41235678"}, *cipher_,
                                             kAlice));
    Must(db_->Assign(testing::FullTimeFin01(id, Money::FromPounds(12'000)), kAlice));
    return id;
  }

  int64_t Final(int period) {
    const int64_t id = Must(db_->CalculateRun("02E", "2025/26", period, Fixed, kAlice)).id;
    Must(db_->ApproveRun(id, kBob));
    return id;
  }

  std::optional<pg::TestSchema> pg_;
  std::filesystem::path dir_;
  std::unique_ptr<store::FieldCipher> cipher_;
  std::unique_ptr<PayrollStore> db_;
};

std::string BackendName(const ::testing::TestParamInfo<const char*>& i) { return i.param; }
INSTANTIATE_TEST_SUITE_P(Backends, RunOutputsStoreTest, ::testing::Values("sqlite", "postgresql"), BackendName);

TEST_P(RunOutputsStoreTest, PersonalDetailsAreSplitForTheFpsAndRefusalsNameThePayrollNumber) {
  const int64_t run = Final(1);
  const PayRunResult r = Must(db_->RunResult(run));
  ASSERT_EQ(r.payslips.size(), 2u);
  EXPECT_EQ(r.payslips[0].employee_id, "E001");
  EXPECT_EQ(r.payslips[0].net, Money::FromPence(100000));
  EXPECT_EQ(r.totals.net, Money::FromPence(200000));
  const auto people = Must(db_->RunPeople(r, "02E", *cipher_));
  ASSERT_EQ(people.size(), 2u);
  EXPECT_EQ(people[0].forenames, "Mary Ann");
  EXPECT_EQ(people[0].surname, "Smith");
  EXPECT_EQ(people[0].address,
            (std::vector<std::string>{"Flat 2", "10 High Street", "Old Town", "Leeds, West Yorkshire"}));
  EXPECT_EQ(people[0].postcode, "LS1 1AA");
  EXPECT_EQ(people[1].postcode, "");
  // The FPS: no gender yet, then no postcode; named by payroll number only.
  auto fps = db_->RunPeople(r, "02E", *cipher_, true);
  ASSERT_FALSE(fps.ok());
  EXPECT_EQ(fps.error().where, "employee E001");
  ASSERT_TRUE(db_->SetGender(1, 'F', *cipher_, kAlice).ok());
  ASSERT_TRUE(db_->SetGender(2, 'M', *cipher_, kAlice).ok());
  EXPECT_FALSE(db_->SetGender(2, 'X', *cipher_, kAlice).ok());
  fps = db_->RunPeople(r, "02E", *cipher_, true);
  ASSERT_FALSE(fps.ok());
  EXPECT_EQ(fps.error().where, "employee E002");
  EXPECT_EQ(fps.error().why.find("Mill Lane"), std::string::npos) << fps.error().why;
  EXPECT_EQ(Must(db_->RunPeople(r, "02E", *cipher_)).at(1).gender, 'M');
}

TEST_P(RunOutputsStoreTest, P45FromTheLeaversRunAndP60sOnlyOncePeriodTwelveIsFinal) {
  ASSERT_TRUE(db_->SetLeaving(2, Date::FromYmd(2025, 6, 15), kAlice).ok());
  for (int period = 1; period <= 11; ++period) Final(period);
  const PayRunResult june = Must(db_->RunResult(3));
  ASSERT_EQ(june.payslips.size(), 2u);
  ASSERT_TRUE(june.payslips[1].leaving_date);
  EXPECT_EQ(*june.payslips[1].leaving_date, Date::FromYmd(2025, 6, 15));
  const EmployerDetails employer = Must(db_->EmployerDetailsOf("02E"));
  EXPECT_EQ(employer.tax_office_number, "083");
  EXPECT_EQ(employer.tax_office_reference, "BA02E");
  const auto p45 = Must(P45Table(june, Must(db_->RunPeople(june, "02E", *cipher_)), employer));
  ASSERT_EQ(p45.rows.size(), 1u);
  EXPECT_EQ(p45.rows[0][4].text, "E002");
  EXPECT_EQ(p45.rows[0][8].number, 300000) << "three months' taxable pay to date";

  auto early = db_->YearEndResult("02E", "2025/26");
  ASSERT_FALSE(early.ok());
  EXPECT_NE(early.error().why.find("period 12 of 2025/26 is not final"), std::string::npos);
  Final(12);
  const PayRunResult year = Must(db_->YearEndResult("02E", "2025/26"));
  ASSERT_EQ(year.payslips.size(), 1u) << "the leaver gets a P45, not a P60";
  EXPECT_EQ(year.payslips[0].employee_id, "E001");
  EXPECT_EQ(year.payslips[0].period, 12);
  EXPECT_EQ(year.payslips[0].to_date.taxable, Money::FromPence(1200000));
}

TEST_P(RunOutputsStoreTest, TheEmployersAccountIsReplacedAndARunIsPostedOnce) {
  ASSERT_TRUE(db_->SetEmployerAccount("02E", {"40-12-76", "11112222", "NHS WARRINGTON", "123456"}, kAlice).ok());
  ASSERT_TRUE(db_->SetEmployerAccount("02E", {"401276", "33334444", "NHS WARRINGTON CCG", "654321"}, kBob).ok());
  const EmployerDetails d = Must(db_->EmployerDetailsOf("02E"));
  EXPECT_EQ(d.account_number, "33334444");
  EXPECT_EQ(d.bacs_user_number, "654321");
  const int64_t calculated = Must(db_->CalculateRun("02E", "2025/26", 1, Fixed, kAlice)).id;
  EXPECT_FALSE(db_->RecordPosting({calculated, "02E", 7, 3, false, "", ""}, kAlice).ok()) << "not final yet";
  Must(db_->ApproveRun(calculated, kBob));
  ASSERT_TRUE(db_->RecordPosting({calculated, "02E", 7, 3, false, "", ""}, kAlice).ok());
  auto again = db_->RecordPosting({calculated, "02E", 8, 4, false, "", ""}, kAlice);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().why.find("journal 7"), std::string::npos) << again.error().ToString();
  EXPECT_EQ(Must(db_->FindPosting(calculated))->journal, 7);
  EXPECT_FALSE(db_->db().Exec("UPDATE run_postings SET journal = 9").ok()) << "a posting is kept";
  EXPECT_FALSE(db_->db().Exec("DELETE FROM run_postings").ok()) << "a posting is kept";
}

}  // namespace
}  // namespace csu::payroll
