#include "contracts/contract_file.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "core/file.h"
#include "core/text.h"
#include "refdata/refdata.h"
#include "refdata/table.h"

namespace csu::contracts {
namespace {

const std::vector<std::string> kRequired = {"commissioner", "provider", "financial_year", "pod", "plan_activity",
                                            "plan_value"};
const std::vector<std::string> kOptional = {"profile", "mret_baseline", "mret_rate_percent", "readmission_rule"};

Result<Profile> ParseProfile(const refdata::TableRow& row) {
  std::string_view text = row.Text("profile");
  if (text.empty() || text == "flat") return kFlatProfile;
  std::vector<std::string_view> parts = Split(text, ';');
  if (parts.size() != 12)
    return row.Fail("profile: expected \"flat\" or 12 ';'-separated weights for April..March, found " +
                    std::to_string(parts.size()) + " values");
  Profile p{};
  int64_t sum = 0;
  for (size_t i = 0; i < 12; ++i) {
    std::optional<int64_t> w = ParseScaled(Trim(parts[i]), 3);
    if (!w || *w < 0)
      return row.Fail("profile: weight " + std::to_string(i + 1) + " \"" + std::string(parts[i]) +
                      "\" is not a non-negative number with at most 3 decimal places");
    if (*w > 1'000'000'000) return row.Fail("profile: weight " + std::to_string(i + 1) + " is too large");
    p[i] = *w;
    sum += *w;
  }
  if (sum == 0) return row.Fail("profile: every weight is zero");
  return p;
}

// Contract-level settings as given on one line (nullopt = not given).
struct ContractSettings {
  std::optional<Money> mret_baseline;
  std::optional<int32_t> mret_rate_percent;
  std::optional<bool> readmission_rule;
};

Result<ContractSettings> ParseSettings(const refdata::TableRow& row, bool has_column[3]) {
  ContractSettings s;
  if (has_column[0]) {
    CSU_ASSIGN_OR_RETURN(baseline, row.OptionalMoney("mret_baseline"));
    s.mret_baseline = baseline;
  }
  if (has_column[1] && !row.Text("mret_rate_percent").empty()) {
    std::optional<int64_t> rate = ParseInt(row.Text("mret_rate_percent"));
    if (!rate || *rate < 0 || *rate > 100)
      return row.Fail("mret_rate_percent: \"" + std::string(row.Text("mret_rate_percent")) +
                      "\" is not a whole percentage from 0 to 100");
    s.mret_rate_percent = static_cast<int32_t>(*rate);
  }
  if (has_column[2] && !row.Text("readmission_rule").empty()) {
    std::string_view r = row.Text("readmission_rule");
    if (r == "apply") s.readmission_rule = true;
    else if (r == "off") s.readmission_rule = false;
    else return row.Fail("readmission_rule: \"" + std::string(r) + "\" is not \"apply\" or \"off\"");
  }
  return s;
}

// Merges one line's settings into the contract's; a value given twice must agree.
template <typename T>
Status Agree(std::optional<T>& have, const std::optional<T>& line_value, const refdata::TableRow& row,
             const char* column) {
  if (!line_value) return Status::Ok();
  if (have && *have != *line_value)
    return row.Fail(std::string(column) + ": differs from the value given on an earlier line of the same contract");
  have = line_value;
  return Status::Ok();
}

}  // namespace

Result<std::vector<Contract>> ReadContractsFile(const std::string& path, const refdata::RefData& ref) {
  CSU_ASSIGN_OR_RETURN(text, ReadFile(path));
  const size_t slash = path.find_last_of('/');
  return ParseContracts(slash == std::string::npos ? path : path.substr(slash + 1), text, ref);
}

Result<std::vector<Contract>> ParseContracts(const std::string& name, std::string_view text,
                                             const refdata::RefData& ref) {
  CSU_ASSIGN_OR_RETURN(table, refdata::Table::Parse(name, text, kRequired));
  for (const std::string& c : table.columns()) {
    if (std::find(kRequired.begin(), kRequired.end(), c) == kRequired.end() &&
        std::find(kOptional.begin(), kOptional.end(), c) == kOptional.end())
      return MakeError(table.name() + ":1", "unknown column \"" + c + "\" (docs/formats/contracts-v1.md lists the columns)");
  }
  bool has_setting[3] = {table.HasColumn("mret_baseline"), table.HasColumn("mret_rate_percent"),
                         table.HasColumn("readmission_rule")};

  using Key = std::tuple<std::string, std::string, int32_t>;
  std::map<Key, Contract> contracts;
  std::map<Key, ContractSettings> settings;
  for (const refdata::TableRow& row : table.rows()) {
    CSU_ASSIGN_OR_RETURN(commissioner, row.Ods("commissioner"));
    if (!ref.FindCcg(commissioner))
      return row.Fail("commissioner: " + std::string(commissioner.view()) + " is not a CCG in the reference data");
    CSU_ASSIGN_OR_RETURN(provider, row.Ods("provider"));
    if (!ref.FindTrust(provider))
      return row.Fail("provider: " + std::string(provider.view()) + " is not an NHS trust in the reference data");
    CSU_ASSIGN_OR_RETURN(year_text, row.Required("financial_year"));
    Result<FinancialYear> year = FinancialYear::Parse(year_text);
    if (!year.ok()) return row.Fail("financial_year: " + year.error().why);
    CSU_ASSIGN_OR_RETURN(pod_text, row.Required("pod"));
    std::optional<pricing::Pod> pod = ParsePod(pod_text);
    if (!pod)
      return row.Fail("pod: \"" + std::string(pod_text) + "\" is not one of DC EL NEL NELST NELNE OPFA OPFUP OPPROC AE");
    std::optional<int64_t> activity = ParseInt(row.Text("plan_activity"));
    if (!activity || *activity < 0 || *activity > 1'000'000'000)
      return row.Fail("plan_activity: \"" + std::string(row.Text("plan_activity")) +
                      "\" is not a whole number of spells or attendances (0 or more)");
    CSU_ASSIGN_OR_RETURN(value, row.RequiredMoney("plan_value"));
    if (value.pence() > 1'000'000'000'000'00) return row.Fail("plan_value: larger than £1 trillion");
    CSU_ASSIGN_OR_RETURN(profile, ParseProfile(row));
    CSU_ASSIGN_OR_RETURN(line_settings, ParseSettings(row, has_setting));

    Key key{std::string(commissioner.view()), std::string(provider.view()), year.value().start_year()};
    Contract& c = contracts[key];
    c.commissioner = commissioner;
    c.provider = provider;
    c.year = year.value();
    if (c.Find(*pod))
      return row.Fail("pod: " + std::string(pod_text) + " appears twice for " + std::get<0>(key) + " × " +
                      std::get<1>(key) + " " + year.value().ToString());
    c.lines.push_back(PlanLine{*pod, *activity, value, profile});
    ContractSettings& s = settings[key];
    if (Status st = Agree(s.mret_baseline, line_settings.mret_baseline, row, "mret_baseline"); !st.ok()) return st.error();
    if (Status st = Agree(s.mret_rate_percent, line_settings.mret_rate_percent, row, "mret_rate_percent"); !st.ok())
      return st.error();
    if (Status st = Agree(s.readmission_rule, line_settings.readmission_rule, row, "readmission_rule"); !st.ok())
      return st.error();
  }

  std::vector<Contract> out;
  for (auto& [key, c] : contracts) {
    const ContractSettings& s = settings[key];
    c.mret_baseline = s.mret_baseline;
    if (s.mret_rate_percent) c.mret_rate_percent = *s.mret_rate_percent;
    if (s.readmission_rule) c.readmission_rule = *s.readmission_rule;
    std::sort(c.lines.begin(), c.lines.end(), [](const PlanLine& a, const PlanLine& b) { return a.pod < b.pod; });
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace csu::contracts
