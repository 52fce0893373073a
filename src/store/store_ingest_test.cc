// The real ingest pipeline feeding a BatchBuilder: every golden extract of
// tests/golden/ingest goes through ingest::IngestFile into the store, and
// what comes back (tables, quarantine, batch row) matches what the same
// pipeline hands to a plain vector sink.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "ingest/file_ingester.h"
#include "ingest/pseudonymiser.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "store/store_testing.h"

namespace csu::store {
namespace {

namespace fs = std::filesystem;
using ingest::ExtractKind;

const refdata::RefData& Ref() {
  static const refdata::RefData ref = refdata::RefData::Load(std::string(CSU_SOURCE_DIR) + "/data/refdata").value();
  return ref;
}

class VectorSink final : public ingest::RecordSink {
 public:
  explicit VectorSink(ExtractKind kind) : kind_(kind) {}
  ExtractKind kind() const override { return kind_; }
  void AddApc(const ingest::ApcRecord& r) override { rows.push_back({testing::Describe(r), r.spell_id}); }
  void AddOp(const ingest::OpRecord& r) override { rows.push_back({testing::Describe(r), r.attendance_id}); }
  void AddAe(const ingest::AeRecord& r) override { rows.push_back({testing::Describe(r), r.attendance_id}); }
  void AddQuarantined(ingest::QuarantinedRow row) override { quarantined.push_back(std::move(row)); }

  std::vector<std::pair<std::string, std::string>> rows;  // description, record id
  std::vector<ingest::QuarantinedRow> quarantined;

 private:
  ExtractKind kind_;
};

TEST(StoreIngestTest, GoldenExtractsRoundTripThroughTheStore) {
  const auto pseudonymiser = ingest::Pseudonymiser::FromKey(std::array<uint8_t, 32>{7});
  testing::ScratchDir dir("ingest");
  auto store = Store::Open(dir.state(), pseudonymiser.Fingerprint());
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  int files = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(CSU_SOURCE_DIR) / "tests/golden/ingest")) {
    if (entry.path().extension() != ".csv") continue;
    const std::string path = entry.path().string();
    const std::string stem = entry.path().stem().string();
    std::optional<ExtractKind> kind;
    for (ExtractKind k : {ExtractKind::kApc, ExtractKind::kOp, ExtractKind::kAe}) {
      if (stem.rfind(std::string(ingest::KindName(k)) + "_", 0) == 0) kind = k;
    }
    if (!kind) continue;
    VectorSink expected(*kind);
    auto report = ingest::IngestFile(path, *kind, Ref(), pseudonymiser, expected, nullptr);
    if (!report.ok()) continue;  // files that fail as a whole never reach the store

    auto builder = store.value()->NewBatch(*kind);
    ASSERT_TRUE(builder.ok());
    auto again = ingest::IngestFile(path, *kind, Ref(), pseudonymiser, *builder.value(), nullptr);
    ASSERT_TRUE(again.ok());
    BatchInfo info;
    info.file_name = report.value().file_name;
    info.content_sha256 = report.value().content_sha256;
    info.rows_read = report.value().rows_read;
    info.loaded_by = "golden";
    auto committed = store.value()->CommitBatch(std::move(builder).value(), info);
    ASSERT_TRUE(committed.ok()) << path << ": " << committed.error().ToString();
    EXPECT_EQ(committed.value().rows_accepted, report.value().accepted) << path;
    EXPECT_EQ(committed.value().rows_quarantined, report.value().quarantined) << path;

    auto quarantine = store.value()->Quarantine(committed.value().id).value();
    ASSERT_EQ(quarantine.size(), expected.quarantined.size()) << path;
    for (size_t i = 0; i < quarantine.size(); ++i) {
      EXPECT_EQ(quarantine[i].line, expected.quarantined[i].line) << path;
      EXPECT_EQ(quarantine[i].masked_text, expected.quarantined[i].masked_text) << path;
    }

    // The table for this kind now holds this batch's surviving records.
    auto tables = store.value()->Load(*kind);
    ASSERT_TRUE(tables.ok()) << tables.error().ToString();
    const ActivityTables& t = tables.value();
    const CommonColumns& c = *kind == ExtractKind::kApc  ? static_cast<const CommonColumns&>(t.apc)
                             : *kind == ExtractKind::kOp ? static_cast<const CommonColumns&>(t.op)
                                                         : static_cast<const CommonColumns&>(t.ae);
    const BatchRange& range = c.batches.back();
    ASSERT_EQ(range.batch_id, committed.value().id);
    for (uint32_t i = range.first_row; i < range.first_row + range.rows; ++i) {
      const auto& [want, record_id] = expected.rows[c.source_row[i]];
      std::string got = *kind == ExtractKind::kApc  ? testing::DescribeApcRow(t, i, record_id)
                        : *kind == ExtractKind::kOp ? testing::DescribeOpRow(t, i, record_id)
                                                    : testing::DescribeAeRow(t, i, record_id);
      ASSERT_EQ(got, want) << path << " row " << c.source_row[i];
    }
    ++files;
  }
  EXPECT_GT(files, 0);
  EXPECT_TRUE(store.value()->Verify().value().empty());
  EXPECT_EQ(store.value()->VerifyAudit().value(), files);
}

}  // namespace
}  // namespace csu::store
