#include "synth/payroll_staff.h"

#include <cstdio>

namespace csu::synth {
namespace {

// A small deterministic generator (64-bit LCG, Knuth's MMIX constants).
struct Rng {
  uint64_t s;
  uint64_t Next() {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return s >> 33;
  }
  int64_t Below(int64_t n) { return static_cast<int64_t>(Next() % static_cast<uint64_t>(n)); }
};

constexpr const char* kFirst[] = {"Amelia", "Oliver", "Priya",  "Tomasz", "Grace", "Kwame",  "Siobhan", "Rhys",
                                  "Fatima", "George", "Hannah", "Ibrahim", "Jodie", "Lewis", "Megan",   "Niamh"};
constexpr const char* kLast[] = {"Ashdown", "Brackley", "Cotteril", "Dunmore", "Elsworth", "Fairhurst", "Gilmartin",
                                 "Hollins", "Ingleby",  "Kershaw",  "Lumsden", "Marwood",  "Netherton", "Oakes"};
constexpr const char* kStreets[] = {"Beech Grove", "Canal Street", "Mill Lane", "Station Road", "The Crescent",
                                    "Victoria Terrace"};
// Prefix letters HMRC uses (NIM39110: not D, F, I, Q, U, V; O never second).
constexpr char kPrefix1[] = "ABCEGHJKLMNPRSTWXYZ";
constexpr char kPrefix2[] = "ABCEGHJKLMNPRSTWXYZ";

// Two prefix letters HMRC would allocate: not BG, GB, KN, NK, NT, TN or ZZ.
std::string NiPrefix(Rng& rng) {
  for (;;) {
    std::string p{kPrefix1[rng.Below(19)], kPrefix2[rng.Below(19)]};
    if (p != "BG" && p != "GB" && p != "KN" && p != "NK" && p != "NT" && p != "TN" && p != "ZZ") return p;
  }
}

}  // namespace

std::vector<DemoPost> DemoEstablishment(bool csu_employer) {
  // Commissioning, finance, quality, business intelligence, corporate.
  const char* cc[5] = {"CC910", "CC920", "CC930", "CC940", "CC950"};
  if (csu_employer) cc[0] = "CS200", cc[1] = "CS300", cc[2] = "CS600", cc[3] = "CS100", cc[4] = "CS900";
  return {{"COM01", cc[0], "Head of commissioning", "8c", 100},
          {"COM02", cc[0], "Commissioning manager", "8a", 300},
          {"COM03", cc[0], "Commissioning officer", "6", 400},
          {"FIN01", cc[1], "Chief finance officer", "VSM", 100},
          {"FIN02", cc[1], "Finance manager", "8b", 100},
          {"FIN03", cc[1], "Finance officer", "5", 300},
          {"QUA01", cc[2], "Quality lead", "8a", 100},
          {"QUA02", cc[2], "Nurse adviser", "7", 200},
          {"BI01", cc[3], "Senior analyst", "7", 200},
          {"BI02", cc[3], "Analyst", "6", 300},
          {"COR01", cc[4], "Governance officer", "6", 200},
          {"COR02", cc[4], "Administrator", "3", 400}};
}

std::string GeneratePayrollStaff(const std::string& employer, uint64_t seed, int64_t* rows) {
  uint64_t mix = seed;
  for (char c : employer) mix = mix * 131 + static_cast<unsigned char>(c);
  Rng rng{mix};
  std::string out =
      "staff_number,name,address,date_of_birth,ni_number,sort_code,account_number,start_date,continuous_service_date,"
      "post,hours,fte,band,spine_point,incremental_date,annual_salary,hcas,tax_code,ni_category,pension_member\n";
  int64_t n = 0;
  for (const DemoPost& p : DemoEstablishment()) {
    int64_t left = p.budgeted_wte_x100;
    while (left > 0) {
      // About one post in ten is vacant.
      if (rng.Below(10) == 0) break;
      const int64_t fte = left >= 100 && rng.Below(5) != 0 ? 100 : (left >= 80 ? 80 : 60);
      left -= fte;
      ++n;
      // Each draw in its own statement: argument evaluation order is
      // unspecified, and the same seed must give the same bytes everywhere.
      const int birth_year = 1962 + static_cast<int>(rng.Below(38));
      const int birth_month = 1 + static_cast<int>(rng.Below(12));
      const int birth_day = 1 + static_cast<int>(rng.Below(28));
      const int start_year = 2008 + static_cast<int>(rng.Below(10));
      const bool earlier_nhs = rng.Below(3) == 0;
      const int earlier_years = 1 + static_cast<int>(rng.Below(8));
      const bool vsm = p.band == "VSM";
      const int steps = p.band == "5" || p.band == "6" || p.band == "7" ? 3 : 2;
      const int step = 1 + static_cast<int>(rng.Below(steps));
      const bool april = rng.Below(2) == 0;
      const std::string prefix = NiPrefix(rng);
      const long long ni_digits = rng.Below(1'000'000);
      const char suffix = "ABCD"[rng.Below(4)];
      const long long sort2 = rng.Below(100), sort3 = rng.Below(100);
      const long long account = 10'000'000 + rng.Below(90'000'000);
      const int64_t tax_draw = rng.Below(24);
      const char* code = tax_draw == 0 ? "BR" : (tax_draw == 1 ? "K100" : "1257L");
      const bool member = rng.Below(10) != 0;
      const char* first = kFirst[rng.Below(16)];
      const char* last = kLast[rng.Below(14)];
      const long long house = 1 + rng.Below(120);
      const char* street = kStreets[rng.Below(6)];
      const long long district = 1 + rng.Below(28);
      const std::string continuous = earlier_nhs ? std::to_string(start_year - earlier_years) + "-09-01" : "";
      const std::string point = vsm ? "" : std::to_string(step);
      const std::string incremental = vsm || step == steps ? "" : std::string("2026-") + (april ? "04" : "10") + "-01";
      char line[512];
      std::snprintf(line, sizeof line,
                    "%s%04lld,%s %s,\"%lld %s, Leeds LS%lld 1AA\",%04d-%02d-%02d,%s%06lld%c,40-%02lld-%02lld,"
                    "%08lld,%04d-04-01,%s,%s,%s,%.2f,%s,%s,%s,%s,,%s,A,%s\n",
                    employer.c_str(), static_cast<long long>(n), first, last, house, street, district, birth_year,
                    birth_month, birth_day, prefix.c_str(), ni_digits, suffix, sort2, sort3, account, start_year,
                    continuous.c_str(), p.code.c_str(), fte == 100 ? "37.5" : (fte == 80 ? "30" : "22.5"),
                    static_cast<double>(fte) / 100, p.band.c_str(), point.c_str(), incremental.c_str(),
                    vsm ? "112000.00" : "", code, member ? "Y" : "N");
      out += line;
    }
  }
  if (rows != nullptr) *rows = n;
  return out;
}

}  // namespace csu::synth
