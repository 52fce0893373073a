// A stored row's explanation (the text `csu price explain` prints and the
// records page shows) agrees with the price analytics reads for that row.
#include "pricing/price_explanation.h"

#include <gtest/gtest.h>

#include <fstream>

#include "ingest/file_ingester.h"
#include "ingest/pseudonymiser.h"
#include "pricing/priced_activity.h"
#include "refdata/refdata.h"
#include "refdata/refdata_for_tests.h"
#include "store/env.h"
#include "store/store.h"
#include "store/store_testing.h"
#include "pricing/ingest_for_tests.h"

namespace csu::pricing {
namespace {

TEST(PriceExplanation, AStoredRowIsExplainedWithThePriceAnalyticsReads) {
  store::testing::ScratchDir dir("explain");
  ASSERT_TRUE(store::Env::Default().CreateDir(dir.path()).ok());
  const auto key = ingest::Pseudonymiser::FromKey(std::array<uint8_t, 32>{3});
  auto opened = store::Store::Open(dir.state(), key.Fingerprint());
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  store::Store& s = *opened.value();
  // An emergency spell, a short stay, and one whose HRG has no national price.
  auto ingested = testing::IngestCsv(
      s, dir.path() + "/apc.csv",
      "nhs_number,date_of_birth,sex,gp_practice,commissioner,provider,spell_id,admission_date,"
      "discharge_date,admission_method,patient_classification,treatment_function,hrg,primary_diagnosis\n"
      "9434765919,1950-06-15,1,N81002,27D,RBT,S1,2018-05-01,2018-05-09,21,1,300,EB03E,I500\n"
      "9434765870,1962-11-30,2,N81002,27D,RBT,S2,2018-06-03,2018-06-03,21,1,300,EB03E,I500\n"
      "9434765919,1950-06-15,1,N81002,27D,RBT,S3,2018-07-10,2018-07-12,21,1,300,UZ01Z,R69X\n",
      ingest::ExtractKind::kApc, key);
  ASSERT_TRUE(ingested.ok()) << ingested.error().ToString();
  auto priced = LoadPriced(s, refdata::TestRefData());
  ASSERT_TRUE(priced.ok()) << priced.error().ToString();
  const PricedActivity& a = priced.value();
  ASSERT_EQ(a.tables.apc.size(), 3u);
  int explained_priced = 0;
  for (size_t row = 0; row < a.tables.apc.size(); ++row) {
    const std::string text = ExplainTableRow(a, refdata::TestRefData(), ingest::ExtractKind::kApc, row);
    const Price stored = a.apc.At(row);
    SCOPED_TRACE(text);
    EXPECT_NE(text.find("  tariff year            2018/19\n"), std::string::npos);
    if (stored.priced()) {
      ++explained_priced;
      EXPECT_NE(text.find("  final price            " + stored.final_price.ToString() + "\n"), std::string::npos);
      EXPECT_NE(text.find("  MFF                    "), std::string::npos);
      EXPECT_NE(text.find("(RBT)"), std::string::npos);
    } else {
      EXPECT_NE(text.find("  not priced             " + std::string(NotPricedText(stored.not_priced))),
                std::string::npos);
    }
  }
  EXPECT_EQ(explained_priced, 2);
}

}  // namespace
}  // namespace csu::pricing
