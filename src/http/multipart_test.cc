// multipart/form-data as browsers send it, and the framings it refuses.
#include "http/multipart.h"

#include <gtest/gtest.h>

namespace csu::http {
namespace {

const char* kType = "multipart/form-data; boundary=----x1";

TEST(Multipart, ReadsFieldsAndAFileAsABrowserSendsThem) {
  const std::string body =
      "------x1\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n"
      "------x1\r\nContent-Disposition: form-data; name=\"file\"; filename=\"apc;1.csv\"\r\n"
      "Content-Type: text/csv\r\n\r\na,b\r\n1,2\r\n\r\n"
      "------x1--\r\n";
  auto parts = ParseMultipart(kType, body);
  ASSERT_TRUE(parts.ok()) << parts.error().ToString();
  ASSERT_EQ(parts.value().size(), 2u);
  EXPECT_EQ(parts.value()[0].name, "csrf");
  EXPECT_EQ(parts.value()[0].data, "abc");
  EXPECT_EQ(parts.value()[0].filename, "");
  EXPECT_EQ(parts.value()[1].name, "file");
  EXPECT_EQ(parts.value()[1].filename, "apc;1.csv");
  EXPECT_EQ(parts.value()[1].content_type, "text/csv");
  EXPECT_EQ(parts.value()[1].data, "a,b\r\n1,2\r\n") << "the CRLF before the delimiter belongs to it";
}

TEST(Multipart, QuotedBoundaryAndAnEmptyPart) {
  auto parts = ParseMultipart("Multipart/Form-Data; boundary=\"a b\"",
                              "--a b\r\nContent-Disposition: form-data; name=n\r\n\r\n\r\n--a b--");
  ASSERT_TRUE(parts.ok()) << parts.error().ToString();
  ASSERT_EQ(parts.value().size(), 1u);
  EXPECT_EQ(parts.value()[0].name, "n");
  EXPECT_EQ(parts.value()[0].data, "");
}

TEST(Multipart, RefusesWhatIsNotExactlyFramed) {
  const std::string part = "Content-Disposition: form-data; name=\"a\"\r\n\r\nx";
  struct Case {
    std::string type, body, why;
  };
  const Case cases[] = {
      {"application/x-www-form-urlencoded", "a=1", "not multipart"},
      {"multipart/form-data", "--\r\n", "no boundary"},
      {"multipart/form-data; boundary=" + std::string(71, 'b'), "", "boundary over 70"},
      {kType, "preamble\r\n------x1\r\n" + part + "\r\n------x1--", "a preamble"},
      {kType, "------x1\r\n" + part, "no closing boundary"},
      {kType, "------x1\r\n" + part + "\r\n------x1", "neither CRLF nor -- after the last delimiter"},
      {kType, "------x1\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n------x1--", "not form-data"},
      {kType, "------x1\r\nContent-Type: text/plain\r\n\r\nx\r\n------x1--", "no disposition"},
      {kType, "------x1\r\nContent-Disposition: form-data\r\n\r\nx\r\n------x1--", "no name"},
      {kType, "------x1\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n------x1--", "unclosed quote"},
      {kType, "------x1\r\nno colon\r\n\r\nx\r\n------x1--", "malformed header"},
      {kType, "------x1\r\nContent-Disposition: form-data; name=\"a\"", "headers never end"},
  };
  for (const Case& c : cases) {
    auto parts = ParseMultipart(c.type, c.body);
    EXPECT_FALSE(parts.ok()) << c.why;
    if (!parts.ok()) {
      EXPECT_EQ(parts.error().where, "upload") << c.why;
    }
  }
}

TEST(Multipart, PartsAndHeadersAreBounded) {
  std::string body;
  for (int i = 0; i < 3; ++i) body += "------x1\r\nContent-Disposition: form-data; name=\"p\"\r\n\r\nv\r\n";
  body += "------x1--";
  MultipartLimits limits;
  limits.max_parts = 2;
  EXPECT_FALSE(ParseMultipart(kType, body, limits).ok());
  limits.max_parts = 3;
  EXPECT_TRUE(ParseMultipart(kType, body, limits).ok());
  limits.max_part_header_bytes = 10;
  EXPECT_FALSE(ParseMultipart(kType, body, limits).ok());
}

}  // namespace
}  // namespace csu::http
