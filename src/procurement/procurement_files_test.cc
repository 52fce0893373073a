// The criteria and scores CSV readers (docs/formats/procurement-*-v1.md):
// the golden criteria read back exactly, and every bad row names its line
// and field.
#include "procurement/procurement_files.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace csu::procurement {
namespace {

std::string Golden() {
  std::ifstream in(std::string(CSU_SOURCE_DIR) + "/fuzz/corpus/procurement_files/golden-criteria.csv");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ProcurementFiles, GoldenCriteriaReadBack) {
  auto c = ParseCriteriaCsv("criteria.csv", Golden());
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  ASSERT_EQ(c.value().groups.size(), 3u);
  EXPECT_EQ(c.value().groups[1].kind, CriterionKind::kSocialValue);
  ASSERT_EQ(c.value().subs.size(), 3u);
  EXPECT_EQ(c.value().subs[1].weight, 20);
  EXPECT_EQ(c.value().ScaleMax(), 4);
  EXPECT_EQ(c.value().scale[3].descriptor, "Good");
}

TEST(ProcurementFiles, CriteriaErrorsNameLineAndField) {
  const std::string head = "type,id,parent,kind,name,weight,score\n";
  auto bad = [&](const std::string& body) { return ParseCriteriaCsv("c.csv", head + body).error(); };
  EXPECT_EQ(bad("criterion,Q,,quality,Quality,4O,\n").ToString(), "c.csv:2: weight: '4O' is not a whole number");
  EXPECT_EQ(bad("criterion,Q,,qualty,Quality,40,\n").ToString(),
            "c.csv:2: kind: 'qualty' is not quality, social_value or price");
  EXPECT_EQ(bad("crit,Q,,quality,Quality,40,\n").ToString(), "c.csv:2: type: 'crit' is not criterion, sub or scale");
  EXPECT_EQ(bad("scale,,,,Good,,3\nscale,,,,Best,,3\n").ToString(), "c.csv:3: score: level 3 is given twice");
  EXPECT_EQ(bad("criterion,Q,,quality,Quality,100,\nsub,Q1,Q,,A,99,\nscale,,,,No,,0\nscale,,,,Yes,,1\n").ToString(),
            "c.csv: criterion Q: its sub-criteria add up to 99 points, not its weight 100");
  auto extra = ParseCriteriaCsv("c.csv", "type,id,parent,kind,name,weight,score,x\nscale,,,,No,,0,\n");
  ASSERT_FALSE(extra.ok());
  EXPECT_EQ(extra.error().ToString(), "c.csv:1: unknown column 'x'");
}

TEST(ProcurementFiles, ScoresCarryTheEvaluatorAndRefuseBadRows) {
  auto s = ParseScoresCsv("alice.csv", "bid,criterion,score,comment\nB1,Q1,3,good\nB1,Q2,0,\n", "alice");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s.value()[0].evaluator, "alice");
  EXPECT_EQ(s.value()[0].comment, "good");
  EXPECT_EQ(ParseScoresCsv("a.csv", "bid,criterion,score\nB1,Q1,3.5\n", "a").error().ToString(),
            "a.csv:2: score: '3.5' is not a whole number");
  EXPECT_EQ(ParseScoresCsv("a.csv", "bid,criterion,score\nB1,Q1,3\nB1,Q1,2\n", "a").error().ToString(),
            "a.csv:3: bid B1, criterion Q1 is scored twice in the file");
  EXPECT_EQ(ParseScoresCsv("a.csv", "bid,criterion,score,evaluator\nB1,Q1,3,b\n", "a").error().ToString(),
            "a.csv:1: unknown column 'evaluator'");
  EXPECT_FALSE(ParseScoresCsv("a.csv", "bid,criterion,score\n", "a").ok());
}

}  // namespace
}  // namespace csu::procurement
