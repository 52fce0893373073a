// Invariant checks for the reference data loaders (refdata/loaders.h): one
// input is read as one kind of reference file, chosen by its first byte.
// Shared by fuzz/refdata_file_fuzz.cc and src/refdata/refdata_fuzz_corpus_test.cc,
// which replays fuzz/corpus/refdata_file in the default suite.
#pragma once

#include <string>
#include <string_view>

#include "fuzz_checks.h"
#include "refdata/loaders.h"

namespace csu::fuzz {

// The kinds of reference file, in the order the first byte picks them.
inline constexpr const char* kRefDataFiles[] = {
    "mff_2016_17.csv",
    "mff_2017_19.csv",
    "ccg_subicb_reference.csv",
    "gp-reg-pat-prac-all_2021-01.csv",
    "etr_ods_2025-12.csv",
    "csu_list_ods.csv",
    "hrg4plus_codes_2017_19.csv",
    "treatment_function_codes_nhsdd.csv",
    "nhs_dd_code_lists_compiled.csv",
    "ae_attendances_2016_2019_nhsrdatasets.csv",
    "tariff_2018_19_apc_oproc.csv",
    "tariff_2018_19_outpatient_attendances.csv",
    "tariff_2018_19_ae.csv",
    "tariff_2018_19_unbundled.csv",
    "specialised_topup_rates_2017_19.csv",
    "hrg_no_national_price_2017_19.csv",
    "tfc_no_national_price_2017_19.csv",
    "tfc_admitted_exclusions_2017_19.csv",
    "hrg_unbundled_list_2017_19.csv",
};
inline constexpr size_t kRefDataFileKinds = sizeof(kRefDataFiles) / sizeof(kRefDataFiles[0]);

// The rules one accepted row keeps, apart from the loaders so a test can
// show each rejects a wrong row.
inline std::string CheckMffRow(const refdata::Mff& m) {
  if (m.index_ppm < 800'000 || m.index_ppm > 2'000'000) return "kept an MFF outside 0.8-2.0";
  return "";
}
inline std::string CheckCcgRow(const refdata::Ccg& c) {
  if (c.name.empty()) return "kept a CCG without a name";
  if (c.registered_patients && *c.registered_patients < 0) return "kept a negative CCG list size";
  if (c.practices < 0 || c.practices > 1'000'000) return "kept a count of practices outside 0..1,000,000";
  return "";
}
inline std::string CheckAeMonthRow(const refdata::AeMonth& a) {
  if (a.month.day() != 1) return "kept an A&E month not on the 1st";
  if (a.type != "1" && a.type != "2" && a.type != "other") return "kept an unknown A&E type";
  if (a.attendances < 0 || a.breaches < 0 || a.admissions < 0) return "kept a negative A&E count";
  if (a.breaches > a.attendances) return "kept more breaches than attendances";
  return "";
}
inline std::string CheckApcPrice(const refdata::ApcPrice& p) {
  for (const auto& m : {p.outpatient_procedure, p.combined_day_case_elective, p.day_case, p.ordinary_elective,
                        p.non_elective, p.excess_bed_day, p.ssem_price})
    if (m && m->pence() < 0) return "kept a negative APC price";
  if ((p.elective_trim_days && *p.elective_trim_days < 0) || (p.non_elective_trim_days && *p.non_elective_trim_days < 0))
    return "kept a negative trim point";
  if ((p.elective_trim_days && *p.elective_trim_days > 36'500) ||
      (p.non_elective_trim_days && *p.non_elective_trim_days > 36'500))
    return "kept a trim point over 36,500 days";
  if (p.ssem_ppm && (*p.ssem_ppm <= 0 || *p.ssem_ppm > refdata::kPpm)) return "kept an SSEM share outside (0, 1]";
  if (p.ssem_applicable && (!p.ssem_ppm || !p.ssem_price || !p.non_elective)) return "kept an SSEM without its prices";
  if (p.non_elective && !p.non_elective_trim_days) return "kept an NEL price without a trim point";
  return "";
}

// Reads the rest of `data` as the reference file its first byte picks (value
// mod kRefDataFileKinds). A refusal must keep CheckFileError's rules; the
// rows of an accepted file the rules above, and no more rows than the text
// has lines; a tariff file's rows must each be found by their code.
inline std::string CheckRefDataFile(std::string_view data) {
  if (data.empty()) return "";
  const size_t kind = static_cast<unsigned char>(data[0]) % kRefDataFileKinds;
  data.remove_prefix(1);
  const std::string name = kRefDataFiles[kind];
  size_t lines = 1;
  for (char c : data) lines += c == '\n';
  auto rows = [&](const auto& result, auto check) -> std::string {
    if (!result.ok()) return CheckFileError(result.error(), name, data);
    if (result.value().size() > lines) return "kept more rows than the file has lines";
    for (const auto& row : result.value())
      if (std::string b = check(row); !b.empty()) return b;
    return "";
  };
  switch (kind) {
    case 0: return rows(refdata::ParseMff(name, data, "2016/17"), CheckMffRow);
    case 1: return rows(refdata::ParseMff(name, data, "2017/18-2018/19"), CheckMffRow);
    case 2: return rows(refdata::ParseCcgs(name, data), CheckCcgRow);
    case 3:
      return rows(refdata::ParsePractices(name, data), [](const refdata::Practice& p) {
        return p.registered_patients < 0 ? std::string("kept a negative practice list size") : std::string();
      });
    case 4:
      return rows(refdata::ParseTrusts(name, data), [](const refdata::Trust& t) {
        return t.name.empty() ? std::string("kept a trust without a name") : std::string();
      });
    case 5:
      return rows(refdata::ParseCsus(name, data), [](const refdata::Csu& c) {
        return c.name.empty() ? std::string("kept a CSU without a name") : std::string();
      });
    case 6:
      return rows(refdata::ParseHrgs(name, data), [](const refdata::HrgInfo& h) {
        if (h.name.empty()) return std::string("kept an HRG without a name");
        if (h.subchapter != h.code.subchapter() || h.chapter != h.code.chapter())
          return std::string("kept an HRG whose chapter is not its code's");
        return std::string();
      });
    case 7:
      return rows(refdata::ParseTfcs(name, data), [](const refdata::TreatmentFunction& t) {
        return t.name.empty() ? std::string("kept a treatment function without a name") : std::string();
      });
    case 8:
      return rows(refdata::ParseCodeLists(name, data), [](const refdata::CodeListEntry& e) {
        return e.list.empty() || e.code.empty() ? std::string("kept a code list entry without a list or code")
                                                : std::string();
      });
    case 9: return rows(refdata::ParseAeHistory(name, data), CheckAeMonthRow);
    default: break;
  }
  const auto file = static_cast<refdata::TariffFile>(kind - 10);
  refdata::TariffYear tariff(FinancialYear(2018));
  Status s = refdata::ParseTariffFile(file, name, data, FinancialYear(2018), tariff);
  if (!s.ok()) return CheckFileError(s.error(), name, data);
  const size_t kept = tariff.apc().size() + tariff.op_attendances().size() + tariff.ae().size() +
                      tariff.unbundled().size() + tariff.top_ups().size() + tariff.hrgs_without_national_price() +
                      tariff.tfcs_without_national_price() + tariff.tfcs_excluded_from_admitted_care() +
                      tariff.rebundled_hrgs();
  if (kept > lines) return "kept more rows than the file has lines";
  for (const auto& p : tariff.apc()) {
    if (tariff.FindApc(p.hrg) != &p) return "an APC price is not found by its HRG";
    if (std::string b = CheckApcPrice(p); !b.empty()) return b;
  }
  for (const auto& p : tariff.op_attendances())
    if (tariff.FindOpAttendance(p.tfc) != &p) return "an outpatient price is not found by its treatment function";
  for (const auto& p : tariff.ae()) {
    if (tariff.FindAe(p.hrg) != &p) return "an A&E price is not found by its HRG";
    if (p.type_1_2.pence() < 0 || p.type_3_4.pence() < 0) return "kept a negative A&E price";
  }
  for (const auto& p : tariff.unbundled())
    if (tariff.FindUnbundled(p.hrg) != &p || p.price.pence() < 0) return "an unbundled price is lost or negative";
  for (const auto& t : tariff.top_ups())
    if (tariff.FindTopUp(t.pss_flag) != &t || t.top_up_ppm < 0 || t.top_up_ppm > refdata::kPpm)
      return "a top-up is lost or outside 0-100%";
  return "";
}

}  // namespace csu::fuzz
