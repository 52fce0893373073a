// Where ingest delivers its output: accepted records (already pseudonymised)
// and quarantined rows (identifiers masked). The store's batch builder is
// the production sink; tests use a vector-backed one.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "ingest/activity_record.h"
#include "ingest/extract_schema.h"

namespace csu::ingest {

// One quarantined row. `masked_text` is the row as read with the NHS number
// and date of birth replaced by '*' of the same length, so it can be shown to
// a data manager without disclosing identifiers.
struct QuarantinedRow {
  int64_t batch_id = 0;  // filled in by the store
  int64_t line = 0;
  std::string column;  // "" when the whole row is malformed (quoting, field count)
  std::string reason;
  std::string detail;
  std::string masked_text;
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual ExtractKind kind() const = 0;
  // Exactly one of these matches kind(); the others are programmer errors.
  virtual void AddApc(const ApcRecord& record) = 0;
  virtual void AddOp(const OpRecord& record) = 0;
  virtual void AddAe(const AeRecord& record) = 0;
  virtual void AddQuarantined(QuarantinedRow row) = 0;

  // A run of consecutive accepted records, in file order: the same as
  // adding them one by one (the defaults do just that). Ingest delivers
  // records this way so that a sink can look ahead, e.g. prefetch the hash
  // table slots of the next records while it encodes this one.
  virtual void AddApcs(std::span<const ApcRecord> records) {
    for (const ApcRecord& r : records) AddApc(r);
  }
  virtual void AddOps(std::span<const OpRecord> records) {
    for (const OpRecord& r : records) AddOp(r);
  }
  virtual void AddAes(std::span<const AeRecord> records) {
    for (const AeRecord& r : records) AddAe(r);
  }
};

}  // namespace csu::ingest
