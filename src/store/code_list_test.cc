#include "store/code_list.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "store/key_set.h"

namespace csu::store {
namespace {

TEST(CodeList, IdsFollowAppendOrderAndZeroIsEmpty) {
  CodeList list;
  EXPECT_EQ(list.size(), 1u);
  EXPECT_EQ(list.Find(""), 0u);
  EXPECT_EQ(list.code(0), "");
  EXPECT_EQ(list.Append("RBT"), 1u);
  EXPECT_EQ(list.Append("EB03E"), 2u);
  EXPECT_EQ(list.Append("NCBPS29M1234"), 3u);  // longer than 8: the string map
  EXPECT_EQ(list.Find("RBT"), 1u);
  EXPECT_EQ(list.Find("NCBPS29M1234"), 3u);
  EXPECT_EQ(list.Find("RB"), 0u);
  EXPECT_EQ(list.code(2), "EB03E");
}

TEST(CodeList, ManyCodesGrowTheMap) {
  CodeList list;
  for (int i = 0; i < 70000; ++i) list.Append("C" + std::to_string(i));
  for (int i = 0; i < 70000; i += 997) EXPECT_EQ(list.Find("C" + std::to_string(i)), static_cast<uint32_t>(i + 1));
}

TEST(CodeList, PackCodeSortsLikeTheText) {
  EXPECT_LT(PackCode("A"), PackCode("AB"));
  EXPECT_LT(PackCode("AB"), PackCode("B"));
  EXPECT_EQ(PackCode(""), 0u);
  EXPECT_EQ(PackCode("123456789"), 0u);
}

TEST(KeySet, SameProviderAndIdIsTheSameKey) {
  KeySet keys;
  EXPECT_TRUE(keys.Insert(1, "S1"));
  EXPECT_TRUE(keys.Insert(2, "S1"));  // another provider's spell
  EXPECT_TRUE(keys.Insert(1, "S10"));
  EXPECT_FALSE(keys.Insert(1, "S1"));
  EXPECT_TRUE(keys.Insert(1, ""));
  EXPECT_FALSE(keys.Insert(1, ""));
  for (int i = 0; i < 100000; ++i) ASSERT_TRUE(keys.Insert(7, "X" + std::to_string(i)));
  for (int i = 0; i < 100000; i += 13) ASSERT_FALSE(keys.Insert(7, "X" + std::to_string(i)));
  EXPECT_EQ(keys.size(), 100004u);
  // Ids that are prefixes of each other, and ids past 255 bytes.
  const std::string long_id(300, 'a');
  EXPECT_TRUE(keys.Insert(3, long_id));
  EXPECT_TRUE(keys.Insert(3, long_id.substr(0, 299)));
  EXPECT_FALSE(keys.Insert(3, long_id));
  EXPECT_FALSE(keys.Insert(3, long_id.substr(0, 299)));
  EXPECT_THROW(keys.Insert(3, std::string(70000, 'b')), std::length_error);
}

TEST(KeySet, PresizedAndGrownSetsAgree) {
  KeySet presized(50000, 50000 * 8), grown;
  for (int i = 0; i < 120000; ++i) {
    std::string id = "S" + std::to_string(i % 90000);
    ASSERT_EQ(presized.Insert(static_cast<uint16_t>(i % 5), id), grown.Insert(static_cast<uint16_t>(i % 5), id)) << i;
  }
  EXPECT_EQ(presized.size(), grown.size());
}

}  // namespace
}  // namespace csu::store
