// Test helpers for the ledger: a temporary state folder, the shipped chart
// templates, and ledgers opened on them, on SQLite (a state folder) or on
// PostgreSQL (server mode, a fresh schema per test; the PostgreSQL cases
// skip without CSU_TEST_POSTGRES_URL).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "core/file.h"
#include "ledger/chart.h"
#include "ledger/journal_format.h"
#include "ledger/ledger_store.h"
#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"
#include "store/sql.h"
#include "store/sqlite_db.h"

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

// A test on both engines: TEST_P on a subclass, instantiated with
// INSTANTIATE_TEST_SUITE_P(Backends, X, ::testing::Values("sqlite", "postgresql"), BackendName).
class LedgerBackend : public ::testing::TestWithParam<const char*> {
 public:
  void SetUp() override {
    if (std::string(GetParam()) == "postgresql") {
      CSU_PG_TEST_SCHEMA(pg_);
    }
  }
  // Each call is a connection of its own: another node on PostgreSQL.
  Result<std::unique_ptr<LedgerStore>> OpenStore() {
    if (!pg_) return LedgerStore::Open(dir_.path());
    CSU_ASSIGN_OR_RETURN(db, pg::Connect(pg_->url()));
    return LedgerStore::OpenServer(std::move(db));
  }
  std::unique_ptr<LedgerStore> MustOpen() {
    auto db = OpenStore();
    EXPECT_TRUE(db.ok()) << db.error().ToString();
    return db.ok() ? std::move(db).value() : nullptr;
  }
  // A connection beneath the store, as someone with the file or a database
  // login would have; Table() names a table on it.
  std::unique_ptr<store::SqlConnection> Raw() {
    if (pg_) {
      auto c = pg::Connect(pg_->url());
      EXPECT_TRUE(c.ok()) << c.error().ToString();
      return c.ok() ? std::move(c).value() : nullptr;
    }
    auto c = store::SqliteDb::Open(dir_.path() + "/ledger.sqlite", "");
    EXPECT_TRUE(c.ok()) << c.error().ToString();
    return c.ok() ? std::make_unique<store::SqliteConnection>(std::move(c).value()) : nullptr;
  }
  std::string Table(const std::string& name) const { return pg_ ? "ledger_" + name : name; }
  bool postgres() const { return pg_.has_value(); }

  static std::string DirName() {
    std::string n = std::string("backend-") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : n)
      if (c == '/') c = '-';
    return n;
  }
  TempDir dir_{DirName()};
  std::optional<pg::TestSchema> pg_;
};

inline std::string BackendName(const ::testing::TestParamInfo<const char*>& i) { return i.param; }

}  // namespace csu::ledger::testing
