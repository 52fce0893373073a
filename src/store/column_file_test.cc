#include "store/column_file.h"

#include <gtest/gtest.h>

#include "store/store_testing.h"

namespace csu::store {
namespace {

using ingest::ExtractKind;

BatchColumns EncodeApc(int n) {
  ColumnEncoder enc(ExtractKind::kApc, CodeDictionaries());
  for (int i = 0; i < n; ++i) enc.Add(testing::MakeApc(static_cast<uint64_t>(i)));
  EXPECT_TRUE(enc.status().ok());
  return enc.columns();
}

TEST(ColumnFile, RoundTripsEveryColumn) {
  BatchColumns c = EncodeApc(5000);
  Digest rows_sha = Sha256Of("rows");
  std::string file = EncodeColumnFile(c, rows_sha);
  auto reader = ColumnFileReader::Open(file, "b.cols", TrailerSha256Hex(file));
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  EXPECT_EQ(reader.value().rows(), 5000u);
  EXPECT_EQ(reader.value().kind(), ExtractKind::kApc);
  EXPECT_EQ(reader.value().rows_sha256(), rows_sha);
  auto back = DecodeBatchColumns(reader.value());
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  const BatchColumns& d = back.value();
  // Same columns in, same bytes out: every column survived.
  EXPECT_EQ(EncodeColumnFile(d, rows_sha), file);
  EXPECT_EQ(d.apc.hrg, c.apc.hrg);
  EXPECT_EQ(d.apc.unbundled_row, c.apc.unbundled_row);
  EXPECT_EQ(d.apc.unbundled_hrg, c.apc.unbundled_hrg);
  EXPECT_FALSE(c.apc.secondary_diagnosis_row.empty());
  EXPECT_EQ(d.apc.secondary_diagnosis_row, c.apc.secondary_diagnosis_row);
  EXPECT_EQ(d.apc.secondary_diagnosis, c.apc.secondary_diagnosis);
  EXPECT_EQ(d.patient_keys, c.patient_keys);
  EXPECT_EQ(d.record_id_offsets, c.record_id_offsets);
  EXPECT_EQ(d.record_id_bytes, c.record_id_bytes);
  EXPECT_EQ(d.record_id(42), "S42");
}

// A column file as written before secondary diagnoses were kept: every
// column but the secondary diagnosis pair.
std::string FileWithout(const BatchColumns& c, bool keep_rows_column) {
  ColumnFileWriter w(c.kind, c.rows(), Sha256Of("rows"));
  ForEachRowColumn(c.apc, [&](const char* name, const auto& values) { w.Add(name, values); });
  w.Add("unbundled_row", c.apc.unbundled_row);
  w.Add("unbundled_hrg", c.apc.unbundled_hrg);
  if (keep_rows_column) w.Add("secondary_diagnosis_row", c.apc.secondary_diagnosis_row);
  w.Add("patient_keys", c.patient_keys);
  w.Add("record_id_offsets", c.record_id_offsets);
  w.Add("record_id_bytes", c.record_id_bytes);
  return w.Finish();
}

TEST(ColumnFile, FileWrittenBeforeSecondaryDiagnosesReadsAsNone) {
  BatchColumns c = EncodeApc(300);
  ASSERT_FALSE(c.apc.secondary_diagnosis_row.empty());
  const std::string old_file = FileWithout(c, false);
  auto reader = ColumnFileReader::Open(old_file, "old.cols", TrailerSha256Hex(old_file));
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  auto back = DecodeBatchColumns(reader.value());
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_TRUE(back.value().apc.secondary_diagnosis_row.empty());
  EXPECT_TRUE(back.value().apc.secondary_diagnosis.empty());
  EXPECT_EQ(back.value().apc.hrg, c.apc.hrg);

  // Half a pair is damage, not an old file.
  const std::string half = FileWithout(c, true);
  auto half_reader = ColumnFileReader::Open(half, "half.cols", TrailerSha256Hex(half));
  ASSERT_TRUE(half_reader.ok());
  auto bad = DecodeBatchColumns(half_reader.value());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().where, "half.cols");
  EXPECT_NE(bad.error().why.find("only one column of the secondary diagnosis pair"), std::string::npos)
      << bad.error().why;
}

TEST(ColumnFile, HeaderLayoutIsAsDocumented) {
  BatchColumns c = EncodeApc(10);
  std::string file = EncodeColumnFile(c, Sha256Of("rows"));
  EXPECT_EQ(file.substr(0, 8), "OCSUCOL1");
  EXPECT_EQ(file.substr(file.size() - 8), "OCSUEND1");
  EXPECT_EQ(static_cast<uint8_t>(file[8]), 1);   // version, little-endian
  EXPECT_EQ(static_cast<uint8_t>(file[16]), 10);  // rows
  EXPECT_EQ(file.substr(64, 7), std::string("patient"));
  EXPECT_EQ(TrailerSha256Hex(file), HexOf(Sha256Of(std::string_view(file).substr(0, file.size() - 40))));
}

TEST(ColumnFile, EveryFlippedByteIsDetected) {
  BatchColumns c = EncodeApc(300);
  std::string file = EncodeColumnFile(c, Sha256Of("rows"));
  std::string sha = TrailerSha256Hex(file);
  // Flip one byte at a time across the whole file (stride keeps it quick).
  for (size_t at = 0; at < file.size(); at += 7) {
    std::string bad = file;
    bad[at] = static_cast<char>(bad[at] ^ 0x01);
    auto reader = ColumnFileReader::Open(bad, "batches/000001-x.cols", sha);
    bool detected = !reader.ok() || !DecodeBatchColumns(reader.value()).ok();
    ASSERT_TRUE(detected) << "flip at byte " << at;
    if (!reader.ok()) {
      EXPECT_EQ(reader.error().where, "batches/000001-x.cols");
    }
  }
}

TEST(ColumnFile, CatalogHashMismatchAndTruncationAreNamed) {
  std::string file = EncodeColumnFile(EncodeApc(50), Sha256Of("rows"));
  auto wrong = ColumnFileReader::Open(file, "f.cols", std::string(64, 'a'));
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().why.find("checksum mismatch"), std::string::npos);
  auto cut = ColumnFileReader::Open(std::string_view(file).substr(0, file.size() - 100), "f.cols", std::nullopt);
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.error().where, "f.cols");
  EXPECT_FALSE(ColumnFileReader::Open("", "f.cols", std::nullopt).ok());
}

TEST(ColumnFile, WrongTypeOrCountIsAnError) {
  std::string file = EncodeColumnFile(EncodeApc(20), Sha256Of("rows"));
  auto reader = ColumnFileReader::Open(file, "f.cols", std::nullopt);
  ASSERT_TRUE(reader.ok());
  std::vector<uint32_t> wrong_type;
  EXPECT_FALSE(reader.value().Read("age", 20, wrong_type).ok());
  std::vector<uint8_t> age;
  EXPECT_FALSE(reader.value().Read("age", 21, age).ok());
  EXPECT_FALSE(reader.value().Read("no_such_column", -1, age).ok());
  EXPECT_TRUE(reader.value().Read("age", 20, age).ok());
}

TEST(ColumnEncoder, DictionaryIdsAreStableAndZeroMeansAbsent) {
  CodeDictionaries base;
  base[Dimension::kProvider].Append("RAA");
  ColumnEncoder enc(ExtractKind::kApc, base);
  ingest::ApcRecord r = testing::MakeApc(1);
  r.common.provider = testing::MustParse<OdsCode>("RAA");
  r.primary_diagnosis.clear();
  r.discharge_method = ' ';
  enc.Add(r);
  const ApcTable& t = enc.columns().apc;
  EXPECT_EQ(t.provider[0], 1);
  EXPECT_EQ(t.diagnosis[0], 0);
  EXPECT_EQ(t.discharge_method[0], 0);
  EXPECT_EQ(enc.base_size(Dimension::kProvider), 2u);
  EXPECT_EQ(enc.dictionaries()[Dimension::kHrg].code(t.hrg[0]), r.hrg.view());
}

TEST(ColumnEncoder, ValuesTheColumnsCannotHoldStopTheBatch) {
  ColumnEncoder enc(ExtractKind::kApc, CodeDictionaries());
  ingest::ApcRecord r = testing::MakeApc(1);
  r.critical_care_days = 70000;
  enc.Add(r);
  ASSERT_FALSE(enc.status().ok());
  EXPECT_NE(enc.status().error().why.find("critical_care_days"), std::string::npos);
  EXPECT_EQ(enc.status().error().where, "record 1");

  ColumnEncoder ae(ExtractKind::kAe, CodeDictionaries());
  for (int i = 0; i < 300; ++i) {
    ingest::AeRecord a = testing::MakeAe(static_cast<uint64_t>(i));
    a.department_type = "T" + std::to_string(i);  // 300 distinct: over the u8 limit
    ae.Add(a);
  }
  ASSERT_FALSE(ae.status().ok());
  EXPECT_NE(ae.status().error().why.find("department_type dictionary is full"), std::string::npos);
}

TEST(ColumnEncoder, PatientsAreNumberedOncePerBatch) {
  ColumnEncoder enc(ExtractKind::kOp, CodeDictionaries());
  for (int i = 0; i < 20000; ++i) enc.Add(testing::MakeOp(static_cast<uint64_t>(i), 0, /*patients=*/500));
  const BatchColumns& c = enc.columns();
  EXPECT_LE(c.patients(), 500u);
  EXPECT_GT(c.patients(), 450u);
  for (size_t i = 0; i < c.rows(); ++i) {
    ingest::OpRecord r = testing::MakeOp(i, 0, 500);
    if (!r.common.patient.present) {
      ASSERT_EQ(c.op.patient[i], 0u);
    } else {
      ASSERT_EQ(std::memcmp(c.patient_keys.data() + (c.op.patient[i] - 1) * 32, r.common.patient.bytes.data(), 32), 0);
    }
  }
}

}  // namespace
}  // namespace csu::store
