// The demo's CHC invoices: read back by the invoices reader without a problem,
// and, checked against the packages they were made from, exactly the ones
// generated wrong are queried, each for the reason it was made wrong.
#include <gtest/gtest.h>

#include "chc/invoice_check.h"
#include "chc/invoice_file.h"
#include "synth/chc_invoices.h"

namespace csu::synth {
namespace {

chc::Package Pkg(int64_t id, const char* ccg, Date start, int64_t weekly_pence, std::optional<Date> end = {}) {
  chc::Package p;
  p.id = id, p.case_id = 100 + id, p.ccg = ccg, p.end = end;
  chc::PackageVersion v;
  v.start = start, v.provider = "NVC01", v.unit_cost = Money::FromPence(weekly_pence);
  p.versions.push_back(v);
  return p;
}

TEST(ChcDemoInvoices, OneInvoicePerPackageLiveInTheMonthAtItsOwnCost) {
  // Worked by hand: £700 a week for the 30 days of September 2018 is
  // 700 × 30 ÷ 7 = £3,000.00; from 20 September, 11 days: 700 × 11 ÷ 7 =
  // £1,100.00; a package ended on 31 August is not billed.
  std::vector<chc::Package> ps = {Pkg(1, "02E", Date::FromYmd(2018, 5, 1), 70000),
                                  Pkg(2, "02E", Date::FromYmd(2018, 9, 20), 70000),
                                  Pkg(3, "02E", Date::FromYmd(2018, 5, 1), 70000, Date::FromYmd(2018, 8, 31))};
  ChcInvoiceStats st;
  EXPECT_EQ(GenerateChcInvoices(ps, Date::FromYmd(2018, 9, 14), &st),
            "ccg,provider,invoice_ref,case,period_from,period_to,amount\n"
            "02E,NVC01,NVC01-201809-1,101,2018-09-01,2018-09-30,3000.00\n"
            "02E,NVC01,NVC01-201809-2,102,2018-09-20,2018-09-30,1100.00\n");
  EXPECT_EQ(st.invoices, 2);
}

TEST(ChcDemoInvoices, TheChecksQueryExactlyTheWrongOnesForTheirReason) {
  std::vector<chc::Package> ps;
  for (int64_t i = 1; i <= 60; ++i)
    ps.push_back(Pkg(i, i % 2 ? "02E" : "27D", Date::FromYmd(2018, 9, 1 + static_cast<int>(i % 5)), 60000 + 1111 * i));
  ChcInvoiceStats st;
  const std::string text = GenerateChcInvoices(ps, Date::FromYmd(2018, 9, 1), &st);
  EXPECT_EQ(text, GenerateChcInvoices(ps, Date::FromYmd(2018, 9, 30)));
  chc::InvoiceFile f = chc::ReadInvoices(text, [](const std::string& c) { return c == "02E" || c == "27D"; });
  ASSERT_TRUE(f.problems.empty()) << f.problems[0].ToString("demo");
  ASSERT_EQ(static_cast<int64_t>(f.rows.size()), st.invoices + st.duplicates);
  ASSERT_GT(st.overcharged, 0);
  ASSERT_GT(st.duplicates, 0);
  ASSERT_GT(st.before_package, 0);
  chc::InvoiceHistory history({});
  int64_t payable = 0, differs = 0, duplicate = 0, outside = 0;
  for (const chc::ProviderInvoice& inv : f.rows) {
    chc::CheckedInvoice c = chc::CheckInvoice(inv, inv.case_id, ps, history);
    history.Add(c);
    if (c.payable) ++payable;
    else if (c.reason.find("differs") != std::string::npos) ++differs;
    else if (c.reason.find("duplicate") != std::string::npos) ++duplicate;
    else if (c.reason.find("outside") != std::string::npos) ++outside;
    else ADD_FAILURE() << c.reason;
  }
  EXPECT_EQ(differs, st.overcharged);
  EXPECT_EQ(duplicate, st.duplicates);
  EXPECT_EQ(outside, st.before_package);
  EXPECT_EQ(payable, st.invoices - st.overcharged - st.before_package);
}

}  // namespace
}  // namespace csu::synth
