// Golden invoices: tests/golden/billing/README.md works every figure by hand
// from docs/billing.md; these tests check the platform gets the same pence.
#include <gtest/gtest.h>

#include <latch>
#include <mutex>
#include <set>
#include <thread>

#include "billing/billing_store.h"
#include "billing/invoice_document.h"
#include "billing/invoice_run.h"
#include "billing/meter.h"
#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"
#include "refdata/refdata_for_tests.h"
#include "store/sql.h"
#include "store/sqlite_db.h"
#include "synth/synth_testing.h"

namespace csu::billing {
namespace {

using synth::testing::TempDir;

const std::string kGolden = std::string(CSU_SOURCE_DIR) + "/tests/golden/billing/";
const Actor kActor{"2026-11-23T09:00:00Z", "test"};
const Date kToday = Date::FromYmd(2026, 11, 23);

bool KnownCcg(const std::string& ccg) {
  Result<OdsCode> code = OdsCode::Parse(ccg);
  return code.ok() && refdata::TestRefData().FindCcg(code.value()) != nullptr;
}

Subscription Sub(const std::string& ccg, const std::string& item, int32_t term = 36, int64_t discount_bp = 0,
                 Date start = Date::FromYmd(2018, 4, 1)) {
  Subscription s;
  s.ccg = ccg;
  s.item = item;
  s.start = start;
  s.term_months = term;
  s.notice_months = 6;
  s.discount_bp = discount_bp;
  return s;
}

// The billing database on SQLite (a state folder) and on PostgreSQL (server
// mode, a fresh schema per test) when CSU_TEST_POSTGRES_URL names a server;
// skipped on PostgreSQL otherwise.
class BillingBackend : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.path());
    if (std::string(GetParam()) == "postgresql") {
      CSU_PG_TEST_SCHEMA(pg_);
    }
  }
  // Each call is a connection of its own: another node on PostgreSQL.
  Result<std::unique_ptr<BillingStore>> OpenStore() {
    if (!pg_) return BillingStore::Open(dir_.path());
    CSU_ASSIGN_OR_RETURN(db, pg::Connect(pg_->url()));
    return BillingStore::OpenServer(std::move(db));
  }
  Result<std::unique_ptr<Meter>> OpenMeter() {
    if (!pg_) return Meter::Open(dir_.path());
    CSU_ASSIGN_OR_RETURN(db, pg::Connect(pg_->url()));
    return Meter::OpenServer(std::move(db));
  }
  // A connection beneath the store, as someone with the file or a database
  // login would have.
  std::unique_ptr<store::SqlConnection> Raw() {
    if (pg_) {
      auto c = pg::Connect(pg_->url());
      EXPECT_TRUE(c.ok()) << c.error().ToString();
      return c.ok() ? std::move(c).value() : nullptr;
    }
    auto c = store::SqliteDb::Open(dir_.path() + "/billing.sqlite", "");
    EXPECT_TRUE(c.ok()) << c.error().ToString();
    return c.ok() ? std::make_unique<store::SqliteConnection>(std::move(c).value()) : nullptr;
  }
  bool postgres() const { return pg_.has_value(); }

  TempDir dir_{"billing-golden"};
  std::optional<pg::TestSchema> pg_;
};
std::string BackendName(const ::testing::TestParamInfo<const char*>& i) { return i.param; }

// The golden set-up: the fixed catalogue, 02E subscribed to every service
// (5 % off BI-CORE), and June 2018's usage.
class GoldenInvoices : public BillingBackend {
 protected:
  void SetUp() override {
    BillingBackend::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto db = OpenStore();
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    db_ = std::move(db).value();
    auto versions = ReadCatalogueFile(kGolden + "catalogue.csv");
    ASSERT_TRUE(versions.ok()) << versions.error().ToString();
    ASSERT_EQ(db_->AddVersions(versions.value(), kActor).value(), 9);
    for (const char* item : {"BI-CORE", "CONTRACTS", "PAYROLL", "BI-API", "BI-USERS", "IG-DPO", "CHC"}) {
      auto s = db_->AddSubscription(Sub("02E", item, 36, std::string(item) == "BI-CORE" ? 500 : 0), KnownCcg, kActor);
      ASSERT_TRUE(s.ok()) << s.error().ToString();
    }
    const Period june(2018, 6);
    ASSERT_TRUE(db_->RecordUsage("02E", june, "payslips", 1234, "payroll-run-2018-06", kActor).value());
    ASSERT_TRUE(db_->RecordUsage("02E", june, "chc_assessments", 3, "chc-2018-06", kActor).value());
    auto meter = OpenMeter();
    ASSERT_TRUE(meter.ok()) << meter.error().ToString();
    ASSERT_TRUE(meter.value()->Count("02E", june, "api_calls", "", 45000).ok());
    ASSERT_TRUE(meter.value()->Count("02E", june, "api_calls", "", 678).ok());
    for (int user = 1; user <= 7; ++user) {
      for (int again = 0; again < 3; ++again) {  // the same user all month counts once
        auto once = meter.value()->CountOnce("active:" + std::to_string(user) + ":02E:2018-06", "02E", june,
                                             "active_users", "", 1, kActor.at, kActor.by);
        ASSERT_TRUE(once.ok()) << once.error().ToString();
        EXPECT_EQ(once.value(), again == 0);
      }
    }
  }

  InvoiceRunResult Run(Period p) {
    auto r = RunInvoices(*db_, refdata::TestRefData(), p, {2000, kToday, false}, kActor);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? r.value() : InvoiceRunResult{};
  }

  std::unique_ptr<BillingStore> db_;
};
class GoldenPackage : public BillingBackend {};
class GoldenZero : public BillingBackend {};
class InvoiceNumbers : public BillingBackend {};
INSTANTIATE_TEST_SUITE_P(Backends, GoldenInvoices, ::testing::Values("sqlite", "postgresql"), BackendName);
INSTANTIATE_TEST_SUITE_P(Backends, GoldenPackage, ::testing::Values("sqlite", "postgresql"), BackendName);
INSTANTIATE_TEST_SUITE_P(Backends, GoldenZero, ::testing::Values("sqlite", "postgresql"), BackendName);
INSTANTIATE_TEST_SUITE_P(Backends, InvoiceNumbers, ::testing::Values("sqlite", "postgresql"), BackendName);

std::vector<std::pair<std::string, int64_t>> Amounts(const Invoice& inv) {
  std::vector<std::pair<std::string, int64_t>> out;
  for (const InvoiceLine& l : inv.lines) out.emplace_back(l.item, l.amount.pence());
  return out;
}

TEST_P(GoldenInvoices, JuneMatchesTheHandWorkedLines) {
  InvoiceRunResult r = Run(Period(2018, 6));
  ASSERT_EQ(r.issued.size(), 1u);
  const Invoice& inv = r.issued[0];
  EXPECT_EQ(inv.number, "INV-000001");
  EXPECT_EQ(inv.ccg_name, "NHS Warrington CCG");
  EXPECT_EQ(inv.population, 220471);
  std::vector<std::pair<std::string, int64_t>> want = {
      {"BI-CORE", 7532759}, {"BI-CORE", -376638}, {"CONTRACTS", 2517044}, {"PAYROLL", 394880},
      {"BI-API", 6852},     {"BI-USERS", 31500},  {"IG-DPO", 100000},     {"CHC", 25500}};
  EXPECT_EQ(Amounts(inv), want);
  EXPECT_EQ(inv.lines[0].basis, "220,471 patients × £4.10 a year ÷ 12");
  EXPECT_EQ(inv.lines[1].description, "Discount 5% on Business intelligence core");
  EXPECT_EQ(inv.lines[4].basis, "45,678 api calls × £1.50 per 1,000");
  EXPECT_EQ(inv.lines[5].quantity, 7);
  EXPECT_EQ(inv.net_standard.pence(), 10106397);
  EXPECT_EQ(inv.net_zero.pence(), 25500);
  EXPECT_EQ(inv.net_exempt.pence(), 100000);
  EXPECT_EQ(inv.net.pence(), 10231897);
  EXPECT_EQ(inv.vat.pence(), 2021279);
  EXPECT_EQ(inv.total.pence(), 12253176);

  // What was stored is what was issued, and it verifies.
  auto stored = db_->Document("INV-000001");
  ASSERT_TRUE(stored.ok() && stored.value());
  EXPECT_EQ(*stored.value(), inv);
  EXPECT_TRUE(db_->Verify().value().empty());
}

TEST_P(GoldenInvoices, JulyUsesTheNewPriceAndPopulationAndRoundsHalvesAway) {
  ASSERT_TRUE(db_->SetPopulation("02E", Date::FromYmd(2018, 7, 1), 100002, kActor).ok());
  InvoiceRunResult r = Run(Period(2018, 7));
  ASSERT_EQ(r.issued.size(), 1u);
  const Invoice& inv = r.issued[0];
  EXPECT_EQ(inv.population, 100002);
  std::vector<std::pair<std::string, int64_t>> want = {{"BI-CORE", 3541738}, {"BI-CORE", -177087},
                                                       {"CONTRACTS", 1141690}, {"PAYROLL", 0},
                                                       {"BI-API", 0},          {"BI-USERS", 0},
                                                       {"IG-DPO", 100000},     {"CHC", 0}};
  EXPECT_EQ(Amounts(inv), want);
  EXPECT_EQ(inv.net_standard.pence(), 4506341);
  EXPECT_EQ(inv.vat.pence(), 901268);
  EXPECT_EQ(inv.total.pence(), 5507609);
}

TEST_P(GoldenPackage, FullServiceIsOneLineAtThePackagePrice) {
  auto opened = OpenStore();
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  auto db = std::move(opened).value();
  ASSERT_TRUE(db->AddVersions(ReadCatalogueFile(kGolden + "catalogue.csv").value(), kActor).ok());
  ASSERT_TRUE(db->AddSubscription(Sub("12F", "FULL", 60), KnownCcg, kActor).ok());
  auto r = RunInvoices(*db, refdata::TestRefData(), Period(2018, 6), {2000, kToday, false}, kActor);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(r.value().issued.size(), 1u);
  const Invoice& inv = r.value().issued[0];
  ASSERT_EQ(inv.lines.size(), 1u);
  EXPECT_EQ(inv.lines[0].description, "Full service (package: BI-CORE, CONTRACTS)");
  EXPECT_EQ(inv.lines[0].amount.pence(), 75402990);
  EXPECT_EQ(inv.vat.pence(), 15080598);
  EXPECT_EQ(inv.total.pence(), 90483588);
}

TEST_P(GoldenInvoices, ReRunningAMonthIssuesNothingNew) {
  ASSERT_EQ(Run(Period(2018, 6)).issued.size(), 1u);
  InvoiceRunResult again = Run(Period(2018, 6));
  EXPECT_TRUE(again.issued.empty());
  EXPECT_EQ(again.already, std::vector<std::string>{"INV-000001"});
  EXPECT_EQ(db_->Documents("").value().size(), 1u);
}

// A run told to stop (server mode: it lost its job lock) stops before the
// next invoice, returns what it issued, and a second run issues the rest
// with the next number.
TEST_P(GoldenInvoices, ARunToldToStopKeepsWhatItIssuedAndARerunFinishes) {
  ASSERT_TRUE(db_->AddSubscription(Sub("02N", "BI-CORE"), KnownCcg, kActor).ok());
  ASSERT_TRUE(db_->SetPopulation("02N", Date::FromYmd(2018, 4, 1), 150000, kActor).ok());
  int asked = 0;
  auto stopped = RunInvoices(*db_, refdata::TestRefData(), Period(2018, 6), {2000, kToday, false}, kActor, [&]() -> Status {
    return ++asked == 1 ? Status::Ok() : Status(Error{"invoice run", "lost its lock"});
  });
  ASSERT_TRUE(stopped.ok()) << stopped.error().ToString();
  EXPECT_EQ(asked, 2);
  ASSERT_EQ(stopped.value().issued.size(), 1u);
  EXPECT_EQ(stopped.value().issued[0].number, "INV-000001");
  ASSERT_TRUE(stopped.value().stopped.has_value());
  EXPECT_EQ(stopped.value().stopped->why, "lost its lock");
  InvoiceRunResult rest = Run(Period(2018, 6));
  ASSERT_EQ(rest.issued.size(), 1u);
  EXPECT_EQ(rest.issued[0].number, "INV-000002");
  EXPECT_EQ(rest.already, std::vector<std::string>{"INV-000001"});
  EXPECT_FALSE(rest.stopped.has_value());
}

TEST_P(GoldenInvoices, AMonthNotYetEndedIsRefused) {
  auto r = RunInvoices(*db_, refdata::TestRefData(), Period(2026, 11), {2000, kToday, false}, kActor);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().why.find("has not ended"), std::string::npos);
}

TEST_P(GoldenInvoices, AMonthIsInvoicedFromTheDayAfterItsLastDayNotOnIt) {
  // On 30 June 2018 June's usage can still grow (requests until midnight UK
  // time count in June), so June is refused on its last day and invoiced from
  // 1 July.
  auto on_last_day =
      RunInvoices(*db_, refdata::TestRefData(), Period(2018, 6), {2000, Date::FromYmd(2018, 6, 30), false}, kActor);
  ASSERT_FALSE(on_last_day.ok()) << "June was invoiced on 30 June, before its usage was complete";
  EXPECT_NE(on_last_day.error().why.find("has not ended"), std::string::npos) << on_last_day.error().ToString();
  EXPECT_TRUE(db_->Documents("").value().empty());
  auto next_day =
      RunInvoices(*db_, refdata::TestRefData(), Period(2018, 6), {2000, Date::FromYmd(2018, 7, 1), false}, kActor);
  ASSERT_TRUE(next_day.ok()) << next_day.error().ToString();
  ASSERT_EQ(next_day.value().issued.size(), 1u);
  EXPECT_EQ(next_day.value().issued[0].number, "INV-000001");
}

TEST_P(GoldenInvoices, CorrectionsAreCreditNotesAndNumbersHaveNoGaps) {
  ASSERT_EQ(Run(Period(2018, 6)).issued.size(), 1u);
  ASSERT_EQ(Run(Period(2018, 7)).issued.size(), 1u);
  // Usage for an invoiced month is refused until the invoice is credited.
  auto late = db_->RecordUsage("02E", Period(2018, 6), "payslips", 10, "late-payslips", kActor);
  ASSERT_FALSE(late.ok());
  EXPECT_NE(late.error().why.find("INV-000001"), std::string::npos);

  auto cn = db_->Credit("INV-000001", "payslips under-counted", kActor);
  ASSERT_TRUE(cn.ok()) << cn.error().ToString();
  EXPECT_EQ(cn.value().number, "CN-000001");
  EXPECT_EQ(cn.value().credits, "INV-000001");
  EXPECT_EQ(cn.value().net.pence(), -10231897);
  EXPECT_EQ(cn.value().vat.pence(), -2021279);
  EXPECT_EQ(cn.value().total.pence(), -12253176);
  EXPECT_FALSE(db_->Credit("INV-000001", "again", kActor).ok());
  EXPECT_FALSE(db_->Credit("CN-000001", "a credit of a credit", kActor).ok());

  ASSERT_TRUE(db_->RecordUsage("02E", Period(2018, 6), "payslips", 10, "late-payslips", kActor).value());
  InvoiceRunResult replacement = Run(Period(2018, 6));
  ASSERT_EQ(replacement.issued.size(), 1u);
  EXPECT_EQ(replacement.issued[0].number, "INV-000003");
  EXPECT_EQ(replacement.issued[0].net.pence(), 10231897 + 10 * 320);
  EXPECT_TRUE(db_->Verify().value().empty());
}

TEST_P(GoldenInvoices, IssuedDocumentsCannotBeChangedAndTamperingIsDetected) {
  ASSERT_EQ(Run(Period(2018, 6)).issued.size(), 1u);
  auto raw = Raw();
  ASSERT_TRUE(raw);
  Status changed = raw->Exec("UPDATE document_lines SET amount_pence=1 WHERE number='INV-000001'");
  ASSERT_FALSE(changed.ok());
  EXPECT_NE(changed.error().ToString().find("immutable"), std::string::npos) << changed.error().ToString();
  EXPECT_FALSE(raw->Exec("DELETE FROM documents").ok());
  if (postgres()) {
    EXPECT_FALSE(raw->Exec("TRUNCATE documents CASCADE").ok());
  }
  // Someone who may drop the trigger (the file and sqlite3, or the tables'
  // owner) can change a line; verify still sees it.
  ASSERT_TRUE(raw->Exec(postgres() ? "DROP TRIGGER document_lines_no_change ON document_lines"
                                   : "DROP TRIGGER document_lines_no_update")
                  .ok());
  ASSERT_TRUE(raw->Exec("UPDATE document_lines SET amount_pence=1 WHERE number='INV-000001' AND line_no=1").ok());
  raw.reset();
  std::vector<std::string> problems = db_->Verify().value();
  ASSERT_FALSE(problems.empty());
  EXPECT_NE(problems[0].find("INV-000001"), std::string::npos);
}

TEST_P(GoldenInvoices, APopulationUpdateCannotReachBackIntoAnIssuedMonth) {
  ASSERT_EQ(Run(Period(2018, 6)).issued.size(), 1u);
  Status s = db_->SetPopulation("02E", Date::FromYmd(2018, 6, 1), 230000, kActor);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().why.find("INV-000001"), std::string::npos);
  EXPECT_TRUE(db_->SetPopulation("02E", Date::FromYmd(2018, 7, 1), 230000, kActor).ok());
}

TEST_P(GoldenInvoices, RecordedUsageCountsOncePerReference) {
  // SetUp recorded 1,234 payslips under this reference; a retry changes nothing.
  auto retry = db_->RecordUsage("02E", Period(2018, 6), "payslips", 1234, "payroll-run-2018-06", kActor);
  ASSERT_TRUE(retry.ok());
  EXPECT_FALSE(retry.value());
  auto clash = db_->RecordUsage("02E", Period(2018, 6), "payslips", 999, "payroll-run-2018-06", kActor);
  EXPECT_FALSE(clash.ok());
  EXPECT_EQ(db_->UsageTotals("02E", Period(2018, 6)).value().at("payslips"), 1234);
  EXPECT_FALSE(db_->RecordUsage("02E", Period(2018, 6), "api_calls", 5, "x", kActor).ok());
  EXPECT_FALSE(db_->RecordUsage("02E", Period(2018, 6), "payslips", 5, "", kActor).ok());
}


TEST_P(GoldenInvoices, CcgCodesAreOneCustomerWhateverTheirCase) {
  // 02E already takes BI-CORE: " 02e" is the same CCG, so this overlaps.
  auto again = db_->AddSubscription(Sub(" 02e", "BI-CORE", 24, 0, Date::FromYmd(2019, 4, 1)), KnownCcg, kActor);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().why.find("overlaps"), std::string::npos);
  ASSERT_TRUE(db_->RecordUsage("02e", Period(2018, 5), "payslips", 5, "lower-case", kActor).ok());
  EXPECT_EQ(db_->UsageTotals("02E", Period(2018, 5)).value().at("payslips"), 5);
}

TEST_P(GoldenInvoices, NoCatalogueChangeOrSubscriptionMayChargeTwice) {
  // A later FULL package holding PAYROLL, which 02E buys on its own, would
  // charge 02E twice if 02E took FULL; here 12F takes FULL first...
  ASSERT_TRUE(db_->AddSubscription(Sub("12F", "FULL", 60), KnownCcg, kActor).ok());
  ASSERT_TRUE(db_->AddSubscription(Sub("12F", "PAYROLL", 24), KnownCcg, kActor).ok());
  // ...and a new FULL version that adds PAYROLL is refused, naming both.
  ItemVersion full = *db_->LoadCatalogue().value().InForce("FULL", Date::FromYmd(2018, 4, 1));
  full.effective_from = Date::FromYmd(2019, 4, 1);
  full.includes.push_back("PAYROLL");
  auto load = db_->AddVersions({full}, kActor);
  ASSERT_FALSE(load.ok());
  EXPECT_NE(load.error().why.find("PAYROLL would be charged twice"), std::string::npos) << load.error().ToString();
  // Two items billed from one meter are refused too.
  ItemVersion api2 = *db_->LoadCatalogue().value().InForce("BI-API", Date::FromYmd(2018, 4, 1));
  api2.code = "BI-API2";
  ASSERT_TRUE(db_->AddVersions({api2}, kActor).ok());
  auto twice = db_->AddSubscription(Sub("02E", "BI-API2", 24, 0, Date::FromYmd(2018, 4, 1)), KnownCcg, kActor);
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().why.find("api_calls meter would be billed twice"), std::string::npos);
}

TEST_P(GoldenInvoices, APriceCannotReachBackIntoAnInvoicedMonth) {
  ASSERT_EQ(Run(Period(2018, 6)).issued.size(), 1u);
  ItemVersion v = *db_->LoadCatalogue().value().InForce("PAYROLL", Date::FromYmd(2018, 6, 1));
  v.price = Money::FromPence(999);
  v.effective_from = Date::FromYmd(2018, 5, 1);
  auto back = db_->AddVersions({v}, kActor);
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.error().why.find("after the last month invoiced"), std::string::npos);
  v.effective_from = Date::FromYmd(2018, 7, 1);
  EXPECT_TRUE(db_->AddVersions({v}, kActor).ok());
  v.code = "PAYROLL";
  v.price = Money::FromPence(100'000'000'01);
  v.effective_from = Date::FromYmd(2019, 1, 1);
  EXPECT_FALSE(db_->AddVersions({v}, kActor).ok());  // over £100 million
}

TEST_P(GoldenInvoices, ACreditNoteNegatesQuantitiesAndFreesThePopulation) {
  ASSERT_EQ(Run(Period(2018, 6)).issued.size(), 1u);
  auto cn = db_->Credit("INV-000001", "wrong population", kActor);
  ASSERT_TRUE(cn.ok());
  EXPECT_EQ(cn.value().lines[0].quantity, -220471);
  EXPECT_EQ(cn.value().lines[0].unit_price.pence(), 410);
  EXPECT_EQ(cn.value().lines[0].amount.pence(), -7532759);
  // The credited month takes a corrected population, and its replacement uses it.
  ASSERT_TRUE(db_->SetPopulation("02E", Date::FromYmd(2018, 6, 1), 100002, kActor).ok());
  InvoiceRunResult replacement = Run(Period(2018, 6));
  ASSERT_EQ(replacement.issued.size(), 1u);
  EXPECT_EQ(replacement.issued[0].population, 100002);
  EXPECT_TRUE(db_->Verify().value().empty());
}

TEST_P(GoldenInvoices, VerifyNoticesADeletedLastDocument) {
  ASSERT_EQ(Run(Period(2018, 6)).issued.size(), 1u);
  ASSERT_EQ(Run(Period(2018, 7)).issued.size(), 1u);
  auto raw = Raw();
  ASSERT_TRUE(raw);
  const std::string drop = postgres() ? "DROP TRIGGER documents_no_change ON documents; "
                                        "DROP TRIGGER document_lines_no_change ON document_lines; "
                                      : "DROP TRIGGER documents_no_delete; DROP TRIGGER document_lines_no_delete; ";
  ASSERT_TRUE(raw->Exec(drop + "DELETE FROM document_lines WHERE number='INV-000002'; "
                               "DELETE FROM documents WHERE number='INV-000002'")
                  .ok());
  raw.reset();
  std::vector<std::string> problems = db_->Verify().value();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("2 numbers issued but 1 documents held"), std::string::npos) << problems[0];
}

TEST_P(GoldenZero, AMonthWithNothingToChargeGetsNoInvoiceAndUsesNoNumber) {
  auto opened = OpenStore();
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  auto db = std::move(opened).value();
  ASSERT_TRUE(db->AddVersions(ReadCatalogueFile(kGolden + "catalogue.csv").value(), kActor).ok());
  ASSERT_TRUE(db->AddSubscription(Sub("02E", "PAYROLL", 24), KnownCcg, kActor).ok());
  ASSERT_TRUE(db->AddSubscription(Sub("12F", "FULL", 24), KnownCcg, kActor).ok());
  auto r = RunInvoices(*db, refdata::TestRefData(), Period(2018, 6), {2000, kToday, false}, kActor);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r.value().nothing_to_charge, std::vector<std::string>{"02E"});  // no payslips in June
  ASSERT_EQ(r.value().issued.size(), 1u);
  EXPECT_EQ(r.value().issued[0].number, "INV-000001");
}


TEST_P(GoldenInvoices, ADocumentKeepsTheSupplierDetailsItWasIssuedWith) {
  EXPECT_FALSE(db_->SetSupplier({"CSU", "1 Street", "GB 12 34", 30}).ok());  // not a VAT number
  EXPECT_FALSE(db_->SetSupplier({"CSU", "1 Street", "", 365}).ok());
  ASSERT_TRUE(db_->SetSupplier({"Example CSU", "1 Example Street, Warrington", "GB 123 4567 89", 30}).ok());
  InvoiceRunResult r = Run(Period(2018, 6));
  ASSERT_EQ(r.issued.size(), 1u);
  EXPECT_EQ(r.issued[0].supplier.vat_number, "GB 123 4567 89");
  EXPECT_EQ(DueDate(r.issued[0]), "2026-12-23");  // issued 2026-11-23, 30 days
  EXPECT_EQ(IssueDate(r.issued[0]), "2026-11-23");
  ASSERT_TRUE(db_->SetSupplier({"Example CSU", "2 New Road, Warrington", "GB 123 4567 89", 14}).ok());
  auto stored = db_->Document(r.issued[0].number).value();
  EXPECT_EQ(stored->supplier.address, "1 Example Street, Warrington");
  EXPECT_EQ(stored->supplier.payment_days, 30);
  EXPECT_TRUE(db_->Verify().value().empty());
}


// "No PO, no pay": an invoice quotes the purchase orders of the
// subscriptions it bills, the CCG's address and how to pay, stamped at
// issue; its credit note keeps the PO; the workbook's amounts are numbers.
TEST_P(GoldenInvoices, AnInvoiceCarriesThePurchaseOrderAddressAndRemittance) {
  Subscription with_po = Sub("27D", "BI-CORE");
  with_po.purchase_order = "PO-27D-0042";
  ASSERT_TRUE(db_->AddSubscription(with_po, KnownCcg, kActor).ok());
  ASSERT_TRUE(db_->SetCustomerAddress("27d", "Accounts payable, 1 Bank Quay, Warrington", kActor).ok());
  EXPECT_FALSE(db_->SetCustomerAddress("27D", "", kActor).ok());
  ASSERT_TRUE(db_->SetSupplier({"Example CSU", "1 Example Street", "", 30,
                                "Example Bank, sort code 00-00-00, account 00000000 (placeholders)"}).ok());
  InvoiceRunResult r = Run(Period(2018, 6));
  ASSERT_EQ(r.issued.size(), 2u);
  const Invoice& inv = r.issued[0].ccg == "27D" ? r.issued[0] : r.issued[1];
  const Invoice& other = r.issued[0].ccg == "27D" ? r.issued[1] : r.issued[0];
  EXPECT_EQ(inv.purchase_order, "PO-27D-0042");
  EXPECT_EQ(inv.customer_address, "Accounts payable, 1 Bank Quay, Warrington");
  EXPECT_TRUE(other.purchase_order.empty());  // 02E gave none
  auto stored = db_->Document(inv.number).value();
  EXPECT_EQ(*stored, inv);
  EXPECT_TRUE(db_->Verify().value().empty());
  const std::string html = InvoiceHtml(inv, "");
  EXPECT_NE(html.find("Your purchase order</dt><dd>PO-27D-0042"), std::string::npos);
  EXPECT_NE(html.find("1 Bank Quay"), std::string::npos);
  EXPECT_NE(html.find("sort code 00-00-00"), std::string::npos);
  EXPECT_EQ(InvoiceHtml(other, "").find("Your purchase order"), std::string::npos);
  EXPECT_NE(CanonicalJson(inv).find("\"purchase_order\":\"PO-27D-0042\""), std::string::npos);
  // A document without them hashes as documents issued before they existed.
  EXPECT_EQ(CanonicalJson(other).find("purchase_order"), std::string::npos);

  const std::string xlsx = dir_.path() + "/inv.xlsx";
  ASSERT_TRUE(WriteInvoiceXlsx(xlsx, inv).ok());
  std::string unzip = "unzip -p '" + xlsx + "' xl/worksheets/sheet3.xml 2>/dev/null";
  if (std::system("command -v unzip >/dev/null 2>&1") == 0) {
    FILE* pipe = ::popen(unzip.c_str(), "r");
    std::string sheet;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) sheet.append(buf, n);
    ::pclose(pipe);
    // The total as a number cell (<v>), not text.
    EXPECT_NE(sheet.find("<v>" + std::to_string(inv.total.pence() / 100) + "."), std::string::npos) << sheet;
  }
}

TEST_P(GoldenInvoices, AnOverCountIsCorrectedWithANegativeRecordButNeverBelowZero) {
  ASSERT_TRUE(db_->RecordUsage("02E", Period(2018, 6), "payslips", -34, "payroll-2018-06-fix", kActor).value());
  EXPECT_EQ(db_->UsageTotals("02E", Period(2018, 6)).value().at("payslips"), 1200);
  auto too_far = db_->RecordUsage("02E", Period(2018, 6), "payslips", -1201, "payroll-2018-06-fix-2", kActor);
  ASSERT_FALSE(too_far.ok());
  EXPECT_NE(too_far.error().why.find("would leave -1"), std::string::npos);
  EXPECT_EQ(db_->UsageTotals("02E", Period(2018, 6)).value().at("payslips"), 1200);  // unchanged
}

TEST_P(GoldenInvoices, DocumentsAreCheckedAgainstTheFingerprintsTheAuditLogRecorded) {
  InvoiceRunResult r = Run(Period(2018, 6));
  ASSERT_EQ(r.issued.size(), 1u);
  const Invoice& inv = r.issued[0];
  const std::vector<Invoice> docs = db_->Documents("").value();
  EXPECT_TRUE(CheckAgainstAudit(docs, {{inv.number, inv.sha256}}).empty());
  auto missing = CheckAgainstAudit(docs, {});
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_NE(missing[0].find("not in the audit log"), std::string::npos);
  auto changed = CheckAgainstAudit(docs, {{inv.number, std::string(64, '0')}});
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_NE(changed[0].find("differs"), std::string::npos);
  auto gone = CheckAgainstAudit(docs, {{inv.number, inv.sha256}, {"INV-000002", std::string(64, 'a')}});
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_NE(gone[0].find("no longer in the billing database"), std::string::npos);
}

// Two nodes (two connections) run the same year's invoices at once, one
// from April and one from March backwards, for three CCGs: every CCG's month
// is invoiced exactly once and the numbers are 1..36 with no gap and no
// repeat (docs/billing.md, "Numbering"; on PostgreSQL under
// store::kBillingWriteLock, docs/server-mode.md).
TEST_P(InvoiceNumbers, TwoNodesIssuingAtOnceKeepTheNumbersGaplessAndUnique) {
  auto setup = OpenStore();
  ASSERT_TRUE(setup.ok()) << setup.error().ToString();
  ASSERT_TRUE(setup.value()->AddVersions(ReadCatalogueFile(kGolden + "catalogue.csv").value(), kActor).ok());
  for (const char* ccg : {"02E", "12F", "27D"})
    ASSERT_TRUE(setup.value()->AddSubscription(Sub(ccg, "BI-CORE", 36), KnownCcg, kActor).ok());
  std::vector<Period> months;
  for (int m = 4; m <= 15; ++m) months.push_back(Period(m <= 12 ? 2018 : 2019, m <= 12 ? m : m - 12));
  auto a = OpenStore();
  auto b = OpenStore();
  ASSERT_TRUE(a.ok() && b.ok());
  std::vector<std::string> errors;
  std::mutex errors_mu;
  std::latch start(2);
  auto node = [&](BillingStore& db, bool backwards) {
    start.arrive_and_wait();
    for (size_t i = 0; i < months.size(); ++i) {
      const Period p = months[backwards ? months.size() - 1 - i : i];
      auto r = RunInvoices(db, refdata::TestRefData(), p, {2000, kToday, false}, {kActor.at, backwards ? "b" : "a"});
      if (!r.ok()) {
        std::lock_guard<std::mutex> lock(errors_mu);
        errors.push_back(r.error().ToString());
      }
    }
  };
  std::thread ta(node, std::ref(*a.value()), false);
  std::thread tb(node, std::ref(*b.value()), true);
  ta.join();
  tb.join();
  EXPECT_TRUE(errors.empty()) << errors.front();
  auto docs = setup.value()->Documents("");
  ASSERT_TRUE(docs.ok()) << docs.error().ToString();
  ASSERT_EQ(docs.value().size(), 36u);
  std::set<std::string> numbers, months_invoiced;
  for (const Invoice& d : docs.value()) {
    numbers.insert(d.number);
    months_invoiced.insert(d.ccg + " " + d.period.ToString());
  }
  EXPECT_EQ(months_invoiced.size(), 36u);  // each CCG's month once
  std::set<std::string> want;
  for (int n = 1; n <= 36; ++n) want.insert("INV-" + std::string(n < 10 ? "00000" : "0000") + std::to_string(n));
  EXPECT_EQ(numbers, want);
  EXPECT_TRUE(setup.value()->Verify().value().empty());
}

TEST(IssueDate, IsTheUkCivilDateOfTheUtcStamp) {
  Invoice inv;
  inv.kind = DocumentKind::kInvoice;
  inv.supplier.payment_days = 30;
  EXPECT_EQ(IssueDate(inv), "");  // not issued
  EXPECT_EQ(DueDate(inv), "");
  inv.issued_at = "2018-07-31T23:30:00Z";  // 00:30 BST on 1 August: July has ended in the UK
  EXPECT_EQ(IssueDate(inv), "2018-08-01");
  EXPECT_EQ(DueDate(inv), "2018-08-31");
  const std::string text = InvoiceText(inv);  // every format shows the UK date as the tax point
  EXPECT_NE(text.find("Date and tax point 2018-08-01"), std::string::npos) << text;
  EXPECT_NE(text.find("Payment due 2018-08-31"), std::string::npos) << text;
  EXPECT_NE(InvoiceHtml(inv, "").find("<dd>2018-08-01</dd>"), std::string::npos);
  inv.issued_at = "2018-12-31T23:30:00Z";  // GMT: the same day
  EXPECT_EQ(IssueDate(inv), "2018-12-31");
  EXPECT_EQ(DueDate(inv), "2019-01-30");
}

}  // namespace
}  // namespace csu::billing
