#include "synth/provider_choice.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "refdata/refdata.h"
#include "synth/rates.h"

namespace csu::synth {
namespace {

// Tertiary trusts without Type 1 A&E, with the HRG chapters they are
// specialist centres for [K]. Only those with an MFF in the year are used.
struct Specialist {
  const char* code;
  const char* chapters;
  bool children_only;
  bool women_only;
};
constexpr Specialist kSpecialists[] = {
    {"RAN", "H", false, false},   // Royal National Orthopaedic
    {"RBQ", "ED", false, false},  // Liverpool Heart and Chest
    {"RBV", "S", false, false},   // The Christie
    {"REN", "S", false, false},   // Clatterbridge Cancer Centre
    {"REP", "MN", false, true},   // Liverpool Women's
    {"RET", "A", false, false},   // The Walton Centre
    {"RGM", "ED", false, false},  // Papworth
    {"RL1", "H", false, false},   // Robert Jones and Agnes Hunt Orthopaedic
    {"RLU", "MN", false, true},   // Birmingham Women's
    {"RP4", "PE", true, false},   // Great Ormond Street
    {"RP6", "B", false, false},   // Moorfields Eye
    {"RPC", "J", false, false},   // Queen Victoria (burns, plastics)
    {"RPY", "S", false, false},   // Royal Marsden
    {"RRJ", "H", false, false},   // Royal Orthopaedic
    {"RT3", "ED", false, false},  // Royal Brompton and Harefield
};

int GroupOf(const std::string& type) {
  if (type == "1") return kType1;
  if (type == "2") return kType2;
  return kType34;
}

bool OpenAllYear(const refdata::Trust& t, FinancialYear year) {
  if (t.open_date && *t.open_date > year.first_day()) return false;
  if (t.close_date && *t.close_date < year.last_day()) return false;
  return true;
}

// Adds `share` spread over `members` in proportion to `weights` (or evenly).
void Spread(std::map<uint16_t, double>& out, const std::vector<uint16_t>& members, double share) {
  if (members.empty() || share <= 0) return;
  for (uint16_t m : members) out[m] += share / static_cast<double>(members.size());
}

ProviderChoice MakeChoice(const std::map<uint16_t, double>& weights) {
  ProviderChoice c;
  std::vector<double> w;
  for (const auto& [provider, weight] : weights) {
    if (weight <= 0) continue;
    c.providers.push_back(provider);
    w.push_back(weight);
  }
  c.alias = AliasTable(w);
  return c;
}

}  // namespace

std::pair<std::string, int32_t> PostcodeAreaDistrict(const std::string& postcode) {
  std::string area;
  size_t i = 0;
  while (i < postcode.size() && std::isalpha(static_cast<unsigned char>(postcode[i]))) {
    area.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(postcode[i]))));
    ++i;
  }
  int32_t district = 0;
  while (i < postcode.size() && std::isdigit(static_cast<unsigned char>(postcode[i]))) {
    district = district * 10 + (postcode[i] - '0');
    ++i;
  }
  return {area, district};
}

Result<ProviderCatalog> ProviderCatalog::Build(const refdata::RefData& refdata, FinancialYear year) {
  ProviderCatalog cat;
  // Sum the real A&E data of the year per trust, group and month.
  struct Sums {
    double att = 0, breaches = 0, admissions = 0;
  };
  std::map<uint64_t, std::array<std::array<Sums, 13>, 3>> by_trust;
  std::array<std::array<Sums, 13>, 3> national{};
  for (const auto& m : refdata.ae_history()) {
    if (!year.Contains(m.month)) continue;
    const int g = GroupOf(m.type);
    const int32_t fm = year.MonthOf(m.month);
    Sums& s = by_trust[m.provider.key()][g][fm];
    s.att += static_cast<double>(m.attendances);
    s.breaches += static_cast<double>(m.breaches);
    s.admissions += static_cast<double>(m.admissions);
    national[g][fm].att += static_cast<double>(m.attendances);
    national[g][fm].breaches += static_cast<double>(m.breaches);
    national[g][fm].admissions += static_cast<double>(m.admissions);
  }
  double group_total[3] = {0, 0, 0};
  for (int g = 0; g < 3; ++g) {
    for (int fm = 1; fm <= 12; ++fm) group_total[g] += national[g][fm].att;
  }
  const double all = group_total[0] + group_total[1] + group_total[2];
  if (all <= 0) return MakeError("", "refdata has no A&E attendances for " + year.ToString());
  for (int g = 0; g < 3; ++g) cat.group_share_[g] = group_total[g] / all;

  for (const auto& t : refdata.trusts()) {
    if (!OpenAllYear(t, year) || refdata.FindMff(year, t.code) == nullptr) continue;
    Provider p;
    p.code = t.code;
    p.name = t.name;
    p.geography = t.health_geography;
    std::tie(p.area, p.district) = PostcodeAreaDistrict(t.postcode);
    const auto it = by_trust.find(t.code.key());
    for (int g = 0; g < 3; ++g) {
      double att = 0;
      for (int fm = 1; fm <= 12; ++fm) {
        const Sums& nat = national[g][fm];
        const Sums* own = it == by_trust.end() ? nullptr : &(it->second[g][fm]);
        if (own) att += own->att;
        const double nat_within = nat.att > 0 ? 1.0 - nat.breaches / nat.att : 0.95;
        const double nat_admitted = nat.att > 0 ? nat.admissions / nat.att : 0.0;
        double within = nat_within, admitted = nat_admitted;
        if (own && own->att >= 50) {
          within += kTrustAeDeviationWeight * ((1.0 - own->breaches / own->att) - nat_within);
          admitted += kTrustAeDeviationWeight * (own->admissions / own->att - nat_admitted);
        }
        p.within_4h[g][fm] = static_cast<float>(within);
        p.admitted[g][fm] = static_cast<float>(admitted);
      }
      p.has_ae_group[g] = att > 0;
    }
    p.acute = p.has_ae_group[kType1];
    for (const auto& s : kSpecialists) {
      if (t.code.view() == s.code) {
        p.specialist_chapters = s.chapters;
        p.children_only = s.children_only;
        p.women_only = s.women_only;
      }
    }
    if (t.name.find("CHILDREN") != std::string::npos) {
      p.children_only = true;
      if (p.specialist_chapters.empty()) p.specialist_chapters = "P";
    }
    if (!p.acute && p.specialist_chapters.empty() && !p.has_ae_group[kType2] && !p.has_ae_group[kType34]) continue;
    cat.providers_.push_back(std::move(p));
  }
  if (cat.providers_.size() > 60000) return MakeError("", "too many providers");

  // Postcode areas that share CCGs are neighbours: strength = sum over CCGs
  // of min(practices in area A, practices in area B).
  std::map<uint64_t, std::map<std::string, double>> by_ccg;
  for (const auto& p : refdata.practices()) {
    const auto [practice_area, practice_district] = PostcodeAreaDistrict(p.postcode);
    by_ccg[p.ccg.key()][practice_area] += 1;
    cat.district_ccgs_[practice_area + std::to_string(practice_district)].insert(p.ccg.key());
  }
  for (const auto& [ccg, areas] : by_ccg) {
    for (const auto& [a, na] : areas) {
      for (const auto& [b, nb] : areas) {
        if (a != b && !a.empty() && !b.empty()) cat.area_links_[a][b] += std::min(na, nb);
      }
    }
  }
  size_t acute = 0;
  for (const auto& p : cat.providers_) acute += p.acute ? 1 : 0;
  if (acute == 0) return MakeError("", "no acute trust has an MFF and Type 1 A&E data in " + year.ToString());
  return cat;
}

int64_t ProviderCatalog::AreaDistance(const std::string& from, const std::string& to) const {
  if (from == to) return 0;
  const auto it = area_links_.find(from);
  if (it == area_links_.end()) return -1;
  const auto link = it->second.find(to);
  if (link == it->second.end()) return -1;
  double strongest = 0;
  for (const auto& [area, strength] : it->second) strongest = std::max(strongest, strength);
  return 1 + static_cast<int64_t>(998.0 * (1.0 - link->second / strongest));
}

PracticeProviders ProviderCatalog::ForPractice(const refdata::Practice& practice,
                                               const std::string& ccg_geography) const {
  const auto [area, district] = PostcodeAreaDistrict(practice.postcode);
  const uint64_t practice_hash = HashText(practice.code.view());
  const auto n = static_cast<uint16_t>(providers_.size());

  // Distance-like key in the tiers of the header; -1 = not near.
  std::map<std::string, int64_t> area_distance;
  for (const auto& p : providers_) {
    if (!area_distance.count(p.area)) area_distance[p.area] = AreaDistance(area, p.area);
  }
  // Neighbouring CCGs share postcode districts with the practice's CCG;
  // the more districts shared, the closer.
  std::map<uint64_t, int64_t> neighbours;
  for (const auto& [d, ccgs] : district_ccgs_) {
    if (!ccgs.count(practice.ccg.key())) continue;
    for (uint64_t other : ccgs) {
      if (other != practice.ccg.key()) ++neighbours[other];
    }
  }
  int64_t strongest = 1;
  for (const auto& [ccg, shared] : neighbours) strongest = std::max(strongest, shared);
  // 0 = inside the practice's CCG, 1..999 = inside a neighbouring CCG
  // (nearer first), -1 = neither.
  auto ccg_distance = [&](const Provider& p) -> int64_t {
    const auto it = district_ccgs_.find(p.area + std::to_string(p.district));
    if (it == district_ccgs_.end()) return -1;
    if (it->second.count(practice.ccg.key())) return 0;
    int64_t best = -1;
    for (uint64_t ccg : it->second) {
      const auto shared = neighbours.find(ccg);
      if (shared == neighbours.end()) continue;
      const int64_t d = 1 + 998 * (strongest - shared->second) / strongest;
      if (best < 0 || d < best) best = d;
    }
    return best;
  };
  auto key = [&](const Provider& p) -> int64_t {
    const bool same_area = !area.empty() && p.area == area;
    const int64_t district_gap = std::abs(p.district - district);
    const int64_t area_gap = area_distance[p.area];
    const int64_t ccg_gap = ccg_distance(p);
    if (ccg_gap == 0) {
      if (same_area) return district_gap;
      return 1000 + (area_gap > 0 ? area_gap : 999);
    }
    if (ccg_gap > 0) return 2000 + ccg_gap;
    if (same_area) return 3000 + district_gap;
    if (area_gap > 0) return 4000 + area_gap;
    if (p.geography == ccg_geography) {
      return 6000 + static_cast<int64_t>((HashText(p.code.view()) ^ practice_hash) % 1000);
    }
    return -1;
  };
  auto ranked = [&](auto&& eligible) {
    std::vector<std::pair<int64_t, uint16_t>> keyed;
    for (uint16_t i = 0; i < n; ++i) {
      const Provider& p = providers_[i];
      if (!eligible(p)) continue;
      const int64_t k = key(p);
      if (k >= 0) keyed.push_back({k, i});
    }
    std::sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : providers_[a.second].code < providers_[b.second].code;
    });
    std::vector<uint16_t> out;
    for (const auto& k : keyed) out.push_back(k.second);
    return out;
  };

  PracticeProviders pp;
  const std::vector<uint16_t> local_acute = ranked([](const Provider& p) { return p.acute && !p.children_only; });
  std::vector<uint16_t> national_acute;
  for (uint16_t i = 0; i < n; ++i) {
    const Provider& p = providers_[i];
    if (p.acute && !p.children_only && key(p) < 0) national_acute.push_back(i);
  }
  // A practice with no acute trust in its geography still needs one.
  std::vector<uint16_t> top = local_acute;
  if (top.empty() && !national_acute.empty()) top.push_back(national_acute[practice_hash % national_acute.size()]);
  pp.nearest = top.empty() ? 0 : top[0];

  // Specialist trusts of the practice's own geography (local) or elsewhere.
  auto specialists = [&](bool local, int group) {
    std::vector<uint16_t> out;
    for (uint16_t i = 0; i < n; ++i) {
      const Provider& p = providers_[i];
      if (p.specialist_chapters.empty() || (p.acute && !p.children_only)) continue;
      if ((p.geography == ccg_geography) != local) continue;
      if (p.children_only != (group == 0)) continue;
      if (p.women_only && group != 2) continue;
      out.push_back(i);
    }
    return out;
  };

  // Planned and emergency admissions, outpatients.
  for (int group = 0; group < 3; ++group) {
    std::map<uint16_t, double> w;
    const double rank_share[3] = {0.72, 0.14, 0.05};
    double missing = 0;
    for (int r = 0; r < 3; ++r) {
      if (r < static_cast<int>(top.size())) {
        w[top[r]] += rank_share[r];
      } else {
        missing += rank_share[r];
      }
    }
    if (!top.empty()) w[top[0]] += missing;
    std::vector<uint16_t> rest(top.size() > 3 ? top.begin() + 3 : top.end(), top.end());
    Spread(w, rest.empty() ? top : rest, 0.045);
    const auto local_spec = specialists(true, group);
    const auto national_spec = specialists(false, group);
    Spread(w, local_spec.empty() ? top : local_spec, group == 0 ? 0.12 : 0.025);
    Spread(w, national_acute, 0.016);
    Spread(w, national_spec, 0.004);
    pp.general[group] = MakeChoice(w);
  }

  // A&E by group, children (0) and adults (1).
  for (int g = 0; g < 3; ++g) {
    const std::vector<uint16_t> near = ranked([&](const Provider& p) { return p.has_ae_group[g] && !p.children_only; });
    const std::vector<uint16_t> near_children =
        ranked([&](const Provider& p) { return p.has_ae_group[g] && p.children_only; });
    for (int adult = 0; adult < 2; ++adult) {
      std::map<uint16_t, double> w;
      const std::vector<uint16_t>& base = g == kType1 ? top : near;
      if (base.empty()) continue;
      const double share[3] = {0.78, 0.12, 0.04};
      double missing = 0;
      for (int r = 0; r < 3; ++r) {
        if (r < static_cast<int>(base.size())) {
          w[base[r]] += share[r];
        } else {
          missing += share[r];
        }
      }
      w[base[0]] += missing;
      std::vector<uint16_t> rest(base.size() > 3 ? base.begin() + 3 : base.end(), base.end());
      Spread(w, rest.empty() ? base : rest, 0.02);
      if (g == kType1) Spread(w, national_acute, 0.04);
      if (!adult && !near_children.empty()) Spread(w, {near_children[0]}, 0.15);
      pp.ae[g][adult] = MakeChoice(w);
    }
  }

  // Tertiary routes: a specialist of the practice's geography takes a
  // quarter of its chapters' spells, a nearby one (a neighbouring postcode
  // area) a few, and failing both a national one a very few.
  for (int tier = 0; tier < 3; ++tier) {
    for (uint16_t i = 0; i < n; ++i) {
      const Provider& p = providers_[i];
      if (p.specialist_chapters.empty()) continue;
      const bool local = p.geography == ccg_geography;
      const bool nearby = !local && key(p) >= 0;
      if ((tier == 0 && !local) || (tier == 1 && !nearby) || (tier == 2 && (local || nearby))) continue;
      const float chance = tier == 0 ? (p.children_only ? 0.30f : 0.25f) : (tier == 1 ? 0.06f : 0.01f);
      for (char c : p.specialist_chapters) {
        auto& route = pp.routes[static_cast<size_t>(c - 'A')];
        if (route.chance > 0) continue;
        route.provider = i;
        route.chance = chance;
      }
    }
  }
  return pp;
}

}  // namespace csu::synth
