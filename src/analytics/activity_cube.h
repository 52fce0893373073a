// Activity (records) and value (pence) of one financial year, summed by
// commissioner × provider × point of delivery × month: the partial every
// contract monitoring figure is read from. Built in one pass over the
// loaded, priced column tables; the pass does no per-record allocation and
// no hashing (a dense pair table maps commissioner × provider to a row of
// the cube), which is what keeps monitoring over 20 million records inside
// tens of milliseconds on one core (bench/analytics_bench.cc).
//
//   ActivityCube cube;
//   cube.Build(priced, FinancialYear(2018), commissioner_id);
//   for (size_t p = 0; p < cube.pairs().size(); ++p)
//     ytd += cube.Sum(p, Pod::kNonElective, 1, month).pence;
//
// Months: admitted spells count in the month of discharge (payment by
// results pays a spell when it ends), outpatient appointments and A&E
// attendances in the month they happen. Records outside the year are left
// out. Records that were not priced count under Pod::kNone with £0, so
// activity totals still show them; since such records are spells,
// appointments or attendances alike, the cube also keeps them by record
// kind (NotPricedAt), so no line adds one currency to another. Cubes are mergeable: Add() sums another
// cube built from other records (another partition, another core).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/date.h"
#include "pricing/price.h"

namespace csu::pricing {
struct PricedActivity;
class PenceColumn;
}

namespace csu::analytics {

struct CubeCell {
  int64_t activity = 0;
  int64_t pence = 0;
  CubeCell& operator+=(const CubeCell& o) {
    activity += o.activity;
    pence += o.pence;
    return *this;
  }
};

inline constexpr int kPods = static_cast<int>(pricing::Pod::kAe) + 1;  // Pod::kNone .. Pod::kAe
// Kinds of record, for the not-priced records: the currency their activity
// counts in.
enum class RecordKind : uint8_t { kSpell = 0, kAppointment = 1, kAttendance = 2 };
inline constexpr int kRecordKinds = 3;
// Per pair and month: the PODs, then the not-priced records by kind.
inline constexpr int kCubeSlots = kPods + kRecordKinds;

// How Build reads the records: through the tables' commissioner index
// (store::CommonColumns::by_commissioner) or by scanning every row. For one
// commissioner the index reads only the blocks of rows holding its records;
// for all, it lets blocks of one commissioner's records skip the
// commissioner column. Both give the same cube, pair order included; a table
// without an index is scanned whatever is asked. kScan is there for the
// tests and the benchmark to compare with.
enum class CubeAccess : uint8_t { kIndex, kScan };

class ActivityCube {
 public:
  // A commissioner × provider pair, as dictionary ids of the loaded tables.
  struct Pair {
    uint16_t commissioner = 0;
    uint16_t provider = 0;
  };

  // (Re)builds the cube; buffers are reused, so building again over the
  // same tables allocates nothing. With `commissioner` set, only that
  // commissioner's records count, and when the tables are indexed (the
  // loaded tables are) only the blocks of rows holding them are read: the
  // time goes with the CCG's records, not the node's.
  void Build(const pricing::PricedActivity& activity, FinancialYear year,
             std::optional<uint16_t> commissioner = std::nullopt, CubeAccess access = CubeAccess::kIndex);

  FinancialYear year() const { return year_; }
  // Pairs with at least one record in the year, in order of first sight.
  const std::vector<Pair>& pairs() const { return pairs_; }
  // Index of a pair in pairs(), if it has activity.
  std::optional<size_t> Find(uint16_t commissioner, uint16_t provider) const;

  const CubeCell& At(size_t pair, pricing::Pod pod, int month) const {
    return cells_[(pair * 13 + static_cast<size_t>(month)) * kCubeSlots + static_cast<size_t>(pod)];
  }
  // The not-priced records (Pod::kNone) of one kind; the three kinds add up
  // to At(pair, Pod::kNone, month).
  const CubeCell& NotPricedAt(size_t pair, RecordKind kind, int month) const {
    return cells_[(pair * 13 + static_cast<size_t>(month)) * kCubeSlots + kPods + static_cast<size_t>(kind)];
  }
  CubeCell NotPricedSum(size_t pair, RecordKind kind, int from_month, int to_month) const;
  // Months from_month..to_month inclusive (1..12).
  CubeCell Sum(size_t pair, pricing::Pod pod, int from_month, int to_month) const;
  // Every POD of a pair (not-priced records included), months inclusive.
  CubeCell SumPods(size_t pair, int from_month, int to_month) const;
  // The last month (1..12) with any record, 0 when the cube is empty.
  int LastMonthWithActivity() const;

  // Adds another cube of the same year (pairs are matched by ids).
  void Add(const ActivityCube& other);

 private:
  size_t PairIndex(uint16_t commissioner, uint16_t provider);
  // After the records of `kind` were added (kinds in enum order): sets
  // their not-priced slots from the POD 0 slots, less the earlier kinds'.
  void SettleNotPriced(RecordKind kind);
  template <bool kOneCommissioner, RecordKind kKind, typename Table, typename DayOf>
  void AddTable(const Table& table, const std::vector<uint8_t>& pod, const pricing::PenceColumn& pence, DayOf day_of,
                uint16_t commissioner, CubeAccess access);
  template <RecordKind kKind, typename Table, typename DayOf>
  void AddBlocks(const Table& table, const std::vector<uint8_t>& pod, const pricing::PenceColumn& pence, DayOf day_of,
                 uint16_t commissioner, std::span<const uint32_t> blocks);
  template <RecordKind kKind, typename Table, typename DayOf>
  void AddOne(const Table& table, const std::vector<uint8_t>& pod, const pricing::PenceColumn& pence, DayOf day_of,
              uint16_t commissioner, CubeAccess access);

  FinancialYear year_;
  uint32_t commissioners_ = 0;         // commissioner dictionary size
  uint32_t providers_ = 0;             // provider dictionary size (pair table stride)
  std::vector<int32_t> pair_of_;       // commissioner * providers_ + provider -> pair index, -1 = none
  std::vector<Pair> pairs_;
  std::vector<CubeCell> cells_;        // [pair][month 0..12][slot: pod, then not priced by kind]; month 0 unused
};

}  // namespace csu::analytics
