// The reporting schema on PostgreSQL (reporting_store.h): published figures,
// row-level security per reporting role, and the refresh seen whole or not
// at all. Needs CSU_TEST_POSTGRES_URL with a role that may CREATE SCHEMA and
// CREATE ROLE; skipped otherwise, with the reason.
#include "reporting/reporting_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "analytics/activity_cube.h"
#include "analytics/analytics_testing.h"
#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"
#include "refdata/refdata_for_tests.h"
#include "reporting/reporting_testing.h"
#include "store/store.h"

namespace csu::reporting {
namespace {

using analytics::testing::AeSpec;
using analytics::testing::OpSpec;
using analytics::testing::SpellSpec;
using analytics::testing::TestActivity;

constexpr const char* kNow = "2026-12-07T10:00:00Z";

using testing::Ae;
using testing::Op;
using testing::Spell;

void Fill(TestActivity& t, int extra_spells = 0) {
  t.Spell(Spell("02E", "RBT", 1, "2018-04-02", "2018-04-05", 100'000))
      .Spell(Spell("02E", "RBT", 2, "2018-05-02", "2018-05-05", 60'000, "FZ12A"))
      .Spell(Spell("27D", "RJR", 3, "2018-06-02", "2018-06-05", 80'000))
      .Op(Op("27D", "RJR", 3, "2018-06-01", 15'000))
      .Ae(Ae("02E", "RBT", 0, "2018-05-01T10:00", 14'000));
  for (int i = 0; i < extra_spells; ++i)
    t.Spell(Spell("02E", "RBT", 10u + static_cast<uint32_t>(i), "2018-07-02", "2018-07-05", 1'000));
}

std::vector<store::BatchInfo> Batches() {
  std::vector<store::BatchInfo> b(3);
  b[0].id = 1;
  b[1].id = 2;
  b[1].removed = true;
  b[2].id = 3;
  return b;
}

class ReportingStore : public ::testing::Test {
 protected:
  void SetUp() override {
    CSU_PG_TEST_SCHEMA(schema_);
    auto owner = pg::Connect(schema_->url());
    ASSERT_TRUE(owner.ok()) << owner.error().ToString();
    owner_ = std::move(owner).value();
    // A fresh schema name for the reporting tables inside the test's own.
    name_ = schema_->schema();
    const std::string pid = std::to_string(::getpid());
    for (const char* r : {"a", "b", "c"}) roles_.push_back("csu_test_rep_" + pid + "_" + r);
    for (const std::string& r : roles_) (void)owner_->Exec("DROP ROLE IF EXISTS " + r);
    if (!owner_->Exec("CREATE ROLE " + roles_[0] + " LOGIN; DROP ROLE " + roles_[0]).ok())
      GTEST_SKIP() << "the role of CSU_TEST_POSTGRES_URL may not CREATE ROLE: reporting roles are not tested";
  }
  void TearDown() override {
    owner_.reset();
    schema_.reset();  // drops the tables, so the roles hold no privileges
    if (roles_.empty()) return;
    auto admin = pg::Connect(std::getenv("CSU_TEST_POSTGRES_URL"));
    if (admin.ok())
      for (const std::string& r : roles_) (void)admin.value()->Exec("DROP ROLE IF EXISTS " + r);
  }

  // A connection acting as `role` (SET ROLE, as a login as that role would).
  std::unique_ptr<store::SqlConnection> As(const std::string& role) {
    auto c = pg::Connect(schema_->url());
    EXPECT_TRUE(c.ok());
    if (!c.ok()) return nullptr;
    Status g = owner_->Exec("GRANT " + role + " TO CURRENT_USER");
    EXPECT_TRUE(g.ok()) << g.error().ToString();
    Status s = c.value()->Exec("SET ROLE " + role);
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    return std::move(c).value();
  }

  // One integer from a query.
  static int64_t One(store::SqlConnection& db, const std::string& sql) {
    auto q = db.Prepare(sql);
    EXPECT_TRUE(q.ok()) << (q.ok() ? "" : q.error().ToString());
    if (!q.ok()) return -1;
    auto row = q.value().Step();
    EXPECT_TRUE(row.ok()) << (row.ok() ? "" : row.error().ToString());
    if (!row.ok() || !row.value()) return -1;
    return q.value().IsNull(0) ? 0 : q.value().Int(0);
  }
  std::vector<std::string> Texts(store::SqlConnection& db, const std::string& sql) {
    std::vector<std::string> out;
    auto q = db.Prepare(sql);
    EXPECT_TRUE(q.ok()) << (q.ok() ? "" : q.error().ToString());
    if (!q.ok()) return out;
    while (true) {
      auto row = q.value().Step();
      EXPECT_TRUE(row.ok()) << (row.ok() ? "" : row.error().ToString());
      if (!row.ok() || !row.value()) break;
      out.push_back(q.value().Text(0));
    }
    return out;
  }
  std::string T(const std::string& table) const { return name_ + "." + table; }

  std::optional<pg::TestSchema> schema_;
  std::unique_ptr<store::SqlConnection> owner_;
  std::string name_;
  std::vector<std::string> roles_;
};

TEST_F(ReportingStore, PublishesTheCubesFiguresAndTheRefresh) {
  TestActivity t;
  Fill(t);
  const pricing::PricedActivity& a = t.activity();
  auto done = Publish(*owner_, name_, a, refdata::TestRefData(), Batches(), "tester", kNow);
  ASSERT_TRUE(done.ok()) << done.error().ToString();
  EXPECT_EQ(done.value().refresh_id, 1);
  EXPECT_EQ(done.value().record_rows, 5);
  EXPECT_EQ(done.value().batch_ids, "1,3");  // the removed batch is not one of them
  // The platform's own figures: the activity cube of the year, per CCG.
  analytics::ActivityCube cube;
  cube.Build(a, FinancialYear(2018));
  for (const char* ccg : {"02E", "27D"}) {
    int64_t activity = 0, pence = 0;
    for (size_t p = 0; p < cube.pairs().size(); ++p) {
      if (a.tables.codes.commissioner().code(cube.pairs()[p].commissioner) != ccg) continue;
      activity += cube.SumPods(p, 1, 12).activity;
      pence += cube.SumPods(p, 1, 12).pence;
    }
    const std::string where = " WHERE commissioner = '" + std::string(ccg) + "' AND financial_year = '2018/19'";
    EXPECT_EQ(One(*owner_, "SELECT SUM(activity) FROM " + T("monthly_activity") + where), activity) << ccg;
    EXPECT_EQ(One(*owner_, "SELECT SUM(cost_pence) FROM " + T("monthly_activity") + where), pence) << ccg;
    EXPECT_EQ(One(*owner_, "SELECT SUM(price_pence) FROM " + T("records") + where), pence) << ccg;
    // Pounds are the pence exactly.
    EXPECT_EQ(One(*owner_, "SELECT CAST(SUM(cost_gbp) * 100 AS bigint) FROM " + T("monthly_activity") + where), pence);
  }
  EXPECT_EQ(Texts(*owner_, "SELECT batch_ids FROM " + T("refresh")), std::vector<std::string>{"1,3"});
  // A second publish replaces the rows and numbers the refresh.
  done = Publish(*owner_, name_, a, refdata::TestRefData(), Batches(), "tester", kNow);
  ASSERT_TRUE(done.ok()) << done.error().ToString();
  EXPECT_EQ(done.value().refresh_id, 2);
  EXPECT_EQ(One(*owner_, "SELECT COUNT(*) FROM " + T("records")), 5);
  EXPECT_EQ(One(*owner_, "SELECT MAX(refresh_id) FROM " + T("refresh")), 2);
}

TEST_F(ReportingStore, EachRoleReadsOnlyItsOwnCcgAndAnUnmappedRoleNothing) {
  TestActivity t;
  Fill(t);
  ASSERT_TRUE(Publish(*owner_, name_, t.activity(), refdata::TestRefData(), Batches(), "tester", kNow).ok());
  Status g = Grant(*owner_, name_, "02E", roles_[0], /*record_level=*/false, "tester", kNow);
  ASSERT_TRUE(g.ok()) << g.error().ToString();
  ASSERT_TRUE(Grant(*owner_, name_, "27D", roles_[1], /*record_level=*/true, "tester", kNow).ok());
  // Mapped, then unmapped: it keeps SELECT on the tables but no CCG.
  ASSERT_TRUE(Grant(*owner_, name_, "27D", roles_[2], true, "tester", kNow).ok());
  ASSERT_TRUE(Revoke(*owner_, name_, "", roles_[2]).ok());
  EXPECT_FALSE(Revoke(*owner_, name_, "", roles_[2]).ok());  // nothing left to revoke

  auto a = As(roles_[0]);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(Texts(*a, "SELECT DISTINCT commissioner FROM " + T("monthly_activity")), std::vector<std::string>{"02E"});
  EXPECT_EQ(One(*a, "SELECT COUNT(*) FROM " + T("monthly_activity") + " WHERE commissioner = '27D'"), 0);
  EXPECT_EQ(One(*a, "SELECT COUNT(*) FROM " + T("records")), 0);  // aggregates only
  EXPECT_EQ(Texts(*a, "SELECT ccg FROM " + T("role_tenants")), std::vector<std::string>{"02E"});  // its own mapping only
  EXPECT_EQ(One(*a, "SELECT COUNT(*) FROM " + T("refresh")), 1);
  // Read-only: no write reaches a table, and it cannot map itself to another CCG.
  EXPECT_FALSE(a->Exec("DELETE FROM " + T("monthly_activity")).ok());
  EXPECT_FALSE(a->Exec("INSERT INTO " + T("role_tenants") + " VALUES ('" + roles_[0] +
                       "', '27D', 1, now(), 'me')").ok());

  auto b = As(roles_[1]);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(Texts(*b, "SELECT DISTINCT commissioner FROM " + T("monthly_activity")), std::vector<std::string>{"27D"});
  EXPECT_EQ(Texts(*b, "SELECT DISTINCT commissioner FROM " + T("records")), std::vector<std::string>{"27D"});
  EXPECT_EQ(One(*b, "SELECT COUNT(*) FROM " + T("records")), 2);

  auto c = As(roles_[2]);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(One(*c, "SELECT COUNT(*) FROM " + T("monthly_activity")), 0);
  EXPECT_EQ(One(*c, "SELECT COUNT(*) FROM " + T("records")), 0);
}

TEST_F(ReportingStore, GrantRefusesTheOwnerAndNamesThatAreNotPlain) {
  auto me = Texts(*owner_, "SELECT current_user");
  ASSERT_EQ(me.size(), 1u);
  Status s = Grant(*owner_, name_, "02E", me[0], false, "tester", kNow);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().ToString().find("owns the reporting tables"), std::string::npos) << s.error().ToString();
  EXPECT_FALSE(Grant(*owner_, name_, "02E", "Robert'); DROP TABLE x; --", false, "tester", kNow).ok());
  EXPECT_FALSE(Grant(*owner_, "bad-schema", "02E", roles_[0], false, "tester", kNow).ok());
}

TEST_F(ReportingStore, AFailedPublishLeavesThePreviousRefreshWhole) {
  TestActivity old_activity;
  Fill(old_activity);
  ASSERT_TRUE(Publish(*owner_, name_, old_activity.activity(), refdata::TestRefData(), Batches(), "tester", kNow).ok());
  // Make the record insert fail after the aggregates were replaced.
  ASSERT_TRUE(owner_->Exec("ALTER TABLE " + T("records") + " ADD CONSTRAINT no_july CHECK (month <> 4)").ok());
  TestActivity bigger;
  Fill(bigger, 3);  // three July spells: month 4
  auto done = Publish(*owner_, name_, bigger.activity(), refdata::TestRefData(), Batches(), "tester", kNow);
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(One(*owner_, "SELECT COUNT(*) FROM " + T("records")), 5);
  EXPECT_EQ(One(*owner_, "SELECT SUM(activity) FROM " + T("monthly_activity")), 5);
  EXPECT_EQ(One(*owner_, "SELECT MAX(refresh_id) FROM " + T("refresh")), 1);
}

TEST_F(ReportingStore, ReadersSeeTheOldRefreshOrTheNewNeverAMixture) {
  TestActivity small, large;
  Fill(small);
  Fill(large, 600);  // several INSERT statements' worth of records
  ASSERT_TRUE(Publish(*owner_, name_, small.activity(), refdata::TestRefData(), Batches(), "tester", kNow).ok());
  auto reader = pg::Connect(schema_->url());
  ASSERT_TRUE(reader.ok());
  const std::string snapshot = "SELECT (SELECT COUNT(*) FROM " + T("records") + ") * 1000000 + (SELECT SUM(activity) FROM " +
                               T("monthly_activity") + ") * 10 + (SELECT MAX(refresh_id) FROM " + T("refresh") + ") % 10";
  std::atomic<bool> done{false};
  std::vector<int64_t> seen;
  std::thread t([&] {
    while (!done.load()) seen.push_back(One(*reader.value(), snapshot));
  });
  bool ok = true;
  for (int i = 0; i < 6 && ok; ++i) {
    const pricing::PricedActivity& a = (i % 2 == 0 ? large : small).activity();
    ok = Publish(*owner_, name_, a, refdata::TestRefData(), Batches(), "tester", kNow).ok();
  }
  done = true;
  t.join();
  ASSERT_TRUE(ok);
  ASSERT_FALSE(seen.empty());
  for (int64_t v : seen) {
    const int64_t records = v / 1'000'000, activity = (v / 10) % 100'000;
    EXPECT_EQ(records, activity) << "records and aggregates from different refreshes: " << v;
    EXPECT_TRUE(records == 5 || records == 605) << v;
  }
}

}  // namespace
}  // namespace csu::reporting
