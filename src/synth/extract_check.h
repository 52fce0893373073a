// A structural checker for activity extract files (format v1), used to test
// the generator: it reads a file back with core::CsvReader and checks every
// row against the format's rules and the reference data: required columns,
// field count, NHS number check digits, dates (real, in the financial year,
// discharge >= admission, departure >= arrival, birth before activity and
// age <= 120), code values in their lists, provider with an MFF in the year,
// practice and commissioner known, HRGs in the year's tariff (or the HRG
// code list for unpriced maternity HRGs), ids unique within provider.
//
// It is not the ingestion validator (src/ingest owns that); it exists so
// the generator's promises ("clean output has zero bad rows", "--defects N
// makes exactly N") are tested against an independent reading of the files.
// Thread-safe: no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "synth/extract_writer.h"

namespace csu::refdata {
class RefData;
}

namespace csu::synth {

struct ExtractProblem {
  int64_t line = 0;
  std::string column;  // empty for whole-row problems
  std::string why;
};

struct ExtractCheckReport {
  int64_t rows = 0;      // data records read, good or bad
  int64_t bad_rows = 0;  // records with at least one problem
  std::vector<ExtractProblem> problems;  // the first problem of each bad row (at most 1,000 kept)
};

// Checks `path` as a `dataset` file for financial year `year`. Returns an
// Error only when the file cannot be read or lacks a required column.
Result<ExtractCheckReport> CheckExtractFile(const refdata::RefData& refdata, FinancialYear year, Dataset dataset,
                                            const std::string& path);

struct ContractsCheckReport {
  int64_t contracts = 0;
  int64_t lines = 0;
};

// Reads a contract plans file back with the platform's own reader
// (contracts::ReadContractsFile: every code, number and profile) and checks
// that each contract is for `year` and has at least one line. Returns the
// reader's error ("file:line: reason") or the first contract that fails.
Result<ContractsCheckReport> CheckContractsFile(const refdata::RefData& refdata, FinancialYear year,
                                                const std::string& path);

}  // namespace csu::synth
