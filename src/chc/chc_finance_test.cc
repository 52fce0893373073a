// Provider invoices checked against packages and retrospective claims,
// worked by hand in tests/golden/chc/README.md §6 and §7 (docs/chc.md,
// "Provider invoices" and "Retrospective claims"), stored in chc.sqlite and,
// in server mode, in PostgreSQL (a fresh schema per test; skipped without
// CSU_TEST_POSTGRES_URL).
#include <gtest/gtest.h>

#include <filesystem>

#include "chc/chc_store.h"
#include "chc/chc_views.h"
#include "chc/invoice_check.h"
#include "chc/retro_claim.h"
#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"
#include "store/sql.h"
#include "store/sqlite_db.h"

namespace csu::chc {
namespace {

Date D(const char* s) { return Date::Parse(s).value(); }

class ChcFinanceTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& ch : name)
      if (ch == '/') ch = '_';
    dir_ = std::filesystem::temp_directory_path() / ("chc_finance_test_" + std::to_string(::getpid()) + "_" + name);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::array<uint8_t, 32> key{};
    for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(i * 5 + 3);
    cipher_ = std::make_unique<FieldCipher>(FieldCipher::FromKey(key, store::kChcCipherDomain));
    if (std::string(GetParam()) == "postgresql") {
      CSU_PG_TEST_SCHEMA(pg_);
      db_ = ChcStore::OpenServer(pg::Connect(pg_->url()).value(), *cipher_).value();
    } else {
      db_ = ChcStore::Open(dir_.string(), *cipher_).value();
    }
    case_ = db_->Refer({"02E", std::string(64, 'b'), D("2018-08-01"), false, std::nullopt},
                       {"Ada Brightwater", "9434765919", "1931-02-17", "12 Orchard Row"}, *cipher_, actor_)
                .value();
    EXPECT_TRUE(db_->RecordChecklist(case_, D("2018-08-02"), true, actor_).ok());
    Assessment as;
    as.case_id = case_, as.assessed_on = D("2018-08-20"), as.recommendation = "eligible";
    as.levels[Domain::kBreathing] = Level::kSevere, as.levels[Domain::kMobility] = Level::kSevere;
    EXPECT_TRUE(db_->RecordAssessment(as, actor_).ok());
    EXPECT_TRUE(db_->Decide(case_, D("2018-08-28"), true, "severe in two domains", actor_).ok());
    PackageVersion v;
    v.start = D("2018-09-01"), v.provider = "NVC01", v.setting = Setting::kCareHomeNursing;
    v.unit_cost = Money::FromPence(100000), v.units_x100 = 100;
    package_ = db_->AddPackage(case_, v, actor_).value();
    v.start = D("2018-10-15"), v.unit_cost = Money::FromPence(105000);
    EXPECT_TRUE(db_->ChangePackage(package_, v, "fee uplift", actor_).ok());
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  ProviderInvoice Inv(const char* ref, const char* provider, int64_t case_id, const char* from, const char* to,
                      int64_t pence) {
    ProviderInvoice i;
    i.ccg = "02E", i.provider = provider, i.invoice_ref = ref, i.case_id = case_id;
    i.from = D(from), i.to = D(to), i.amount = Money::FromPence(pence);
    return i;
  }
  std::filesystem::path dir_;
  std::unique_ptr<FieldCipher> cipher_;
  std::unique_ptr<ChcStore> db_;
  std::optional<pg::TestSchema> pg_;
  int64_t case_ = 0, package_ = 0;
  Actor actor_{"2018-11-05T10:00:00Z", "cli:tester"};
};
std::string BackendName(const ::testing::TestParamInfo<const char*>& i) { return i.param; }
INSTANTIATE_TEST_SUITE_P(Backends, ChcFinanceTest, ::testing::Values("sqlite", "postgresql"), BackendName);

TEST_P(ChcFinanceTest, InvoicesArePayableToThePennyOrQueriedWithTheReason) {
  auto packages = db_->Packages("02E").value();
  InvoiceHistory history(db_->Invoices("").value());
  std::vector<CheckedInvoice> out;
  auto check = [&](const ProviderInvoice& i, std::optional<int64_t> case_id) {
    CheckedInvoice c = CheckInvoice(i, case_id, packages, history);
    history.Add(c);
    out.push_back(c);
    return c;
  };
  // October: 14 days at £1,000.00 (£2,000.00) + 17 at £1,050.00 (£2,550.00).
  CheckedInvoice a = check(Inv("INV-1", "NVC01", case_, "2018-10-01", "2018-10-31", 455000), case_);
  EXPECT_TRUE(a.payable) << a.reason;
  EXPECT_EQ(a.expected, Money::FromPence(455000));
  CheckedInvoice b = check(Inv("INV-2", "NVC01", case_, "2018-11-01", "2018-11-30", 450001), case_);
  EXPECT_FALSE(b.payable);
  EXPECT_EQ(b.reason, "amount differs by £0.01: the package cost over the period is £4,500.00");
  CheckedInvoice c = check(Inv("INV-3", "NVC01", case_, "2018-08-25", "2018-09-05", 71429), case_);
  EXPECT_EQ(c.reason, "period outside the package: 7 of 12 days have no package with NVC01 (first 2018-08-25)");
  EXPECT_EQ(c.expected, Money::FromPence(71429));
  CheckedInvoice d = check(Inv("INV-4", "NVC02", case_, "2018-10-01", "2018-10-31", 455000), case_);
  EXPECT_EQ(d.reason.rfind("no live package: case ", 0), 0u) << d.reason;
  CheckedInvoice e = check(Inv("INV-5", "NVC01", 999, "2018-10-01", "2018-10-31", 455000), std::nullopt);
  EXPECT_EQ(e.reason, "no such case: 999 is not a case of 02E");
  CheckedInvoice f = check(Inv("INV-1", "NVC01", case_, "2018-12-01", "2018-12-31", 465000), case_);
  EXPECT_EQ(f.reason, "duplicate: invoice INV-1 of NVC01 was already checked");
  CheckedInvoice g = check(Inv("INV-1b", "NVC01", case_, "2018-10-01", "2018-10-31", 455000), case_);
  EXPECT_EQ(g.reason.rfind("duplicate: NVC01 was already found payable for case", 0), 0u) << g.reason;

  ASSERT_TRUE(db_->StoreInvoices(out, actor_).ok());
  auto stored = db_->Invoices("02E").value();
  ASSERT_EQ(stored.size(), 7u);
  EXPECT_TRUE(stored[0].payable);
  EXPECT_EQ(stored[1].reason, b.reason);
  EXPECT_FALSE(stored[4].case_id);
  EXPECT_TRUE(db_->Invoices("27D").value().empty());
  // Stored checks are never changed: an earlier check makes a later file's row a duplicate.
  InvoiceHistory again(stored);
  EXPECT_NE(again.Duplicate(Inv("INV-2", "NVC01", case_, "2018-11-01", "2018-11-30", 450000), case_), "");
  EXPECT_FALSE(db_->db().Exec("UPDATE provider_invoices SET outcome='payable'").ok());
  EXPECT_FALSE(db_->db().Exec("DELETE FROM provider_invoices").ok());
  EXPECT_EQ(db_->Invoices("02E").value().size(), 7u);
  const report::ReportTable t = InvoicesTable("02E", stored);
  EXPECT_EQ(t.rows.size(), 7u);
}

TEST_P(ChcFinanceTest, RetrospectiveClaimAwardsTheStatedCostOfTheEligibleDays) {
  // Stated: 1 April-30 June 2016 at £700.00 a week (91 days: £9,100.00),
  // 1 July-31 December 2016 at £735.50 (184 days: 13,533,200 / 7 =
  // 1,933,314.29 → £19,333.14); £28,433.14.
  std::vector<ClaimCost> costs = {{D("2016-04-01"), D("2016-06-30"), Money::FromPence(70000)},
                                  {D("2016-07-01"), D("2016-12-31"), Money::FromPence(73550)}};
  auto id = db_->RecordClaim(case_, D("2019-01-10"), D("2016-04-01"), D("2016-12-31"), costs, actor_);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  auto claims = db_->Claims("02E").value();
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims[0].stated, Money::FromPence(2'843'314));
  EXPECT_EQ(claims[0].status, "open");
  // Refused, nothing stored: no reasons, an eligible period outside the claim.
  EXPECT_FALSE(db_->DecideClaim(id.value(), D("2019-03-01"), std::pair{D("2016-06-01"), D("2016-09-30")}, "", actor_).ok());
  EXPECT_FALSE(db_->DecideClaim(id.value(), D("2019-03-01"), std::pair{D("2016-03-01"), D("2016-09-30")}, "r", actor_).ok());
  EXPECT_EQ(db_->Claims("02E").value()[0].status, "open");
  // Eligible 1 June-30 September 2016: June 30 days at £700.00 = £3,000.00;
  // July-September 92 days at £735.50 = 6,766,600 / 7 = 966,657.14 → £9,666.57.
  ASSERT_TRUE(db_->DecideClaim(id.value(), D("2019-03-01"), std::pair{D("2016-06-01"), D("2016-09-30")},
                               "primary health need from the June admission until discharge", actor_).ok());
  claims = db_->Claims("02E").value();
  EXPECT_EQ(claims[0].status, "eligible");
  EXPECT_EQ(claims[0].awarded, Money::FromPence(1'266'657));
  EXPECT_FALSE(db_->DecideClaim(id.value(), D("2019-03-02"), std::nullopt, "again", actor_).ok());
  // Not eligible awards nothing.
  auto id2 = db_->RecordClaim(case_, D("2019-01-10"), D("2017-01-01"), D("2017-01-31"),
                              {{D("2017-01-01"), D("2017-01-31"), Money::FromPence(70000)}}, actor_);
  ASSERT_TRUE(id2.ok());
  ASSERT_TRUE(db_->DecideClaim(id2.value(), D("2019-03-01"), std::nullopt, "needs were social care needs", actor_).ok());
  EXPECT_EQ(db_->Claims("02E").value()[1].awarded, Money());
  EXPECT_EQ(ClaimsTable("02E", db_->Claims("02E").value()).TotalOf("awarded"), 1'266'657);
  // A claim's stated costs are fixed in the database itself.
  EXPECT_FALSE(db_->db().Exec("UPDATE retro_claim_costs SET weekly_pence = 1").ok());
  EXPECT_FALSE(db_->db().Exec("DELETE FROM retro_claim_costs").ok());
  EXPECT_EQ(db_->Claims("02E").value()[0].stated, Money::FromPence(2'843'314));
}

TEST(RetroClaim, StatedCostsAreCheckedBeforeAnythingIsStored) {
  const Date from = D("2016-04-01"), to = D("2016-12-31");
  EXPECT_TRUE(CheckClaimCosts({{D("2016-04-01"), D("2016-04-30"), Money::FromPence(1)}}, from, to).ok());
  EXPECT_FALSE(CheckClaimCosts({{D("2016-03-01"), D("2016-04-30"), Money::FromPence(1)}}, from, to).ok());
  EXPECT_FALSE(CheckClaimCosts({{D("2016-05-01"), D("2016-04-30"), Money::FromPence(1)}}, from, to).ok());
  EXPECT_FALSE(CheckClaimCosts({{D("2016-04-01"), D("2016-04-30"), Money()}}, from, to).ok());
  auto overlap = CheckClaimCosts({{D("2016-04-01"), D("2016-04-30"), Money::FromPence(1)},
                                  {D("2016-04-30"), D("2016-05-31"), Money::FromPence(1)}},
                                 from, to);
  ASSERT_FALSE(overlap.ok());
  EXPECT_EQ(overlap.error().where, "cost 2");
  EXPECT_EQ(ParseClaimCost("2016-04-01:2016-09-30:850.00").value().weekly, Money::FromPence(85000));
  EXPECT_FALSE(ParseClaimCost("2016-04-01:850.00").ok());
}

}  // namespace
}  // namespace csu::chc
