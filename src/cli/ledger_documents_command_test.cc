// Billing's invoices into the ledgers end to end: an invoice run, then
// csu ledger post-invoices to the CSU's and the CCG's ledgers (twice: the
// second does nothing), a payment and a receipt, aged debt and creditors
// and the agreement of balances (docs/ledger.md, "Invoices, receipts and
// payments"; the figures are worked by hand in InvoicePostingGolden).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "cli/run_csu_for_tests.h"

namespace csu::cli {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::Outcome;
using testing::RunCsu;

// The JSON of an output whose stderr (the platform date's notice) is mixed in.
nlohmann::json JsonOf(const std::string& output) {
  const size_t from = output.find('{'), to = output.rfind('}');
  return nlohmann::json::parse(output.substr(from, to == std::string::npos ? 0 : to - from + 1));
}

class LedgerDocumentsCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::FreshScratch("csu-ledger-docs");
    ASSERT_EQ(Csu("users add admin --role csu_admin --password-stdin < " + (root_ / "pw.txt").string()).exit_code, 0);
  }
  void TearDown() override { fs::remove_all(root_); }
  Outcome Csu(const std::string& args) {
    return testing::RunCsuOn(root_, args);
  }
  int64_t TotalOf(const std::string& args, const std::string& column) {
    Outcome o = Csu(args + " --format json");
    EXPECT_EQ(o.exit_code, 0) << o.output;
    const nlohmann::json t = JsonOf(o.output);
    if (t.contains("totals") && t["totals"].size() == 1) return t["totals"][0][column + "_pence"].get<int64_t>();
    ADD_FAILURE() << o.output;
    return -1;
  }
  fs::path root_;
};


TEST_F(LedgerDocumentsCommandTest, InvoicesPostOnceToBothLedgersAndSettle) {
  const std::string src = CSU_SOURCE_DIR;
  ASSERT_EQ(Csu("catalogue load " + src + "/tests/golden/billing/catalogue.csv").exit_code, 0);
  ASSERT_EQ(Csu("subscriptions add --ccg 02E --item BI-CORE --start 2018-04-01 --term 36").exit_code, 0);
  ASSERT_EQ(Csu("store platform-date --set 2018-07-02").exit_code, 0);
  Outcome o = Csu("invoice run --period 2018-06");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  o = Csu("invoice show INV-000001 --format json");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  const int64_t total = JsonOf(o.output)["total_pence"].get<int64_t>();
  ASSERT_GT(total, 0);

  o = Csu("ledger post-invoices");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(Contains(o.output, "there is no CSU ledger")) << o.output;
  ASSERT_EQ(Csu("ledger entity add --entity 0DE --template " + src + "/data/ledger/csu-chart.csv --approval-above £100,000,000").exit_code, 0);
  ASSERT_EQ(Csu("ledger entity add --entity 02E --template " + src + "/data/ledger/ccg-chart.csv --approval-above £100,000,000").exit_code, 0);
  // July is not open in 02E's ledger yet: the CSU's side posts, the CCG's is listed.
  ASSERT_EQ(Csu("ledger period open --entity 0DE --period 2018-07").exit_code, 0);
  o = Csu("ledger post-invoices --period 2018-06");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(Contains(o.output, "1 postings made, 0 already in the ledgers, 1 not posted")) << o.output;
  EXPECT_TRUE(Contains(o.output, "period 2018-07 is not open")) << o.output;
  ASSERT_EQ(Csu("ledger period open --entity 02E --period 2018-07").exit_code, 0);
  o = Csu("ledger post-invoices");
  EXPECT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "1 postings made, 1 already in the ledgers, 0 not posted")) << o.output;
  o = Csu("ledger post-invoices");
  EXPECT_TRUE(Contains(o.output, "0 postings made, 2 already in the ledgers")) << o.output;

  EXPECT_EQ(TotalOf("ledger report aged-debt --entity 0DE --period 2018-07", "d0_30"), total);
  EXPECT_EQ(TotalOf("ledger report aged-creditors --entity 02E --period 2018-07", "outstanding"), total);
  EXPECT_EQ(TotalOf("ledger report agreement-of-balances --period 2018-07", "difference"), 0);

  // The CCG pays in full; the CSU has not yet received it: a mismatch.
  EXPECT_EQ(Csu("ledger payment --entity 02E --invoice INV-000001 --reference BACS-1 --on 2018-07-01").exit_code, 1)
      << "before the invoice date";
  o = Csu("ledger payment --entity 02E --invoice INV-000001 --reference BACS-1 --on 2018-07-31");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_EQ(TotalOf("ledger report aged-creditors --entity 02E --period 2018-07", "outstanding"), 0);
  EXPECT_EQ(TotalOf("ledger report agreement-of-balances --period 2018-07", "difference"), total);
  o = Csu("ledger report agreement-of-balances --period 2018-07");
  EXPECT_TRUE(Contains(o.output, "02E has paid")) << o.output;
  EXPECT_EQ(Csu("ledger report agreement-of-balances --entity 0DE --period 2018-07").exit_code, 2);
  o = Csu("ledger report bppc --entity 02E --period 2018-07");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "100.0%")) << o.output;  // paid in 29 days

  o = Csu("ledger receipt --entity 0DE --invoice INV-000001 --reference R-1 --on 2018-07-31 --amount £1,000,000,000");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(Contains(o.output, "more than the")) << o.output;
  ASSERT_EQ(Csu("ledger receipt --entity 0DE --invoice INV-000001 --reference R-1 --on 2018-07-31").exit_code, 0);
  EXPECT_EQ(Csu("ledger receipt --entity 0DE --invoice INV-000001 --reference R-1 --on 2018-07-31").exit_code, 1);
  EXPECT_EQ(TotalOf("ledger report aged-debt --entity 0DE --period 2018-07", "outstanding"), 0);
  EXPECT_EQ(TotalOf("ledger report agreement-of-balances --period 2018-07", "difference"), 0);

  // A credit note after the settlement posts too and shows as owed back.
  ASSERT_EQ(Csu("invoice credit INV-000001 --reason 'wrong population'").exit_code, 0);
  o = Csu("ledger post-invoices");
  EXPECT_TRUE(Contains(o.output, "2 postings made, 2 already in the ledgers")) << o.output;
  EXPECT_EQ(TotalOf("ledger report aged-debt --entity 0DE --period 2018-07", "outstanding"), -total);

  o = Csu("audit verify");
  EXPECT_EQ(o.exit_code, 0) << o.output;
  o = Csu("audit list");
  EXPECT_TRUE(Contains(o.output, "ledger.document.post")) << o.output;
  EXPECT_TRUE(Contains(o.output, "ledger.receipt")) << o.output;
}

}  // namespace
}  // namespace csu::cli
