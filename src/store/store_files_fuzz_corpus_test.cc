// Replays fuzz/corpus/rows_file and fuzz/corpus/column_file through the
// rows_file and column_file fuzz targets' checks (fuzz/store_file_checks.h),
// shows that each check rejects a wrong value, and keeps a test for each
// finding of those targets.
#include <gtest/gtest.h>

#include <cstring>

#include "../../fuzz/corpus_for_tests.h"
#include "../../fuzz/store_file_checks.h"

namespace csu::store {
namespace {

TEST(StoreFilesFuzzCorpus, EveryRowsInputAndPrefixHoldsTheInvariants) {
  const auto inputs = fuzz::CorpusInputs("rows_file");
  ASSERT_GE(inputs.size(), 6u);
  for (const auto& [name, data] : inputs) {
    for (size_t n = 0; n < data.size(); n += std::max<size_t>(1, data.size() / 32))
      ASSERT_EQ(fuzz::CheckRowsFile(std::string_view(data).substr(0, n)), "") << name << " prefix " << n;
    EXPECT_EQ(fuzz::CheckRowsFile(data), "") << name;
  }
}

TEST(StoreFilesFuzzCorpus, EveryColumnInputAndPrefixHoldsTheInvariants) {
  const auto inputs = fuzz::CorpusInputs("column_file");
  ASSERT_GE(inputs.size(), 3u);
  for (const auto& [name, data] : inputs) {
    for (size_t n = 0; n < data.size(); n += std::max<size_t>(1, data.size() / 32))
      ASSERT_EQ(fuzz::CheckColumnFile(std::string_view(data).substr(0, n)), "") << name << " prefix " << n;
    EXPECT_EQ(fuzz::CheckColumnFile(data), "") << name;
  }
}

TEST(StoreFilesFuzzCorpus, TheSeedsAreAccepted) {
  // The checks on accepted files only bite if the seeds are accepted.
  for (const auto& [name, data] : fuzz::CorpusInputs("column_file")) {
    if (!name.ends_with(".cols")) continue;
    auto reader = ColumnFileReader::Open(data, name, std::nullopt);
    ASSERT_TRUE(reader.ok()) << name;
    EXPECT_TRUE(DecodeBatchColumns(reader.value()).ok()) << name;
  }
  for (const auto& [name, data] : fuzz::CorpusInputs("rows_file")) {
    if (!name.ends_with("-text")) continue;
    fuzz::KeepingSink sink(static_cast<ingest::ExtractKind>(data[0] % 3));
    auto parsed = ParseRows(std::string_view(data).substr(1), sink.kind(), name, sink);
    ASSERT_TRUE(parsed.ok()) << name << ": " << parsed.error().ToString();
    EXPECT_GT(parsed.value(), 0) << name;
  }
}

TEST(StoreFilesFuzzCorpus, EachRowsCheckRejectsAWrongValue) {
  fuzz::KeepingSink sink(ingest::ExtractKind::kOp);
  sink.op.emplace_back();
  sink.op.back().common.sex = '1';
  ASSERT_EQ(fuzz::CheckRowsRecords(sink), "");
  sink.op.back().common.sex = ',';
  EXPECT_NE(fuzz::CheckRowsRecords(sink), "");
  sink.op.back().common.sex = '1';
  sink.op.back().first_attendance = ' ';
  EXPECT_NE(fuzz::CheckRowsRecords(sink), "");

  fuzz::KeepingSink apc(ingest::ExtractKind::kApc);
  apc.apc.emplace_back();
  apc.apc.back().common.sex = '2';
  ASSERT_EQ(fuzz::CheckRowsRecords(apc), "");
  apc.apc.back().critical_care_days = -1;
  EXPECT_NE(fuzz::CheckRowsRecords(apc), "");
  apc.apc.back().critical_care_days = 0;
  apc.apc.back().secondary_diagnoses.assign(21, "A01");
  EXPECT_NE(fuzz::CheckRowsRecords(apc), "");
}

BatchColumns OneRowOp() {
  BatchColumns c;
  c.kind = ingest::ExtractKind::kOp;
  ForEachRowColumn(c.op, [](const char*, auto& values) { values.resize(1); });
  c.patient_keys.assign(32, 7);
  c.op.patient[0] = 1;
  c.record_id_offsets = {0, 2};
  c.record_id_bytes = {'a', 'b'};
  return c;
}

TEST(StoreFilesFuzzCorpus, EachColumnCheckRejectsAWrongValue) {
  ASSERT_EQ(fuzz::CheckBatchColumns(OneRowOp(), 1), "");
  EXPECT_NE(fuzz::CheckBatchColumns(OneRowOp(), 2), "");  // a column short of the rows
  BatchColumns c = OneRowOp();
  c.record_id_offsets = {0, 3};
  EXPECT_NE(fuzz::CheckBatchColumns(c, 1), "");
  c = OneRowOp();
  c.op.patient[0] = 2;  // only one pseudonym
  EXPECT_NE(fuzz::CheckBatchColumns(c, 1), "");
  c = OneRowOp();
  c.apc.unbundled_row = {0};  // no HRG paired with it
  EXPECT_NE(fuzz::CheckBatchColumns(c, 1), "");
  // What the round trip writes opens and decodes back.
  const std::string file = EncodeColumnFile(OneRowOp(), Digest{});
  auto reader = ColumnFileReader::Open(file, "x.cols", std::nullopt);
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  EXPECT_EQ(fuzz::CheckColumnFile(file), "");
}

// Finding: a column file whose header claimed more than 2^63 rows read its
// row count as a negative "expected count", which means "any count", so
// columns of any length were accepted and later indexed as if they held a
// value a row. A row count past 32 bits is now damage.
TEST(StoreFilesFuzzCorpus, ARowCountPast32BitsIsDamage) {
  std::string file = EncodeColumnFile(OneRowOp(), Digest{});
  const uint64_t rows = 0xFFFFFF1800000005ull;
  std::memcpy(file.data() + 16, &rows, 8);
  auto reader = ColumnFileReader::Open(file, "x.cols", std::nullopt, /*checksum=*/false);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().where, "x.cols");
  EXPECT_NE(reader.error().why.find("more than a batch can hold"), std::string::npos) << reader.error().why;
}

// Finding: a rows file whose one-character code was a quoted comma (or a
// space) parsed, but the store writes such codes unquoted, so the record
// could not be written back as it was read. One-character codes are letters
// or digits; anything else is damage, named with its line and column.
TEST(StoreFilesFuzzCorpus, AOneCharacterCodeThatIsNotALetterOrDigitIsDamage) {
  const std::string head = "opencsu-rows v1 op\n" + std::string(RowsHeader(ingest::ExtractKind::kOp)) + "\n";
  for (const char* sex : {"\",\"", "\" \"", "\"\"\"\""}) {
    const std::string text = head + ",40," + sex + ",A81001,10C,RA2,X1,2018-05-01,1,5,100,0,\n";
    fuzz::KeepingSink sink(ingest::ExtractKind::kOp);
    auto parsed = ParseRows(text, ingest::ExtractKind::kOp, "b.rows.zst", sink);
    ASSERT_FALSE(parsed.ok()) << sex;
    EXPECT_EQ(parsed.error().where, "b.rows.zst:3");
    EXPECT_NE(parsed.error().why.find("sex: not a one-character code"), std::string::npos) << parsed.error().why;
    EXPECT_EQ(fuzz::CheckRowsText(ingest::ExtractKind::kOp, text), "");
  }
  fuzz::KeepingSink sink(ingest::ExtractKind::kOp);
  EXPECT_TRUE(ParseRows(head + ",40,2,A81001,10C,RA2,X1,2018-05-01,1,5,100,0,\n", ingest::ExtractKind::kOp,
                        "b.rows.zst", sink).ok());
}

// Finding: a column whose directory entry claimed 0xA000'0000'0000 values
// (a column read with any count, such as patient_keys) was allocated before
// its frame was looked at: an allocation of 160 TiB. The frame's declared
// size and its blocks are now checked first.
TEST(StoreFilesFuzzCorpus, AColumnCountTheFrameCannotHoldIsRefusedBeforeAllocating) {
  std::string file = EncodeColumnFile(OneRowOp(), Digest{});
  uint32_t columns = 0;
  std::memcpy(&columns, file.data() + 24, 4);
  bool found = false;
  for (uint32_t i = 0; i < columns; ++i) {
    const size_t e = 64 + 64 * size_t{i};
    if (std::string(file.data() + e) != "patient_keys") continue;
    const uint64_t huge = 0xA0000000000ull;
    std::memcpy(file.data() + e + 32, &huge, 8);
    found = true;
  }
  ASSERT_TRUE(found);
  auto reader = ColumnFileReader::Open(file, "x.cols", std::nullopt, /*checksum=*/false);
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  std::vector<uint8_t> keys;
  Status s = reader.value().Read("patient_keys", -1, keys);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().ToString(), "x.cols: column file damaged: column patient_keys has the wrong size");
  EXPECT_TRUE(keys.empty());
  EXPECT_EQ(fuzz::CheckColumnFile(file), "");
}

}  // namespace
}  // namespace csu::store
