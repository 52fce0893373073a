// The generated activity priced at national tariff, summed per commissioner
// × provider × point of delivery: what the demo's contract plans are set
// against (synth/contract_plans.h).
//
// Each row is priced by the per-record pricer (pricing::PriceApc, PriceOp,
// PriceAe) with default options, exactly as `csu price` and the store price
// the same rows once ingested: the generator's rows become ingest records
// (only the fields the pricer reads; the patient's age at the activity date
// as ingest derives it), so a plan line's actual is the sum of the prices
// the platform will show for that commissioner, provider and POD. Rows that
// are not priced count nowhere. Planted defects are not seen: the ledger is
// fed the clean rows.
//
// Speed: an outpatient or A&E price depends on a handful of fields (provider,
// tariff year, treatment function, HRG, first/attended/multi-professional
// codes, department type), so those rows are priced once per distinct
// combination and looked up after (a few thousand combinations per footprint
// for millions of rows). The key holds every field PriceOp and PriceAe read;
// a test checks the ledger against `csu price` on the written files to the
// penny, so a pricer that starts reading another field shows up there.
// Spells are priced one by one (length of stay, age and adjustments vary).
//
// Memory: one small array per commissioner × provider that has activity, and
// the price cache. Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <vector>

#include "core/codes.h"
#include "core/date.h"
#include "core/money.h"
#include "ingest/activity_record.h"
#include "pricing/price.h"
#include "synth/events.h"

namespace csu::refdata {
class RefData;
}

namespace csu::synth {

// Priced activity of one POD.
struct PodActual {
  int64_t activity = 0;  // spells or attendances
  Money value;           // sum of final prices
};

// Indexed by static_cast<size_t>(pricing::Pod); index 0 (kNone) stays empty.
using PodActuals = std::array<PodActual, static_cast<size_t>(pricing::Pod::kAe) + 1>;

class PricedLedger {
 public:
  // `providers` are the trust codes by provider index of the rows; `year`
  // is the generated year (rows outside it are priced at their own year, as
  // the pricer does).
  PricedLedger(const refdata::RefData& ref, FinancialYear year, std::vector<OdsCode> providers);

  // Prices and adds a practice's rows; `commissioner` is its CCG.
  void AddPractice(OdsCode commissioner, const PracticeEvents& events);

  // Commissioner key -> provider index -> actuals; a provider without priced
  // activity for the commissioner has all-zero actuals.
  const std::map<uint64_t, std::vector<PodActuals>>& by_commissioner() const { return by_commissioner_; }
  OdsCode commissioner(uint64_t key) const { return commissioner_codes_.at(key); }
  const std::vector<OdsCode>& providers() const { return providers_; }

 private:
  // The fields an outpatient or A&E price depends on, packed; never all
  // zero (a kind tag is set), so zero marks an empty slot.
  struct PriceKey {
    uint64_t a = 0, b = 0;
    bool operator==(const PriceKey&) const = default;
  };
  struct CachedPrice {
    PriceKey key;
    Money value;
    pricing::Pod pod = pricing::Pod::kNone;  // kNone: not priced
  };
  // Open addressing, linear probing, at most half full: one probe into a
  // flat array per row (std::unordered_map's node chase cost more than the
  // pricing it saved). Returns the slot and whether it was just claimed.
  std::pair<CachedPrice*, bool> Slot(const PriceKey& key);
  FinancialYear YearOf(Date d) const;
  void AddOp(const OpRow& o, PodActuals& actuals);
  void AddAe(const AeRow& a, PodActuals& actuals);

  const refdata::RefData& ref_;
  FinancialYear year_;
  Date first_day_, last_day_;
  std::vector<OdsCode> providers_;
  std::vector<CachedPrice> cache_;  // size a power of two
  size_t cache_used_ = 0;
  std::map<uint64_t, std::vector<PodActuals>> by_commissioner_;
  std::map<uint64_t, OdsCode> commissioner_codes_;
  // Reused between rows so that pricing a row allocates nothing.
  ingest::ApcRecord apc_;
  ingest::OpRecord op_;
  ingest::AeRecord ae_;
};

}  // namespace csu::synth
