#include "synth/hrg_mix.h"

#include <cmath>
#include <map>
#include <optional>

#include "refdata/refdata.h"
#include "synth/clinical_codes.h"

namespace csu::synth {
namespace {

// Typical price (pounds) of a day case, ordinary elective and emergency
// spell, and the spread (log scale) of the bump around it [V domain 1(a):
// DC/EL p10/p50/p90 = 437/1,860/7,752; NEL 621/2,696/8,850 per HRG; the
// activity-weighted typical spell is cheaper than the median HRG].
constexpr double kTypicalPrice[] = {650, 3000, 1400};
constexpr double kLogPriceSigma = 0.9;

// HRG roots (first four characters) known to be among the commonest of a
// setting [K: HES / reference costs volumes], as multipliers on the weight.
// Codes are HRG4+ (2017/19); under 2016/17's HRG4 codes most do not match
// and the per-root prevalence below does all the work.
struct RootBoost {
  const char* root;
  double day_case, elective, emergency;
};
constexpr RootBoost kRootBoosts[] = {
    {"EB12", 1, 1, 12}, {"DZ65", 1, 1, 8},  {"DZ11", 1, 1, 8},  {"LA04", 1, 1, 8},  {"EB08", 1, 1, 6},
    {"EB03", 1, 1, 5},  {"EB07", 1, 1, 5},  {"WJ06", 1, 1, 5},  {"AA22", 1, 1, 4},  {"FZ90", 1, 1, 6},
    {"FZ38", 1, 1, 4},  {"FZ36", 1, 1, 4},  {"HE11", 1, 1, 4},  {"DZ15", 1, 1, 3},  {"AA26", 1, 1, 4},
    {"PD15", 1, 1, 6},  {"PD14", 1, 1, 5},  {"PF21", 1, 1, 5},  {"PR03", 1, 1, 3},  {"WH09", 1, 1, 4},
    {"AA29", 1, 1, 2},  {"EB13", 1, 1, 3},  {"EB10", 1, 1, 4},  {"DZ09", 1, 1, 3},  {"LA07", 1, 1, 4},
    {"WH04", 1, 1, 4},  {"WH08", 1, 1, 4},  {"FZ91", 1, 1, 4},  {"PX29", 1, 1, 3},  {"PX22", 1, 1, 2},
    {"BZ34", 15, 3, 1}, {"FZ51", 6, 1, 1},  {"FZ52", 6, 1, 1},  {"FZ53", 4, 1, 1},  {"FZ60", 6, 1, 1},
    {"FZ61", 6, 1, 1},  {"LB72", 6, 1, 1},  {"JC42", 4, 2, 1},  {"JC43", 6, 1, 1},  {"SA04", 5, 1, 2},
    {"FZ18", 3, 3, 1},  {"GA10", 2, 4, 1},  {"CA60", 1.5, 3, 1}, {"MA31", 2, 1, 1}, {"MA32", 2, 1, 1},
};

// A stable per-root prevalence: log-normal (sigma 1) from a hash of the
// root, so activity concentrates on some HRGs as real activity does, and the
// same roots are common in every run.
double RootPrevalence(std::string_view root) {
  Rng rng(HashText(std::string("hrg-root:") + std::string(root)));
  return std::exp(1.0 * rng.Normal());
}

double BoostFor(std::string_view root, Setting s) {
  for (const auto& b : kRootBoosts) {
    if (root == b.root) return s == Setting::kDayCase ? b.day_case : (s == Setting::kOrdinaryElective ? b.elective : b.emergency);
  }
  return 1.0;
}

// Age groups whose bounds follow the age words of HRG names (1/2, 5/6,
// 18/19); adults are split further only to vary complexity with age.
struct AgeRange {
  int32_t lo, hi;
};
constexpr AgeRange kGroups[] = {{0, 1}, {2, 4}, {5, 5}, {6, 15}, {16, 17}, {18, 18}, {19, 64}, {65, 79}, {80, 130}};

// Relative weight of each HRG chapter (A..Z) by setting [K: HES activity
// by chapter]; 0 excludes. Day cases: digestive endoscopy, eyes,
// musculoskeletal, skin, urology. Emergencies: respiratory, cardiac,
// digestive, injuries, infections and "other contacts" (WH).
double ChapterWeight(Setting s, char chapter) {
  switch (chapter) {
    case 'A': return s == Setting::kNonElective ? 1.0 : 0.6;
    case 'B': return s == Setting::kDayCase ? 3.0 : (s == Setting::kNonElective ? 0.1 : 0.4);
    case 'C': return s == Setting::kNonElective ? 0.5 : 1.0;
    case 'D': return s == Setting::kNonElective ? 2.2 : 0.5;
    case 'E': return s == Setting::kNonElective ? 1.6 : 1.0;
    case 'F': return s == Setting::kDayCase ? 3.5 : 1.6;
    case 'G': return 0.5;
    case 'H': return s == Setting::kOrdinaryElective ? 2.5 : 1.3;
    case 'J': return s == Setting::kNonElective ? 0.6 : 1.2;
    case 'K': return 0.5;
    case 'L': return 1.1;
    case 'M': return s == Setting::kNonElective ? 0.4 : 1.0;
    case 'P': return s == Setting::kNonElective ? 1.5 : 0.3;  // children only
    case 'S': return s == Setting::kDayCase ? 1.5 : 0.4;
    case 'V': return s == Setting::kNonElective ? 0.1 : 0.0;
    case 'W': return s == Setting::kNonElective ? 1.6 : 0.2;
    case 'Y': return 0.4;
    case 'U': return 0.01;
    default: return 0.0;  // N maternity (own path), R imaging, X critical care/drugs
  }
}

// Subchapters that never form a core spell HRG here: unbundled or
// non-admitted currencies, assisted reproduction, and A&E.
bool ExcludedSubchapter(std::string_view sub) {
  static constexpr std::string_view kExcluded[] = {"SB", "SC", "LD", "LE", "MC", "WF", "VB", "XA", "XB",
                                                   "XC", "XD", "RD", "RN", "NZ", "PB"};
  for (auto e : kExcluded) {
    if (sub == e) return true;
  }
  return false;
}

struct NameRules {
  int32_t min_age = 0, max_age = 130;
  int sex = -1;  // -1 any, 0 male, 1 female
  int32_t min_los = 0, max_los = 365;
  bool rarely_admitted = false;
};

// Names of HRGs for activity that is mostly not an admission.
bool RarelyAdmitted(std::string_view name) {
  static constexpr std::string_view kWords[] = {"Testing", " Test", "Studies", "Study", "Nurse Support",
                                                "Physiotherapy", "Programme", "Photography", "Attention to",
                                                "Follow-Up Examination", "Counselling", "Assessment",
                                                "Monitoring", "Fitting"};
  for (auto w : kWords) {
    if (name.find(w) != std::string_view::npos) return true;
  }
  return false;
}

std::optional<int32_t> NumberBefore(std::string_view s, size_t pos) {
  // The integer ending just before `pos` (skipping one space).
  if (pos == 0) return std::nullopt;
  size_t end = pos;
  if (s[end - 1] == ' ') --end;
  size_t start = end;
  while (start > 0 && s[start - 1] >= '0' && s[start - 1] <= '9') --start;
  if (start == end) return std::nullopt;
  return std::stoi(std::string(s.substr(start, end - start)));
}

NameRules RulesFromName(std::string_view name, std::string_view sub) {
  NameRules r;
  size_t p;
  if ((p = name.find("between ")) != std::string_view::npos) {
    const size_t and_pos = name.find(" and ", p);
    const size_t years = name.find(" year", p);
    if (and_pos != std::string_view::npos && years != std::string_view::npos) {
      auto lo = NumberBefore(name, and_pos);
      auto hi = NumberBefore(name, years);
      if (lo && hi) r.min_age = *lo, r.max_age = *hi;
    }
  } else if ((p = name.find(" and over")) != std::string_view::npos) {
    const size_t years = name.rfind(" year", p);
    if (years != std::string_view::npos) {
      if (auto n = NumberBefore(name, years)) r.min_age = *n;
    }
  } else if ((p = name.find(" and under")) != std::string_view::npos) {
    const size_t years = name.rfind(" year", p);
    if (years != std::string_view::npos) {
      if (auto n = NumberBefore(name, years)) r.max_age = *n;
    }
  }
  if ((p = name.find("length of stay ")) != std::string_view::npos) {
    const std::string_view rest = name.substr(p + 15);
    int32_t a = 0, b = 0;
    size_t i = 0;
    const bool between = rest.substr(0, 8) == "between ";
    if (between) i = 8;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') a = a * 10 + (rest[i++] - '0');
    if (between) {
      i = rest.find("and ", i);
      if (i != std::string_view::npos) {
        for (i += 4; i < rest.size() && rest[i] >= '0' && rest[i] <= '9'; ++i) b = b * 10 + (rest[i] - '0');
        r.min_los = a, r.max_los = b;
      }
    } else if (rest.find("or less") != std::string_view::npos) {
      r.max_los = a;
    } else if (rest.find("or more") != std::string_view::npos) {
      r.min_los = a;
    } else {
      r.min_los = r.max_los = a;
    }
  }
  r.rarely_admitted = RarelyAdmitted(name);
  if (sub[0] == 'P' || name.find("Paediatric") != std::string_view::npos) r.max_age = std::min(r.max_age, 18);
  const bool both = name.find("Male and Female") != std::string_view::npos;
  if (!both) {
    if (name.find("(Male)") != std::string_view::npos || name.find("Penis") != std::string_view::npos ||
        name.find("Scrotum") != std::string_view::npos ||
        (name.find("Prostate") != std::string_view::npos && name.find("Kidney") == std::string_view::npos)) {
      r.sex = 0;
    }
    if (sub == "MA" || sub == "MB" || name.find("(Female)") != std::string_view::npos ||
        name.find("Female") != std::string_view::npos) {
      r.sex = 1;
    }
  }
  return r;
}

TreatmentFunctionCode Tfc(const refdata::RefData& refdata, std::string_view code) {
  auto parsed = TreatmentFunctionCode::Parse(code);
  if (parsed.ok() && refdata.FindTreatmentFunction(parsed.value()) != nullptr) return parsed.value();
  return TreatmentFunctionCode::Parse("300").value();
}

// Specialised service flag that may apply to an HRG (used for a minority of
// its spells) [K: prescribed specialised services manual].
std::string_view PssFlagFor(std::string_view code, std::string_view name, bool surgical, int32_t max_age) {
  const std::string_view sub = code.substr(0, 2);
  if (max_age <= 18) {
    if (sub == "EC" || sub == "PE") return "NCBPS23B";
    if (sub == "PM") return "NCBPS23A";
    if (sub == "PR") return "NCBPS23M";
    return "";
  }
  if (sub == "HC" && surgical) return "NCBPS06Z";
  if (sub == "AA" && surgical) return "NCBPS08S";
  if (sub == "ED") return "NCBPS13E";
  if (sub == "EY" && name.find("Percutaneous") != std::string_view::npos) return "NCBPS13F";
  if (sub == "YQ") return "NCBPS30Z";
  if (sub == "GA" && name.find("Pancrea") != std::string_view::npos) return "NCBPS19Z";
  if (name.find("Coagulation Defect") != std::string_view::npos) return "NCBPS03Z";
  if (name.find("Sickle") != std::string_view::npos) return "NCBPS38S";
  if (sub == "DZ" && surgical && name.find("Thoracic") != std::string_view::npos) return "NCBPS29B";
  return "";
}

// Turns collected weights and entry ids into a table, leaving both empty.
template <typename TableT>
void Finish(std::vector<double>& weights, std::vector<uint32_t>& ids, TableT& table) {
  table.alias = AliasTable(weights);
  table.entries = std::move(ids);
  weights.clear();
  ids.clear();
}

}  // namespace

int HrgMix::AgeGroup(int32_t age) {
  for (int g = 0; g < kAgeGroups; ++g) {
    if (age <= kGroups[g].hi) return g;
  }
  return kAgeGroups - 1;
}

Result<HrgMix> HrgMix::Build(const refdata::RefData& refdata, FinancialYear year) {
  const refdata::TariffYear* tariff = refdata.Tariff(year);
  if (tariff == nullptr) return MakeError("", "no tariff for " + year.ToString());
  HrgMix mix;
  struct Meta {
    NameRules rules;
    bool no_price;
    double price[3];  // pounds per setting, 0 = not allowed
    double oproc;
    int split_rank = 0;        // 0 = the root's least complex split (last letter)
    double root_price[3] = {};  // the root's cheapest price per setting
    double prevalence = 1.0;    // RootPrevalence of its root
  };
  std::vector<Meta> meta;

  for (const auto& p : tariff->apc()) {
    const std::string_view code = p.hrg.view();
    const std::string_view sub = code.substr(0, 2);
    HrgEntry e;
    e.code = p.hrg;
    e.elective_trim_days = p.elective_trim_days.value_or(5);
    e.non_elective_trim_days = p.non_elective_trim_days.value_or(5);
    const SubchapterCoding& coding = CodingFor(sub);
    e.medical_tfc = Tfc(refdata, coding.medical_tfc);
    e.surgical_tfc = Tfc(refdata, coding.surgical_tfc);
    e.surgical = IsSurgicalHrgName(p.name) && !coding.procedures.empty();
    e.diagnoses = &coding.diagnoses;
    e.procedures = &coding.procedures;
    Meta m;
    m.rules = RulesFromName(p.name, sub);
    e.min_los_days = m.rules.min_los;
    e.max_los_days = m.rules.max_los;
    m.no_price = tariff->HrgHasNoNationalPrice(p.hrg);
    auto pounds = [](const std::optional<Money>& money) {
      return money && money->pence() > 0 ? static_cast<double>(money->pence()) / 100.0 : 0.0;
    };
    m.price[0] = pounds(p.DayCasePrice());
    m.price[1] = pounds(p.OrdinaryElectivePrice());
    m.price[2] = pounds(p.non_elective);
    m.oproc = pounds(p.outpatient_procedure);
    e.pss_flag = std::string(PssFlagFor(code, p.name, e.surgical, m.rules.max_age));
    if (!e.pss_flag.empty() && tariff->FindTopUp(e.pss_flag) == nullptr) e.pss_flag.clear();
    if (code == "SB97Z") mix.chemo_index_ = static_cast<int32_t>(mix.entries_.size());
    mix.entries_.push_back(std::move(e));
    meta.push_back(m);
  }

  // Splits of a root are ordered by complexity: A (most complications)
  // first. Rank each from the last, and find the root's cheapest prices.
  {
    std::map<std::string, std::vector<size_t>> roots;
    for (size_t i = 0; i < meta.size(); ++i) roots[std::string(mix.entries_[i].code.view().substr(0, 4))].push_back(i);
    for (const auto& [root, members] : roots) {
      for (size_t k = 0; k < members.size(); ++k) {
        Meta& m = meta[members[k]];
        m.split_rank = static_cast<int>(members.size() - 1 - k);
        m.prevalence = RootPrevalence(root);
        for (int st = 0; st < 3; ++st) {
          for (size_t j : members) {
            const double p = meta[j].price[st];
            if (p > 0 && (m.root_price[st] == 0 || p < m.root_price[st])) m.root_price[st] = p;
          }
        }
      }
    }
  }

  std::vector<double> weights;
  std::vector<uint32_t> ids;
  for (size_t s = 0; s < static_cast<size_t>(Setting::kCount); ++s) {
    const auto setting = static_cast<Setting>(s);
    for (int g = 0; g < kAgeGroups; ++g) {
      const AgeRange range = kGroups[g];
      // Older patients: more complex splits (more complications).
      const double split_decay = range.lo >= 80 ? 0.85 : (range.lo >= 65 ? 0.7 : 0.5);
      const double typical = kTypicalPrice[s] * (range.hi <= 18 ? 0.8 : 1.0);
      for (int sex = 0; sex < 2; ++sex) {
        for (size_t i = 0; i < mix.entries_.size(); ++i) {
          const HrgEntry& e = mix.entries_[i];
          const Meta& m = meta[i];
          const double price = m.price[s];
          if (price <= 0 || ExcludedSubchapter(e.code.subchapter())) continue;
          if (m.rules.min_age > range.lo || m.rules.max_age < range.hi) continue;
          if (m.rules.sex >= 0 && m.rules.sex != sex) continue;
          const std::string_view root = e.code.view().substr(0, 4);
          const double log_ratio = std::log(m.root_price[s] / typical);
          double w = ChapterWeight(setting, e.code.view()[0]) *
                     std::exp(-log_ratio * log_ratio / (2 * kLogPriceSigma * kLogPriceSigma)) *
                     m.prevalence * BoostFor(root, setting) * std::pow(split_decay, m.split_rank);
          if (w <= 0) continue;
          if (m.no_price) w *= 0.03;
          if (m.rules.rarely_admitted) w *= setting == Setting::kNonElective ? 0.01 : 0.1;
          if (m.rules.min_los > 0 && setting == Setting::kDayCase) continue;
          if (e.code.subchapter() == "JA" && sex == 0) w *= 0.02;
          // Children's medical care groups to the paediatric chapter.
          if (range.hi <= 18 && e.code.view()[0] != 'P' && !e.surgical && setting == Setting::kNonElective) w *= 0.1;
          // Procedure HRGs are what electives are for; medical HRGs dominate emergencies.
          if (setting != Setting::kNonElective && !e.surgical) w *= 0.35;
          // Emergency operations are mostly for trauma; other procedure HRGs
          // are rare in emergency spells.
          if (setting == Setting::kNonElective && e.surgical) {
            const std::string_view sub = e.code.subchapter();
            w *= (sub == "HT" || sub == "VA") ? 0.5 : 0.12;
          }
          weights.push_back(w);
          ids.push_back(static_cast<uint32_t>(i));
        }
        if (weights.empty()) return MakeError("", "no HRG fits " + year.ToString() + " setting " + std::to_string(s));
        Finish(weights, ids, mix.tables_[s][g][sex]);
      }
    }
  }

  // Maternity (not in the tariff: maternity is paid by pathway): NZ codes of
  // the HRG code list. Antenatal NZ16-NZ24, postnatal NZ26-NZ27.
  for (int post = 0; post < 2; ++post) {
    for (const auto& info : refdata.hrgs()) {
      const std::string_view c = info.code.view();
      if (c.substr(0, 2) != "NZ") continue;
      const int num = (c[2] - '0') * 10 + (c[3] - '0');
      const bool is_post = num == 26 || num == 27;
      const bool is_ante = num >= 17 && num <= 24 && num != 21 && num != 22;  // not scans
      if (post ? !is_post : !is_ante) continue;
      HrgEntry e;
      e.code = info.code;
      const SubchapterCoding& coding = CodingFor("NZ");
      e.medical_tfc = e.surgical_tfc = Tfc(refdata, "501");
      e.diagnoses = &coding.diagnoses;
      e.procedures = &coding.procedures;
      weights.push_back(c.back() == 'A' ? 0.3 : 1.0);  // "CC Score 2+" rarer
      ids.push_back(static_cast<uint32_t>(mix.entries_.size()));
      mix.entries_.push_back(std::move(e));
    }
    if (!weights.empty()) Finish(weights, ids, mix.maternity_[post]);
  }

  for (const auto& u : tariff->unbundled()) {
    const std::string_view c = u.hrg.view();
    if ((c == "SB12Z" || c == "SB13Z" || c == "SB14Z") && u.price.pence() > 0) mix.chemo_unbundled_.push_back(u.hrg);
  }

  // Outpatient procedures by treatment function: HRGs with an OPROC price
  // whose subchapter that treatment function manages.
  std::map<uint64_t, size_t> by_tfc;
  for (size_t i = 0; i < mix.entries_.size() && i < meta.size(); ++i) {
    const HrgEntry& e = mix.entries_[i];
    if (meta[i].oproc <= 0 || ExcludedSubchapter(e.code.subchapter())) continue;
    for (TreatmentFunctionCode tfc : {e.medical_tfc, e.surgical_tfc}) {
      if (by_tfc.count(tfc.key()) == 0) {
        by_tfc[tfc.key()] = mix.oproc_.size();
        mix.oproc_.push_back(OprocTables{tfc, {}});
      }
    }
  }
  for (auto& t : mix.oproc_) {
    for (int g = 0; g < kAgeGroups; ++g) {
      for (int sex = 0; sex < 2; ++sex) {
        for (size_t i = 0; i < meta.size(); ++i) {
          const HrgEntry& e = mix.entries_[i];
          const Meta& m = meta[i];
          if (m.oproc <= 0 || ExcludedSubchapter(e.code.subchapter())) continue;
          if (!(e.medical_tfc == t.tfc || e.surgical_tfc == t.tfc)) continue;
          if (m.rules.min_age > kGroups[g].lo || m.rules.max_age < kGroups[g].hi) continue;
          if (m.rules.sex >= 0 && m.rules.sex != sex) continue;
          weights.push_back(std::pow(m.oproc, -1.0) * (m.no_price ? 0.03 : 1.0));
          ids.push_back(static_cast<uint32_t>(i));
        }
        if (!weights.empty()) Finish(weights, ids, t.by_group[g][sex]);
      }
    }
  }

  // A&E HRGs, weighted towards the cheaper (less investigation and
  // treatment) for those sent home, and towards investigation for those
  // admitted [K: HES A&E investigation/treatment mix].
  static constexpr const char* kAeCodes[] = {"VB01Z", "VB02Z", "VB03Z", "VB04Z", "VB05Z", "VB06Z",
                                             "VB07Z", "VB08Z", "VB09Z", "VB10Z", "VB11Z", "VB99Z"};
  static constexpr double kAeWeights[3][2][12] = {
      {{1, 2, 8, 2, 7, 5, 12, 14, 28, 0.3, 18, 0.3}, {8, 14, 35, 5, 12, 4, 8, 6, 6, 0, 1, 0.5}},
      {{0.5, 1, 4, 1, 5, 5, 12, 16, 32, 0.5, 22, 0.2}, {6, 12, 30, 5, 12, 4, 10, 8, 8, 0, 2, 0.5}},
      {{0.1, 0.2, 1, 0.5, 2, 4, 6, 10, 30, 0.5, 45, 0.1}, {2, 4, 15, 4, 10, 6, 12, 12, 20, 0, 10, 0.2}}};
  for (int tg = 0; tg < 3; ++tg) {
    for (int adm = 0; adm < 2; ++adm) {
      for (int i = 0; i < 12; ++i) {
        auto code = HrgCode::Parse(kAeCodes[i]);
        if (!code.ok() || tariff->FindAe(code.value()) == nullptr || kAeWeights[tg][adm][i] <= 0) continue;
        weights.push_back(kAeWeights[tg][adm][i]);
        ids.push_back(static_cast<uint32_t>(i));
      }
      if (weights.empty()) return MakeError("", "the " + year.ToString() + " tariff has no A&E HRGs");
      Finish(weights, ids, mix.ae_[tg][adm]);
    }
  }
  return mix;
}

const HrgEntry& HrgMix::Pick(Setting setting, int32_t age, int sex_index, Rng& rng) const {
  const Table& t = tables_[static_cast<size_t>(setting)][AgeGroup(age)][sex_index];
  return entries_[t.entries[t.alias.Pick(rng)]];
}

const HrgEntry* HrgMix::PickMaternity(bool postnatal, Rng& rng) const {
  const Table& t = maternity_[postnatal ? 1 : 0];
  if (t.entries.empty()) return nullptr;
  return &entries_[t.entries[t.alias.Pick(rng)]];
}

const HrgEntry* HrgMix::PickOutpatientProcedure(TreatmentFunctionCode tfc, int32_t age, int sex_index,
                                                Rng& rng) const {
  for (const auto& t : oproc_) {
    if (t.tfc == tfc) {
      const Table& table = t.by_group[AgeGroup(age)][sex_index];
      if (table.entries.empty()) return nullptr;
      return &entries_[table.entries[table.alias.Pick(rng)]];
    }
  }
  return nullptr;
}

HrgCode HrgMix::PickAe(int type_group, bool admitted, Rng& rng) const {
  static const HrgCode kCodes[] = {
      HrgCode::Parse("VB01Z").value(), HrgCode::Parse("VB02Z").value(), HrgCode::Parse("VB03Z").value(),
      HrgCode::Parse("VB04Z").value(), HrgCode::Parse("VB05Z").value(), HrgCode::Parse("VB06Z").value(),
      HrgCode::Parse("VB07Z").value(), HrgCode::Parse("VB08Z").value(), HrgCode::Parse("VB09Z").value(),
      HrgCode::Parse("VB10Z").value(), HrgCode::Parse("VB11Z").value(), HrgCode::Parse("VB99Z").value()};
  const Table& t = ae_[type_group][admitted ? 1 : 0];
  return kCodes[t.entries[t.alias.Pick(rng)]];
}

}  // namespace csu::synth
