#include "refdata/refdata.h"

#include <sys/stat.h>

#include <cstdlib>
#include <set>

#include "core/text.h"
#include "core/file.h"
#include "refdata/loaders.h"
#include "refdata/table.h"

namespace csu::refdata {
namespace {

// Builds code -> position for `rows`, failing on a duplicate code.
template <typename Row, typename Key, typename Map>
Status BuildIndex(const std::vector<Row>& rows, Key Row::*key, Map& index, const std::string& file) {
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!index.emplace(rows[i].*key, i).second) {
      return MakeError(file, "duplicate code '" + (rows[i].*key).ToString() + "'");
    }
  }
  return Status::Ok();
}

template <typename Map, typename Key, typename T>
const T* Find(const Map& index, const Key& key, const std::vector<T>& rows) {
  auto it = index.find(key);
  return it == index.end() ? nullptr : &rows[it->second];
}

// Reads `path` and hands its text to one of the Parse functions of
// loaders.h, which name the file by its base name.
template <typename Parse>
auto FromFile(const std::string& path, Parse&& parse) -> decltype(parse(std::string(), std::string_view())) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.error();
  const size_t slash = path.find_last_of('/');
  return parse(slash == std::string::npos ? path : path.substr(slash + 1), text.value());
}

}  // namespace

Result<std::vector<Mff>> ParseMff(const std::string& name, std::string_view text, std::string_view period) {
  CSU_ASSIGN_OR_RETURN(table, Table::Parse(name, text, {"tariff_years", "provider_code", "provider_name",
                                                 "mff_payment_index"}));
  std::vector<Mff> out;
  for (const TableRow& row : table.rows()) {
    if (row.Text("tariff_years") != period) {
      return row.Fail("tariff_years: '" + std::string(row.Text("tariff_years")) + "', expected '" +
                      std::string(period) + "'");
    }
    CSU_ASSIGN_OR_RETURN(code, row.Ods("provider_code"));
    CSU_ASSIGN_OR_RETURN(index, row.Scaled("mff_payment_index", 6));
    // Published indices run 1.000 to 1.298; anything far outside is a
    // misplaced column or a percentage, not a factor.
    if (index < 800'000 || index > 2'000'000) {
      return row.Fail("mff_payment_index: " + std::string(row.Text("mff_payment_index")) +
                      " is outside the plausible range 0.8-2.0");
    }
    out.push_back(Mff{code, std::string(row.Text("provider_name")), index});
  }
  return out;
}

Result<std::vector<Ccg>> ParseCcgs(const std::string& name, std::string_view text) {
  CSU_ASSIGN_OR_RETURN(table, Table::Parse(name, text, {"ods_code", "name_ccg_2021_buyingcatalogue", "name_ods_2025",
                                                 "national_grouping", "high_level_health_geography", "postcode",
                                                 "open_date", "close_date", "registered_patients_jan2021",
                                                 "gp_practices_jan2021"}));
  std::vector<Ccg> out;
  for (const TableRow& row : table.rows()) {
    Ccg c;
    CSU_ASSIGN_OR_RETURN(code, row.Ods("ods_code"));
    CSU_ASSIGN_OR_RETURN(open, row.OdsDate("open_date"));
    CSU_ASSIGN_OR_RETURN(close, row.OdsDate("close_date"));
    CSU_ASSIGN_OR_RETURN(patients, row.OptionalInt("registered_patients_jan2021"));
    CSU_ASSIGN_OR_RETURN(practices, row.OptionalInt("gp_practices_jan2021"));
    c.code = code;
    // The 2021 CCG name is what commissioners know; today's ODS name is the
    // sub-ICB location ("NHS ... ICB - 27D").
    c.name = std::string(row.Text("name_ccg_2021_buyingcatalogue"));
    if (c.name.empty()) c.name = std::string(row.Text("name_ods_2025"));
    if (c.name.empty()) return row.Fail("no name");
    c.national_grouping = std::string(row.Text("national_grouping"));
    c.health_geography = std::string(row.Text("high_level_health_geography"));
    c.postcode = std::string(row.Text("postcode"));
    c.open_date = open;
    c.close_date = close;
    if (patients && *patients < 0) return row.Fail("registered_patients_jan2021 is negative");
    // Kept in 32 bits: a count outside 0..1,000,000 is a misplaced column, and
    // would otherwise wrap (fuzz/refdata_file_checks.h).
    if (practices && (*practices < 0 || *practices > 1'000'000))
      return row.Fail("gp_practices_jan2021: " + std::to_string(*practices) + " is not a count of practices (0 to 1,000,000)");
    c.registered_patients = patients;
    c.practices = static_cast<int32_t>(practices.value_or(0));
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<Practice>> ParsePractices(const std::string& name, std::string_view text) {
  CSU_ASSIGN_OR_RETURN(table, Table::Parse(name, text, {"CCG_CODE", "CODE", "POSTCODE", "SEX", "AGE",
                                                 "NUMBER_OF_PATIENTS"}));
  std::vector<Practice> out;
  for (const TableRow& row : table.rows()) {
    // The file can carry breakdowns by sex and age; only the totals are used.
    if (row.Text("SEX") != "ALL" || row.Text("AGE") != "ALL") continue;
    CSU_ASSIGN_OR_RETURN(code, row.Ods("CODE"));
    CSU_ASSIGN_OR_RETURN(ccg, row.Ods("CCG_CODE"));
    CSU_ASSIGN_OR_RETURN(patients, row.Int("NUMBER_OF_PATIENTS"));
    if (patients < 0) return row.Fail("NUMBER_OF_PATIENTS is negative");
    out.push_back(Practice{code, ccg, std::string(row.Text("POSTCODE")), patients, ""});
  }
  return out;
}

// Practice names (ODS "epraccur", a mechanical extraction: code, name, open
// and close dates of the practices in the GP list; data/refdata/README.md).
Result<std::vector<std::pair<OdsCode, std::string>>> ParsePracticeNames(const std::string& name,
                                                                      std::string_view text) {
  CSU_ASSIGN_OR_RETURN(table, Table::Parse(name, text, {"code", "name", "open_date", "close_date"}));
  std::vector<std::pair<OdsCode, std::string>> out;
  for (const TableRow& row : table.rows()) {
    CSU_ASSIGN_OR_RETURN(code, row.Ods("code"));
    CSU_ASSIGN_OR_RETURN(practice, row.Required("name"));
    out.emplace_back(code, std::string(practice));
  }
  return out;
}

// The ODS "etr" file has no header; these name its 27 columns (layout in
// data/refdata/README.md).
static const std::vector<std::string>& OdsColumns() {
  static const std::vector<std::string> kColumns = {
      "code",    "name",       "national_grouping", "health_geography", "address1", "address2", "address3",
      "address4", "address5",  "postcode",          "open_date",        "close_date", "c13",    "role",
      "c15",     "c16",        "c17",               "telephone",        "c19",      "c20",      "c21",
      "amended", "c23",        "gor",               "c25",              "c26",      "c27"};
  return kColumns;
}

Result<std::vector<Trust>> ParseTrusts(const std::string& name, std::string_view text) {
  CSU_ASSIGN_OR_RETURN(table, Table::Parse(name, text, {}, OdsColumns()));
  std::vector<Trust> out;
  for (const TableRow& row : table.rows()) {
    Trust t;
    CSU_ASSIGN_OR_RETURN(code, row.Ods("code"));
    CSU_ASSIGN_OR_RETURN(name, row.Required("name"));
    CSU_ASSIGN_OR_RETURN(open, row.OdsDate("open_date"));
    CSU_ASSIGN_OR_RETURN(close, row.OdsDate("close_date"));
    t.code = code;
    t.name = std::string(name);
    t.national_grouping = std::string(row.Text("national_grouping"));
    t.health_geography = std::string(row.Text("health_geography"));
    t.postcode = std::string(row.Text("postcode"));
    t.open_date = open;
    t.close_date = close;
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::vector<Csu>> ParseCsus(const std::string& name, std::string_view text) {
  CSU_ASSIGN_OR_RETURN(table, Table::Parse(name, text, {"ods_code", "name", "town", "postcode"}));
  std::vector<Csu> out;
  for (const TableRow& row : table.rows()) {
    CSU_ASSIGN_OR_RETURN(code, row.Ods("ods_code"));
    CSU_ASSIGN_OR_RETURN(name, row.Required("name"));
    out.push_back(Csu{code, std::string(name), std::string(row.Text("town")), std::string(row.Text("postcode"))});
  }
  return out;
}

Result<std::vector<HrgInfo>> ParseHrgs(const std::string& name, std::string_view text) {
  CSU_ASSIGN_OR_RETURN(table, Table::Parse(name, text,
                                          {"hrg_code", "hrg_name", "subchapter", "subchapter_name", "chapter",
                                           "chapter_name"}));
  std::vector<HrgInfo> out;
  for (const TableRow& row : table.rows()) {
    CSU_ASSIGN_OR_RETURN(code, row.Hrg("hrg_code"));
    CSU_ASSIGN_OR_RETURN(name, row.Required("hrg_name"));
    HrgInfo h{code,
              std::string(name),
              std::string(row.Text("subchapter")),
              std::string(row.Text("subchapter_name")),
              std::string(row.Text("chapter")),
              std::string(row.Text("chapter_name"))};
    if (h.subchapter != code.subchapter() || h.chapter != code.chapter()) {
      return row.Fail("subchapter/chapter do not match the HRG code");
    }
    out.push_back(std::move(h));
  }
  return out;
}

Result<std::vector<TreatmentFunction>> ParseTfcs(const std::string& name, std::string_view text) {
  CSU_ASSIGN_OR_RETURN(table, Table::Parse(name, text, {"Code", "Service"}));
  std::vector<TreatmentFunction> out;
  for (const TableRow& row : table.rows()) {
    CSU_ASSIGN_OR_RETURN(code, row.Tfc("Code"));
    CSU_ASSIGN_OR_RETURN(name, row.Required("Service"));
    out.push_back(TreatmentFunction{code, std::string(name)});
  }
  return out;
}

Result<std::vector<CodeListEntry>> ParseCodeLists(const std::string& name, std::string_view text) {
  CSU_ASSIGN_OR_RETURN(table, Table::Parse(name, text, {"code_list", "code", "description"}));
  std::vector<CodeListEntry> out;
  for (const TableRow& row : table.rows()) {
    CSU_ASSIGN_OR_RETURN(list, row.Required("code_list"));
    CSU_ASSIGN_OR_RETURN(code, row.Required("code"));
    out.push_back(CodeListEntry{std::string(list), std::string(code), std::string(row.Text("description"))});
  }
  return out;
}

Result<std::vector<AeMonth>> ParseAeHistory(const std::string& name, std::string_view text) {
  CSU_ASSIGN_OR_RETURN(table, Table::Parse(name, text, {"period", "org_code", "type", "attendances", "breaches",
                                                 "admissions"}));
  std::vector<AeMonth> out;
  for (const TableRow& row : table.rows()) {
    auto month = Date::Parse(row.Text("period"));
    if (!month.ok() || month.value().day() != 1) return row.Fail("period: not the first day of a month");
    CSU_ASSIGN_OR_RETURN(org, row.Ods("org_code"));
    std::string type(row.Text("type"));
    if (type != "1" && type != "2" && type != "other") return row.Fail("type: must be 1, 2 or other");
    CSU_ASSIGN_OR_RETURN(att, row.Int("attendances"));
    CSU_ASSIGN_OR_RETURN(breaches, row.Int("breaches"));
    CSU_ASSIGN_OR_RETURN(adm, row.Int("admissions"));
    if (att < 0 || breaches < 0 || adm < 0) return row.Fail("counts must not be negative");
    if (breaches > att) return row.Fail("more four-hour breaches than attendances");
    out.push_back(AeMonth{month.value(), org, type, att, breaches, adm});
  }
  return out;
}

Result<RefData> RefData::Load(const std::string& dir) {
  RefData r;
  for (int32_t start : {2016, 2017, 2018}) {
    CSU_ASSIGN_OR_RETURN(tariff, LoadTariffYear(dir, FinancialYear(start)));
    r.tariffs_.emplace(start, std::move(tariff));
  }
  {
    CSU_ASSIGN_OR_RETURN(mff1617, FromFile(dir + "/mff_2016_17.csv", [](const std::string& n, std::string_view t) { return ParseMff(n, t, "2016/17"); }));
    CSU_ASSIGN_OR_RETURN(mff1719, FromFile(dir + "/mff_2017_19.csv", [](const std::string& n, std::string_view t) { return ParseMff(n, t, "2017/18-2018/19"); }));
    r.mff_[2016] = std::move(mff1617);
    r.mff_[2017] = mff1719;
    r.mff_[2018] = std::move(mff1719);
    for (auto& [year, rows] : r.mff_) {
      std::string file = year == 2016 ? "mff_2016_17.csv" : "mff_2017_19.csv";
      if (auto s = BuildIndex(rows, &Mff::provider, r.mff_index_[year], file); !s.ok()) return s.error();
    }
  }
  {
    CSU_ASSIGN_OR_RETURN(ccgs, FromFile(dir + "/ccg_subicb_reference.csv", ParseCcgs));
    r.ccgs_ = std::move(ccgs);
    if (auto s = BuildIndex(r.ccgs_, &Ccg::code, r.ccg_index_, "ccg_subicb_reference.csv"); !s.ok()) return s.error();
  }
  {
    CSU_ASSIGN_OR_RETURN(practices, FromFile(dir + "/gp-reg-pat-prac-all_2021-01.csv", ParsePractices));
    r.practices_ = std::move(practices);
    const std::string file = "gp-reg-pat-prac-all_2021-01.csv";
    if (auto s = BuildIndex(r.practices_, &Practice::code, r.practice_index_, file); !s.ok()) return s.error();
  }
  {
    const std::string file = "epraccur_names_2019-12.csv";
    CSU_ASSIGN_OR_RETURN(names, FromFile(dir + "/" + file, ParsePracticeNames));
    for (const auto& [code, name] : names) {
      const auto it = r.practice_index_.find(code);
      if (it == r.practice_index_.end())
        return MakeError(file, "practice " + code.ToString() + " is not in the GP list (gp-reg-pat-prac-all_2021-01.csv)");
      r.practices_[it->second].name = name;
    }
  }
  {
    CSU_ASSIGN_OR_RETURN(trusts, FromFile(dir + "/etr_ods_2025-12.csv", ParseTrusts));
    r.trusts_ = std::move(trusts);
    if (auto s = BuildIndex(r.trusts_, &Trust::code, r.trust_index_, "etr_ods_2025-12.csv"); !s.ok()) return s.error();
  }
  {
    CSU_ASSIGN_OR_RETURN(csus, FromFile(dir + "/csu_list_ods.csv", ParseCsus));
    r.csus_ = std::move(csus);
    if (auto s = BuildIndex(r.csus_, &Csu::code, r.csu_index_, "csu_list_ods.csv"); !s.ok()) return s.error();
  }
  {
    CSU_ASSIGN_OR_RETURN(hrgs, FromFile(dir + "/hrg4plus_codes_2017_19.csv", ParseHrgs));
    r.hrgs_ = std::move(hrgs);
    if (auto s = BuildIndex(r.hrgs_, &HrgInfo::code, r.hrg_index_, "hrg4plus_codes_2017_19.csv"); !s.ok()) {
      return s.error();
    }
    // 2016/17 priced HRG4 codes, some of which HRG4+ retired: name them from
    // that year's tariff so every priced code has a name.
    for (const ApcPrice& p : r.tariffs_.at(2016).apc()) {
      if (r.hrg_index_.count(p.hrg)) continue;
      r.hrg_index_.emplace(p.hrg, r.hrgs_.size());
      r.hrgs_.push_back(HrgInfo{p.hrg, p.name, std::string(p.hrg.subchapter()), "", std::string(p.hrg.chapter()), ""});
    }
  }
  {
    CSU_ASSIGN_OR_RETURN(tfcs, FromFile(dir + "/treatment_function_codes_nhsdd.csv", ParseTfcs));
    r.tfcs_ = std::move(tfcs);
    const std::string file = "treatment_function_codes_nhsdd.csv";
    if (auto s = BuildIndex(r.tfcs_, &TreatmentFunction::code, r.tfc_index_, file); !s.ok()) return s.error();
  }
  {
    CSU_ASSIGN_OR_RETURN(lists, FromFile(dir + "/nhs_dd_code_lists_compiled.csv", ParseCodeLists));
    r.code_lists_ = std::move(lists);
    for (size_t i = 0; i < r.code_lists_.size(); ++i) {
      const auto& e = r.code_lists_[i];
      if (!r.code_index_.emplace(std::make_pair(e.list, e.code), i).second) {
        return MakeError("nhs_dd_code_lists_compiled.csv", "duplicate code " + e.code + " in list " + e.list);
      }
    }
  }
  {
    CSU_ASSIGN_OR_RETURN(ae, FromFile(dir + "/ae_attendances_2016_2019_nhsrdatasets.csv", ParseAeHistory));
    r.ae_history_ = std::move(ae);
  }

  // Cross-checks between files. Contradictions that would misprice or
  // misattribute activity are errors; gaps that real publications have are
  // warnings.
  std::unordered_map<OdsCode, int64_t, ShortCodeHash> list_by_ccg;
  for (const Practice& p : r.practices_) {
    if (!r.FindCcg(p.ccg)) {
      return MakeError("gp-reg-pat-prac-all_2021-01.csv", "practice " + p.code.ToString() + " names unknown CCG " +
                                                              p.ccg.ToString());
    }
    list_by_ccg[p.ccg] += p.registered_patients;
  }
  for (const Ccg& c : r.ccgs_) {
    auto it = list_by_ccg.find(c.code);
    int64_t from_practices = it == list_by_ccg.end() ? 0 : it->second;
    if (c.registered_patients && *c.registered_patients != from_practices) {
      return MakeError("ccg_subicb_reference.csv",
                       "CCG " + c.code.ToString() + " states " + WithThousands(*c.registered_patients) +
                           " registered patients but its practices list " + WithThousands(from_practices));
    }
  }
  std::set<std::string> mff_not_trusts;
  for (const auto& [year, rows] : r.mff_) {
    for (const Mff& m : rows) {
      if (!r.FindTrust(m.provider)) mff_not_trusts.insert(m.provider.ToString() + " (" + m.provider_name + ")");
    }
  }
  for (const std::string& p : mff_not_trusts) {
    r.warnings_.push_back("MFF provider " + p + " is not in the ODS trust list (merged or renamed since)");
  }
  for (const auto& [year, tariff] : r.tariffs_) {
    for (const ApcPrice& p : tariff.apc()) {
      if (tariff.HrgHasNoNationalPrice(p.hrg)) {
        return MakeError("tariff_" + FinancialYear(year).ToString(),
                         "HRG " + p.hrg.ToString() + " has a price and is also listed as having no national price");
      }
    }
  }
  return r;
}

std::vector<FinancialYear> RefData::tariff_years() const {
  std::vector<FinancialYear> out;
  for (const auto& [year, tariff] : tariffs_) out.push_back(FinancialYear(year));
  return out;
}

const TariffYear* RefData::Tariff(FinancialYear year) const {
  auto it = tariffs_.find(year.start_year());
  return it == tariffs_.end() ? nullptr : &it->second;
}

const Mff* RefData::FindMff(FinancialYear year, OdsCode provider) const {
  auto idx = mff_index_.find(year.start_year());
  if (idx == mff_index_.end()) return nullptr;
  return Find(idx->second, provider, mff_.at(year.start_year()));
}

const std::vector<Mff>& RefData::Mffs(FinancialYear year) const {
  static const std::vector<Mff> kNone;
  auto it = mff_.find(year.start_year());
  return it == mff_.end() ? kNone : it->second;
}

const Ccg* RefData::FindCcg(OdsCode code) const { return Find(ccg_index_, code, ccgs_); }
const Practice* RefData::FindPractice(OdsCode code) const { return Find(practice_index_, code, practices_); }
const Trust* RefData::FindTrust(OdsCode code) const { return Find(trust_index_, code, trusts_); }
const Csu* RefData::FindCsu(OdsCode code) const { return Find(csu_index_, code, csus_); }
const HrgInfo* RefData::FindHrg(HrgCode code) const { return Find(hrg_index_, code, hrgs_); }
const TreatmentFunction* RefData::FindTreatmentFunction(TreatmentFunctionCode code) const {
  return Find(tfc_index_, code, tfcs_);
}
const CodeListEntry* RefData::FindCode(std::string_view list, std::string_view code) const {
  auto it = code_index_.find(std::make_pair(std::string(list), std::string(code)));
  return it == code_index_.end() ? nullptr : &code_lists_[it->second];
}

std::string DefaultRefDataDir(const std::string& explicit_dir, const std::string& built_in_dir) {
  if (!explicit_dir.empty()) return explicit_dir;
  if (const char* env = std::getenv("CSU_REFDATA"); env != nullptr && *env != '\0') return env;
  struct stat st {};
  if (::stat("data/refdata/tariff_2018_19_apc_oproc.csv", &st) == 0) return "data/refdata";
  return built_in_dir;
}

}  // namespace csu::refdata
