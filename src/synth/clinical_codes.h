// Clinical coding the generator attaches to a spell: the treatment function
// that usually manages an HRG subchapter, and plausible ICD-10 diagnoses and
// OPCS-4 procedures for it.
//
// ICD-10 and OPCS-4 are NHS Digital TRUD products that are not open data, so
// refdata has no lookup (domain.md 1(f)); these are small hand-picked subsets
// of real codes, written as SUS writes them (four characters, no dot; an
// 'X' fills a three-character code). They make rows look right and let
// analytics group by diagnosis chapter; they are not a grouper, and the HRG
// is not derived from them.
#pragma once

#include <string_view>
#include <vector>

namespace csu::synth {

struct SubchapterCoding {
  std::string_view subchapter;    // "FZ"
  std::string_view medical_tfc;   // treatment function for medical spells
  std::string_view surgical_tfc;  // ... and for procedures
  std::vector<std::string_view> diagnoses;   // ICD-10
  std::vector<std::string_view> procedures;  // OPCS-4; empty for medical-only
};

// The coding for a two-letter HRG subchapter; subchapters without their own
// entry fall back to their chapter's first entry, then to general medicine.
// Never null. Thread-safe (static data).
const SubchapterCoding& CodingFor(std::string_view subchapter);

// Diagnoses for same-day chemotherapy (cancers).
const std::vector<std::string_view>& ChemotherapyDiagnoses();

// True when an HRG name describes a procedure rather than a medical
// condition ("Procedures", "Replacement", "Endoscopic", ...).
bool IsSurgicalHrgName(std::string_view name);

}  // namespace csu::synth
