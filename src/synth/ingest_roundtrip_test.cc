// The generator's files read by the real ingest path (src/ingest): clean
// output is accepted whole, and --defects N is quarantined exactly N times,
// so the two independent readings of the format agree.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "ingest/file_ingester.h"
#include "ingest/pseudonymiser.h"
#include "ingest/record_sink.h"
#include "refdata/refdata.h"
#include "refdata/refdata_for_tests.h"
#include "synth/generator.h"

namespace csu::synth {
namespace {

namespace fs = std::filesystem;

const refdata::RefData& Ref() { return refdata::TestRefData(); }

class CountingSink : public ingest::RecordSink {
 public:
  explicit CountingSink(ingest::ExtractKind kind) : kind_(kind) {}
  ingest::ExtractKind kind() const override { return kind_; }
  void AddApc(const ingest::ApcRecord&) override { ++accepted; }
  void AddOp(const ingest::OpRecord&) override { ++accepted; }
  void AddAe(const ingest::AeRecord&) override { ++accepted; }
  void AddQuarantined(ingest::QuarantinedRow row) override {
    ++quarantined;
    if (reasons.size() < 20) reasons.push_back("line " + std::to_string(row.line) + ": " + row.column + ": " + row.reason);
  }
  int64_t accepted = 0, quarantined = 0;
  std::vector<std::string> reasons;

 private:
  ingest::ExtractKind kind_;
};

struct Counts {
  int64_t rows = 0, quarantined = 0;
};

Counts Ingest(const std::string& dir) {
  std::array<uint8_t, 32> key{};
  const auto pseudonymiser = ingest::Pseudonymiser::FromKey(key);
  Counts total;
  for (auto kind : {ingest::ExtractKind::kApc, ingest::ExtractKind::kOp, ingest::ExtractKind::kAe}) {
    CountingSink sink(kind);
    const std::string path = dir + "/" + std::string(ingest::KindName(kind)) + ".csv";
    auto report = ingest::IngestFile(path, kind, Ref(), pseudonymiser, sink, nullptr);
    EXPECT_TRUE(report.ok()) << (report.ok() ? "" : report.error().ToString());
    if (!report.ok()) continue;
    EXPECT_EQ(report.value().accepted + report.value().quarantined, report.value().rows_read);
    total.rows += report.value().rows_read;
    total.quarantined += report.value().quarantined;
    for (const auto& r : sink.reasons) ADD_FAILURE() << ingest::KindName(kind) << " " << r;
  }
  return total;
}

TEST(IngestRoundTripTest, CleanFilesAreAcceptedAndDefectsQuarantinedExactly) {
  const fs::path dir = fs::temp_directory_path() / ("csu-synth-ingest-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  SynthOptions o;
  o.out_dir = dir.string();
  o.ccgs = {OdsCode::Parse("12F").value()};
  for (const auto& p : Ref().practices()) {
    if (p.ccg.view() == "12F" && o.practices.size() < 2) o.practices.push_back(p.code);
  }
  o.progress = false;
  auto clean = Generate(Ref(), o);
  ASSERT_TRUE(clean.ok());
  const Counts c = Ingest(o.out_dir);
  EXPECT_EQ(c.rows, clean.value().apc_rows + clean.value().op_rows + clean.value().ae_rows);
  EXPECT_EQ(c.quarantined, 0);

  o.defects = 36;
  ASSERT_TRUE(Generate(Ref(), o).ok());
  // Quarantined rows are expected now; only their number matters.
  std::array<uint8_t, 32> key{};
  const auto pseudonymiser = ingest::Pseudonymiser::FromKey(key);
  int64_t quarantined = 0;
  for (auto kind : {ingest::ExtractKind::kApc, ingest::ExtractKind::kOp, ingest::ExtractKind::kAe}) {
    CountingSink sink(kind);
    auto report = ingest::IngestFile(o.out_dir + "/" + std::string(ingest::KindName(kind)) + ".csv", kind, Ref(),
                                     pseudonymiser, sink, nullptr);
    ASSERT_TRUE(report.ok());
    quarantined += report.value().quarantined;
  }
  EXPECT_EQ(quarantined, 36);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace csu::synth
