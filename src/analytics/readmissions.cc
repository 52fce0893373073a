#include "analytics/readmissions.h"

#include <string_view>

#include "analytics/patient_groups.h"
#include "pricing/table_pricer.h"

namespace csu::analytics {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Per dictionary id: facts the rules need about a code, worked out once.
struct CodeFacts {
  std::vector<uint8_t> method_emergency, method_elective, method_maternity, method_transfer;
  std::vector<uint8_t> diagnosis_cancer, diagnosis_transport;
  std::vector<uint8_t> hrg_cancer, hrg_renal_transplant, hrg_trauma, hrg_maternity;

  explicit CodeFacts(const store::CodeDictionaries& codes) {
    const auto& am = codes.admission_method();
    for (uint32_t id = 0; id < am.size(); ++id) {
      std::string_view c = am.code(id);
      method_emergency.push_back(!c.empty() && c[0] == '2');
      method_elective.push_back(c == "11" || c == "12" || c == "13");
      method_maternity.push_back(c == "31" || c == "32");
      method_transfer.push_back(c == "2B");
    }
    const auto& dx = codes.diagnosis();
    for (uint32_t id = 0; id < dx.size(); ++id) {
      std::string_view c = dx.code(id);
      // ICD-10 C00–D48: malignant and other neoplasms.
      bool cancer = !c.empty() && (c[0] == 'C' || (c[0] == 'D' && c.size() >= 3 && c[1] >= '0' && c[1] <= '4' &&
                                                    (c[1] < '4' || c[2] <= '8')));
      diagnosis_cancer.push_back(cancer);
      // ICD-10 V01–V99: transport accidents (external causes, so never the
      // primary diagnosis of a correctly coded spell).
      const bool v_code = c.size() >= 3 && c[0] == 'V' && c[1] >= '0' && c[1] <= '9' && c[2] >= '0' && c[2] <= '9' &&
                          !(c[1] == '0' && c[2] == '0');
      diagnosis_transport.push_back(v_code);
    }
    const auto& hrg = codes.hrg();
    for (uint32_t id = 0; id < hrg.size(); ++id) {
      std::string_view c = hrg.code(id);
      hrg_cancer.push_back(StartsWith(c, "SB") || StartsWith(c, "SC"));
      hrg_renal_transplant.push_back(StartsWith(c, "LD") || StartsWith(c, "LA01") || StartsWith(c, "LA02") ||
                                     StartsWith(c, "LA03") || StartsWith(c, "GA01"));
      hrg_trauma.push_back(StartsWith(c, "VA"));
      hrg_maternity.push_back(StartsWith(c, "NZ"));
    }
  }
};

}  // namespace

std::string_view ExclusionName(ReadmissionExclusion e) {
  switch (e) {
    case ReadmissionExclusion::kNone: return "";
    case ReadmissionExclusion::kNotPriced: return "no national price";
    case ReadmissionExclusion::kMaternity: return "maternity";
    case ReadmissionExclusion::kCancer: return "cancer, chemotherapy or radiotherapy";
    case ReadmissionExclusion::kUnderFour: return "under 4 at readmission";
    case ReadmissionExclusion::kSelfDischarge: return "self-discharge against advice";
    case ReadmissionExclusion::kEmergencyTransfer: return "emergency transfer";
    case ReadmissionExclusion::kRenalOrTransplant: return "renal dialysis or transplant";
    case ReadmissionExclusion::kTrauma: return "multiple trauma or transport accident";
  }
  return "";
}

Readmissions FindReadmissions(const store::ActivityTables& tables, const pricing::PricedColumns& priced) {
  const store::ApcTable& t = tables.apc;
  const size_t n = t.size();
  const CodeFacts f(tables.codes);
  Readmissions r;
  r.index_row.assign(n, -1);
  r.payment_index_row.assign(n, -1);
  r.withheld.assign(n, 0);
  r.exclusion.assign(n, ReadmissionExclusion::kNone);
  r.in_rate.assign(n, 0);
  r.readmitted_after.assign(n, 0);

  auto emergency = [&](uint32_t row) { return f.method_emergency[t.admission_method[row]] != 0; };
  // A transport accident may be coded in any diagnosis position; external
  // cause codes follow the injury, so they are nearly always secondary.
  std::vector<uint8_t> transport(n, 0);
  for (size_t i = 0; i < n; ++i) transport[i] = f.diagnosis_transport[t.diagnosis[i]];
  for (size_t k = 0; k < t.secondary_diagnosis_row.size(); ++k) {
    if (f.diagnosis_transport[t.secondary_diagnosis[k]]) transport[t.secondary_diagnosis_row[k]] = 1;
  }
  for (size_t i = 0; i < n; ++i) {
    const bool maternity = f.method_maternity[t.admission_method[i]] || f.hrg_maternity[t.hrg[i]];
    const bool regular = t.patient_classification[i] == '3' || t.patient_classification[i] == '4';
    r.in_rate[i] = t.patient[i] != 0 && t.discharge_method[i] != '4' && !maternity && !regular;
  }

  PatientGroups g = GroupByPatient(t.patient, tables.patients.size(),
                                   [&](uint32_t row) { return int64_t{t.admission_date[row]} * 65536 + t.discharge_date[row] - t.admission_date[row]; });
  for (size_t p = 1; p < tables.patients.size(); ++p) {
    const uint32_t first = g.offsets[p], last = g.offsets[p + 1];
    for (uint32_t k = first; k < last; ++k) {
      const uint32_t row = g.rows[k];
      if (!emergency(row)) continue;
      const int32_t admitted = t.admission_date[row];
      // The index spell: the latest discharge on or before this admission,
      // within the window, among the patient's earlier-admitted spells.
      // The payment index: the latest elective discharge at this provider
      // within the window, whether or not a later spell came between.
      int32_t best = -1, elective = -1;
      auto later = [&](uint32_t a, int32_t b) { return b < 0 || t.discharge_date[a] >= t.discharge_date[static_cast<uint32_t>(b)]; };
      for (uint32_t j = first; j < k; ++j) {
        const uint32_t prev = g.rows[j];
        const int32_t gap = admitted - t.discharge_date[prev];
        if (gap < 0 || gap > kReadmissionWindowDays) continue;
        if (later(prev, best)) best = static_cast<int32_t>(prev);
        if (f.method_elective[t.admission_method[prev]] && t.provider[prev] == t.provider[row] && later(prev, elective)) {
          elective = static_cast<int32_t>(prev);
        }
      }
      if (best < 0) continue;
      r.index_row[row] = best;
      if (r.in_rate[static_cast<uint32_t>(best)]) r.readmitted_after[static_cast<uint32_t>(best)] = 1;
      if (elective < 0) continue;
      const uint32_t index = static_cast<uint32_t>(elective);
      r.payment_index_row[row] = elective;
      ReadmissionExclusion why = ReadmissionExclusion::kNone;
      if (!priced.priced(row)) why = ReadmissionExclusion::kNotPriced;
      else if (f.method_maternity[t.admission_method[row]] || f.hrg_maternity[t.hrg[row]]) why = ReadmissionExclusion::kMaternity;
      // Cancer, chemotherapy and radiotherapy: "where initial admission or
      // readmission includes ... primary diagnosis of cancer", so the index
      // spell is tested as well as the readmission (docs/monitoring.md).
      else if (f.diagnosis_cancer[t.diagnosis[row]] || f.hrg_cancer[t.hrg[row]] ||
               f.diagnosis_cancer[t.diagnosis[index]] || f.hrg_cancer[t.hrg[index]]) {
        why = ReadmissionExclusion::kCancer;
      }
      else if (t.age_years[row] < 4) why = ReadmissionExclusion::kUnderFour;
      else if (t.discharge_method[index] == '2') why = ReadmissionExclusion::kSelfDischarge;
      else if (f.method_transfer[t.admission_method[row]]) why = ReadmissionExclusion::kEmergencyTransfer;
      // "Patients readmitted subsequent to a transplant": the transplant is
      // the index spell; dialysis may be either spell.
      else if (f.hrg_renal_transplant[t.hrg[row]] || f.hrg_renal_transplant[t.hrg[index]]) {
        why = ReadmissionExclusion::kRenalOrTransplant;
      }
      else if (f.hrg_trauma[t.hrg[row]] || transport[row]) why = ReadmissionExclusion::kTrauma;
      r.exclusion[row] = why;
      r.withheld[row] = why == ReadmissionExclusion::kNone;
    }
  }
  return r;
}

}  // namespace csu::analytics
