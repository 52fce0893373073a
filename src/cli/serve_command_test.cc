// `csu serve` end to end: the real binary on a fresh state folder, a port
// chosen by the kernel, GET /healthz over loopback, then SIGTERM and a clean
// exit after draining.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "cli/command.h"
#include "cli/run_csu_for_tests.h"
#include "cli/state.h"

extern char** environ;

namespace csu::cli {
namespace {

namespace fs = std::filesystem;

const std::string kRefdata = std::string(CSU_SOURCE_DIR) + "/data/refdata";

// One HTTP/1.1 exchange on a fresh connection; returns the raw response.
std::string Fetch(uint16_t port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof(buf), 0)) > 0) out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

class HttpServeCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("csu-serve-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "keys");
    Context ctx;
    ctx.refdata_dir = kRefdata;
    auto state = OpenState(ctx, (root_ / "state").string(), (root_ / "keys" / "k.key").string(), /*create=*/true);
    ASSERT_TRUE(state.ok()) << state.error().ToString();
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path root_;
};

TEST_F(HttpServeCommandTest, ServesHealthzAndExitsCleanlyOnSigterm) {
  int out_pipe[2];
  ASSERT_EQ(::pipe(out_pipe), 0);
  const std::string err_file = (root_ / "stderr.txt").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const std::string data = (root_ / "state").string(), key = (root_ / "keys" / "k.key").string();
  std::vector<std::string> args = {CSU_BINARY, "--refdata", kRefdata, "serve", "--data", data,
                                   "--key", key, "--listen", "127.0.0.1:0"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(::posix_spawn(&pid, CSU_BINARY, &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);

  // The first line names the URL, with the port the kernel chose.
  std::string line;
  char ch;
  while (::read(out_pipe[0], &ch, 1) == 1 && ch != '\n') line += ch;
  const std::string marker = "http://127.0.0.1:";
  size_t at = line.find(marker);
  ASSERT_NE(at, std::string::npos) << line;
  const auto port = static_cast<uint16_t>(std::stoi(line.substr(at + marker.size())));
  ASSERT_NE(port, 0);

  std::string reply = Fetch(port, "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << reply;
  EXPECT_NE(reply.find("Content-Type: application/json\r\n"), std::string::npos);
  EXPECT_EQ(reply.substr(reply.size() - 15), "{\"status\":\"ok\"}");
  EXPECT_EQ(Fetch(port, "GET /nope HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").rfind("HTTP/1.1 404", 0), 0u);

  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ::close(out_pipe[0]);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::ifstream err(err_file);
  std::string log((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  EXPECT_NE(log.find("\"path\":\"/healthz\",\"status\":200"), std::string::npos) << log;
  EXPECT_NE(log.find("SIGTERM received"), std::string::npos) << log;
}

TEST_F(HttpServeCommandTest, RefusesAMissingStateFolderAndABadListenAddress) {
  auto o = testing::RunCsu("--refdata " + kRefdata + " serve --data " + (root_ / "absent").string() +
                           " --listen 127.0.0.1:0");
  EXPECT_EQ(o.exit_code, kExitFailure) << o.output;
  EXPECT_NE(o.output.find("no state folder"), std::string::npos) << o.output;
  // An existing folder that is not a state folder is refused, and left as it was.
  fs::create_directories(root_ / "empty");
  o = testing::RunCsu("--refdata " + kRefdata + " serve --data " + (root_ / "empty").string() + " --key " +
                      (root_ / "keys" / "k.key").string() + " --listen 127.0.0.1:0");
  EXPECT_EQ(o.exit_code, kExitFailure) << o.output;
  EXPECT_NE(o.output.find("not a state folder"), std::string::npos) << o.output;
  EXPECT_TRUE(fs::is_empty(root_ / "empty"));
  o = testing::RunCsu("--refdata " + kRefdata + " serve --data " + (root_ / "state").string() + " --listen nowhere");
  EXPECT_EQ(o.exit_code, kExitUsage) << o.output;
  EXPECT_NE(o.output.find("--listen"), std::string::npos) << o.output;
}

}  // namespace
}  // namespace csu::cli
