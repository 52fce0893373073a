// Replays fuzz/corpus/chc_invoices through the chc_invoices fuzz target's
// checks (fuzz/chc_invoices_checks.h), and pins what the reader says about
// good and bad files.
#include <gtest/gtest.h>

#include "../../fuzz/chc_invoices_checks.h"
#include "../../fuzz/corpus_replay.h"

namespace csu::chc {
namespace {

TEST(ChcInvoicesFuzzCorpus, EveryInputAndPrefixHoldsTheInvariants) {
  const auto inputs = fuzz::CorpusFiles("chc_invoices");
  ASSERT_GE(inputs.size(), 5u);
  for (const auto& [path, data] : inputs)
    for (size_t n : fuzz::PrefixLengths(data.size()))
      ASSERT_EQ(fuzz::CheckInvoices(std::string_view(data).substr(0, n)), "") << path << " prefix " << n;
}

TEST(ChcInvoicesFile, GoodFileReadsEveryInvoice) {
  for (const auto& [path, data] : fuzz::CorpusFiles("chc_invoices")) {
    if (path.find("good.csv") == std::string::npos) continue;
    InvoiceFile f = ReadInvoices(data, [](const std::string& c) { return c == "02E"; });
    ASSERT_TRUE(f.problems.empty()) << f.problems[0].ToString("good.csv");
    ASSERT_EQ(f.rows.size(), 2u);
    EXPECT_EQ(f.rows[0].case_id, 1);
    EXPECT_EQ(f.rows[0].amount, Money::FromPence(455000));
    EXPECT_EQ(f.rows[1].ccg, "02E");
    EXPECT_EQ(f.rows[1].provider, "LOCAL-0012");
    EXPECT_EQ(f.rows[1].invoice_ref, "INV 7/2");
    EXPECT_EQ(f.rows[1].pseudonym, std::string(64, 'a'));
    EXPECT_EQ(f.rows[1].amount, Money::FromPence(214286));
    InvoiceFile g = ReadInvoices(data, [](const std::string&) { return false; });
    ASSERT_EQ(g.problems.size(), 2u);
    EXPECT_EQ(g.problems[0].ToString("good.csv"), "good.csv:2: ccg: is not a CCG in the reference data");
    EXPECT_TRUE(g.rows.empty());
  }
}

TEST(ChcInvoicesFile, BadRowsAreEachNamedWithoutTheirValues) {
  for (const auto& [path, data] : fuzz::CorpusFiles("chc_invoices")) {
    if (path.find("bad_rows.csv") == std::string::npos) continue;
    InvoiceFile f = ReadInvoices(data, nullptr);
    EXPECT_TRUE(f.rows.empty());
    std::string all;
    for (const auto& p : f.problems) all += p.ToString("bad.csv") + "\n";
    for (const char* expected :
         {"bad.csv:2: provider: is required", "bad.csv:2: case: is not a case number (1 or more)",
          "bad.csv:2: period_to: is before period_from", "bad.csv:2: amount: is not an amount of pounds more than 0",
          "bad.csv:3: ccg: is not an ODS code", "bad.csv:3: invoice_ref: is required",
          "bad.csv:3: case: is neither a case number nor a pseudonym (64 hexadecimal digits)",
          "bad.csv:3: period_from: is not a date (YYYY-MM-DD)", "bad.csv:3: amount: is not an amount of pounds",
          "bad.csv:4: period_to: is more than 366 days after period_from"})
      EXPECT_NE(all.find(expected), std::string::npos) << expected << "\n" << all;
    EXPECT_EQ(all.find("Brightwater"), std::string::npos);
  }
}

}  // namespace
}  // namespace csu::chc
