#include "http/request_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace csu::http {
namespace {

struct Outcome {
  RequestParser::State state;
  int status = 0;  // of the error, when state is kError
  size_t consumed = 0;
  Request request;
};

Outcome Parse(std::string_view text, ParserLimits limits = {}) {
  RequestParser p(limits);
  Outcome o;
  o.consumed = p.Feed(text);
  o.state = p.state();
  if (o.state == RequestParser::State::kError) o.status = p.error().status;
  if (o.state == RequestParser::State::kComplete) o.request = p.request();
  return o;
}

int Status(std::string_view text, ParserLimits limits = {}) {
  Outcome o = Parse(text, limits);
  if (o.state == RequestParser::State::kComplete) return 200;
  if (o.state == RequestParser::State::kIncomplete) return 0;
  return o.status;
}

std::string Get(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: x\r\n" + std::string(extra_headers) + "\r\n";
}

TEST(RequestParserTest, ParsesASimpleGet) {
  Outcome o = Parse("GET /api/v1/ccg/02E?month=9&pod=EL HTTP/1.1\r\nHost: example\r\nUser-Agent:  t \r\n\r\n");
  ASSERT_EQ(o.state, RequestParser::State::kComplete);
  EXPECT_EQ(o.request.method, Method::kGet);
  EXPECT_EQ(o.request.version_minor, 1);
  EXPECT_EQ(o.request.path, "/api/v1/ccg/02E");
  EXPECT_EQ(o.request.segments, (std::vector<std::string>{"api", "v1", "ccg", "02E"}));
  EXPECT_EQ(o.request.Query("month"), "9");
  EXPECT_EQ(o.request.Query("pod"), "EL");
  EXPECT_FALSE(o.request.Query("nope").has_value());
  EXPECT_EQ(o.request.headers.Get("USER-agent"), "t");
  EXPECT_EQ(o.request.headers.Get("host"), "example");
  EXPECT_TRUE(o.request.body.empty());
  EXPECT_TRUE(o.request.WantsKeepAlive());
}

TEST(RequestParserTest, RootHasNoSegments) {
  Outcome o = Parse(Get("/"));
  ASSERT_EQ(o.state, RequestParser::State::kComplete);
  EXPECT_EQ(o.request.path, "/");
  EXPECT_TRUE(o.request.segments.empty());
}

TEST(RequestParserTest, DecodesPathSegmentsAndQuery) {
  Outcome o = Parse(Get("/a%20b/caf%C3%A9?q=x+y%26z&empty=&flag&q=2"));
  ASSERT_EQ(o.state, RequestParser::State::kComplete);
  EXPECT_EQ(o.request.path, "/a b/café");
  EXPECT_EQ(o.request.raw_path, "/a%20b/caf%C3%A9");
  EXPECT_EQ(o.request.Query("q"), "x y&z");
  EXPECT_EQ(o.request.Query("empty"), "");
  EXPECT_EQ(o.request.Query("flag"), "");
  EXPECT_EQ(o.request.QueryAll("q"), (std::vector<std::string_view>{"x y&z", "2"}));
  // '+' is a space only in the query; in a path it is itself.
  EXPECT_EQ(Parse(Get("/a+b")).request.path, "/a+b");
}

TEST(RequestParserTest, ReadsAContentLengthBody) {
  Outcome o = Parse("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  ASSERT_EQ(o.state, RequestParser::State::kComplete);
  EXPECT_EQ(o.request.method, Method::kPost);
  EXPECT_EQ(o.request.body, "hello");
}

TEST(RequestParserTest, AnySplitOfTheInputGivesTheSameRequest) {
  const std::string wire = "PUT /p?a=1 HTTP/1.1\r\nHost: h\r\nX-A: b\r\nContent-Length: 11\r\n\r\nhello world";
  for (size_t chunk = 1; chunk <= wire.size(); ++chunk) {
    RequestParser p;
    size_t at = 0;
    while (at < wire.size() && p.state() == RequestParser::State::kIncomplete) {
      at += p.Feed(std::string_view(wire).substr(at, chunk));
    }
    ASSERT_EQ(p.state(), RequestParser::State::kComplete) << "chunk " << chunk;
    EXPECT_EQ(at, wire.size());
    EXPECT_EQ(p.request().body, "hello world");
    EXPECT_EQ(p.request().headers.Get("x-a"), "b");
  }
}

TEST(RequestParserTest, StopsAtTheEndOfOneRequestForPipelining) {
  const std::string first = "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc";
  const std::string second = "GET /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
  const std::string wire = first + second;
  RequestParser p;
  size_t used = p.Feed(wire);
  ASSERT_EQ(p.state(), RequestParser::State::kComplete);
  EXPECT_EQ(used, first.size());
  EXPECT_EQ(p.request().path, "/a");
  EXPECT_EQ(p.Feed(std::string_view(wire).substr(used)), 0u) << "nothing more is taken until Reset";
  p.Reset();
  EXPECT_TRUE(p.idle());
  EXPECT_EQ(p.Feed(std::string_view(wire).substr(used)), second.size());
  ASSERT_EQ(p.state(), RequestParser::State::kComplete);
  EXPECT_EQ(p.request().path, "/b");
  EXPECT_FALSE(p.request().WantsKeepAlive());
}

TEST(RequestParserTest, IgnoresAFewBlankLinesBeforeARequest) {
  EXPECT_EQ(Status("\r\n\r\n" + Get("/")), 200);
  std::string many;
  for (int i = 0; i < 20; ++i) many += "\r\n";
  EXPECT_EQ(Status(many + Get("/")), 400);
}

TEST(RequestParserTest, IdleAndHeaderPhasesAreReported) {
  RequestParser p;
  EXPECT_TRUE(p.idle());
  p.Feed("G");
  EXPECT_FALSE(p.idle());
  EXPECT_FALSE(p.headers_complete());
  p.Feed("ET / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n");
  EXPECT_TRUE(p.headers_complete());
  EXPECT_EQ(p.state(), RequestParser::State::kIncomplete);
  p.Feed("ok");
  EXPECT_EQ(p.state(), RequestParser::State::kComplete);
}

TEST(RequestParserTest, HttpOneZeroNeedsNoHostAndDoesNotKeepAlive) {
  Outcome o = Parse("GET / HTTP/1.0\r\n\r\n");
  ASSERT_EQ(o.state, RequestParser::State::kComplete);
  EXPECT_EQ(o.request.version_minor, 0);
  EXPECT_FALSE(o.request.WantsKeepAlive());
}

TEST(RequestParserTest, ConnectionCloseIsATokenInAList) {
  EXPECT_FALSE(Parse(Get("/", "Connection: foo, Close\r\n")).request.WantsKeepAlive());
  EXPECT_TRUE(Parse(Get("/", "Connection: keep-alive\r\n")).request.WantsKeepAlive());
}

TEST(RequestParserTest, ExpectContinue) {
  RequestParser p;
  p.Feed("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
  EXPECT_TRUE(p.expects_continue());
  p.Feed("ok");
  EXPECT_FALSE(p.expects_continue());
  EXPECT_EQ(p.state(), RequestParser::State::kComplete);
  EXPECT_EQ(Status("POST / HTTP/1.1\r\nHost: x\r\nExpect: something\r\nContent-Length: 0\r\n\r\n"), 417);
}

// ---- Rejections, each with the status it must get ---------------------------

TEST(RequestParserTest, RejectsMalformedRequestLines) {
  EXPECT_EQ(Status("GET  / HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
  EXPECT_EQ(Status("GET / HTTP/1.1 \r\nHost: x\r\n\r\n"), 400);
  EXPECT_EQ(Status("GET /\r\nHost: x\r\n\r\n"), 400);
  EXPECT_EQ(Status("GET\t/ HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
  EXPECT_EQ(Status("G@T / HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
  EXPECT_EQ(Status("GET / http/1.1\r\nHost: x\r\n\r\n"), 400);
  EXPECT_EQ(Status("GET / HTTP/1.10\r\nHost: x\r\n\r\n"), 400);
}

TEST(RequestParserTest, RejectsBareLfAndBareCr) {
  EXPECT_EQ(Status("GET / HTTP/1.1\nHost: x\r\n\r\n"), 400);
  EXPECT_EQ(Status("GET / HTTP/1.1\r\nHost: x\n\r\n"), 400);
  EXPECT_EQ(Status("GET / HTTP/1.1\r\nHost: x\ry: z\r\n\r\n"), 400);
}

TEST(RequestParserTest, UnknownMethodsAre501AndOtherVersions505) {
  EXPECT_EQ(Status("BREW / HTTP/1.1\r\nHost: x\r\n\r\n"), 501);
  EXPECT_EQ(Status("CONNECT / HTTP/1.1\r\nHost: x\r\n\r\n"), 501);
  EXPECT_EQ(Status("get / HTTP/1.1\r\nHost: x\r\n\r\n"), 501) << "methods are case-sensitive";
  EXPECT_EQ(Status("GET / HTTP/2.0\r\nHost: x\r\n\r\n"), 505);
  EXPECT_EQ(Status("GET / HTTP/0.9\r\nHost: x\r\n\r\n"), 505);
}

TEST(RequestParserTest, OverlongRequestLineIs414BeforeItEnds) {
  ParserLimits limits;
  limits.max_request_line_bytes = 64;
  // No CRLF yet: refused as soon as the limit is passed, not buffered on.
  EXPECT_EQ(Status("GET /" + std::string(100, 'a'), limits), 414);
  EXPECT_EQ(Status(Get("/" + std::string(200, 'a')), limits), 414);
  EXPECT_EQ(Status(Get("/" + std::string(40, 'a')), limits), 200);
  // The default: 8 KiB.
  EXPECT_EQ(Status(Get("/" + std::string(9000, 'a'))), 414);
}

TEST(RequestParserTest, OversizedHeadersAre431) {
  // One field line over 8 KiB, before and after its end arrives.
  EXPECT_EQ(Status("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'a')), 431);
  EXPECT_EQ(Status(Get("/", "X-Big: " + std::string(9000, 'a') + "\r\n")), 431);
  // Many lines, each small, over 32 KiB in total.
  std::string many;
  for (int i = 0; i < 90; ++i) many += "X-F" + std::to_string(i) + ": " + std::string(400, 'b') + "\r\n";
  EXPECT_EQ(Status(Get("/", many)), 431);
  // More than 100 fields.
  std::string count;
  for (int i = 0; i < 101; ++i) count += "X-" + std::to_string(i) + ": 1\r\n";
  EXPECT_EQ(Status(Get("/", count)), 431);
}

TEST(RequestParserTest, RejectsMalformedHeaderLines) {
  EXPECT_EQ(Status(Get("/", "X-A: 1\r\n folded\r\n")), 400) << "obs-fold";
  EXPECT_EQ(Status(Get("/", "X-A: 1\r\n\tfolded\r\n")), 400) << "obs-fold";
  EXPECT_EQ(Status(Get("/", "X-A : 1\r\n")), 400) << "space before colon";
  EXPECT_EQ(Status(Get("/", "NoColon\r\n")), 400);
  EXPECT_EQ(Status(Get("/", ": v\r\n")), 400);
  EXPECT_EQ(Status(Get("/", "X(A): 1\r\n")), 400);
  EXPECT_EQ(Status(Get("/", std::string("X-A: a\0b\r\n", 10))), 400) << "NUL in a value";
  EXPECT_EQ(Status(Get("/", "X-A: a\x7f\r\n")), 400);
  EXPECT_EQ(Status(Get("/", "X-A: tab\tinside\r\n")), 200);
}

TEST(RequestParserTest, HostIsRequiredOnceForHttp11) {
  EXPECT_EQ(Status("GET / HTTP/1.1\r\n\r\n"), 400);
  EXPECT_EQ(Status("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
  EXPECT_EQ(Status("GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n"), 400);
}

TEST(RequestParserTest, RejectsBadContentLength) {
  auto post = [](std::string_view cl_lines) {
    return Status("POST / HTTP/1.1\r\nHost: x\r\n" + std::string(cl_lines) + "\r\nabc");
  };
  EXPECT_EQ(post("Content-Length: -1\r\n"), 400);
  EXPECT_EQ(post("Content-Length: +3\r\n"), 400);
  EXPECT_EQ(post("Content-Length: 3 3\r\n"), 400);
  EXPECT_EQ(post("Content-Length: 3,3\r\n"), 400);
  EXPECT_EQ(post("Content-Length: 0x3\r\n"), 400);
  EXPECT_EQ(post("Content-Length: \r\n"), 400);
  EXPECT_EQ(post("Content-Length: 99999999999999999999\r\n"), 400);
  EXPECT_EQ(post("Content-Length: 3\r\nContent-Length: 3\r\n"), 400) << "duplicates, even equal";
  EXPECT_EQ(post("Content-Length: 3\r\nContent-Length: 4\r\n"), 400);
  EXPECT_EQ(post("Content-Length: 3\r\n"), 200);
  EXPECT_EQ(post("Content-Length: 003\r\n"), 200);
}

TEST(RequestParserTest, BodyOverTheLimitIs413BeforeItIsRead) {
  ParserLimits limits;
  limits.max_body_bytes = 10;
  EXPECT_EQ(Status("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n", limits), 413);
  EXPECT_EQ(Status("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789", limits), 200);
  EXPECT_EQ(Status("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999999999\r\n\r\n"), 413);
}

TEST(RequestParserTest, ALargerBodyOnlyForItsPathAndOnlyByPost) {
  ParserLimits limits;
  limits.max_body_bytes = 10;
  limits.large_bodies = {{"/data/uploads", 20}};
  EXPECT_EQ(Status("POST /data/uploads HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n01234567890123456789", limits),
            200);
  EXPECT_EQ(Status("POST /data/uploads HTTP/1.1\r\nHost: x\r\nContent-Length: 21\r\n\r\n", limits), 413)
      << "bounded there too";
  EXPECT_EQ(Status("POST /data/uploads?x=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n01234567890123456789",
                   limits),
            200)
      << "the path, whatever the query";
  EXPECT_EQ(Status("POST /data/uploads/x HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n", limits), 413)
      << "exactly that path";
  EXPECT_EQ(Status("PUT /data/uploads HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n", limits), 413)
      << "POST only";
}

TEST(RequestParserTest, TransferEncodingIs501AndWithContentLength400) {
  EXPECT_EQ(Status("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"), 501);
  EXPECT_EQ(Status("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc"),
            400);
  EXPECT_EQ(Status("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
            400);
  EXPECT_EQ(Status("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
}

TEST(RequestParserTest, BodyMethodsWithoutLengthAre411) {
  EXPECT_EQ(Status("POST / HTTP/1.1\r\nHost: x\r\n\r\n"), 411);
  EXPECT_EQ(Status("PUT / HTTP/1.1\r\nHost: x\r\n\r\n"), 411);
  EXPECT_EQ(Status("PATCH / HTTP/1.1\r\nHost: x\r\n\r\n"), 411);
  EXPECT_EQ(Status("DELETE / HTTP/1.1\r\nHost: x\r\n\r\n"), 200);
}

TEST(RequestParserTest, RejectsInvalidBytesInTheTarget) {
  for (std::string_view bad : {"/a\"b", "/a<b", "/a>b", "/a\\b", "/a^b", "/a`b", "/a{b", "/a|b", "/a}b", "/a#f",
                               "/caf\xc3\xa9", "/a\x01", "/a\x7f"}) {
    EXPECT_EQ(Status(Get(bad)), 400) << bad;
  }
  EXPECT_EQ(Status(Get("http://example.com/")), 400) << "absolute-form";
  EXPECT_EQ(Status(Get("*")), 400) << "asterisk-form";
  EXPECT_EQ(Status(Get("a/b")), 400);
}

TEST(RequestParserTest, RejectsPathTraversal) {
  for (std::string_view bad : {"/..", "/a/../b", "/a/..", "/.", "/a/./b", "/%2e%2e/etc", "/%2E%2e", "/.%2e/x",
                               "/a/%2e", "/a%2fb", "/a%2F..%2Fb", "/a%5cb", "/a%00b", "/a%0ab", "/%c0%ae%c0%ae"}) {
    EXPECT_EQ(Status(Get(bad)), 400) << bad;
  }
  // Dots inside a name are fine; double encoding is decoded once only.
  EXPECT_EQ(Status(Get("/a..b/.hidden/x.")), 200);
  Outcome o = Parse(Get("/%252e%252e"));
  ASSERT_EQ(o.state, RequestParser::State::kComplete);
  EXPECT_EQ(o.request.path, "/%2e%2e");
}

TEST(RequestParserTest, RejectsMalformedEscapesAndBadQueries) {
  EXPECT_EQ(Status(Get("/a%")), 400);
  EXPECT_EQ(Status(Get("/a%4")), 400);
  EXPECT_EQ(Status(Get("/a%zz")), 400);
  EXPECT_EQ(Status(Get("/?a=%")), 400);
  EXPECT_EQ(Status(Get("/?a=%00")), 400);
  EXPECT_EQ(Status(Get("/?a=%ff")), 400) << "invalid UTF-8";
  EXPECT_EQ(Status(Get("/?a=%c3%a9")), 200);
  EXPECT_EQ(Status(Get("/?%ed%a0%80=1")), 400) << "surrogate";
  std::string flood = "/?";
  for (int i = 0; i < 300; ++i) flood += "a=1&";
  EXPECT_EQ(Status(Get(flood)), 400);
}

TEST(RequestParserTest, PercentDecode) {
  EXPECT_EQ(PercentDecode("a%41%6a+", false), "aAj+");
  EXPECT_EQ(PercentDecode("a%41%6a+", true), "aAj ");
  EXPECT_FALSE(PercentDecode("%", false));
  EXPECT_FALSE(PercentDecode("%1", false));
  EXPECT_FALSE(PercentDecode("%g1", false));
  EXPECT_EQ(PercentDecode("", false), "");
}

TEST(RequestParserTest, ErrorsStopConsumption) {
  RequestParser p;
  p.Feed("GET / HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n");
  ASSERT_EQ(p.state(), RequestParser::State::kError);
  EXPECT_EQ(p.Feed("more"), 0u);
  EXPECT_FALSE(p.error().reason.empty());
  p.Reset();
  EXPECT_EQ(p.state(), RequestParser::State::kIncomplete);
}

}  // namespace
}  // namespace csu::http
