// Row-level security for server mode's application role (cli/app_role.h):
// the billing database scoped by `csu app-role`, read as `csu serve
// --app-database` reads a CCG's billing pages. Needs CSU_TEST_POSTGRES_URL
// with a role that may CREATE ROLE; skipped otherwise, with the reason.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>

#include "billing/billing_store.h"
#include "billing/billing_summary.h"
#include "billing/catalogue.h"
#include "billing/invoice_run.h"
#include "cli/app_role.h"
#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"
#include "pg/tenant_rows.h"
#include "refdata/refdata_for_tests.h"

namespace csu::cli {
namespace {

const billing::Actor kActor{"2026-11-23T09:00:00Z", "test"};
const Date kToday = Date::FromYmd(2026, 11, 23);

bool KnownCcg(const std::string& ccg) {
  Result<OdsCode> code = OdsCode::Parse(ccg);
  return code.ok() && refdata::TestRefData().FindCcg(code.value()) != nullptr;
}

class AppRole : public ::testing::Test {
 protected:
  void SetUp() override {
    CSU_PG_TEST_SCHEMA(schema_);
    role_ = "csu_test_app_" + std::to_string(::getpid());
    if (!pg::CreateTestRole(role_))
      GTEST_SKIP() << "the role of CSU_TEST_POSTGRES_URL may not CREATE ROLE: row-level security is not tested";
    role_made_ = true;
    // The owner's data: two CCGs subscribed, June 2018 invoiced for both.
    auto owner = pg::Connect(schema_->url());
    ASSERT_TRUE(owner.ok());
    auto db = billing::BillingStore::OpenServer(std::move(owner).value());
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    owner_ = std::move(db).value();
    auto catalogue = billing::ReadCatalogueFile(std::string(CSU_SOURCE_DIR) + "/tests/golden/billing/catalogue.csv");
    ASSERT_TRUE(catalogue.ok());
    ASSERT_TRUE(owner_->AddVersions(catalogue.value(), kActor).ok());
    for (const char* ccg : {"02E", "12F"}) {
      billing::Subscription s;
      s.ccg = ccg;
      s.item = "BI-CORE";
      s.start = Date::FromYmd(2018, 4, 1);
      s.term_months = 36;
      s.notice_months = 6;
      ASSERT_TRUE(owner_->AddSubscription(s, KnownCcg, kActor).ok());
    }
    auto run = billing::RunInvoices(*owner_, refdata::TestRefData(), billing::Period(2018, 6), {2000, kToday, false}, kActor);
    ASSERT_TRUE(run.ok()) << run.error().ToString();
    ASSERT_EQ(run.value().issued.size(), 2u);
    for (const auto& inv : run.value().issued) number_of_[inv.ccg] = inv.number;
    // The application role signs in as itself: the URL sets the role at
    // connection start, as a deployment's own login role would be.
    app_url_ = schema_->url() + "%20-crole%3D" + role_;
  }
  void TearDown() override {
    owner_.reset();
    schema_.reset();
    if (role_made_) {
      auto admin = pg::Connect(std::getenv("CSU_TEST_POSTGRES_URL"));
      if (admin.ok()) (void)admin.value()->Exec("DROP OWNED BY " + role_ + "; DROP ROLE IF EXISTS " + role_);
    }
  }
  Status Scope() {
    auto done = ScopeForApplicationRole(schema_->url(), role_);
    return done.ok() ? Status::Ok() : Status(done.error());
  }

  std::optional<pg::TestSchema> schema_;
  std::string role_, app_url_;
  bool role_made_ = false;
  std::unique_ptr<billing::BillingStore> owner_;
  std::map<std::string, std::string> number_of_;
};

TEST_F(AppRole, ANodeRefusesTheApplicationRoleUntilTheTablesAreScoped) {
  auto before = TenantBilling::Open(app_url_);
  ASSERT_FALSE(before.ok()) << "opened on unscoped tables";
  EXPECT_NE(before.error().why.find("csu app-role"), std::string::npos) << before.error().ToString();
  ASSERT_TRUE(Scope().ok());
  auto after = TenantBilling::Open(app_url_);
  EXPECT_TRUE(after.ok()) << after.error().ToString();
  // The owner's own connection is not an application role.
  auto owner = pg::Connect(schema_->url());
  ASSERT_TRUE(owner.ok());
  Status own = pg::CheckApplicationRole(*owner.value(), PlatformApplicationRoleTables().Scoped());
  ASSERT_FALSE(own.ok());
  EXPECT_NE(own.error().why.find("owns table"), std::string::npos) << own.error().ToString();
  // Scoping twice is harmless (an upgrade reruns it).
  EXPECT_TRUE(Scope().ok());
}

TEST_F(AppRole, ACcgReadsItsOwnBillingAndNeverAnotherCcgs) {
  ASSERT_TRUE(Scope().ok());
  auto opened = TenantBilling::Open(app_url_);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  TenantBilling& t = *opened.value();
  // Every document the 02E connection can list is 02E's, lines included.
  std::vector<billing::Invoice> docs;
  ASSERT_TRUE(t.With("02E", [&](billing::BillingStore& db) -> Status {
                 CSU_ASSIGN_OR_RETURN(d, db.Documents(""));
                 docs = std::move(d);
                 return Status::Ok();
               }).ok());
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].ccg, "02E");
  EXPECT_FALSE(docs[0].lines.empty());
  // 12F's invoice by its number: not there for 02E, even asked directly.
  std::optional<billing::Invoice> other;
  ASSERT_TRUE(t.With("02E", [&](billing::BillingStore& db) -> Status {
                 CSU_ASSIGN_OR_RETURN(d, db.Document(number_of_.at("12F")));
                 other = std::move(d);
                 return Status::Ok();
               }).ok());
  EXPECT_FALSE(other.has_value()) << "02E read 12F's invoice";
  // The CCG's billing page's figures equal the owner's for that CCG.
  billing::CcgBilling mine;
  ASSERT_TRUE(t.With("02E", [&](billing::BillingStore& db) -> Status {
                 CSU_ASSIGN_OR_RETURN(b, billing::CcgBillingFor(db, refdata::TestRefData(), "02E", kToday));
                 mine = std::move(b);
                 return Status::Ok();
               }).ok());
  auto theirs = billing::CcgBillingFor(*owner_, refdata::TestRefData(), "02E", kToday);
  ASSERT_TRUE(theirs.ok());
  EXPECT_EQ(mine.documents.rows.size(), theirs.value().documents.rows.size());
  EXPECT_EQ(mine.subscriptions.rows.size(), theirs.value().subscriptions.rows.size());
  EXPECT_EQ(mine.net_12_months, theirs.value().net_12_months);
  EXPECT_EQ(mine.months_invoiced, 1);
}

TEST_F(AppRole, WithoutATenantOrOnAnUnscopedTableTheRoleGetsAnErrorNeverRows) {
  ASSERT_TRUE(Scope().ok());
  auto app = pg::Connect(app_url_);
  ASSERT_TRUE(app.ok()) << app.error().ToString();
  auto q = app.value()->Prepare("SELECT count(*) FROM documents");
  ASSERT_TRUE(q.ok());
  auto row = q.value().Step();
  ASSERT_FALSE(row.ok()) << "documents were counted without a tenant";
  EXPECT_NE(row.error().why.find("no tenant is set"), std::string::npos) << row.error().ToString();
  // Tables no CCG's page reads are not granted at all.
  for (const char* table : {"challenge_log", "counters"}) {
    Status s = pg::InTenant(*app.value(), "02E", [&]() -> Status {
      return app.value()->Exec(std::string("SELECT * FROM ") + table);
    });
    ASSERT_FALSE(s.ok()) << table << " was readable";
    EXPECT_NE(s.error().why.find("permission denied"), std::string::npos) << s.error().ToString();
  }
  // Writing a row for another CCG is refused by the policy, and the
  // catalogue is read-only.
  Status write = pg::InTenant(*app.value(), "02E", [&]() -> Status {
    return app.value()->Exec(
        "INSERT INTO population(ccg, effective_from, patients, set_at, set_by) VALUES ('12F', '2019-04-01', 1, 'x', 'x')");
  });
  ASSERT_FALSE(write.ok());
  EXPECT_NE(write.error().why.find("row-level security"), std::string::npos) << write.error().ToString();
  Status price = pg::InTenant(*app.value(), "02E", [&]() -> Status {
    return app.value()->Exec("INSERT INTO catalogue SELECT * FROM catalogue LIMIT 0; UPDATE settings SET value = value");
  });
  EXPECT_FALSE(price.ok()) << "the application role changed a shared table";
}

}  // namespace
}  // namespace csu::cli
