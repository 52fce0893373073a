// A stored row rebuilt as the record ingest produced: secondary diagnoses
// survive ingest -> store -> load -> ApcRecordAt, in position order, and
// again after the column file is rebuilt from the retained rows.
#include "pricing/table_records.h"

#include <gtest/gtest.h>

#include <fstream>

#include "ingest/file_ingester.h"
#include "ingest/pseudonymiser.h"
#include "refdata/refdata.h"
#include "refdata/refdata_for_tests.h"
#include "store/env.h"
#include "store/store.h"
#include "store/store_testing.h"
#include "pricing/ingest_for_tests.h"

namespace csu::pricing {
namespace {

TEST(TableRecords, SecondaryDiagnosesSurviveIngestStoreLoadAndRebuild) {
  store::testing::ScratchDir dir("secondary");
  ASSERT_TRUE(store::Env::Default().CreateDir(dir.path()).ok());
  const auto key = ingest::Pseudonymiser::FromKey(std::array<uint8_t, 32>{3});
  auto opened = store::Store::Open(dir.state(), key.Fingerprint());
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  store::Store& s = *opened.value();
  auto ingested = testing::IngestCsv(
      s, dir.path() + "/apc.csv",
      "nhs_number,date_of_birth,sex,gp_practice,commissioner,provider,spell_id,admission_date,"
      "discharge_date,admission_method,patient_classification,treatment_function,hrg,"
      "primary_diagnosis,secondary_diagnoses\n"
      "9434765919,1950-06-15,1,N81002,27D,RBT,S1,2018-05-01,2018-05-03,21,1,300,EB03E,S720,"
      "S7200;V435;I10X\n"
      "9434765870,1962-11-30,2,N81002,27D,RBT,S2,2018-06-03,2018-06-05,21,1,300,EB03E,I500,\n"
      "9434765919,1950-06-15,1,N81002,27D,RBT,S3,2018-07-10,2018-07-12,21,1,300,EB03E,I500,"
      "E119;S7200\n",
      ingest::ExtractKind::kApc, key);
  ASSERT_TRUE(ingested.ok()) << ingested.error().ToString();
  ASSERT_EQ(ingested.value().report.accepted, 3);

  auto check = [&](const char* when) {
    SCOPED_TRACE(when);
    auto tables = s.Load(ingest::ExtractKind::kApc);
    ASSERT_TRUE(tables.ok()) << tables.error().ToString();
    const store::ActivityTables& t = tables.value();
    ASSERT_EQ(t.apc.size(), 3u);
    // Five codes in all; S7200 appears twice but is one dictionary code.
    EXPECT_EQ(t.apc.secondary_diagnosis_row, (std::vector<uint32_t>{0, 0, 0, 2, 2}));
    EXPECT_EQ(t.apc.secondary_diagnosis[0], t.apc.secondary_diagnosis[4]);
    EXPECT_EQ(ApcRecordAt(t, 0).secondary_diagnoses, (std::vector<std::string>{"S7200", "V435", "I10X"}));
    EXPECT_TRUE(ApcRecordAt(t, 1).secondary_diagnoses.empty());
    EXPECT_EQ(ApcRecordAt(t, 2).secondary_diagnoses, (std::vector<std::string>{"E119", "S7200"}));
    EXPECT_EQ(ApcRecordAt(t, 0).primary_diagnosis, "S720");
  };
  check("as ingested");
  ASSERT_TRUE(s.Rebuild(ingested.value().batch.id, "test").ok());
  check("after the column file is rebuilt from the rows file");
  EXPECT_TRUE(s.Verify().value().empty());
}

}  // namespace
}  // namespace csu::pricing
