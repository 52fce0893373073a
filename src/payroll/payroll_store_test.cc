// The payroll and HR database: identifiers checked by their published
// formats, personal fields sealed (nothing in clear in the files, another
// key refused), establishment and vacancies, the sickness absence rate
// worked by hand, TUPE keeping continuous service, all-or-nothing import,
// and the pay-run workflow: review flags, second-person approval, finality.
// The store's tests run on both engines: the state folder's SQLite file and
// PostgreSQL (server mode, a fresh schema per test) when
// CSU_TEST_POSTGRES_URL names a server.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "payroll/hr_identifiers.h"
#include "payroll/payroll_store.h"
#include "payroll/payroll_store_testing.h"
#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"
#include "store/sql.h"

namespace csu::payroll {
namespace {

Date D(const char* s) { return Date::Parse(s).value(); }

TEST(PayrollIdentifiers, NiNumberFollowsNim39110) {
  EXPECT_EQ(ParseNiNumber("ab 12 34 56 c").value(), "AB123456C");
  EXPECT_TRUE(ParseNiNumber("JG103759A").ok());
  for (const char* bad : {"QQ123456C",   // Q never in a prefix (HMRC's own example is not a real number)
                          "DA123456A",   // D never first
                          "AO123456A",   // O never second
                          "GB123456A", "BG123456A", "NK123456A", "KN123456A", "TN123456A", "NT123456A", "ZZ123456A",
                          "AB123456E",   // suffix A-D only
                          "AB12345C", "AB1234567C", "A1123456C", ""}) {
    auto r = ParseNiNumber(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok() && std::string(bad).size() > 3) {
      EXPECT_EQ(r.error().ToString().find(bad), std::string::npos) << "the value is not repeated";
    }
  }
  EXPECT_EQ(MaskedNiNumber("AB123456C"), "AB •• •• •• C");
  EXPECT_EQ(MaskedAccountNumber("41235678"), "••••5678");
}

TEST(PayrollIdentifiers, EmployerReferences) {
  EXPECT_EQ(ParsePayeReference("123/ab456").value(), "123/AB456");
  EXPECT_FALSE(ParsePayeReference("12/AB456").ok());
  EXPECT_FALSE(ParsePayeReference("123AB456").ok());
  EXPECT_FALSE(ParsePayeReference("123/").ok());
  EXPECT_FALSE(ParsePayeReference("123/AB4567890123").ok());
  EXPECT_EQ(ParseAccountsOfficeReference("123PA00012345").value(), "123PA00012345");
  EXPECT_TRUE(ParseAccountsOfficeReference("123PX0012345X").ok());
  EXPECT_FALSE(ParseAccountsOfficeReference("123XA00012345").ok());
  EXPECT_FALSE(ParseAccountsOfficeReference("123PA0001234").ok());
  EXPECT_EQ(ParseSortCode("40-12-76").value(), "401276");
  EXPECT_FALSE(ParseSortCode("40127").ok());
  EXPECT_FALSE(ParseAccountNumber("1234567").ok());
}

class PayrollStoreTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : name)
      if (c == '/') c = '_';
    dir_ = std::filesystem::temp_directory_path() / ("payroll_store_test_" + std::to_string(::getpid()) + "_" + name);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::array<uint8_t, 32> key{};
    for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(i * 5 + 3);
    cipher_ = std::make_unique<store::FieldCipher>(store::FieldCipher::FromKey(key, store::kPayrollCipherDomain));
    if (server()) CSU_PG_TEST_SCHEMA(pg_);
    auto opened = Reopen(*cipher_);
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    db_ = std::move(opened).value();
    ASSERT_TRUE(db_->AddEmployer({"02E", EmployerKind::kCcg, "NHS Example CCG", "123/AB456", "123PA00012345"}, a_).ok());
    ASSERT_TRUE(db_->AddEmployer({"27D", EmployerKind::kCcg, "NHS Other CCG", "321/ZX9", "321PB00054321"}, a_).ok());
    ASSERT_TRUE(db_->AddPost({0, "02E", "FIN01", "FIN", "Finance officer", "5", 200}, a_).ok());
    ASSERT_TRUE(db_->AddPost({0, "02E", "HR01", "HR", "HR adviser", "6", 100}, a_).ok());
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  int64_t Hire(const std::string& employer, const std::string& number, const std::string& name, const std::string& ni,
               const char* start = "2024-01-15") {
    return db_->AddEmployee({employer, number, D(start), std::nullopt},
                            {name, "4 Mill Lane, Leeds LS1 4AB", "1985-03-09", ni, "40-12-76", "41235678"}, *cipher_, a_)
        .value();
  }
  int64_t Assign(int64_t employee, const char* post, int64_t fte, const char* start = "2024-01-15",
                 const char* tax_code = "1257L") {
    Assignment a;
    a.employee_id = employee;
    a.post_code = post;
    a.start = D(start);
    a.hours_x100 = 3750 * fte / 100;
    a.fte_x100 = fte;
    a.band = "5";
    a.spine_point = 1;
    a.annual_salary = Money::FromPounds(30'000);
    a.tax_code = tax_code;
    a.ni_category = "A";
    return db_->Assign(a, a_).value();
  }
  bool server() const { return std::string(GetParam()) == "postgresql"; }
  // Another opener of the same database: the folder's file, or a new
  // connection to the test's schema (another node).
  Result<std::unique_ptr<PayrollStore>> Reopen(const store::FieldCipher& cipher) {
    if (!server()) return PayrollStore::Open(dir_.string(), cipher);
    CSU_ASSIGN_OR_RETURN(c, pg::Connect(pg_->url()));
    return PayrollStore::OpenServer(std::move(c), cipher);
  }
  // Everything stored, raw: the folder's files (database, WAL, shared
  // memory) or every row of every table of the schema as PostgreSQL gives
  // it back (testing::RawServerRows).
  std::string AllStored() {
    if (server()) return testing::RawServerRows(pg_->url(), pg_->schema());
    std::string all;
    for (const auto& f : std::filesystem::directory_iterator(dir_)) {
      std::ifstream in(f.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      all += ss.str();
    }
    return all;
  }
  std::optional<pg::TestSchema> pg_;
  std::filesystem::path dir_;
  std::unique_ptr<store::FieldCipher> cipher_;
  std::unique_ptr<PayrollStore> db_;
  Actor a_{"2025-04-01T09:00:00Z", "cli:alice"};
  Actor b_{"2025-04-02T09:00:00Z", "web:bob"};
};

TEST_P(PayrollStoreTest, EmployerReferencesAreCheckedBeforeStoring) {
  EXPECT_FALSE(db_->AddEmployer({"01A", EmployerKind::kCcg, "NHS X CCG", "12/AB456", "123PA00012345"}, a_).ok());
  EXPECT_FALSE(db_->AddEmployer({"01A", EmployerKind::kCcg, "NHS X CCG", "123/AB456", "bad"}, a_).ok());
  EXPECT_FALSE(db_->AddEmployer({"02E", EmployerKind::kCcg, "again", "123/AB456", "123PA00012345"}, a_).ok());
  EXPECT_EQ(db_->Employers().value().size(), 2u);
}

TEST_P(PayrollStoreTest, PersonalFieldsAreSealedAndListsMasked) {
  const int64_t id = Hire("02E", "E001", "Harriet Quennell", "JG103759A");
  auto list = db_->Employees("02E").value();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].ni_masked, "JG •• •• •• A");
  EXPECT_EQ(list[0].account_masked, "••••5678");
  PersonalDetails p = db_->ReadPersonal(id, *cipher_).value();
  EXPECT_EQ(p.name, "Harriet Quennell");
  EXPECT_EQ(p.ni_number, "JG103759A");
  EXPECT_EQ(p.sort_code, "401276");
  EXPECT_EQ(p.date_of_birth, "1985-03-09");
  // Nothing personal is stored in clear: not in the folder's files
  // (database, WAL, shared memory), not in any PostgreSQL row.
  const std::string files = AllStored();
  ASSERT_NE(files.find("JG •• •• •• A"), std::string::npos) << "the raw rows were read (the masked form is there)";
  for (const char* clear : {"Harriet", "Quennell", "JG103759A", "41235678", "401276", "1985-03-09", "Mill Lane"})
    EXPECT_EQ(files.find(clear), std::string::npos) << clear;
  // Another key neither opens the fields nor the database.
  std::array<uint8_t, 32> other{};
  other.fill(9);
  auto wrong = store::FieldCipher::FromKey(other, store::kPayrollCipherDomain);
  EXPECT_FALSE(db_->ReadPersonal(id, wrong).ok());
  db_.reset();
  auto refused = Reopen(wrong);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().why.find("fingerprint differs"), std::string::npos) << refused.error().ToString();
  // A CHC key with the same bytes is another domain: refused too.
  std::array<uint8_t, 32> same{};
  for (size_t i = 0; i < same.size(); ++i) same[i] = static_cast<uint8_t>(i * 5 + 3);
  auto chc = store::FieldCipher::FromKey(same, store::kChcCipherDomain);
  EXPECT_FALSE(Reopen(chc).ok());
  EXPECT_TRUE(Reopen(*cipher_).ok()) << "the right key still opens it";
}

TEST_P(PayrollStoreTest, BadPersonalDetailsStoreNothing) {
  auto bad = db_->AddEmployee({"02E", "E009", D("2024-01-15"), std::nullopt},
                              {"Someone", "x", "1985-03-09", "QQ123456C", "401276", "41235678"}, *cipher_, a_);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().ToString().find("QQ123456C"), std::string::npos);
  EXPECT_FALSE(db_->AddEmployee({"99X", "E010", D("2024-01-15"), std::nullopt},
                                {"Someone", "x", "1985-03-09", "AB123456C", "401276", "41235678"}, *cipher_, a_)
                   .ok());
  EXPECT_TRUE(db_->Employees("02E").value().empty());
}

TEST_P(PayrollStoreTest, EstablishmentShowsVacancies) {
  const int64_t a = Hire("02E", "E001", "A Person", "AB123456C");
  const int64_t b = Hire("02E", "E002", "B Person", "AB123457C");
  Assign(a, "FIN01", 100);
  Assign(b, "FIN01", 60);
  auto rows = db_->Establishment("02E", D("2025-04-30")).value();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].post_code, "FIN01");
  EXPECT_EQ(rows[0].in_post_wte_x100, 160);
  EXPECT_EQ(rows[0].staff, 2);
  EXPECT_EQ(rows[0].vacancy_wte_x100, 40);  // 2.00 budgeted − 1.60 in post
  EXPECT_EQ(rows[1].post_code, "HR01");
  EXPECT_EQ(rows[1].vacancy_wte_x100, 100);
  // Another employer's post is not this employer's.
  Assignment x;
  x.employee_id = a;
  x.post_code = "NOPE";
  EXPECT_FALSE(db_->Assign(x, a_).ok());
}

TEST_P(PayrollStoreTest, SicknessAbsenceRateByHand) {
  // June 2025 has 30 calendar days. A full-time (1.00) and a 0.50 FTE person
  // in post all month: 30 × 1.00 + 30 × 0.50 = 45.00 FTE days available.
  // The full-timer is off sick 3 days (3.00), the part-timer 2 (1.00):
  // 4.00 FTE days lost; rate 4 ÷ 45 = 8.89% (888.9 bp, rounded to 889).
  const int64_t a = Hire("02E", "E001", "A Person", "AB123456C");
  const int64_t b = Hire("02E", "E002", "B Person", "AB123457C");
  Assign(a, "FIN01", 100);
  Assign(b, "HR01", 50);
  ASSERT_EQ(db_->RecordAbsence(a, D("2025-06-02"), D("2025-06-04"), AbsenceKind::kSickness, "", a_).value(), 3);
  ASSERT_EQ(db_->RecordAbsence(b, D("2025-06-29"), D("2025-07-01"), AbsenceKind::kSickness, "", a_).value(), 3);
  ASSERT_TRUE(db_->RecordAbsence(a, D("2025-06-10"), D("2025-06-11"), AbsenceKind::kAnnualLeave, "", a_).ok());
  // A day recorded twice is refused and records nothing.
  EXPECT_FALSE(db_->RecordAbsence(a, D("2025-06-01"), D("2025-06-02"), AbsenceKind::kSickness, "", a_).ok());
  auto months = db_->SicknessByMonth("02E", D("2025-06-01"), D("2025-07-31")).value();
  ASSERT_EQ(months.size(), 2u);
  EXPECT_EQ(months[0].fte_days_available_x100, 4500);
  EXPECT_EQ(months[0].fte_days_lost_x100, 400);
  EXPECT_EQ(months[0].rate_bp, 889);
  // July: 31 × 1.5 = 46.5 available; 0.5 lost on 1 July: 1.08% (107.5 bp, half away: 108).
  EXPECT_EQ(months[1].fte_days_available_x100, 4650);
  EXPECT_EQ(months[1].fte_days_lost_x100, 50);
  EXPECT_EQ(months[1].rate_bp, 108);
}

TEST_P(PayrollStoreTest, TupeTransferKeepsContinuousService) {
  ASSERT_TRUE(db_->AddPost({0, "27D", "QA01", "QA", "Quality lead", "7", 100}, a_).ok());
  const int64_t id = db_->AddEmployee({"02E", "E001", D("2024-01-15"), D("2012-09-01")},
                                      {"Tom Ashworth", "1 Road", "1980-01-01", "AB123456C", "401276", "41235678"},
                                      *cipher_, a_)
                         .value();
  Assign(id, "FIN01", 100);
  const int64_t moved = db_->Transfer(id, "27D", "T100", D("2025-07-01"), *cipher_, a_).value();
  auto old_rec = db_->FindEmployee(id).value();
  auto new_rec = db_->FindEmployee(moved).value();
  ASSERT_TRUE(old_rec && new_rec);
  EXPECT_EQ(old_rec->leaving, D("2025-06-30"));
  EXPECT_EQ(new_rec->employer, "27D");
  EXPECT_EQ(new_rec->start, D("2025-07-01"));
  EXPECT_EQ(new_rec->continuous_service, D("2012-09-01"));
  EXPECT_EQ(db_->ReadPersonal(moved, *cipher_).value().name, "Tom Ashworth");
  EXPECT_EQ(db_->Assignments("02E", id).value()[0].end, D("2025-06-30"));
  EXPECT_FALSE(db_->Transfer(id, "27D", "T101", D("2025-08-01"), *cipher_, a_).ok()) << "has left already";
}

TEST_P(PayrollStoreTest, ImportIsAllOrNothing) {
  PayrollStore::StaffRecord good{{"02E", "E001", D("2024-01-15"), std::nullopt},
                                 {"A Person", "x", "1980-01-01", "AB123456C", "401276", "41235678"}, std::nullopt};
  PayrollStore::StaffRecord bad = good;
  bad.employee.staff_number = "E002";
  bad.personal.ni_number = "AB123456E";
  auto r = db_->ImportStaff({good, bad}, *cipher_, a_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().ToString().find("record 2"), std::string::npos) << r.error().ToString();
  EXPECT_TRUE(db_->Employees("02E").value().empty());
  bad.personal.ni_number = "AB123457C";
  EXPECT_EQ(db_->ImportStaff({good, bad}, *cipher_, a_).value().size(), 2u);
}

std::string BackendName(const ::testing::TestParamInfo<const char*>& i) { return i.param; }
INSTANTIATE_TEST_SUITE_P(Backends, PayrollStoreTest, ::testing::Values("sqlite", "postgresql"), BackendName);

// A stand-in for the pay computation: net = gross × 3/4, from a stated
// salary over 12. The workflow, not the arithmetic, is under test here.
PayrollStore::PayCalculator Simple() {
  return [](const std::vector<PeriodInput>& in) -> Result<PayRunResult> {
    PayRunResult out;
    for (const PeriodInput& p : in) {
      Payslip s;
      s.employee_id = p.employee_id;
      s.cost_centre = p.cost_centre;
      s.tax_year = p.tax_year;
      s.period = p.period;
      s.tax_code = p.tax_code;
      s.ni_category = p.ni_category;
      s.gross = p.annual_salary.value_or(Money()).MulRatio(p.fte.contracted_centihours, 12 * p.fte.full_time_centihours);
      s.net = s.gross.MulRatio(3, 4);
      s.starter = p.starter;
      s.leaving_date = p.leaving_date;
      s.to_date = p.to_date;
      s.to_date.gross = s.to_date.gross + s.gross;
      s.to_date.net = s.to_date.net + s.net;
      out.payslips.push_back(s);
    }
    return out;
  };
}

TEST_P(PayrollStoreTest, PayRunReviewApprovalAndFinality) {
  const int64_t a = Hire("02E", "E001", "A Person", "AB123456C");
  const int64_t b = Hire("02E", "E002", "B Person", "AB123457C");
  Assign(a, "FIN01", 100);
  Assign(b, "FIN01", 100);
  auto run1 = db_->CalculateRun("02E", "2025/26", 1, Simple(), a_).value();
  EXPECT_EQ(run1.payslips, 2);
  EXPECT_EQ(run1.gross, Money::FromPounds(5'000));
  EXPECT_EQ(run1.flagged, 2) << "both new starters on the first run";
  // A later period cannot run before this one is approved.
  EXPECT_FALSE(db_->CalculateRun("02E", "2025/26", 2, Simple(), a_).ok());
  // The person who calculated cannot approve.
  auto self = db_->ApproveRun(run1.id, a_);
  ASSERT_FALSE(self.ok());
  EXPECT_NE(self.error().why.find("second person"), std::string::npos);
  auto approved = db_->ApproveRun(run1.id, b_).value();
  EXPECT_EQ(approved.state, RunState::kApproved);
  EXPECT_EQ(approved.approved_by, "web:bob");
  // Final: no recalculation, no second approval, and the database refuses edits.
  EXPECT_FALSE(db_->CalculateRun("02E", "2025/26", 1, Simple(), b_).ok());
  EXPECT_FALSE(db_->ApproveRun(run1.id, b_).ok());
  EXPECT_FALSE(db_->db().Exec("UPDATE payslips SET net_pence = 1").ok());
  EXPECT_FALSE(db_->db().Exec("DELETE FROM payslips").ok());
  EXPECT_FALSE(db_->db().Exec("UPDATE pay_runs SET state = 'calculated'").ok());

  // Period 2: B goes part time (net falls by 40%: flagged), A's tax code
  // changes, C starts, and B leaves on 31 May.
  const int64_t c = Hire("02E", "E003", "C Person", "AB123458C", "2025-05-12");
  Assign(c, "HR01", 100, "2025-05-12");
  ASSERT_TRUE(db_->SetLeaving(b, D("2025-05-31"), a_).ok());
  auto as = db_->Assignments("02E", b).value();
  Assignment part = as[0];
  ASSERT_TRUE(db_->EndAssignment(part.id, D("2025-04-30"), a_).ok());
  ASSERT_FALSE(db_->SetLeaving(b, D("2023-01-01"), a_).ok());
  Assign(b, "FIN01", 60, "2025-05-01");
  auto aa = db_->Assignments("02E", a).value();
  ASSERT_TRUE(db_->EndAssignment(aa[0].id, D("2025-04-30"), a_).ok());
  Assign(a, "FIN01", 100, "2025-05-01", "1100L");
  auto run2 = db_->CalculateRun("02E", "2025/26", 2, Simple(), a_).value();
  auto slips = db_->Payslips(run2.id).value();
  ASSERT_EQ(slips.size(), 3u);
  auto flags = [](const StoredPayslip& s) {
    std::string f;
    for (const auto& x : s.flags) f += x + ";";
    return f;
  };
  EXPECT_EQ(slips[0].staff_number, "E001");
  EXPECT_EQ(flags(slips[0]), "tax_code_changed;");
  EXPECT_EQ(flags(slips[1]), "leaver;net_change;");
  EXPECT_EQ(flags(slips[2]), "new_starter;");
  EXPECT_EQ(slips[1].gross, Money::FromPounds(1'500));
  // The year to date carries from the approved period 1 into period 2.
  EXPECT_NE(slips[0].detail.find("\"gross\":500000"), std::string::npos) << slips[0].detail;
  // A calculated run may be calculated again (after a correction).
  auto again = db_->CalculateRun("02E", "2025/26", 2, Simple(), b_).value();
  EXPECT_EQ(again.id, run2.id);
  EXPECT_EQ(again.calculated_by, "web:bob");
  EXPECT_EQ(db_->PayRuns("02E").value().size(), 2u);
  EXPECT_TRUE(db_->PayRuns("27D").value().empty());
}

}  // namespace
}  // namespace csu::payroll
