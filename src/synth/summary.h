// What a synthetic run produced, measured on the rows as written (before
// planted defects), with the national figure each rate should resemble
// (shared/research/domain.md 2.6) so anyone can compare at a glance.
//
// SummaryBuilder is fed one practice at a time by the generator; it keeps
// counters only (memory does not grow with rows). Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/money.h"
#include "synth/events.h"

namespace csu::synth {

struct CcgProviderShare {
  std::string ccg;
  int64_t spells = 0;
  double top3_share = 0;           // share of the CCG's spells at its 3 busiest providers
  std::vector<std::string> top3;   // their codes, busiest first
};

struct SynthSummary {
  std::string year;
  uint64_t seed = 0;
  int64_t ccgs = 0, practices = 0, patients = 0;
  int64_t apc_rows = 0, op_rows = 0, ae_rows = 0;
  uint64_t bytes = 0;

  // Admitted patient care (spells discharged in the year).
  int64_t elective = 0, day_case = 0, elective_ordinary = 0, regular_attender = 0;
  int64_t emergency = 0, emergency_via_ae = 0, maternity = 0, other_non_elective = 0;
  int64_t ordinary_spells = 0, ordinary_bed_days = 0, all_bed_days = 0;
  int64_t over_trim = 0, died = 0;
  std::array<int64_t, 13> emergency_by_month{};  // by financial month of discharge
  ReadmissionCounts readmissions;

  // Outpatients.
  int64_t op_first_seen = 0, op_follow_up_seen = 0, op_dna = 0, op_with_procedure = 0;

  // A&E.
  int64_t ae_type1 = 0, ae_type1_within_4h = 0, ae_type1_admitted = 0;
  int64_t ae_other = 0, ae_other_within_4h = 0;

  std::vector<CcgProviderShare> ccg_shares;

  // contracts.csv (synth/contract_plans.h).
  int64_t contracts = 0, plan_lines = 0;
  int64_t contracts_over_plan = 0, contracts_under_plan = 0;  // set deliberately 8-12% off
  Money priced_value;     // all priced activity, non-contract activity included
  Money contract_actual;  // priced activity of commissioner x provider pairs with a contract
  Money plan_value;       // the contracts' plans for the year

  std::map<std::string, int64_t> defects;  // planted, by kind name
  double elapsed_seconds = 0;
};

// One measured rate with its target range.
struct SummaryCheck {
  std::string name;
  double value;
  double low, high;  // acceptable range
  std::string target;  // as printed, e.g. "~290 (230-340)"
  int decimals;
  bool ok() const { return value >= low && value <= high; }
};

// The rates of the targets, in print order.
std::vector<SummaryCheck> SummaryChecks(const SynthSummary& s);

// A readable table (Unicode ticks) and a JSON object of the same content.
std::string FormatSummaryTable(const SynthSummary& s);
std::string FormatSummaryJson(const SynthSummary& s);

class SummaryBuilder {
 public:
  // Providers in the rows are indices into `provider_codes`.
  explicit SummaryBuilder(const std::vector<std::string>& provider_codes) : provider_codes_(provider_codes) {}
  // Adds a practice's written rows. `ccg` names its commissioner.
  void AddPractice(const std::string& ccg, const PracticeEvents& events, FinancialYear year);
  // Fills the per-CCG provider shares and returns the summary.
  SynthSummary Finish();
  SynthSummary& summary() { return s_; }

 private:
  const std::vector<std::string>& provider_codes_;
  SynthSummary s_;
  std::map<std::string, std::vector<int64_t>> ccg_provider_spells_;
};

}  // namespace csu::synth
