#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "contracts/contract.h"
#include "contracts/contract_file.h"
#include "contracts/contract_store.h"
#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"
#include "pricing/price.h"
#include "refdata/refdata_for_tests.h"
#include "store/sql.h"
#include "store/sqlite_db.h"
#include "store/store_testing.h"

namespace csu::contracts {
namespace {

using pricing::Pod;

TEST(ContractPlan, MonthsAddUpExactlyToTheYear) {
  // 1,000 spells flat: 83.33 a month; cumulative rounding gives 83 83 84 ...
  PlanLine l{Pod::kNonElective, 1000, Money::FromPence(100'000'01), kFlatProfile};
  EXPECT_EQ(l.CumulativeActivity(1), 83);   // 83.33
  EXPECT_EQ(l.CumulativeActivity(2), 167);  // 166.67
  EXPECT_EQ(l.CumulativeActivity(3), 250);
  EXPECT_EQ(l.MonthActivity(2), 84);
  int64_t activity = 0, pence = 0;
  for (int m = 1; m <= 12; ++m) {
    activity += l.MonthActivity(m);
    pence += l.MonthValue(m).pence();
  }
  EXPECT_EQ(activity, 1000);
  EXPECT_EQ(pence, 100'000'01);
  // £100,000.01 / 12 = £8,333.33417: month 1 rounds to £8,333.33, 6 months to £50,000.01 (50,000.005 half away).
  EXPECT_EQ(l.CumulativeValue(1).pence(), 833'333);
  EXPECT_EQ(l.CumulativeValue(6).pence(), 5'000'001);
}

TEST(ContractPlan, ProfileWeightsShapeTheMonths) {
  Profile winter = {1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2};  // 16 parts; Dec-Mar double
  PlanLine l{Pod::kNonElective, 1600, Money::FromPence(160'000), winter};
  EXPECT_EQ(l.MonthActivity(1), 100);
  EXPECT_EQ(l.MonthActivity(9), 200);
  EXPECT_EQ(l.CumulativeActivity(12), 1600);
  EXPECT_EQ(l.CumulativeValue(8).pence(), 80'000);
  Profile late = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  PlanLine z{Pod::kElective, 7, Money::FromPence(700), late};
  EXPECT_EQ(z.CumulativeActivity(11), 0);
  EXPECT_EQ(z.MonthActivity(12), 7);
}

TEST(ContractPlan, ParsePodKnowsEveryCode) {
  EXPECT_EQ(ParsePod("NEL"), Pod::kNonElective);
  EXPECT_EQ(ParsePod("OPFUP"), Pod::kOpFollowUp);
  EXPECT_EQ(ParsePod("AE"), Pod::kAe);
  EXPECT_FALSE(ParsePod("nel"));
  EXPECT_FALSE(ParsePod(""));
}

class ContractFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    std::filesystem::create_directories(dir_.path());
    std::string path = dir_.path() + "/plans.csv";
    std::ofstream(path) << text;
    return path;
  }
  Result<std::vector<Contract>> Read(const std::string& text) {
    return ReadContractsFile(Write(text), refdata::TestRefData());
  }
  store::testing::ScratchDir dir_{"contracts"};
};

const char kHeader[] = "commissioner,provider,financial_year,pod,plan_activity,plan_value,profile,mret_baseline,mret_rate_percent\n";

TEST_F(ContractFileTest, ReadsContractsWithTheirLinesAndSettings) {
  auto r = Read(std::string(kHeader) +
                "02E,RRK,2018/19,NEL,9800,21400000.00,flat,18000000,65\n"
                "02E,RRK,2018/19,EL,4200,11950000.50,,,\n"
                "02E,RR1,2018-19,OPFA,100,15000,8;8;8;8;8;8;8;8;9;9;9;9,,\n");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(r.value().size(), 2u);
  // Ordered by commissioner, provider: RR1 before RRK.
  const Contract& rr1 = r.value()[0];
  EXPECT_EQ(rr1.provider.view(), "RR1");
  EXPECT_FALSE(rr1.mret_baseline);
  EXPECT_EQ(rr1.lines[0].profile[8], 9000);
  const Contract& rrk = r.value()[1];
  ASSERT_EQ(rrk.lines.size(), 2u);
  EXPECT_EQ(rrk.lines[0].pod, Pod::kElective);  // POD order
  EXPECT_EQ(rrk.lines[0].value.pence(), 11'950'000'50);
  EXPECT_EQ(rrk.mret_baseline->pence(), 18'000'000'00);
  EXPECT_EQ(rrk.mret_rate_percent, 65);
  EXPECT_TRUE(rrk.readmission_rule);
}

TEST_F(ContractFileTest, RefusesBadFilesNamingLineAndReason) {
  struct Case {
    std::string body;
    std::string expect;
  } cases[] = {
      {"XXX,RRK,2018/19,NEL,1,1,,,\n", "plans.csv:2: commissioner: XXX is not a CCG"},
      {"02E,ZZZ,2018/19,NEL,1,1,,,\n", "plans.csv:2: provider: ZZZ is not an NHS trust"},
      {"02E,RRK,2018/20,NEL,1,1,,,\n", "plans.csv:2: financial_year"},
      {"02E,RRK,2018/19,XYZ,1,1,,,\n", "plans.csv:2: pod: \"XYZ\" is not one of"},
      {"02E,RRK,2018/19,NEL,-4,1,,,\n", "plans.csv:2: plan_activity"},
      {"02E,RRK,2018/19,NEL,4,12.345,,,\n", "plans.csv:2: plan_value"},
      {"02E,RRK,2018/19,NEL,4,12,1;2;3,,\n", "plans.csv:2: profile: expected"},
      {"02E,RRK,2018/19,NEL,4,12,0;0;0;0;0;0;0;0;0;0;0;0,,\n", "plans.csv:2: profile: every weight is zero"},
      {"02E,RRK,2018/19,NEL,4,12,,,101\n", "plans.csv:2: mret_rate_percent"},
      {"02E,RRK,2018/19,NEL,4,12,,,\n02E,RRK,2018/19,NEL,5,13,,,\n", "plans.csv:3: pod: NEL appears twice"},
      {"02E,RRK,2018/19,NEL,4,12,,100,\n02E,RRK,2018/19,EL,5,13,,200,\n", "plans.csv:3: mret_baseline: differs"},
  };
  for (const Case& c : cases) {
    auto r = Read(std::string(kHeader) + c.body);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_NE(r.error().ToString().find(c.expect), std::string::npos) << r.error().ToString();
  }
  auto unknown = Read("commissioner,provider,financial_year,pod,plan_activity,plan_value,profil\n02E,RRK,2018/19,NEL,1,1,flat\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().why.find("unknown column \"profil\""), std::string::npos);
  auto empty = Read(kHeader);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().why.find("has no data rows"), std::string::npos);
}

// A 2018/19 contract of 02E with `provider` for `activity` NEL spells at
// £2,500 each.
Contract NelContract(const char* provider, int64_t activity) {
  Contract c;
  c.commissioner = OdsCode::Parse("02E").value();
  c.provider = OdsCode::Parse(provider).value();
  c.year = FinancialYear(2018);
  c.lines.push_back(PlanLine{Pod::kNonElective, activity, Money::FromPence(activity * 250'000), kFlatProfile});
  return c;
}

// The store's tests run on SQLite (a state folder) and on PostgreSQL (server
// mode, a fresh schema per test) when CSU_TEST_POSTGRES_URL names a server.
class ContractStoreTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.path());
    if (std::string(GetParam()) == "postgresql") {
      CSU_PG_TEST_SCHEMA(pg_);
    }
  }
  // A new connection each time: "reopen" is another node on PostgreSQL.
  Result<std::unique_ptr<ContractStore>> Open() {
    if (!pg_) return ContractStore::Open(dir_.path());
    CSU_ASSIGN_OR_RETURN(db, pg::Connect(pg_->url()));
    return ContractStore::OpenServer(std::move(db));
  }
  store::testing::ScratchDir dir_{"contract-store"};
  std::optional<pg::TestSchema> pg_;
};
std::string BackendName(const ::testing::TestParamInfo<const char*>& i) { return i.param; }
INSTANTIATE_TEST_SUITE_P(Backends, ContractStoreTest, ::testing::Values("sqlite", "postgresql"), BackendName);

TEST_P(ContractStoreTest, ReplaceKeepsOtherContractsAndSurvivesReopen) {
  Provenance from{"2026-11-22T10:00:00Z", "analyst", "abc"};
  {
    auto db = Open();
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    auto n = db.value()->Replace({NelContract("RRK", 100), NelContract("RR1", 50)}, from);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n.value(), 0);
    Contract rrk = NelContract("RRK", 120);
    rrk.lines.push_back(PlanLine{Pod::kElective, 10, Money::FromPence(10), {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}});
    rrk.mret_baseline = Money::FromPence(99);
    rrk.readmission_rule = false;
    n = db.value()->Replace({rrk}, from);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n.value(), 1);
  }
  auto db = Open();
  ASSERT_TRUE(db.ok());
  auto year = db.value()->Contracts(FinancialYear(2018));
  ASSERT_TRUE(year.ok()) << year.error().ToString();
  ASSERT_EQ(year.value().size(), 2u);
  EXPECT_EQ(year.value()[0].provider.view(), "RR1");
  EXPECT_EQ(year.value()[0].lines[0].activity, 50);
  const Contract& rrk = year.value()[1];
  ASSERT_EQ(rrk.lines.size(), 2u);
  EXPECT_EQ(rrk.Find(Pod::kNonElective)->activity, 120);
  EXPECT_EQ(rrk.Find(Pod::kElective)->profile[11], 12);
  EXPECT_EQ(rrk.mret_baseline->pence(), 99);
  EXPECT_FALSE(rrk.readmission_rule);
  EXPECT_TRUE(db.value()->Contracts(FinancialYear(2017)).value().empty());
  auto years = db.value()->Years();
  ASSERT_EQ(years.value().size(), 1u);
}

// Every stored figure of a year's contracts, one string per plan line.
std::vector<std::string> Summary(const std::vector<Contract>& contracts) {
  std::vector<std::string> out;
  for (const Contract& c : contracts)
    for (const PlanLine& l : c.lines)
      out.push_back(std::string(c.commissioner.view()) + " " + std::string(c.provider.view()) + " " +
                    std::string(pricing::PodCode(l.pod)) + " " + std::to_string(l.activity) + " " +
                    std::to_string(l.value.pence()));
  return out;
}

TEST_P(ContractStoreTest, AReplaceThatFailsPartWayLeavesTheStoredContractsUnchanged) {
  // A load lands whole or not at all (docs/formats/contracts-v1.md, "Rules"):
  // here the first contract's replacement is written, then the second
  // contract's repeated POD breaks the plan lines' primary key, and the
  // first replacement must be undone with it.
  Provenance from{"2026-11-22T10:00:00Z", "analyst", "abc"};
  auto db = Open();
  ASSERT_TRUE(db.ok()) << db.error().ToString();
  ASSERT_TRUE(db.value()->Replace({NelContract("RRK", 100), NelContract("RR1", 50)}, from).ok());
  const std::vector<std::string> before = Summary(db.value()->Contracts(FinancialYear(2018)).value());
  ASSERT_EQ(before, (std::vector<std::string>{"02E RR1 NEL 50 12500000", "02E RRK NEL 100 25000000"}));

  Contract broken = NelContract("RTD", 7);
  broken.lines.push_back(broken.lines[0]);  // NEL twice: the database refuses the second
  auto r = db.value()->Replace({NelContract("RRK", 999), NelContract("RR1", 1), broken}, from);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(Summary(db.value()->Contracts(FinancialYear(2018)).value()), before);
  // And so after a reopen, from what is on disk.
  db.value().reset();
  auto reopened = Open();
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(Summary(reopened.value()->Contracts(FinancialYear(2018)).value()), before);
}

TEST_P(ContractStoreTest, ChallengeLogKeepsTheLatestStatusAndWantsAReason) {
  auto db = Open();
  ASSERT_TRUE(db.ok());
  ContractStore& s = *db.value();
  EXPECT_FALSE(s.SetChallengeStatus("dup:apc:1:2", "02E", ChallengeStatus::kAgreed, "  ", "t", "a").ok());
  ASSERT_TRUE(s.SetChallengeStatus("dup:apc:1:2", "02E", ChallengeStatus::kRejected, "coding correct", "t1", "a").ok());
  ASSERT_TRUE(s.SetChallengeStatus("dup:apc:1:2", "02E", ChallengeStatus::kAgreed, "provider accepts", "t2", "b").ok());
  auto st = s.ChallengeStatuses();
  ASSERT_TRUE(st.ok());
  ASSERT_EQ(st.value().size(), 1u);
  EXPECT_EQ(st.value().at("dup:apc:1:2").status, ChallengeStatus::kAgreed);
  EXPECT_EQ(st.value().at("dup:apc:1:2").actor, "b");
}

TEST_P(ContractStoreTest, TheChallengeLogIsAppendOnlyAndSharedWithEveryOpener) {
  auto a = Open();
  auto b = Open();  // another node on PostgreSQL, another connection to the file on SQLite
  ASSERT_TRUE(a.ok() && b.ok()) << (a.ok() ? b.error().ToString() : a.error().ToString());
  ASSERT_TRUE(a.value()->SetChallengeStatus("dup:apc:7:8", "02E", ChallengeStatus::kRejected, "coded right", "t1", "x").ok());
  auto seen = b.value()->ChallengeStatuses();
  ASSERT_TRUE(seen.ok()) << seen.error().ToString();
  ASSERT_EQ(seen.value().count("dup:apc:7:8"), 1u);
  EXPECT_EQ(seen.value().at("dup:apc:7:8").note, "coded right");
  // Underneath the store: the database itself refuses to change or remove an entry.
  std::unique_ptr<store::SqlConnection> raw;
  if (pg_) {
    auto c = pg::Connect(pg_->url());
    ASSERT_TRUE(c.ok()) << c.error().ToString();
    raw = std::move(c).value();
  } else {
    auto c = store::SqliteDb::Open(dir_.path() + "/commissioning.sqlite", "");
    ASSERT_TRUE(c.ok()) << c.error().ToString();
    raw = std::make_unique<store::SqliteConnection>(std::move(c).value());
  }
  Status up = raw->Exec("UPDATE challenge_log SET note = 'rewritten'");
  ASSERT_FALSE(up.ok());
  EXPECT_NE(up.error().ToString().find("append-only"), std::string::npos) << up.error().ToString();
  EXPECT_FALSE(raw->Exec("DELETE FROM challenge_log").ok());
  if (pg_) {
    EXPECT_FALSE(raw->Exec("TRUNCATE challenge_log").ok());
  }
  EXPECT_EQ(b.value()->ChallengeStatuses().value().at("dup:apc:7:8").note, "coded right");
}

TEST_P(ContractStoreTest, AServerEntryCarriesItsCommissionerAndOnlyAMissingOneMayBeFilledIn) {
  auto db = Open();
  ASSERT_TRUE(db.ok()) << db.error().ToString();
  EXPECT_FALSE(db.value()->SetChallengeStatus("dup:apc:1:2", "", ChallengeStatus::kRaised, "", "t", "a").ok());
  ASSERT_TRUE(db.value()->SetChallengeStatus("dup:apc:1:2", "02E", ChallengeStatus::kRaised, "", "t", "a").ok());
  if (!pg_) {
    // A state folder's log has no commissioner column and nothing to name.
    EXPECT_TRUE(db.value()->ChallengesWithoutCcg().value().empty());
    EXPECT_EQ(db.value()->NameChallengeCcgs({{"dup:apc:1:2", "02E"}}).value(), 0);
    return;
  }
  auto raw = pg::Connect(pg_->url());
  ASSERT_TRUE(raw.ok()) << raw.error().ToString();
  store::SqlConnection& sql = *raw.value();
  auto text = [&](const std::string& q) {
    auto st = sql.Prepare(q);
    EXPECT_TRUE(st.ok()) << q;
    if (!st.ok()) return std::string("?");
    auto row = st.value().Step();
    return row.ok() && row.value() ? (st.value().IsNull(0) ? std::string("NULL") : st.value().Text(0)) : std::string("-");
  };
  EXPECT_EQ(text("SELECT ccg FROM challenge_log WHERE challenge = 'dup:apc:1:2'"), "02E");
  // Entries written without one (before schema version 2, or moved from a folder).
  ASSERT_TRUE(sql.Exec("INSERT INTO challenge_log(challenge, status, note, at, actor) VALUES "
                       "('dup:op:3:4', 'agreed', 'coded twice', 't', 'carol'), "
                       "('dup:op:3:4', 'rejected', 'after all', 't2', 'carol'), "
                       "('fu-ratio:12F:RBT:100:2018', 'raised', '', 't', 'bob')")
                  .ok());
  EXPECT_EQ(db.value()->ChallengesWithoutCcg().value(),
            (std::vector<std::string>{"dup:op:3:4", "fu-ratio:12F:RBT:100:2018"}));
  // Naming a missing commissioner changes nothing else...
  Status changed = sql.Exec("UPDATE challenge_log SET ccg = '12F', note = 'rewritten' WHERE challenge = 'dup:op:3:4'");
  ASSERT_FALSE(changed.ok());
  EXPECT_NE(changed.error().ToString().find("append-only"), std::string::npos) << changed.error().ToString();
  auto named = db.value()->NameChallengeCcgs({{"dup:op:3:4", "05D"}});
  ASSERT_TRUE(named.ok()) << named.error().ToString();
  EXPECT_EQ(named.value(), 2);
  EXPECT_EQ(db.value()->ChallengesWithoutCcg().value(), (std::vector<std::string>{"fu-ratio:12F:RBT:100:2018"}));
  EXPECT_EQ(text("SELECT string_agg(ccg || ':' || note, ',' ORDER BY seq) FROM challenge_log WHERE challenge = 'dup:op:3:4'"),
            "05D:coded twice,05D:after all");
  // ...and a named one cannot be renamed, nor emptied.
  EXPECT_FALSE(sql.Exec("UPDATE challenge_log SET ccg = '12F' WHERE challenge = 'dup:op:3:4'").ok());
  EXPECT_FALSE(sql.Exec("UPDATE challenge_log SET ccg = NULL WHERE challenge = 'dup:apc:1:2'").ok());
  EXPECT_EQ(db.value()->NameChallengeCcgs({{"dup:apc:1:2", "12F"}}).value(), 0);
  EXPECT_EQ(text("SELECT ccg FROM challenge_log WHERE challenge = 'dup:apc:1:2'"), "02E");
}

TEST_P(ContractStoreTest, AVersionOneServerDatabaseIsUpgradedKeepingItsEntries) {
  if (!pg_) GTEST_SKIP() << "the upgrade is server mode's (a state folder's log is unchanged)";
  auto raw = pg::Connect(pg_->url());
  ASSERT_TRUE(raw.ok()) << raw.error().ToString();
  // The tables as schema version 1 made them (docs/store-format.md §10a before
  // the commissioner column), with one entry.
  ASSERT_TRUE(raw.value()->Exec(R"sql(
CREATE TABLE commissioning_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO commissioning_meta VALUES ('schema_version', '1');
CREATE TABLE contracts(
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  commissioner TEXT COLLATE "C" NOT NULL, provider TEXT COLLATE "C" NOT NULL, year BIGINT NOT NULL,
  mret_baseline_pence BIGINT, mret_rate_percent BIGINT NOT NULL, readmission_rule BIGINT NOT NULL,
  loaded_at TEXT NOT NULL, loaded_by TEXT NOT NULL, source_sha256 TEXT NOT NULL,
  UNIQUE(commissioner, provider, year));
CREATE TABLE plan_lines(
  contract_id BIGINT NOT NULL REFERENCES contracts(id) ON DELETE CASCADE, pod TEXT COLLATE "C" NOT NULL,
  activity BIGINT NOT NULL, value_pence BIGINT NOT NULL, profile TEXT NOT NULL, PRIMARY KEY(contract_id, pod));
CREATE TABLE challenge_log(
  seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, challenge TEXT COLLATE "C" NOT NULL,
  status TEXT NOT NULL, note TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL);
CREATE INDEX challenge_log_by_id ON challenge_log(challenge, seq);
CREATE FUNCTION challenge_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN RAISE EXCEPTION 'the challenge log is append-only'; END $$;
CREATE TRIGGER challenge_log_no_change BEFORE UPDATE OR DELETE ON challenge_log
  FOR EACH ROW EXECUTE FUNCTION challenge_log_append_only();
CREATE TRIGGER challenge_log_no_truncate BEFORE TRUNCATE ON challenge_log
  FOR EACH STATEMENT EXECUTE FUNCTION challenge_log_append_only();
INSERT INTO challenge_log(challenge, status, note, at, actor) VALUES ('dup:apc:1:2', 'agreed', 'coded twice', 't', 'carol');
)sql")
                  .ok());
  auto db = Open();
  ASSERT_TRUE(db.ok()) << db.error().ToString();
  auto kept = db.value()->ChallengeStatuses();
  ASSERT_TRUE(kept.ok()) << kept.error().ToString();
  EXPECT_EQ(kept.value().at("dup:apc:1:2").note, "coded twice");
  EXPECT_EQ(db.value()->ChallengesWithoutCcg().value(), (std::vector<std::string>{"dup:apc:1:2"}));
  EXPECT_EQ(db.value()->NameChallengeCcgs({{"dup:apc:1:2", "02E"}}).value(), 1);
  ASSERT_TRUE(db.value()->SetChallengeStatus("dup:apc:1:2", "02E", ChallengeStatus::kRejected, "no", "t2", "a").ok());
  EXPECT_FALSE(raw.value()->Exec("UPDATE challenge_log SET note = 'rewritten'").ok());
  auto version = raw.value()->Prepare("SELECT value FROM commissioning_meta WHERE key = 'schema_version'");
  ASSERT_TRUE(version.ok());
  ASSERT_TRUE(version.value().Step().value());
  EXPECT_EQ(version.value().Text(0), "2");
  // Opened again: already at version 2, nothing to do.
  EXPECT_TRUE(Open().ok());
}

TEST_P(ContractStoreTest, TwoOpenersStartingTogetherCreateTheSchemaOnce) {
  // Two nodes starting at once on an empty database: the commissioning lock
  // makes one create the tables and the other find them.
  Result<std::unique_ptr<ContractStore>> first = MakeError("test", "not run"), second = MakeError("test", "not run");
  std::thread t1([&] { first = Open(); });
  std::thread t2([&] { second = Open(); });
  t1.join();
  t2.join();
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  ASSERT_TRUE(first.value()->SetChallengeStatus("c1", "02E", ChallengeStatus::kRaised, "", "t", "a").ok());
  EXPECT_EQ(second.value()->ChallengeStatuses().value().size(), 1u);
}

}  // namespace
}  // namespace csu::contracts
