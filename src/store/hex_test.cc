// Bytes as hex text and back (store/hex.h): every byte value survives the
// round trip, the text is lower case, and text that is not hex is refused
// rather than read as something else.
#include "store/hex.h"

#include <gtest/gtest.h>

namespace csu::store {
namespace {

TEST(Hex, EveryByteRoundTripsInLowerCase) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  const std::string hex = HexOfBytes(all);
  ASSERT_EQ(hex.size(), 512u);
  EXPECT_EQ(hex.substr(0, 8), "00010203");
  EXPECT_EQ(hex.substr(504), "fcfdfeff");
  EXPECT_EQ(BytesOfHex(hex), all);
  EXPECT_EQ(HexOfBytes(""), "");
  EXPECT_EQ(BytesOfHex(""), "");
}

TEST(Hex, UpperCaseIsReadAndNonHexIsRefused) {
  EXPECT_EQ(BytesOfHex("FF00aB"), std::string("\xff\x00\xab", 3));
  EXPECT_FALSE(BytesOfHex("abc").has_value()) << "odd length";
  EXPECT_FALSE(BytesOfHex("0g").has_value());
  EXPECT_FALSE(BytesOfHex("\\x00").has_value()) << "PostgreSQL's escape form is not hex";
}

}  // namespace
}  // namespace csu::store
