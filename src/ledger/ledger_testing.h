// Test helpers for the ledger: a temporary state folder, the shipped chart
// templates, and ledgers opened on them.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

#include "core/file.h"
#include "ledger/chart.h"
#include "ledger/journal_format.h"
#include "ledger/ledger_store.h"

namespace csu::ledger::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() / ("csu-ledger-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// data/ledger/<name>-chart.csv ("ccg" or "csu"), parsed.
inline ChartTemplate ShippedChart(const std::string& name) {
  const std::string path = std::string(CSU_SOURCE_DIR) + "/data/ledger/" + name + "-chart.csv";
  auto text = ReadFile(path);
  if (!text.ok()) throw std::runtime_error(text.error().ToString());
  auto chart = ParseChartTemplate(text.value(), path);
  if (!chart.ok()) throw std::runtime_error(chart.error().ToString());
  return std::move(chart).value();
}

inline std::vector<Transaction> Txns(const std::string& journal) {
  auto r = ParseJournal(journal, "test.journal");
  if (!r.ok()) throw std::runtime_error(r.error().ToString());
  return std::move(r).value();
}

// Every ODS code is known, named after itself.
inline std::optional<std::string> AnyOrg(const std::string& ods) { return "Org " + ods; }

}  // namespace csu::ledger::testing
