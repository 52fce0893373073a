#include "synth/summary.h"

#include <algorithm>
#include <cstdio>

#include "core/text.h"

namespace csu::synth {
namespace {

double Ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

// "£1,045.6m": for reading at a glance (the file holds exact pence).
std::string Millions(Money m) {
  const int64_t tenths = DivRoundHalfAway(m.pence(), 10'000'000);
  const int64_t abs_tenths = tenths < 0 ? -tenths : tenths;
  return std::string(tenths < 0 ? "-" : "") + "\u00a3" + WithThousands(abs_tenths / 10) + "." +
         std::to_string(abs_tenths % 10) + "m";
}

}  // namespace

void SummaryBuilder::AddPractice(const std::string& ccg, const PracticeEvents& e, FinancialYear year) {
  s_.practices += 1;
  s_.patients += static_cast<int64_t>(e.patients.size());
  auto& per_provider = ccg_provider_spells_[ccg];
  if (per_provider.size() < provider_codes_.size()) per_provider.resize(provider_codes_.size());

  for (const SpellRow& sp : e.spells) {
    ++s_.apc_rows;
    ++per_provider[sp.provider];
    const int32_t los = sp.los_days();
    s_.all_bed_days += los;
    if (sp.classification == '1') {
      ++s_.ordinary_spells;
      s_.ordinary_bed_days += los;
    }
    if (sp.discharge_method == '4') ++s_.died;
    if (sp.over_trim) ++s_.over_trim;
    if (sp.elective()) {
      ++s_.elective;
      if (sp.classification == '2') ++s_.day_case;
      if (sp.classification == '1') ++s_.elective_ordinary;
      if (sp.classification == '3' || sp.classification == '4') ++s_.regular_attender;
    } else if (sp.emergency()) {
      ++s_.emergency;
      if (sp.method[1] == '1') ++s_.emergency_via_ae;
      ++s_.emergency_by_month[year.MonthOf(sp.discharge)];
    } else if (sp.method[0] == '3') {
      ++s_.maternity;
    } else {
      ++s_.other_non_elective;
    }
  }
  for (const OpRow& o : e.ops) {
    ++s_.op_rows;
    if (o.attended == '3') ++s_.op_dna;
    if (o.was_seen()) {
      if (o.is_first()) {
        ++s_.op_first_seen;
      } else {
        ++s_.op_follow_up_seen;
      }
      if (!o.hrg.empty()) ++s_.op_with_procedure;
    }
  }
  for (const AeRow& a : e.aes) {
    ++s_.ae_rows;
    const bool within = a.minutes() <= 240;
    if (a.department_type[1] == '1') {
      ++s_.ae_type1;
      s_.ae_type1_within_4h += within ? 1 : 0;
      s_.ae_type1_admitted += a.admitted() ? 1 : 0;
    } else {
      ++s_.ae_other;
      s_.ae_other_within_4h += within ? 1 : 0;
    }
  }
  s_.readmissions.eligible_discharges += e.readmissions.eligible_discharges;
  s_.readmissions.readmitted_30d += e.readmissions.readmitted_30d;
}

SynthSummary SummaryBuilder::Finish() {
  s_.ccgs = static_cast<int64_t>(ccg_provider_spells_.size());
  s_.ccg_shares.clear();
  for (const auto& [ccg, counts] : ccg_provider_spells_) {
    CcgProviderShare share;
    share.ccg = ccg;
    std::vector<std::pair<int64_t, size_t>> ranked;
    for (size_t i = 0; i < counts.size(); ++i) {
      share.spells += counts[i];
      if (counts[i] > 0) ranked.push_back({counts[i], i});
    }
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    int64_t top = 0;
    for (size_t i = 0; i < ranked.size() && i < 3; ++i) {
      top += ranked[i].first;
      share.top3.push_back(provider_codes_[ranked[i].second]);
    }
    share.top3_share = Ratio(static_cast<double>(top), static_cast<double>(share.spells));
    s_.ccg_shares.push_back(std::move(share));
  }
  return s_;
}

std::vector<SummaryCheck> SummaryChecks(const SynthSummary& s) {
  const double people = static_cast<double>(s.patients);
  const double admissions = static_cast<double>(s.apc_rows - s.regular_attender);
  const double electives = static_cast<double>(s.day_case + s.elective_ordinary);
  double winter = 0, summer = 0;
  for (int m : {9, 10, 11, 12}) winter += static_cast<double>(s.emergency_by_month[m]);  // Dec-Mar
  for (int m : {3, 4, 5, 6}) summer += static_cast<double>(s.emergency_by_month[m]);    // Jun-Sep
  double top3_min = 1.0, top3_spells = 0, top3_weighted = 0;
  for (const auto& c : s.ccg_shares) {
    top3_min = std::min(top3_min, c.top3_share);
    top3_spells += static_cast<double>(c.spells);
    top3_weighted += c.top3_share * static_cast<double>(c.spells);
  }
  std::vector<SummaryCheck> checks = {
      {"Admissions per 1,000 (excl. regular day attenders)", 1000 * Ratio(admissions, people), 230, 340,
       "~290 (230-340)", 1},
      {"Elective share of admissions %", 100 * Ratio(electives, admissions), 54, 63, "~59 (55-60)", 1},
      {"Day cases % of electives", 100 * Ratio(static_cast<double>(s.day_case), electives), 75, 85, "~80", 1},
      {"Mean LoS, ordinary admissions (days)",
       Ratio(static_cast<double>(s.ordinary_bed_days), static_cast<double>(s.ordinary_spells)), 4.0, 6.0, "~5.0", 2},
      {"Mean LoS, all admissions (days)", Ratio(static_cast<double>(s.all_bed_days), static_cast<double>(s.apc_rows)),
       1.5, 4.0, "2-3.5", 2},
      {"OP follow-ups per first attendance", Ratio(static_cast<double>(s.op_follow_up_seen),
                                                   static_cast<double>(s.op_first_seen)),
       1.8, 2.5, "~2 (1.96-2.50)", 2},
      {"OP did not attend %", 100 * Ratio(static_cast<double>(s.op_dna), static_cast<double>(s.op_rows)), 5.5, 7.5,
       "~6-7", 1},
      {"OP appointments per 1,000", 1000 * Ratio(static_cast<double>(s.op_rows), people), 1800, 2600, "~2,200", 0},
      {"A&E attendances per 1,000", 1000 * Ratio(static_cast<double>(s.ae_rows), people), 380, 500, "~440", 1},
      {"A&E Type 1 within 4 hours %",
       100 * Ratio(static_cast<double>(s.ae_type1_within_4h), static_cast<double>(s.ae_type1)), 80, 88, "80-88", 1},
      {"A&E Type 1 admitted %",
       100 * Ratio(static_cast<double>(s.ae_type1_admitted), static_cast<double>(s.ae_type1)), 24, 33, "~28", 1},
      {"A&E other types within 4 hours %",
       100 * Ratio(static_cast<double>(s.ae_other_within_4h), static_cast<double>(s.ae_other)), 95, 99.9, "95-99",
       1},
      {"30-day emergency readmissions %",
       100 * Ratio(static_cast<double>(s.readmissions.readmitted_30d),
                   static_cast<double>(s.readmissions.eligible_discharges)),
       11, 15.5, "~13 (12.5-13.8)", 1},
      {"Emergency spells ending Dec-Mar / Jun-Sep, per day",
       Ratio(winter / 121.0, summer / 122.0), 1.0, 1.15, "> 1 (real: 1.02-1.06)", 3},
      {"Share of APC at each CCG's top 3 providers % (pooled)", 100 * Ratio(top3_weighted, top3_spells), 70, 92,
       "70-90", 1},
      {"  ... lowest CCG %", 100 * (s.ccg_shares.empty() ? 0 : top3_min), 60, 95, "", 1},
  };
  return checks;
}

std::string FormatSummaryTable(const SynthSummary& s) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "Synthetic activity %s, seed %llu: %s CCGs, %s practices, %s patients\n",
                s.year.c_str(), static_cast<unsigned long long>(s.seed), WithThousands(s.ccgs).c_str(),
                WithThousands(s.practices).c_str(), WithThousands(s.patients).c_str());
  out += line;
  std::snprintf(line, sizeof line, "Rows: apc %s, op %s, ae %s (%s MB)\n\n", WithThousands(s.apc_rows).c_str(),
                WithThousands(s.op_rows).c_str(), WithThousands(s.ae_rows).c_str(),
                WithThousands(static_cast<int64_t>(s.bytes / 1000000)).c_str());
  out += line;
  std::snprintf(line, sizeof line, "  %-56s %10s  %-22s\n", "measure", "value", "target");
  out += line;
  for (const auto& c : SummaryChecks(s)) {
    std::snprintf(line, sizeof line, "  %-56s %10s  %-22s %s\n", c.name.c_str(), Fixed(c.value, c.decimals).c_str(),
                  c.target.c_str(), c.ok() ? "\u2713" : "\u2717");
    out += line;
  }
  const double spells = static_cast<double>(s.apc_rows);
  std::snprintf(line, sizeof line,
                "\n  Also: emergency admissions via A&E %.1f%%, ordinary spells beyond the HRG trim point %.1f%%,\n"
                "  in-hospital deaths %.2f%% of spells, OP attendances with a procedure HRG %.1f%%\n",
                100 * Ratio(static_cast<double>(s.emergency_via_ae), static_cast<double>(s.emergency)),
                100 * Ratio(static_cast<double>(s.over_trim), static_cast<double>(s.ordinary_spells)),
                100 * Ratio(static_cast<double>(s.died), spells),
                100 * Ratio(static_cast<double>(s.op_with_procedure),
                            static_cast<double>(s.op_first_seen + s.op_follow_up_seen)));
  out += line;
  if (!s.ccg_shares.empty() && s.ccg_shares.size() <= 12) {
    out += "\n  Top providers per CCG (share of its spells at the top 3):\n";
    for (const auto& c : s.ccg_shares) {
      std::string top;
      for (const auto& p : c.top3) top += (top.empty() ? "" : ", ") + p;
      std::snprintf(line, sizeof line, "    %-5s %5.1f%%  %s\n", c.ccg.c_str(), 100 * c.top3_share, top.c_str());
      out += line;
    }
  }
  if (s.contracts > 0) {
    std::snprintf(line, sizeof line,
                  "\n  Contracts (contracts.csv): %s contracts, %s plan lines; %lld set over plan, %lld under\n",
                  WithThousands(s.contracts).c_str(), WithThousands(s.plan_lines).c_str(),
                  static_cast<long long>(s.contracts_over_plan), static_cast<long long>(s.contracts_under_plan));
    out += line;
    const double contract_share =
        Ratio(static_cast<double>(s.contract_actual.pence()), static_cast<double>(s.priced_value.pence()));
    std::snprintf(line, sizeof line,
                  "    priced activity %s, %.1f%% under contract (non-contract activity %.1f%%);\n"
                  "    actual under contract %s against plans of %s (%+.1f%%)\n",
                  Millions(s.priced_value).c_str(), 100 * contract_share, 100 * (1 - contract_share),
                  Millions(s.contract_actual).c_str(), Millions(s.plan_value).c_str(),
                  100 * (Ratio(static_cast<double>(s.contract_actual.pence()),
                               static_cast<double>(s.plan_value.pence())) - 1));
    out += line;
  }
  if (!s.defects.empty()) {
    int64_t total = 0;
    for (const auto& [kind, n] : s.defects) total += n;
    std::snprintf(line, sizeof line, "\n  Planted defects: %lld\n", static_cast<long long>(total));
    out += line;
    for (const auto& [kind, n] : s.defects) {
      std::snprintf(line, sizeof line, "    %-32s %lld\n", kind.c_str(), static_cast<long long>(n));
      out += line;
    }
  }
  const int64_t rows = s.apc_rows + s.op_rows + s.ae_rows;
  std::snprintf(line, sizeof line, "\n  Elapsed %.1f s, %s rows/s\n", s.elapsed_seconds,
                WithThousands(static_cast<int64_t>(Ratio(static_cast<double>(rows), s.elapsed_seconds))).c_str());
  out += line;
  return out;
}

std::string FormatSummaryJson(const SynthSummary& s) {
  std::string out = "{\n";
  auto field = [&](const std::string& name, const std::string& value, bool last = false) {
    out += "  " + JsonString(name) + ": " + value + (last ? "\n" : ",\n");
  };
  field("year", JsonString(s.year));
  field("seed", std::to_string(s.seed));
  field("ccgs", std::to_string(s.ccgs));
  field("practices", std::to_string(s.practices));
  field("patients", std::to_string(s.patients));
  field("rows", "{\"apc\": " + std::to_string(s.apc_rows) + ", \"op\": " + std::to_string(s.op_rows) +
                    ", \"ae\": " + std::to_string(s.ae_rows) + "}");
  std::string checks = "[";
  for (const auto& c : SummaryChecks(s)) {
    if (checks.size() > 1) checks += ", ";
    checks += "{\"name\": " + JsonString(c.name) + ", \"value\": " + Fixed(c.value, 4) +
              ", \"low\": " + Fixed(c.low, 4) + ", \"high\": " + Fixed(c.high, 4) +
              ", \"ok\": " + (c.ok() ? "true" : "false") + "}";
  }
  field("checks", checks + "]");
  std::string shares = "[";
  for (const auto& c : s.ccg_shares) {
    if (shares.size() > 1) shares += ", ";
    std::string top;
    for (const auto& p : c.top3) top += (top.empty() ? "" : ", ") + JsonString(p);
    shares += "{\"ccg\": " + JsonString(c.ccg) + ", \"spells\": " + std::to_string(c.spells) +
              ", \"top3_share\": " + Fixed(c.top3_share, 4) + ", \"top3\": [" + top + "]}";
  }
  field("ccg_provider_shares", shares + "]");
  field("contracts", "{\"file\": \"contracts.csv\", \"contracts\": " + std::to_string(s.contracts) +
                         ", \"plan_lines\": " + std::to_string(s.plan_lines) +
                         ", \"over_plan\": " + std::to_string(s.contracts_over_plan) +
                         ", \"under_plan\": " + std::to_string(s.contracts_under_plan) +
                         ", \"priced_value\": " + s.priced_value.ToDecimal() +
                         ", \"contract_actual\": " + s.contract_actual.ToDecimal() +
                         ", \"plan_value\": " + s.plan_value.ToDecimal() + "}");
  std::string defects = "{";
  for (const auto& [kind, n] : s.defects) {
    if (defects.size() > 1) defects += ", ";
    defects += JsonString(kind) + ": " + std::to_string(n);
  }
  field("defects", defects + "}");
  field("elapsed_seconds", Fixed(s.elapsed_seconds, 3), true);
  return out + "}\n";
}

}  // namespace csu::synth
