// Row-level security for server mode's application role (cli/app_role.h):
// the billing database scoped by `csu app-role`, read as `csu serve
// --app-database` reads a CCG's billing pages. Needs CSU_TEST_POSTGRES_URL
// with a role that may CREATE ROLE; skipped otherwise, with the reason.
#include <gtest/gtest.h>

#include <unistd.h>

#include <array>
#include <cstdlib>
#include <functional>
#include <map>

#include "billing/billing_store.h"
#include "billing/billing_summary.h"
#include "billing/catalogue.h"
#include "billing/invoice_run.h"
#include "chc/chc_store.h"
#include "cli/app_role.h"
#include "contracts/contract_store.h"
#include "primarycare/claims_store.h"
#include "primarycare/claims_testing.h"
#include "primarycare/pc_store.h"
#include "primarycare/schedule_posting.h"
#include "ledger/budget_file.h"
#include "ledger/budget_reports.h"
#include "ledger/ledger_store.h"
#include "ledger/ledger_testing.h"
#include "payroll/payroll_store.h"
#include "payroll/payroll_store_testing.h"
#include "store/field_cipher.h"
#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"
#include "pg/tenant_rows.h"
#include "procurement/decision_record.h"
#include "report/render.h"
#include "procurement/procurement_store.h"
#include "procurement/procurement_testing.h"
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
  // The rows of `table` whose `column` is `value`, counted with SQL on a
  // connection of the role with `tenant` set: what the role can see of
  // another tenant's rows, whatever a store's own calls would ask for.
  int64_t CountAs(const std::string& tenant, const std::string& table, const std::string& column,
                  const std::string& value) {
    auto raw = pg::Connect(app_url_);
    EXPECT_TRUE(raw.ok());
    if (!raw.ok()) return -1;
    int64_t n = -1;
    Status s = pg::InTenant(*raw.value(), tenant, [&]() -> Status {
      CSU_ASSIGN_OR_RETURN(q, raw.value()->Prepare("SELECT count(*) FROM " + table + " WHERE " + column + "::text = ?1"));
      q.Bind(1, value);
      CSU_ASSIGN_OR_RETURN(row, q.Step());
      if (row) n = q.Int(0);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    return n;
  }

  // The owner's ledgers of 02E and 12F, each with April 2018 open.
  Result<std::unique_ptr<ledger::LedgerStore>> OwnerLedgers() {
    CSU_ASSIGN_OR_RETURN(conn, pg::Connect(schema_->url()));
    CSU_ASSIGN_OR_RETURN(db, ledger::LedgerStore::OpenServer(std::move(conn)));
    const ledger::Actor alice{"2018-05-01T09:00:00Z", "alice"};
    for (const char* code : {"02E", "12F"}) {
      CSU_ASSIGN_OR_RETURN(entity, db->AddEntity({code, ledger::EntityKind::kCcg, std::string("NHS ") + code + " CCG",
                                                  Money::FromPounds(10'000), ""},
                                                 ledger::testing::ShippedChart("ccg"), alice));
      (void)entity;
      CSU_ASSIGN_OR_RETURN(reversals, db->SetPeriodState(code, ledger::LedgerPeriod::Parse("2018-04").value(),
                                                         ledger::PeriodState::kOpen, alice));
      (void)reversals;
    }
    return db;
  }
  // A payroll key of 32 bytes counting up from `first`, and the owner's
  // payroll store under it.
  static store::FieldCipher PayrollCipher(uint8_t first) {
    std::array<uint8_t, 32> key{};
    for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(first + i);
    return store::FieldCipher::FromKey(key, store::kPayrollCipherDomain);
  }
  Result<std::unique_ptr<payroll::PayrollStore>> OwnerPayroll(const store::FieldCipher& cipher) {
    CSU_ASSIGN_OR_RETURN(conn, pg::Connect(schema_->url()));
    return payroll::PayrollStore::OpenServer(std::move(conn), cipher);
  }
  // Employer `code` (a CCG) with one member of staff, whose id it returns.
  static Result<int64_t> Employ(payroll::PayrollStore& db, const std::string& code, const store::FieldCipher& cipher,
                                const payroll::Actor& by) {
    Status e = db.AddEmployer(
        {code, payroll::EmployerKind::kCcg, "NHS " + code + " CCG", "123/AB456", "123PA00012345"}, by);
    if (!e.ok()) return e.error();
    return db.AddEmployee({code, "S-" + code, Date::FromYmd(2020, 4, 1), std::nullopt},
                          {"Rowan Ashgrove " + code, "3 Mill Lane, Warrington", "1980-02-29", "AB123456C", "20-71-03",
                           "55779911"},
                          cipher, by);
  }

  std::optional<pg::TestSchema> schema_;
  std::string role_, app_url_;
  bool role_made_ = false;
  std::unique_ptr<billing::BillingStore> owner_;
  std::map<std::string, std::string> number_of_;
};

TEST_F(AppRole, ANodeRefusesTheApplicationRoleUntilTheTablesAreScoped) {
  auto before = OpenTenantBilling(app_url_);
  ASSERT_FALSE(before.ok()) << "opened on unscoped tables";
  EXPECT_NE(before.error().why.find("csu app-role"), std::string::npos) << before.error().ToString();
  ASSERT_TRUE(Scope().ok());
  auto after = OpenTenantBilling(app_url_);
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
  auto opened = OpenTenantBilling(app_url_);
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
  for (const char* table : {"counters"}) {
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

// A CCG's challenges through the role: 02E lists the statuses of its own
// challenges only (12F's, and an entry no node has named yet, are not
// there, even counted with SQL), records one of its own, and cannot record
// one under 12F's name nor name an entry's commissioner. Once the owner
// names the old entry 02E's, 02E sees it. The contracts likewise.
TEST_F(AppRole, ACcgsChallengesAreReadAndWrittenThroughTheRoleAndNeverAnotherCcgs) {
  auto owner_conn = pg::Connect(schema_->url());
  ASSERT_TRUE(owner_conn.ok());
  auto owner = contracts::ContractStore::OpenServer(std::move(owner_conn).value());
  ASSERT_TRUE(owner.ok()) << owner.error().ToString();
  contracts::ContractStore& o = *owner.value();
  ASSERT_TRUE(o.SetChallengeStatus("duplicate:apc:1:2", "02E", contracts::ChallengeStatus::kRejected, "coded right",
                                   "t1", "carol").ok());
  ASSERT_TRUE(o.SetChallengeStatus("duplicate:apc:1:3", "12F", contracts::ChallengeStatus::kAgreed, "12F's note", "t1",
                                   "bob").ok());
  auto raw_owner = pg::Connect(schema_->url());
  ASSERT_TRUE(raw_owner.ok());
  ASSERT_TRUE(raw_owner.value()->Exec("INSERT INTO challenge_log(challenge, status, note, at, actor) VALUES "
                                      "('duplicate:op:4:5', 'agreed', 'before the upgrade', 't0', 'carol')").ok());
  contracts::Contract mine, theirs;
  for (auto [c, ccg] : {std::pair{&mine, "02E"}, std::pair{&theirs, "12F"}}) {
    c->commissioner = OdsCode::Parse(ccg).value();
    c->provider = OdsCode::Parse("RBT").value();
    c->year = FinancialYear(2018);
  }
  ASSERT_TRUE(o.Replace({mine, theirs}, {"t", "carol", "abc"}).ok());
  ASSERT_TRUE(Scope().ok());
  auto opened = OpenTenantContracts(app_url_);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  TenantContracts& t = *opened.value();
  auto statuses = [&](const std::string& ccg) {
    std::map<std::string, contracts::ChallengeLogEntry> out;
    EXPECT_TRUE(t.With(ccg, [&](contracts::ContractStore& db) -> Status {
                   CSU_ASSIGN_OR_RETURN(got, db.ChallengeStatuses());
                   out = std::move(got);
                   return Status::Ok();
                 }).ok());
    return out;
  };
  auto seen = statuses("02E");
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen.at("duplicate:apc:1:2").note, "coded right");
  EXPECT_EQ(CountAs("02E", "challenge_log", "challenge", "duplicate:apc:1:3"), 0);
  EXPECT_EQ(CountAs("02E", "challenge_log", "challenge", "duplicate:op:4:5"), 0);
  std::vector<contracts::Contract> listed;
  ASSERT_TRUE(t.With("02E", [&](contracts::ContractStore& db) -> Status {
                 CSU_ASSIGN_OR_RETURN(got, db.Contracts(FinancialYear(2018)));
                 listed = std::move(got);
                 return Status::Ok();
               }).ok());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].commissioner.view(), "02E");
  // Writes: its own entry is recorded; one in 12F's name is refused by the
  // policy and nothing is written; naming the unnamed entry changes nothing.
  ASSERT_TRUE(t.Write("02E", [&](contracts::ContractStore& db) {
                 return db.SetChallengeStatus("duplicate:apc:1:2", "02E", contracts::ChallengeStatus::kAgreed,
                                              "provider accepts", "t2", "dana");
               }).ok());
  EXPECT_EQ(statuses("02E").at("duplicate:apc:1:2").note, "provider accepts");
  Status refused = t.Write("02E", [&](contracts::ContractStore& db) {
    return db.SetChallengeStatus("duplicate:apc:1:3", "12F", contracts::ChallengeStatus::kRejected, "overruled", "t2",
                                 "dana");
  });
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().why.find("row-level security"), std::string::npos) << refused.error().ToString();
  Status renamed = t.Write("02E", [&](contracts::ContractStore& db) -> Status {
    CSU_ASSIGN_OR_RETURN(n, db.NameChallengeCcgs({{"duplicate:op:4:5", "02E"}}));
    return n == 0 ? Status::Ok() : MakeError("test", "the role named an entry");
  });
  EXPECT_TRUE(renamed.ok()) << renamed.error().ToString();
  EXPECT_EQ(o.ChallengeStatuses().value().at("duplicate:apc:1:3").note, "12F's note");
  EXPECT_EQ(o.ChallengesWithoutCcg().value(), (std::vector<std::string>{"duplicate:op:4:5"}));
  // The owner names it (a node holding its record does, at start): 02E sees it.
  EXPECT_EQ(o.NameChallengeCcgs({{"duplicate:op:4:5", "02E"}}).value(), 1);
  EXPECT_EQ(statuses("02E").count("duplicate:op:4:5"), 1u);
  EXPECT_EQ(statuses("12F").count("duplicate:op:4:5"), 0u);
}

// A CCG's procurement pages read through the role: the CCG's own tenders
// and every row of them (bids, scores, documents, the decision record) as
// the owner sees them, another CCG's tender not at all, even asked for by
// id or counted with SQL, and no write into another CCG's tender.
TEST_F(AppRole, ACcgReadsItsOwnProcurementAndNeverAnotherCcgs) {
  auto owner_conn = pg::Connect(schema_->url());
  ASSERT_TRUE(owner_conn.ok());
  auto owner = procurement::ProcurementStore::OpenServer(std::move(owner_conn).value());
  ASSERT_TRUE(owner.ok()) << owner.error().ToString();
  auto fail = [](const std::string& why) { ADD_FAILURE() << why; };
  procurement::testing::RunProcurement(*owner.value(), fail);  // 05D's T-1, every stage, five releases
  const procurement::Actor pat{"2025-09-02T10:00:00Z", "pat"};
  ASSERT_TRUE(owner.value()
                  ->AddPlanLine(procurement::testing::TestPlanLine("02E", "W1", "Warrington wheelchair service", 400000),
                                pat)
                  .ok());
  ASSERT_TRUE(owner.value()
                  ->CreateTender({"02E", "W-1", "W1", "Wheelchairs", Date::FromYmd(2025, 9, 1),
                                  procurement::TenderStatus::kOpen, std::nullopt},
                                 pat)
                  .ok());
  ASSERT_TRUE(owner.value()->AddBid("02E", "W-1", {{"B1", "Gamma Mobility", Money::FromPounds(390000)}, "RY1"}, pat).ok());

  auto before = OpenTenantProcurement(app_url_);
  ASSERT_FALSE(before.ok()) << "opened on unscoped procurement tables";
  ASSERT_TRUE(Scope().ok());
  auto opened = OpenTenantProcurement(app_url_);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  TenantProcurement& t = *opened.value();

  // 02E: its own tender and bid; 05D's tender is not there, by id either.
  ASSERT_TRUE(t.With("02E", [&](procurement::ProcurementStore& db) -> Status {
                 CSU_ASSIGN_OR_RETURN(tenders, db.Tenders("02E"));
                 EXPECT_EQ(tenders.size(), 1u);
                 CSU_ASSIGN_OR_RETURN(bids, db.Bids("02E", "W-1"));
                 EXPECT_EQ(bids.size(), 1u);
                 EXPECT_FALSE(db.FindTender("05D", "T-1").ok()) << "02E read 05D's tender";
                 CSU_ASSIGN_OR_RETURN(theirs, db.Tenders("05D"));
                 EXPECT_TRUE(theirs.empty()) << "02E listed 05D's tenders";
                 return Status::Ok();
               }).ok());
  // Counted with SQL on the role's own connection: only 02E's rows.
  for (const char* table : {"procurement_bids", "procurement_scores", "procurement_documents", "procurement_lots",
                            "procurement_awards"})
    EXPECT_EQ(CountAs("02E", table, "tender", "T-1"), 0) << table << ": 02E sees 05D's rows";
  auto raw = pg::Connect(app_url_);
  ASSERT_TRUE(raw.ok());
  // A write into 05D's tender under 02E's tenant is refused.
  Status sneaked = pg::InTenant(*raw.value(), "02E", [&]() -> Status {
    return raw.value()->Exec("INSERT INTO procurement_bids(tender, bid, bidder, provider, price_pence) "
                             "VALUES ('T-1', 'B9', 'Mallory', 'RZZ', 1)");
  });
  EXPECT_FALSE(sneaked.ok()) << "02E wrote a bid into 05D's tender";

  // 05D: the decision record and the OCDS packages as the owner has them.
  std::string through_role, as_owner;
  ASSERT_TRUE(t.With("05D", [&](procurement::ProcurementStore& db) -> Status {
                 CSU_ASSIGN_OR_RETURN(f, procurement::GatherDecisionFacts(db, "05D", "T-1"));
                 for (const auto& table : procurement::DecisionRecordTables(f)) through_role += report::RenderCsv(table);
                 through_role += procurement::testing::OcdsPackages(db, fail);
                 return Status::Ok();
               }).ok());
  auto f = procurement::GatherDecisionFacts(*owner.value(), "05D", "T-1");
  ASSERT_TRUE(f.ok()) << f.error().ToString();
  for (const auto& table : procurement::DecisionRecordTables(f.value())) as_owner += report::RenderCsv(table);
  as_owner += procurement::testing::OcdsPackages(*owner.value(), fail);
  EXPECT_EQ(through_role, as_owner);
  EXPECT_NE(as_owner.find("specification.pdf"), std::string::npos);
}

// A CCG's CHC pages read through the role: its own cases and their
// timelines; another CCG's case is not there, asked for by id or counted
// with SQL, and neither are its sealed identity rows or events. The role
// reads with no CHC key: the identities stay sealed whatever it reads.
TEST_F(AppRole, ACcgReadsAndAssessesItsOwnChcCasesAndNeverAnotherCcgs) {
  std::array<uint8_t, 32> key{};
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(i * 5 + 3);
  const chc::FieldCipher cipher = chc::FieldCipher::FromKey(key, store::kChcCipherDomain);
  auto owner_conn = pg::Connect(schema_->url());
  ASSERT_TRUE(owner_conn.ok());
  auto owner = chc::ChcStore::OpenServer(std::move(owner_conn).value(), cipher);
  ASSERT_TRUE(owner.ok()) << owner.error().ToString();
  const chc::Actor nurse{"2018-09-01T10:00:00Z", "test"};
  std::map<std::string, int64_t> case_of;
  for (const char* ccg : {"02E", "12F"}) {
    chc::NewCase c{ccg, std::string(64, ccg[0] == '0' ? 'a' : 'b'), Date::FromYmd(2018, 9, 1), false, std::nullopt};
    auto id = owner.value()->Refer(c, {"Ada Brightwater", "9434765919", "1931-02-17", "12 Orchard Row"}, cipher, nurse);
    ASSERT_TRUE(id.ok()) << id.error().ToString();
    case_of[ccg] = id.value();
    ASSERT_TRUE(owner.value()->RecordChecklist(id.value(), Date::FromYmd(2018, 9, 3), true, nurse).ok());
  }
  ASSERT_TRUE(Scope().ok());
  auto opened = OpenTenantChc(app_url_);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  TenantChc& t = *opened.value();
  ASSERT_TRUE(t.With("02E", [&](chc::ChcStore& db) -> Status {
                 CSU_ASSIGN_OR_RETURN(mine, db.Cases("02E"));
                 EXPECT_EQ(mine.size(), 1u);
                 CSU_ASSIGN_OR_RETURN(theirs, db.Cases("12F"));
                 EXPECT_TRUE(theirs.empty()) << "02E listed 12F's cases";
                 CSU_ASSIGN_OR_RETURN(other, db.FindCase(case_of.at("12F")));
                 EXPECT_FALSE(other.has_value()) << "02E found 12F's case by its id";
                 CSU_ASSIGN_OR_RETURN(own, db.FindCase(case_of.at("02E")));
                 EXPECT_TRUE(own.has_value());
                 CSU_ASSIGN_OR_RETURN(events, db.Timeline(case_of.at("02E")));
                 EXPECT_FALSE(events.empty());
                 CSU_ASSIGN_OR_RETURN(none, db.Timeline(case_of.at("12F")));
                 EXPECT_TRUE(none.empty()) << "02E read 12F's case timeline";
                 return Status::Ok();
               }).ok());
  const std::string other_case = std::to_string(case_of.at("12F"));
  EXPECT_EQ(CountAs("02E", "cases", "id", other_case), 0) << "02E sees 12F's case";
  for (const char* table : {"chc_identities", "events"})
    EXPECT_EQ(CountAs("02E", table, "case_id", other_case), 0) << table << ": 02E sees 12F's rows";

  // The DST form's write (web's WriteChc): 02E's assessment through the
  // role; 12F's case is not there to assess, and a row naming it is
  // refused by PostgreSQL.
  chc::Assessment dst;
  dst.assessed_on = Date::FromYmd(2018, 9, 20);
  dst.recommendation = "eligible";
  for (chc::Domain d : chc::kAllDomains) dst.levels[d] = chc::Level::kLow;
  dst.case_id = case_of.at("02E");
  Status wrote = t.Write("02E", [&](chc::ChcStore& db) -> Status { return db.RecordAssessment(dst, nurse).status(); });
  ASSERT_TRUE(wrote.ok()) << wrote.error().ToString();
  EXPECT_EQ(CountAs("02E", "assessments", "case_id", std::to_string(case_of.at("02E"))), 1);
  dst.case_id = case_of.at("12F");
  Status theirs = t.Write("02E", [&](chc::ChcStore& db) -> Status { return db.RecordAssessment(dst, nurse).status(); });
  EXPECT_FALSE(theirs.ok()) << "02E assessed 12F's case";
  EXPECT_EQ(CountAs("12F", "assessments", "case_id", other_case), 0) << "an assessment of 12F's case was written";
}

// An employer's payroll pages read through the role: its own staff, their
// sealed personal fields opened with the key, its runs; another employer is
// not there (asked for by code or by an employee's id, or counted with SQL
// on the role's connection, sealed fields included).
TEST_F(AppRole, AnEmployersStaffAreReadThroughTheRoleAndNeverAnotherEmployers) {
  const store::FieldCipher cipher = PayrollCipher(90);
  auto owner = OwnerPayroll(cipher);
  ASSERT_TRUE(owner.ok()) << owner.error().ToString();
  const payroll::Actor hr{"2025-04-01T09:00:00Z", "test"};
  std::map<std::string, int64_t> employee_of;
  for (const char* code : {"02E", "12F"}) {
    auto id = Employ(*owner.value(), code, cipher, hr);
    ASSERT_TRUE(id.ok()) << id.error().ToString();
    employee_of[code] = id.value();
  }
  ASSERT_TRUE(Scope().ok());
  auto opened = OpenTenantPayroll(app_url_, cipher);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  TenantPayroll& t = *opened.value();
  ASSERT_TRUE(t.With("02E", [&](payroll::PayrollStore& db) -> Status {
                 CSU_ASSIGN_OR_RETURN(staff, db.Employees("02E"));
                 EXPECT_EQ(staff.size(), 1u);
                 CSU_ASSIGN_OR_RETURN(who, db.ReadPersonal(employee_of.at("02E"), cipher));
                 EXPECT_EQ(who.name, "Rowan Ashgrove 02E");
                 CSU_ASSIGN_OR_RETURN(other, db.FindEmployer("12F"));
                 EXPECT_FALSE(other.has_value()) << "02E found employer 12F";
                 CSU_ASSIGN_OR_RETURN(theirs, db.Employees("12F"));
                 EXPECT_TRUE(theirs.empty()) << "02E listed 12F's staff";
                 CSU_ASSIGN_OR_RETURN(found, db.FindEmployee(employee_of.at("12F")));
                 EXPECT_FALSE(found.has_value()) << "02E found 12F's employee by id";
                 EXPECT_FALSE(db.ReadPersonal(employee_of.at("12F"), cipher).ok()) << "02E opened 12F's sealed fields";
                 return Status::Ok();
               }).ok());
  const std::string other_employee = std::to_string(employee_of.at("12F"));
  EXPECT_EQ(CountAs("02E", "employees", "id", other_employee), 0) << "02E sees 12F's employee";
  EXPECT_EQ(CountAs("02E", "staff_identities", "employee_id", other_employee), 0) << "02E sees 12F's sealed fields";
}

// An employer's pay run is approved, and its posting recorded, through the
// role with the employer as the session's tenant; another employer's run
// under it is not there to approve, and stays as it was.
TEST_F(AppRole, AnEmployersPayRunIsApprovedThroughTheRoleAndNeverAnotherEmployers) {
  const store::FieldCipher cipher = PayrollCipher(120);
  auto owner = OwnerPayroll(cipher);
  ASSERT_TRUE(owner.ok()) << owner.error().ToString();
  payroll::PayrollStore& db = *owner.value();
  const payroll::Actor alice{"2025-04-20T09:00:00Z", "alice"}, bob{"2025-04-21T09:00:00Z", "bob"};
  std::map<std::string, int64_t> run_of;
  for (const char* code : {"02E", "12F"}) {
    auto id = Employ(db, code, cipher, alice);
    ASSERT_TRUE(id.ok()) << id.error().ToString();
    ASSERT_TRUE(db.AddPost({0, code, "FIN01", "CC900", "Finance officer", "5", 900}, alice).ok());
    ASSERT_TRUE(db.Assign(payroll::testing::FullTimeFin01(id.value(), Money::FromPounds(24'000)), alice).ok());
    auto run = db.CalculateRun(code, "2025/26", 1, payroll::testing::FixedPay(200000, 150000), alice);
    ASSERT_TRUE(run.ok()) << run.error().ToString();
    ASSERT_EQ(run.value().payslips, 1);
    run_of[code] = run.value().id;
  }
  ASSERT_TRUE(Scope().ok());
  auto opened = OpenTenantPayroll(app_url_, cipher);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  TenantPayroll& t = *opened.value();
  Status wrote = t.Write("02E", [&](payroll::PayrollStore& mine) -> Status {
    CSU_ASSIGN_OR_RETURN(approved, mine.ApproveRun(run_of.at("02E"), bob));
    EXPECT_EQ(approved.state, payroll::RunState::kApproved);
    payroll::RunPosting posting;
    posting.run_id = run_of.at("02E");
    posting.entity = "02E";
    posting.journal = 7;
    posting.batch = 3;
    return mine.RecordPosting(posting, bob);
  });
  ASSERT_TRUE(wrote.ok()) << wrote.error().ToString();
  auto seen = db.FindRun(run_of.at("02E"));
  ASSERT_TRUE(seen.ok() && seen.value());
  EXPECT_EQ(seen.value()->state, payroll::RunState::kApproved);
  auto posted = db.FindPosting(run_of.at("02E"));
  ASSERT_TRUE(posted.ok() && posted.value());
  EXPECT_EQ(posted.value()->journal, 7);
  // 12F's run under 02E's tenant: not there to approve, and left as it was.
  Status theirs = t.Write("02E", [&](payroll::PayrollStore& mine) -> Status {
    return mine.ApproveRun(run_of.at("12F"), bob).status();
  });
  EXPECT_FALSE(theirs.ok()) << "02E approved 12F's run";
  auto left = db.FindRun(run_of.at("12F"));
  ASSERT_TRUE(left.ok() && left.value());
  EXPECT_EQ(left.value()->state, payroll::RunState::kCalculated) << "12F's run changed";
  // An update of 12F's run with SQL under 02E changes nothing (the policy hides it).
  auto raw = pg::Connect(app_url_);
  ASSERT_TRUE(raw.ok());
  Status forged = pg::WithSessionTenant(*raw.value(), "02E", [&]() -> Status {
    return raw.value()->Exec("UPDATE pay_runs SET state = 'approved' WHERE employer = '12F'");
  });
  EXPECT_TRUE(forged.ok()) << forged.error().ToString();
  left = db.FindRun(run_of.at("12F"));
  ASSERT_TRUE(left.ok() && left.value());
  EXPECT_EQ(left.value()->state, payroll::RunState::kCalculated) << "02E's update reached 12F's run";
}

// An entity's ledger pages read through the role: its own journals and
// accounts; another CCG's ledger is not there (its entity, its journals, its
// postings counted with SQL).
TEST_F(AppRole, AnEntitysLedgerIsReadThroughTheRoleAndNeverAnotherCcgs) {
  auto owner = OwnerLedgers();
  ASSERT_TRUE(owner.ok()) << owner.error().ToString();
  const ledger::Actor alice{"2018-05-01T09:00:00Z", "alice"};
  const auto april = ledger::LedgerPeriod::Parse("2018-04").value();
  for (const char* code : {"02E", "12F"}) {
    auto raised = owner.value()->Raise(code, ledger::testing::Txns(R"(2018-04-15 * (BLK-04) Block payment
    expenses:programme:acute              £1,234.56  ; cost-centre:CC100, counterparty:RWW
    assets:current:cash:gbs
)"),
                                       {ledger::JournalKind::kManual, "April", "april.journal"},
                                       ledger::testing::AnyOrg, alice);
    ASSERT_TRUE(raised.ok()) << raised.error().ToString();
  }
  ASSERT_TRUE(Scope().ok());
  auto opened = OpenTenantLedger(app_url_);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  TenantLedger& t = *opened.value();
  Status read = t.With("02E", [&](ledger::LedgerStore& db) -> Status {
                 CSU_ASSIGN_OR_RETURN(mine, db.Journals("02E", april.first_day(), april.last_day()));
                 EXPECT_EQ(mine.size(), 1u);
                 EXPECT_TRUE(db.GetEntity("02E").ok());
                 EXPECT_FALSE(db.GetEntity("12F").ok()) << "02E found 12F's ledger";
                 // An entity it cannot see is an entity that is not there.
                 auto theirs = db.Journals("12F", april.first_day(), april.last_day());
                 EXPECT_TRUE(!theirs.ok() || theirs.value().empty()) << "02E read 12F's journals";
                 return Status::Ok();
               });
  ASSERT_TRUE(read.ok()) << read.error().ToString();
  EXPECT_EQ(CountAs("02E", "ledger_postings", "entity", "12F"), 0) << "02E sees 12F's postings";
}

// A CCG finance lead's writes go through the role as its reads do: a month
// opened, journals raised and approved, a budget set and approved, a
// virement and a forecast, each in the store's own transactions with the
// entity as the session's tenant. The same calls for another CCG's ledger
// change nothing of it, and PostgreSQL itself refuses a row of it.
TEST_F(AppRole, AnEntitysLedgerIsWrittenThroughTheRoleAndNeverAnotherCcgs) {
  auto owner = OwnerLedgers();
  ASSERT_TRUE(owner.ok()) << owner.error().ToString();
  const ledger::Actor alice{"2018-05-01T09:00:00Z", "alice"}, bob{"2018-05-01T10:00:00Z", "bob"};
  const auto april = ledger::LedgerPeriod::Parse("2018-04").value();
  const auto may = ledger::LedgerPeriod::Parse("2018-05").value();
  ASSERT_TRUE(Scope().ok());
  auto opened = OpenTenantLedger(app_url_);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  TenantLedger& t = *opened.value();
  const auto small = ledger::testing::Txns(R"(2018-05-15 * (BLK-05) Block payment
    expenses:programme:acute              £1,234.56  ; cost-centre:CC100, counterparty:RWW
    assets:current:cash:gbs
)");
  const auto big = ledger::testing::Txns(R"(2018-05-20 * (BLK-05B) Year's block in one
    expenses:programme:acute              £20,000.00  ; cost-centre:CC100, counterparty:RWW
    assets:current:cash:gbs
)");
  const FinancialYear year(2018);
  std::vector<ledger::BudgetLine> lines = {{"CC100", "expenses:programme:acute", ledger::FlatTwelfths(12'000'000), 0},
                                           {"CC200", "expenses:programme:mental-health",
                                            ledger::FlatTwelfths(6'000'000), 0}};
  Status wrote = t.Write("02E", [&](ledger::LedgerStore& db) -> Status {
    CSU_ASSIGN_OR_RETURN(reversals, db.SetPeriodState("02E", may, ledger::PeriodState::kOpen, alice));
    EXPECT_TRUE(reversals.empty());
    CSU_ASSIGN_OR_RETURN(posted, db.Raise("02E", small, {ledger::JournalKind::kManual, "May", "web"},
                                          ledger::testing::AnyOrg, alice));
    EXPECT_FALSE(posted.pending);
    CSU_ASSIGN_OR_RETURN(pending, db.Raise("02E", big, {ledger::JournalKind::kManual, "May", "web"},
                                           ledger::testing::AnyOrg, alice));
    EXPECT_TRUE(pending.pending);
    CSU_ASSIGN_OR_RETURN(approved, db.Approve("02E", pending.batch, bob));
    EXPECT_FALSE(approved.pending);
    CSU_ASSIGN_OR_RETURN(version, db.SetBudget("02E", year, lines, "plan", "budget", alice));
    CSU_ASSIGN_OR_RETURN(budget, db.ApproveBudget("02E", year, version, bob));
    EXPECT_EQ(budget.version, version);
    CSU_ASSIGN_OR_RETURN(virement,
                         db.Vire("02E", year, ledger::SpreadVirement("CC100", "expenses:programme:acute", "CC200",
                                                                    "expenses:programme:mental-health", 60'000, 3, 12),
                                 "to mental health", alice));
    EXPECT_EQ(virement, 1);
    ledger::ForecastOverride f;
    f.month = 2, f.cost_centre = "CC100", f.account = "expenses:programme:acute";
    f.outturn = Money::FromPounds(1'100), f.note = "block";
    return db.SetForecast("02E", year, f, alice).status();
  });
  ASSERT_TRUE(wrote.ok()) << wrote.error().ToString();
  auto journals = owner.value()->Journals("02E", may.first_day(), may.last_day());
  ASSERT_TRUE(journals.ok());
  ASSERT_EQ(journals.value().size(), 2u);
  EXPECT_TRUE(journals.value()[1].posted) << "the large journal was not approved";
  EXPECT_EQ(owner.value()->Budget("02E", year).value().version, 1);
  EXPECT_EQ(owner.value()->Virements("02E", year).value().size(), 1u);
  EXPECT_EQ(owner.value()->Forecasts("02E", year).value().size(), 1u);

  // The same writes for 12F under 02E's tenant: 12F's ledger is not there.
  const int64_t their_postings = CountAs("12F", "ledger_postings", "entity", "12F");
  for (const auto& attempt : std::vector<std::function<Status(ledger::LedgerStore&)>>{
           [&](ledger::LedgerStore& db) { return db.SetPeriodState("12F", may, ledger::PeriodState::kOpen, alice).status(); },
           [&](ledger::LedgerStore& db) {
             return db.Raise("12F", ledger::testing::Txns(R"(2018-04-15 * (X) Forged
    expenses:programme:acute              £1.00  ; cost-centre:CC100, counterparty:RWW
    assets:current:cash:gbs
)"),
                             {ledger::JournalKind::kManual, "x", "web"}, ledger::testing::AnyOrg, alice)
                 .status();
           },
           [&](ledger::LedgerStore& db) { return db.SetBudget("12F", year, lines, "x", "budget", alice).status(); }}) {
    EXPECT_FALSE(t.Write("02E", attempt).ok()) << "02E wrote to 12F's ledger";
  }
  EXPECT_EQ(CountAs("12F", "ledger_postings", "entity", "12F"), their_postings);
  EXPECT_EQ(owner.value()->StateOf("12F", may).value(), ledger::PeriodState::kNotOpen) << "12F's May was opened";
  EXPECT_TRUE(owner.value()->BudgetVersions("12F", year).value().empty()) << "a budget was set for 12F";
  // PostgreSQL refuses the row itself, whatever the store would check: an
  // insert of 12F's month fails, an update of 12F's months finds none.
  auto raw = pg::Connect(app_url_);
  ASSERT_TRUE(raw.ok());
  Status inserted = pg::WithSessionTenant(*raw.value(), "02E", [&]() -> Status {
    return raw.value()->Exec("INSERT INTO ledger_periods(entity, year, month, state, changed_at, changed_by) "
                             "VALUES ('12F', 2018, 6, 'open', 'now', 'mallory')");
  });
  EXPECT_FALSE(inserted.ok()) << "02E inserted a month of 12F's";
  Status updated = pg::WithSessionTenant(*raw.value(), "02E", [&]() -> Status {
    return raw.value()->Exec("UPDATE ledger_periods SET state = 'locked' WHERE entity = '12F'");
  });
  EXPECT_TRUE(updated.ok()) << updated.error().ToString();
  EXPECT_EQ(owner.value()->StateOf("12F", april).value(), ledger::PeriodState::kOpen) << "02E locked 12F's April";
}

// A CCG's month's payment schedule is posted through the role: its
// practices' store and its ledger, each with the CCG as the session's tenant.
// A schedule of 12F's practices posted under 02E's tenant is refused and
// leaves no record and no journal.
TEST_F(AppRole, ACcgsScheduleIsPostedThroughTheRoleAndNeverAnotherCcgs) {
  auto pc_conn = pg::Connect(schema_->url());
  ASSERT_TRUE(pc_conn.ok());
  auto practices = primarycare::PcStore::OpenServer(std::move(pc_conn).value());
  ASSERT_TRUE(practices.ok()) << practices.error().ToString();
  const primarycare::Actor pc{"2024-04-01T09:00:00Z", "test"};
  ASSERT_TRUE(practices.value()
                  ->AddPractices({{"N81001", "02E", "Orchard Surgery", "WA1 1AA", 9000},
                                  {"P81001", "12F", "Quayside Practice", "L1 1AA", 8000}},
                                 pc)
                  .ok());
  auto ledgers = OwnerLedgers();
  ASSERT_TRUE(ledgers.ok()) << ledgers.error().ToString();
  const auto april = ledger::LedgerPeriod::Parse("2024-04").value();
  for (const char* code : {"02E", "12F"})
    ASSERT_TRUE(ledgers.value()->SetPeriodState(code, april, ledger::PeriodState::kOpen, {"2024-04-01T09:00:00Z", "t"}).ok());
  auto schedule_of = [&](const std::string& ccg, const std::string& practice) {
    primarycare::Schedule sched;
    sched.ccg = ccg;
    sched.month = april;
    primarycare::ScheduleLine line;
    line.practice = practice;
    line.month = april;
    line.kind = primarycare::LineKind::kOtherPayment;
    line.description = "Premises: rent reimbursement";
    line.amount_pence = 125'000;
    line.explanation = "agreed rent for the quarter";
    sched.lines.push_back(line);
    return sched;
  };
  ASSERT_TRUE(Scope().ok());
  auto pc_role = OpenTenantPrimaryCare(app_url_);
  ASSERT_TRUE(pc_role.ok()) << pc_role.error().ToString();
  auto ledger_role = OpenTenantLedger(app_url_);
  ASSERT_TRUE(ledger_role.ok()) << ledger_role.error().ToString();
  auto post = [&](const std::string& tenant, const primarycare::Schedule& sched) {
    return pc_role.value()->Write(tenant, [&](primarycare::PcStore& db) -> Status {
      return ledger_role.value()->Write(tenant, [&](ledger::LedgerStore& l) -> Status {
        return primarycare::PostSchedule(db, l, sched, ledger::testing::AnyOrg, {"2024-04-30T09:00:00Z", "finance"})
            .status();
      });
    });
  };
  Status mine = post("02E", schedule_of("02E", "N81001"));
  ASSERT_TRUE(mine.ok()) << mine.error().ToString();
  auto recorded = practices.value()->FindPosting("02E", april);
  ASSERT_TRUE(recorded.ok() && recorded.value());
  EXPECT_EQ(recorded.value()->total_pence, 125'000);
  EXPECT_EQ(ledgers.value()->Journals("02E", april.first_day(), april.last_day()).value().size(), 1u);
  // 12F's schedule under 02E's tenant: refused, nothing of it written.
  EXPECT_FALSE(post("02E", schedule_of("12F", "P81001")).ok()) << "02E posted 12F's schedule";
  auto theirs = practices.value()->FindPosting("12F", april);
  ASSERT_TRUE(theirs.ok());
  EXPECT_FALSE(theirs.value().has_value()) << "a posting of 12F's was recorded";
  EXPECT_TRUE(ledgers.value()->Journals("12F", april.first_day(), april.last_day()).value().empty())
      << "a journal reached 12F's ledger";
}

// A CCG's own primary care pages read through the role: its practices and
// their contracts; another CCG's practice, its contract and its rows are not
// there (asked for by code, or counted with SQL on the role's connection).
TEST_F(AppRole, ACcgsPracticesAreReadThroughTheRoleAndNeverAnotherCcgs) {
  auto owner_conn = pg::Connect(schema_->url());
  ASSERT_TRUE(owner_conn.ok());
  auto owner = primarycare::PcStore::OpenServer(std::move(owner_conn).value());
  ASSERT_TRUE(owner.ok()) << owner.error().ToString();
  const primarycare::Actor pc{"2024-04-01T09:00:00Z", "test"};
  auto added = owner.value()->AddPractices({{"N81001", "02E", "Orchard Surgery", "WA1 1AA", 9000},
                                            {"P81001", "12F", "Quayside Practice", "L1 1AA", 8000}},
                                           pc);
  ASSERT_TRUE(added.ok()) << added.error().ToString();
  for (const char* practice : {"N81001", "P81001"}) {
    primarycare::Contract c;
    c.practice = practice;
    c.type = primarycare::ContractType::kGms;
    c.start = Date::FromYmd(2004, 4, 1);
    ASSERT_TRUE(owner.value()->AddContract(c, pc).ok());
  }
  ASSERT_TRUE(Scope().ok());
  auto opened = OpenTenantPrimaryCare(app_url_);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  TenantPrimaryCare& t = *opened.value();
  Status read = t.With("02E", [&](primarycare::PcStore& db) -> Status {
    CSU_ASSIGN_OR_RETURN(mine, db.Practices("02E"));
    EXPECT_EQ(mine.size(), 1u);
    CSU_ASSIGN_OR_RETURN(every, db.Practices(""));
    EXPECT_EQ(every.size(), 1u) << "02E listed another CCG's practice";
    CSU_ASSIGN_OR_RETURN(theirs, db.FindPractice("P81001"));
    EXPECT_FALSE(theirs.has_value()) << "02E found 12F's practice";
    CSU_ASSIGN_OR_RETURN(contracts, db.Contracts("02E", ""));
    EXPECT_EQ(contracts.size(), 1u);
    CSU_ASSIGN_OR_RETURN(other, db.ContractOn("P81001", Date::FromYmd(2024, 4, 1)));
    EXPECT_FALSE(other.has_value()) << "02E read 12F's practice's contract";
    return Status::Ok();
  });
  ASSERT_TRUE(read.ok()) << read.error().ToString();
  EXPECT_EQ(CountAs("02E", "gp_contracts", "practice", "P81001"), 0) << "02E sees 12F's practice's contract";
  EXPECT_EQ(CountAs("12F", "gp_contracts", "practice", "P81001"), 1) << "12F does not see its own contract";
}


// The enhanced-service claims pages read and write through the role (web's
// ReadClaims and WithClaims): a CCG's schemes, claims and evidence list,
// never another CCG's, whatever the store is asked; its writes audited, and
// a row of another CCG refused by PostgreSQL itself.
TEST_F(AppRole, ACcgsClaimsAreReadAndWrittenThroughTheRoleAndNeverAnotherCcgs) {
  auto owner_conn = pg::Connect(schema_->url());
  ASSERT_TRUE(owner_conn.ok());
  auto owner = primarycare::ClaimsStore::OpenServer(std::move(owner_conn).value(), [](auto&&...) { return Status::Ok(); });
  ASSERT_TRUE(owner.ok()) << owner.error().ToString();
  const primarycare::ClaimsActor team{"2024-06-03T09:00:00Z", "test", "2024-06-03"};
  std::map<std::string, int64_t> claim_of;
  for (const auto& [ccg, practice] : {std::pair{"02E", "N81001"}, std::pair{"12F", "P81001"}}) {
    ASSERT_TRUE(owner.value()->AddScheme(primarycare::AnticoagScheme(ccg), team).ok());
    primarycare::NewClaim c;
    c.scheme_code = "LES-ANTICOAG";
    c.practice = practice;
    c.period = "2024-06";
    c.units = 12;
    auto id = owner.value()->Submit({ccg, ""}, c, team);
    ASSERT_TRUE(id.ok()) << id.error().ToString();
    claim_of[ccg] = id.value();
  }
  ASSERT_TRUE(Scope().ok());
  std::vector<std::string> audited;
  auto opened = OpenTenantClaims(app_url_, [&audited](const std::string&, const std::string& action,
                                                      const std::string& subject, const std::string&) {
    audited.push_back(action + " " + subject);
    return Status::Ok();
  });
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  TenantClaims& t = *opened.value();
  Status read = t.With("02E", [&](primarycare::ClaimsStore& db) -> Status {
    CSU_ASSIGN_OR_RETURN(mine, db.Claims({"02E", ""}));
    EXPECT_EQ(mine.size(), 1u);
    CSU_ASSIGN_OR_RETURN(theirs, db.Claims({"12F", ""}));
    EXPECT_TRUE(theirs.empty()) << "02E listed 12F's claims";
    CSU_ASSIGN_OR_RETURN(found, db.FindClaim({"12F", ""}, claim_of["12F"]));
    EXPECT_FALSE(found.has_value()) << "02E found 12F's claim";
    CSU_ASSIGN_OR_RETURN(schemes, db.Schemes("12F"));
    EXPECT_TRUE(schemes.empty()) << "02E read 12F's schemes";
    CSU_ASSIGN_OR_RETURN(own_schemes, db.Schemes("02E"));
    EXPECT_EQ(own_schemes.size(), 1u);
    CSU_ASSIGN_OR_RETURN(evidence, db.Evidence({"02E", ""}));
    EXPECT_TRUE(evidence.empty());
    return Status::Ok();
  });
  ASSERT_TRUE(read.ok()) << read.error().ToString();

  // 02E's practice claims again and the team approves: written through the role, audited.
  primarycare::NewClaim next{"LES-ANTICOAG", "N81001", "2024-07", 20, "", std::nullopt, std::nullopt};
  int64_t second = 0;
  Status wrote = t.Write("02E", [&](primarycare::ClaimsStore& db) -> Status {
    CSU_ASSIGN_OR_RETURN(id, db.Submit({"02E", "N81001"}, next, team));
    second = id;
    return db.Approve({"02E", ""}, id, team);
  });
  ASSERT_TRUE(wrote.ok()) << wrote.error().ToString();
  EXPECT_EQ(audited.size(), 2u);
  // Evidence, whose bytes 12F's practice has already stored for its own claim:
  // the same file row, shared by content, is written through each CCG's role.
  const primarycare::NewClaim::File pdf{"inr.pdf", "%PDF-1.4\nINR tests by date, totals only\n%%EOF\n"};
  ASSERT_TRUE(owner.value()->AttachEvidence({"12F", "P81001"}, claim_of["12F"], pdf, team).ok());
  Status attached = t.Write("02E", [&](primarycare::ClaimsStore& db) -> Status {
    return db.AttachEvidence({"02E", "N81001"}, claim_of["02E"], pdf, team).status();
  });
  ASSERT_TRUE(attached.ok()) << attached.error().ToString();
  Status evidence_read = t.With("02E", [&](primarycare::ClaimsStore& db) -> Status {
    CSU_ASSIGN_OR_RETURN(rows, db.Evidence({"02E", ""}));
    EXPECT_EQ(rows.size(), 1u) << "02E sees 12F's evidence, or not its own";
    if (rows.empty()) return Status::Ok();
    CSU_ASSIGN_OR_RETURN(file, db.ReadEvidence({"02E", ""}, rows[0].id));
    EXPECT_TRUE(file.has_value() && file->bytes == pdf.bytes);
    return Status::Ok();
  });
  ASSERT_TRUE(evidence_read.ok()) << evidence_read.error().ToString();
  EXPECT_EQ(CountAs("02E", "es_claims", "state", "approved"), 1);
  // Asked for 12F's claim under 02E's tenant: not there to approve.
  Status theirs = t.Write("02E", [&](primarycare::ClaimsStore& db) -> Status {
    return db.Approve({"12F", ""}, claim_of["12F"], team);
  });
  EXPECT_FALSE(theirs.ok()) << "02E approved 12F's claim";
  EXPECT_EQ(CountAs("12F", "es_claims", "state", "submitted"), 1) << "12F's claim changed";
  // PostgreSQL itself refuses a row of another CCG, and changes none of its rows.
  auto raw = pg::Connect(app_url_);
  ASSERT_TRUE(raw.ok());
  Status forged = pg::WithSessionTenant(*raw.value(), "02E", [&]() -> Status {
    return raw.value()->Exec("INSERT INTO es_schemes(ccg, code, name, kind, specification, rule, fee_pence, "
                             "window_from, window_to, frequency, max_units, evidence, created_at, created_by, "
                             "updated_at, updated_by) VALUES ('12F', 'LES-FORGED', 'x', 'local', 'x', "
                             "'item_of_service', 1, '2024-04-01', '2025-03-31', 'monthly', 1, 'x', 'a', 'b', 'a', 'b')");
  });
  ASSERT_FALSE(forged.ok()) << "02E's session wrote a scheme of 12F";
  EXPECT_NE(forged.error().why.find("row-level security"), std::string::npos) << forged.error().ToString();
  Status moved = pg::WithSessionTenant(*raw.value(), "02E", [&]() -> Status {
    return raw.value()->Exec("UPDATE es_claims SET units = 99 WHERE ccg = '12F'");
  });
  ASSERT_TRUE(moved.ok()) << moved.error().ToString();
  EXPECT_EQ(CountAs("12F", "es_claims", "units", "99"), 0) << "02E's session changed 12F's claim";
  // A write that leaves its transaction aborted still leaves no tenant behind.
  Status aborted = pg::WithSessionTenant(*raw.value(), "02E", [&]() -> Status {
    if (Status b = raw.value()->Exec("BEGIN"); !b.ok()) return b;
    return raw.value()->Exec("SELECT 1/0");
  });
  EXPECT_FALSE(aborted.ok());
  auto setting = raw.value()->Prepare("SELECT coalesce(current_setting('app.tenant', true), '')");
  ASSERT_TRUE(setting.ok()) << setting.error().ToString();
  auto got = setting.value().Step();
  ASSERT_TRUE(got.ok() && got.value()) << "the connection is still in the aborted transaction";
  EXPECT_EQ(setting.value().Text(0), "") << "the tenant outlived the aborted write";
  setting.value().Reset();
  // The session's tenant is gone after the write: without one, an error, never rows.
  auto after = raw.value()->Prepare("SELECT count(*) FROM es_claims");
  Status counted = after.ok() ? after.value().Step().ok() ? Status::Ok() : Status(MakeError("step", "failed"))
                              : Status(after.error());
  EXPECT_FALSE(counted.ok()) << "the connection kept 02E as its tenant after the write";
}

}  // namespace
}  // namespace csu::cli
