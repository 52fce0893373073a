// The billing report's figures (docs/billing.md, "Views") on a small set of
// documents and subscriptions whose every figure is worked by hand in the
// comments: cost per head, revenue by service and by customer, renewals and
// the recurring revenue forecast.
#include "billing/billing_views.h"

#include <gtest/gtest.h>

#include <map>

namespace csu::billing {
namespace {

const std::string kCatalogue = std::string(CSU_SOURCE_DIR) + "/tests/golden/billing/catalogue.csv";

Catalogue GoldenCatalogue() {
  auto versions = ReadCatalogueFile(kCatalogue);
  EXPECT_TRUE(versions.ok()) << versions.error().ToString();
  return Catalogue(versions.ok() ? versions.value() : std::vector<ItemVersion>{});
}

Invoice Doc(const std::string& number, const std::string& ccg, Period p,
            std::vector<std::pair<std::string, int64_t>> lines, const std::string& credits = "") {
  Invoice d;
  d.number = number;
  d.kind = credits.empty() ? DocumentKind::kInvoice : DocumentKind::kCreditNote;
  d.credits = credits;
  d.ccg = ccg;
  d.ccg_name = "NHS " + ccg + " CCG";
  d.period = p;
  for (const auto& [item, pence] : lines) {
    InvoiceLine l;
    l.item = item;
    l.amount = Money::FromPence(pence);
    d.lines.push_back(l);
    d.net += l.amount;
  }
  d.vat = d.net.MulRatio(2000, 10000);  // 20 %, as SetTotals does for standard-rated lines
  d.total = d.net + d.vat;
  return d;
}

// 02E is invoiced April to June 2018; May's first invoice was credited and
// replaced. 27D has June only. An older 02E invoice lies outside every window.
std::vector<Invoice> Documents() {
  return {
      Doc("INV-000099", "02E", Period(2017, 6), {{"BI-CORE", 99'999'999}}),
      Doc("INV-000001", "02E", Period(2018, 4), {{"BI-CORE", 10'000'000}, {"CONTRACTS", 5'000'000}}),
      Doc("INV-000002", "02E", Period(2018, 5), {{"BI-CORE", 11'000'000}, {"CONTRACTS", 5'000'000}}),
      Doc("CN-000001", "02E", Period(2018, 5), {{"BI-CORE", -11'000'000}, {"CONTRACTS", -5'000'000}}, "INV-000002"),
      Doc("INV-000003", "02E", Period(2018, 5), {{"BI-CORE", 10'500'000}, {"CONTRACTS", 5'000'000}}),
      Doc("INV-000004", "02E", Period(2018, 6), {{"BI-CORE", 10'250'001}, {"CONTRACTS", 5'000'000}}),
      Doc("INV-000005", "27D", Period(2018, 6), {{"IG-DPO", 1'000'000}}),
  };
}

std::optional<int64_t> Population(const std::string& ccg) {
  static const std::map<std::string, int64_t> kPopulation = {{"02E", 200'000}, {"27D", 8'000}, {"12F", 0}};
  auto it = kPopulation.find(ccg);
  if (it == kPopulation.end()) return std::nullopt;
  return it->second;
}

// One row of a table, keyed by column name.
struct Row {
  const report::ReportTable& t;
  size_t i;
  const report::Cell& operator[](std::string_view column) const { return t.rows.at(i).at(t.ColumnIndex(column)); }
};

Row Find(const report::ReportTable& t, std::string_view column, const std::string& text) {
  for (size_t i = 0; i < t.rows.size(); ++i)
    if (t.rows[i][t.ColumnIndex(column)].text == text) return {t, i};
  ADD_FAILURE() << "no row with " << column << " = " << text << " in " << t.title;
  return {t, 0};
}

TEST(BillingViews, CostPerHeadAnnualisesOverTheMonthsWithALiveInvoice) {
  report::ReportTable t = CostPerHeadTable(Documents(), Period(2018, 6), Population);
  ASSERT_EQ(t.rows.size(), 2u);
  // 02E, July 2017 to June 2018 (INV-000099, June 2017, is outside):
  //   net = 15,000,000 + 16,000,000 − 16,000,000 (CN-000001) + 15,500,000 + 15,250,001 = 45,750,001
  //   months with a live invoice: April, May (INV-000003), June = 3
  //   a year at this rate = 45,750,001 × 12 ÷ 3 = 183,000,004
  //   a head = 183,000,004 ÷ 200,000 = 915.00002 → 915p (£9.15): within £5–15
  //   share of the running-cost allowance = 915 ÷ 2,207
  Row e = Find(t, "ccg", "02E");
  EXPECT_EQ(e["months_invoiced"].number, 3);
  EXPECT_EQ(e["net_charges"].number, 45'750'001);
  EXPECT_EQ(e["annualised"].number, 183'000'004);
  EXPECT_EQ(e["population"].number, 200'000);
  EXPECT_EQ(e["per_head"].number, 915);
  EXPECT_EQ(e["against_range"].text, "within the range");
  EXPECT_DOUBLE_EQ(e["share_of_rca"].real, 915.0 / 2207.0);
  // 27D: one month, 1,000,000 → 12,000,000 a year ÷ 8,000 = 1,500p (£15.00)
  // a head, the top of the range, which is still within it.
  Row d = Find(t, "ccg", "27D");
  EXPECT_EQ(d["months_invoiced"].number, 1);
  EXPECT_EQ(d["annualised"].number, 12'000'000);
  EXPECT_EQ(d["per_head"].number, 1500);
  EXPECT_EQ(d["against_range"].text, "within the range");
}

TEST(BillingViews, CostPerHeadWindowIsTwelveMonthsAndACreditedMonthIsNotCounted) {
  // Through May 2018 the twelve months are June 2017 to May 2018, so June
  // 2017's INV-000099 is in (the first month of the window) and 27D's June
  // 2018 invoice is out. With no population known there is no figure a head.
  //   net = 99,999,999 + 15,000,000 + 16,000,000 − 16,000,000 + 15,500,000 = 130,499,999
  //   live months: June 2017, April, May = 3 → a year: 130,499,999 × 12 ÷ 3 = 521,999,996
  std::vector<Invoice> docs = Documents();
  report::ReportTable t = CostPerHeadTable(docs, Period(2018, 5), [](const std::string&) {
    return std::optional<int64_t>();
  });
  ASSERT_EQ(t.rows.size(), 1u);
  Row e = Find(t, "ccg", "02E");
  EXPECT_EQ(e["months_invoiced"].number, 3);
  EXPECT_EQ(e["net_charges"].number, 130'499'999);
  EXPECT_EQ(e["annualised"].number, 521'999'996);
  EXPECT_TRUE(e["per_head"].empty());
  EXPECT_EQ(e["against_range"].text, "");

  // A credited invoice alone (INV-000002 and CN-000001, through June 2018:
  // July 2017 to June 2018) leaves no live month: 0 a year, not a division
  // by zero.
  docs = {docs[2], docs[3]};
  report::ReportTable credited = CostPerHeadTable(docs, Period(2018, 6), Population);
  ASSERT_EQ(credited.rows.size(), 1u);
  Row c = Find(credited, "ccg", "02E");
  EXPECT_EQ(c["months_invoiced"].number, 0);
  EXPECT_EQ(c["net_charges"].number, 0);
  EXPECT_EQ(c["annualised"].number, 0);
  EXPECT_EQ(c["per_head"].number, 0);
  EXPECT_EQ(c["against_range"].text, "below the range");
}

TEST(BillingViews, RevenueIsNetOfCreditNotesByServiceAndByCustomer) {
  const Catalogue catalogue = GoldenCatalogue();
  report::ReportTable s = RevenueByServiceTable(Documents(), catalogue, Period(2018, 4), Period(2018, 6));
  // April to June 2018, largest first, then the total row:
  //   BI-CORE   10,000,000 + 11,000,000 − 11,000,000 + 10,500,000 + 10,250,001 = 30,750,001 (02E)
  //   CONTRACTS  5,000,000 × 4 − 5,000,000                                     = 15,000,000 (02E)
  //   IG-DPO     1,000,000                                                     =  1,000,000 (27D)
  //   total 46,750,001
  ASSERT_EQ(s.rows.size(), 4u);
  EXPECT_EQ(s.rows[0][s.ColumnIndex("item")].text, "BI-CORE");
  EXPECT_EQ(s.rows[1][s.ColumnIndex("item")].text, "CONTRACTS");
  EXPECT_EQ(s.rows[2][s.ColumnIndex("item")].text, "IG-DPO");
  EXPECT_EQ(s.rows[0][s.ColumnIndex("name")].text, "Business intelligence core");
  EXPECT_EQ(s.rows[0][s.ColumnIndex("net")].number, 30'750'001);
  EXPECT_EQ(s.rows[1][s.ColumnIndex("net")].number, 15'000'000);
  EXPECT_EQ(s.rows[2][s.ColumnIndex("net")].number, 1'000'000);
  EXPECT_EQ(s.rows[3][s.ColumnIndex("net")].number, 46'750'001);
  EXPECT_EQ(s.rows[0][s.ColumnIndex("customers")].number, 1);
  EXPECT_DOUBLE_EQ(s.rows[1][s.ColumnIndex("share")].real, 15'000'000.0 / 46'750'001.0);

  report::ReportTable c = RevenueByCustomerTable(Documents(), Period(2018, 4), Period(2018, 6), Population);
  // 02E: net 45,750,001 from 3 live invoices (INV-000002 was credited);
  //   VAT 3,000,000 + 3,200,000 − 3,200,000 + 3,100,000 + 3,050,000 (15,250,001 × 20 % = 3,050,000.2)
  //   = 9,150,000; a head 45,750,001 ÷ 200,000 = 228.750005 → 229p
  // 27D: 1,000,000, 1 invoice, VAT 200,000; a head 1,000,000 ÷ 8,000 = 125p
  // Total: 46,750,001 over 208,000 patients = 224.7596… → 225p a head
  ASSERT_EQ(c.rows.size(), 3u);
  Row e = Find(c, "ccg", "02E");
  EXPECT_EQ(e["invoices"].number, 3);
  EXPECT_EQ(e["net"].number, 45'750'001);
  EXPECT_EQ(e["vat"].number, 9'150'000);
  EXPECT_EQ(e["per_head"].number, 229);
  Row d = Find(c, "ccg", "27D");
  EXPECT_EQ(d["invoices"].number, 1);
  EXPECT_EQ(d["net"].number, 1'000'000);
  EXPECT_EQ(d["vat"].number, 200'000);
  EXPECT_EQ(d["per_head"].number, 125);
  const auto& total = c.rows[2];
  EXPECT_EQ(total[c.ColumnIndex("net")].number, 46'750'001);
  EXPECT_EQ(total[c.ColumnIndex("population")].number, 208'000);
  EXPECT_EQ(total[c.ColumnIndex("per_head")].number, 225);
}

Subscription Sub(const std::string& ccg, const std::string& item, Date start, int32_t term, int32_t notice,
                 int64_t discount_bp = 0) {
  Subscription s;
  s.ccg = ccg;
  s.item = item;
  s.start = start;
  s.term_months = term;
  s.notice_months = notice;
  s.discount_bp = discount_bp;
  return s;
}

TEST(BillingViews, RenewalsListTermsEndingSoonWithNoticeDateAndMonthlyCharge) {
  const Catalogue catalogue = GoldenCatalogue();
  const std::vector<Subscription> subs = {
      // Ends before 2021-04-01; notice 6 months: by the day before 2020-10-01.
      Sub("02E", "BI-CORE", Date::FromYmd(2018, 4, 1), 36, 6, 500),
      // Ends before 2021-04-01 too, but renewed back to back: not at risk.
      Sub("02E", "CONTRACTS", Date::FromYmd(2018, 4, 1), 36, 6),
      Sub("02E", "CONTRACTS", Date::FromYmd(2021, 4, 1), 24, 6),
      // Ends before 2021-01-01; notice 2 months: by 2020-10-31.
      Sub("27D", "IG-DPO", Date::FromYmd(2019, 1, 1), 24, 2),
      // Ends before 2022-04-01: more than 6 months away.
      Sub("12F", "BI-CORE", Date::FromYmd(2019, 4, 1), 36, 6),
  };
  report::ReportTable t = RenewalsTable(subs, catalogue, Date::FromYmd(2020, 11, 15), 6, Population);
  ASSERT_EQ(t.rows.size(), 3u);  // two due, soonest first, and the total
  const size_t ccg = t.ColumnIndex("ccg"), ends = t.ColumnIndex("ends"), notice = t.ColumnIndex("notice_by"),
               left = t.ColumnIndex("months_left"), monthly = t.ColumnIndex("monthly");
  EXPECT_EQ(t.rows[0][ccg].text, "27D");
  EXPECT_EQ(t.rows[0][ends].text, "2021-01-01");
  EXPECT_EQ(t.rows[0][notice].text, "2020-10-31");
  EXPECT_EQ(t.rows[0][left].number, 2);  // November 2020 to January 2021
  // IG-DPO is fixed_year at £12,000.00: 1,200,000 ÷ 12 = 100,000 a month.
  EXPECT_EQ(t.rows[0][monthly].number, 100'000);
  EXPECT_EQ(t.rows[1][ccg].text, "02E");
  EXPECT_EQ(t.rows[1][ends].text, "2021-04-01");
  EXPECT_EQ(t.rows[1][notice].text, "2020-09-30");
  EXPECT_EQ(t.rows[1][left].number, 5);
  // BI-CORE in November 2020 is £4.25 a head a year (from July 2018):
  //   200,000 × 425 ÷ 12 = 7,083,333.33 → 7,083,333; 5 % off: −354,166.65 → −354,167
  //   a month: 7,083,333 − 354,167 = 6,729,166
  EXPECT_EQ(t.rows[1][monthly].number, 6'729'166);
  EXPECT_EQ(t.rows[2][monthly].number, 6'829'166);  // at risk: 100,000 + 6,729,166
}

TEST(BillingViews, ForecastUsesEachMonthsPriceAndLeavesUsageOut) {
  const Catalogue catalogue = GoldenCatalogue();
  const std::vector<Subscription> subs = {
      Sub("02E", "BI-CORE", Date::FromYmd(2018, 4, 1), 18, 6, 500),
      Sub("27D", "IG-DPO", Date::FromYmd(2018, 6, 1), 24, 6),
      Sub("12F", "PAYROLL", Date::FromYmd(2018, 4, 1), 24, 6),  // per payslip: not forecast
  };
  report::ReportTable t = ForecastTable(subs, catalogue, Period(2018, 5), 3, Population);
  ASSERT_EQ(t.rows.size(), 4u);
  const size_t n = t.ColumnIndex("subscriptions"), customers = t.ColumnIndex("customers"),
               recurring = t.ColumnIndex("recurring");
  // May 2018, BI-CORE at £4.10: 200,000 × 410 ÷ 12 = 6,833,333.33 → 6,833,333;
  //   5 % off: −341,666.65 → −341,667; net 6,491,666. PAYROLL covers the month but adds 0.
  EXPECT_EQ(t.rows[0][t.ColumnIndex("period")].text, "2018-05");
  EXPECT_EQ(t.rows[0][n].number, 2);
  EXPECT_EQ(t.rows[0][customers].number, 2);
  EXPECT_EQ(t.rows[0][recurring].number, 6'491'666);
  // June: IG-DPO starts, 1,200,000 ÷ 12 = 100,000 → 6,591,666.
  EXPECT_EQ(t.rows[1][n].number, 3);
  EXPECT_EQ(t.rows[1][customers].number, 3);
  EXPECT_EQ(t.rows[1][recurring].number, 6'591'666);
  // July: BI-CORE's £4.25 version takes effect: 7,083,333 − 354,167 = 6,729,166, + 100,000.
  EXPECT_EQ(t.rows[2][recurring].number, 6'829'166);
  // Total: 6,491,666 + 6,591,666 + 6,829,166 = 19,912,498.
  EXPECT_EQ(t.rows[3][recurring].number, 19'912'498);
}

}  // namespace
}  // namespace csu::billing
