#include "store/rows_file.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <vector>

#include "store/env.h"
#include "store/store_testing.h"

namespace csu::store {
namespace {

using ingest::ExtractKind;
using testing::Describe;

class CollectSink final : public ingest::RecordSink {
 public:
  explicit CollectSink(ExtractKind kind) : kind_(kind) {}
  ExtractKind kind() const override { return kind_; }
  void AddApc(const ingest::ApcRecord& r) override { seen.push_back(Describe(r)); }
  void AddOp(const ingest::OpRecord& r) override { seen.push_back(Describe(r)); }
  void AddAe(const ingest::AeRecord& r) override { seen.push_back(Describe(r)); }
  void AddQuarantined(ingest::QuarantinedRow) override {}
  std::vector<std::string> seen;

 private:
  ExtractKind kind_;
};

// Writes n records of `kind` and returns (file bytes, expected descriptions).
std::pair<std::string, std::vector<std::string>> WriteRows(ExtractKind kind, int n, const std::string& path) {
  Env& env = Env::Default();
  auto file = env.NewWritableFile(path);
  EXPECT_TRUE(file.ok());
  RowsWriter writer(kind, std::move(file).value());
  std::vector<std::string> expected;
  for (int i = 0; i < n; ++i) {
    switch (kind) {
      case ExtractKind::kApc: {
        auto r = testing::MakeApc(static_cast<uint64_t>(i));
        writer.Add(r);
        expected.push_back(Describe(r));
        break;
      }
      case ExtractKind::kOp: {
        auto r = testing::MakeOp(static_cast<uint64_t>(i));
        writer.Add(r);
        expected.push_back(Describe(r));
        break;
      }
      case ExtractKind::kAe: {
        auto r = testing::MakeAe(static_cast<uint64_t>(i));
        writer.Add(r);
        expected.push_back(Describe(r));
        break;
      }
    }
  }
  auto info = writer.Finish();
  EXPECT_TRUE(info.ok());
  auto bytes = env.ReadFile(path);
  EXPECT_TRUE(bytes.ok());
  EXPECT_EQ(info.value().bytes, bytes.value().size());
  EXPECT_EQ(info.value().sha256, Sha256Of(bytes.value()));
  return {bytes.value(), expected};
}

class RowsFileRoundTrip : public ::testing::TestWithParam<ExtractKind> {};

TEST_P(RowsFileRoundTrip, EveryFieldSurvives) {
  testing::ScratchDir dir("rows");
  ASSERT_TRUE(Env::Default().CreateDir(dir.path()).ok());
  // Enough rows for several 1 MiB frames.
  auto [bytes, expected] = WriteRows(GetParam(), 12000, dir.path() + "/x.rows.zst");
  // Frames back to back, each with its content size and checksum.
  size_t frames = 0;
  for (std::string_view rest = bytes; !rest.empty(); ++frames) {
    size_t n = ZSTD_findFrameCompressedSize(rest.data(), rest.size());
    ASSERT_FALSE(ZSTD_isError(n)) << ZSTD_getErrorName(n);
    EXPECT_NE(ZSTD_getFrameContentSize(rest.data(), rest.size()), ZSTD_CONTENTSIZE_UNKNOWN);
    rest.remove_prefix(n);
  }
  EXPECT_GE(frames, 2u);
  auto text = DecompressRows(bytes, "x.rows.zst", Sha256Hex(bytes));
  ASSERT_TRUE(text.ok()) << text.error().ToString();
  CollectSink sink(GetParam());
  auto n = ParseRows(text.value(), GetParam(), "x.rows.zst", sink);
  ASSERT_TRUE(n.ok()) << n.error().ToString();
  EXPECT_EQ(n.value(), 12000);
  ASSERT_EQ(sink.seen.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) ASSERT_EQ(sink.seen[i], expected[i]) << "record " << i;
}

INSTANTIATE_TEST_SUITE_P(AllKinds, RowsFileRoundTrip,
                         ::testing::Values(ExtractKind::kApc, ExtractKind::kOp, ExtractKind::kAe),
                         [](const auto& p) { return std::string(ingest::KindName(p.param)); });

TEST(RowsFile, TextIsPlainCsvAfterTheMagicLine) {
  testing::ScratchDir dir("rows-text");
  ASSERT_TRUE(Env::Default().CreateDir(dir.path()).ok());
  auto [bytes, expected] = WriteRows(ExtractKind::kOp, 2, dir.path() + "/x.rows.zst");
  auto text = DecompressRows(bytes, "x", std::nullopt);
  ASSERT_TRUE(text.ok());
  std::string t = text.value();
  EXPECT_EQ(t.substr(0, t.find('\n')), "opencsu-rows v1 op");
  auto [apc_bytes, apc_expected] = WriteRows(ExtractKind::kApc, 1, dir.path() + "/a.rows.zst");
  auto apc_text = DecompressRows(apc_bytes, "a", std::nullopt);
  ASSERT_TRUE(apc_text.ok());
  EXPECT_EQ(apc_text.value().substr(0, apc_text.value().find('\n')), "opencsu-rows v2 apc");
  EXPECT_NE(t.find("\npatient,age,sex,gp_practice,commissioner,provider,attendance_id,"), std::string::npos);
  EXPECT_NE(t.find(",OP0,2018-"), std::string::npos) << t;
}

TEST(RowsFile, DamageIsReportedWithTheFileName) {
  testing::ScratchDir dir("rows-damage");
  ASSERT_TRUE(Env::Default().CreateDir(dir.path()).ok());
  auto [bytes, expected] = WriteRows(ExtractKind::kApc, 500, dir.path() + "/x.rows.zst");
  std::string sha = Sha256Hex(bytes);
  std::string flipped = bytes;
  flipped[flipped.size() / 2] ^= 0x40;
  auto bad = DecompressRows(flipped, "batches/x.rows.zst", sha);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().where, "batches/x.rows.zst");
  EXPECT_NE(bad.error().why.find("checksum mismatch"), std::string::npos);
  // Without the catalog hash, zstd's own checksum still catches it.
  EXPECT_FALSE(DecompressRows(flipped, "x", std::nullopt).ok());
  EXPECT_FALSE(DecompressRows(bytes.substr(0, bytes.size() - 10), "x", std::nullopt).ok());
}

TEST(RowsFile, AWriterDroppedMidStreamStopsItsCompressionThread) {
  // A batch that is never committed destroys its writer without Finish(),
  // possibly while a buffer is being compressed.
  testing::ScratchDir dir("rows-drop");
  ASSERT_TRUE(Env::Default().CreateDir(dir.path()).ok());
  for (int n : {0, 1, 9000, 20000}) {
    auto file = Env::Default().NewWritableFile(dir.path() + "/x.rows.zst");
    ASSERT_TRUE(file.ok());
    RowsWriter writer(ExtractKind::kApc, std::move(file).value());
    for (int i = 0; i < n; ++i) writer.Add(testing::MakeApc(static_cast<uint64_t>(i)));
    EXPECT_TRUE(writer.status().ok());
  }
}

TEST(RowsFile, ParseNamesLineAndField) {
  std::string text = "opencsu-rows v1 op\n" + std::string(RowsHeader(ExtractKind::kOp)) +
                     "\n,40,1,A81001,00D,RAA,OP1,2018-13-01,1,5,100,0,\n";
  CollectSink sink(ExtractKind::kOp);
  auto n = ParseRows(text, ExtractKind::kOp, "b.rows.zst", sink);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().where, "b.rows.zst:3");
  EXPECT_NE(n.error().why.find("appointment_date"), std::string::npos) << n.error().why;
  auto wrong_kind = ParseRows(text, ExtractKind::kAe, "b.rows.zst", sink);
  EXPECT_FALSE(wrong_kind.ok());
}

TEST(RowsFile, ApcRowsWrittenAsVersion1StillRead) {
  // An APC rows file from before secondary diagnoses were kept: "v1 apc",
  // the header without its last column. Its records have none.
  std::string header(RowsHeader(ExtractKind::kApc));
  ASSERT_EQ(header.substr(header.rfind(',')), ",secondary_diagnoses");
  const std::string v1_header = header.substr(0, header.rfind(','));
  const std::string row = ",67,1,N81002,27D,RBT,S1,2018-05-01,2018-05-21,21,1,300,EB03E,I500,,1,2,0,0,,RD01A;RD01B\n";
  CollectSink sink(ExtractKind::kApc);
  auto n = ParseRows("opencsu-rows v1 apc\n" + v1_header + "\n" + row, ExtractKind::kApc, "old.rows.zst", sink);
  ASSERT_TRUE(n.ok()) << n.error().ToString();
  ASSERT_EQ(sink.seen.size(), 1u);
  EXPECT_TRUE(sink.seen[0].ends_with("|RD01A;RD01B;|")) << sink.seen[0];  // no secondary diagnoses

  // The same record in v2, with its secondary diagnoses.
  CollectSink v2(ExtractKind::kApc);
  auto m = ParseRows("opencsu-rows v2 apc\n" + header + "\n" + row.substr(0, row.size() - 1) + ",S7200;V435\n",
                     ExtractKind::kApc, "new.rows.zst", v2);
  ASSERT_TRUE(m.ok()) << m.error().ToString();
  EXPECT_TRUE(v2.seen[0].ends_with("|RD01A;RD01B;|S7200;V435;")) << v2.seen[0];

  // A version and a header that do not belong together are damage.
  CollectSink mixed(ExtractKind::kApc);
  auto bad = ParseRows("opencsu-rows v1 apc\n" + header + "\n", ExtractKind::kApc, "b.rows.zst", mixed);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().where, "b.rows.zst:2");
  EXPECT_EQ(bad.error().why, "rows file damaged: the header row is not the rows v1 apc header");
  auto bad2 = ParseRows("opencsu-rows v2 apc\n" + v1_header + "\n", ExtractKind::kApc, "b.rows.zst", mixed);
  ASSERT_FALSE(bad2.ok());
  EXPECT_EQ(bad2.error().why, "rows file damaged: the header row is not the rows v2 apc header");
  // OP and A&E stay v1: there is no v2 of them.
  auto op = ParseRows("opencsu-rows v2 op\n" + std::string(RowsHeader(ExtractKind::kOp)) + "\n", ExtractKind::kOp,
                      "b.rows.zst", mixed);
  ASSERT_FALSE(op.ok());
  EXPECT_EQ(op.error().where, "b.rows.zst:1");
}

TEST(RowsFile, SecondaryDiagnosisDamageNamesTheField) {
  const std::string text = "opencsu-rows v2 apc\n" + std::string(RowsHeader(ExtractKind::kApc)) +
                           "\n,67,1,N81002,27D,RBT,S1,2018-05-01,2018-05-21,21,1,300,EB03E,I500,,1,2,0,0,,,I10X;e11\n";
  CollectSink sink(ExtractKind::kApc);
  auto n = ParseRows(text, ExtractKind::kApc, "b.rows.zst", sink);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().where, "b.rows.zst:3");
  EXPECT_NE(n.error().why.find("secondary_diagnoses"), std::string::npos) << n.error().why;
}

}  // namespace
}  // namespace csu::store
