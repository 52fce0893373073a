// Replays fuzz/corpus/contracts_file through the contracts_file fuzz target's
// checks (fuzz/contracts_file_checks.h), every input and a spread of its
// prefixes, and shows that each check rejects a wrong value.
#include <gtest/gtest.h>

#include "../../fuzz/contracts_file_checks.h"
#include "../../fuzz/corpus_for_tests.h"
#include "refdata/refdata_for_tests.h"

namespace csu::contracts {
namespace {

TEST(ContractsFileFuzzCorpus, EveryInputAndPrefixHoldsTheInvariants) {
  const auto inputs = fuzz::CorpusInputs("contracts_file");
  ASSERT_GE(inputs.size(), 3u);
  for (const auto& [name, data] : inputs) {
    for (size_t n = 0; n < data.size(); n += std::max<size_t>(1, data.size() / 32))
      ASSERT_EQ(fuzz::CheckContractsFile(refdata::TestRefData(), std::string_view(data).substr(0, n)), "")
          << name << " prefix " << n;
    EXPECT_EQ(fuzz::CheckContractsFile(refdata::TestRefData(), data), "") << name;
  }
}

TEST(ContractsFileFuzzCorpus, TheSeedsAreAccepted) {
  // The checks on accepted contracts only bite if some input is accepted.
  for (const auto& [name, data] : fuzz::CorpusInputs("contracts_file")) {
    if (name.ends_with(".csv")) EXPECT_TRUE(ParseContracts(name, data, refdata::TestRefData()).ok()) << name;
  }
}

Contract GoodContract() {
  Contract c;
  c.commissioner = OdsCode::Parse("02E").value();
  c.provider = OdsCode::Parse("RRK").value();
  c.year = FinancialYear(2018);
  c.lines.push_back(PlanLine{pricing::Pod::kElective, 4200, Money::FromPence(1195000000), kFlatProfile});
  c.lines.push_back(PlanLine{pricing::Pod::kNonElective, 9800, Money::FromPence(2140000000), kFlatProfile});
  return c;
}

TEST(ContractsFileFuzzCorpus, EachCheckRejectsAWrongValue) {
  const refdata::RefData& ref = refdata::TestRefData();
  ASSERT_EQ(fuzz::CheckContractValues(ref, {GoodContract()}), "");

  Contract c = GoodContract();
  c.commissioner = OdsCode::Parse("RRK").value();
  EXPECT_NE(fuzz::CheckContractValues(ref, {c}).find("not a CCG"), std::string::npos);
  c = GoodContract();
  std::swap(c.lines[0], c.lines[1]);
  EXPECT_NE(fuzz::CheckContractValues(ref, {c}).find("POD order"), std::string::npos);
  c = GoodContract();
  c.lines[0].activity = -1;
  EXPECT_NE(fuzz::CheckContractValues(ref, {c}).find("activity"), std::string::npos);
  c = GoodContract();
  c.lines[0].profile = {};
  EXPECT_NE(fuzz::CheckContractValues(ref, {c}).find("sum to zero"), std::string::npos);
  c = GoodContract();
  c.mret_rate_percent = 101;
  EXPECT_NE(fuzz::CheckContractValues(ref, {c}).find("MRET rate"), std::string::npos);
  EXPECT_NE(fuzz::CheckContractValues(ref, {GoodContract(), GoodContract()}).find("out of order"), std::string::npos);

  // The round trip compares what matters: a changed value is a difference,
  // a profile scaled by a constant is not.
  Contract scaled = GoodContract();
  scaled.lines[0].profile = {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
  EXPECT_TRUE(fuzz::SameContracts({GoodContract()}, {scaled}));
  Contract changed = GoodContract();
  changed.lines[1].value = Money::FromPence(1);
  EXPECT_FALSE(fuzz::SameContracts({GoodContract()}, {changed}));
  // What the round trip writes reads back.
  auto back = ParseContracts("again.csv", fuzz::ContractsText({GoodContract()}), ref);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_TRUE(fuzz::SameContracts({GoodContract()}, back.value()));
}

TEST(ContractsFileFuzzCorpus, FileErrorCheckRejectsAWrongError) {
  const std::string text = "a\nb\n";
  EXPECT_EQ(fuzz::CheckFileError(Error{"plans.csv:3", "bad"}, "plans.csv", text), "");
  EXPECT_EQ(fuzz::CheckFileError(Error{"plans.csv", "bad"}, "plans.csv", text), "");
  EXPECT_NE(fuzz::CheckFileError(Error{"plans.csv:4", "bad"}, "plans.csv", text), "");  // no line 4
  EXPECT_NE(fuzz::CheckFileError(Error{"plans.csv:0", "bad"}, "plans.csv", text), "");
  EXPECT_NE(fuzz::CheckFileError(Error{"other.csv:1", "bad"}, "plans.csv", text), "");
  EXPECT_NE(fuzz::CheckFileError(Error{"plans.csv:1", ""}, "plans.csv", text), "");
  EXPECT_NE(fuzz::CheckFileError(Error{"plans.csv:1", "pod: 'a\nb' is bad"}, "plans.csv", text), "");
}

// The fuzzer's first finding: a value quoted into an error kept its control
// characters, so a plans file could put a line break or an escape sequence
// into the message printed on a terminal. MakeError now writes them out.
TEST(ContractsFileFuzzCorpus, AControlCharacterInAQuotedValueIsWrittenOut) {
  const std::string text =
      "commissioner,provider,financial_year,pod,plan_activity,plan_value\n02E,RRK,\"20\n18/19\x1b[2J\",EL,1,1\n";
  auto read = ParseContracts("plans.csv", text, refdata::TestRefData());
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().where, "plans.csv:2");
  EXPECT_NE(read.error().why.find("'20\\n18/19\\x1B[2J'"), std::string::npos) << read.error().why;
  EXPECT_EQ(fuzz::CheckContractsFile(refdata::TestRefData(), text), "");
}

}  // namespace
}  // namespace csu::contracts
