#include "store/source_rows.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace csu::store {
namespace {

void ExpectHolds(const SourceRows& s, const std::vector<uint32_t>& want) {
  ASSERT_EQ(s.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) ASSERT_EQ(s[i], want[i]) << "row " << i;
}

TEST(SourceRows, RunsRoundTrip) {
  SourceRows s;
  EXPECT_TRUE(s.empty());
  const std::vector<uint32_t> want = {0, 1, 2, 5, 6, 0, 1, 9, UINT32_MAX, 0, 3};
  for (uint32_t v : want) s.push_back(v);
  ExpectHolds(s, want);
  // 0..2 | 5..6 | 0..1 | 9 | UINT32_MAX | 0 (never a wrap of the last run) | 3
  EXPECT_EQ(s.runs(), 7u);
  EXPECT_EQ(s.Bytes(), 7 * 16u);
  s.clear();
  ExpectHolds(s, {});
  s.push_back(4);
  ExpectHolds(s, {4});
}

TEST(SourceRows, OneBatchKeptWholeIsOneRun) {
  SourceRows s;
  for (uint32_t i = 0; i < 100'000; ++i) s.push_back(i);
  EXPECT_EQ(s.runs(), 1u);
  EXPECT_EQ(s[99'999], 99'999u);
}

TEST(SourceRows, FindsATableRowWithinABatchRange) {
  // Two batches: rows 0..4 from batch A with its rows 1 and 3 superseded,
  // then batch B's rows 0..3.
  SourceRows s;
  for (uint32_t v : {0u, 2u, 4u, 5u, 6u, 0u, 1u, 2u, 3u}) s.push_back(v);
  EXPECT_EQ(s.Find(0, 5, 4), 2u);
  EXPECT_EQ(s.Find(0, 5, 0), 0u);
  EXPECT_EQ(s.Find(0, 5, 6), 4u);
  EXPECT_EQ(s.Find(0, 5, 3), std::nullopt);  // superseded
  EXPECT_EQ(s.Find(0, 5, 7), std::nullopt);
  EXPECT_EQ(s.Find(5, 4, 0), 5u);
  EXPECT_EQ(s.Find(5, 4, 3), 8u);
  EXPECT_EQ(s.Find(5, 4, 4), std::nullopt);
  EXPECT_EQ(s.Find(5, 0, 0), std::nullopt);  // an empty range
}

TEST(SourceRows, RandomBatchesMatchAPlainColumn) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 30; ++round) {
    SourceRows s;
    std::vector<uint32_t> plain;
    struct Range { size_t first, count; };
    std::vector<Range> ranges;
    for (int batch = 0, batches = 1 + static_cast<int>(rng() % 6); batch < batches; ++batch) {
      const size_t first = plain.size();
      const uint32_t rows = static_cast<uint32_t>(rng() % 3000);
      const uint64_t superseded_one_in = 1 + rng() % 50;
      for (uint32_t r = 0; r < rows; ++r) {
        if (rng() % superseded_one_in == 0) continue;  // superseded by a later record
        plain.push_back(r);
        s.push_back(r);
      }
      ranges.push_back({first, plain.size() - first});
    }
    ExpectHolds(s, plain);
    for (const Range& range : ranges) {
      for (int k = 0; k < 50; ++k) {
        const auto v = static_cast<uint32_t>(rng() % 3100);
        auto begin = plain.begin() + static_cast<std::ptrdiff_t>(range.first);
        auto end = begin + static_cast<std::ptrdiff_t>(range.count);
        auto it = std::lower_bound(begin, end, v);
        const std::optional<size_t> want =
            it != end && *it == v ? std::optional<size_t>(static_cast<size_t>(it - plain.begin())) : std::nullopt;
        ASSERT_EQ(s.Find(range.first, range.count, v), want);
      }
    }
  }
}

}  // namespace
}  // namespace csu::store
