#include "refdata/tariff.h"

#include <sys/stat.h>

#include "core/file.h"
#include "refdata/loaders.h"
#include "refdata/table.h"

namespace csu::refdata {
namespace {

// Inserts key -> position, failing on a duplicate key.
template <typename Map, typename Key>
Status Index(Map& index, const Key& key, size_t position, const std::string& where, const std::string& what) {
  if (!index.emplace(key, position).second) return MakeError(where, "duplicate " + what);
  return Status::Ok();
}

template <typename Map, typename Key, typename T>
const T* Find(const Map& index, const Key& key, const std::vector<T>& rows) {
  auto it = index.find(key);
  return it == index.end() ? nullptr : &rows[it->second];
}

bool FileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// "2018/19" -> "2018_19", the spelling used in file names.
std::string FileYear(FinancialYear year) {
  std::string s = year.ToString();
  s[4] = '_';
  return s;
}

// The row's tariff_year column must be the year being loaded: a file copied
// under the wrong name would otherwise price a year with another's prices.
Status CheckYear(const TableRow& row, std::string_view column, FinancialYear year) {
  std::string_view got = row.Text(column);
  if (got != year.ToString()) {
    return row.Fail(std::string(column) + ": '" + std::string(got) + "' but the file is for " + year.ToString());
  }
  return Status::Ok();
}

Status ParseApc(const std::string& name, std::string_view text, FinancialYear year, TariffYear& tariff) {
  CSU_ASSIGN_OR_RETURN(table, Table::Parse(name, text, {"tariff_year", "hrg_code", "hrg_name", "op_procedure_tariff",
                                                 "combined_dc_el_tariff", "day_case_tariff",
                                                 "ordinary_elective_tariff", "elective_trim_point_days",
                                                 "non_elective_tariff", "non_elective_trim_point_days",
                                                 "excess_bed_day_rate", "ssem_applicable", "ssem_pct",
                                                 "ssem_tariff"}));
  const bool has_bpt_name = table.HasColumn("bpt_name");
  for (const TableRow& row : table.rows()) {
    if (auto s = CheckYear(row, "tariff_year", year); !s.ok()) return s;
    ApcPrice p;
    CSU_ASSIGN_OR_RETURN(hrg, row.Hrg("hrg_code"));
    p.hrg = hrg;
    p.name = std::string(row.Text("hrg_name"));
    CSU_ASSIGN_OR_RETURN(op, row.OptionalMoney("op_procedure_tariff"));
    CSU_ASSIGN_OR_RETURN(combined, row.OptionalMoney("combined_dc_el_tariff"));
    CSU_ASSIGN_OR_RETURN(dc, row.OptionalMoney("day_case_tariff"));
    CSU_ASSIGN_OR_RETURN(el, row.OptionalMoney("ordinary_elective_tariff"));
    CSU_ASSIGN_OR_RETURN(el_trim, row.OptionalInt("elective_trim_point_days"));
    CSU_ASSIGN_OR_RETURN(nel, row.OptionalMoney("non_elective_tariff"));
    CSU_ASSIGN_OR_RETURN(nel_trim, row.OptionalInt("non_elective_trim_point_days"));
    CSU_ASSIGN_OR_RETURN(xbd, row.OptionalMoney("excess_bed_day_rate"));
    CSU_ASSIGN_OR_RETURN(ssem, row.Flag("ssem_applicable"));
    CSU_ASSIGN_OR_RETURN(ssem_ppm, row.OptionalScaled("ssem_pct", 6));
    CSU_ASSIGN_OR_RETURN(ssem_price, row.OptionalMoney("ssem_tariff"));
    p.outpatient_procedure = op;
    p.combined_day_case_elective = combined;
    p.day_case = dc;
    p.ordinary_elective = el;
    // Trim points are kept in 32 bits: anything beyond a century of days is a
    // misplaced column, and would otherwise wrap when stored.
    if ((el_trim && *el_trim > 36'500) || (nel_trim && *nel_trim > 36'500))
      return row.Fail("trim point is over 36,500 days");
    if (el_trim) p.elective_trim_days = static_cast<int32_t>(*el_trim);
    p.non_elective = nel;
    if (nel_trim) p.non_elective_trim_days = static_cast<int32_t>(*nel_trim);
    p.excess_bed_day = xbd;
    p.ssem_applicable = ssem;
    p.ssem_ppm = ssem_ppm;
    p.ssem_price = ssem_price;
    if (has_bpt_name) p.bpt_name = std::string(row.Text("bpt_name"));

    // Cross-field rules a pricing engine relies on.
    if ((el_trim && *el_trim < 0) || (nel_trim && *nel_trim < 0)) return row.Fail("trim point is negative");
    if (p.ssem_applicable && (!p.ssem_ppm || !p.ssem_price || !p.non_elective)) {
      return row.Fail("short-stay emergency adjustment applies but ssem_pct, ssem_tariff or the NEL price is missing");
    }
    if (p.ssem_ppm && (*p.ssem_ppm <= 0 || *p.ssem_ppm > kPpm)) return row.Fail("ssem_pct must be in (0, 1]");
    if ((p.non_elective && !p.non_elective_trim_days) ||
        ((p.combined_day_case_elective || p.ordinary_elective) && !p.elective_trim_days)) {
      return row.Fail("an admitted care price has no trim point");
    }
    if (auto s = tariff.AddApc(std::move(p), row.Fail("").where); !s.ok()) return s;
  }
  return Status::Ok();
}

Status ParseOp(const std::string& name, std::string_view text, FinancialYear year, TariffYear& tariff) {
  CSU_ASSIGN_OR_RETURN(table, Table::Parse(name, text, {"tariff_year", "treatment_function_code",
                                                 "treatment_function_name", "first_single_prof_WF01B",
                                                 "first_multi_prof_WF02B", "followup_single_prof_WF01A",
                                                 "followup_multi_prof_WF02A"}));
  for (const TableRow& row : table.rows()) {
    if (auto s = CheckYear(row, "tariff_year", year); !s.ok()) return s;
    OpAttendancePrice p;
    CSU_ASSIGN_OR_RETURN(tfc, row.Tfc("treatment_function_code"));
    CSU_ASSIGN_OR_RETURN(fs, row.OptionalMoney("first_single_prof_WF01B"));
    CSU_ASSIGN_OR_RETURN(fm, row.OptionalMoney("first_multi_prof_WF02B"));
    CSU_ASSIGN_OR_RETURN(us, row.OptionalMoney("followup_single_prof_WF01A"));
    CSU_ASSIGN_OR_RETURN(um, row.OptionalMoney("followup_multi_prof_WF02A"));
    p.tfc = tfc;
    p.name = std::string(row.Text("treatment_function_name"));
    p.first_single = fs;
    p.first_multi = fm;
    p.follow_up_single = us;
    p.follow_up_multi = um;
    if (auto s = tariff.AddOpAttendance(std::move(p), row.Fail("").where); !s.ok()) return s;
  }
  return Status::Ok();
}

Status ParseAe(const std::string& name, std::string_view text, FinancialYear year, TariffYear& tariff) {
  CSU_ASSIGN_OR_RETURN(table, Table::Parse(name, text, {"tariff_year", "hrg_code", "hrg_name", "type_1_2_dept_tariff",
                                                 "type_3_dept_tariff"}));
  for (const TableRow& row : table.rows()) {
    if (auto s = CheckYear(row, "tariff_year", year); !s.ok()) return s;
    CSU_ASSIGN_OR_RETURN(hrg, row.Hrg("hrg_code"));
    CSU_ASSIGN_OR_RETURN(t12, row.RequiredMoney("type_1_2_dept_tariff"));
    CSU_ASSIGN_OR_RETURN(t3, row.RequiredMoney("type_3_dept_tariff"));
    AePrice p{hrg, std::string(row.Text("hrg_name")), t12, t3};
    if (auto s = tariff.AddAe(std::move(p), row.Fail("").where); !s.ok()) return s;
  }
  return Status::Ok();
}

Status ParseUnbundled(const std::string& name, std::string_view text, FinancialYear year, TariffYear& tariff) {
  CSU_ASSIGN_OR_RETURN(table, Table::Parse(name, text, {"tariff_year", "section", "hrg_code", "hrg_name", "price_col1"}));
  for (const TableRow& row : table.rows()) {
    if (auto s = CheckYear(row, "tariff_year", year); !s.ok()) return s;
    CSU_ASSIGN_OR_RETURN(hrg, row.Hrg("hrg_code"));
    // price_col1 is the tariff including any cost of reporting; a handful
    // of rows publish no price and are left for local agreement.
    CSU_ASSIGN_OR_RETURN(price, row.OptionalMoney("price_col1"));
    if (!price) continue;
    UnbundledPrice p{hrg, std::string(row.Text("hrg_name")), std::string(row.Text("section")), *price};
    if (auto s = tariff.AddUnbundled(std::move(p), row.Fail("").where); !s.ok()) return s;
  }
  return Status::Ok();
}

Status ParseTopUps(const std::string& name, std::string_view text, TariffYear& tariff) {
  CSU_ASSIGN_OR_RETURN(table, Table::Parse(name, text, {"service_description", "pss_flag", "topup_rate_pct"}));
  for (const TableRow& row : table.rows()) {
    CSU_ASSIGN_OR_RETURN(flag, row.Required("pss_flag"));
    // The file gives percentages ("33.0000"): parts per million of the price
    // are the percentage scaled by 10^4.
    CSU_ASSIGN_OR_RETURN(pct_e4, row.Scaled("topup_rate_pct", 4));
    if (pct_e4 < 0 || pct_e4 > 1'000'000) return row.Fail("topup_rate_pct must be between 0 and 100");
    SpecialisedTopUp t{std::string(flag), std::string(row.Text("service_description")), pct_e4};
    if (auto s = tariff.AddTopUp(std::move(t), row.Fail("").where); !s.ok()) return s;
  }
  return Status::Ok();
}

Status ParseHrgNoPrice(const std::string& name, std::string_view text, TariffYear& tariff) {
  CSU_ASSIGN_OR_RETURN(hrgs, Table::Parse(name, text, {"hrg_code", "hrg_name"}));
  for (const TableRow& row : hrgs.rows()) {
    CSU_ASSIGN_OR_RETURN(hrg, row.Hrg("hrg_code"));
    tariff.AddHrgWithoutNationalPrice(hrg);
  }
  return Status::Ok();
}

Status ParseTfcNoPrice(const std::string& name, std::string_view text, TariffYear& tariff) {
  CSU_ASSIGN_OR_RETURN(tfcs, Table::Parse(name, text, {"treatment_function_code", "treatment_function_name"}));
  for (const TableRow& row : tfcs.rows()) {
    CSU_ASSIGN_OR_RETURN(tfc, row.Tfc("treatment_function_code"));
    tariff.AddTfcWithoutNationalPrice(tfc);
  }
  return Status::Ok();
}

// Sheets 8/9 (2016/17: 9/10): the admitted care service exclusions by
// treatment function.
Status ParseAdmittedExclusions(const std::string& name, std::string_view text, TariffYear& tariff) {
  CSU_ASSIGN_OR_RETURN(table, Table::Parse(name, text, {"treatment_function_code", "treatment_function_name", "service",
                                                 "workbook_sheet"}));
  for (const TableRow& row : table.rows()) {
    CSU_ASSIGN_OR_RETURN(tfc, row.Tfc("treatment_function_code"));
    if (tariff.TfcExcludedFromAdmittedCare(tfc)) return row.Fail("treatment function listed twice");
    tariff.AddTfcExcludedFromAdmittedCare(tfc);
  }
  return Status::Ok();
}

// Sheet 4a: the unbundled HRGs whose costs are rebundled ("Y" in the costs
// rebundled column).
Status ParseRebundled(const std::string& name, std::string_view text, TariffYear& tariff) {
  CSU_ASSIGN_OR_RETURN(table, Table::Parse(name, text, {"hrg_code", "costs_rebundled"}));
  for (const TableRow& row : table.rows()) {
    CSU_ASSIGN_OR_RETURN(hrg, row.Hrg("hrg_code"));
    const std::string_view flag = row.Text("costs_rebundled");
    if (flag == "Y") {
      tariff.AddRebundledHrg(hrg);
    } else if (!flag.empty()) {
      return row.Fail("costs_rebundled must be Y or empty, not \"" + std::string(flag) + "\"");
    }
  }
  return Status::Ok();
}

}  // namespace

Status ParseTariffFile(TariffFile file, const std::string& name, std::string_view text, FinancialYear year,
                       TariffYear& tariff) {
  switch (file) {
    case TariffFile::kApc: return ParseApc(name, text, year, tariff);
    case TariffFile::kOutpatient: return ParseOp(name, text, year, tariff);
    case TariffFile::kAe: return ParseAe(name, text, year, tariff);
    case TariffFile::kUnbundled: return ParseUnbundled(name, text, year, tariff);
    case TariffFile::kTopUps: return ParseTopUps(name, text, tariff);
    case TariffFile::kHrgNoPrice: return ParseHrgNoPrice(name, text, tariff);
    case TariffFile::kTfcNoPrice: return ParseTfcNoPrice(name, text, tariff);
    case TariffFile::kAdmittedExclusions: return ParseAdmittedExclusions(name, text, tariff);
    case TariffFile::kRebundled: return ParseRebundled(name, text, tariff);
  }
  return MakeError(name, "unknown tariff file");
}

namespace {

// Reads `path` and parses it as `file` (errors name the file's base name).
Status LoadTariffFile(TariffFile file, const std::string& path, FinancialYear year, TariffYear& tariff) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.error();
  const size_t slash = path.find_last_of('/');
  return ParseTariffFile(file, slash == std::string::npos ? path : path.substr(slash + 1), text.value(), year, tariff);
}

}  // namespace

Status TariffYear::AddApc(ApcPrice p, const std::string& where) {
  if (auto s = Index(apc_index_, p.hrg, apc_.size(), where, "HRG " + p.hrg.ToString()); !s.ok()) return s;
  apc_.push_back(std::move(p));
  return Status::Ok();
}

Status TariffYear::AddOpAttendance(OpAttendancePrice p, const std::string& where) {
  if (auto s = Index(op_index_, p.tfc, op_.size(), where, "treatment function " + p.tfc.ToString()); !s.ok()) {
    return s;
  }
  op_.push_back(std::move(p));
  return Status::Ok();
}

Status TariffYear::AddAe(AePrice p, const std::string& where) {
  if (auto s = Index(ae_index_, p.hrg, ae_.size(), where, "HRG " + p.hrg.ToString()); !s.ok()) return s;
  ae_.push_back(std::move(p));
  return Status::Ok();
}

Status TariffYear::AddUnbundled(UnbundledPrice p, const std::string& where) {
  if (auto s = Index(unbundled_index_, p.hrg, unbundled_.size(), where, "HRG " + p.hrg.ToString()); !s.ok()) {
    return s;
  }
  unbundled_.push_back(std::move(p));
  return Status::Ok();
}

Status TariffYear::AddTopUp(SpecialisedTopUp t, const std::string& where) {
  if (auto s = Index(top_up_index_, t.pss_flag, top_ups_.size(), where, "flag " + t.pss_flag); !s.ok()) return s;
  top_ups_.push_back(std::move(t));
  return Status::Ok();
}

const ApcPrice* TariffYear::FindApc(HrgCode hrg) const { return Find(apc_index_, hrg, apc_); }
const OpAttendancePrice* TariffYear::FindOpAttendance(TreatmentFunctionCode tfc) const {
  return Find(op_index_, tfc, op_);
}
const AePrice* TariffYear::FindAe(HrgCode hrg) const { return Find(ae_index_, hrg, ae_); }
const UnbundledPrice* TariffYear::FindUnbundled(HrgCode hrg) const {
  return Find(unbundled_index_, hrg, unbundled_);
}
const SpecialisedTopUp* TariffYear::FindTopUp(std::string_view flag) const {
  auto it = top_up_index_.find(std::string(flag));
  return it == top_up_index_.end() ? nullptr : &top_ups_[it->second];
}

Result<TariffYear> LoadTariffYear(const std::string& dir, FinancialYear year) {
  TariffYear tariff(year);
  const std::string prefix = dir + "/tariff_" + FileYear(year) + "_";
  if (auto s = LoadTariffFile(TariffFile::kApc, prefix + "apc_oproc.csv", year, tariff); !s.ok()) return s.error();
  if (auto s = LoadTariffFile(TariffFile::kOutpatient, prefix + "outpatient_attendances.csv", year, tariff); !s.ok()) return s.error();
  if (auto s = LoadTariffFile(TariffFile::kAe, prefix + "ae.csv", year, tariff); !s.ok()) return s.error();
  // The 2017/18 and 2018/19 tariffs were published together with shared
  // lists; the extracted 2016/17 workbook has no unbundled prices, top-ups or
  // no-national-price lists, so those stay empty for 2016/17.
  if (FileExists(prefix + "unbundled.csv")) {
    if (auto s = LoadTariffFile(TariffFile::kUnbundled, prefix + "unbundled.csv", year, tariff); !s.ok()) return s.error();
  }
  // Every loaded year needs its admitted care exclusions: without them
  // mental health or respite spells would be priced at acute prices.
  const std::string exclusions = dir + "/tfc_admitted_exclusions_" +
                                 (year.start_year() == 2016 ? std::string("2016_17") : std::string("2017_19")) + ".csv";
  if (year.start_year() < 2016 || year.start_year() > 2018) {
    return Error{prefix + "apc_oproc.csv", "no admitted care service exclusion list is known for " + year.ToString()};
  }
  if (auto s = LoadTariffFile(TariffFile::kAdmittedExclusions, exclusions, year, tariff); !s.ok()) return s.error();
  if (year.start_year() == 2017 || year.start_year() == 2018) {
    if (auto s = LoadTariffFile(TariffFile::kRebundled, dir + "/hrg_unbundled_list_2017_19.csv", year, tariff); !s.ok()) return s.error();
    if (auto s = LoadTariffFile(TariffFile::kTopUps, dir + "/specialised_topup_rates_2017_19.csv", year, tariff); !s.ok()) return s.error();
    if (auto s = LoadTariffFile(TariffFile::kHrgNoPrice, dir + "/hrg_no_national_price_2017_19.csv", year, tariff);
        !s.ok()) {
      return s.error();
    }
    if (auto s = LoadTariffFile(TariffFile::kTfcNoPrice, dir + "/tfc_no_national_price_2017_19.csv", year, tariff);
        !s.ok()) {
      return s.error();
    }
  }
  return tariff;
}

}  // namespace csu::refdata
