// Golden tests: tests/golden/ingest/NAME.csv must report exactly
// tests/golden/ingest/NAME.expected (worked out by hand from the format
// rules), plus whole-file failures and the masking of identifiers.
#include "ingest/file_ingester.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ingest/pseudonymiser.h"
#include "refdata/refdata.h"
#include "refdata/refdata_for_tests.h"

namespace csu::ingest {
namespace {

namespace fs = std::filesystem;

const refdata::RefData& Ref() { return refdata::TestRefData(); }

const Pseudonymiser& TestKey() {
  static const Pseudonymiser* p = new Pseudonymiser(Pseudonymiser::FromKey(std::array<uint8_t, 32>{}));
  return *p;
}

class VectorSink : public RecordSink {
 public:
  explicit VectorSink(ExtractKind kind) : kind_(kind) {}
  ExtractKind kind() const override { return kind_; }
  void AddApc(const ApcRecord& r) override { apc.push_back(r); }
  void AddOp(const OpRecord& r) override { op.push_back(r); }
  void AddAe(const AeRecord& r) override { ae.push_back(r); }
  void AddQuarantined(QuarantinedRow row) override { quarantined.push_back(std::move(row)); }

  ExtractKind kind_;
  std::vector<ApcRecord> apc;
  std::vector<OpRecord> op;
  std::vector<AeRecord> ae;
  std::vector<QuarantinedRow> quarantined;
};

std::string ReadText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The report in the golden files' layout.
std::string Render(ExtractKind kind, const IngestReport& r, const VectorSink& sink) {
  std::string out = "kind " + std::string(KindName(kind)) + "\n";
  out += "rows read " + std::to_string(r.rows_read) + "\n";
  out += "accepted " + std::to_string(r.accepted) + "\n";
  out += "quarantined " + std::to_string(r.quarantined) + "\n";
  out += "without NHS number " + std::to_string(r.without_nhs_number) + "\n";
  out += "blank lines " + std::to_string(r.blank_lines) + "\n";
  for (const auto& w : r.warnings) out += "warning: " + w + "\n";
  for (const auto& q : sink.quarantined) {
    out += "line " + std::to_string(q.line) + ": " + (q.column.empty() ? "" : q.column + ": ") + q.reason;
    if (!q.detail.empty()) out += " (" + q.detail + ")";
    out += " | " + q.masked_text + "\n";
  }
  return out;
}

TEST(IngestGoldenTest, EveryGoldenFileReportsWhatWasWorkedOutByHand) {
  fs::path dir = fs::path(CSU_SOURCE_DIR) / "tests/golden/ingest";
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".csv") continue;
    fs::path expected_path = entry.path();
    expected_path.replace_extension(".expected");
    std::string expected = ReadText(expected_path);
    ASSERT_FALSE(expected.empty()) << expected_path;
    std::string kind_name = expected.substr(5, expected.find('\n') - 5);
    ExtractKind kind = ParseKind(kind_name).value();
    VectorSink sink(kind);
    auto report = IngestFile(entry.path().string(), kind, Ref(), TestKey(), sink, nullptr);
    ASSERT_TRUE(report.ok()) << report.error().ToString();
    EXPECT_EQ(Render(kind, report.value(), sink), expected) << "golden file " << expected_path;
    ++cases;
  }
  EXPECT_GE(cases, 1);
}

class IngestFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("csu-ingest-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream out(dir_ / name, std::ios::binary);
    out << text;
    return (dir_ / name).string();
  }
  Result<IngestReport> Run(const std::string& path, ExtractKind kind = ExtractKind::kApc) {
    sink_ = std::make_unique<VectorSink>(kind);
    return IngestFile(path, kind, Ref(), TestKey(), *sink_, nullptr);
  }
  fs::path dir_;
  std::unique_ptr<VectorSink> sink_;
};

const char* kApcHeader =
    "nhs_number,date_of_birth,sex,gp_practice,commissioner,provider,spell_id,admission_date,discharge_date,"
    "admission_method,patient_classification,treatment_function,hrg\n";

TEST_F(IngestFileTest, AcceptedRowsArePseudonymisedAndCounted) {
  auto r = Run(Write("a.csv", std::string("\xEF\xBB\xBF") + kApcHeader +
                                  "9434765919,1950-06-15,1,N81002,27D,RBT,S1,2018-05-01,2018-05-21,21,1,300,EB03E\r\n"
                                  "9434765919,1950-06-15,1,N81002,27D,RBT,S2,2018-06-01,2018-06-02,21,1,300,EB03E\r\n"));
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r.value().accepted, 2);
  ASSERT_EQ(sink_->apc.size(), 2u);
  EXPECT_TRUE(sink_->apc[0].common.patient.present);
  EXPECT_EQ(sink_->apc[0].common.patient.bytes, sink_->apc[1].common.patient.bytes);  // same patient links
  EXPECT_EQ(sink_->apc[0].common.patient.bytes, TestKey().Pseudonymise(9434765919ull).bytes);
  EXPECT_EQ(r.value().content_sha256.size(), 64u);
}

// A misnamed NHS number column would load every row as an unknown patient:
// the file is refused, naming the column, unless the loader says the
// extract has no NHS numbers.
TEST_F(IngestFileTest, AMisnamedNhsNumberColumnIsRefusedUnlessTheExtractHasNone) {
  const std::string rest =
      "date_of_birth,sex,gp_practice,commissioner,provider,spell_id,admission_date,discharge_date,"
      "admission_method,patient_classification,treatment_function,hrg\n";
  const std::string row = "1950-06-15,1,N81002,27D,RBT,S1,2018-05-01,2018-05-21,21,1,300,EB03E\n";
  const std::string misnamed = Write("m.csv", "NHSNumber," + rest + "9434765919," + row);
  auto r = Run(misnamed);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().where, misnamed + ": line 1");
  EXPECT_NE(r.error().why.find("column 'NHSNumber' looks like it, but the format names it nhs_number"),
            std::string::npos) << r.error().why;
  EXPECT_NE(r.error().why.find("--no-nhs-numbers"), std::string::npos);
  EXPECT_TRUE(sink_->apc.empty());
  EXPECT_FALSE(SummariseExtract(misnamed, ExtractKind::kApc).ok());  // refused before a state folder is opened

  const std::string without = Write("w.csv", rest + row);
  r = Run(without);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().why.find("no nhs_number column"), std::string::npos) << r.error().why;
  IngestOptions none;
  none.no_nhs_numbers = true;
  sink_ = std::make_unique<VectorSink>(ExtractKind::kApc);
  r = IngestFile(without, ExtractKind::kApc, Ref(), TestKey(), *sink_, nullptr, none);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(sink_->apc.size(), 1u);
  EXPECT_FALSE(sink_->apc[0].common.patient.present);
  EXPECT_TRUE(SummariseExtract(without, ExtractKind::kApc, none).ok());
  // The flag with a real nhs_number column is a contradiction, refused too.
  auto both = SummariseExtract(Write("b.csv", std::string(kApcHeader) + "9434765919," + row), ExtractKind::kApc, none);
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.error().why.find("has an nhs_number column"), std::string::npos);
}

TEST_F(IngestFileTest, SummaryHashesTheFileAndBoundsItsRows) {
  const std::string row = "9434765919,1950-06-15,1,N81002,27D,RBT,S1,2018-05-01,2018-05-21,21,1,300,EB03E";
  const std::string text = std::string(kApcHeader) + row + "\n" + row + "\r\n" + row;  // the last without a line end
  auto s = SummariseExtract(Write("s.csv", text), ExtractKind::kApc);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s.value().rows_at_most, 3u);
  auto r = Run(Write("s2.csv", text));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(s.value().content_sha256, r.value().content_sha256);
  EXPECT_EQ(r.value().rows_read, 3);
  // A quoted line break makes the bound an overestimate, never an underestimate.
  auto q = SummariseExtract(Write("q.csv", std::string(kApcHeader) + row + ",\"a\nb\"\n"), ExtractKind::kApc);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q.value().rows_at_most, 3u);  // header, the quoted break, the row's end: for one row
  EXPECT_FALSE(SummariseExtract(Write("e.csv", ""), ExtractKind::kApc).ok());
  // Blank lines are not rows: a file of them is bounded by its bytes, not its line ends.
  const std::string blank = std::string(kApcHeader) + row + "\n" + std::string(100000, '\n');
  auto b = SummariseExtract(Write("b.csv", blank), ExtractKind::kApc);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b.value().rows_at_most, blank.size() / ExtractSummary::kShortestRecordBytes);
  EXPECT_LT(b.value().rows_at_most, 100000u / 30);
}

TEST_F(IngestFileTest, WholeFileFailures) {
  auto empty = Run(Write("empty.csv", ""));
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().why.find("is empty"), std::string::npos);

  auto header_only = Run(Write("h.csv", kApcHeader));
  ASSERT_FALSE(header_only.ok());
  EXPECT_NE(header_only.error().why.find("no data rows"), std::string::npos);

  auto binary = Run(Write("b.csv", std::string("PK\x03\x04\0\0junk", 10)));
  ASSERT_FALSE(binary.ok());
  EXPECT_NE(binary.error().why.find("binary"), std::string::npos);

  auto missing = Run(Write("m.csv", "nhs_number,date_of_birth\n1,2\n"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().why.find("missing required columns"), std::string::npos);
  EXPECT_NE(missing.error().where.find("line 1"), std::string::npos);

  auto unreadable = Run((dir_ / "absent.csv").string());
  ASSERT_FALSE(unreadable.ok());
  EXPECT_NE(unreadable.error().why.find("cannot open"), std::string::npos);
}

TEST_F(IngestFileTest, WrongKindIsNamed) {
  std::string op = "nhs_number,date_of_birth,sex,gp_practice,commissioner,provider,attendance_id,appointment_date,"
                   "first_attendance,attended,treatment_function\n"
                   "9434765919,1950-06-15,1,N81002,27D,RBT,A1,2018-05-01,1,5,100\n";
  auto r = Run(Write("op.csv", op), ExtractKind::kApc);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().why.find("looks like an op extract: use --kind op"), std::string::npos) << r.error().why;
  EXPECT_TRUE(Run(Write("op2.csv", op), ExtractKind::kOp).ok());
}

TEST_F(IngestFileTest, QuarantinedTextNeverHoldsIdentifiers) {
  // Malformed in several ways; the NHS number and birth date must not survive
  // in any quarantined text, wherever a broken row shifted them.
  std::string text = std::string(kApcHeader) +
                     "9434765919,1950-06-15,1,N81002,27D,RBT,\"S1,2018-05-01,2018-05-21,21,1,300,EB03E\n"
                     "extra,9434765919,1950-06-15,1,N81002,27D,RBT,S1,2018-05-01,2018-05-21,21,1,300,EB03E\n"
                     "943 476 5919,1950-06-15,3,N81002,27D,RBT,S1,2018-05-01,2018-05-21,21,1,300,EB03E\n";
  auto r = Run(Write("q.csv", text));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().quarantined, 3);
  for (const auto& q : sink_->quarantined) {
    EXPECT_EQ(q.masked_text.find("9434765919"), std::string::npos) << q.masked_text;
    EXPECT_EQ(q.masked_text.find("943 476 5919"), std::string::npos) << q.masked_text;
    EXPECT_EQ(q.masked_text.find("1950-06-15"), std::string::npos) << q.masked_text;
    EXPECT_EQ(q.detail.find("943"), std::string::npos) << q.detail;
  }
}

// What is kept of a bad row is bounded: a 20 MB value (here in a code
// column, and again in a malformed row) is cut to the per-value and per-row
// limits with its length shown, and an NHS number across the cut leaves no
// digits behind.
TEST_F(IngestFileTest, QuarantineKeepsABoundedExcerptOfABadRow) {
  const std::string huge(20 * 1024 * 1024, 'Z');
  const std::string across = std::string(kQuarantineValueBytes - 4, 'A') + "9434765919" + huge;
  std::string text = std::string(kApcHeader) +
                     "9434765919,1950-06-15,1,N81002,27D,RBT,S1,2018-05-01,2018-05-21,21,1,300," + huge + "\n" +
                     "9434765919,1950-06-15,1,N81002,27D,RBT," + across + ",2018-05-01,2018-05-21,21,1,300,EB03E\n" +
                     "\"broken," + huge + "\n";
  auto r = Run(Write("big.csv", text));
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(r.value().quarantined, 3);
  for (const auto& q : sink_->quarantined) {
    EXPECT_LE(q.masked_text.size(), kQuarantineRowBytes + 32) << q.reason;
    EXPECT_LE(q.detail.size(), kQuarantineDetailBytes + 32) << q.reason;
    EXPECT_NE(q.masked_text.find(" bytes]"), std::string::npos) << "the cut shows the length it cut from";
    EXPECT_EQ(q.masked_text.find("943476"), std::string::npos) << q.masked_text.substr(0, 400);
  }
}

// Records which calls a sink gets, in order.
class OrderSink : public RecordSink {
 public:
  ExtractKind kind() const override { return ExtractKind::kApc; }
  void AddApc(const ApcRecord& r) override {
    events.push_back(r.spell_id);
    patients.push_back(r.common.patient);
  }
  void AddOp(const OpRecord&) override {}
  void AddAe(const AeRecord&) override {}
  void AddQuarantined(QuarantinedRow row) override { events.push_back("line " + std::to_string(row.line)); }
  void AddApcs(std::span<const ApcRecord> records) override {
    runs.push_back(records.size());
    RecordSink::AddApcs(records);
  }
  std::vector<std::string> events;
  std::vector<Pseudonym> patients;
  std::vector<size_t> runs;
};

TEST_F(IngestFileTest, RecordsArriveInRunsButInFileOrder) {
  // Accepted records are handed over in runs (AddApcs); a quarantined row
  // ends a run, so the sink sees exactly the file's order.
  std::string text = kApcHeader;
  std::vector<std::string> expected;
  const char* numbers[] = {"9434765919", "9434765870", "4010232137", ""};
  for (int i = 0; i < 300; ++i) {
    bool bad = i % 7 == 3 || (i >= 100 && i < 110);
    std::string id = "S" + std::to_string(i);
    text += std::string(numbers[i % 4]) + ",1950-06-15," + (bad ? "7" : "1") + ",N81002,27D,RBT," + id +
            ",2018-05-01,2018-05-21,21,1,300,EB03E\n";
    expected.push_back(bad ? "line " + std::to_string(i + 2) : id);
  }
  OrderSink sink;
  auto r = IngestFile(Write("order.csv", text), ExtractKind::kApc, Ref(), TestKey(), sink, nullptr);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(sink.events, expected);
  size_t delivered = 0;
  for (size_t n : sink.runs) delivered += n;
  EXPECT_EQ(delivered, sink.patients.size());
  EXPECT_LT(sink.runs.size(), sink.patients.size());  // runs, not single records
  for (size_t i = 0, k = 0; i < expected.size(); ++i) {
    if (expected[i].rfind("line", 0) == 0) continue;
    int row = std::stoi(expected[i].substr(1));
    std::string_view nhs = numbers[row % 4];
    if (nhs.empty()) {
      EXPECT_FALSE(sink.patients[k].present);
    } else {
      EXPECT_EQ(sink.patients[k].bytes, TestKey().Pseudonymise(std::stoull(std::string(nhs))).bytes) << expected[i];
    }
    ++k;
  }
}

std::vector<std::string_view> F(std::initializer_list<std::string_view> v) { return v; }

TEST(MaskIdentifiersTest, MasksByPositionAndByShape) {
  auto row = F({"9434765919", "1950-06-15", "1"});
  EXPECT_EQ(MaskIdentifiers("", &row, 0, 1), "**********,**********,1");
  // A valid NHS number outside its column is still masked; other digits stay.
  auto other = F({"x", "1234567890", "9434765919"});
  EXPECT_EQ(MaskIdentifiers("", &other, std::nullopt, std::nullopt), "x,1234567890,**********");
  auto spaced = F({"a 943 476 5919 b"});
  EXPECT_EQ(MaskIdentifiers("", &spaced, std::nullopt, std::nullopt), "a *** *** **** b");
  auto date = F({"x", "2018-05-01"});
  EXPECT_EQ(MaskIdentifiers("", &date, std::nullopt, std::nullopt), "x,2018-05-01");
  // Malformed: every date and every 10-digit run, check digit or not.
  EXPECT_EQ(MaskIdentifiers("x,2018-05-01,9434765918", nullptr, 1, 2), "x,**********,**********");
}

TEST(MaskIdentifiersTest, QuotedCommasDoNotShiftTheMask) {
  // Columns may come in any order: a quoted comma before the date of birth
  // must not move the mask onto another field (found in review).
  auto row = F({"N81007,000001", "9434765918", "1950-06-15", "1"});
  std::string masked = MaskIdentifiers("\"N81007,000001\",9434765918,1950-06-15,1", &row, 1, 2);
  EXPECT_EQ(masked, "\"N81007,000001\",**********,**********,1");
}

}  // namespace
}  // namespace csu::ingest
