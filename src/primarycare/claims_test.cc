// Enhanced-service claims worked by hand (docs/primary-care.md, "Enhanced
// services: schemes and claims"). The scheme throughout: CCG 01X's local
// anticoagulation monitoring service LES-ANTICOAG, £7.50 (750p) per item,
// monthly claims from April 2024 to March 2025, at most 400 items a claim.
#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "primarycare/claims.h"
#include "primarycare/claims_schedule_source.h"
#include "primarycare/claims_store.h"
#include "primarycare/pc_store.h"
#include "pg/pg_for_tests.h"
#include "store/sql.h"
#include "store/sqlite_db.h"

namespace csu::primarycare {
namespace {

Scheme Anticoag() {
  Scheme s;
  s.ccg = "01x";
  s.code = "les-anticoag";
  s.name = "Anticoagulation monitoring";
  s.kind = SchemeKind::kLocal;
  s.specification = "INR monitoring in the practice for patients on warfarin.";
  s.rule = PaymentRule::kItemOfService;
  s.fee_pence = 750;
  s.window_from = Date::FromYmd(2024, 4, 1);
  s.window_to = Date::FromYmd(2025, 3, 31);
  s.frequency = ClaimFrequency::kMonthly;
  s.max_units_per_claim = 400;
  s.evidence = "A list of INR tests by date from the clinical system, kept for audit.";
  return s;
}

TEST(ClaimRules, SchemeIsNormalisedAndEveryFieldChecked) {
  Scheme s = Anticoag();
  ASSERT_TRUE(ValidateScheme(s).ok());
  EXPECT_EQ(s.ccg, "01X");
  EXPECT_EQ(s.code, "LES-ANTICOAG");
  Scheme bad = Anticoag();
  bad.fee_pence = 0;
  EXPECT_EQ(ValidateScheme(bad).error().where, "fee");
  bad = Anticoag();
  bad.window_to = Date::FromYmd(2024, 3, 31);
  EXPECT_EQ(ValidateScheme(bad).error().where, "claim window");
  bad = Anticoag();
  bad.code = "LES ANTICOAG";
  EXPECT_EQ(ValidateScheme(bad).error().where, "scheme code");
  bad = Anticoag();
  bad.max_units_per_claim = 0;
  EXPECT_EQ(ValidateScheme(bad).error().where, "cap");
  bad = Anticoag();
  bad.evidence = "  ";
  EXPECT_EQ(ValidateScheme(bad).error().where, "evidence required");
  bad = Anticoag();
  bad.name = std::string("a\x01");
  EXPECT_EQ(ValidateScheme(bad).error().where, "scheme name");
  bad = Anticoag();
  bad.specification = std::string("\xC0\xAF");  // overlong "/": not UTF-8
  EXPECT_EQ(ValidateScheme(bad).error().where, "specification");
}

TEST(ClaimRules, PeriodsAreMonthsOrFinancialQuarters) {
  auto m = ParseClaimPeriod("2024-02", ClaimFrequency::kMonthly);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m.value().first.ToString(), "2024-02-01");
  EXPECT_EQ(m.value().last.ToString(), "2024-02-29");  // a leap year
  auto q = ParseClaimPeriod("2024-07", ClaimFrequency::kQuarterly);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q.value().last.ToString(), "2024-09-30");
  EXPECT_EQ(q.value().label, "2024-07..2024-09");
  auto q4 = ParseClaimPeriod("2025-01", ClaimFrequency::kQuarterly);
  ASSERT_TRUE(q4.ok());
  EXPECT_EQ(q4.value().last.ToString(), "2025-03-31");
  EXPECT_FALSE(ParseClaimPeriod("2024-05", ClaimFrequency::kQuarterly).ok());  // not a quarter's first month
  EXPECT_FALSE(ParseClaimPeriod("2024-13", ClaimFrequency::kMonthly).ok());
  EXPECT_FALSE(ParseClaimPeriod("2024-5", ClaimFrequency::kMonthly).ok());
  EXPECT_FALSE(ParseClaimPeriod("24-05-01", ClaimFrequency::kMonthly).ok());
}

TEST(ClaimRules, WindowCapAndListAreChecked) {
  Scheme s = Anticoag();
  ASSERT_TRUE(ValidateScheme(s).ok());
  auto may = ParseClaimPeriod("2024-05", s.frequency).value();
  EXPECT_TRUE(CheckClaim(s, may, 400, std::nullopt).ok());  // exactly the cap
  Status over = CheckClaim(s, may, 401, std::nullopt);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().why, "401 is above the scheme's cap of 400 units a claim");
  EXPECT_FALSE(CheckClaim(s, may, 0, std::nullopt).ok());
  // March 2024 ends before the window opens; April 2025 starts after it shuts.
  EXPECT_EQ(CheckClaim(s, ParseClaimPeriod("2024-03", s.frequency).value(), 1, std::nullopt).error().where, "period");
  EXPECT_EQ(CheckClaim(s, ParseClaimPeriod("2025-04", s.frequency).value(), 1, std::nullopt).error().where, "period");
  EXPECT_TRUE(CheckClaim(s, ParseClaimPeriod("2025-03", s.frequency).value(), 1, std::nullopt).ok());
  // A window that ends mid-month does not cover that month.
  Scheme mid = s;
  mid.window_to = Date::FromYmd(2025, 3, 15);
  EXPECT_FALSE(CheckClaim(mid, ParseClaimPeriod("2025-03", s.frequency).value(), 1, std::nullopt).ok());

  Scheme per = s;
  per.rule = PaymentRule::kPerRegisteredPatient;
  per.max_units_per_claim = 20000;
  EXPECT_TRUE(CheckClaim(per, may, 8000, 8000).ok());
  EXPECT_FALSE(CheckClaim(per, may, 8001, 8000).ok());
  EXPECT_FALSE(CheckClaim(per, may, 10, std::nullopt).ok());  // the list is unknown: refused, not guessed
}

TEST(ClaimRules, MoneyIsUnitsTimesFeeExactly) {
  Scheme s = Anticoag();
  // 120 × 750p = 90,000p = £900.00.
  auto m = PriceClaim(s, 120);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m.value().pence, 90000);
  EXPECT_EQ(m.value().explanation, "120 units × £7.50 = £900.00");
  // Per registered patient: 7,431 patients × 37p = 274,947p = £2,749.47.
  Scheme per = s;
  per.rule = PaymentRule::kPerRegisteredPatient;
  per.fee_pence = 37;
  auto p = PriceClaim(per, 7431);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value().pence, 274947);
  EXPECT_EQ(p.value().explanation, "7,431 registered patients × £0.37 = £2,749.47");
}

struct AuditEntry {
  std::string actor, action, subject, details;
};

// The store's tests run on SQLite (a state folder) and on PostgreSQL (server
// mode, a fresh schema per test) when CSU_TEST_POSTGRES_URL names a server.
class ClaimsStoreTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : name)
      if (c == '/') c = '-';
    dir_ = std::filesystem::temp_directory_path() / ("csu-claims-" + name);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    if (std::string(GetParam()) == "postgresql") {
      CSU_PG_TEST_SCHEMA(pg_);
    }
    auto db = Open([this](const std::string& actor, const std::string& action, const std::string& subject,
                          const std::string& details) {
      std::lock_guard<std::mutex> lock(audit_mutex_);
      audit_.push_back({actor, action, subject, details});
      return Status::Ok();
    });
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->AddScheme(Anticoag(), team_).ok());
  }
  // A new connection each time: on PostgreSQL another node.
  Result<std::unique_ptr<ClaimsStore>> Open(ClaimsAuditFn audit) {
    if (!pg_) return ClaimsStore::Open(dir_.string(), std::move(audit));
    CSU_ASSIGN_OR_RETURN(db, pg::Connect(pg_->url()));
    return ClaimsStore::OpenServer(std::move(db), std::move(audit));
  }
  Result<std::unique_ptr<ClaimsStore>> OpenQuiet() {
    return Open([](auto&&...) { return Status::Ok(); });
  }
  Result<std::unique_ptr<PcStore>> OpenPc() {
    if (!pg_) return PcStore::Open(dir_.string());
    CSU_ASSIGN_OR_RETURN(db, pg::Connect(pg_->url()));
    return PcStore::OpenServer(std::move(db));
  }
  std::optional<pg::TestSchema> pg_;
  std::mutex audit_mutex_;
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  NewClaim Claim(std::string practice, std::string period, int64_t units) {
    return NewClaim{"LES-ANTICOAG", std::move(practice), std::move(period), units, "INR list attached", std::nullopt};
  }
  std::filesystem::path dir_;
  std::unique_ptr<ClaimsStore> db_;
  std::vector<AuditEntry> audit_;
  ClaimsActor team_{"2024-06-03T09:00:00Z", "pc.team"};
  ClaimsActor a81001_{"2024-06-04T10:00:00Z", "a81001.manager"};
  ClaimScope ccg_{"01X", ""};
  ClaimScope p1_{"01X", "A81001"};
  ClaimScope p2_{"01X", "A81002"};
};

std::string BackendName(const ::testing::TestParamInfo<const char*>& i) { return i.param; }
INSTANTIATE_TEST_SUITE_P(Backends, ClaimsStoreTest, ::testing::Values("sqlite", "postgresql"), BackendName);

TEST_P(ClaimsStoreTest, ClaimQueryAnswerApproveIsPaidAndEveryStepAudited) {
  auto id = db_->Submit(p1_, Claim("A81001", "2024-05", 130), a81001_);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  ASSERT_TRUE(db_->Query(ccg_, id.value(), "130 tests for 52 patients is high: please confirm.", team_).ok());
  // Approval waits for the answer.
  EXPECT_FALSE(db_->Approve(ccg_, id.value(), team_).ok());
  ASSERT_TRUE(db_->Answer(p1_, id.value(), "Ten were duplicates; 120 tests.", 120, std::nullopt, a81001_).ok());
  ClaimsActor approve{"2024-07-02T11:00:00Z", "pc.team"};
  ASSERT_TRUE(db_->Approve(ccg_, id.value(), approve).ok());
  auto row = db_->FindClaim(p1_, id.value()).value();
  ASSERT_TRUE(row);
  EXPECT_EQ(row->state, ClaimState::kApproved);
  EXPECT_EQ(row->amount_pence, 90000);  // 120 × 750p
  EXPECT_EQ(row->payment_month, "2024-07");
  // The schedule's hook: July's lines hold it, June's do not.
  auto july = db_->ApprovedClaimLines("01X", "2024-07").value();
  ASSERT_EQ(july.size(), 1u);
  EXPECT_EQ(july[0].amount_pence, 90000);
  EXPECT_EQ(july[0].explanation, "LES-ANTICOAG 2024-05: 120 units × £7.50 = £900.00 (claim " + std::to_string(id.value()) + ")");
  EXPECT_TRUE(db_->ApprovedClaimLines("01X", "2024-06").value().empty());
  // Approved is final.
  EXPECT_FALSE(db_->Reject(ccg_, id.value(), "changed my mind", team_).ok());
  // One audit entry per state change, in order; plus the scheme's.
  std::vector<std::string> actions;
  for (const auto& e : audit_) actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"primary_care.scheme.add", "primary_care.claim.submit",
                                               "primary_care.claim.query", "primary_care.claim.answer",
                                               "primary_care.claim.approve"}));
  EXPECT_EQ(audit_[4].subject, "ccg 01X claim " + std::to_string(id.value()));
  EXPECT_NE(audit_[4].details.find("\"amount_pence\":90000"), std::string::npos);
  EXPECT_EQ(db_->History(p1_, id.value()).value().size(), 4u);
}

TEST_P(ClaimsStoreTest, RefusalsSayWhyAndChangeNothing) {
  auto first = db_->Submit(p1_, Claim("A81001", "2024-05", 100), a81001_);
  ASSERT_TRUE(first.ok());
  const size_t audited = audit_.size();
  auto dup = db_->Submit(p1_, Claim("A81001", "2024-05", 90), a81001_);
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().why.find("already has claim"), std::string::npos);
  EXPECT_EQ(db_->Submit(p1_, Claim("A81001", "2025-04", 10), a81001_).error().where, "period");
  EXPECT_EQ(db_->Submit(p1_, Claim("A81001", "2024-06", 401), a81001_).error().where, "units");
  EXPECT_EQ(db_->Submit(p1_, Claim("A81001", "2024-06", 0), a81001_).error().where, "units");
  EXPECT_EQ(db_->Submit(p1_, NewClaim{"NOPE", "A81001", "2024-06", 1, "", std::nullopt}, a81001_).error().where,
            "scheme");
  // A practice claims only for itself.
  EXPECT_EQ(db_->Submit(p1_, Claim("A81002", "2024-06", 1), a81001_).error().where, "practice");
  EXPECT_EQ(db_->Claims(ccg_).value().size(), 1u);
  EXPECT_EQ(audit_.size(), audited);
  // Rejected with a reason, the period may be claimed again.
  EXPECT_FALSE(db_->Reject(ccg_, first.value(), "  ", team_).ok());  // a reason is required
  ASSERT_TRUE(db_->Reject(ccg_, first.value(), "No INR list was supplied.", team_).ok());
  EXPECT_EQ(db_->FindClaim(ccg_, first.value()).value()->reason, "No INR list was supplied.");
  EXPECT_TRUE(db_->Submit(p1_, Claim("A81001", "2024-05", 100), a81001_).ok());
  // Rejected claims are never paid.
  EXPECT_TRUE(db_->ApprovedClaimLines("01X", "2024-06").value().empty());
}

TEST_P(ClaimsStoreTest, APracticeNeverSeesOrTouchesAnotherPracticesClaims) {
  auto mine = db_->Submit(p1_, Claim("A81001", "2024-05", 100), a81001_).value();
  auto theirs = db_->Submit(p2_, Claim("A81002", "2024-05", 50), a81001_).value();
  auto seen = db_->Claims(p1_).value();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].id, mine);
  EXPECT_FALSE(db_->FindClaim(p1_, theirs).value());
  EXPECT_TRUE(db_->History(p1_, theirs).value().empty());
  // Answering another practice's claim fails exactly as a missing one.
  ASSERT_TRUE(db_->Query(ccg_, theirs, "Which dates?", team_).ok());
  Status s = db_->Answer(p1_, theirs, "nosy", std::nullopt, std::nullopt, a81001_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().why, "no such claim");
  // The CCG team sees both; another CCG sees neither.
  EXPECT_EQ(db_->Claims(ccg_).value().size(), 2u);
  EXPECT_TRUE(db_->Claims({"02Y", ""}).value().empty());
  EXPECT_FALSE(db_->Approve({"02Y", ""}, mine, team_).ok());
}

TEST_P(ClaimsStoreTest, SchemeChangesAreAuditedAndApprovedAmountsNeverMove) {
  auto id = db_->Submit(p1_, Claim("A81001", "2024-05", 10), a81001_).value();
  ASSERT_TRUE(db_->Approve(ccg_, id, team_).ok());
  Scheme dearer = Anticoag();
  dearer.fee_pence = 800;
  ASSERT_TRUE(db_->UpdateScheme(dearer, team_).ok());
  EXPECT_EQ(db_->FindClaim(ccg_, id).value()->amount_pence, 7500);  // 10 × 750p, as approved
  EXPECT_EQ(audit_.back().action, "primary_care.scheme.update");
  EXPECT_FALSE(db_->AddScheme(Anticoag(), team_).ok());  // the code is taken
  Scheme other = Anticoag();
  other.code = "NEW";
  EXPECT_FALSE(db_->UpdateScheme(other, team_).ok());  // no such scheme
}

// A posted schedule never changes: a claim approved in July after July's
// schedule was posted (the practices store's schedule_postings, in the same
// file or schema, posted here from another connection) is paid in August.
TEST_P(ClaimsStoreTest, AnApprovalAfterTheMonthIsPostedIsPaidInTheNextMonth) {
  {
    auto pc = OpenPc();
    ASSERT_TRUE(pc.ok()) << pc.error().ToString();
    ASSERT_TRUE(pc.value()->RecordPosting({"01X", ledger::LedgerPeriod::Parse("2024-07").value(), 1, 0, 0, "", ""}, {}).ok());
    ASSERT_TRUE(pc.value()->RecordPosting({"02Y", ledger::LedgerPeriod::Parse("2024-08").value(), 2, 0, 0, "", ""}, {}).ok());
  }
  auto id = db_->Submit(p1_, Claim("A81001", "2024-05", 10), a81001_).value();
  ASSERT_TRUE(db_->Approve(ccg_, id, {"2024-07-20T10:00:00Z", "pc.team", ""}).ok());
  EXPECT_EQ(db_->FindClaim(ccg_, id).value()->payment_month, "2024-08");
  EXPECT_TRUE(db_->ApprovedClaimLines("01X", "2024-07").value().empty());
  EXPECT_EQ(db_->ApprovedClaimLines("01X", "2024-08").value().size(), 1u);
}

// Nothing is paid for a period before it is over: a claim for May approved
// on a date in April (a platform date behind the claims, as in the demo) is
// paid in May, the period's last month, not April.
TEST_P(ClaimsStoreTest, AnApprovalBeforeThePeriodEndsIsPaidInItsLastMonth) {
  auto id = db_->Submit(p1_, Claim("A81001", "2024-05", 10), a81001_).value();
  ASSERT_TRUE(db_->Approve(ccg_, id, {"2024-04-20T10:00:00Z", "pc.team", ""}).ok());
  EXPECT_EQ(db_->FindClaim(ccg_, id).value()->payment_month, "2024-05");
  auto later = db_->Submit(p1_, Claim("A81001", "2024-06", 10), a81001_).value();
  ASSERT_TRUE(db_->Approve(ccg_, later, {"2024-09-01T10:00:00Z", "pc.team", ""}).ok());
  EXPECT_EQ(db_->FindClaim(ccg_, later).value()->payment_month, "2024-09") << "after the period: the approval's month";
}

TEST_P(ClaimsStoreTest, ReopensAndSharesTheFileWithOtherTables) {
  ASSERT_TRUE(db_->Submit(p1_, Claim("A81001", "2024-05", 10), a81001_).ok());
  db_.reset();
  auto again = OpenQuiet();
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(again.value()->Claims(ccg_).value().size(), 1u);
}

// The payment schedule's seam (schedule_source.h): one enhanced-service
// line per approved claim of the CCG and month, explained; the practices
// store opens the same file beside the claims tables, either first.
TEST_P(ClaimsStoreTest, TheScheduleReadsApprovedClaimsThroughItsSeam) {
  auto id = db_->Submit(p1_, Claim("A81001", "2024-05", 120), a81001_).value();
  ASSERT_TRUE(db_->Approve(ccg_, id, {"2024-07-02T11:00:00Z", "pc.team", ""}).ok());
  ASSERT_TRUE(db_->Submit(p2_, Claim("A81002", "2024-05", 10), a81001_).ok());  // not approved: no line
  auto pc = OpenPc();
  ASSERT_TRUE(pc.ok()) << pc.error().ToString();
  ClaimsScheduleSource source(*db_);
  auto lines = source.ApprovedClaimLines("01X", ledger::LedgerPeriod::Parse("2024-07").value());
  ASSERT_TRUE(lines.ok()) << lines.error().ToString();
  ASSERT_EQ(lines.value().size(), 1u);
  const ScheduleLine& l = lines.value().front();
  EXPECT_EQ(l.practice, "A81001");
  EXPECT_EQ(l.kind, LineKind::kEnhancedService);
  EXPECT_EQ(l.month.ToString(), "2024-07");
  EXPECT_EQ(l.amount_pence, 90000);  // 120 × 750p
  EXPECT_EQ(l.description, "Enhanced service LES-ANTICOAG (Anticoagulation monitoring), 2024-05, claim " +
                               std::to_string(id));
  EXPECT_EQ(l.explanation, "LES-ANTICOAG 2024-05: 120 units × £7.50 = £900.00 (claim " + std::to_string(id) + ")");
  // Asked again, the same lines; another CCG has none.
  EXPECT_EQ(source.ApprovedClaimLines("01X", l.month).value().size(), 1u);
  EXPECT_TRUE(source.ApprovedClaimLines("02Y", l.month).value().empty());
  // And the claims store opens again beside the practices store's tables.
  db_.reset();
  EXPECT_TRUE(OpenQuiet().ok());
}

TEST_P(ClaimsStoreTest, AFailedAuditIsReported) {
  db_.reset();
  auto failing = Open([](auto&&...) { return Status(MakeError("audit", "disk full")); });
  ASSERT_TRUE(failing.ok());
  auto id = failing.value()->Submit(p1_, Claim("A81001", "2024-05", 10), a81001_);
  ASSERT_FALSE(id.ok());
  EXPECT_NE(id.error().why.find("audit entry could not be written"), std::string::npos);
}

// Two nodes (two connections; on SQLite two connections to the file): a
// practice's claim made on one is decided on the other, each step seen by
// the next read on either, and the practice scope holds on both.
TEST_P(ClaimsStoreTest, TwoNodesSeeEachOthersClaimsAndDecisions) {
  auto other = OpenQuiet();
  ASSERT_TRUE(other.ok()) << other.error().ToString();
  ClaimsStore& b = *other.value();
  auto id = db_->Submit(p1_, Claim("A81001", "2024-05", 130), a81001_);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  auto seen = b.FindClaim(ccg_, id.value()).value();
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->state, ClaimState::kSubmitted);
  EXPECT_FALSE(b.FindClaim(p2_, id.value()).value()) << "another practice, on another node";
  ASSERT_TRUE(b.Query(ccg_, id.value(), "Please confirm the count.", team_).ok());
  EXPECT_EQ(db_->FindClaim(p1_, id.value()).value()->question, "Please confirm the count.");
  EXPECT_FALSE(db_->Approve(ccg_, id.value(), team_).ok()) << "queried: waits for the answer on every node";
  ASSERT_TRUE(db_->Answer(p1_, id.value(), "120 tests.", 120, std::nullopt, a81001_).ok());
  ASSERT_TRUE(b.Approve(ccg_, id.value(), {"2024-07-02T11:00:00Z", "pc.team", ""}).ok());
  auto row = db_->FindClaim(p1_, id.value()).value();
  ASSERT_TRUE(row);
  EXPECT_EQ(row->state, ClaimState::kApproved);
  EXPECT_EQ(row->amount_pence, 90000);
  EXPECT_EQ(db_->ApprovedClaimLines("01X", "2024-07").value().size(), 1u);
  EXPECT_FALSE(db_->Reject(ccg_, id.value(), "too late", team_).ok()) << "approved on the other node is final here";
  EXPECT_EQ(db_->History(p1_, id.value()).value().size(), 4u);
}

// Claim numbers under two writers at once (two nodes, a thread each): every
// claim gets its own number, none is lost, and a claim sent to both nodes at
// the same moment is made once; a claim decided on both at once is decided
// once (one approval, one audit entry), the other refused by the state machine.
TEST_P(ClaimsStoreTest, TwoWritersAtOnceNumberClaimsUniquelyAndDecideOnce) {
  auto other = Open([this](const std::string& actor, const std::string& action, const std::string& subject,
                           const std::string& details) {
    std::lock_guard<std::mutex> lock(audit_mutex_);
    audit_.push_back({actor, action, subject, details});
    return Status::Ok();
  });
  ASSERT_TRUE(other.ok()) << other.error().ToString();
  ClaimsStore* nodes[2] = {db_.get(), other.value().get()};
  constexpr int kMonths = 12;  // April 2024 .. March 2025
  auto month = [](int m) {
    const int y = m < 9 ? 2024 : 2025, mm = (m + 3) % 12 + 1;
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04d-%02d", y, mm);
    return std::string(buf);
  };
  std::vector<int64_t> ids[2];
  int duplicates_refused[2] = {0, 0};
  std::string failure[2];
  auto writer = [&](int n) {
    ClaimsStore& db = *nodes[n];
    for (int m = 0; m < kMonths; ++m) {
      // Each node's own practice: always stored.
      auto own = db.Submit(ccg_, Claim(n == 0 ? "A81001" : "A81002", month(m), 10 + m), a81001_);
      if (!own.ok()) {
        failure[n] = own.error().ToString();
        return;
      }
      ids[n].push_back(own.value());
      // The same claim of A81003 from both nodes: made once.
      auto same = db.Submit(ccg_, Claim("A81003", month(m), 5), a81001_);
      if (same.ok()) ids[n].push_back(same.value());
      else if (same.error().why.find("already has claim") != std::string::npos) ++duplicates_refused[n];
      else {
        failure[n] = same.error().ToString();
        return;
      }
    }
  };
  std::thread t0(writer, 0), t1(writer, 1);
  t0.join();
  t1.join();
  ASSERT_EQ(failure[0], "");
  ASSERT_EQ(failure[1], "");
  std::set<int64_t> all(ids[0].begin(), ids[0].end());
  all.insert(ids[1].begin(), ids[1].end());
  EXPECT_EQ(all.size(), ids[0].size() + ids[1].size()) << "a number given twice";
  EXPECT_EQ(all.size(), static_cast<size_t>(3 * kMonths));
  EXPECT_EQ(duplicates_refused[0] + duplicates_refused[1], kMonths);
  EXPECT_EQ(db_->Claims(ccg_).value().size(), static_cast<size_t>(3 * kMonths));
  EXPECT_EQ(other.value()->Claims({"01X", "A81003"}).value().size(), static_cast<size_t>(kMonths));

  // Both nodes approve the same claims at once: each is approved once.
  const std::vector<int64_t> to_decide(ids[0].begin(), ids[0].end());
  int approved[2] = {0, 0};
  auto decider = [&](int n) {
    for (int64_t id : to_decide)
      if (nodes[n]->Approve(ccg_, id, {"2025-04-02T11:00:00Z", "pc.team", ""}).ok()) ++approved[n];
  };
  std::thread d0(decider, 0), d1(decider, 1);
  d0.join();
  d1.join();
  EXPECT_EQ(approved[0] + approved[1], static_cast<int>(to_decide.size()));
  size_t approvals = 0;
  for (const auto& e : audit_) approvals += e.action == "primary_care.claim.approve" ? 1 : 0;
  EXPECT_EQ(approvals, to_decide.size());
  for (int64_t id : to_decide) EXPECT_EQ(db_->History(ccg_, id).value().back().kind, "approved");
}

}  // namespace
}  // namespace csu::primarycare
