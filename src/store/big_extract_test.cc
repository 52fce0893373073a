// A 2 GB extract (issue 3, "a 2 GB file"): an APC extract of more than
// 2^31 bytes goes through ingest into a store, and every row is accounted
// for. It exists to catch 32-bit offsets, lengths and counts anywhere on the
// path: the memory map, the CSV reader's position, line numbers, the content
// hash, quarantine lines and the record columns of rows that lie past 2 GiB.
//
// Slow tier (suite name contains "Slow"): it writes ~2.2 GB to the scratch
// directory and removes it again. Rows carry a wide column that the apc
// format does not know (ignored, with a warning), so the file passes 2 GiB
// with ~2.3 million rows rather than ~20 million: the offsets are what is
// under test, and the batch stays small enough for the sanitizer build.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "core/date.h"
#include "ingest/file_ingester.h"
#include "ingest/pseudonymiser.h"
#include "refdata/refdata.h"
#include "store/sha256.h"
#include "store/store.h"
#include "store/store_testing.h"

namespace csu::store {
namespace {

namespace fs = std::filesystem;
using ingest::ExtractKind;

constexpr uint64_t kTwoGiB = uint64_t{1} << 31;
constexpr uint64_t kTargetBytes = kTwoGiB + (uint64_t{64} << 20);  // past 2 GiB by 64 MiB

const refdata::RefData& Ref() {
  static const refdata::RefData ref = refdata::RefData::Load(std::string(CSU_SOURCE_DIR) + "/data/refdata").value();
  return ref;
}

// A valid NHS number (Modulus 11) from a running counter.
std::string NhsNumber(uint64_t n) {
  for (;; ++n) {
    std::string nine = std::to_string(100000000 + n % 800000000);
    int sum = 0;
    for (int i = 0; i < 9; ++i) sum += (nine[static_cast<size_t>(i)] - '0') * (10 - i);
    int check = 11 - sum % 11;
    if (check == 11) check = 0;
    if (check != 10) return nine + static_cast<char>('0' + check);
  }
}

// What the generator planted, to check the ingest against.
struct Planted {
  int64_t rows = 0;                  // data rows (not the header or the blank line)
  std::vector<int64_t> bad_lines;    // quarantined rows' physical lines, ascending
  std::vector<uint64_t> bad_starts;  // their byte offsets
  int64_t past_2gib_bad_line = 0;    // a bad row that starts past 2 GiB
  std::string last_spell;            // the last accepted record's id
  uint64_t last_spell_offset = 0;
  int32_t last_admission_days = 0;
  uint64_t bytes = 0;
};

// Writes the extract: valid rows with one bad sex code every 250,000 rows,
// a blank line and a bad row just past 2 GiB, and a last row with too few
// fields.
Planted WriteExtract(const std::string& path) {
  Planted p;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return p;
  std::string buffer;
  buffer.reserve(8 << 20);
  auto flush = [&] {
    if (std::fwrite(buffer.data(), 1, buffer.size(), f) != buffer.size()) std::abort();
    p.bytes += buffer.size();
    buffer.clear();
  };
  buffer += "nhs_number,date_of_birth,sex,gp_practice,commissioner,provider,spell_id,admission_date,discharge_date,"
            "admission_method,patient_classification,treatment_function,hrg,primary_diagnosis,primary_procedure,"
            "discharge_method,critical_care_days,rehabilitation_days,palliative_care_days,specialised_service,"
            "unbundled_hrgs,notes\n";
  const std::string notes(900, 'x');
  int64_t line = 1;
  bool blank_written = false, past_2gib_bad_written = false;
  auto offset = [&] { return p.bytes + buffer.size(); };
  while (offset() < kTargetBytes) {
    ++line;
    const int64_t i = p.rows;
    if (!blank_written && offset() > kTwoGiB) {
      buffer += "\n";  // a blank line past 2 GiB: skipped and counted, not a row
      blank_written = true;
      continue;
    }
    bool bad = i % 250000 == 124999;
    if (!past_2gib_bad_written && offset() > kTwoGiB + (uint64_t{1} << 20)) {
      bad = true;
      past_2gib_bad_written = true;
      p.past_2gib_bad_line = line;
    }
    const int day = static_cast<int>(i % 28) + 1;
    const std::string date = std::string("2018-05-") + (day < 10 ? "0" : "") + std::to_string(day);
    const std::string spell = "B" + std::to_string(i);
    if (bad) {
      p.bad_lines.push_back(line);
      p.bad_starts.push_back(offset());
    } else {
      p.last_spell = spell;
      p.last_spell_offset = offset();
      p.last_admission_days = Date::Parse(date).value().days();
    }
    buffer += NhsNumber(static_cast<uint64_t>(i) * 7919) + ",1950-06-15," + (bad ? "7" : "1") + ",N81002,27D,RBT," +
              spell + "," + date + ",2018-05-29,21,1,300,EB03E,I500,,1,1,0,0,,RD01A," + notes + "\n";
    ++p.rows;
    if (buffer.size() > (7 << 20)) flush();
  }
  // Last, a row with too few fields: quarantined as malformed.
  ++line;
  p.bad_lines.push_back(line);
  p.bad_starts.push_back(offset());
  buffer += "9434765919,1950-06-15,1,N81002\n";
  ++p.rows;
  flush();
  if (std::fclose(f) != 0) p.bytes = 0;
  return p;
}

std::string FileSha256Hex(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return "";
  Sha256 sha;
  std::vector<char> chunk(4 << 20);
  size_t n;
  while ((n = std::fread(chunk.data(), 1, chunk.size(), f)) > 0) sha.Update(std::string_view(chunk.data(), n));
  std::fclose(f);
  Digest d = sha.Finish();
  return ingest::ToHex(d.data(), d.size());
}

TEST(BigExtractSlowTest, AnExtractPast2GiBIsIngestedWithEveryRowAccountedFor) {
  testing::ScratchDir dir("big-extract");
  fs::create_directories(dir.path());
  const uint64_t needed = kTargetBytes + (uint64_t{1} << 30);  // the extract, the store and room to spare
  std::error_code ec;
  const fs::space_info space = fs::space(dir.path(), ec);
  if (ec || space.available < needed) {
    GTEST_SKIP() << "needs " << needed / (1 << 20) << " MiB free in " << dir.path() << ", has "
                 << (ec ? 0 : space.available / (1 << 20)) << " MiB";
  }
  const std::string path = dir.path() + "/apc-big.csv";
  const Planted planted = WriteExtract(path);
  ASSERT_GT(planted.bytes, kTwoGiB) << "could not write " << path;
  ASSERT_EQ(fs::file_size(path), planted.bytes);
  ASSERT_GT(planted.last_spell_offset, kTwoGiB);
  ASSERT_GT(planted.bad_starts.back(), kTwoGiB);

  const auto key = ingest::Pseudonymiser::FromKey(std::array<uint8_t, 32>{3});
  auto store = Store::Open(dir.state(), key.Fingerprint());
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  auto builder = store.value()->NewBatch(ExtractKind::kApc, static_cast<size_t>(planted.rows));
  ASSERT_TRUE(builder.ok()) << builder.error().ToString();
  auto report = ingest::IngestFile(path, ExtractKind::kApc, Ref(), key, *builder.value(), nullptr);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  const ingest::IngestReport& r = report.value();

  // Every row counted, once.
  const int64_t bad = static_cast<int64_t>(planted.bad_lines.size());
  EXPECT_EQ(r.file_bytes, planted.bytes);
  EXPECT_EQ(r.rows_read, planted.rows);
  std::string reasons;
  for (const auto& [reason, n] : r.quarantined_by_reason) reasons += reason + ": " + std::to_string(n) + "; ";
  EXPECT_EQ(r.quarantined, bad) << reasons;
  EXPECT_EQ(r.accepted, planted.rows - bad);
  EXPECT_EQ(r.accepted + r.quarantined, r.rows_read);
  EXPECT_EQ(r.blank_lines, 1);
  EXPECT_EQ(r.without_nhs_number, 0);
  // The hash covers all the bytes, the ones past 2 GiB included.
  EXPECT_EQ(r.content_sha256, FileSha256Hex(path));

  BatchInfo info;
  info.file_name = r.file_name;
  info.content_sha256 = r.content_sha256;
  info.rows_read = r.rows_read;
  info.loaded_by = "big-extract-test";
  auto committed = store.value()->CommitBatch(std::move(builder).value(), info);
  ASSERT_TRUE(committed.ok()) << committed.error().ToString();
  EXPECT_EQ(committed.value().rows_accepted, r.accepted);
  EXPECT_EQ(committed.value().rows_quarantined, bad);
  EXPECT_EQ(committed.value().records_restated, 0);

  // Quarantined rows name their physical lines, those past 2 GiB too, and
  // show the text that is really there.
  auto quarantine = store.value()->Quarantine(committed.value().id);
  ASSERT_TRUE(quarantine.ok()) << quarantine.error().ToString();
  ASSERT_EQ(quarantine.value().size(), planted.bad_lines.size());
  for (size_t i = 0; i < planted.bad_lines.size(); ++i) {
    EXPECT_EQ(quarantine.value()[i].line, planted.bad_lines[i]) << "quarantined row " << i;
  }
  EXPECT_EQ(quarantine.value().back().reason, "wrong number of fields");
  EXPECT_EQ(quarantine.value().back().masked_text, "**********,**********,1,N81002");
  ASSERT_GT(planted.past_2gib_bad_line, 0);
  bool seen_past = false;
  for (const ingest::QuarantinedRow& q : quarantine.value()) {
    if (q.line != planted.past_2gib_bad_line) continue;
    seen_past = true;
    EXPECT_EQ(q.column, "sex");
    EXPECT_NE(q.masked_text.find(",7,N81002,27D,RBT,B"), std::string::npos) << q.masked_text.substr(0, 80);
  }
  EXPECT_TRUE(seen_past);

  // The last record, which starts past 2 GiB, is the batch's last row.
  auto tables = store.value()->Load(ExtractKind::kApc);
  ASSERT_TRUE(tables.ok()) << tables.error().ToString();
  const ApcTable& apc = tables.value().apc;
  ASSERT_EQ(static_cast<int64_t>(apc.size()), r.accepted);
  const size_t last = apc.size() - 1;
  EXPECT_EQ(apc.source_row[last], static_cast<uint32_t>(last));
  EXPECT_EQ(apc.admission_date[last], planted.last_admission_days);
  auto found = store.value()->FindRecord(ExtractKind::kApc, "RBT", planted.last_spell);
  ASSERT_TRUE(found.ok()) << found.error().ToString();
  ASSERT_TRUE(found.value().has_value());
  EXPECT_EQ(found.value()->batch_id, committed.value().id);
  EXPECT_EQ(found.value()->row, static_cast<uint32_t>(last));
  EXPECT_TRUE(store.value()->Verify().value().empty());

  fs::remove(path, ec);  // ScratchDir removes the rest
}

}  // namespace
}  // namespace csu::store
