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

  struct Server {
    pid_t pid = 0;
    uint16_t port = 0;  // 0: it did not start
    int out_fd = -1;    // its stdout, after the first line
  };
  // Starts `csu serve` on the test's state folder, on a port the kernel
  // chooses, with stderr to stderr.txt; returns once it has said its URL.
  Server Start() {
    Server server;
    int out_pipe[2];
    if (::pipe(out_pipe) != 0) return server;
    const std::string err_file = (root_ / "stderr.txt").string();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<std::string> args = {CSU_BINARY, "--refdata", kRefdata, "serve", "--data", Data(),
                                     "--key", Key(), "--listen", "127.0.0.1:0"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int spawned = ::posix_spawn(&server.pid, CSU_BINARY, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out_pipe[1]);
    server.out_fd = out_pipe[0];
    if (spawned != 0) return server;
    // The first line names the URL, with the port the kernel chose.
    std::string line;
    char ch;
    while (::read(out_pipe[0], &ch, 1) == 1 && ch != '\n') line += ch;
    const std::string marker = "http://127.0.0.1:";
    if (size_t at = line.find(marker); at != std::string::npos)
      server.port = static_cast<uint16_t>(std::stoi(line.substr(at + marker.size())));
    return server;
  }
  std::string Data() const { return (root_ / "state").string(); }
  std::string Key() const { return (root_ / "keys" / "k.key").string(); }

  fs::path root_;
};

TEST_F(HttpServeCommandTest, ServesHealthzAndExitsCleanlyOnSigterm) {
  const Server server = Start();
  ASSERT_NE(server.port, 0);
  const pid_t pid = server.pid;
  const uint16_t port = server.port;
  const int out_fd = server.out_fd;

  std::string reply = Fetch(port, "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << reply;
  EXPECT_NE(reply.find("Content-Type: application/json\r\n"), std::string::npos);
  EXPECT_EQ(reply.substr(reply.size() - 15), "{\"status\":\"ok\"}");
  EXPECT_EQ(Fetch(port, "GET /nope HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").rfind("HTTP/1.1 404", 0), 0u);

  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ::close(out_fd);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::ifstream err((root_ / "stderr.txt").string());
  std::string log((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  EXPECT_NE(log.find("\"path\":\"/healthz\",\"status\":200"), std::string::npos) << log;
  EXPECT_NE(log.find("SIGTERM received"), std::string::npos) << log;
}

// While the server holds the folder, commands that read (and changes to the
// SQLite databases) run beside it; commands that change batches are refused
// with what to do, and change nothing.
TEST_F(HttpServeCommandTest, OtherCommandsRunBesideTheServer) {
  const std::string where = " --data " + Data() + " --key " + Key();
  const std::string extract = std::string(CSU_SOURCE_DIR) + "/tests/golden/ingest/apc_mixed.csv";
  auto o = testing::RunCsu(testing::kRefdata + "ingest" + where + " --kind apc " + extract);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  const Server server = Start();
  ASSERT_NE(server.port, 0);

  for (const char* read : {"batches", "quarantine", "audit verify", "audit list", "store verify",
                                  "users list", "contracts list", "report monitoring --commissioner 27D"}) {
    o = testing::RunCsu(testing::kRefdata + std::string(read) + where);
    EXPECT_EQ(o.exit_code, 0) << read << ": " << o.output;
    EXPECT_FALSE(testing::Contains(o.output, "in use")) << read << ": " << o.output;
  }
  o = testing::RunCsu(testing::kRefdata + "batches" + where);
  EXPECT_TRUE(testing::Contains(o.output, "apc_mixed.csv")) << o.output;
  // A user added now can sign in to the running server.
  std::ofstream(root_ / "password.txt") << "tangerine lorry whistle\n";
  o = testing::RunCsu(testing::kRefdata + "users add" + where + " ann --role csu_admin --password-stdin < " +
                      (root_ / "password.txt").string());
  EXPECT_EQ(o.exit_code, 0) << o.output;
  // Batch changes wait for the server to stop, and say so.
  const std::string before = testing::RunCsu(testing::kRefdata + "batches" + where).output;
  for (const std::string& change : {std::string("batch remove 1"), std::string("store rebuild 1"), "ingest --kind apc " + extract}) {
    o = testing::RunCsu(testing::kRefdata + change + where);
    EXPECT_EQ(o.exit_code, kExitFailure) << change << ": " << o.output;
    EXPECT_TRUE(testing::Contains(o.output, "stop the server")) << change << ": " << o.output;
  }
  EXPECT_EQ(testing::RunCsu(testing::kRefdata + "batches" + where).output, before);
  o = testing::RunCsu(testing::kRefdata + "audit verify" + where);
  EXPECT_EQ(o.exit_code, 0) << o.output;  // the server's entries and ours are one chain

  ASSERT_EQ(::kill(server.pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(server.pid, &status, 0), server.pid);
  ::close(server.out_fd);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  // Stopped, the folder is free for batch changes again.
  o = testing::RunCsu(testing::kRefdata + "batch remove 1" + where);
  EXPECT_EQ(o.exit_code, 0) << o.output;
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
