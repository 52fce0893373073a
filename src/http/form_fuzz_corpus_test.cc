// Replays fuzz/corpus/web_form through the web_form fuzz target's checks
// (fuzz/web_form_checks.h) and shows that each check rejects a wrong parse.
#include <gtest/gtest.h>

#include "../../fuzz/corpus_for_tests.h"
#include "../../fuzz/web_form_checks.h"

namespace csu::http {
namespace {

TEST(WebFormFuzzCorpus, EveryInputAndPrefixHoldsTheInvariants) {
  const auto inputs = fuzz::CorpusInputs("web_form");
  ASSERT_GE(inputs.size(), 4u);
  for (const auto& [name, data] : inputs) {
    for (size_t n = 0; n <= data.size(); ++n)
      ASSERT_EQ(fuzz::CheckWebForm(std::string_view(data).substr(0, n)), "") << name << " prefix " << n;
  }
}

TEST(WebFormFuzzCorpus, EachCheckRejectsAWrongParse) {
  const std::string body = "a=1&a=2&b=%41";
  const std::map<std::string, std::string> right = {{"a", "1"}, {"b", "A"}};
  ASSERT_EQ(ParseForm(body), right);
  EXPECT_EQ(fuzz::CheckForm(body, right), "");
  EXPECT_NE(fuzz::CheckForm(body, {{"a", "2"}, {"b", "A"}}), "");  // not the first value
  EXPECT_NE(fuzz::CheckForm(body, {{"b", "A"}}), "");              // a pair lost

  EXPECT_EQ(fuzz::CheckCookies({{"s", "x=y"}, {"t", ""}}), "");
  EXPECT_NE(fuzz::CheckCookies({{"s", "x;y"}}), "");
  EXPECT_NE(fuzz::CheckCookies({{"a=b", "1"}}), "");
  EXPECT_NE(fuzz::CheckCookies({{" s", "1"}}), "");
}

TEST(WebFormFuzzCorpus, CookiesFromSeveralHeadersKeepTheFirstValue) {
  Request r;
  r.headers.Add("Cookie", "s=1; t=2");
  r.headers.Add("Cookie", "s=3");
  const auto cookies = ParseCookies(r);
  EXPECT_EQ(cookies.at("s"), "1");
  EXPECT_EQ(cookies.at("t"), "2");
}

}  // namespace
}  // namespace csu::http
