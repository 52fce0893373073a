// Invariant checks for the contract plans file reader
// (contracts::ParseContracts, docs/formats/contracts-v1.md). Shared by
// fuzz/contracts_file_fuzz.cc and src/contracts/contracts_file_fuzz_corpus_test.cc,
// which replays fuzz/corpus/contracts_file in the default suite. Header-only,
// like fuzz_checks.h.
#pragma once

#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "contracts/contract.h"
#include "contracts/contract_file.h"
#include "fuzz_checks.h"
#include "refdata/refdata.h"

namespace csu::fuzz {

// Thousandths as a decimal: 8100 -> "8.100".
inline std::string Thousandths(int64_t w) {
  std::string frac = std::to_string(w % 1000);
  return std::to_string(w / 1000) + "." + std::string(3 - frac.size(), '0') + frac;
}

// Contracts written back as a plans file with every column, each setting on
// every line.
inline std::string ContractsText(const std::vector<contracts::Contract>& cs) {
  std::string out =
      "commissioner,provider,financial_year,pod,plan_activity,plan_value,profile,mret_baseline,mret_rate_percent,"
      "readmission_rule\n";
  for (const contracts::Contract& c : cs) {
    for (const contracts::PlanLine& l : c.lines) {
      std::string profile;
      for (size_t i = 0; i < 12; ++i) profile += (i ? ";" : "") + Thousandths(l.profile[i]);
      out += std::string(c.commissioner.view()) + "," + std::string(c.provider.view()) + "," + c.year.ToString() + "," +
             std::string(pricing::PodCode(l.pod)) + "," + std::to_string(l.activity) + "," + l.value.ToDecimal() +
             "," + profile + "," + (c.mret_baseline ? c.mret_baseline->ToDecimal() : "") + "," +
             std::to_string(c.mret_rate_percent) + "," + (c.readmission_rule ? "apply" : "off") + "\n";
    }
  }
  return out;
}

// Relative weights compared as ratios: {1,…,1} (flat) equals {2,…,2}.
inline bool SameProfile(const contracts::Profile& a, const contracts::Profile& b) {
  int64_t sa = 0, sb = 0;
  for (size_t i = 0; i < 12; ++i) sa += a[i], sb += b[i];
  for (size_t i = 0; i < 12; ++i)
    if (static_cast<Int128>(a[i]) * sb != static_cast<Int128>(b[i]) * sa) return false;
  return true;
}

inline bool SameContracts(const std::vector<contracts::Contract>& a, const std::vector<contracts::Contract>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const contracts::Contract &x = a[i], &y = b[i];
    if (x.commissioner != y.commissioner || x.provider != y.provider || x.year != y.year ||
        x.mret_baseline != y.mret_baseline || x.mret_rate_percent != y.mret_rate_percent ||
        x.readmission_rule != y.readmission_rule || x.lines.size() != y.lines.size())
      return false;
    for (size_t k = 0; k < x.lines.size(); ++k) {
      const contracts::PlanLine &p = x.lines[k], &q = y.lines[k];
      if (p.pod != q.pod || p.activity != q.activity || p.value != q.value || !SameProfile(p.profile, q.profile))
        return false;
    }
  }
  return true;
}

// What an accepted file promises about its contracts:
//  - each commissioner is a CCG and each provider a trust of `ref`;
//  - contracts in strictly increasing (commissioner, provider, year) order;
//  - each has at least one line, lines in strictly increasing POD order;
//  - activity 0..10^9, value £0..£1 trillion, MRET baseline not negative,
//    rate 0..100;
//  - profile weights 0..10^9 thousandths with a positive sum, and the twelve
//    months add up exactly to the year, in activity and in pence.
inline std::string CheckContractValues(const refdata::RefData& ref, const std::vector<contracts::Contract>& cs) {
  for (size_t i = 0; i < cs.size(); ++i) {
    const contracts::Contract& c = cs[i];
    const std::string name = std::string(c.commissioner.view()) + "/" + std::string(c.provider.view());
    if (ref.FindCcg(c.commissioner) == nullptr) return "accepted a commissioner that is not a CCG: " + name;
    if (ref.FindTrust(c.provider) == nullptr) return "accepted a provider that is not a trust: " + name;
    if (i > 0) {
      const contracts::Contract& p = cs[i - 1];
      if (std::make_tuple(p.commissioner.view(), p.provider.view(), p.year.start_year()) >=
          std::make_tuple(c.commissioner.view(), c.provider.view(), c.year.start_year()))
        return "contracts out of order or repeated at " + name;
    }
    if (c.lines.empty()) return "a contract without lines: " + name;
    if (c.mret_baseline && c.mret_baseline->pence() < 0) return "a negative MRET baseline: " + name;
    if (c.mret_rate_percent < 0 || c.mret_rate_percent > 100) return "an MRET rate outside 0..100: " + name;
    for (size_t k = 0; k < c.lines.size(); ++k) {
      const contracts::PlanLine& l = c.lines[k];
      if (k > 0 && c.lines[k - 1].pod >= l.pod) return "lines out of POD order or a POD twice: " + name;
      if (l.activity < 0 || l.activity > 1'000'000'000) return "activity out of range: " + name;
      if (l.value.pence() < 0 || l.value.pence() > 100'000'000'000'000) return "value out of range: " + name;
      int64_t sum = 0;
      for (int64_t w : l.profile) {
        if (w < 0 || w > 1'000'000'000) return "a profile weight out of range: " + name;
        sum += w;
      }
      if (sum <= 0) return "a profile whose weights sum to zero: " + name;
      int64_t activity = 0, pence = 0;
      for (int32_t m = 1; m <= 12; ++m) {
        activity += l.MonthActivity(m);
        pence += l.MonthValue(m).pence();
      }
      if (activity != l.activity || pence != l.value.pence()) return "the months do not add up to the year: " + name;
    }
  }
  return "";
}

// Reads `data` as a plans file named "plans.csv". A refused file must keep
// CheckFileError's rules; an accepted one CheckContractValues', and its
// contracts written back (ContractsText) must read back the same.
inline std::string CheckContractsFile(const refdata::RefData& ref, std::string_view data) {
  auto read = contracts::ParseContracts("plans.csv", data, ref);
  if (!read.ok()) return CheckFileError(read.error(), "plans.csv", data);
  if (read.value().empty()) return "accepted a file with no contracts";
  if (std::string broken = CheckContractValues(ref, read.value()); !broken.empty()) return broken;
  const std::string again = ContractsText(read.value());
  auto back = contracts::ParseContracts("again.csv", again, ref);
  if (!back.ok()) return "the accepted contracts, written back, are refused: " + back.error().ToString();
  if (!SameContracts(read.value(), back.value())) return "the accepted contracts, written back, read back otherwise";
  return "";
}

}  // namespace csu::fuzz
