// Replays fuzz/corpus/chc_caseload through the chc_caseload fuzz target's
// checks (fuzz/chc_caseload_checks.h), and pins what the reader says about
// bad rows: every one named with its line and field, none stored, no value
// of the file repeated.
#include <gtest/gtest.h>

#include "../../fuzz/chc_caseload_checks.h"
#include "../../fuzz/corpus_replay.h"

namespace csu::chc {
namespace {

TEST(ChcFuzzCorpus, EveryInputAndPrefixHoldsTheInvariants) {
  const auto inputs = fuzz::CorpusFiles("chc_caseload");
  ASSERT_GE(inputs.size(), 5u);
  for (const auto& [path, data] : inputs)
    for (size_t n : fuzz::PrefixLengths(data.size()))
      ASSERT_EQ(fuzz::CheckCaseload(std::string_view(data).substr(0, n)), "") << path << " prefix " << n;
}

TEST(ChcFuzzCorpus, ChecksRefuseAProblemCarryingAValue) {
  EXPECT_EQ(fuzz::DigitsAsN("has 5 fields, not 17"), "has N fields, not N");
  EXPECT_EQ(fuzz::CaseloadSentences().count(fuzz::DigitsAsN("is longer than 2,000 characters")), 1u);
  EXPECT_EQ(fuzz::CaseloadSentences().count(fuzz::DigitsAsN("'Ada Brightwater' is not a date")), 0u);
  EXPECT_EQ(fuzz::CaseloadSentences().count(fuzz::DigitsAsN("is not a valid NHS number: 9434765918")), 0u);
}

TEST(ChcCaseloadFile, GoodFileReadsEveryCase) {
  const auto inputs = fuzz::CorpusFiles("chc_caseload");
  for (const auto& [path, data] : inputs) {
    if (path.find("good.csv") == std::string::npos) continue;
    CaseloadFile f = ReadCaseload(data, [](const std::string& c) { return c == "02E" || c == "00C"; });
    ASSERT_TRUE(f.problems.empty()) << f.problems[0].ToString("good.csv");
    ASSERT_EQ(f.rows.size(), 2u);
    EXPECT_EQ(f.rows[0].identity.address, "12 Orchard Row, Leeds");
    ASSERT_TRUE(f.rows[0].package);
    EXPECT_EQ(f.rows[0].package->unit_cost.pence(), 95000);
    EXPECT_TRUE(f.rows[1].fast_track);
    EXPECT_EQ(f.rows[1].package->units_x100, 3750);
    // An unknown CCG is a problem of that row and field.
    CaseloadFile g = ReadCaseload(data, [](const std::string& c) { return c == "02E"; });
    ASSERT_EQ(g.problems.size(), 1u);
    EXPECT_EQ(g.problems[0].ToString("good.csv"), "good.csv:3: ccg: is not a CCG in the reference data");
    EXPECT_TRUE(g.rows.empty());
  }
}

TEST(ChcCaseloadFile, BadRowsAreEachNamedWithoutTheirValues) {
  const auto inputs = fuzz::CorpusFiles("chc_caseload");
  for (const auto& [path, data] : inputs) {
    if (path.find("bad_rows.csv") == std::string::npos) continue;
    CaseloadFile f = ReadCaseload(data, nullptr);
    EXPECT_TRUE(f.rows.empty());
    std::string all;
    for (const auto& p : f.problems) all += p.ToString("bad.csv") + "\n";
    for (const char* expected :
         {"bad.csv:2: nhs_number: is not a valid NHS number", "bad.csv:2: decision_reason: is required with decided_on",
          "bad.csv:2: decided_on: a standard case is decided only after a positive Checklist",
          "bad.csv:2: unit_cost: is not an amount of pounds more than 0", "bad.csv:2: package_start: is before referred_on",
          "bad.csv:3: name: is required", "bad.csv:3: route: is not standard or fast_track",
          "bad.csv:3: date_of_birth: is after referred_on", "bad.csv:3: checklist_received: is before referred_on",
          "bad.csv:3: checklist_outcome: is not positive or negative"})
      EXPECT_NE(all.find(expected), std::string::npos) << expected << "\n" << all;
    for (const char* secret : {"9434765918", "Brightwater", "1931-02-17", "2019-02-17"})
      EXPECT_EQ(all.find(secret), std::string::npos) << secret;
  }
}

}  // namespace
}  // namespace csu::chc
