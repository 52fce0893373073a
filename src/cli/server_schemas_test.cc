// Every server-mode database in one PostgreSQL schema, as a deployment has
// them (docs/server-mode.md): each module's tables, indexes and functions
// are created in the connection's schema, so two modules naming a table,
// index or function alike would stop the second from opening (payroll's and
// continuing healthcare's sealed fields were both `identities` until this
// test). Also, the application role's scoping (cli/app_role.h) then finds
// every table it lists. Needs CSU_TEST_POSTGRES_URL; skipped otherwise.
#include <gtest/gtest.h>

#include <unistd.h>

#include "billing/billing_store.h"
#include "billing/meter.h"
#include "chc/chc_store.h"
#include "cli/app_role.h"
#include "contracts/contract_store.h"
#include "ledger/ledger_store.h"
#include "payroll/payroll_store.h"
#include "pg/batch_chunks.h"
#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"
#include "pg/tenant_rows.h"
#include "primarycare/claims_store.h"
#include "primarycare/pc_store.h"
#include "procurement/procurement_store.h"
#include "refdata/refdata_for_tests.h"
#include "store/field_cipher.h"
#include "store/partition_map.h"
#include "store/sql_audit_log.h"
#include "tenancy/accounts_server.h"
#include "tenancy/password_policy.h"

namespace csu::cli {
namespace {

class ServerSchemas : public ::testing::Test {
 protected:
  void SetUp() override { CSU_PG_TEST_SCHEMA(schema_); }
  std::unique_ptr<store::SqlConnection> Connect() {
    auto c = pg::Connect(schema_->url());
    EXPECT_TRUE(c.ok()) << c.error().ToString();
    return c.ok() ? std::move(c).value() : nullptr;
  }
  // Opens every module's server database once, in the order a node does.
  void OpenEverything() {
    std::array<uint8_t, 32> key{};
    key.fill(3);
    const auto chc_cipher = store::FieldCipher::FromKey(key, store::kChcCipherDomain);
    const auto payroll_cipher = store::FieldCipher::FromKey(key, store::kPayrollCipherDomain);
    auto policy = tenancy::PasswordPolicy::Load(std::string(CSU_SOURCE_DIR) + "/data/security/common-passwords.txt");
    ASSERT_TRUE(policy.ok());
    tenancy::AccountsOptions o;
    o.audit = [](const std::string&, const std::string&, const std::string&, const std::string&) { return Status::Ok(); };
    o.ref = &refdata::TestRefData();
    o.policy = &policy.value();
    auto expect_ok = [](const auto& r, const char* what) { EXPECT_TRUE(r.ok()) << what << ": " << r.error().ToString(); };
    expect_ok(tenancy::OpenServerAccounts(Connect(), o), "accounts");
    expect_ok(store::SqlAuditLog::Open(Connect()), "audit log");
    expect_ok(contracts::ContractStore::OpenServer(Connect()), "commissioning");
    expect_ok(billing::BillingStore::OpenServer(Connect()), "billing");
    expect_ok(billing::Meter::OpenServer(Connect()), "meter");
    expect_ok(pg::BatchChunks::Open(Connect()), "batches");
    expect_ok(ledger::LedgerStore::OpenServer(Connect()), "ledger");
    expect_ok(payroll::PayrollStore::OpenServer(Connect(), payroll_cipher), "payroll");
    expect_ok(chc::ChcStore::OpenServer(Connect(), chc_cipher), "continuing healthcare");
    expect_ok(primarycare::PcStore::OpenServer(Connect()), "primary care");
    expect_ok(primarycare::ClaimsStore::OpenServer(
                  Connect(), [](const std::string&, const std::string&, const std::string&,
                                const std::string&) { return Status::Ok(); }),
              "enhanced-service claims");
    expect_ok(procurement::ProcurementStore::OpenServer(Connect()), "procurement");
    auto map = Connect();
    if (map) expect_ok(store::ReadPartitionMap(*map), "partition map");
  }
  std::optional<pg::TestSchema> schema_;
};

TEST_F(ServerSchemas, EveryModuleOpensBesideEveryOtherInOneSchema) {
  OpenEverything();
  // And again, as a second node starting finds them all there.
  OpenEverything();
}

TEST_F(ServerSchemas, TheApplicationRoleScopesEveryTableItLists) {
  OpenEverything();
  const std::string role = "csu_test_app_" + std::to_string(::getpid());
  if (!pg::CreateTestRole(role)) GTEST_SKIP() << "the test's role may not CREATE ROLE";
  auto done = ScopeForApplicationRole(schema_->url(), role);
  EXPECT_TRUE(done.ok()) << done.error().ToString();
  auto app = pg::Connect(schema_->url() + "%20-crole%3D" + role);
  ASSERT_TRUE(app.ok());
  Status checked = pg::CheckApplicationRole(*app.value(), PlatformApplicationRoleTables().Scoped());
  EXPECT_TRUE(checked.ok()) << checked.error().ToString();
  app.value().reset();
  schema_.reset();
  auto admin = pg::Connect(std::getenv("CSU_TEST_POSTGRES_URL"));
  if (admin.ok()) (void)admin.value()->Exec("DROP OWNED BY " + role + "; DROP ROLE IF EXISTS " + role);
}

}  // namespace
}  // namespace csu::cli
