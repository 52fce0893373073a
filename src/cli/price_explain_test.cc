// `csu price explain` end to end: ingest a small synthetic extract into a
// temporary state folder, explain stored spells, and check each explained
// price against `csu price` on the same rows of the extract; a restated
// spell explains its latest version; an absent record is a clear error.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "cli/run_csu_for_tests.h"
#include "core/csv_reader.h"
#include "core/file.h"
#include "core/money.h"
#include "refdata/refdata_for_tests.h"
#include "synth/generator.h"

namespace csu::cli {
namespace {

namespace fs = std::filesystem;
using testing::Outcome;
using testing::RunCsu;

using testing::kRefdata;

// A CSV file as rows of fields (header first).
std::vector<std::vector<std::string>> ReadCsv(const std::string& path) {
  std::string text = ReadFile(path).value();
  CsvReader reader(text);
  std::vector<std::string_view> fields;
  std::vector<std::vector<std::string>> rows;
  while (reader.Next(fields).value()) rows.emplace_back(fields.begin(), fields.end());
  return rows;
}

size_t Column(const std::vector<std::string>& header, const std::string& name) {
  return static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin());
}

// The "final price" component of an explanation, e.g. "£3,521.98".
std::string FinalPriceLine(const std::string& output) {
  const std::string label = "final price";
  size_t at = output.find(label);
  if (at == std::string::npos) return "";
  size_t start = output.find_first_not_of(' ', at + label.size());
  return output.substr(start, output.find('\n', start) - start);
}

// `csu price`'s final price (pounds, "3521.98") of the row with `spell_id`, as "£3,521.98".
std::string PricedByFile(const std::string& extract, const std::string& out, const std::string& spell_id) {
  Outcome o = RunCsu(kRefdata + "price --kind apc " + extract + " --out " + out);
  EXPECT_EQ(o.exit_code, 0) << o.output;
  auto rows = ReadCsv(out);
  for (size_t i = 1; i < rows.size(); ++i) {
    if (rows[i][Column(rows[0], "spell_id")] == spell_id) {
      return Money::Parse(rows[i][Column(rows[0], "final_price")]).value().ToString();
    }
  }
  return "(not found)";
}

TEST(PriceExplainTest, ExplainsAStoredSpellAtTheSamePriceAsCsuPrice) {
  const fs::path root = fs::temp_directory_path() / ("csu-explain-" + std::to_string(::getpid()));
  fs::remove_all(root);
  const fs::path extracts = root / "extracts", state = root / "state", key = root / "keys" / "k.key";
  const refdata::RefData& ref = refdata::TestRefData();
  synth::SynthOptions options;
  options.out_dir = extracts.string();
  options.progress = false;
  for (const auto& p : ref.practices()) {
    if (p.ccg.view() == "27D" && options.practices.empty()) options.practices.push_back(p.code);
  }
  ASSERT_TRUE(synth::Generate(ref, options).ok());
  const std::string apc = (extracts / "apc.csv").string();
  const std::string common = kRefdata + "--data " + state.string() + " --key " + key.string();
  Outcome o = RunCsu("ingest " + common + " --kind apc " + apc);
  ASSERT_EQ(o.exit_code, 0) << o.output;

  auto rows = ReadCsv(apc);
  ASSERT_GT(rows.size(), 20u);
  const auto& header = rows[0];
  const size_t spell = Column(header, "spell_id"), provider = Column(header, "provider"), hrg = Column(header, "hrg");
  // A handful of spells, each explained and checked against `csu price`.
  for (size_t i : {size_t{1}, size_t{2}, rows.size() / 2, rows.size() - 1}) {
    o = RunCsu(kRefdata + "price explain --kind apc --data " + state.string() + " --key " + key.string() +
               " --provider " + rows[i][provider] + " --id " + rows[i][spell]);
    ASSERT_EQ(o.exit_code, 0) << o.output;
    EXPECT_NE(o.output.find("tariff year"), std::string::npos) << o.output;
    EXPECT_NE(o.output.find(rows[i][hrg]), std::string::npos) << o.output;
    EXPECT_EQ(FinalPriceLine(o.output), PricedByFile(apc, (root / "priced.csv").string(), rows[i][spell])) << o.output;
  }

  // Restate one spell with another HRG: explain shows the latest version.
  std::vector<std::string> restated = rows[1];
  restated[hrg] = restated[hrg] == "EB03E" ? "FD01A" : "EB03E";
  const std::string second = (extracts / "apc-restated.csv").string();
  {
    std::ofstream out(second);
    for (const std::vector<std::string>& row : {header, restated}) {
      for (size_t f = 0; f < row.size(); ++f) out << (f ? "," : "") << row[f];
      out << "\n";
    }
  }
  o = RunCsu("ingest " + common + " --kind apc " + second);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  o = RunCsu(kRefdata + "price explain --kind apc --data " + state.string() + " --key " + key.string() +
             " --provider " + restated[provider] + " --id " + restated[spell]);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find(restated[hrg]), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("batch 2"), std::string::npos) << o.output;
  EXPECT_EQ(FinalPriceLine(o.output), PricedByFile(second, (root / "priced2.csv").string(), restated[spell]));

  // Absent: an unknown id, and a real id under another provider.
  o = RunCsu(kRefdata + "price explain --kind apc --data " + state.string() + " --key " + key.string() +
             " --provider " + rows[1][provider] + " --id NO-SUCH-SPELL");
  EXPECT_EQ(o.exit_code, 1) << o.output;
  EXPECT_NE(o.output.find("no such record"), std::string::npos) << o.output;
  const std::string other = rows[1][provider] == "RBT" ? "R1H" : "RBT";
  o = RunCsu(kRefdata + "price explain --kind apc --data " + state.string() + " --key " + key.string() +
             " --provider " + other + " --id " + rows[1][spell]);
  EXPECT_EQ(o.exit_code, 1) << o.output;
  EXPECT_NE(o.output.find("no such record"), std::string::npos) << o.output;

  // `csu price` without its file is still a usage error.
  o = RunCsu(kRefdata + "price --kind apc");
  EXPECT_EQ(o.exit_code, 2) << o.output;
  fs::remove_all(root);
}

}  // namespace
}  // namespace csu::cli
