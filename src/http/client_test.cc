// The node-to-node client (http/client.h) against a real server on
// loopback: what it sends is what the server sees (the target as given, the
// caller's headers and none of libcurl's defaults), what it answers is
// bounded, and a refusal to connect says the request was never sent. Its
// https:// use is run against nginx with a certificate of its own CA by
// scripts/pg-partitions-test.sh (a node reached over TLS); its certificate
// checks here, against openssl s_server.
#include "http/client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "http/router.h"
#include "http/server.h"

namespace csu::http {
namespace {

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add(Method::kGet, "/see", [](const Request& r) {
      std::string seen = "target=" + r.target;
      for (const char* h : {"X-Csu-Node-Time", "Accept", "Expect", "Content-Type"})
        seen += std::string("\n") + h + "=" + std::string(r.headers.Get(h).value_or("-"));
      return Response::Text(200, seen);
    });
    router_.Add(Method::kPost, "/see", [](const Request& r) {
      return Response::Text(201, "body=" + r.body + "\ncontent-type=" + std::string(r.headers.Get("Content-Type").value_or("-")));
    });
    router_.Add(Method::kGet, "/big", [](const Request&) { return Response::Text(200, std::string(100'000, 'x')); });
    ServerOptions o;
    o.port = 0;
    o.worker_threads = 2;
    o.access_log = nullptr;
    o.limits.max_body_bytes = 4 << 20;
    server_ = std::make_unique<Server>(o, [this](Request& r) { return router_.Dispatch(r); });
    ASSERT_TRUE(server_->Start().ok());
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }
  Router router_;
  std::unique_ptr<Server> server_;
  std::string base_;
};

TEST_F(ClientTest, AGetArrivesAsSentWithOnlyTheCallersHeaders) {
  bool connected = false;
  ClientRequest req;
  req.base_url = base_;
  req.target = "/see?group=g1&x=%2F";
  req.headers = {{"X-Csu-Node-Time", "1700000000"}};
  auto r = Send(req, &connected);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_TRUE(connected);
  EXPECT_EQ(r.value().status, 200);
  EXPECT_EQ(r.value().body, "target=/see?group=g1&x=%2F\nX-Csu-Node-Time=1700000000\nAccept=-\nExpect=-\nContent-Type=-");
  bool typed = false;
  for (const auto& [name, value] : r.value().headers) typed = typed || (name == "content-type" && !value.empty());
  EXPECT_TRUE(typed) << "the answer's headers, names lower-cased";
}

TEST_F(ClientTest, APostCarriesItsBodyAndItsOwnContentType) {
  ClientRequest req;
  req.method = "POST";
  req.base_url = base_;
  req.target = "/see";
  req.body = std::string(2'000'000, 'b');  // larger than curl's 1 MB Expect: 100-continue threshold
  auto r = Send(req);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r.value().status, 201);
  EXPECT_EQ(r.value().body, "body=" + req.body + "\ncontent-type=-");
  req.body = "id=1&status=agreed";
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  r = Send(req);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r.value().body, "body=id=1&status=agreed\ncontent-type=application/x-www-form-urlencoded");
}

TEST_F(ClientTest, AnAnswerLargerThanAllowedIsAnErrorNotATruncatedBody) {
  auto r = Get(base_, "/big", {}, 5000, 50'000);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().why.find("larger than 50000 bytes"), std::string::npos) << r.error().ToString();
  EXPECT_EQ(Get(base_, "/big", {}, 5000, 100'000).value().body.size(), 100'000u);
}

TEST_F(ClientTest, ARefusedConnectionSaysTheRequestWasNeverSent) {
  const std::string gone = base_;
  server_->Stop();
  server_.reset();
  bool connected = true;
  ClientRequest req;
  req.method = "POST";
  req.base_url = gone;
  req.target = "/see";
  req.body = "x";
  auto r = Send(req, &connected);
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(connected) << "a POST that never left may be sent to another node";
  EXPECT_NE(r.error().why.find("cannot connect"), std::string::npos) << r.error().ToString();
  EXPECT_EQ(r.error().where, gone + "/see");
}

TEST(Client, BadRequestsAreRefusedBeforeAnythingIsSent) {
  auto why = [](const std::string& base, const std::string& target, const std::string& method = "GET") {
    ClientRequest req;
    req.base_url = base;
    req.target = target;
    req.method = method;
    bool connected = true;
    auto r = Send(req, &connected);
    EXPECT_FALSE(connected);
    return r.ok() ? std::string("sent") : r.error().why;
  };
  EXPECT_NE(why("ftp://127.0.0.1:1", "/").find("only http:// and https://"), std::string::npos);
  EXPECT_NE(why("http://127.0.0.1:1/path", "/").find("no path"), std::string::npos);
  EXPECT_NE(why("http://127.0.0.1:1", "no-slash").find("must start with /"), std::string::npos);
  EXPECT_NE(why("http://127.0.0.1:1", "/a b").find("no space"), std::string::npos);
  EXPECT_NE(why("http://127.0.0.1:1", "/", "get").find("upper-case"), std::string::npos);
}

// An https node (openssl s_server, with a certificate for 127.0.0.1 that is
// its own CA): answered when that CA is given, refused without it (the
// system's CAs do not know it) and when the address is not the one the
// certificate names; nothing is sent to a node that was not accepted.
TEST(Client, AnHttpsNodeIsAnsweredOnlyWhenItsCertificateIsTrustedAndNamesIt) {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) GTEST_SKIP() << "openssl is not installed";
  char dir_template[] = "/tmp/csu-client-tls.XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  ASSERT_EQ(std::system(("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
                         "-subj /CN=node -addext subjectAltName=IP:127.0.0.1 -keyout " + dir + "/key.pem -out " + dir +
                         "/cert.pem >/dev/null 2>&1").c_str()),
            0);
  // A free port, then s_server on it.
  int port = 0;
  {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
    port = ntohs(a.sin_port);
    ::close(fd);
  }
  const pid_t server = ::fork();
  ASSERT_GE(server, 0);
  if (server == 0) {
    const int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    const std::string accept = "127.0.0.1:" + std::to_string(port), cert = dir + "/cert.pem", key = dir + "/key.pem";
    ::execlp("openssl", "openssl", "s_server", "-accept", accept.c_str(), "-cert", cert.c_str(), "-key", key.c_str(),
             "-www", "-quiet", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  auto ask = [&](const std::string& host, const std::string& ca, bool* connected) {
    ClientRequest req;
    req.base_url = "https://" + host + ":" + std::to_string(port);
    req.target = "/";
    req.ca_file = ca;
    req.timeout_ms = 5000;
    return Send(req, connected);
  };
  bool connected = false;
  Result<ClientResponse> trusted = MakeError("test", "not asked");
  for (int i = 0; i < 100; ++i) {  // s_server takes a moment to listen
    trusted = ask("127.0.0.1", dir + "/cert.pem", &connected);
    if (trusted.ok() || trusted.error().why.find("cannot connect") == std::string::npos) break;
    ::usleep(50'000);
  }
  ASSERT_TRUE(trusted.ok()) << trusted.error().ToString();
  EXPECT_EQ(trusted.value().status, 200);
  EXPECT_TRUE(connected);
  auto untrusted = ask("127.0.0.1", "", &connected);
  ASSERT_FALSE(untrusted.ok());
  EXPECT_FALSE(connected) << "a request was sent to a node whose certificate was not accepted";
  EXPECT_NE(untrusted.error().why.find("certificate was not accepted"), std::string::npos) << untrusted.error().ToString();
  auto misnamed = ask("localhost", dir + "/cert.pem", &connected);  // the certificate names 127.0.0.1 only
  ASSERT_FALSE(misnamed.ok());
  EXPECT_FALSE(connected);
  ::kill(server, SIGTERM);
  ::waitpid(server, nullptr, 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace csu::http
