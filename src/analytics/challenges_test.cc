// The challenge rules (docs/monitoring.md, "Challenges") worked by hand, one
// test per rule: a handful of records with chosen prices, the challenges
// each must raise with the £ at stake, and records beside them that must
// not be challenged. The readmission rule's money is checked in
// monitoring_test.cc. Prices from the reference data: RBT's market forces
// factor for 2018/19 is 1.043693; EY13Z's day case / elective price is
// £800; unbundled chemotherapy SB12Z is £150 and SB13Z £299.
#include "analytics/challenges.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analytics/analytics_testing.h"
#include "analytics/readmissions.h"
#include "contracts/contract_store.h"
#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"
#include "refdata/refdata_for_tests.h"

namespace csu::analytics {
namespace {

using pricing::Pod;
using testing::AeSpec;
using testing::OpSpec;
using testing::SpellSpec;

ChallengeOptions Year2018() {
  ChallengeOptions o;
  o.year = FinancialYear(2018);
  return o;
}

// Challenges for CCG 02E (or every CCG) in 2018/19 up to March.
Challenges Find(testing::TestActivity& t, ChallengeOptions o, bool every_ccg = false) {
  if (!every_ccg) o.commissioner = t.Id(store::Dimension::kCommissioner, "02E");
  const pricing::PricedActivity& a = t.activity();
  return FindChallenges(a, FindReadmissions(a.tables, a.apc), refdata::TestRefData(), o);
}
Challenges Find(testing::TestActivity& t) { return Find(t, Year2018()); }

std::vector<Challenge> Only(const Challenges& c, ChallengeRule rule) {
  std::vector<Challenge> out;
  for (const Challenge& x : c.items)
    if (x.rule == rule) out.push_back(x);
  return out;
}

int64_t AtStake(const std::vector<Challenge>& c) {
  int64_t sum = 0;
  for (const Challenge& x : c) sum += x.at_stake_pence;
  return sum;
}

// A spell of CCG 02E's own patient (practice N81007 is in 02E), so that
// only the rule under test fires.
SpellSpec OwnSpell(const char* admitted, const char* discharged, int64_t pence) {
  SpellSpec s;
  s.practice = "N81007";
  s.admitted = admitted;
  s.discharged = discharged;
  s.pence = pence;
  return s;
}

// duplicate: the same patient, provider, date and HRG as an earlier record.
//   Follow-up of patient 1 at RBT on 1 May, HRG WF01A, £70.00, three times:
//   the first stands, the second and third are challenged: 2 × £70.00.
//   Not duplicates of it: at RWW, with HRG WF01B, on 2 May, of patient 2;
//   and two identical appointments with no NHS number (cannot be linked).
//   A spell admitted 30 March 2018 and discharged 2 April 2018, twice at
//   £1,000.00: paid in 2018/19 (month of discharge: April), so its
//   duplicate is challenged in 2018/19, dated 2 April, month 1.
//   The same pair a year later (admitted 30 March 2019, discharged 2 April
//   2019) is paid in 2019/20: not a 2018/19 challenge.
//   Two A&E arrivals of patient 3 at RBT on 6 May, HRG VB09Z, £140.00: the
//   second is challenged.
//   Total: £70.00 + £70.00 + £1,000.00 + £140.00 = £1,280.00.
TEST(Challenges, DuplicateByHand) {
  testing::TestActivity t;
  OpSpec fu{.provider = "RBT", .patient = 1, .date = "2018-05-01", .pod = Pod::kOpFollowUp, .pence = 70'00,
            .hrg = "WF01A", .practice = "N81007", .first_attendance = '2'};
  for (int i = 0; i < 3; ++i) t.Op(fu);  // op rows 0, 1, 2
  OpSpec other = fu;
  other.provider = "RWW";
  t.Op(other);
  other = fu;
  other.hrg = "WF01B";
  t.Op(other);
  other = fu;
  other.date = "2018-05-02";
  t.Op(other);
  other = fu;
  other.patient = 2;
  t.Op(other);
  other = fu;
  other.patient = 0;
  t.Op(other);
  t.Op(other);
  SpellSpec s = OwnSpell("2018-03-30", "2018-04-02", 1'000'00);
  t.Spell(s).Spell(s);  // apc rows 0, 1
  s = OwnSpell("2019-03-30", "2019-04-02", 1'000'00);
  t.Spell(s).Spell(s);
  AeSpec ae{.patient = 3, .arrival = "2018-05-06T01:00", .practice = "N81007"};
  t.Ae(ae);
  ae.arrival = "2018-05-06T22:00";
  t.Ae(ae);  // ae row 1

  const std::vector<Challenge> d = Only(Find(t), ChallengeRule::kDuplicate);
  std::vector<std::string> ids;
  for (const Challenge& c : d) ids.push_back(c.id);
  // Rows of a table built here come from no batch (batch 0); the row is the table row.
  EXPECT_EQ(ids, (std::vector<std::string>{"duplicate:apc:0:1", "duplicate:op:0:1", "duplicate:op:0:2",
                                           "duplicate:ae:0:1"}));
  ASSERT_EQ(d.size(), 4u);
  EXPECT_EQ(d[0].date.ToString(), "2018-04-02");
  EXPECT_EQ(d[0].month, 1);
  EXPECT_EQ(d[0].at_stake_pence, 1'000'00);
  EXPECT_EQ(d[1].at_stake_pence, 70'00);
  EXPECT_EQ(d[1].hrg, "WF01A");
  EXPECT_EQ(d[1].month, 2);
  EXPECT_EQ(d[3].at_stake_pence, 140'00);
  EXPECT_EQ(AtStake(d), 1'280'00);
}

// other-ccg: the patient's GP practice belongs to another CCG.
//   02E spell of a patient of N81001 (a 27D practice), admitted 30 March,
//   discharged 2 April 2018 (paid in 2018/19), £1,000.00: challenged.
//   02E outpatient attendance of a patient of N81002 (27D), £150.00:
//   challenged. Not challenged: a patient of N81007 (02E's own), and one of
//   N89999 (on no reference list: the CCG is unknown, not "another").
//   02E's challenges: 2, £1,150.00.
//   A 27D attendance of a patient of N81007 (02E) is 27D's to challenge: it
//   appears when every CCG is asked for, not in 02E's list.
TEST(Challenges, OtherCcgByHand) {
  testing::TestActivity t;
  SpellSpec s = OwnSpell("2018-03-30", "2018-04-02", 1'000'00);
  s.practice = "N81001";
  t.Spell(s);
  t.Op({.date = "2018-05-01", .pence = 150'00, .practice = "N81002"});
  t.Op({.date = "2018-05-01", .pence = 150'00, .practice = "N81007"});
  t.Ae({.arrival = "2018-05-01T10:00", .practice = "N89999"});
  t.Op({.commissioner = "27D", .date = "2018-05-01", .pence = 150'00, .practice = "N81007"});

  const std::vector<Challenge> c = Only(Find(t), ChallengeRule::kOtherCcg);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].kind, ingest::ExtractKind::kApc);
  EXPECT_EQ(c[0].month, 1);
  EXPECT_EQ(c[0].at_stake_pence, 1'000'00);
  EXPECT_EQ(c[0].reason, "patient registered with a practice of CCG 27D");
  EXPECT_EQ(c[1].kind, ingest::ExtractKind::kOp);
  EXPECT_EQ(c[1].at_stake_pence, 150'00);
  EXPECT_EQ(AtStake(c), 1'150'00);

  const std::vector<Challenge> all = Only(Find(t, Year2018(), /*every_ccg=*/true), ChallengeRule::kOtherCcg);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2].commissioner.view(), "27D");
  EXPECT_EQ(all[2].reason, "patient registered with a practice of CCG 02E");
}

// A challenge's commissioner from its id: the record's (the 27D attendance of
// a 02E patient is 27D's), or the one a follow-up ratio's id names; any
// other id, or one whose record is not loaded, has none.
TEST(Challenges, AnIdsCommissionerIsItsRecords) {
  testing::TestActivity t;
  SpellSpec s = OwnSpell("2018-03-30", "2018-04-02", 1'000'00);
  s.practice = "N81001";
  t.Spell(s);
  t.Op({.date = "2018-05-01", .pence = 150'00, .practice = "N81002"});
  t.Op({.commissioner = "27D", .date = "2018-05-01", .pence = 150'00, .practice = "N81007"});
  const pricing::PricedActivity& a = t.activity();
  for (const Challenge& c : Find(t, Year2018(), /*every_ccg=*/true).items) {
    const std::optional<OdsCode> found = ChallengeCommissioner(a, c.id);
    ASSERT_TRUE(found) << c.id;
    EXPECT_EQ(*found, c.commissioner) << c.id;
  }
  auto ccg = [&](std::string_view id) {
    const std::optional<OdsCode> found = ChallengeCommissioner(a, id);
    return found ? found->ToString() : std::string("none");
  };
  EXPECT_EQ(ccg("other-ccg:op:0:1"), "27D");
  EXPECT_EQ(ccg("duplicate:op:0:0"), "02E");  // any rule: the record decides
  EXPECT_EQ(ccg("fu-ratio:27D:RBT:100:2018"), "27D");
  EXPECT_EQ(ccg("fu-ratio:99X:RBT:100:2018"), "99X");  // the id names it, loaded or not
  EXPECT_EQ(ccg("fu-ratio:not a code:RBT:100:2018"), "none");
  EXPECT_EQ(ccg("fu-ratio:99x:RBT:100:2018"), "none");
  EXPECT_EQ(ccg("duplicate:op:0:3"), "none");           // no such row
  EXPECT_EQ(ccg("duplicate:op:7:0"), "none");           // no such batch
  EXPECT_EQ(ccg("duplicate:ae:0:0"), "none");           // no A&E loaded
  EXPECT_EQ(ccg("Duplicate:op:0:0"), "none");
  EXPECT_EQ(ccg("duplicate:OP:0:0"), "none");
  EXPECT_EQ(ccg("duplicate:op:0:-1"), "none");
  EXPECT_EQ(ccg("duplicate:op:0"), "none");
  EXPECT_EQ(ccg("cluster:1"), "none");
  EXPECT_EQ(ccg(""), "none");
}

// Server mode: the log's entries written without a commissioner are named
// from the records held here; one whose record is not here stays unnamed.
TEST(Challenges, ANodeNamesTheCommissionerOfOldEntriesWhoseRecordItHolds) {
  std::optional<pg::TestSchema> pg;
  CSU_PG_TEST_SCHEMA(pg);
  testing::TestActivity t;
  t.Op({.date = "2018-05-01", .pence = 150'00, .practice = "N81007"});
  t.Op({.commissioner = "27D", .date = "2018-05-01", .pence = 150'00, .practice = "N81007"});
  auto conn = pg::Connect(pg->url());
  ASSERT_TRUE(conn.ok()) << conn.error().ToString();
  auto log = contracts::ContractStore::OpenServer(std::move(conn).value());
  ASSERT_TRUE(log.ok()) << log.error().ToString();
  auto raw = pg::Connect(pg->url());
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE(raw.value()->Exec("INSERT INTO challenge_log(challenge, status, note, at, actor) VALUES "
                                "('duplicate:op:0:1', 'agreed', 'coded twice', 't', 'carol'), "
                                "('duplicate:op:0:0', 'raised', '', 't', 'carol'), "
                                "('fu-ratio:12F:RBT:100:2018', 'raised', '', 't', 'bob'), "
                                "('duplicate:apc:4:1', 'rejected', 'batch withdrawn', 't', 'bob')")
                  .ok());
  auto named = NameChallengeCommissioners(*log.value(), t.activity());
  ASSERT_TRUE(named.ok()) << named.error().ToString();
  EXPECT_EQ(named.value(), 3);
  auto q = raw.value()->Prepare("SELECT string_agg(challenge || '=' || coalesce(ccg, '-'), ' ' ORDER BY seq) FROM challenge_log");
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(q.value().Step().value());
  EXPECT_EQ(q.value().Text(0), "duplicate:op:0:1=27D duplicate:op:0:0=02E fu-ratio:12F:RBT:100:2018=12F duplicate:apc:4:1=-");
  EXPECT_EQ(NameChallengeCommissioners(*log.value(), t.activity()).value(), 0);  // nothing more to name here
}

// fu-ratio: follow-ups above the limit × firsts, × the mean follow-up price.
//   RBT, treatment function 100: 3 firsts; 11 follow-ups, ten at £70.00
//   and one at £71.23 = £771.23. Ratio 11 ÷ 3 = 3.67 > 3.0: 11 − 3 × 3.0 =
//   2 follow-ups above the limit; £771.23 × 2 ÷ 11 = £140.2236 -> £140.22.
//   TFC 110: 2 firsts, 6 follow-ups at £70.00: exactly 3.0, not above.
//   TFC 120: 4 follow-ups and no firsts: no ratio, not challenged.
TEST(Challenges, FollowUpRatioByHand) {
  testing::TestActivity t;
  uint32_t patient = 1;
  auto op = [&](const char* tfc, Pod pod, int64_t pence) {
    t.Op({.patient = patient++, .date = "2018-06-01", .pod = pod, .pence = pence, .tfc = tfc, .practice = "N81007",
          .first_attendance = pod == Pod::kOpFirst ? '1' : '2'});
  };
  for (int i = 0; i < 3; ++i) op("100", Pod::kOpFirst, 150'00);
  for (int i = 0; i < 10; ++i) op("100", Pod::kOpFollowUp, 70'00);
  op("100", Pod::kOpFollowUp, 71'23);
  for (int i = 0; i < 2; ++i) op("110", Pod::kOpFirst, 150'00);
  for (int i = 0; i < 6; ++i) op("110", Pod::kOpFollowUp, 70'00);
  for (int i = 0; i < 4; ++i) op("120", Pod::kOpFollowUp, 70'00);

  const std::vector<Challenge> c = Only(Find(t), ChallengeRule::kFollowUpRatio);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].id, "fu-ratio:02E:RBT:100:2018");
  EXPECT_EQ(c[0].hrg, "100");
  EXPECT_FALSE(c[0].kind.has_value());
  EXPECT_EQ(c[0].month, 0);
  EXPECT_EQ(c[0].at_stake_pence, 140'22);
  EXPECT_EQ(c[0].reason,
            "treatment function 100: 11 follow-ups to 3 firsts (ratio 3.67, limit 3.00); 2 follow-ups above the limit");

  // A limit of 2.5 for TFC 110: 6 − 2 × 2.5 = 1 above; £420.00 × 1 ÷ 6 = £70.00.
  // A limit of 2.5 for TFC 100: 11 − 3 × 2.5 = 3.5 above, as the rule
  // states it (not rounded to whole follow-ups either way):
  // £771.23 × 3.5 ÷ 11 = £245.3914 -> £245.39.
  ChallengeOptions o = Year2018();
  o.fu_ratio_limit_by_tfc = {{"110", 2500}, {"100", 2500}};
  const std::vector<Challenge> lower = Only(Find(t, o), ChallengeRule::kFollowUpRatio);
  ASSERT_EQ(lower.size(), 2u);
  EXPECT_EQ(lower[0].hrg, "100");
  EXPECT_EQ(lower[0].at_stake_pence, 245'39);
  EXPECT_EQ(lower[0].reason,
            "treatment function 100: 11 follow-ups to 3 firsts (ratio 3.67, limit 2.50); 3.5 follow-ups above the limit");
  EXPECT_EQ(lower[1].hrg, "110");
  EXPECT_EQ(lower[1].at_stake_pence, 70'00);
}

// zero-los-elective: an ordinary elective spell with no overnight stay
// priced above what it earns as a day case.
//   EY13Z at RBT as a day case: £800 × 1.043693 = £834.9544 -> £834.95.
//   An elective spell admitted and discharged on 12 June priced £1,000.00:
//   £1,000.00 − £834.95 = £165.05 at stake.
//   Not challenged: the same at exactly £834.95 (nothing above); one
//   discharged the next day (a night in hospital); a day case.
TEST(Challenges, ZeroLengthOfStayElectiveByHand) {
  testing::TestActivity t;
  SpellSpec el = OwnSpell("2018-06-12", "2018-06-12", 1'000'00);
  el.method = "11";
  el.pod = Pod::kElective;
  el.hrg = "EY13Z";
  t.Spell(el);
  SpellSpec same = el;
  same.pence = 834'95;
  t.Spell(same);
  SpellSpec overnight = el;
  overnight.discharged = "2018-06-13";
  t.Spell(overnight);
  SpellSpec day_case = el;
  day_case.pod = Pod::kDayCase;
  day_case.classification = '2';
  t.Spell(day_case);

  const std::vector<Challenge> c = Only(Find(t), ChallengeRule::kZeroLosElective);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].id, "zero-los-elective:apc:0:0");
  EXPECT_EQ(c[0].at_stake_pence, 165'05);
  EXPECT_EQ(c[0].reason,
            "ordinary elective admission with no overnight stay priced above the day-case price of \xC2\xA3" "834.95");
}

// unbundled-no-spell: unbundled items on a spell whose core HRG has no
// payable price.
//   DZ13A (cystic fibrosis: no national price) at RBT with SB12Z £150 and
//   SB13Z £299 unbundled, and EY13Z (not an unbundled HRG: no price here):
//   (£150 + £299) × 1.043693 = £468.618157 -> £468.62, rounded once.
//   Not challenged: a priced spell with SB12Z (the items attach to it); an
//   unpriced spell with no items; an unpriced spell whose only item has no
//   unbundled price.
TEST(Challenges, UnbundledWithoutAPayableSpellByHand) {
  testing::TestActivity t;
  // A day case (classification 2): chemotherapy delivery is paid in this
  // setting, rebundled imaging (RD01A) never is on a spell.
  SpellSpec cf = OwnSpell("2018-06-01", "2018-06-05", 0);
  cf.hrg = "DZ13A";
  cf.priced = false;
  cf.method = "11";
  cf.classification = '2';
  cf.unbundled = {"SB12Z", "SB13Z", "EY13Z", "RD01A"};
  t.Spell(cf);
  // The same items in an ordinary admission: delivery is part of the core
  // price there (docs/pricing.md), so nothing is at stake.
  SpellSpec ordinary = cf;
  ordinary.classification = '1';
  t.Spell(ordinary);
  SpellSpec priced = OwnSpell("2018-06-01", "2018-06-05", 1'000'00);
  priced.unbundled = {"SB12Z"};
  t.Spell(priced);
  SpellSpec bare = cf;
  bare.unbundled = {};
  t.Spell(bare);
  SpellSpec unpriced_item = cf;
  unpriced_item.unbundled = {"EY13Z"};
  t.Spell(unpriced_item);

  const std::vector<Challenge> c = Only(Find(t), ChallengeRule::kUnbundledNoSpell);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].id, "unbundled-no-spell:apc:0:0");
  EXPECT_EQ(c[0].hrg, "DZ13A");
  EXPECT_EQ(c[0].at_stake_pence, 468'62);
  EXPECT_EQ(c[0].reason, "2 unbundled item(s) on a spell with no payable core price (HRG has no national price)");
}

}  // namespace
}  // namespace csu::analytics
