// The table pricer's contract: every row of a loaded table gets exactly
// what the per-record pricer gives the record that row holds (tariff year,
// POD, not-priced reason, and for priced rows every money column), over
//  - a synthetic year of the demo CSU (a few practices of each of its
//    CCGs), generated, ingested and loaded through a real Store, priced at
//    its own year and at each tariff year by override; and
//  - spells made from every HRG of the tariff, with every admission type,
//    stays of 0-60 days, specialised flags, unbundled HRGs, providers
//    without an MFF and dates outside the loaded years, through a Store.
#include "pricing/table_pricer.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "ingest/file_ingester.h"
#include "ingest/pseudonymiser.h"
#include "pricing/priced_activity.h"
#include "pricing/pricing_math.h"
#include "pricing/table_records.h"
#include "refdata/refdata.h"
#include "refdata/refdata_for_tests.h"
#include "store/sha256.h"
#include "store/store.h"
#include "store/store_testing.h"
#include "synth/generator.h"

namespace csu::pricing {
namespace {

using ingest::ExtractKind;

const refdata::RefData& Ref() { return refdata::TestRefData(); }

// Compares row i of `priced` with the per-record price; returns "" or what differs.
std::string Mismatch(const PricedColumns& priced, size_t i, const Price& want) {
  const Price got = priced.At(i);
  std::string d;
  auto check = [&](const char* what, int64_t g, int64_t w) {
    if (g != w) d += std::string(what) + " " + std::to_string(g) + " vs " + std::to_string(w) + "; ";
  };
  check("tariff year", got.tariff_year.start_year(), want.tariff_year.start_year());
  check("pod", static_cast<int64_t>(got.pod), static_cast<int64_t>(want.pod));
  check("not priced", static_cast<int64_t>(got.not_priced), static_cast<int64_t>(want.not_priced));
  if (want.priced()) {
    check("final", got.final_price.pence(), want.final_price.pence());
    check("base", got.base.pence(), want.base.pence());
    if (!priced.excess_bed_days.empty()) {
      check("excess days", got.excess_bed_days, want.excess_bed_days);
      check("excess payment", got.excess_bed_day_payment.pence(), want.excess_bed_day_payment.pence());
      check("adjustments", got.adjustments.pence(), want.adjustments.pence());
    }
  } else {
    check("final (not priced)", got.final_price.pence(), 0);
  }
  return d;
}

// Prices `tables` both ways and expects equality on every row; returns the
// number of priced rows of each kind (so callers can check coverage).
struct Counts {
  size_t rows = 0, priced = 0, exact_path = 0;
  std::map<NotPriced, size_t> by_reason;
  std::map<Pod, size_t> by_pod;
};
Counts ExpectSamePrices(const store::ActivityTables& tables, const PricingOptions& options) {
  // PriceTable keeps every detail, so each is compared; PriceActivity keeps
  // what analytics reads (final, POD, reason), the same, and drops the rest.
  const TableTariff tariff(tables.codes, Ref(), options);
  PricedActivity activity;
  PriceTable(tables.apc, tariff, activity.apc);
  PriceTable(tables.op, tariff, activity.op);
  PriceTable(tables.ae, tariff, activity.ae);
  const PricedActivity loaded = PriceActivity(tables, Ref(), options);
  for (const auto& [kept, full] : {std::pair{&loaded.apc, &activity.apc}, std::pair{&loaded.op, &activity.op},
                                   std::pair{&loaded.ae, &activity.ae}}) {
    EXPECT_TRUE(full->has_details());
    EXPECT_FALSE(kept->has_details() && kept->size() > 0);
    EXPECT_TRUE(kept->base_pence.empty() && kept->adjustment_pence.empty() && kept->excess_bed_days.empty());
    EXPECT_EQ(kept->final_pence, full->final_pence);
    EXPECT_EQ(kept->pod, full->pod);
    EXPECT_EQ(kept->not_priced, full->not_priced);
  }
  Counts counts;
  int failures = 0;
  auto compare = [&](const PricedColumns& priced, size_t i, const Price& want, const std::string& what) {
    ++counts.rows;
    counts.priced += want.priced();
    counts.exact_path += want.priced() && (want.top_up_ppm != 0 || want.unbundled_count + want.unbundled_unpriced > 0);
    ++counts.by_reason[want.not_priced];
    ++counts.by_pod[want.pod];
    std::string d = Mismatch(priced, i, want);
    if (!d.empty() && ++failures <= 10) ADD_FAILURE() << what << " row " << i << ": " << d;
  };
  for (size_t i = 0; i < tables.apc.size(); ++i) {
    compare(activity.apc, i, PriceApc(ApcRecordAt(tables, i), Ref(), options), "apc");
  }
  for (size_t i = 0; i < tables.op.size(); ++i) {
    compare(activity.op, i, PriceOp(OpRecordAt(tables, i), Ref(), options), "op");
  }
  for (size_t i = 0; i < tables.ae.size(); ++i) {
    compare(activity.ae, i, PriceAe(AeRecordAt(tables, i), Ref(), options), "ae");
  }
  EXPECT_EQ(failures, 0);
  return counts;
}

// Generates the demo CSU's year (`practices_per_ccg` practices of each of its
// CCGs, or all of them when 0), ingests it through a real store, and checks
// every row of every kind against the per-record pricer, at its own tariff
// years and at each year by override.
void CheckSyntheticYear(size_t practices_per_ccg, const char* scratch) {
  store::testing::ScratchDir dir(scratch);
  synth::SynthOptions synth;
  synth.out_dir = dir.path() + "/extracts";
  synth.progress = false;
  // No practices listed means every practice: exactly what `csu synth` makes.
  for (const char* ccg : {"27D", "02E", "12F"}) {
    if (practices_per_ccg == 0) break;
    size_t n = 0;
    for (const auto& p : Ref().practices()) {
      if (p.ccg.view() == ccg && n < practices_per_ccg) {
        synth.practices.push_back(p.code);
        ++n;
      }
    }
  }
  ASSERT_TRUE(synth::Generate(Ref(), synth).ok());

  const auto key = ingest::Pseudonymiser::FromKey(std::array<uint8_t, 32>{3});
  auto store = store::Store::Open(dir.state(), key.Fingerprint());
  ASSERT_TRUE(store.ok());
  for (ExtractKind kind : {ExtractKind::kApc, ExtractKind::kOp, ExtractKind::kAe}) {
    auto builder = store.value()->NewBatch(kind);
    ASSERT_TRUE(builder.ok());
    const std::string path = synth.out_dir + "/" + std::string(ingest::KindName(kind)) + ".csv";
    auto report = ingest::IngestFile(path, kind, Ref(), key, *builder.value(), nullptr);
    ASSERT_TRUE(report.ok());
    store::BatchInfo info;
    info.file_name = report.value().file_name;
    info.content_sha256 = report.value().content_sha256;
    info.loaded_by = "test";
    ASSERT_TRUE(store.value()->CommitBatch(std::move(builder).value(), info).ok());
  }
  auto tables = store.value()->LoadAll();
  ASSERT_TRUE(tables.ok());
  ASSERT_GT(tables.value().apc.size(), 1000u);

  const Counts own = ExpectSamePrices(tables.value(), {});
  EXPECT_GT(own.priced, own.rows / 2);
  for (int year : {2016, 2017, 2018}) {
    PricingOptions options;
    options.tariff_year = FinancialYear(year);
    ExpectSamePrices(tables.value(), options);
  }

  // LoadPriced gives the same columns as pricing the loaded tables.
  auto loaded = LoadPriced(*store.value(), Ref());
  ASSERT_TRUE(loaded.ok());
  const PricedActivity direct = PriceActivity(tables.value(), Ref());
  EXPECT_EQ(loaded.value().apc.final_pence, direct.apc.final_pence);
  EXPECT_EQ(loaded.value().op.final_pence, direct.op.final_pence);
  EXPECT_EQ(loaded.value().ae.final_pence, direct.ae.final_pence);
  // A loaded, priced spell stays within the issue's 48 bytes: every column
  // of the table (secondary diagnoses, sparse stay days, source-row runs and
  // both indexes included) and the prices kept beside it.
  const auto& a = loaded.value();
  const double per_spell = static_cast<double>(store::ColumnBytes(a.tables.apc) + a.apc.Bytes()) /
                           static_cast<double>(a.tables.apc.size());
  EXPECT_LE(per_spell, 48.0);
  EXPECT_GT(per_spell, 40.0);  // secondary diagnoses are there to count
}

TEST(TablePricerTest, DemoCsuYearThroughAStoreMatchesThePerRecordPricer) { CheckSyntheticYear(3, "table-pricer"); }

// The whole demo year (every practice of 27D, 02E and 12F, 2018/19, seed 1:
// about 3.9 million records), as `make demo` loads it: `csu price` and the
// stored-record pricing agree on every record. Slow tier.
TEST(TablePricerSlowTest, WholeDemoYearMatchesThePerRecordPricer) { CheckSyntheticYear(0, "table-pricer-demo"); }

TEST(TablePricerTest, EveryHrgAndRuleThroughAStoreMatchesThePerRecordPricer) {
  // Every HRG of every tariff year, several times over, with the inputs
  // that reach each rule; a fixed seed keeps the test repeatable.
  std::mt19937_64 rng(4);
  const char* methods[] = {"11", "12", "13", "21", "2A", "28", "31", "81"};
  const char* providers[] = {"RBT", "R1H", "RRV", "RJ8", "RZZ"};  // RZZ has no MFF
  const char* flags[] = {"", "", "", "NCBPS06Z", "NCBPS29M", "XYZ"};
  // 102 and 328 have no outpatient attendance price (sheet 11) but are
  // priced for spells; 710 and 319 are excluded from admitted care (sheet 8).
  const char* tfcs[] = {"100", "300", "102", "501", "328", "710", "319"};
  std::vector<HrgCode> hrgs = {HrgCode::Parse("UZ01Z").value()};  // ungroupable
  for (const char* code : {"DZ01Z", "DZ13A", "DZ13B", "DZ33Z", "DZ36Z", "DZ38Z", "DZ45Z"}) {  // no national price
    hrgs.push_back(HrgCode::Parse(code).value());
  }
  for (const auto& row : Ref().Tariff(FinancialYear(2017))->apc()) hrgs.push_back(row.hrg);
  std::vector<HrgCode> unbundled;
  for (const auto& row : Ref().Tariff(FinancialYear(2017))->unbundled()) unbundled.push_back(row.hrg);
  hrgs.insert(hrgs.end(), unbundled.begin(), unbundled.end());
  store::testing::ScratchDir dir("table-pricer-rules");
  auto store = store::Store::Open(dir.state(), store::testing::kFingerprint);
  ASSERT_TRUE(store.ok());
  auto builder = store.value()->NewBatch(ExtractKind::kApc);
  ASSERT_TRUE(builder.ok());
  int64_t n = 0;
  for (const HrgCode& hrg : hrgs) {
    for (int k = 0; k < 4; ++k) {
      ingest::ApcRecord s = store::testing::MakeApc(static_cast<uint64_t>(n));
      s.spell_id = "R" + std::to_string(n++);
      s.common.provider = OdsCode::Parse(providers[rng() % 5]).value();
      s.common.age_years = static_cast<uint8_t>(rng() % 40);  // 18 and 19 both common
      s.hrg = hrg;
      s.admission_method = methods[rng() % 8];
      s.patient_classification = "1122345"[rng() % 7];
      s.admission_date = Date::FromYmd(2016, 1, 1).AddDays(static_cast<int32_t>(rng() % (365 * 4)));
      s.discharge_date = s.admission_date.AddDays(static_cast<int32_t>(rng() % 3 == 0 ? rng() % 61 : rng() % 3));
      s.critical_care_days = static_cast<int32_t>(rng() % 4 == 0 ? rng() % 5 : 0);
      s.treatment_function = TreatmentFunctionCode::Parse(tfcs[rng() % 7]).value();
      s.specialised_service = flags[rng() % 6];
      s.unbundled_hrgs.clear();
      // Half the unbundled HRGs from the unbundled list (imaging, chemotherapy
      // and radiotherapy delivery), so every setting rule is reached often.
      for (uint64_t u = rng() % 6; u < 3; ++u) {
        s.unbundled_hrgs.push_back(rng() % 2 ? unbundled[rng() % unbundled.size()] : hrgs[rng() % hrgs.size()]);
      }
      builder.value()->AddApc(s);
    }
  }
  store::BatchInfo info;
  info.file_name = "rules.csv";
  info.content_sha256 = store::Sha256Hex("rules");
  info.loaded_by = "test";
  ASSERT_TRUE(store.value()->CommitBatch(std::move(builder).value(), info).ok());
  auto tables = store.value()->Load(ExtractKind::kApc);
  ASSERT_TRUE(tables.ok());
  Counts counts = ExpectSamePrices(tables.value(), {});
  // Every rule is really exercised: each reason, each point of delivery,
  // and many rows through the exact path (top-ups, unbundled HRGs). (The
  // loaded tariffs publish an elective and a non-elective price for every
  // HRG, so "no price for this point of delivery" cannot arise for spells.)
  for (NotPriced reason : {NotPriced::kPriced, NotPriced::kNoTariffYear, NotPriced::kUngroupable,
                           NotPriced::kRegularAttender, NotPriced::kHrgNoNationalPrice, NotPriced::kTfcServiceExclusion,
                           NotPriced::kHrgNotInTariff, NotPriced::kNoMff}) {
    EXPECT_GT(counts.by_reason[reason], 0u) << NotPricedText(reason);
  }
  for (Pod pod : {Pod::kDayCase, Pod::kElective, Pod::kNonElective, Pod::kNonElectiveShortStay,
                  Pod::kNonElectiveNonEmergency, Pod::kRegularAttender}) {
    EXPECT_GT(counts.by_pod[pod], 10u) << PodCode(pod);
  }
  EXPECT_GT(counts.exact_path, counts.priced / 4);

  // The loaded table holds its stay days sparse (store::SparsifyStayDays);
  // the same rows with them dense, as a table being built holds them, price
  // alike column for column, details included.
  const store::ApcTable& sparse = tables.value().apc;
  ASSERT_FALSE(sparse.dense_stay_days());
  ASSERT_FALSE(sparse.stay_days.empty());
  store::ApcTable dense = sparse;
  for (size_t i = 0; i < sparse.size(); ++i) {
    const store::StayDays d = sparse.StayDaysAt(i);
    dense.critical_care_days.push_back(d.critical_care);
    dense.rehabilitation_days.push_back(d.rehabilitation);
    dense.palliative_care_days.push_back(d.palliative_care);
  }
  dense.stay_days_row.clear();
  dense.stay_days.clear();
  ASSERT_TRUE(dense.dense_stay_days());
  const TableTariff tariff(tables.value().codes, Ref(), {});
  PricedColumns from_sparse, from_dense;
  PriceTable(sparse, tariff, from_sparse);
  PriceTable(dense, tariff, from_dense);
  EXPECT_EQ(from_sparse.final_pence, from_dense.final_pence);
  EXPECT_EQ(from_sparse.base_pence, from_dense.base_pence);
  EXPECT_EQ(from_sparse.adjustment_pence, from_dense.adjustment_pence);
  EXPECT_EQ(from_sparse.excess_bed_day_pence, from_dense.excess_bed_day_pence);
  EXPECT_EQ(from_sparse.excess_bed_days, from_dense.excess_bed_days);
  EXPECT_EQ(from_sparse.pod, from_dense.pod);
  EXPECT_EQ(from_sparse.not_priced, from_dense.not_priced);
  EXPECT_EQ(from_sparse.tariff_year, from_dense.tariff_year);
  // And they are read: without them some spells have more excess bed days.
  store::ApcTable none = sparse;
  none.stay_days_row.clear();
  none.stay_days.clear();
  PricedColumns without;
  PriceTable(none, tariff, without);
  EXPECT_NE(without.excess_bed_days, from_dense.excess_bed_days);
}

TEST(TablePricerTest, Int64RoundingEqualsTheExactRule) {
  for (int64_t x : {0LL, 1LL, 499'999LL, 500'000LL, 500'001LL, 1'499'999LL, 1'500'000LL, -1LL, -500'000LL,
                    -500'001LL, -1'500'000LL, 123'456'789'500'000LL, -123'456'789'500'000LL}) {
    EXPECT_EQ(detail::DivPpmRoundHalfAway(x), DivRoundHalfAway(static_cast<Int128>(x) * 1'000'000, Int128{1'000'000'000'000}))
        << x;
  }
}

}  // namespace
}  // namespace csu::pricing
