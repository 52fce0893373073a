// `csu reporting` end to end on PostgreSQL: a small synthetic folder (the
// first 300 rows of each extract the generator writes for CCGs 02E and 27D)
// ingested with --database, so the reporting schema is refreshed with the
// batch; the published figures are those `csu report spend` prints; no NHS
// number of the extracts appears in any reporting row; a CCG's reporting
// role, logged in through psqlODBC with isql (when installed), reads its own
// CCG only. Skipped without CSU_TEST_POSTGRES_URL.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cli/run_csu_for_tests.h"
#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"

namespace csu::cli {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::kRefdata;
using testing::Outcome;
using testing::RunCsu;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ReportingCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CSU_PG_TEST_SCHEMA(schema_);
    base_url_ = std::getenv("CSU_TEST_POSTGRES_URL");
    root_ = fs::temp_directory_path() / ("csu-reporting-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    role_ = "csu_test_bi_" + std::to_string(::getpid());
    auto admin = pg::Connect(base_url_);
    ASSERT_TRUE(admin.ok());
    (void)admin.value()->Exec("DROP ROLE IF EXISTS " + role_);
  }
  void TearDown() override {
    if (!schema_) return;
    schema_.reset();
    auto admin = pg::Connect(base_url_);
    if (admin.ok()) (void)admin.value()->Exec("DROP ROLE IF EXISTS " + role_);
    fs::remove_all(root_);
  }
  std::string Common() const {
    return "--data " + (root_ / "state").string() + " --key " + (root_ / "keys" / "k.key").string();
  }
  std::string Db() const { return " --database '" + base_url_ + "' --schema " + schema_->schema(); }

  // Synthetic extracts for two CCGs, cut to their first 300 rows, ingested;
  // the last ingest publishes. Returns the NHS numbers the extracts hold.
  std::set<std::string> LoadSmallFolder() {
    std::set<std::string> nhs;
    std::vector<std::string> files;
    for (const char* ccg : {"02E", "27D"}) {
      const fs::path out = root_ / ccg;
      Outcome o = RunCsu(kRefdata + "synth --out " + out.string() + " --ccgs " + ccg + " --year 2018/19 --seed 1 --quiet");
      EXPECT_EQ(o.exit_code, 0) << o.output;
      for (const char* kind : {"apc", "op", "ae"}) {
        std::ifstream in(out / (std::string(kind) + ".csv"));
        const fs::path small = root_ / (std::string(ccg) + "-" + kind + ".csv");
        std::ofstream cut(small);
        std::string line;
        int nhs_col = -1;
        for (int n = 0; n <= 300 && std::getline(in, line); ++n) {
          cut << line << "\n";
          std::vector<std::string> cells;
          std::stringstream ls(line);
          for (std::string c; std::getline(ls, c, ',');) cells.push_back(c);
          if (n == 0) {
            for (size_t i = 0; i < cells.size(); ++i)
              if (cells[i] == "nhs_number") nhs_col = static_cast<int>(i);
          } else if (nhs_col >= 0 && static_cast<size_t>(nhs_col) < cells.size() && cells[nhs_col].size() == 10) {
            nhs.insert(cells[nhs_col]);
          }
        }
        files.push_back(std::string(kind) + " " + small.string());
      }
    }
    for (size_t i = 0; i < files.size(); ++i) {
      const std::string kind = files[i].substr(0, files[i].find(' '));
      const std::string file = files[i].substr(files[i].find(' ') + 1);
      // The schema's own URL: `csu ingest --database` also publishes the
      // batches (docs/server-mode.md), which must land in this test's schema,
      // not beside another run's.
      const std::string publish = i + 1 == files.size()
                                      ? " --database '" + schema_->url() + "' --reporting-schema " + schema_->schema()
                                      : "";
      Outcome o = RunCsu(kRefdata + "ingest " + Common() + " --kind " + kind + " " + file + publish);
      EXPECT_EQ(o.exit_code, 0) << o.output;
      if (!publish.empty()) {
        EXPECT_TRUE(Contains(o.output, "Reporting refresh 1 published")) << o.output;
      }
    }
    return nhs;
  }

  int64_t One(const std::string& sql) {
    auto db = pg::Connect(base_url_);
    EXPECT_TRUE(db.ok());
    auto q = db.value()->Prepare(sql);
    EXPECT_TRUE(q.ok()) << (q.ok() ? "" : q.error().ToString());
    if (!q.ok()) return -1;
    auto row = q.value().Step();
    EXPECT_TRUE(row.ok() && row.value());
    return q.value().IsNull(0) ? 0 : q.value().Int(0);
  }

  std::optional<pg::TestSchema> schema_;
  std::string base_url_, role_;
  fs::path root_;
};

TEST_F(ReportingCommandTest, PublishedFiguresAreThePlatformsAndHoldNoNhsNumber) {
  const std::set<std::string> nhs = LoadSmallFolder();
  ASSERT_GT(nhs.size(), 100u);
  const std::string s = schema_->schema();
  EXPECT_EQ(One("SELECT batches FROM " + s + ".refresh"), 6);
  for (const char* ccg : {"02E", "27D"}) {
    Outcome o = RunCsu(kRefdata + "report spend --commissioner " + ccg + " --month 12 --format json " + Common());
    ASSERT_EQ(o.exit_code, 0) << o.output;
    const auto spend = nlohmann::json::parse(o.output);
    ASSERT_FALSE(spend["rows"].empty());
    for (const auto& row : spend["rows"]) {
      const std::string where = " WHERE commissioner = '" + std::string(ccg) + "' AND provider = '" +
                                row["provider"].get<std::string>() + "' AND financial_year = '2018/19'";
      EXPECT_EQ(One("SELECT SUM(cost_pence) FROM " + s + ".monthly_activity" + where), row["spend_pence"].get<int64_t>());
      // The spend view counts priced records in each currency; not-priced
      // ones (NP, £0) in none.
      EXPECT_EQ(One("SELECT SUM(activity) FROM " + s + ".monthly_activity" + where +
                    " AND currency = 'spells' AND pod <> 'NP'"),
                row["spells"].get<int64_t>());
      EXPECT_EQ(One("SELECT SUM(activity) FROM " + s + ".monthly_activity" + where +
                    " AND currency = 'attendances' AND pod <> 'NP'"),
                row["attendances"].get<int64_t>());
      EXPECT_EQ(One("SELECT SUM(activity) FROM " + s + ".monthly_activity" + where +
                    " AND currency = 'appointments' AND pod <> 'NP'"),
                row["appointments"].get<int64_t>());
      EXPECT_EQ(One("SELECT SUM(price_pence) FROM " + s + ".records" + where), row["spend_pence"].get<int64_t>());
    }
  }
  // Every value of every reporting row, as text: no NHS number anywhere.
  auto db = pg::Connect(base_url_);
  ASSERT_TRUE(db.ok());
  size_t rows = 0;
  for (const char* table : {"records", "monthly_activity", "refresh", "role_tenants"}) {
    auto q = db.value()->Prepare("SELECT CAST(t AS text) FROM " + s + "." + table + " t");
    ASSERT_TRUE(q.ok());
    while (true) {
      auto row = q.value().Step();
      ASSERT_TRUE(row.ok());
      if (!row.value()) break;
      ++rows;
      const std::string text = q.value().Text(0);
      for (size_t i = 0; i + 10 <= text.size(); ++i)
        if (std::isdigit(static_cast<unsigned char>(text[i]))) {
          ASSERT_EQ(nhs.count(text.substr(i, 10)), 0u) << "an NHS number in " << table;
        }
    }
  }
  EXPECT_GT(rows, 1800u);
  EXPECT_EQ(One("SELECT COUNT(*) FROM " + s + ".records WHERE patient_pseudonym IS NOT NULL AND "
                "patient_pseudonym !~ '^[0-9a-f]{64}$'"),
            0);
}

TEST_F(ReportingCommandTest, ACcgRoleReadsItsOwnRowsThroughOdbc) {
  LoadSmallFolder();
  Outcome o = RunCsu(kRefdata + "reporting grant --ccg 02e --role " + role_ + Db());
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "reads 02E's rows")) << o.output;
  o = RunCsu(kRefdata + "reporting grant --ccg 99Z --role " + role_ + Db());
  EXPECT_EQ(o.exit_code, 2) << o.output;
  o = RunCsu(kRefdata + "reporting roles" + Db());
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, role_)) << o.output;
  // Publishing again (the operator after a batch removal, say) keeps the grants.
  o = RunCsu(kRefdata + "reporting publish " + Common() + Db());
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "Reporting refresh 2 published")) << o.output;

  if (std::system("command -v isql >/dev/null 2>&1") != 0 ||
      !fs::exists("/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so"))
    GTEST_SKIP() << "isql or psqlODBC (Debian unixodbc, odbc-postgresql) is not installed: ODBC is not tested";
  // A DSN for the role, as an Excel user's would be (docs/deploy.md §9).
  const std::string url = base_url_;  // postgresql://USER@HOST:PORT/DB
  const size_t at = url.find('@'), colon = url.find(':', at), slash = url.find('/', at);
  ASSERT_NE(at, std::string::npos);
  ASSERT_NE(slash, std::string::npos);
  const std::string host = url.substr(at + 1, (colon < slash ? colon : slash) - at - 1);
  const std::string port = colon < slash ? url.substr(colon + 1, slash - colon - 1) : "5432";
  std::string database = url.substr(slash + 1);
  database = database.substr(0, database.find('?'));
  if (host.find(',') != std::string::npos || url.substr(0, at).find(':', 13) != std::string::npos)
    GTEST_SKIP() << "CSU_TEST_POSTGRES_URL has several hosts or a password: the ODBC login is not tested";
  // The new role has no password: the server must trust it on this address.
  if (!pg::Connect("postgresql://" + role_ + "@" + url.substr(at + 1)).ok())
    GTEST_SKIP() << "the server does not let a role without a password log in (trust on loopback): ODBC is not tested";
  fs::create_directories(root_ / "odbc");
  std::ofstream(root_ / "odbc" / "odbc.ini") << "[csu_reporting]\nDriver = PostgreSQL Unicode\nServername = " << host
                                             << "\nPort = " << port << "\nDatabase = " << database
                                             << "\nUsername = " << role_ << "\nSSLmode = prefer\nReadOnly = 1\n";
  const fs::path sql = root_ / "odbc" / "q.sql";
  std::ofstream(sql) << "SELECT commissioner, SUM(activity), SUM(cost_pence) FROM " << schema_->schema()
                     << ".monthly_activity GROUP BY commissioner\n";
  const fs::path out = root_ / "odbc" / "out.txt";
  const std::string cmd = "ODBCINI=" + (root_ / "odbc" / "odbc.ini").string() + " isql -b -d, csu_reporting " + role_ +
                          " < " + sql.string() + " > " + out.string() + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << Slurp(out);
  const std::string got = Slurp(out);
  const std::string s = schema_->schema();
  const std::string expected = "02E," + std::to_string(One("SELECT SUM(activity) FROM " + s +
                                                           ".monthly_activity WHERE commissioner = '02E'")) +
                               "," + std::to_string(One("SELECT SUM(cost_pence) FROM " + s +
                                                        ".monthly_activity WHERE commissioner = '02E'"));
  EXPECT_TRUE(Contains(got, expected)) << got << "\nexpected " << expected;
  EXPECT_FALSE(Contains(got, "27D")) << got;
  // Records need --records: through ODBC the role sees none.
  std::ofstream(sql) << "SELECT COUNT(*) FROM " << schema_->schema() << ".records\n";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << Slurp(out);
  EXPECT_EQ(Slurp(out).find_first_not_of("0\n\r "), std::string::npos) << Slurp(out);
}

}  // namespace
}  // namespace csu::cli
