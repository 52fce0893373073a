// A node's share (Store::LoadShare, docs/store-format.md §7): the records of
// the given commissioners and no others, row for row what LoadAll holds for
// them in the same order, after restatement (a record's current version
// decides), for every kind; the dictionaries stay whole.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "store/sha256.h"
#include "store/store.h"
#include "store/store_testing.h"

namespace csu::store {
namespace {

using ingest::ExtractKind;

// Each row as (commissioner, provider, its batch row, the day or minute).
using Row = std::tuple<std::string, std::string, uint32_t, int64_t>;

template <typename Table, typename When>
std::vector<Row> RowsOf(const ActivityTables& t, const Table& table, When when, const std::set<std::string>& only) {
  std::vector<Row> out;
  for (size_t i = 0; i < table.size(); ++i) {
    std::string c(t.codes.commissioner().code(table.commissioner[i]));
    if (!only.empty() && !only.count(c)) continue;
    out.emplace_back(c, std::string(t.codes.provider().code(table.provider[i])), table.source_row[i], when(i));
  }
  return out;
}

TEST(StoreShare, LoadShareHoldsTheGivenCommissionersRowForRow) {
  testing::ScratchDir dir("share");
  auto opened = Store::Open(dir.state(), testing::kFingerprint);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  Store& store = *opened.value();
  auto commit = [&](ExtractKind kind, uint64_t first, uint64_t last, const std::string& name, bool restate) {
    auto b = store.NewBatch(kind);
    ASSERT_TRUE(b.ok());
    for (uint64_t i = first; i < last; ++i) {
      switch (kind) {
        case ExtractKind::kApc: {
          auto r = testing::MakeApc(i);
          if (restate) r.hrg = testing::MustParse<HrgCode>("ZZ99Z");
          b.value()->AddApc(r);
          break;
        }
        case ExtractKind::kOp: b.value()->AddOp(testing::MakeOp(i)); break;
        case ExtractKind::kAe: b.value()->AddAe(testing::MakeAe(i)); break;
      }
    }
    BatchInfo info;
    info.file_name = name;
    info.content_sha256 = Sha256Hex(name);
    info.loaded_by = "tester";
    ASSERT_TRUE(store.CommitBatch(std::move(b).value(), info).ok());
  };
  commit(ExtractKind::kApc, 0, 2000, "apc-april.csv", false);
  commit(ExtractKind::kApc, 1000, 2600, "apc-may.csv", true);  // restates 1000..1999
  commit(ExtractKind::kOp, 0, 1500, "op.csv", false);
  commit(ExtractKind::kAe, 0, 1200, "ae.csv", false);

  auto all = store.LoadAll();
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  const ActivityTables& a = all.value();
  // Three commissioners that have records, and one code that has none.
  std::set<std::string> share;
  for (size_t i = 0; i < a.apc.size() && share.size() < 3; ++i)
    share.insert(std::string(a.codes.commissioner().code(a.apc.commissioner[i])));
  ASSERT_EQ(share.size(), 3u);
  auto part = store.LoadShare({share.begin(), share.end()});
  ASSERT_TRUE(part.ok()) << part.error().ToString();
  const ActivityTables& s = part.value();
  share.insert("ZZZ");
  auto apc_day = [](const auto& table) { return [&table](size_t i) { return int64_t{table.discharge_date[i]}; }; };
  EXPECT_EQ(RowsOf(s, s.apc, apc_day(s.apc), {}), RowsOf(a, a.apc, apc_day(a.apc), share));
  EXPECT_GT(s.apc.size(), 0u);
  EXPECT_LT(s.apc.size(), a.apc.size() / 4) << "the share is a small part of ~60 commissioners";
  auto op_day = [](const auto& table) { return [&table](size_t i) { return int64_t{table.appointment_date[i]}; }; };
  EXPECT_EQ(RowsOf(s, s.op, op_day(s.op), {}), RowsOf(a, a.op, op_day(a.op), share));
  auto ae_minute = [](const auto& table) { return [&table](size_t i) { return int64_t{table.arrival[i]}; }; };
  EXPECT_EQ(RowsOf(s, s.ae, ae_minute(s.ae), {}), RowsOf(a, a.ae, ae_minute(a.ae), share));
  // The restated version of a record is the one kept.
  const uint32_t zz = s.codes.hrg().Find("ZZ99Z");
  ASSERT_NE(zz, 0u);
  size_t restated = 0;
  for (size_t i = 0; i < a.apc.size(); ++i)
    if (share.count(std::string(a.codes.commissioner().code(a.apc.commissioner[i]))) && a.apc.hrg[i] == zz) ++restated;
  size_t restated_in_share = 0;
  for (size_t i = 0; i < s.apc.size(); ++i) restated_in_share += s.apc.hrg[i] == zz;
  EXPECT_EQ(restated_in_share, restated);
  // Dictionaries are the folder's whole; the commissioner index is built.
  EXPECT_EQ(s.codes.commissioner().size(), a.codes.commissioner().size());
  EXPECT_TRUE(s.apc.indexed_by_commissioner());
  // Nobody's share: empty tables.
  auto none = store.LoadShare({"ZZZ"});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none.value().apc.size() + none.value().op.size() + none.value().ae.size(), 0u);
}

}  // namespace
}  // namespace csu::store
