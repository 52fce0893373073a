// All national reference data, loaded and validated together from one
// directory (data/refdata by default). Loading is all-or-nothing: the first
// malformed file stops it with an Error naming file, line and reason.
// A loaded RefData is immutable and safe to read from any number of threads.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/codes.h"
#include "core/date.h"
#include "core/result.h"
#include "refdata/code_lists.h"
#include "refdata/organisations.h"
#include "refdata/tariff.h"

namespace csu::refdata {

class RefData {
 public:
  // Loads and cross-checks everything under `dir`.
  static Result<RefData> Load(const std::string& dir);

  // Tariff years available, oldest first (2016/17, 2017/18, 2018/19).
  std::vector<FinancialYear> tariff_years() const;
  // nullptr when the year has no tariff.
  const TariffYear* Tariff(FinancialYear year) const;
  // The tariff for activity on `date`, or nullptr outside the loaded years.
  const TariffYear* TariffFor(Date date) const { return Tariff(FinancialYear::Of(date)); }
  // MFF of `provider` in the tariff period containing `year`; nullptr when
  // the provider has none (it must then not be priced, never priced at 1.0).
  const Mff* FindMff(FinancialYear year, OdsCode provider) const;
  const std::vector<Mff>& Mffs(FinancialYear year) const;

  const Ccg* FindCcg(OdsCode code) const;
  const Practice* FindPractice(OdsCode code) const;
  const Trust* FindTrust(OdsCode code) const;
  const Csu* FindCsu(OdsCode code) const;
  const HrgInfo* FindHrg(HrgCode code) const;
  const TreatmentFunction* FindTreatmentFunction(TreatmentFunctionCode code) const;
  // Description of `code` in data dictionary list `list`, or nullptr.
  const CodeListEntry* FindCode(std::string_view list, std::string_view code) const;

  const std::vector<Ccg>& ccgs() const { return ccgs_; }
  const std::vector<Practice>& practices() const { return practices_; }
  const std::vector<Trust>& trusts() const { return trusts_; }
  const std::vector<Csu>& csus() const { return csus_; }
  const std::vector<HrgInfo>& hrgs() const { return hrgs_; }
  const std::vector<TreatmentFunction>& treatment_functions() const { return tfcs_; }
  const std::vector<CodeListEntry>& code_lists() const { return code_lists_; }
  const std::vector<AeMonth>& ae_history() const { return ae_history_; }
  // Cross-checks that found something odd but not wrong enough to refuse
  // the data (e.g. an MFF for a provider ODS no longer lists).
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  std::map<int32_t, TariffYear> tariffs_;           // by start year
  std::map<int32_t, std::vector<Mff>> mff_;         // by start year
  std::map<int32_t, std::unordered_map<OdsCode, size_t, ShortCodeHash>> mff_index_;
  std::vector<Ccg> ccgs_;
  std::vector<Practice> practices_;
  std::vector<Trust> trusts_;
  std::vector<Csu> csus_;
  std::vector<HrgInfo> hrgs_;
  std::vector<TreatmentFunction> tfcs_;
  std::vector<CodeListEntry> code_lists_;
  std::vector<AeMonth> ae_history_;
  std::vector<std::string> warnings_;
  std::unordered_map<OdsCode, size_t, ShortCodeHash> ccg_index_, practice_index_, trust_index_, csu_index_;
  std::unordered_map<HrgCode, size_t, ShortCodeHash> hrg_index_;
  std::unordered_map<TreatmentFunctionCode, size_t, ShortCodeHash> tfc_index_;
  std::map<std::pair<std::string, std::string>, size_t, std::less<>> code_index_;
};

// Where the reference data is: `explicit_dir` when given, else $CSU_REFDATA,
// else ./data/refdata when it exists, else the directory the binary was
// built from.
std::string DefaultRefDataDir(const std::string& explicit_dir, const std::string& built_in_dir);

}  // namespace csu::refdata
