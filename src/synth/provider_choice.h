// Where a practice's patients are treated.
//
// No coordinates are available, so "near" is approximated from postcodes and
// the practice list, in tiers:
//  1. trusts inside the practice's CCG (their postcode district is one where
//     the CCG has practices), same postcode area first (by the difference of
//     district numbers: CW1 is nearer CW8 than CW12), then by how close their
//     area is (below);
//  2. trusts inside a neighbouring CCG (one that shares postcode districts
//     with the practice's CCG; the more shared, the nearer);
//  3. other trusts of the practice's postcode area (the leading letters,
//     "CH", "CW"), by district difference;
//  4. trusts in neighbouring areas, nearest first, where two areas are
//     neighbours when CCGs (which are compact) have practices in both, and
//     the more such practices, the nearer (WA is next to L through St Helens
//     and Halton, not to PR);
//  5. the other acute trusts in the CCG's ODS health geography, in an order
//     fixed per practice by hashing its code.
// The first three take 72%, 14% and 5% of planned and emergency admissions
// and outpatients; the remaining 9% is a long tail: other trusts of the same
// geography, specialist trusts (more often for their specialty), and a
// scatter across England. A&E is more local still (78/12/4%).
//
// Which trusts: every provider written has an MFF for the year and is an
// NHS trust open for the whole financial year. "Acute" means it reported
// Type 1 A&E attendances in that year (real NHS England data in refdata);
// specialist trusts without Type 1 A&E (heart, cancer, orthopaedic, eye,
// women's, children's) are named in provider_choice.cc. A&E Type 2 and 3/4
// attendances go to trusts that reported those types in the year (including
// community trusts that run minor injury units).
//
// The real monthly A&E figures of each trust for the year (4-hour
// performance, admission conversion) are kept here for the generator.
// Immutable after Build; safe to share between threads.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/codes.h"
#include "core/date.h"
#include "core/result.h"
#include "synth/random.h"

namespace csu::refdata {
class RefData;
struct Practice;
}  // namespace csu::refdata

namespace csu::synth {

// A&E department groups as the real data reports them.
enum AeGroup : int { kType1 = 0, kType2 = 1, kType34 = 2 };

struct Provider {
  OdsCode code;
  std::string name;
  std::string geography;        // ODS high-level health geography
  std::string area;             // postcode area, "CH"
  int32_t district = 0;         // postcode district number, 49 for CH49
  bool acute = false;           // Type 1 A&E in the year
  bool children_only = false;
  bool women_only = false;
  std::string specialist_chapters;  // HRG chapters it is a tertiary centre for
  std::array<bool, 3> has_ae_group{};
  // Real A&E figures by financial month 1..12 (index 0 unused): share seen
  // within 4 hours and share admitted, per group; national where missing.
  std::array<std::array<float, 13>, 3> within_4h{};
  std::array<std::array<float, 13>, 3> admitted{};
};

// A weighted choice of providers (indices into ProviderCatalog::providers()).
struct ProviderChoice {
  AliasTable alias;
  std::vector<uint16_t> providers;
  bool empty() const { return providers.empty(); }
  uint16_t Pick(Rng& rng) const { return providers[alias.Pick(rng)]; }
};

// One practice's choices. Patient groups: 0 child (under 16), 1 adult man,
// 2 adult woman.
struct PracticeProviders {
  std::array<ProviderChoice, 3> general;
  // A&E by department group and child/adult (0 child, 1 adult); a group
  // with no provider near the practice is empty (its attendances go to
  // Type 1 instead).
  std::array<std::array<ProviderChoice, 2>, 3> ae;
  // Tertiary routes by HRG chapter letter ('A'..'Z'): a specialist trust and
  // the chance that a spell of that chapter goes there.
  struct Route {
    uint16_t provider = 0;
    float chance = 0;
  };
  std::array<Route, 26> routes{};
  // The trust the practice uses most (first rank), for reports and tests.
  uint16_t nearest = 0;
};

class ProviderCatalog {
 public:
  static Result<ProviderCatalog> Build(const refdata::RefData& refdata, FinancialYear year);

  const std::vector<Provider>& providers() const { return providers_; }
  // National share of attendances by A&E group in the year (sums to 1).
  const std::array<double, 3>& national_group_share() const { return group_share_; }
  // `ccg_geography` is the practice's CCG's health geography.
  PracticeProviders ForPractice(const refdata::Practice& practice, const std::string& ccg_geography) const;

 private:
  // 0 (same area) .. 999 (barely adjacent), or -1 when not neighbours.
  int64_t AreaDistance(const std::string& from, const std::string& to) const;

  std::vector<Provider> providers_;
  std::array<double, 3> group_share_{};
  // Neighbour strength between postcode areas, from the practice list.
  std::map<std::string, std::map<std::string, double>> area_links_;
  // The CCGs (keys) with practices in each postcode district ("CW1").
  std::map<std::string, std::set<uint64_t>> district_ccgs_;
};

// "CH41 5AA" -> {"CH", 41}; district 0 when it has no digits.
std::pair<std::string, int32_t> PostcodeAreaDistrict(const std::string& postcode);

}  // namespace csu::synth
