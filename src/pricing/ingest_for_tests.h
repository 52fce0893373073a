// Test helper: an extract CSV written to a scratch folder and ingested into a
// store the way `csu ingest` does (IngestFile into a batch, then CommitBatch),
// for the tests that need stored rows to read back. Header-only; tests only.
#pragma once

#include <fstream>
#include <string>

#include "ingest/file_ingester.h"
#include "ingest/pseudonymiser.h"
#include "refdata/refdata_for_tests.h"
#include "store/store.h"

namespace csu::pricing::testing {

struct Ingested {
  ingest::IngestReport report;
  store::BatchInfo batch;
};

// Writes `csv` to `path`, ingests it as `kind` with `key` against the test
// reference data and commits the batch as "test".
inline Result<Ingested> IngestCsv(store::Store& s, const std::string& path, const std::string& csv,
                                  ingest::ExtractKind kind, const ingest::Pseudonymiser& key) {
  {
    std::ofstream out(path, std::ios::binary);
    out << csv;
  }
  CSU_ASSIGN_OR_RETURN(builder, s.NewBatch(kind));
  CSU_ASSIGN_OR_RETURN(report, ingest::IngestFile(path, kind, refdata::TestRefData(), key, *builder, nullptr));
  store::BatchInfo info;
  const size_t slash = path.find_last_of('/');
  info.file_name = slash == std::string::npos ? path : path.substr(slash + 1);
  info.content_sha256 = report.content_sha256;
  info.rows_read = report.rows_read;
  info.loaded_by = "test";
  CSU_ASSIGN_OR_RETURN(committed, s.CommitBatch(std::move(builder), info));
  return Ingested{std::move(report), std::move(committed)};
}

}  // namespace csu::pricing::testing
