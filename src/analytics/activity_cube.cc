#include "analytics/activity_cube.h"

#include <algorithm>
#include <span>

#include "analytics/year_calendar.h"
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

template <bool kOneCommissioner, RecordKind kKind, typename Table, typename DayOf>
void ActivityCube::AddTable(const Table& table, const std::vector<uint8_t>& pod, const std::vector<int64_t>& pence,
                            DayOf day_of, uint16_t commissioner) {
  const YearCalendar calendar(year_);
  const size_t n = table.size();
  const size_t stride = providers_;
  const uint16_t* comm = table.commissioner.data();
  const uint16_t* prov = table.provider.data();
  const uint8_t* pods = pod.data();
  const int64_t* price = pence.data();
  const int32_t* pair_of = pair_of_.data();
  CubeCell* cells = cells_.data();
  // The hot loop: a month lookup, a pair lookup and two adds per record,
  // with everything it reads in locals so that the stores into the cells
  // make the compiler reload nothing. A new pair (rare: a few hundred in a
  // year) reallocates the cells, so the pointer is refreshed then.
  for (size_t i = 0; i < n; ++i) {
    if constexpr (kOneCommissioner) {
      if (comm[i] != commissioner) continue;
    }
    const int month = calendar.Month(day_of(i));
    if (month == 0) continue;
    int32_t p = pair_of[size_t{comm[i]} * stride + prov[i]];
    if (p < 0) [[unlikely]] {
      p = static_cast<int32_t>(PairIndex(comm[i], prov[i]));
      cells = cells_.data();
    }
    CubeCell* slot = cells + (static_cast<size_t>(p) * 13 + static_cast<size_t>(month)) * kCubeSlots;
    CubeCell& c = slot[pods[i]];
    c.activity += 1;
    c.pence += price[i];
    if (pods[i] == 0) [[unlikely]] {
      CubeCell& k = slot[kPods + static_cast<int>(kKind)];
      k.activity += 1;
      k.pence += price[i];
    }
  }
}

template <RecordKind kKind, typename Table, typename DayOf>
void ActivityCube::AddBlocks(const Table& table, const std::vector<uint8_t>& pod, const std::vector<int64_t>& pence,
                             DayOf day_of, uint16_t commissioner, std::span<const uint32_t> blocks) {
  const YearCalendar calendar(year_);
  const size_t n = table.size();
  const uint16_t* comm = table.commissioner.data();
  const uint16_t* prov = table.provider.data();
  const uint8_t* pods = pod.data();
  const int64_t* price = pence.data();
  // Every row counted here is `commissioner`'s, so its pair lookup is one
  // row of the pair table.
  const int32_t* pair_of = pair_of_.data() + size_t{commissioner} * providers_;
  CubeCell* cells = cells_.data();
  // The loop of AddTable over the listed blocks only. They ascend, so pairs
  // are met in the order a full scan meets them and the cube comes out the
  // same, pair order included.
  for (const uint32_t block : blocks) {
    const size_t end = std::min(n, (size_t{block} + 1) * store::BlocksById::kBlockRows);
    for (size_t i = size_t{block} * store::BlocksById::kBlockRows; i < end; ++i) {
      if (comm[i] != commissioner) continue;
      const int month = calendar.Month(day_of(i));
      if (month == 0) continue;
      int32_t p = pair_of[prov[i]];
      if (p < 0) [[unlikely]] {
        p = static_cast<int32_t>(PairIndex(commissioner, prov[i]));
        cells = cells_.data();
      }
      CubeCell* slot = cells + (static_cast<size_t>(p) * 13 + static_cast<size_t>(month)) * kCubeSlots;
      CubeCell& c = slot[pods[i]];
      c.activity += 1;
      c.pence += price[i];
      if (pods[i] == 0) [[unlikely]] {
        CubeCell& k = slot[kPods + static_cast<int>(kKind)];
        k.activity += 1;
        k.pence += price[i];
      }
    }
  }
}

template <RecordKind kKind, typename Table, typename DayOf>
void ActivityCube::AddOne(const Table& table, const std::vector<uint8_t>& pod, const std::vector<int64_t>& pence,
                          DayOf day_of, uint16_t commissioner, CubeAccess access) {
  if (access == CubeAccess::kIndex && table.indexed_by_commissioner()) {
    AddBlocks<kKind>(table, pod, pence, day_of, commissioner, table.by_commissioner.Of(commissioner));
  } else {
    AddTable<true, kKind>(table, pod, pence, day_of, commissioner);
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
  // Arrival is minutes since 1970-01-01 (never negative for real activity).
  const auto ae_day = [arrival](size_t i) { return arrival[i] / 1440; };
  if (commissioner) {
    // An id outside the dictionary has no records (and no row of pair_of_).
    if (*commissioner >= commissioners_) return;
    AddOne<RecordKind::kSpell>(apc, a.apc.pod, a.apc.final_pence, apc_day, *commissioner, access);
    AddOne<RecordKind::kAppointment>(op, a.op.pod, a.op.final_pence, op_day, *commissioner, access);
    AddOne<RecordKind::kAttendance>(ae, a.ae.pod, a.ae.final_pence, ae_day, *commissioner, access);
  } else {
    AddTable<false, RecordKind::kSpell>(apc, a.apc.pod, a.apc.final_pence, apc_day, 0);
    AddTable<false, RecordKind::kAppointment>(op, a.op.pod, a.op.final_pence, op_day, 0);
    AddTable<false, RecordKind::kAttendance>(ae, a.ae.pod, a.ae.final_pence, ae_day, 0);
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
