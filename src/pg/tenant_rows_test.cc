// Row-level security on a tenant table in PostgreSQL (pg/tenant_rows.h):
// the analysts' CCG assignments (accounts' analyst_tenants), read through a
// non-owner application role. Needs CSU_TEST_POSTGRES_URL with a role that
// may CREATE ROLE; skipped otherwise, with the reason.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>

#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"
#include "pg/tenant_rows.h"
#include "refdata/refdata_for_tests.h"
#include "tenancy/accounts_server.h"
#include "tenancy/password_policy.h"

namespace csu::pg {
namespace {

constexpr const char* kPassword = "tangerine lorry whistle";

class PgTenantRows : public ::testing::Test {
 protected:
  void SetUp() override {
    CSU_PG_TEST_SCHEMA(schema_);
    role_ = "csu_test_app_" + std::to_string(::getpid());
    if (!CreateTestRole(role_))
      GTEST_SKIP() << "the role of CSU_TEST_POSTGRES_URL may not CREATE ROLE: row-level security is not tested";
    role_made_ = true;
    auto policy = tenancy::PasswordPolicy::Load(std::string(CSU_SOURCE_DIR) + "/data/security/common-passwords.txt");
    ASSERT_TRUE(policy.ok());
    policy_ = std::make_unique<tenancy::PasswordPolicy>(std::move(policy).value());
    tenancy::AccountsOptions o;
    o.audit = [](const std::string&, const std::string&, const std::string&, const std::string&) { return Status::Ok(); };
    o.ref = &refdata::TestRefData();
    o.policy = policy_.get();
    auto owner = Connect(schema_->url());
    ASSERT_TRUE(owner.ok());
    auto accounts = tenancy::OpenServerAccounts(std::move(owner).value(), o);
    ASSERT_TRUE(accounts.ok()) << accounts.error().ToString();
    accounts_ = std::move(accounts).value();
    for (const char* name : {"ana", "bea"}) {
      auto u = accounts_->AddUser({name, name, tenancy::Role::kCsuAnalyst, "", false, ""}, kPassword, "test");
      ASSERT_TRUE(u.ok()) << u.error().ToString();
    }
    ASSERT_TRUE(accounts_->Assign("ana", "02E", true, "test").ok());
    ASSERT_TRUE(accounts_->Assign("bea", "01A", true, "test").ok());
    auto scoping = Connect(schema_->url());
    ASSERT_TRUE(scoping.ok());
    Status scoped = ScopeTableToTenant(*scoping.value(), "analyst_tenants", "tenant", role_);
    ASSERT_TRUE(scoped.ok()) << scoped.error().ToString();
    auto app = Connect(schema_->url());
    ASSERT_TRUE(app.ok());
    app_ = std::move(app).value();
    ASSERT_TRUE(app_->Exec("SET ROLE " + role_).ok());
  }
  void TearDown() override {
    app_.reset();
    accounts_.reset();
    schema_.reset();
    if (role_made_) {
      auto admin = Connect(std::getenv("CSU_TEST_POSTGRES_URL"));
      if (admin.ok()) (void)admin.value()->Exec("DROP ROLE IF EXISTS " + role_);
    }
  }
  // The tenants of the assignment rows the application role can see.
  Result<std::vector<std::string>> VisibleTenants() {
    CSU_ASSIGN_OR_RETURN(q, app_->Prepare("SELECT tenant FROM analyst_tenants ORDER BY tenant"));
    std::vector<std::string> out;
    while (true) {
      CSU_ASSIGN_OR_RETURN(row, q.Step());
      if (!row) break;
      out.push_back(q.Text(0));
    }
    return out;
  }

  std::optional<TestSchema> schema_;
  std::string role_;
  bool role_made_ = false;
  std::unique_ptr<tenancy::PasswordPolicy> policy_;
  std::unique_ptr<tenancy::Accounts> accounts_;
  std::unique_ptr<store::SqlConnection> app_;
};

TEST_F(PgTenantRows, WithoutATenantTheApplicationRoleGetsAnErrorNeverRows) {
  auto none = VisibleTenants();
  ASSERT_FALSE(none.ok()) << "rows were returned without a tenant";
  EXPECT_NE(none.error().why.find("no tenant is set"), std::string::npos) << none.error().ToString();
  // Also after a transaction that set one: the setting then reads '' (not
  // unset), and that must fail the same way.
  ASSERT_TRUE(InTenant(*app_, "02E", [&]() -> Status { return VisibleTenants().ok() ? Status::Ok() : MakeError("t", "read"); }).ok());
  auto after = VisibleTenants();
  ASSERT_FALSE(after.ok()) << "a tenant outlived its transaction";
}

TEST_F(PgTenantRows, ATenantSeesAndWritesOnlyItsOwnRows) {
  std::vector<std::string> seen;
  Status s = InTenant(*app_, "02E", [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(t, VisibleTenants());
    seen = t;
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(seen, (std::vector<std::string>{"02E"}));
  // Writing another tenant's row is refused by the policy's WITH CHECK.
  Status write = InTenant(*app_, "02E", [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(up, app_->Prepare("UPDATE analyst_tenants SET tenant = '01A'"));
    return up.Run();
  });
  ASSERT_FALSE(write.ok()) << "a row was moved to another tenant";
  EXPECT_NE(write.error().why.find("row-level security"), std::string::npos) << write.error().ToString();
  // Nothing changed, and the owner (the accounts) still sees every tenant.
  auto bea = accounts_->FindUser("bea");
  ASSERT_TRUE(bea.ok() && bea.value());
  ASSERT_EQ(bea.value()->assigned.size(), 1u);
  EXPECT_EQ(bea.value()->assigned[0].ToString(), "01A");
  auto ana = accounts_->FindUser("ana");
  ASSERT_TRUE(ana.ok() && ana.value());
  ASSERT_EQ(ana.value()->assigned.size(), 1u);
  EXPECT_EQ(ana.value()->assigned[0].ToString(), "02E");
}

TEST_F(PgTenantRows, TheApplicationRoleCannotTurnTheGuardOff) {
  EXPECT_FALSE(app_->Exec("ALTER TABLE analyst_tenants NO FORCE ROW LEVEL SECURITY").ok());
  EXPECT_FALSE(app_->Exec("ALTER TABLE analyst_tenants DISABLE ROW LEVEL SECURITY").ok());
  EXPECT_FALSE(app_->Exec("SET row_security = off; SELECT count(*) FROM analyst_tenants").ok());
}

}  // namespace
}  // namespace csu::pg
