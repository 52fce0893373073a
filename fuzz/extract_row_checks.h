// Invariant checks for one extract row through the row validator
// (docs/formats/activity-extract-v1.md), for every kind: the row is read as
// CSV, checked against each kind's full header (APC with the optional
// secondary_diagnoses column), and the result must keep the rules that
// protect patients and the data. Shared by fuzz/extract_row_fuzz.cc and
// src/ingest/extract_row_fuzz_corpus_test.cc, which replays
// fuzz/corpus/extract_row in the default suite. Header-only, like
// fuzz_checks.h, and for the same reason.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/csv_reader.h"
#include "core/nhs_number.h"
#include "ingest/extract_schema.h"
#include "ingest/row_validator.h"
#include "refdata/refdata.h"

namespace csu::fuzz {

// The headers the row is tried against: every column of each kind.
inline const char* ExtractHeader(ingest::ExtractKind kind) {
  switch (kind) {
    case ingest::ExtractKind::kApc:
      return "nhs_number,date_of_birth,sex,gp_practice,commissioner,provider,spell_id,admission_date,"
             "discharge_date,admission_method,patient_classification,treatment_function,hrg,primary_diagnosis,"
             "primary_procedure,discharge_method,critical_care_days,rehabilitation_days,palliative_care_days,"
             "specialised_service,unbundled_hrgs,secondary_diagnoses";
    case ingest::ExtractKind::kOp:
      return "nhs_number,date_of_birth,sex,gp_practice,commissioner,provider,attendance_id,appointment_date,"
             "first_attendance,attended,treatment_function,multi_professional,hrg";
    case ingest::ExtractKind::kAe:
      return "nhs_number,date_of_birth,sex,gp_practice,commissioner,provider,attendance_id,arrival,departure,"
             "department_type,arrival_mode,disposal,hrg";
  }
  return "";
}

// The invariants of one validated row, apart from the validator so that a
// test can show each one rejects a wrong outcome.
inline std::string CheckOutcome(bool ok, const std::vector<ingest::RowProblem>& problems, std::string_view id) {
  if (ok != problems.empty()) return "verdict and problems disagree";
  if (ok && HoldsNhsNumber(id)) return "accepted an identifier holding an NHS number";
  for (const auto& p : problems) {
    if (HoldsNhsNumber(p.ToString())) return "a problem repeats an NHS number: " + p.reason;
  }
  return "";
}

// One kind's header and validator, built once: a validator indexes the
// reference data's codes, which costs far more than checking a row.
struct KindValidator {
  ingest::ExtractKind kind;
  size_t columns = 0;
  std::unique_ptr<ingest::HeaderMap> map;  // null when the test header is refused (a bug here)
  std::unique_ptr<ingest::RowValidator> validator;
};

inline std::vector<KindValidator> KindValidators(const refdata::RefData& ref) {
  std::vector<KindValidator> out;
  for (ingest::ExtractKind kind : {ingest::ExtractKind::kApc, ingest::ExtractKind::kOp, ingest::ExtractKind::kAe}) {
    KindValidator k{kind, 0, nullptr, nullptr};
    CsvReader header_reader(ExtractHeader(kind));
    std::vector<std::string_view> header;
    if (header_reader.Next(header).ok()) {
      k.columns = header.size();
      auto map = ingest::HeaderMap::Build(kind, header);
      if (map.ok()) {
        k.map = std::make_unique<ingest::HeaderMap>(std::move(map).value());
        k.validator = std::make_unique<ingest::RowValidator>(*k.map, ref);
      }
    }
    out.push_back(std::move(k));
  }
  return out;
}

// Validates the first CSV record of `data` as a row of each kind (against
// the reference data of the first call: one RefData a process). Returns ""
// when every invariant held, else what broke:
//  - the validator's verdict and its problems agree (ok exactly when none);
//  - no problem's text repeats an NHS number the row holds;
//  - an accepted record never keeps an NHS number in its identifier;
//  - an accepted APC record keeps at most 20 secondary diagnoses, none empty.
inline std::string CheckExtractRow(const refdata::RefData& ref, std::string_view data) {
  CsvReader reader(data);
  std::vector<std::string_view> fields;
  auto got = reader.Next(fields);
  if (!got.ok() || !got.value()) return "";  // not one CSV record: the reader's own fuzz target covers it
  static const std::vector<KindValidator> validators = KindValidators(ref);
  for (const KindValidator& k : validators) {
    const ingest::ExtractKind kind = k.kind;
    if (k.map == nullptr) return "test header refused";
    if (fields.size() != k.columns) continue;  // the reader quarantines these before validation
    const ingest::RowValidator& validator = *k.validator;
    ingest::Identity identity;
    std::vector<ingest::RowProblem> problems;
    std::string id;
    bool ok = false;
    if (kind == ingest::ExtractKind::kApc) {
      ingest::ApcRecord r;
      ok = validator.ValidateApc(fields, r, identity, problems);
      id = r.spell_id;
      if (ok && r.secondary_diagnoses.size() > ingest::kMaxSecondaryDiagnoses) return "kept over 20 diagnoses";
      if (ok) {
        for (const auto& d : r.secondary_diagnoses)
          if (d.empty()) return "kept an empty secondary diagnosis";
      }
    } else if (kind == ingest::ExtractKind::kOp) {
      ingest::OpRecord r;
      ok = validator.ValidateOp(fields, r, identity, problems);
      id = r.attendance_id;
    } else {
      ingest::AeRecord r;
      ok = validator.ValidateAe(fields, r, identity, problems);
      id = r.attendance_id;
    }
    if (std::string broken = CheckOutcome(ok, problems, id); !broken.empty()) return broken;
  }
  return "";
}

}  // namespace csu::fuzz
