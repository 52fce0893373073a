#include "synth/chc_caseload.h"

#include <algorithm>
#include <cmath>

#include "core/nhs_number.h"
#include "synth/random.h"

namespace csu::synth {
namespace {

constexpr const char* kGiven[] = {"Ada",   "Bram",  "Cora",  "Dell",   "Edna",  "Fenn",  "Greta", "Hollis",
                                  "Ines",  "Jory",  "Kit",   "Lorna",  "Milo",  "Nell",  "Orla",  "Percy",
                                  "Queenie", "Rufus", "Sybil", "Tam",  "Una",   "Vern",  "Wyn",   "Yola"};
constexpr const char* kFamily[] = {"Ashgrove", "Brackenby", "Coldharbour", "Dunmere", "Elmstead", "Fallowfield",
                                   "Gorsehill", "Hawkridge", "Ivybridge",  "Juniper",  "Kestlemoor", "Larchwood",
                                   "Millbeck",  "Nettlecombe", "Oakhollow", "Pennyfold", "Quarrybank", "Rookwood"};
constexpr const char* kStreets[] = {"Orchard Row", "Mill Lane", "Chapel Walk", "Heron Close", "Tanners Yard",
                                    "Beacon Rise", "Willow Court", "Station Terrace"};

// A valid NHS number in the 999 range (never issued to a person).
std::string NhsNumber(Rng& rng) {
  for (;;) {
    int d[9] = {9, 9, 9};
    for (int i = 3; i < 9; ++i) d[i] = static_cast<int>(rng.Below(10));
    auto check = NhsCheckDigit(d);
    if (!check) continue;
    std::string s;
    for (int x : d) s += static_cast<char>('0' + x);
    return s + static_cast<char>('0' + *check);
  }
}

std::string Pounds(int64_t pence) {
  std::string s = std::to_string(pence / 100) + ".";
  const int64_t p = pence % 100;
  return s + (p < 10 ? "0" : "") + std::to_string(p);
}

struct Package {
  std::string setting, cost, units;
};

Package PackageFor(Rng& rng, bool fast_track) {
  const uint32_t pick = rng.Below(100);
  if (fast_track ? pick < 55 : pick < 30) return {"domiciliary", Pounds(1800 + rng.Below(601)), std::to_string(10 + rng.Below(31))};
  if (pick < 80) return {"care_home_nursing", Pounds(90000 + rng.Below(30001)), "1"};
  if (pick < 93) return {"care_home", Pounds(65000 + rng.Below(20001)), "1"};
  return {"phb", Pounds(50000 + rng.Below(100001)), "1"};
}

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

std::string GenerateChcCaseload(const refdata::RefData& ref, const std::vector<std::string>& ccgs, FinancialYear year,
                                Date as_of, uint64_t seed, ChcCaseloadStats* stats) {
  ChcCaseloadStats st;
  std::string out =
      "ccg,nhs_number,name,date_of_birth,address,route,referred_on,checklist_received,checklist_outcome,decided_on,"
      "decision,decision_reason,provider,setting,unit_cost,units_per_week,package_start\n";
  const char* providers[] = {"NVC01", "NVC02", "NVC07", "LOCAL-0012", "LOCAL-0040", "LOCAL-0101"};
  for (const std::string& code : ccgs) {
    auto ods = OdsCode::Parse(code);
    const refdata::Ccg* ccg = ods.ok() ? ref.FindCcg(ods.value()) : nullptr;
    if (ccg == nullptr || !ccg->registered_patients) continue;
    Rng rng(DeriveSeed(seed, HashText(code)));
    const int64_t pop = *ccg->registered_patients;
    const int64_t carried = pop * 55 / 100'000;      // eligible on 1 April: 0.55 per 1,000
    const int64_t standard_new = pop * 9 / 10'000;   // standard referrals in the year
    const int64_t fast_new = standard_new / 2;       // a third of all new cases
    auto row = [&](const std::string& route, Date referred, std::optional<Date> checklist, bool positive,
                   std::optional<Date> decided, bool eligible, const std::string& reason) {
      const int age = 66 + static_cast<int>(rng.Below(30));
      const Date dob = Date::FromYmd(referred.year() - age, 1 + static_cast<int>(rng.Below(12)), 1 + static_cast<int>(rng.Below(28)));
      std::string line = code + "," + NhsNumber(rng) + "," + kGiven[rng.Below(std::size(kGiven))] + " " +
                         kFamily[rng.Below(std::size(kFamily))] + "," + dob.ToString() + "," +
                         Quote(std::to_string(1 + rng.Below(120)) + " " + kStreets[rng.Below(std::size(kStreets))] +
                               ", " + ccg->name + " area") +
                         "," + route + "," + referred.ToString() + "," + (checklist ? checklist->ToString() : "") + "," +
                         (checklist ? (positive ? "positive" : "negative") : "") + "," +
                         (decided ? decided->ToString() : "") + "," + (decided ? (eligible ? "eligible" : "not_eligible") : "") +
                         "," + (decided ? Quote(reason) : "") + ",";
      ++st.rows;
      if (route == "fast_track") ++st.fast_track;
      if (decided && eligible) {
        ++st.eligible;
        ++st.packages;
        Package p = PackageFor(rng, route == "fast_track");
        const Date start = std::min(as_of, decided->AddDays(route == "fast_track" ? 1 : 3));
        line += std::string(providers[rng.Below(std::size(providers))]) + "," + p.setting + "," + p.cost + "," + p.units +
                "," + start.ToString();
      } else {
        if (!decided && checklist && positive) ++st.undecided;
        line += ",,,,";
      }
      out += line + "\n";
    };
    // The caseload carried in: decided eligible in the two years before.
    for (int64_t i = 0; i < carried; ++i) {
      const Date referred = year.first_day().AddDays(-30 - static_cast<int32_t>(rng.Below(700)));
      const Date checklist = referred.AddDays(static_cast<int32_t>(rng.Below(4)));
      row("standard", referred, checklist, true, checklist.AddDays(12 + static_cast<int32_t>(rng.Below(30))), true,
          "Primary health need: severe needs in two or more domains");
    }
    const int32_t days = std::max<int32_t>(1, as_of - year.first_day() + 1);
    for (int64_t i = 0; i < standard_new; ++i) {
      const Date referred = year.first_day().AddDays(static_cast<int32_t>(rng.Below(static_cast<uint32_t>(days))));
      const Date checklist = referred.AddDays(static_cast<int32_t>(rng.Below(4)));
      if (checklist > as_of) {
        row("standard", referred, std::nullopt, false, std::nullopt, false, "");
        continue;
      }
      const bool positive = rng.Below(100) < 70;
      const bool quick = rng.Below(100) < 60;
      const Date decided = checklist.AddDays(quick ? 10 + static_cast<int32_t>(rng.Below(19)) : 29 + static_cast<int32_t>(rng.Below(42)));
      const bool eligible = rng.Below(100) < 30;
      if (!positive) row("standard", referred, checklist, false, std::nullopt, false, "");
      else if (decided > as_of) row("standard", referred, checklist, true, std::nullopt, false, "");
      else row("standard", referred, checklist, true, decided, eligible,
               eligible ? "Primary health need: a priority or two severe needs" : "No primary health need: needs met by social care");
    }
    for (int64_t i = 0; i < fast_new; ++i) {
      const Date referred = year.first_day().AddDays(static_cast<int32_t>(rng.Below(static_cast<uint32_t>(days))));
      row("fast_track", referred, std::nullopt, false, referred, true, "Fast Track: rapidly deteriorating condition");
    }
  }
  if (stats) *stats = st;
  return out;
}

}  // namespace csu::synth
