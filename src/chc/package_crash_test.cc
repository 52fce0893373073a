// A package change killed part-way: the new version and its timeline event
// are written in one transaction, so a kill leaves the package wholly as it
// was or wholly changed: never a version without its event, or an event
// without its version. A forked child opens the database, installs SQLite's
// update and commit hooks on its own connection, and SIGKILLs itself after
// the version row, after the event row (before the commit), or just after
// the commit; the parent then reads what is on disk.
#include <gtest/gtest.h>

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "chc/chc_store.h"
#include "store/sql.h"
#include "store/sqlite_db.h"

namespace csu::chc {
namespace {

Date D(const char* s) { return Date::Parse(s).value(); }
const Actor kActor{"2018-10-01T09:00:00Z", "test"};

enum class KillAt { kVersionRow, kEventRow, kAfterCommit };
KillAt g_kill_at;
bool g_version_written = false;

void Die() { ::kill(::getpid(), SIGKILL); }

void OnRow(void*, int, const char*, const char* table, sqlite3_int64) {
  if (std::strcmp(table, "package_versions") == 0) {
    g_version_written = true;
    if (g_kill_at == KillAt::kVersionRow) Die();
  } else if (std::strcmp(table, "events") == 0 && g_version_written && g_kill_at == KillAt::kEventRow) {
    Die();
  }
}

FieldCipher Cipher() {
  std::array<uint8_t, 32> k{};
  k.fill(3);
  return FieldCipher::FromKey(k, store::kChcCipherDomain);
}

class ChcPackageCrashTest : public ::testing::TestWithParam<KillAt> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("chc_crash_" + std::to_string(::getpid()) + "_" +
                                                     std::to_string(static_cast<int>(GetParam())));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    FieldCipher c = Cipher();
    auto db = ChcStore::Open(dir_.string(), c).value();
    id_ = db->Refer({"02E", std::string(64, 'b'), D("2018-09-01"), false, std::nullopt}, {"n", "9434765919", "1931-02-17", "a"},
                    c, kActor).value();
    ASSERT_TRUE(db->RecordChecklist(id_, D("2018-09-02"), true, kActor).ok());
    Assessment a;
    a.case_id = id_;
    a.assessed_on = D("2018-09-10");
    a.levels[Domain::kBehaviour] = Level::kPriority;
    a.recommendation = "eligible";
    ASSERT_TRUE(db->RecordAssessment(a, kActor).ok());
    ASSERT_TRUE(db->Decide(id_, D("2018-09-20"), true, "priority", kActor).ok());
    package_ = db->AddPackage(id_, {1, D("2018-10-01"), "NVC01", Setting::kCareHomeNursing, Money::FromPence(95000), 100},
                              kActor).value();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  int64_t id_ = 0, package_ = 0;
};

TEST_P(ChcPackageCrashTest, AChangeIsWhollyInOrOut) {
  const KillAt at = GetParam();
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    g_kill_at = at;
    FieldCipher c = Cipher();
    auto db = ChcStore::Open(dir_.string(), c);
    if (!db.ok()) ::_exit(3);
    sqlite3_update_hook(static_cast<store::SqliteConnection&>(db.value()->db()).db().handle(), &OnRow, nullptr);
    Status s = db.value()->ChangePackage(package_, {0, D("2018-10-15"), "NVC01", Setting::kCareHomeNursing,
                                                    Money::FromPence(102050), 100},
                                         "fee uplift", kActor);
    if (at == KillAt::kAfterCommit && s.ok()) Die();
    ::_exit(4);  // not reached when the kill lands
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child was meant to be killed";

  FieldCipher c = Cipher();
  auto db = ChcStore::Open(dir_.string(), c).value();
  auto packages = db->Packages("02E").value();
  ASSERT_EQ(packages.size(), 1u);
  int change_events = 0;
  const std::vector<Event> timeline = db->Timeline(id_).value();
  for (const Event& e : timeline) change_events += e.kind == "package_change";
  const size_t versions = packages[0].versions.size();
  if (at == KillAt::kAfterCommit) {
    EXPECT_EQ(versions, 2u);
    EXPECT_EQ(change_events, 1);
  } else {
    EXPECT_EQ(versions, 1u);
    EXPECT_EQ(change_events, 0);
  }
  // And the change can be made (again) afterwards.
  if (versions == 1u) {
    EXPECT_TRUE(db->ChangePackage(package_, {0, D("2018-10-15"), "NVC01", Setting::kCareHomeNursing,
                                             Money::FromPence(102050), 100},
                                  "fee uplift", kActor).ok());
  }
  EXPECT_EQ(db->Packages("02E").value()[0].versions.size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(KillPoints, ChcPackageCrashTest,
                         ::testing::Values(KillAt::kVersionRow, KillAt::kEventRow, KillAt::kAfterCommit));

}  // namespace
}  // namespace csu::chc
