#include "http/response.h"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>

#include "http/access_log.h"

namespace csu::http {
namespace {

TEST(HttpResponseTest, SerializesWithSecurityHeadersAndFraming) {
  Response r = Response::Json(200, "{\"status\":\"ok\"}");
  std::string wire = Serialize(r, {false, true, "id-1", "Sun, 06 Nov 1994 08:49:37 GMT"});
  EXPECT_EQ(wire.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(wire.find("\r\nContent-Type: application/json\r\n"), std::string::npos);
  EXPECT_NE(wire.find("\r\nContent-Security-Policy: default-src 'self'; script-src 'self'; object-src 'none'; "
                      "base-uri 'none'; form-action 'self'; frame-ancestors 'none'\r\n"),
            std::string::npos);
  EXPECT_EQ(wire.find("unsafe-inline"), std::string::npos);
  EXPECT_NE(wire.find("\r\nX-Content-Type-Options: nosniff\r\n"), std::string::npos);
  EXPECT_NE(wire.find("\r\nReferrer-Policy: no-referrer\r\n"), std::string::npos);
  EXPECT_NE(wire.find("\r\nCache-Control: no-store\r\n"), std::string::npos);
  EXPECT_NE(wire.find("\r\nX-Frame-Options: DENY\r\n"), std::string::npos);
  EXPECT_NE(wire.find("\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"), std::string::npos);
  EXPECT_NE(wire.find("\r\nX-Request-Id: id-1\r\n"), std::string::npos);
  EXPECT_NE(wire.find("\r\nContent-Length: 15\r\n"), std::string::npos);
  EXPECT_NE(wire.find("\r\nConnection: keep-alive\r\n\r\n{\"status\":\"ok\"}"), std::string::npos);
  EXPECT_EQ(wire.find("Server:"), std::string::npos) << "no version banner";
}

TEST(HttpResponseTest, HandlerHeadersReplaceDefaults) {
  Response r = Response::Text(200, "x");
  r.SetHeader("cache-control", "public, max-age=3600");
  std::string wire = Serialize(r, {});
  EXPECT_NE(wire.find("cache-control: public, max-age=3600\r\n"), std::string::npos);
  EXPECT_EQ(wire.find("no-store"), std::string::npos);
  r.SetHeader("Cache-Control", "max-age=1");
  EXPECT_EQ(r.Header("CACHE-CONTROL"), "max-age=1");
  EXPECT_EQ(r.headers().size(), 2u) << "replaced, not added";
}

TEST(HttpResponseTest, HeadAndBodylessStatusesOmitTheBody) {
  Response r = Response::Text(200, "hello");
  std::string head = Serialize(r, {true, false, "", ""});
  EXPECT_NE(head.find("Content-Length: 5\r\n"), std::string::npos);
  EXPECT_NE(head.find("Connection: close\r\n\r\n"), std::string::npos);
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");
  Response none(204);
  none.set_body("ignored");
  std::string wire = Serialize(none, {});
  EXPECT_EQ(wire.find("Content-Length"), std::string::npos);
  EXPECT_EQ(wire.find("ignored"), std::string::npos);
}

TEST(HttpResponseTest, RefusesHeadersThatCouldSplitTheResponse) {
  Response r;
  EXPECT_THROW(r.SetHeader("X-A", "a\r\nSet-Cookie: x=1"), std::invalid_argument);
  EXPECT_THROW(r.SetHeader("X-A", std::string("a\0b", 3)), std::invalid_argument);
  EXPECT_THROW(r.SetHeader("X A", "1"), std::invalid_argument);
  EXPECT_THROW(r.SetHeader("", "1"), std::invalid_argument);
  EXPECT_THROW(r.SetHeader("Content-Length", "1"), std::invalid_argument);
  EXPECT_THROW(r.SetHeader("connection", "close"), std::invalid_argument);
  EXPECT_NO_THROW(r.SetHeader("X-A", "tab\tok"));
}

TEST(HttpResponseTest, ErrorDocumentsAreEscapedJson) {
  Response r = Response::Error(404, "no \"such\" page\n");
  EXPECT_EQ(r.status(), 404);
  EXPECT_EQ(r.body(), "{\"error\":{\"status\":404,\"message\":\"no \\\"such\\\" page\\n\"}}");
}

TEST(HttpResponseTest, HttpDateIsAnImfFixdate) {
  std::string d = HttpDateNow();
  ASSERT_EQ(d.size(), 29u) << d;
  EXPECT_EQ(d.substr(25), " GMT");
}

TEST(HttpAccessLogTest, OneJsonLineWithoutQueryOrIdentifiers) {
  AccessLogEntry e;
  e.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1795900574123));
  e.request_id = "abc-1";
  e.method = "GET";
  e.path = "/a\"b\n";
  e.status = 200;
  e.bytes = 15;
  e.duration_us = 87;
  EXPECT_EQ(FormatAccessLogLine(e),
            "{\"time\":\"2026-11-28T21:16:14.123Z\",\"id\":\"abc-1\",\"method\":\"GET\",\"path\":\"/a\\\"b\\n\","
            "\"status\":200,\"bytes\":15,\"duration_us\":87}");
}

}  // namespace
}  // namespace csu::http
