// Shared output (`csu report VIEW --shared`) tried the way a reader of it
// would: for every view, a small year of activity with counts that are
// hidden (1 to 7) or rounded, and an attempt to get the true count back from
// the other printed figures: a ratio against the published denominator,
// plan + variance, a total less the rows shown, spend ÷ share. Each attack
// is first run against the same table with only its counts controlled (the
// platform's behaviour before derived figures were controlled), where it
// must succeed: that shows the attack is real, so its failing on the shared
// table means something. Money ÷ a known price recovering a rounded count of
// 8 or more is allowed (docs/disclosure.md) and not attacked here.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "analytics/analytics_testing.h"
#include "analytics/commissioning_views.h"
#include "contracts/contract_store.h"
#include "refdata/refdata_for_tests.h"
#include "report/disclosure.h"
#include "store/store_testing.h"

namespace csu::analytics {
namespace {

using pricing::Pod;
using report::Cell;
using report::ReportTable;

constexpr const char* kPractice = "N81007";  // a 02E practice: 10,306 registered patients
constexpr int64_t kList = 10'306;
constexpr int kMonth = 3;  // June: the year to date is April to June

class SharedViewsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.path());
    auto db = contracts::ContractStore::Open(dir_.path());
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    db_ = std::move(db.value());
    // 02E holds one contract, with RBT: 120 NEL spells a year for £120,000
    // (30 and £30,000 to June) and no day cases planned.
    contracts::Contract c;
    c.commissioner = OdsCode::Parse("02E").value();
    c.provider = OdsCode::Parse("RBT").value();
    c.year = FinancialYear(2018);
    c.lines.push_back({Pod::kNonElective, 120, Money::FromPence(120'000'00), contracts::kFlatProfile});
    c.lines.push_back({Pod::kDayCase, 0, Money::FromPence(0), contracts::kFlatProfile});
    ASSERT_TRUE(db_->Replace({c}, {"2018-10-01T00:00:00Z", "test", ""}).ok());

    testing::SpellSpec s;
    s.practice = kPractice;
    // RBT: 13 NEL spells discharged in June (£1,000 each); patients 1-9 come
    // back as emergencies in July (9 of 13 readmitted within 30 days).
    for (uint32_t p = 1; p <= 13; ++p) {
      s.patient = p;
      s.admitted = "2018-06-01";
      s.discharged = "2018-06-05";
      t_.Spell(s);
      if (p <= 9) {
        testing::SpellSpec back = s;
        back.admitted = "2018-07-01";
        back.discharged = "2018-07-03";
        t_.Spell(back);
      }
    }
    // RBT: 3 day cases in April (£500 each); patient 21 is back as an
    // emergency 15 days later, a readmission withheld under the 30-day rule
    // (so 14 NEL spells to June, 1 withheld).
    for (uint32_t p = 21; p <= 23; ++p) {
      testing::SpellSpec dc = s;
      dc.patient = p;
      dc.admitted = dc.discharged = "2018-04-05";
      dc.method = "11";
      dc.pod = Pod::kDayCase;
      dc.pence = 500'00;
      t_.Spell(dc);
    }
    s.patient = 21;
    s.admitted = "2018-04-20";
    s.discharged = "2018-04-22";
    t_.Spell(s);
    // RWW, no contract (NCA): 3 NEL spells at £700, 20 first outpatient
    // appointments at £150, 1 A&E attendance at £140 (another practice).
    for (uint32_t p = 31; p <= 33; ++p) {
      testing::SpellSpec n = s;
      n.patient = p;
      n.provider = "RWW";
      n.admitted = n.discharged = "2018-04-10";
      n.pence = 700'00;
      t_.Spell(n);
    }
    testing::OpSpec op;
    op.practice = kPractice;
    op.provider = "RWW";
    op.pence = 150'00;
    for (uint32_t p = 41; p <= 60; ++p) {
      op.patient = p;
      t_.Op(op);
    }
    testing::AeSpec lone;
    lone.provider = "RWW";
    lone.patient = 99;
    lone.practice = "N81012";
    lone.arrival = "2018-05-03T10:00";
    t_.Ae(lone);
    // RJ1, no contract: the same appointment recorded 3 times (2 duplicates
    // challenged), £150 each.
    op.provider = "RJ1";
    op.patient = 71;
    op.date = "2018-05-02";
    for (int i = 0; i < 3; ++i) t_.Op(op);
    // RBT A&E in May: 13 attendances, 11 within 4 hours, 3 admitted.
    testing::AeSpec ae;
    ae.practice = kPractice;
    for (uint32_t p = 101; p <= 113; ++p) {
      ae.patient = p;
      ae.arrival = "2018-05-" + std::string(p - 100 < 10 ? "0" : "") + std::to_string(p - 100) + "T10:00";
      ae.minutes = p <= 111 ? 200 : 300;
      ae.disposal = p <= 103 ? "01" : "03";
      t_.Ae(ae);
    }
  }

  // The view as shared, and as it would be with only its counts controlled.
  std::pair<ReportTable, ReportTable> Build(const std::string& view) {
    CommissioningViews views(t_.activity(), refdata::TestRefData(), *db_);
    ViewRequest r;
    r.view = view;
    r.commissioner = "02E";
    r.month = kMonth;
    auto plain = views.Build(r);
    EXPECT_TRUE(plain.ok()) << plain.error().ToString();
    r.shared = true;
    auto shared = views.Build(r);
    EXPECT_TRUE(shared.ok()) << shared.error().ToString();
    if (!plain.ok() || !shared.ok()) return {};
    ReportTable counts_only = plain.value().tables.at(0);
    for (report::Column& c : counts_only.columns) c.derived = {};
    counts_only.subtotal_rows.clear();
    report::DisclosurePolicy policy;
    policy.suppress_derived = false;
    return {shared.value().tables.at(0), report::ApplyDisclosureControl(std::move(counts_only), policy).table()};
  }

  store::testing::ScratchDir dir_{"shared-views"};
  std::unique_ptr<contracts::ContractStore> db_;
  testing::TestActivity t_;
};

// The first row whose text cells named in `match` hold the given texts.
std::optional<size_t> RowWhere(const ReportTable& t, const std::vector<std::pair<std::string, std::string>>& match) {
  for (size_t r = 0; r < t.rows.size(); ++r) {
    bool all = true;
    for (const auto& [column, text] : match) {
      const Cell* c = t.Find(r, column);
      all = all && c != nullptr && c->kind == Cell::Kind::kText && c->text == text;
    }
    if (all) return r;
  }
  return std::nullopt;
}

std::optional<int64_t> Number(const ReportTable& t, size_t row, const std::string& column) {
  const Cell* c = t.Find(row, column);
  if (c == nullptr || c->kind != Cell::Kind::kNumber) return std::nullopt;
  return c->number;
}

std::optional<double> Real(const ReportTable& t, size_t row, const std::string& column) {
  const Cell* c = t.Find(row, column);
  if (c == nullptr || c->kind != Cell::Kind::kReal || !std::isfinite(c->real)) return std::nullopt;
  return c->real;
}

// A ratio printed beside its published denominator: the numerators n, over
// every denominator the published one could have been rounded from, with n
// ÷ d × scale equal to the printed ratio. One value is a recovery.
std::optional<int64_t> FromRatio(const ReportTable& t, size_t row, const std::string& ratio,
                                 const std::string& denominator, double scale = 1, int64_t fixed_denominator = 0) {
  std::optional<double> value = Real(t, row, ratio);
  if (!value) return std::nullopt;
  std::vector<int64_t> dens;
  if (fixed_denominator > 0) {
    dens.push_back(fixed_denominator);
  } else if (std::optional<int64_t> d = Number(t, row, denominator)) {
    for (int64_t x = std::max<int64_t>(1, *d - 2); x <= *d + 2; ++x) dens.push_back(x);
  } else {
    for (int64_t x = 1; x <= 7; ++x) dens.push_back(x);
  }
  std::set<int64_t> found;
  for (int64_t d : dens) {
    const int64_t top = fixed_denominator > 0 ? 100'000 : d;
    for (int64_t n = 0; n <= top; ++n)
      if (std::abs(double(n) / double(d) * scale - *value) < 1e-9 * std::max(1.0, *value)) found.insert(n);
  }
  if (found.size() != 1) return std::nullopt;
  return *found.begin();
}

// Runs `attack` on the counts-only table (must recover `truth`) and on the
// shared one (must not).
void ExpectOnlyCountsOnlyGivesItBack(const std::pair<ReportTable, ReportTable>& tables, int64_t truth,
                                     const std::function<std::optional<int64_t>(const ReportTable&)>& attack,
                                     const std::string& what) {
  const auto& [shared, counts_only] = tables;
  EXPECT_EQ(attack(counts_only), truth) << what << ": the attack should work when only counts are controlled";
  std::optional<int64_t> got = attack(shared);
  EXPECT_NE(got, truth) << what << ": recovered " << truth << " from the shared table";
}

TEST_F(SharedViewsTest, Monitoring) {
  auto tables = Build("monitoring");
  auto line = [](const ReportTable& t, const char* pod) { return RowWhere(t, {{"provider", "RBT"}, {"pod", pod}}); };
  // Day cases: plan 0, actual 3 (hidden). Plan + variance.
  ExpectOnlyCountsOnlyGivesItBack(tables, 3, [&](const ReportTable& t) -> std::optional<int64_t> {
    auto r = line(t, "DC");
    auto plan = r ? Number(t, *r, "plan_ytd_activity") : std::nullopt;
    auto var = r ? Number(t, *r, "variance_ytd_activity") : std::nullopt;
    if (!plan || !var) return std::nullopt;
    return *plan + *var;
  }, "DC plan + variance");
  // NEL: 14 spells (shown 15) against a plan of 30. Plan + variance, and the
  // plan + volume variance ÷ the plan's unit price.
  ExpectOnlyCountsOnlyGivesItBack(tables, 14, [&](const ReportTable& t) -> std::optional<int64_t> {
    auto r = line(t, "NEL");
    auto plan = r ? Number(t, *r, "plan_ytd_activity") : std::nullopt;
    auto var = r ? Number(t, *r, "variance_ytd_activity") : std::nullopt;
    if (!plan || !var) return std::nullopt;
    return *plan + *var;
  }, "NEL plan + variance");
  ExpectOnlyCountsOnlyGivesItBack(tables, 14, [&](const ReportTable& t) -> std::optional<int64_t> {
    auto r = line(t, "NEL");
    auto plan = r ? Number(t, *r, "plan_ytd_activity") : std::nullopt;
    auto plan_pence = r ? Number(t, *r, "plan_ytd") : std::nullopt;
    auto volume = r ? Number(t, *r, "volume_variance") : std::nullopt;
    if (!plan || !plan_pence || !volume || *plan == 0) return std::nullopt;
    return *plan + *volume / (*plan_pence / *plan);
  }, "NEL volume variance ÷ plan unit price");
  // The contract's TOTAL less every other row's £ (NEL, A&E, READM) is the
  // day cases' £ (3 × £500).
  ExpectOnlyCountsOnlyGivesItBack(tables, 3, [&](const ReportTable& t) -> std::optional<int64_t> {
    auto total = line(t, "TOTAL");
    auto dc = line(t, "DC");
    if (!total || !dc) return std::nullopt;
    auto hidden = Number(t, *total, "actual_ytd");
    if (!hidden) return std::nullopt;
    for (size_t r = 0; r < *total; ++r)
      if (r != *dc)
        if (auto v = Number(t, r, "actual_ytd")) *hidden -= *v;
    return *hidden / 500'00;
  }, "TOTAL less the other rows");
  // READM: one spell withheld, its £ is one NEL price (£1,000).
  ExpectOnlyCountsOnlyGivesItBack(tables, 1, [&](const ReportTable& t) -> std::optional<int64_t> {
    auto r = line(t, "READM");
    auto pence = r ? Number(t, *r, "actual_ytd") : std::nullopt;
    if (!pence) return std::nullopt;
    return -*pence / 1'000'00;
  }, "READM £ ÷ price");
  // And what is shown is the published figures' arithmetic: NEL 15 − 30.
  const ReportTable& shared = tables.first;
  auto nel = line(shared, "NEL");
  ASSERT_TRUE(nel);
  EXPECT_EQ(Number(shared, *nel, "actual_ytd_activity"), 15);
  EXPECT_EQ(Number(shared, *nel, "variance_ytd_activity"), -15);
  auto dc = line(shared, "DC");
  ASSERT_TRUE(dc);
  EXPECT_EQ(Number(shared, *dc, "plan_ytd_activity"), 0);
  EXPECT_EQ(shared.Find(*dc, "variance_ytd_activity")->kind, Cell::Kind::kSuppressed);
}

TEST_F(SharedViewsTest, Summary) {
  // RBT to June: 3 DC + 14 NEL = 17 spells (published 15), 13 A&E
  // attendances (15): each currency its own count, controlled like any; no
  // count is small, so the money and the status are shown.
  auto tables = Build("summary");
  const ReportTable& shared = tables.first;
  auto rbt = RowWhere(shared, {{"provider", "RBT"}});
  ASSERT_TRUE(rbt);
  EXPECT_EQ(Number(shared, *rbt, "spells_ytd"), 15);
  EXPECT_EQ(Number(shared, *rbt, "attendances_ytd"), 15);
  EXPECT_EQ(Number(shared, *rbt, "appointments_ytd"), 0);
  EXPECT_TRUE(Number(shared, *rbt, "actual_ytd"));
  EXPECT_EQ(shared.Find(*rbt, "status")->kind, Cell::Kind::kText);
}

TEST_F(SharedViewsTest, NonContract) {
  auto tables = Build("nca");
  // Hidden: RWW's 3 NEL spells (£2,100) and 1 A&E attendance (£140), RJ1's 3
  // appointments (£450). ALL less the rows whose counts are shown gives
  // their £ back.
  ExpectOnlyCountsOnlyGivesItBack(tables, 2'100'00 + 140'00 + 450'00, [&](const ReportTable& t) -> std::optional<int64_t> {
    auto all = RowWhere(t, {{"provider", "ALL"}});
    if (!all) return std::nullopt;
    auto total = Number(t, *all, "actual_ytd");
    if (!total) return std::nullopt;
    int64_t hidden = *total;
    for (size_t r = 0; r < t.rows.size(); ++r)
      if (r != *all && Number(t, r, "actual_ytd_activity"))  // a row whose count is shown
        if (auto v = Number(t, r, "actual_ytd")) hidden -= *v;
    return hidden;
  }, "ALL less the rows shown");
  // RWW NEL's own £ ÷ £700.
  ExpectOnlyCountsOnlyGivesItBack(tables, 3, [&](const ReportTable& t) -> std::optional<int64_t> {
    auto r = RowWhere(t, {{"provider", "RWW"}, {"pod", "NEL"}});
    auto pence = r ? Number(t, *r, "actual_ytd") : std::nullopt;
    if (!pence) return std::nullopt;
    return *pence / 700'00;
  }, "NEL £ ÷ price");
}

TEST_F(SharedViewsTest, Challenges) {
  auto tables = Build("challenges");
  // RJ1's 2 duplicate appointments: a list of challenges is a count by its
  // length; a summary by its count column.
  ExpectOnlyCountsOnlyGivesItBack(tables, 2, [&](const ReportTable& t) -> std::optional<int64_t> {
    int64_t n = 0;
    const bool summary = t.ColumnIndex("challenges") < t.columns.size();
    for (size_t r = 0; r < t.rows.size(); ++r) {
      const Cell* rule = t.Find(r, "rule");
      const Cell* provider = t.Find(r, "provider");
      if (rule == nullptr || rule->text != "duplicate" || provider == nullptr || provider->text != "RJ1") continue;
      if (!summary) {
        ++n;
        continue;
      }
      auto count = Number(t, r, "challenges");
      if (!count) return std::nullopt;
      n += *count;
    }
    return n;
  }, "duplicate challenges");
  // The shared table is the summary, and its £ at stake (2 × £150) is hidden.
  const ReportTable& shared = tables.first;
  auto r = RowWhere(shared, {{"provider", "RJ1"}, {"rule", "duplicate"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(shared.Find(*r, "at_stake")->kind, Cell::Kind::kSuppressed);
  for (const std::string& note : shared.notes) EXPECT_EQ(note.find("duplicate:"), std::string::npos) << note;
}

TEST_F(SharedViewsTest, Spend) {
  auto tables = Build("spend");
  // RJ1: 3 records, £450, hidden. RBT's spend ÷ its share is the CCG's
  // total; less the spend shown, it is RJ1's £; ÷ £150, its count.
  ExpectOnlyCountsOnlyGivesItBack(tables, 3, [&](const ReportTable& t) -> std::optional<int64_t> {
    auto rbt = RowWhere(t, {{"provider", "RBT"}});
    auto rj1 = RowWhere(t, {{"provider", "RJ1"}});
    if (!rbt || !rj1) return std::nullopt;
    auto spend = Number(t, *rbt, "spend");
    auto share = Real(t, *rbt, "share");
    if (!spend || !share) return std::nullopt;
    double hidden = double(*spend) / *share;
    for (size_t r = 0; r < t.rows.size(); ++r)
      if (r != *rj1)
        if (auto v = Number(t, r, "spend")) hidden -= double(*v);
    return std::llround(hidden / 150'00);
  }, "spend ÷ share");
}

TEST_F(SharedViewsTest, Flows) {
  auto tables = Build("flows");
  // N81007 → RJ1: 3 appointments, £450: the row's £ ÷ £150.
  ExpectOnlyCountsOnlyGivesItBack(tables, 3, [&](const ReportTable& t) -> std::optional<int64_t> {
    auto r = RowWhere(t, {{"practice", kPractice}, {"provider", "RJ1"}});
    auto pence = r ? Number(t, *r, "spend") : std::nullopt;
    if (!pence) return std::nullopt;
    return *pence / 150'00;
  }, "flow £ ÷ price");
}

TEST_F(SharedViewsTest, PracticeRates) {
  auto tables = Build("practices");
  const double per_1000_a_year = 12.0 * 1000.0 / kMonth;
  // N81007: 17 emergency admissions to June (14 at RBT, 3 at RWW), shown as
  // 15; the rate × list size gives the count.
  ExpectOnlyCountsOnlyGivesItBack(tables, 17, [&](const ReportTable& t) -> std::optional<int64_t> {
    auto r = RowWhere(t, {{"practice", kPractice}});
    return r ? FromRatio(t, *r, "emergency_per_1000", "", per_1000_a_year, kList) : std::nullopt;
  }, "emergency rate × list");
  // N81012: 1 A&E attendance, hidden.
  ExpectOnlyCountsOnlyGivesItBack(tables, 1, [&](const ReportTable& t) -> std::optional<int64_t> {
    auto r = RowWhere(t, {{"practice", "N81012"}});
    return r ? FromRatio(t, *r, "ae_per_1000", "", per_1000_a_year, 10'242) : std::nullopt;
  }, "A&E rate × list");
}

TEST_F(SharedViewsTest, Ae) {
  auto tables = Build("ae");
  auto may = [](const ReportTable& t) { return RowWhere(t, {{"provider", "RBT"}, {"month_name", "May"}}); };
  // 13 attendances (15), 11 within 4 hours (10): the review's example.
  ExpectOnlyCountsOnlyGivesItBack(tables, 11, [&](const ReportTable& t) -> std::optional<int64_t> {
    auto r = may(t);
    return r ? FromRatio(t, *r, "four_hour_performance", "attendances") : std::nullopt;
  }, "4-hour performance × attendances");
  // 3 admitted, hidden.
  ExpectOnlyCountsOnlyGivesItBack(tables, 3, [&](const ReportTable& t) -> std::optional<int64_t> {
    auto r = may(t);
    return r ? FromRatio(t, *r, "conversion", "attendances") : std::nullopt;
  }, "conversion × attendances");
  const ReportTable& shared = tables.first;
  auto r = may(shared);
  ASSERT_TRUE(r);
  EXPECT_EQ(Number(shared, *r, "attendances"), 15);
  EXPECT_EQ(Number(shared, *r, "within_4_hours"), 10);
  EXPECT_DOUBLE_EQ(*Real(shared, *r, "four_hour_performance"), 10.0 / 15);
}

TEST_F(SharedViewsTest, Readmissions) {
  auto tables = Build("readmissions");
  // RBT, June: 13 discharges (15), 9 readmitted (10).
  ExpectOnlyCountsOnlyGivesItBack(tables, 9, [&](const ReportTable& t) -> std::optional<int64_t> {
    auto r = RowWhere(t, {{"provider", "RBT"}, {"month_name", "Jun"}});
    return r ? FromRatio(t, *r, "rate", "discharges") : std::nullopt;
  }, "rate × discharges");
}

TEST_F(SharedViewsTest, EveryViewIsCoveredAndRecordsAreRefused) {
  // A view added to the list needs its own test above.
  const std::set<std::string> tested = {"summary", "monitoring", "nca", "challenges", "spend", "flows", "practices", "ae",
                                        "readmissions"};
  for (const std::string& v : ViewNames()) {
    if (v != "records") {
      EXPECT_TRUE(tested.count(v)) << v << " has no shared-output test";
    }
  }
  CommissioningViews views(t_.activity(), refdata::TestRefData(), *db_);
  ViewRequest r;
  r.view = "records";
  r.commissioner = "02E";
  r.provider = "RBT";
  r.shared = true;
  auto built = views.Build(r);
  ASSERT_FALSE(built.ok());
  EXPECT_NE(built.error().why.find("cannot be shared"), std::string::npos);
}

}  // namespace
}  // namespace csu::analytics
