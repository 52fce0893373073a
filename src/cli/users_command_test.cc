// `csu users` end to end: the built binary on a temporary state folder.
// Passwords go in on standard input (never argv); each add or reset costs
// one real Argon2 hash.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli/run_csu_for_tests.h"

namespace csu::cli {
namespace {

namespace fs = std::filesystem;
using testing::Outcome;
using testing::RunCsu;

using testing::Contains;

class UsersCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("csu-users-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "keys");
    state_ = "--refdata " + std::string(CSU_SOURCE_DIR) + "/data/refdata ";
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string Where() const {
    return " --data " + (root_ / "state").string() + " --key " + (root_ / "keys" / "pseudo.key").string();
  }
  // Runs `csu users ARGS` with `password` as standard input.
  Outcome Users(const std::string& args, const std::string& password = "") {
    const fs::path in = root_ / "stdin.txt";
    std::ofstream(in) << password << "\n";
    return RunCsu(state_ + "users " + args + Where() + " < " + in.string());
  }
  fs::path root_;
  std::string state_;
};

TEST_F(UsersCommandTest, AddListAssignDisableAndAudit) {
  Outcome o = Users("add admin.one --role csu_admin --name 'Ada Admin' --password-stdin", "tangerine lorry whistle");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "Added admin.one (csu_admin)")) << o.output;
  o = Users("add ann --role csu_analyst --totp --password-stdin", "quiet harbour lantern");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "otpauth://totp/OpenCSU:ann?secret=")) << o.output;
  o = Users("add carol --role ccg_finance --tenant 02E --password-stdin", "copper kettle meadow");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  ASSERT_EQ(Users("assign ann 27D").exit_code, 0);
  ASSERT_EQ(Users("require-2fa csu_admin").exit_code, 0);
  o = Users("disable carol");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "revoked")) << o.output;

  o = Users("list");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "admin.one")) << o.output;
  EXPECT_TRUE(Contains(o.output, "MISSING")) << o.output;  // admin must have 2FA and has none
  EXPECT_TRUE(Contains(o.output, "27D")) << o.output;
  EXPECT_TRUE(Contains(o.output, "disabled")) << o.output;
  o = Users("list --json");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "\"role\": \"ccg_finance\"")) << o.output;
  EXPECT_FALSE(Contains(o.output, "argon2")) << "hashes are never printed";

  o = RunCsu(state_ + "audit list" + Where());
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "user.add")) << o.output;
  EXPECT_TRUE(Contains(o.output, "user.assign")) << o.output;
  EXPECT_TRUE(Contains(o.output, "user.disable")) << o.output;
  EXPECT_TRUE(Contains(o.output, "policy.require_mfa")) << o.output;
  EXPECT_FALSE(Contains(o.output, "tangerine")) << o.output;
  EXPECT_FALSE(Contains(o.output, "harbour")) << o.output;
  EXPECT_EQ(RunCsu(state_ + "audit verify" + Where()).exit_code, 0);
}

TEST_F(UsersCommandTest, PasswordsNeverFromArgvAndWeakOnesRefused) {
  // Standard input is a file, not a terminal, and --password-stdin is absent.
  Outcome o = Users("add bob --role csu_admin", "tangerine lorry whistle");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(Contains(o.output, "not a terminal")) << o.output;
  EXPECT_TRUE(Contains(o.output, "--password-stdin")) << o.output;
  // There is no option that takes a password.
  o = Users("add bob --role csu_admin --password tangerine-lorry-whistle");
  EXPECT_EQ(o.exit_code, 2) << o.output;
  o = Users("add bob --role csu_admin --password-stdin", "Password1234");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(Contains(o.output, "common password")) << o.output;
  EXPECT_FALSE(Contains(o.output, "Password1234")) << o.output;
  o = Users("add bob --role csu_admin --password-stdin", "short");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(Contains(o.output, "too short")) << o.output;
  o = Users("list");
  EXPECT_EQ(o.exit_code, 0) << o.output;
  EXPECT_FALSE(Contains(o.output, "bob")) << o.output;
}

TEST_F(UsersCommandTest, MistakesAreClear) {
  Outcome o = Users("add bob --role superuser --password-stdin", "tangerine lorry whistle");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_TRUE(Contains(o.output, "csu_admin")) << o.output;
  o = Users("add bob --role ccg_viewer --password-stdin", "tangerine lorry whistle");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(Contains(o.output, "needs the user's CCG")) << o.output;
  o = Users("add bob --role ccg_viewer --tenant XYZ99 --password-stdin", "tangerine lorry whistle");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(Contains(o.output, "not a CCG")) << o.output;
  o = Users("disable nobody");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(Contains(o.output, "no such user")) << o.output;
}

TEST_F(UsersCommandTest, ApiTokensCreateListRevoke) {
  ASSERT_EQ(Users("add carol --role ccg_finance --tenant 02E --password-stdin", "copper kettle meadow").exit_code, 0);
  Outcome o = Users("token create carol --name 'finance dashboard'");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  const size_t at = o.output.find("csu_");
  ASSERT_NE(at, std::string::npos) << o.output;
  const std::string token = o.output.substr(at, 4 + 64);
  o = Users("token list carol");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "finance dashboard")) << o.output;
  EXPECT_TRUE(Contains(o.output, "active")) << o.output;
  EXPECT_FALSE(Contains(o.output, token)) << o.output;
  ASSERT_EQ(Users("token revoke 1").exit_code, 0);
  o = Users("token list carol");
  EXPECT_TRUE(Contains(o.output, "revoked")) << o.output;
  EXPECT_EQ(Users("token revoke 99").exit_code, 1);
  o = RunCsu(state_ + "audit list" + Where());
  EXPECT_TRUE(Contains(o.output, "api_token.create")) << o.output;
  // The operator made it, and the log says so: never as carol's own doing.
  EXPECT_TRUE(Contains(o.output, "\"created_by\":\"operator\",\"for_user\":\"carol\"")) << o.output;
  EXPECT_FALSE(Contains(o.output, token)) << o.output;
}

TEST_F(UsersCommandTest, ResetPasswordWithNewSecondFactor) {
  ASSERT_EQ(Users("add carol --role ccg_commissioner --tenant 27D --password-stdin", "copper kettle meadow").exit_code,
            0);
  Outcome o = Users("reset-password carol --totp --password-stdin", "silver birch morning");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(Contains(o.output, "secret:")) << o.output;
  o = Users("list --json");
  EXPECT_TRUE(Contains(o.output, "\"second_factor\": true")) << o.output;
}

}  // namespace
}  // namespace csu::cli
