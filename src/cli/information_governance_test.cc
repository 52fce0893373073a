// Information governance, end to end: after loading extracts through the
// real `csu ingest` command, no NHS number or date of birth from the input
// may appear anywhere in the state folder (catalog, WAL, column files,
// compressed rows files) or in anything the commands printed, and the key
// must stay outside the folder.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <zstd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "cli/run_csu_for_tests.h"
#include "core/csv_reader.h"
#include "refdata/refdata.h"
#include "synth/generator.h"

namespace csu::cli {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Decompresses every zstd frame in `data` (rows files are zstd streams).
std::string Unzstd(const std::string& data) {
  std::string out;
  ZSTD_DCtx* d = ZSTD_createDCtx();
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  std::array<char, 1 << 16> buf;
  while (in.pos < in.size) {
    ZSTD_outBuffer o{buf.data(), buf.size(), 0};
    size_t rc = ZSTD_decompressStream(d, &o, &in);
    if (ZSTD_isError(rc)) break;
    out.append(buf.data(), o.pos);
  }
  ZSTD_freeDCtx(d);
  return out;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f'); }

// Whether bytes[i, i + 10) lies inside a run of at least 32 lower-case hex
// characters with a letter in it: a pseudonym or a hash, where ten digits in
// a row occur by chance (about one position in a hundred) and, among the
// millions of such characters the folder holds, sometimes spell one of the
// input's NHS numbers. A number leaked as text stands alone or beside
// punctuation, never inside such a run.
bool InsideHexRun(const std::string& bytes, size_t i) {
  size_t from = i, to = i + 10;
  while (from > 0 && IsHex(bytes[from - 1])) --from;
  while (to < bytes.size() && IsHex(bytes[to])) ++to;
  if (to - from < 32) return false;
  for (size_t k = from; k < to; ++k)
    if (!IsDigit(bytes[k])) return true;
  return false;
}

// The first identifier from `nhs_numbers` or `dates` found in `bytes`, or
// "". One pass: every 10-digit window and every YYYY-MM-DD shape is looked
// up in the sets (searching for each identifier in turn would be quadratic).
std::string FindIdentifier(const std::string& bytes, const std::set<std::string>& nhs_numbers,
                           const std::set<std::string>& dates) {
  for (size_t i = 0; i + 10 <= bytes.size(); ++i) {
    if (!IsDigit(bytes[i])) continue;
    std::string window = bytes.substr(i, 10);
    if (nhs_numbers.count(window) && !InsideHexRun(bytes, i)) return window;
    if (window[4] == '-' && window[7] == '-' && dates.count(window)) return window;
  }
  return "";
}

std::string RunCapture(const std::string& args, int* exit_code) {
  testing::Outcome o = testing::RunCsu(args);
  *exit_code = o.exit_code;
  return o.output;
}

TEST(InformationGovernanceTest, NoIdentifierReachesTheStateFolderOrTheOutput) {
  fs::path root = fs::temp_directory_path() / ("csu-ig-" + std::to_string(::getpid()));
  fs::remove_all(root);
  const fs::path extracts = root / "extracts", state = root / "state", key = root / "keys" / "pseudo.key";

  auto ref = refdata::RefData::Load(std::string(CSU_SOURCE_DIR) + "/data/refdata");
  ASSERT_TRUE(ref.ok());
  synth::SynthOptions options;
  options.out_dir = extracts.string();
  options.ccgs = {OdsCode::Parse("02E").value()};
  options.practices = {OdsCode::Parse("N81007").value(), OdsCode::Parse("N81020").value()};
  options.defects = 30;  // quarantined rows must be masked too
  options.progress = false;
  auto generated = synth::Generate(ref.value(), options);
  ASSERT_TRUE(generated.ok()) << generated.error().ToString();

  // Every identifier in the input. Dates of birth are checked when they are
  // before 2016: later ones can coincide with activity dates (babies).
  std::set<std::string> nhs_numbers, dates_of_birth;
  for (const char* name : {"apc.csv", "op.csv", "ae.csv"}) {
    std::string text = ReadAll(extracts / name);
    CsvReader reader(text);
    std::vector<std::string_view> f;
    while (true) {
      auto got = reader.Next(f);
      if (!got.ok()) continue;
      if (!got.value()) break;
      if (f.size() < 2 || f[0] == "nhs_number") continue;
      std::string nhs;
      for (char c : f[0]) if (c != ' ') nhs.push_back(c);
      if (nhs.size() == 10) nhs_numbers.insert(nhs);
      if (f[1].size() == 10 && f[1] < "2016-01-01") dates_of_birth.insert(std::string(f[1]));
    }
  }
  ASSERT_GT(nhs_numbers.size(), 1000u);
  ASSERT_GT(dates_of_birth.size(), 1000u);
  // The scanner itself must find identifiers where they are, or this test
  // could never fail.
  ASSERT_NE(FindIdentifier(ReadAll(extracts / "apc.csv"), nhs_numbers, {}), "");
  ASSERT_NE(FindIdentifier(ReadAll(extracts / "ae.csv"), {}, dates_of_birth), "");
  const std::string one = *nhs_numbers.begin();
  const std::string hex_around = "ab12cd34ef" + one + "0123456789abcdef0123456789";
  EXPECT_EQ(FindIdentifier(hex_around, {one}, {}), "");  // a chance spelling inside a pseudonym
  EXPECT_EQ(FindIdentifier("\"" + one + "\",ab12cd34ef0123456789abcdef0123456789", {one}, {}), one);
  EXPECT_EQ(FindIdentifier("x" + one + "y", {one}, {}), one);

  std::string printed;
  int rc = 0;
  const std::string common = "--data " + state.string() + " --key " + key.string();
  for (const char* kind : {"apc", "op", "ae"}) {
    printed += RunCapture("ingest " + common + " --kind " + kind + " " + (extracts / (std::string(kind) + ".csv")).string(), &rc);
    ASSERT_EQ(rc, 0) << printed;
  }
  printed += RunCapture("quarantine " + common, &rc);
  ASSERT_EQ(rc, 0) << printed;
  printed += RunCapture("quarantine --format json " + common, &rc);
  printed += RunCapture("batches " + common, &rc);
  printed += RunCapture("audit list " + common, &rc);
  ASSERT_NE(printed.find("*"), std::string::npos);  // masked quarantine rows were shown

  // The key lives outside the state folder, readable by its owner only.
  struct stat st {};
  ASSERT_EQ(::stat(key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077, 0u);
  std::string key_text = ReadAll(key);
  std::string key_hex = key_text.substr(key_text.find('\n') + 1, 64);

  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(state)) {
    if (!entry.is_regular_file()) continue;
    std::string bytes = ReadAll(entry.path());
    if (entry.path().extension() == ".zst") bytes = Unzstd(bytes);
    ++files;
    ASSERT_EQ(FindIdentifier(bytes, nhs_numbers, dates_of_birth), "") << entry.path() << " holds an identifier";
    ASSERT_EQ(bytes.find(key_hex), std::string::npos) << entry.path() << " holds the key";
  }
  EXPECT_GE(files, 7);  // catalog + 3 column files + 3 rows files
  ASSERT_EQ(FindIdentifier(printed, nhs_numbers, dates_of_birth), "") << "the commands printed an identifier";
  fs::remove_all(root);
}

TEST(InformationGovernanceTest, KeyInsideTheStateFolderIsRefused) {
  fs::path root = fs::temp_directory_path() / ("csu-ig-key-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "state");
  int rc = 0;
  std::string out = RunCapture("ingest --data " + (root / "state").string() + " --key " + (root / "state" / "k.key").string() +
                            " --kind apc " + std::string(CSU_SOURCE_DIR) + "/tests/golden/ingest/apc_mixed.csv",
                        &rc);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("must be kept outside the state folder"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(root / "state" / "k.key"));
  fs::remove_all(root);
}

TEST(InformationGovernanceTest, AChangedKeyIsRefused) {
  fs::path root = fs::temp_directory_path() / ("csu-ig-key2-" + std::to_string(::getpid()));
  fs::remove_all(root);
  int rc = 0;
  std::string file = std::string(CSU_SOURCE_DIR) + "/tests/golden/ingest/apc_mixed.csv";
  std::string out = RunCapture("ingest --data " + (root / "state").string() + " --key " + (root / "a.key").string() +
                            " --kind apc " + file, &rc);
  ASSERT_EQ(rc, 0) << out;
  out = RunCapture("ingest --data " + (root / "state").string() + " --key " + (root / "b.key").string() + " --kind apc " + file,
            &rc);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("key"), std::string::npos) << out;
  // Refused without creating anything: the missing key is not made up for
  // a state folder that already has one.
  EXPECT_FALSE(fs::exists(root / "b.key")) << "a refused ingest left a new key behind";
  EXPECT_NE(out.find("not found"), std::string::npos) << out;
  out = RunCapture("batches --data " + (root / "state").string() + " --key " + (root / "missing.key").string(), &rc);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("not found"), std::string::npos) << out;
  fs::remove_all(root);
}

}  // namespace
}  // namespace csu::cli
