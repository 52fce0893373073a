// The ledger commands end to end on a temporary state folder: import a
// journal and a CSV, export the ledger as a journal and have Debian's
// hledger read it back to the same balances as csu's trial balance; and the
// refusals a user sees (the line of a bad transaction, self-approval, a
// closed period), each leaving the ledger as it was.
#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "cli/run_csu_for_tests.h"
#include "core/csv_reader.h"
#include "ledger/ledger_types.h"
#include "store/sha256.h"

namespace csu::cli {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::Outcome;
using testing::RunCsu;

const char* kApril = R"(; April 2018 for NHS Warrington CCG
2018-04-01 * (ALLOC-01) Allocation drawdown for April
    assets:current:cash:gbs               £30,000,000.00  ; counterparty:X24
    income:allocation:programme          -£29,400,000.00  ; counterparty:X24
    income:allocation:running-costs

2018/04/15 * (BLK-04) Block payment, Warrington and Halton
    expenses:programme:acute              £12,345,678.90  ; cost-centre:CC100, counterparty:RWW
    assets:current:cash:gbs

2018-04-30 (ACC-04) Mental health activity not yet invoiced  ; reverse:next-period
    expenses:programme:mental-health       £1,500,000.00  ; cost-centre:CC200, counterparty:RWW
    liabilities:current:accruals
)";

const char* kMayCsv =
    "date,reference,description,account,amount,cost_centre,counterparty\n"
    "2018-05-10,RWW-0518,\"Mental health, April invoice\",expenses:programme:mental-health,\"1,480,000.00\",CC200,RWW\n"
    "2018-05-10,RWW-0518,\"Mental health, April invoice\",liabilities:current:payables:nhs,-1480000.00,,RWW\n"
    "2018-05-27,PAY-05,May payroll,expenses:running-costs:pay,\"£412,999.01\",CC900,\n"
    "2018-05-27,PAY-05,May payroll,assets:current:cash:gbs,-£412999.01,,\n";

// Runs a shell command line, stdout only (stderr is left to the test log).
Outcome RunShell(const std::string& command) {
  Outcome out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.output.append(buf, n);
  const int status = ::pclose(pipe);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

class LedgerCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::FreshScratch("csu-ledger-cli");
    ASSERT_EQ(Csu("users add admin --role csu_admin --password-stdin < " + (root_ / "pw.txt").string()).exit_code, 0);
    std::ofstream(root_ / "april.journal") << kApril;
    std::ofstream(root_ / "may.csv") << kMayCsv;
  }
  void TearDown() override { fs::remove_all(root_); }
  Outcome Csu(const std::string& args) {
    return testing::RunCsuOn(root_, args);
  }
  std::string Path(const char* name) const { return (root_ / name).string(); }
  // account -> signed pence, from csu's trial balance as at the last day.
  std::map<std::string, int64_t> CsuBalances(const std::string& entity) {
    Outcome o = Csu("ledger report trial-balance --entity " + entity + " --format json");
    EXPECT_EQ(o.exit_code, 0) << o.output;
    std::map<std::string, int64_t> out;
    const nlohmann::json table = nlohmann::json::parse(o.output);  // held: rows are read from it
    for (const auto& row : table["rows"]) {
      int64_t p = 0;
      if (!row["debit_pence"].is_null()) p += row["debit_pence"].get<int64_t>();
      if (!row["credit_pence"].is_null()) p -= row["credit_pence"].get<int64_t>();
      if (p != 0) out[row["account"].get<std::string>()] = p;
    }
    return out;
  }
  fs::path root_;
};

TEST_F(LedgerCommandTest, AnExportedJournalReadsBackInHledgerToTheSameBalances) {
  const std::string chart = std::string(CSU_SOURCE_DIR) + "/data/ledger/ccg-chart.csv";
  Outcome o = Csu("ledger entity add --entity 02e --template " + chart + " --approval-above £50,000,000");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  ASSERT_EQ(Csu("ledger period open --entity 02E --period 2018-04").exit_code, 0);
  o = Csu("ledger import --entity 02E " + Path("april.journal"));
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "3 journals (1 to 3), 7 postings")) << o.output;
  o = Csu("ledger period open --entity 02E --period 2018-05");
  EXPECT_TRUE(Contains(o.output, "1 accruals reversed on 2018-05-01")) << o.output;
  o = Csu("ledger import --entity 02E " + Path("may.csv"));
  ASSERT_EQ(o.exit_code, 0) << o.output;

  const std::map<std::string, int64_t> mine = CsuBalances("02E");
  // cash 30,000,000.00 − 12,345,678.90 − 412,999.01; mental health 1,500,000 − 1,500,000 + 1,480,000.
  EXPECT_EQ(mine.at("assets:current:cash:gbs"), 1'724'132'209);
  EXPECT_EQ(mine.at("expenses:programme:mental-health"), 148'000'000);
  EXPECT_EQ(mine.count("liabilities:current:accruals"), 0u);

  o = Csu("ledger export --entity 02E --format journal --out " + Path("out.journal"));
  ASSERT_EQ(o.exit_code, 0) << o.output;
  Outcome h = RunShell("hledger -f " + Path("out.journal") + " balance -O csv");
  ASSERT_NE(h.exit_code, 127) << "hledger is not installed; scripts/install-deps.sh installs it";
  ASSERT_EQ(h.exit_code, 0) << h.output;
  std::map<std::string, int64_t> theirs;
  CsvReader reader(h.output);
  std::vector<std::string_view> f;
  ASSERT_TRUE(reader.Next(f).value());  // header
  while (reader.Next(f).value()) {
    ASSERT_EQ(f.size(), 2u);
    if (f[0] == "total") {
      EXPECT_EQ(f[1], "0");
      continue;
    }
    auto pence = ledger::ParsePounds(f[1]);
    ASSERT_TRUE(pence.ok()) << f[1];
    theirs[std::string(f[0])] = pence.value().pence();
  }
  EXPECT_EQ(theirs, mine) << h.output;

  // The export imports again, into another CCG's ledger, to the same balances.
  ASSERT_EQ(Csu("ledger entity add --entity 04C --template " + chart + " --approval-above £50,000,000").exit_code, 0);
  ASSERT_EQ(Csu("ledger period open --entity 04C --year 2018/19").exit_code, 0);
  o = Csu("ledger import --entity 04C " + Path("out.journal"));
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_EQ(CsuBalances("04C"), mine) << "an accrual already reversed must not reverse twice";

  // The reports in every format.
  o = Csu("ledger report income-expenditure --entity 02E --period 2018-05 --format csv");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "Expenditure,expenses:programme:mental-health,5120,-20000.00,1480000.00")) << o.output;
  o = Csu("ledger report financial-position --entity 02E --to 2018-05-31");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "Net assets")) << o.output;
  EXPECT_EQ(Csu("ledger report trial-balance --entity 02E --period 2018-05 --format xlsx --out " +
                Path("tb.xlsx")).exit_code, 0);
  EXPECT_TRUE(fs::exists(root_ / "tb.xlsx"));
  EXPECT_EQ(Csu("ledger report budget --entity 02E").exit_code, 2);
}

TEST_F(LedgerCommandTest, RefusalsNameTheProblemAndChangeNothing) {
  const std::string chart = std::string(CSU_SOURCE_DIR) + "/data/ledger/ccg-chart.csv";
  EXPECT_EQ(Csu("ledger entity add --entity RWW --template " + chart).exit_code, 1) << "a trust keeps no ledger here";
  ASSERT_EQ(Csu("ledger entity add --entity 02E --template " + chart).exit_code, 0);
  ASSERT_EQ(Csu("ledger period open --entity 02E --period 2018-04").exit_code, 0);
  std::string bad = kApril;
  bad.replace(bad.find("£12,345,678.90"), 14, "£12,345,678.9O");
  std::ofstream(Path("bad.journal")) << bad;
  Outcome o = Csu("ledger import --entity 02E " + Path("bad.journal"));
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(Contains(o.output, "bad.journal:8: ")) << o.output;
  EXPECT_TRUE(Contains(o.output, "nothing was posted")) << o.output;
  o = Csu("ledger import --entity 02E " + Path("may.csv"));
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(Contains(o.output, "may.csv:2: period 2018-05 is not open")) << o.output;
  EXPECT_TRUE(Contains(Csu("ledger journals --entity 02E").output, "(no rows)"));

  // Above the £10,000 default a second person must approve; csu runs as one.
  o = Csu("ledger post --entity 02E --reason 'April' " + Path("april.journal"));
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "waiting for a second person's approval")) << o.output;
  o = Csu("ledger approve --entity 02E --batch 1");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(Contains(o.output, "segregation of duties")) << o.output;
  EXPECT_TRUE(CsuBalances("02E").empty());
  o = Csu("ledger period close --entity 02E --period 2018-04");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(Contains(o.output, "wait for approval")) << o.output;
  EXPECT_EQ(Csu("ledger period open --entity 02E --period 2018-13").exit_code, 2);

  // Every change is in the hash-chained audit log.
  o = Csu("audit verify");
  EXPECT_EQ(o.exit_code, 0) << o.output;
  o = Csu("audit list");
  EXPECT_TRUE(Contains(o.output, "ledger.journal.raise")) << o.output;
}

// Segregation of duties on the command line (docs/ledger.md): who acts is
// the effective operating system user, so the login that raised a batch
// above the threshold cannot approve it, whatever $USER or $LOGNAME say, and
// so is refused for a reversal too; a second login can. The
// second login is the `nobody` account, which needs root to switch to: run
// as anyone else, that last part is skipped (and says so).
TEST_F(LedgerCommandTest, OnlyASecondLoginApprovesABatchAboveTheThreshold) {
  const std::string chart = std::string(CSU_SOURCE_DIR) + "/data/ledger/ccg-chart.csv";
  ASSERT_EQ(Csu("ledger entity add --entity 02E --template " + chart).exit_code, 0);
  ASSERT_EQ(Csu("ledger period open --entity 02E --period 2018-04").exit_code, 0);
  Outcome o = Csu("ledger post --entity 02E --reason 'April' " + Path("april.journal"));
  ASSERT_EQ(o.exit_code, 0) << o.output;
  ASSERT_TRUE(Contains(o.output, "waiting for a second person's approval")) << o.output;
  // The environment does not change who acts.
  const char* saved_user = std::getenv("USER");
  const std::string keep = saved_user == nullptr ? "" : saved_user;
  ::setenv("USER", "someone-else", 1);
  ::setenv("LOGNAME", "someone-else", 1);
  o = Csu("ledger approve --entity 02E --batch 1");
  if (saved_user != nullptr) ::setenv("USER", keep.c_str(), 1);
  else ::unsetenv("USER");
  ::unsetenv("LOGNAME");
  EXPECT_EQ(o.exit_code, 1) << o.output;
  EXPECT_TRUE(Contains(o.output, "segregation of duties")) << o.output;
  EXPECT_TRUE(CsuBalances("02E").empty()) << "nothing counts until a second person approves";
  o = Csu("ledger journals --entity 02E --format json");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_FALSE(Contains(o.output, "someone-else")) << o.output;

  // A second login approves it.
  if (::geteuid() != 0 || std::system("command -v setpriv >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "a second login needs root and setpriv; the refusal above was tested";
  // nobody may write the state folder; the pseudonymisation key stays
  // private (the CLI refuses a key others can read), so it becomes nobody's
  // (root reads it still).
  const passwd* nobody = ::getpwnam("nobody");
  ASSERT_NE(nobody, nullptr);
  fs::permissions(root_, fs::perms::all, fs::perm_options::add);
  for (const auto& entry : fs::recursive_directory_iterator(root_))
    if (entry.path().parent_path().filename() != "keys" && entry.path().filename() != "keys")
      fs::permissions(entry.path(), fs::perms::all, fs::perm_options::add);
  for (const fs::path& key : {root_ / "keys", root_ / "keys" / "pseudo.key"})
    if (fs::exists(key)) ASSERT_EQ(::chown(key.c_str(), nobody->pw_uid, nobody->pw_gid), 0) << key;
  const std::string as_nobody = "setpriv --reuid=" + std::to_string(nobody->pw_uid) + " --regid=" + std::to_string(nobody->pw_gid) +
                                " --clear-groups " + std::string(CSU_BINARY) +
                                " " + testing::kRefdata + "ledger approve --entity 02E --batch 1 --data " +
                                (root_ / "state").string() + " --key " + (root_ / "keys" / "pseudo.key").string();
  o = RunShell(as_nobody + " 2>&1");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "Batch 1 approved and posted")) << o.output;
  EXPECT_EQ(CsuBalances("02E").at("assets:current:cash:gbs"), 3'000'000'000 - 1'234'567'890);
  o = Csu("ledger journals --entity 02E --format json");
  EXPECT_TRUE(Contains(o.output, "cli:nobody")) << o.output;
  o = Csu("audit list");
  EXPECT_TRUE(Contains(o.output, "ledger.journal.approve")) << o.output;
  // A reversal above the threshold is a batch like any other: its raiser
  // cannot approve it either.
  o = Csu("ledger reverse --entity 02E --journal 2 --on 2018-04-28 --reason 'wrong provider'");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "waiting for a second person's approval")) << o.output;
  o = Csu("ledger approve --entity 02E --batch 2");
  EXPECT_EQ(o.exit_code, 1) << o.output;
  EXPECT_TRUE(Contains(o.output, "segregation of duties")) << o.output;
}

// The audit entry of an import fingerprints the batch as journal text
// (docs/ledger.md, "Audit"), taken from the transactions raised rather than
// read back: it must equal the text the stored journals write, which the
// export shows (after its two header lines).
TEST_F(LedgerCommandTest, AnImportsAuditFingerprintIsTheTextOfTheStoredJournals) {
  const std::string chart = std::string(CSU_SOURCE_DIR) + "/data/ledger/ccg-chart.csv";
  ASSERT_EQ(Csu("ledger entity add --entity 02E --template " + chart + " --approval-above £50,000,000").exit_code, 0);
  ASSERT_EQ(Csu("ledger period open --entity 02E --period 2018-04").exit_code, 0);
  ASSERT_EQ(Csu("ledger import --entity 02E " + Path("april.journal")).exit_code, 0);
  ASSERT_EQ(Csu("ledger export --entity 02E --format journal --out " + Path("out.journal")).exit_code, 0);
  std::ifstream in(Path("out.journal"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t body = text.find("\n\n");
  ASSERT_NE(body, std::string::npos) << text;
  const std::string stored = text.substr(body + 2);
  ASSERT_TRUE(Contains(stored, "(BLK-04)")) << stored;
  const Outcome o = Csu("audit list");
  EXPECT_TRUE(Contains(o.output, store::Sha256Hex(stored))) << o.output << "\n" << stored;
}

}  // namespace
}  // namespace csu::cli
