// Replays fuzz/corpus/multipart through the multipart fuzz target's checks
// (fuzz/multipart_checks.h) and shows that the checks reject a wrong parse.
#include <gtest/gtest.h>

#include "../../fuzz/corpus_for_tests.h"
#include "../../fuzz/multipart_checks.h"

namespace csu::http {
namespace {

TEST(MultipartFuzzCorpus, EveryInputAndPrefixHoldsTheInvariants) {
  const auto inputs = fuzz::CorpusInputs("multipart");
  ASSERT_GE(inputs.size(), 5u);
  for (const auto& [name, data] : inputs) {
    for (size_t n = 0; n <= data.size(); ++n)
      ASSERT_EQ(fuzz::CheckMultipart(std::string_view(data).substr(0, n)), "") << name << " prefix " << n;
  }
}

TEST(MultipartFuzzCorpus, TheChecksRejectAWrongParse) {
  const std::string body = "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--";
  auto parts = ParseMultipart("multipart/form-data; boundary=x", body);
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(fuzz::CheckMultipartParts("x", body, parts.value()), "");
  std::vector<FormPart> wrong = parts.value();
  wrong[0].name = "";
  EXPECT_NE(fuzz::CheckMultipartParts("x", body, wrong), "");
  wrong = parts.value();
  const std::string elsewhere = "1";
  wrong[0].data = elsewhere;
  EXPECT_NE(fuzz::CheckMultipartParts("x", body, wrong), "") << "bytes outside the body";
  wrong = parts.value();
  wrong[0].data = std::string_view(body).substr(body.size() - 8);
  EXPECT_NE(fuzz::CheckMultipartParts("x", body, wrong), "") << "bytes holding the delimiter";
}

}  // namespace
}  // namespace csu::http
