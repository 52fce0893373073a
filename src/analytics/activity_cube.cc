#include "analytics/activity_cube.h"

#include <algorithm>
#include <span>
#include <tuple>
#include <utility>

#include "analytics/year_calendar.h"
#include "pricing/pence_column.h"
#include "pricing/priced_activity.h"
#include "store/activity_tables.h"

namespace csu::analytics {

using pricing::Pod;

size_t ActivityCube::PairIndex(uint16_t commissioner, uint16_t provider) {
  int32_t& slot = pair_of_[size_t{commissioner} * providers_ + provider];
  if (slot < 0) {
    slot = static_cast<int32_t>(pairs_.size());
    pairs_.push_back({commissioner, provider});
    cells_.resize(pairs_.size() * kCubeSlots * 13);
  }
  return static_cast<size_t>(slot);
}

std::optional<size_t> ActivityCube::Find(uint16_t commissioner, uint16_t provider) const {
  if (provider >= providers_ || commissioner >= commissioners_) return std::nullopt;
  const size_t key = size_t{commissioner} * providers_ + provider;
  if (pair_of_[key] < 0) return std::nullopt;
  return static_cast<size_t>(pair_of_[key]);
}

namespace {

// Which rows of a range count, and what is known of their commissioner.
enum class Rows {
  kAll,        // every row, each with its own commissioner
  kOnlyOne,    // only the rows of `commissioner`; the others are skipped
  kAllOfOne,   // every row, all known to be `commissioner`'s (not read)
};

// The columns a cube reads.
struct CubeColumns {
  const uint16_t* commissioner;
  const uint16_t* provider;
  const uint8_t* pod;
  const int32_t* pence;             // PenceColumn::narrow(): kWide marks a row of `wide`
  const pricing::PenceColumn* wide;
};

// The hot loop: a month lookup, a pair lookup and two adds per record, with
// everything it reads in locals so that the stores into the cells make the
// compiler reload nothing. `pair_of` is the cube's pair table (commissioner
// × provider), `new_pair(c, p)` adds a pair the table lacks and returns its
// index and the cells, which it may have moved (rare: a few hundred pairs in
// a year). Rows are taken in ascending order, so pairs are first seen in row
// order whichever of these loops reads them. With kOneMonth, every row of
// the range is known to fall in `month` (a block inside one month of the
// year, from the tables' day index), and the date column is not read.
template <Rows kRows, bool kOneMonth, typename DayOf, typename NewPair>
void AddRange(const YearCalendar& calendar, const CubeColumns& col, DayOf day_of, size_t begin, size_t end,
              uint16_t commissioner, int one_month, const int32_t* pair_of, size_t stride, CubeCell*& cells,
              NewPair new_pair) {
  const int32_t* own_pairs = pair_of + size_t{commissioner} * stride;
  for (size_t i = begin; i < end; ++i) {
    if constexpr (kRows == Rows::kOnlyOne) {
      if (col.commissioner[i] != commissioner) continue;
    }
    int month;
    if constexpr (kOneMonth) {
      month = one_month;
    } else {
      month = calendar.Month(day_of(i));
      if (month == 0) continue;
    }
    int32_t p;
    if constexpr (kRows == Rows::kAll) {
      p = pair_of[size_t{col.commissioner[i]} * stride + col.provider[i]];
    } else {
      p = own_pairs[col.provider[i]];
    }
    if (p < 0) [[unlikely]] {
      const uint16_t c = kRows == Rows::kAll ? col.commissioner[i] : commissioner;
      std::tie(p, cells) = new_pair(c, col.provider[i]);
    }
    CubeCell* slot = cells + (static_cast<size_t>(p) * 13 + static_cast<size_t>(month)) * kCubeSlots;
    const uint8_t pod = col.pod[i];
    CubeCell& c = slot[pod];
    int64_t pence = col.pence[i];
    if (pence == pricing::PenceColumn::kWide) [[unlikely]] pence = col.wide->Wide(i);
    c.activity += 1;
    c.pence += pence;
    // Not-priced records (POD 0) go to their kind's slot too, but after the
    // table (ActivityCube::SettleNotPriced), not here: a branch on the POD
    // mispredicts on every not-priced record.
  }
}

// The month (1..12) every row of block `b` falls in, from the tables' day
// index, or 0 when the block spans months or leaves the year (or the table
// has no day index): months are runs of days, so a block whose least and
// greatest days share a month lies wholly in it.
template <typename Table>
int BlockMonth(const Table& table, const YearCalendar& calendar, size_t b) {
  if (!table.indexed_by_day()) return 0;
  const int first = calendar.Month(table.days_by_block.least[b]);
  return first == calendar.Month(table.days_by_block.greatest[b]) ? first : 0;
}

}  // namespace

template <bool kOneCommissioner, RecordKind kKind, typename Table, typename DayOf>
void ActivityCube::AddTable(const Table& table, const std::vector<uint8_t>& pod, const pricing::PenceColumn& pence,
                            DayOf day_of, uint16_t commissioner, CubeAccess access) {
  const YearCalendar calendar(year_);
  const size_t n = table.size();
  const CubeColumns col{table.commissioner.data(), table.provider.data(), pod.data(), pence.narrow(), &pence};
  CubeCell* cells = cells_.data();
  const auto new_pair = [this](uint16_t c, uint16_t p) {
    const auto index = static_cast<int32_t>(PairIndex(c, p));
    return std::pair<int32_t, CubeCell*>(index, cells_.data());
  };
  if constexpr (kOneCommissioner) {
    AddRange<Rows::kOnlyOne, false>(calendar, col, day_of, 0, n, commissioner, 0, pair_of_.data(), providers_,
                                    cells, new_pair);
  } else if (access == CubeAccess::kScan || !table.indexed_by_commissioner()) {
    AddRange<Rows::kAll, false>(calendar, col, day_of, 0, n, 0, 0, pair_of_.data(), providers_, cells,
                                new_pair);
  } else {
    // Every commissioner at once, block by block. Records come grouped by
    // CCG (an extract is one CCG's month), so nearly every block holds one
    // commissioner only, and its rows are added as that commissioner's
    // without reading the commissioner column (2 of the 13 bytes a record
    // the scan reads) or working out its row of the pair table per record;
    // a block of several is added as the plain scan adds it. And nearly
    // every block lies inside one month (BlockMonth), whose rows are added
    // without reading the date column (4 bytes more): such a block reads 7
    // bytes a record (provider, POD, 4-byte pence). sole[b] is 1 +
    // the one commissioner of block b, or kMixed; kept per thread so that a
    // rebuild allocates nothing.
    constexpr size_t kBlock = store::BlocksById::kBlockRows;
    constexpr uint32_t kMixed = UINT32_MAX;
    thread_local std::vector<uint32_t> sole;
    sole.assign((n + kBlock - 1) / kBlock, 0);
    const store::BlocksById& index = table.by_commissioner;
    for (size_t c = 0; c < index.ids(); ++c) {
      for (const uint32_t b : index.Of(static_cast<uint16_t>(c))) {
        sole[b] = sole[b] == 0 ? static_cast<uint32_t>(c) + 1 : kMixed;
      }
    }
    for (size_t b = 0; b < sole.size(); ++b) {
      const size_t begin = b * kBlock, end = std::min(n, begin + kBlock);
      const auto one = static_cast<uint16_t>(sole[b] - 1);
      const int month = BlockMonth(table, calendar, b);
      if (sole[b] != kMixed && month != 0) {
        AddRange<Rows::kAllOfOne, true>(calendar, col, day_of, begin, end, one, month, pair_of_.data(),
                                        providers_, cells, new_pair);
      } else if (sole[b] != kMixed) {
        AddRange<Rows::kAllOfOne, false>(calendar, col, day_of, begin, end, one, 0, pair_of_.data(),
                                         providers_, cells, new_pair);
      } else if (month != 0) {
        AddRange<Rows::kAll, true>(calendar, col, day_of, begin, end, 0, month, pair_of_.data(), providers_,
                                   cells, new_pair);
      } else {
        AddRange<Rows::kAll, false>(calendar, col, day_of, begin, end, 0, 0, pair_of_.data(), providers_,
                                    cells, new_pair);
      }
    }
  }
}

template <RecordKind kKind, typename Table, typename DayOf>
void ActivityCube::AddBlocks(const Table& table, const std::vector<uint8_t>& pod, const pricing::PenceColumn& pence,
                             DayOf day_of, uint16_t commissioner, std::span<const uint32_t> blocks) {
  // The blocks holding the commissioner's rows, ascending: the rows a scan
  // would count, met in the same order, so the cube comes out the same, pair
  // order included.
  const YearCalendar calendar(year_);
  const size_t n = table.size();
  const CubeColumns col{table.commissioner.data(), table.provider.data(), pod.data(), pence.narrow(), &pence};
  CubeCell* cells = cells_.data();
  const auto new_pair = [this](uint16_t c, uint16_t p) {
    const auto index = static_cast<int32_t>(PairIndex(c, p));
    return std::pair<int32_t, CubeCell*>(index, cells_.data());
  };
  constexpr size_t kBlock = store::BlocksById::kBlockRows;
  for (const uint32_t block : blocks) {
    const size_t begin = size_t{block} * kBlock;
    const int month = BlockMonth(table, calendar, block);
    if (month != 0) {
      AddRange<Rows::kOnlyOne, true>(calendar, col, day_of, begin, std::min(n, begin + kBlock), commissioner,
                                     month, pair_of_.data(), providers_, cells, new_pair);
    } else {
      AddRange<Rows::kOnlyOne, false>(calendar, col, day_of, begin, std::min(n, begin + kBlock), commissioner,
                                      0, pair_of_.data(), providers_, cells, new_pair);
    }
  }
}

template <RecordKind kKind, typename Table, typename DayOf>
void ActivityCube::AddOne(const Table& table, const std::vector<uint8_t>& pod, const pricing::PenceColumn& pence,
                          DayOf day_of, uint16_t commissioner, CubeAccess access) {
  if (access == CubeAccess::kIndex && table.indexed_by_commissioner()) {
    AddBlocks<kKind>(table, pod, pence, day_of, commissioner, table.by_commissioner.Of(commissioner));
  } else {
    AddTable<true, kKind>(table, pod, pence, day_of, commissioner, access);
  }
}

void ActivityCube::Build(const pricing::PricedActivity& a, FinancialYear year, std::optional<uint16_t> commissioner,
                         CubeAccess access) {
  year_ = year;
  const auto& codes = a.tables.codes;
  providers_ = std::max<uint32_t>(codes.provider().size(), 1);
  commissioners_ = std::max<uint32_t>(codes.commissioner().size(), 1);
  pair_of_.assign(size_t{commissioners_} * providers_, -1);
  pairs_.clear();
  cells_.clear();
  const auto& apc = a.tables.apc;
  const auto& op = a.tables.op;
  const auto& ae = a.tables.ae;
  const int32_t* discharge = apc.discharge_date.data();
  const int32_t* appointment = op.appointment_date.data();
  const int32_t* arrival = ae.arrival.data();
  const auto apc_day = [discharge](size_t i) { return discharge[i]; };
  const auto op_day = [appointment](size_t i) { return appointment[i]; };
  // Each is store::ActivityDay, the day the tables' day index is built on.
  // Arrival is minutes since 1970-01-01 (never negative for real activity).
  const auto ae_day = [arrival](size_t i) { return arrival[i] / 1440; };
  if (commissioner) {
    // An id outside the dictionary has no records (and no row of pair_of_).
    if (*commissioner >= commissioners_) return;
    AddOne<RecordKind::kSpell>(apc, a.apc.pod, a.apc.final_pence, apc_day, *commissioner, access);
    SettleNotPriced(RecordKind::kSpell);
    AddOne<RecordKind::kAppointment>(op, a.op.pod, a.op.final_pence, op_day, *commissioner, access);
    SettleNotPriced(RecordKind::kAppointment);
    AddOne<RecordKind::kAttendance>(ae, a.ae.pod, a.ae.final_pence, ae_day, *commissioner, access);
    SettleNotPriced(RecordKind::kAttendance);
  } else {
    AddTable<false, RecordKind::kSpell>(apc, a.apc.pod, a.apc.final_pence, apc_day, 0, access);
    SettleNotPriced(RecordKind::kSpell);
    AddTable<false, RecordKind::kAppointment>(op, a.op.pod, a.op.final_pence, op_day, 0, access);
    SettleNotPriced(RecordKind::kAppointment);
    AddTable<false, RecordKind::kAttendance>(ae, a.ae.pod, a.ae.final_pence, ae_day, 0, access);
    SettleNotPriced(RecordKind::kAttendance);
  }
}

void ActivityCube::SettleNotPriced(RecordKind kind) {
  // The kinds are added in order (spells, appointments, attendances), so
  // the POD 0 slot holds this kind's not-priced records plus the earlier
  // kinds', which their own slots already hold.
  const auto k = static_cast<size_t>(kind);
  for (size_t cell = 0; cell < pairs_.size() * 13; ++cell) {
    CubeCell* slot = &cells_[cell * kCubeSlots];
    CubeCell rest = slot[static_cast<size_t>(Pod::kNone)];
    for (size_t earlier = 0; earlier < k; ++earlier) {
      rest.activity -= slot[kPods + earlier].activity;
      rest.pence -= slot[kPods + earlier].pence;
    }
    slot[kPods + k] = rest;
  }
}

CubeCell ActivityCube::Sum(size_t pair, Pod pod, int from_month, int to_month) const {
  CubeCell s;
  for (int m = std::max(from_month, 1); m <= std::min(to_month, 12); ++m) s += At(pair, pod, m);
  return s;
}

CubeCell ActivityCube::NotPricedSum(size_t pair, RecordKind kind, int from_month, int to_month) const {
  CubeCell s;
  for (int m = std::max(from_month, 1); m <= std::min(to_month, 12); ++m) s += NotPricedAt(pair, kind, m);
  return s;
}

CubeCell ActivityCube::SumPods(size_t pair, int from_month, int to_month) const {
  CubeCell s;
  for (int p = 0; p < kPods; ++p) s += Sum(pair, static_cast<Pod>(p), from_month, to_month);
  return s;
}

int ActivityCube::LastMonthWithActivity() const {
  int last = 0;
  for (size_t p = 0; p < pairs_.size(); ++p)
    for (int pod = 0; pod < kPods; ++pod)
      for (int m = last + 1; m <= 12; ++m)
        if (At(p, static_cast<Pod>(pod), m).activity != 0) last = m;
  return last;
}

void ActivityCube::Add(const ActivityCube& other) {
  if (other.providers_ > providers_ || other.commissioners_ > commissioners_) {
    // Re-key this cube onto the larger dictionaries.
    std::vector<Pair> old_pairs = std::move(pairs_);
    std::vector<CubeCell> old_cells = std::move(cells_);
    providers_ = std::max(providers_, other.providers_);
    commissioners_ = std::max(commissioners_, other.commissioners_);
    pair_of_.assign(size_t{commissioners_} * providers_, -1);
    pairs_.clear();
    cells_.clear();
    for (size_t p = 0; p < old_pairs.size(); ++p) {
      const size_t q = PairIndex(old_pairs[p].commissioner, old_pairs[p].provider);
      std::copy_n(old_cells.begin() + static_cast<ptrdiff_t>(p * kCubeSlots * 13), kCubeSlots * 13,
                  cells_.begin() + static_cast<ptrdiff_t>(q * kCubeSlots * 13));
    }
  }
  for (size_t p = 0; p < other.pairs_.size(); ++p) {
    const size_t q = PairIndex(other.pairs_[p].commissioner, other.pairs_[p].provider);
    for (size_t k = 0; k < kCubeSlots * 13; ++k)
      cells_[q * kCubeSlots * 13 + k] += other.cells_[p * kCubeSlots * 13 + k];
  }
}

}  // namespace csu::analytics
