#include "store/memory.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace csu::store {
namespace {

TEST(ZeroedArray, SmallAndHugeArraysStartAtZeroAndKeepWrites) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{1000}, size_t{3} << 20}) {  // 3 Mi values: mapped, 24 MiB
    ZeroedArray<uint64_t> a(n);
    ASSERT_EQ(a.size(), n);
    uint64_t sum = 0;
    for (size_t i = 0; i < n; ++i) sum += a[i];
    EXPECT_EQ(sum, 0u) << n;
    for (size_t i = 0; i < n; i += 4097) a[i] = i + 1;
    if (n > 0) {
      EXPECT_EQ(a[n - 1 - (n - 1) % 4097], n - (n - 1) % 4097);
    }
  }
}

TEST(ZeroedArray, HugeBlocksStartOnA2MiBBoundary) {
  ZeroedArray<uint64_t> a(size_t{1} << 20);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a.begin()) % (uintptr_t{2} << 20), 0u);
  a[(size_t{1} << 20) - 1] = 7;  // the last value lies inside the mapping
  EXPECT_EQ(a[(size_t{1} << 20) - 1], 7u);
}

TEST(ZeroedArray, MovingHandsTheMemoryOver) {
  ZeroedArray<uint32_t> a(size_t{1} << 20);
  a[5] = 9;
  ZeroedArray<uint32_t> b = std::move(a);
  EXPECT_EQ(b[5], 9u);
  EXPECT_EQ(b.size(), size_t{1} << 20);
  EXPECT_EQ(a.size(), 0u);
  a = std::move(b);
  EXPECT_EQ(a[5], 9u);
}

}  // namespace
}  // namespace csu::store
