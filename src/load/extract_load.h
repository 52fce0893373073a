// One activity extract into the state folder: the one code path `csu ingest`
// and the web upload (docs/web.md, "Uploading extracts") share, so a file
// gets the same checks, the same batch and the same durability whichever
// way it arrives.
//
//   CSU_ASSIGN_OR_RETURN(summary, ingest::SummariseExtract(path, kind, options));   // whole-file checks
//   CSU_ASSIGN_OR_RETURN(out, load::LoadExtract(with_store, ref, key, meter, request, summary, &progress, &counts));
//   out.outcome: kLoaded (out.batch is on disk), kAlreadyLoaded, or kRefused (out.refusal says where and why)
//
// What it does, in order: recognise a file already loaded by its content
// hash; read, validate and pseudonymise every row into a new batch (rows
// breaking a rule are quarantined, counted by reason); refuse a file that
// looks truncated unless told it is complete; commit the batch (durable when
// this returns: store.h's contract; the store writes the "ingest" audit
// entry in the same commit); then meter the accepted records once per batch
// and commissioner (docs/billing.md, "Metering"). A refused file leaves the
// store as it was.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "core/result.h"
#include "ingest/extract_schema.h"
#include "ingest/file_ingester.h"
#include "store/store.h"

namespace csu {
class Progress;
namespace billing {
class Meter;
}
namespace ingest {
class Pseudonymiser;
}
namespace refdata {
class RefData;
}
}  // namespace csu

namespace csu::load {

// Runs a function on the store: the caller decides how the store is shared
// (`csu ingest` holds it alone; `csu serve` takes its store lock for each
// call, so pages keep answering while the rows are read).
using WithStore = std::function<Status(const std::function<Status(store::Store&)>&)>;

struct LoadRequest {
  std::string path;          // the extract file
  ingest::ExtractKind kind = ingest::ExtractKind::kApc;
  ingest::IngestOptions options;
  bool accept_truncated = false;  // load a file whose last row is cut off (that row is quarantined)
  std::string file_name;     // the name the batch records; the path's base name when empty
  std::string actor;         // who loads it: the batch's loaded_by and the ingest audit entry
  std::string meter_actor;   // who the meter records ("cli:NAME", "web:NAME")
};

// Rows seen so far, for a progress page: readable from another thread while
// the file is read.
struct LoadCounters {
  std::atomic<int64_t> accepted{0};
  std::atomic<int64_t> quarantined{0};
};

struct LoadOutcome {
  enum class Kind { kLoaded, kAlreadyLoaded, kRefused };
  Kind kind = Kind::kRefused;
  ingest::IngestReport report;  // kLoaded: the rows read, accepted and quarantined by reason
  store::BatchInfo batch;       // kLoaded: the new batch; kAlreadyLoaded: the batch holding this content
  std::string refusal;          // kRefused: "FILE: line N: why" (nothing was stored)
  std::string meter_error;      // kLoaded but not metered (docs/billing.md: never counted twice)
};

// Loads the file `request.path` whose whole-file checks `summary` passed.
// An Error means the store could not be read or written (stop: the caller's
// other files would fail the same way); a file the rules refuse is a
// kRefused outcome. `progress` and `counters` may be null.
Result<LoadOutcome> LoadExtract(const WithStore& with_store, const refdata::RefData& ref,
                                const ingest::Pseudonymiser& pseudonymiser, billing::Meter& meter,
                                const LoadRequest& request, const ingest::ExtractSummary& summary,
                                Progress* progress, LoadCounters* counters);

}  // namespace csu::load
