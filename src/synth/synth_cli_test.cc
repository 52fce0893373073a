// `csu synth` as a user runs it: help, clear messages and exit codes for bad
// options, and a small run with --check and --json.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace {

namespace fs = std::filesystem;

struct CliRun {
  int exit_code;
  std::string output;  // stdout and stderr
};

CliRun Csu(const std::string& args) {
  const std::string command = std::string(CSU_BINARY) + " --refdata " + CSU_SOURCE_DIR + "/data/refdata " + args +
                              " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  CliRun run{-1, ""};
  if (pipe == nullptr) return run;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) run.output.append(buf, n);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

TEST(SynthCliTest, HelpListsTheOptions) {
  const CliRun r = Csu("synth --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* option : {"--out", "--seed", "--year", "--ccgs", "--scale", "--defects", "--json", "--check"}) {
    EXPECT_NE(r.output.find(option), std::string::npos) << option;
  }
}

TEST(SynthCliTest, BadOptionsGiveAClearMessageAndExitTwo) {
  const struct {
    const char* args;
    const char* message;
  } kCases[] = {
      {"synth", "--out is required"},
      {"synth --out /tmp/x --bogus", "--bogus"},
      {"synth --out /tmp/x --year 2019/20", "no national tariff for 2019/20"},
      {"synth --out /tmp/x --year next", "--year"},
      {"synth --out /tmp/x --ccgs 27D,ZZZ", "unknown CCG 'ZZZ'"},
      {"synth --out /tmp/x --ccgs 27D --scale england", "excludes"},
      {"synth --out /tmp/x --scale wales", "'wales' is not a scale"},
      {"synth --out /tmp/x --defects -3", "--defects"},
      {"synth --out /tmp/x --seed x", "--seed"},
  };
  for (const auto& c : kCases) {
    const CliRun r = Csu(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << c.args << "\n" << r.output;
  }
}

TEST(SynthCliTest, SmallRunWithCheckAndJson) {
  const fs::path dir = fs::temp_directory_path() / ("csu-synth-cli-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  CliRun r = Csu("synth --out " + dir.string() + " --ccgs 02E --defects 7 --check");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("A&E Type 1 within 4 hours"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Planted defects: 7"), std::string::npos) << r.output;
  EXPECT_TRUE(fs::exists(dir / "apc.csv") && fs::exists(dir / "op.csv") && fs::exists(dir / "ae.csv"));
  EXPECT_TRUE(fs::exists(dir / "contracts.csv"));
  EXPECT_NE(r.output.find("Contracts (contracts.csv): "), std::string::npos) << r.output;
  r = Csu("synth --out " + dir.string() + " --ccgs 02E --json");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output.rfind("{", 0), 0u) << r.output;  // JSON only
  EXPECT_NE(r.output.find("\"checks\""), std::string::npos);
  EXPECT_NE(r.output.find("\"contracts\": {\"file\": \"contracts.csv\""), std::string::npos) << r.output;
  r = Csu("synth --out " + dir.string() + " --ccgs 02E --quiet");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "");
  fs::remove_all(dir);
}

}  // namespace
